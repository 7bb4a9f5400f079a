"""Data-quality marts and helpers: ingest log, rejects by reason, unknown territories, filter options,
build info."""
from __future__ import annotations


import pytest

from marts_fixture import add_contracts, add_lines, build, new_db, people, rows


@pytest.fixture(scope="module")
def con():
    con = new_db()
    con.execute("""insert into ingest_log values
        ('a.json', 'x', 'decp', 'json 2022', 10, 6, 2, 1, 1, '2026-01-01 10:00', '2026-01-01 10:01', 'warnings', null, null),
        ('b.csv', 'y', 'clauses', 'csv', 5, 4, 0, 0, 0, '2026-01-01 11:00', '2026-01-01 11:01', 'ok', null, null)""")
    con.execute("""insert into rejects values
        ('a.json', 7, 'montant', 'montant illisible', 'NC'),
        ('a.json', 3, 'montant', 'montant illisible', 'abc'),
        ('a.json', 9, 'montant', 'montant illisible', '?'),
        ('a.json', 12, 'montant', 'montant illisible', 'x'),
        ('a.json', 5, null, 'enregistrement sans identifiant', '{}')""")
    add_contracts(
        con,
        {"contract_id": "T1", "territory_status": "unknown", "territory_reason": "code inconnu",
         "place_type": "code_commune", "place_code": "FRK26", "departement_code": None, "amount": 10.0},
        {"contract_id": "T2", "territory_status": "unknown", "territory_reason": "code inconnu",
         "place_type": "code_commune", "place_code": "DEP", "departement_code": None, "amount": 5.0},
        {"contract_id": "T3"},
        {"contract_id": "T4", "buyer_type": "commune", "buyer_siret": "22222222222222", "year": 2025},
        {"contract_id": "T5", "buyer_siret": "1111111111111", "buyer_name": "Bailleur Nord"},  # 13 digits
    )
    add_lines(con, *people("p", 2, operation_id="OP9", operation_name="Quartier Sud"))
    con.execute("insert into build_info values ('data_label', 'données réelles')")
    return build(con)


def test_ingest_log_reconciles(con):
    log = {r["source_file"]: r for r in rows(con, "select * from mart_ingest_log")}
    # a.json: 10 read = 6 + 2 + 1 + 1; b.csv: 5 read but 4 loaded: does not reconcile
    assert log["a.json"]["reconciles"] is True and log["b.csv"]["reconciles"] is False
    assert [r["source_file"] for r in rows(con, "select * from mart_ingest_log")] == ["b.csv", "a.json"]


def test_rejects_grouped_with_examples(con):
    by = {(r["field"], r["reason"]): r for r in rows(con, "select * from mart_rejects_by_reason")}
    amount = by[("montant", "montant illisible")]
    assert amount["n_rejects"] == 4 and amount["first_record_no"] == 3
    assert amount["examples"] == ["abc", "NC", "?"]  # the first three by record number
    assert by[(None, "enregistrement sans identifiant")]["n_rejects"] == 1


def test_unknown_territories(con):
    (row,) = rows(con, "select * from mart_unknown_territories")
    assert (row["territory_status"], row["territory_reason"], row["n_contracts"]) == ("unknown", "code inconnu", 2)
    assert row["amount"] == pytest.approx(15) and row["examples"] == ["DEP", "FRK26"]


def test_filter_options(con):
    opts = {}
    for r in rows(con, "select * from mart_filter_options"):
        opts.setdefault(r["filter"], {})[r["value"]] = r
    assert set(opts["year"]) == {"2024", "2025"}
    # a landlord is its organisation (SIREN): the malformed SIRET 1111111111111 of the same name is
    # resolved to it by the exact normalised name, not offered as a second landlord (issue 11)
    assert opts["landlord"] == {"111111111": opts["landlord"]["111111111"]}
    assert opts["landlord"]["111111111"]["label"] == "Bailleur Nord"
    assert "222222222" not in opts["landlord"]  # a commune is not a landlord
    assert opts["operation"]["OP9"]["label"] == "OP9 · Quartier Sud"  # an operation is its code
    assert opts["departement"]["59"]["label"] == "Nord"


def test_build_info_with_settings_but_no_paths(con):
    info = dict(con.execute("select key, value from mart_build_info").fetchall())
    assert info["data_label"] == "données réelles"
    assert info["setting.secrecy_threshold"] == "5" and info["setting.fte_hours"] == "1607"
    assert not any(k.endswith("_path") for k in info)


def test_ingest_summary_per_kind_and_total(con):
    # a.json (decp): 10 read, 6 loaded, 2 rejected, 1 duplicate, 1 out of region, ended 10:01;
    # b.csv (clauses): 5 read, 4 loaded, ended 11:01. Total: 2 files, 15 read, 10 loaded, 2 rejected.
    got = rows(con, "select * from mart_ingest_summary")
    assert [(r["kind"], r["is_total"]) for r in got] == [("clauses", False), ("decp", False), (None, True)]
    clauses, decp, total = got
    assert (decp["n_files"], decp["n_read"], decp["n_loaded"], decp["n_rejected"]) == (1, 10, 6, 2)
    assert (decp["n_duplicates"], decp["n_out_of_region"]) == (1, 1)
    assert (clauses["n_files"], clauses["n_read"], clauses["n_loaded"], clauses["n_rejected"]) == (1, 5, 4, 0)
    assert (total["n_files"], total["n_read"], total["n_loaded"], total["n_rejected"]) == (2, 15, 10, 2)
    assert str(total["last_finished_at"]) == "2026-01-01 11:01:00"
    assert str(decp["last_finished_at"]) == "2026-01-01 10:01:00"


def test_rejects_summary_ranks_reasons_over_files_and_fields(con):
    # the fixture: 4 "montant illisible" (one file, one field) and 1 "enregistrement sans identifiant"
    got = rows(con, "select * from mart_rejects_summary")
    assert [(r["reason"], r["n_rejects"], r["rank"]) for r in got] == [
        ("montant illisible", 4, 1), ("enregistrement sans identifiant", 1, 2), (None, 5, None)]
    assert got[-1]["is_total"] and not got[0]["is_total"]
    # a reason spread over two files (2 + 2) outranks a reason with the largest single row (3)
    other = new_db()
    other.execute("""insert into rejects values
        ('a.json', 1, 'montant', 'montant illisible', 'x'), ('a.json', 2, 'montant', 'montant illisible', 'y'),
        ('a.json', 3, 'montant', 'montant illisible', 'z'),
        ('a.json', 4, 'dateNotification', 'date impossible', '1'), ('a.json', 5, 'dateNotification', 'date impossible', '2'),
        ('b.json', 1, 'dateNotification', 'date impossible', '3'), ('b.json', 2, 'dateNotification', 'date impossible', '4')""")
    build(other)
    top = rows(other, "select reason, n_rejects from mart_rejects_summary where rank = 1")
    assert top == [{"reason": "date impossible", "n_rejects": 4}]
    assert rows(other, "select n_rejects from mart_rejects_summary where is_total") == [{"n_rejects": 7}]
