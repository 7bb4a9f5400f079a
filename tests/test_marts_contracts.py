"""mart_contract_share, mart_contract_list, mart_declared_vs_executed against a 5-contract fixture."""
from __future__ import annotations

import datetime as dt

import pytest

from marts_fixture import add_contracts, add_lines, add_lots, build, by_value, new_db, rows

L1 = "11111111111111"
COMMUNE = "33333333333333"


@pytest.fixture(scope="module")
def con():
    con = new_db()
    add_contracts(
        con,
        # A: landlord, 100 k€, clause
        {"contract_id": "A", "buyer_siret": L1, "amount": 100000.0, "has_social_clause": True,
         "social_considerations": ["Clause sociale"]},
        # B: commune, 50 k€, criterion + reserved
        {"contract_id": "B", "buyer_siret": COMMUNE, "buyer_type": "commune", "buyer_name": "Ville",
         "amount": 50000.0, "has_social_criterion": True, "is_reserved": True, "object": "Nettoyage écoles"},
        # C: commune, 300 k€, no social consideration
        {"contract_id": "C", "buyer_siret": COMMUNE, "buyer_type": "commune", "buyer_name": "Ville",
         "amount": 300000.0, "social_considerations": ["Pas de considération sociale"]},
        # D: 2019 format, 2023: status unknown
        {"contract_id": "D", "buyer_siret": COMMUNE, "buyer_type": "commune", "buyer_name": "Ville",
         "amount": 200000.0, "year": 2023, "notification_date": dt.date(2023, 5, 1),
         "social_info_known": False, "has_social_clause": None, "has_social_criterion": None,
         "is_reserved": None, "format_version": "2019"},
        # E: landlord, amount flagged (null), clause, executed in the Pas-de-Calais
        {"contract_id": "E", "buyer_siret": L1, "amount": None, "amount_flag": "placeholder",
         "has_social_clause": True, "departement_code": "62", "commune_code": "62041",
         "epci_code": "200033579", "notification_date": dt.date(2024, 9, 1)},
    )
    # execution data: on A (declared), on C (not declared), on D (unknown status), on Z (not in DECP)
    add_lines(con, {"participant_id": "p1", "buyer_siret": L1, "contract_id": "A"},
              {"participant_id": "p2", "buyer_siret": COMMUNE, "contract_id": "C"},
              {"participant_id": "p3", "buyer_siret": COMMUNE, "contract_id": "D"},
              {"participant_id": "p4", "buyer_siret": COMMUNE, "contract_id": "Z"})
    add_lots(con, {"buyer_siret": L1, "contract_id": "A", "planned_hours": 70.0})
    return build(con)


def test_total_counts_and_shares(con):
    (t,) = rows(con, "select * from mart_contract_share('total')")
    assert t["is_total"] and t["value"] == "total"
    assert (t["n_contracts"], t["n_unknown_status"], t["n_known"]) == (5, 1, 4)
    # A, B, E carry a social consideration; A, E a clause; B a criterion and a reservation
    assert (t["n_social"], t["n_clause"], t["n_criterion"], t["n_reserved"]) == (3, 2, 1, 1)
    assert t["share_social"] == pytest.approx(3 / 4)
    assert t["share_clause"] == pytest.approx(2 / 4)
    # amounts over known status with a stated amount: A 100k + B 50k + C 300k = 450k
    assert t["amount_known"] == pytest.approx(450000)
    assert t["amount_social"] == pytest.approx(150000)
    assert t["amount_share_social"] == pytest.approx(150000 / 450000)
    assert t["amount_share_clause"] == pytest.approx(100000 / 450000)


def test_by_year_keeps_unknown_beside(con):
    by = by_value(con, "select * from mart_contract_share('year')")
    assert set(by) == {"2023", "2024", "total"}
    assert (by["2023"]["n_contracts"], by["2023"]["n_unknown_status"], by["2023"]["n_known"]) == (1, 1, 0)
    assert by["2023"]["share_social"] is None  # no known contract: no share, not 0
    assert by["2024"]["n_known"] == 4 and by["2024"]["share_social"] == pytest.approx(0.75)
    assert by["total"]["sort_key"] == 3  # total row last


def test_filters(con):
    (t,) = rows(con, "select * from mart_contract_share('total', departement := '62')")
    assert (t["n_contracts"], t["n_clause"]) == (1, 1)
    (t,) = rows(con, "select * from mart_contract_share('total', year_from := 2024)")
    assert (t["n_contracts"], t["n_unknown_status"]) == (4, 0)
    (t,) = rows(con, "select * from mart_contract_share('total', buyer_type := 'commune')")
    assert (t["n_contracts"], t["n_social"], t["n_known"]) == (3, 1, 2)
    (t,) = rows(con, "select * from mart_contract_share('total', year_from := 2030)")
    assert t["n_contracts"] == 0 and t["share_social"] is None


