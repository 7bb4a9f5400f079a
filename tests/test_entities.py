"""Entities: a buyer is an organisation (SIREN), an operation is its code (issue 11).

Fixture (built in code, figures by hand):

| identifier as read | name read               | rows                   | organisation                        |
|--------------------|-------------------------|------------------------|-------------------------------------|
| 12345678900011     | Aubépine Habitat        | 3 contracts (2 clause) | 123456789 (SIRET)                   |
| 12345678900029     | Aubépine Habitat Nord   | 1 contract (0 clause)  | 123456789 (SIRET)                   |
| 2345678900011      | AUBEPINE-HABITAT        | 1 contract (1 clause)  | 123456789 (register name, 13 digits)|
| 98765432100017     | Clair Foyer             | 2 contracts (1 clause) | 987654321 (SIRET)                   |
| 876543210001       | clair foyer             | 1 contract (0 clause)  | 987654321 (name match, 12 digits)   |
| 55555555500019 / 66666666600014 | Homonyme   | 1 contract each        | two organisations of the same name  |
| 555555555001       | Homonyme                | 1 contract             | unresolved (the name is ambiguous)  |
| ABC                | Inconnu                 | 1 contract             | unresolved (no such name)           |

The buyers register names 123456789 « Aubépine Habitat » (landlord) and 987654321 is absent from
it. Landlord contracts: Aubépine 3 + 1 + 1 = 5 (3 clause) -> 60 %; Clair Foyer 2 + 1 = 3 (1
clause). The landlord filter offers 2 organisations (not 5 identifiers).

Operation OPX is named « Opération Alpha » on 2 lines of a.csv and « Operation Alpha (ancien) » on 1
line of b.csv: one operation named « Opération Alpha », 2 names reported.
"""
from __future__ import annotations

import pytest

from marts_fixture import add_contracts, add_lines, build, by_value, new_db, people, rows

A1, A2, A_BAD = "12345678900011", "12345678900029", "2345678900011"
C1, C_BAD = "98765432100017", "876543210001"
H1, H2, H_BAD = "55555555500019", "66666666600014", "555555555001"


@pytest.fixture(scope="module")
def con():
    con = new_db()
    con.execute("insert into buyers_register values ('123456789', 'Aubépine Habitat', 'landlord')")
    lt = {"buyer_type": "landlord"}
    add_contracts(
        con,
        *[{**lt, "buyer_siret": A1, "buyer_name": "Aubépine Habitat", "contract_id": f"a{i}",
           "has_social_clause": i < 2} for i in range(3)],
        {**lt, "buyer_siret": A2, "buyer_name": "Aubépine Habitat Nord", "contract_id": "a3"},
        {**lt, "buyer_siret": A_BAD, "buyer_name": "AUBEPINE-HABITAT", "contract_id": "a4", "has_social_clause": True},
        *[{**lt, "buyer_siret": C1, "buyer_name": "Clair Foyer", "contract_id": f"c{i}", "has_social_clause": i == 0}
          for i in range(2)],
        {**lt, "buyer_siret": C_BAD, "buyer_name": "clair foyer", "contract_id": "c2"},
        {"buyer_siret": H1, "buyer_name": "Homonyme", "buyer_type": "commune", "contract_id": "h1"},
        {"buyer_siret": H2, "buyer_name": "Homonyme", "buyer_type": "commune", "contract_id": "h2"},
        {"buyer_siret": H_BAD, "buyer_name": "Homonyme", "buyer_type": "commune", "contract_id": "h3"},
        {"buyer_siret": "ABC", "buyer_name": "Inconnu", "buyer_type": "other", "contract_id": "x1"},
    )
    add_lines(con,
              *people("p", 2, source_file="a.csv", buyer_siret=A1, buyer_name="Aubépine Habitat", operation_id="OPX",
                      operation_name="Opération Alpha"),
              *people("q", 1, source_file="b.csv", buyer_siret=A_BAD, buyer_name="AUBEPINE-HABITAT", operation_id="OPX",
                      operation_name="Operation Alpha (ancien)"))
    build(con)
    return con


def test_identifiers_resolve_to_their_organisation(con):
    got = {r["buyer_siret"]: (r["buyer_siren"], r["resolution"])
           for r in rows(con, "select * from stg_buyer_establishments")}
    assert got[A1] == ("123456789", "siret") and got[A2] == ("123456789", "siret")
    assert got[A_BAD] == ("123456789", "register_name")  # « AUBEPINE HABITAT » = the register's name
    assert got[C_BAD] == ("987654321", "name")  # « CLAIR FOYER », one organisation of that name
    assert got[H_BAD] == (None, "unresolved")  # two organisations are named « Homonyme »
    assert got["ABC"] == (None, "unresolved")
    assert got["123456789"] == ("123456789", "siren")  # the register's own identifier


