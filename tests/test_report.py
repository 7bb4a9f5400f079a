"""`python -m pipelines report`: stable keys, filters, masked values as null, JSON and CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from marts_fixture import add_contracts, add_lines, add_lots, new_db, people
from pipelines import report, sql_layer

DOCUMENTED_KEYS = ["contracts_known", "contracts_with_social_consideration", "share_social_consideration",
                   "hours_planned", "hours_worked", "realisation_rate", "participants", "women_share",
                   "qpv_share", "dynamic_exit_rate", "exits_known"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "obs.duckdb"

    con = new_db()
    add_contracts(con, {"contract_id": "A", "has_social_clause": True},
                  {"contract_id": "B"},
                  {"contract_id": "C", "year": 2023, "social_info_known": False, "format_version": "2019",
                   "departement_code": "62"})
    add_lots(con, {"contract_id": "A", "planned_hours": 1200.0})
    # 2024: 6 people (2 women, 3 QPV) x 100 h; 5 leave to a CDI, 1 to unemployment
    add_lines(con, *people("a", 2, contract_id="A", gender="F", qpv_resident=True, outcome_end="cdi"),
              *people("b", 3, contract_id="A", outcome_end="cdi"),
              {"participant_id": "c1", "contract_id": "A", "qpv_resident": True, "outcome_end": "unemployment"})
    # 2025: 2 people only (masked when the report asks for 2025)
    add_lines(con, *people("z", 2, contract_id="A", start_date=dt.date(2025, 1, 1), end_date=None))
    con.execute("insert into build_info values ('data_label', 'données de démonstration'), ('built_at', '2026-01-01')")
    sql_layer.create_sql_layer(con)
    con.execute(f"attach '{path}' as out")
    con.execute("copy from database memory to out")
    con.execute("detach out")
    con.close()
    return path


def run(capsys, *argv):
    assert report.main([*argv]) == 0
    return capsys.readouterr().out


def test_json_keys_and_values(db_path, capsys):
    out = json.loads(run(capsys, "--db", str(db_path), "--format", "json", "--year", "2024"))
    assert set(DOCUMENTED_KEYS) <= set(out)
    assert list(out) == report.KEYS  # stable order
    assert out["year"] == 2024 and out["data_label"] == "données de démonstration"
    assert out["contracts_known"] == 2 and out["contracts_with_social_consideration"] == 1
    assert out["share_social_consideration"] == pytest.approx(0.5)
    assert out["hours_planned"] == pytest.approx(1200)
    # 2025 holds 2 people: all years minus 2024 would give their hours back, so the 2024 people
    # figures are masked (the old expectation published 600 h, 6 people, 2 women, 3 QPV and a rate
    # 5/6 over 6 known: each gave back a count of 1 to 4 people)
    assert out["hours_worked"] is None and out["participants"] is None and out["is_masked"] is True
    assert out["women_share"] is None and out["qpv_share"] is None and out["dynamic_exit_rate"] is None


def test_masked_values_are_null(db_path, capsys):
    out = json.loads(run(capsys, "--db", str(db_path), "--format", "json", "--year", "2025"))
    assert out["is_masked"] is True
    assert out["participants"] is None and out["hours_worked"] is None and out["women_share"] is None


def test_filters_departement_and_landlord(db_path, capsys):
    out = json.loads(run(capsys, "--db", str(db_path), "--format", "json", "--departement", "62"))
    assert out["contracts_known"] == 0 and out["departement"] == "62"
    out = json.loads(run(capsys, "--db", str(db_path), "--format", "json", "--landlord", "00000000000000"))
    assert out["contracts_known"] == 0 and out["participants"] == 0 and out["mask_reason"] is None
    # département and landlord together: outside the bounded space, people figures masked with a reason
    out = json.loads(run(capsys, "--db", str(db_path), "--format", "json", "--departement", "59",
                         "--landlord", "11111111111111"))
    assert out["participants"] is None and out["hours_worked"] is None
    assert "Trop de filtres combinés" in out["mask_reason"] and out["contracts_known"] == 2


def test_csv(db_path, capsys):
    text = run(capsys, "--db", str(db_path), "--format", "csv", "--year", "2025")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert list(row) == report.KEYS
    assert row["participants"] == "" and row["contracts_known"] == "0"  # no contract in 2025


def test_missing_database(tmp_path, capsys):
    assert report.main(["--db", str(tmp_path / "none.duckdb")]) == 2
    assert "introuvable" in capsys.readouterr().err


@pytest.mark.parametrize("value, message", [
    ("Nord", "--departement « Nord » : code de département absent des données ; écrire le code « 59 »"),
    ("pas-de-calais", "--departement « pas-de-calais » : code de département absent des données ; "
                      "écrire le code « 62 »"),
    ("99", "--departement « 99 » : code de département absent des données ; départements des données : "
           "59 Nord, 62 Pas-de-Calais"),
])
def test_unknown_departement_is_refused_not_reported_as_zero(db_path, capsys, value, message):
    # before: exit 0 and `contracts_known: 0` for « Nord », a département with 2 contracts
    assert report.main(["--db", str(db_path), "--departement", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [f"report : {message}"]


def test_landlord_must_be_a_siren_or_siret_and_spaces_are_ignored(db_path, capsys):
    assert report.main(["--db", str(db_path), "--landlord", "Bailleur Nord"]) == 2
    assert capsys.readouterr().err.strip() == ("report : --landlord « Bailleur Nord » : SIREN de l'organisme "
                                               "attendu (9 chiffres, ou un SIRET de 14 chiffres)")
    assert report.main(["--db", str(db_path), "--landlord", "1111111111"]) == 2  # 10 digits: neither
    capsys.readouterr()
    # a SIRET designates its organisation: reduced to its SIREN (the report's `landlord` key)
    out = json.loads(run(capsys, "--db", str(db_path), "--landlord", "111 111 111 11111"))
    assert out["landlord"] == "111111111" and out["participants"] == 8  # all years: the 6 of 2024 + 2 of 2025


def test_landlord_is_an_organisation_a_siren_is_accepted(db_path, capsys):
    # before: « SIRET attendu (14 chiffres) », exit 2, although the landlord is an organisation
    out = json.loads(run(capsys, "--db", str(db_path), "--landlord", "111111111"))
    assert out["landlord"] == "111111111" and out["participants"] == 8
    assert "SIREN" in report._parser().format_help() and "SIRET du bailleur" not in report._parser().format_help()


def test_filters_selecting_nothing_say_so_on_stderr(db_path, capsys):
    assert report.main(["--db", str(db_path), "--landlord", "00000000000000"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["contracts_known"] == 0
    assert captured.err.strip() == "report : aucun marché ni participant pour ces filtres (landlord = 000000000)"
    assert report.main(["--db", str(db_path), "--year", "2024"]) == 0
    assert capsys.readouterr().err == ""