def test_landlord_and_bracket_and_labels(con):
    by = by_value(con, "select * from mart_contract_share('landlord')")
    assert by[L1[:9]]["n_contracts"] == 2 and by[L1[:9]]["label"] == "Bailleur Nord"  # by organisation (SIREN)
    assert by["other_buyers"]["n_contracts"] == 3
    by = by_value(con, "select * from mart_contract_share('amount_bracket')")
    # A 100k and D 200k in 90k-221k, B 50k in 40k-90k, C 300k in 221k-1M, E unknown
    assert {k: v["n_contracts"] for k, v in by.items()} == {
        "90k_221k": 2, "40k_90k": 1, "221k_1m": 1, "unknown": 1, "total": 5}
    assert [r["value"] for r in rows(con, "select * from mart_contract_share('amount_bracket')")] == [
        "40k_90k", "90k_221k", "221k_1m", "unknown", "total"]
    by = by_value(con, "select * from mart_contract_share('departement')")
    assert by["59"]["label"] == "Nord" and by["62"]["n_contracts"] == 1


def test_contract_list(con):
    ids = [r["contract_id"] for r in rows(con, "select * from mart_contract_list(social_status := 'clause')")]
    assert ids == ["E", "A"]  # newest first
    assert [r["contract_id"] for r in rows(con, "select * from mart_contract_list(social_status := 'unknown')")] == ["D"]
    (b,) = rows(con, "select * from mart_contract_list(search := 'NETTOYAGE')")
    assert b["contract_id"] == "B"
    by_contract = {r["contract_id"]: r for r in rows(con, "select * from mart_contract_list()")}
    assert len(by_contract) == 5
    assert by_contract["A"]["has_execution_data"] and not by_contract["B"]["has_execution_data"]
    assert by_contract["A"]["social_considerations"] == "Clause sociale"
    assert len(rows(con, "select * from mart_contract_list(max_rows := 2)")) == 2


def test_declared_vs_executed(con):
    status = {r["contract_id"]: r["status"] for r in rows(con, "select * from mart_declared_vs_executed_list()")}
    assert status == {"A": "matched", "E": "declared_no_execution", "C": "execution_not_declared",
                      "D": "execution_status_unknown", "Z": "execution_not_in_decp"}
    per_buyer = {r["buyer_siret"]: r for r in rows(con, "select * from mart_declared_vs_executed()")}
    landlord = per_buyer[L1]
    assert (landlord["n_declared_clause"], landlord["n_declared_with_execution"],
            landlord["n_declared_without_execution"]) == (2, 1, 1)
    assert landlord["match_rate"] == pytest.approx(0.5)
    assert landlord["buyer_type"] == "landlord"
    commune = per_buyer[COMMUNE]
    assert commune["n_declared_clause"] == 0 and commune["match_rate"] is None
    assert (commune["n_execution_not_declared"], commune["n_execution_status_unknown"],
            commune["n_execution_not_in_decp"]) == (1, 1, 1)
    total = per_buyer[None]
    assert total["is_total"] and total["n_execution_contracts"] == 4


def test_territory_population(con):
    deps = {r["code"]: r for r in rows(con, "select * from mart_territory_population('departement')")}
    # fixture communes: Lille 230 000 inhabitants (59), Arras 41 000 (62)
    assert deps["59"]["population"] == 230000 and deps["59"]["label"] == "Nord"
    epcis = {r["code"]: r["population"] for r in rows(con, "select * from mart_territory_population('epci')")}
    assert epcis == {"200093201": 230000, "200033579": 41000}


def _ranked(con, dimension, **params):
    args = "".join(f", {k} := {v!r}" for k, v in params.items())
    return by_value(con, f"select * from mart_contract_share_ranked('{dimension}'{args})")


def test_ranked_shares_and_cuts(con):
    # buyer types: landlord A, E (2 known, both social: 1.0), commune B, C known (B social: 0.5) + D unknown
    r = _ranked(con, "buyer_type", ranked_by="share_social", min_known=2)
    assert (r["landlord"]["ranked_share"], r["commune"]["ranked_share"]) == pytest.approx((1.0, 0.5))
    assert (r["landlord"]["rank_high"], r["commune"]["rank_high"]) == (1, 2)
    assert (r["landlord"]["rank_low"], r["commune"]["rank_low"]) == (2, 1)
    # by number of contracts: commune 3 (B, C, D), landlord 2; the total row is not ranked
    assert (r["commune"]["size_rank"], r["landlord"]["size_rank"]) == (1, 2)
    assert r["total"]["size_rank"] is None and r["total"]["rank_high"] is None and not r["total"]["is_reliable"]
    # in amount: landlord 100 k€ of 100 k€ known (E has no amount), commune 50 k€ of 350 k€
    r = _ranked(con, "buyer_type", ranked_by="amount_share_social", min_known=2)
    assert r["commune"]["ranked_share"] == pytest.approx(50000 / 350000) and r["commune"]["rank_high"] == 2
    # 3 contracts of known status needed: nobody has them, nobody is ranked (the rows stay)
    r = _ranked(con, "buyer_type", ranked_by="share_social", min_known=3)
    assert not r["landlord"]["is_reliable"] and r["landlord"]["rank_high"] is None
    assert r["commune"]["rank_low"] is None and r["commune"]["n_contracts"] == 3


def test_national_references_of_the_years_shown(con):
    got = rows(con, "select * from mart_national_references(years := [2019, 2022, 2024])")
    # 2024 has no national figure; the target comes last
    assert [(r["is_target"], r["year"], r["share"], r["label"]) for r in got] == [
        (False, 2019, pytest.approx(0.125), "12-13 %"), (False, 2022, pytest.approx(0.205), "19-22 % (≥ 90 k€)"),
        (True, None, pytest.approx(0.30), "Objectif national : 30 %")]
    assert len(rows(con, "select * from mart_national_references()")) == 6 + 1