def test_organisation_name_register_first_then_most_frequent(con):
    org = {r["buyer_siren"]: r for r in rows(con, "select * from int_organisations")}
    assert org["123456789"]["buyer_name"] == "Aubépine Habitat"
    assert org["123456789"]["n_establishments"] == 2 and org["123456789"]["establishments"] == [A1, A2]
    assert org["123456789"]["n_aliases"] == 1
    # not in the register: its most frequent name (2 contracts « Clair Foyer » against 1 « clair foyer »)
    assert org["987654321"]["buyer_name"] == "Clair Foyer"


def test_landlord_filter_and_breakdown_one_entry_per_organisation(con):
    opts = [(r["value"], r["label"]) for r in rows(
        con, "select * from mart_filter_options where filter = 'landlord' order by value")]
    assert opts == [("123456789", "Aubépine Habitat"), ("987654321", "Clair Foyer")]
    by = by_value(con, "select * from mart_contract_share('landlord')")
    assert (by["123456789"]["n_contracts"], by["123456789"]["n_clause"]) == (5, 3)
    assert by["123456789"]["share_clause"] == pytest.approx(0.6)
    assert by["987654321"]["n_contracts"] == 3
    assert set(by) == {"123456789", "987654321", "other_buyers", "total"}
    # the buyer breakdown: the unresolved identifiers count under « unknown », once
    by = by_value(con, "select * from mart_contract_share('buyer')")
    assert by["unknown"]["n_contracts"] == 2  # h3 and x1
    assert by["555555555"]["n_contracts"] == 1 and by["666666666"]["n_contracts"] == 1


def test_landlord_filter_takes_a_siren_or_any_of_its_sirets(con):
    for value in ("123456789", A1, A2):
        (t,) = rows(con, "select * from mart_contract_share('total', landlord := ?)", [value])
        assert t["n_contracts"] == 5, value
    (t,) = rows(con, "select * from mart_hours('total', landlord := ?)", [A2])
    assert t["n_participants"] is None or t["n_participants"] == 3  # 3 people, masked under 5
    assert len(rows(con, "select * from mart_contract_list(landlord := '123456789')")) == 5


def test_unresolved_buyers_listed_once_for_qualite(con):
    got = rows(con, "select * from mart_unresolved_buyers where resolution = 'unresolved'")
    assert [(r["buyer_siret"], r["buyer_name"], r["n_rows"]) for r in got] == [
        (H_BAD, "Homonyme", 1), ("ABC", "Inconnu", 1)]


def test_organisation_position_among_peers(con):
    (a,) = rows(con, "select * from mart_organisation(buyer := ?)", [A2])  # a SIRET designates its SIREN
    assert a["buyer_siren"] == "123456789" and a["n_contracts"] == 5 and a["clause_share"] == pytest.approx(0.6)
    # two landlord organisations with contracts: terciles of 2 -> bands small (Clair Foyer, 3 x 100 000 €)
    # and medium (Aubépine, 5 x 100 000 €); each alone in its band
    (c,) = rows(con, "select * from mart_organisation(buyer := '987654321')")
    assert (c["size_band"], a["size_band"]) == ("small", "medium")
    assert a["n_peers"] == 1 and a["peers_median_clause_share"] == pytest.approx(0.6)


def test_operation_is_its_code_and_conflicting_names_are_reported(con):
    (op,) = rows(con, "select * from mart_operation(operation := 'OPX')")
    assert op["operation_name"] == "Opération Alpha" and op["n_names"] == 2
    assert op["label"] == "OPX · Opération Alpha"
    assert op["other_names"] == "Operation Alpha (ancien)"
    assert [n["source_files"] for n in op["names"]] == [["a.csv"], ["b.csv"]]
    assert [b["buyer_siren"] for b in op["buyers"]] == ["123456789"]  # both identifiers: one organisation
    opts = rows(con, "select * from mart_filter_options where filter = 'operation'")
    assert [(r["value"], r["label"]) for r in opts] == [("OPX", "OPX · Opération Alpha")]
    # every breakdown by operation is labelled by code and name
    assert rows(con, "select label from int_dimension_labels where dim = 'operation' and dim_value <> 'unknown'") == [
        {"label": "OPX · Opération Alpha"}]
