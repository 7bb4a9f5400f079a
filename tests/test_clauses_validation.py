"""Validation of execution records: each bad value has its reason in `rejects`, every file
reconciles in `ingest_log`, duplicates and out-of-region operations are counted, reloads are
idempotent."""
from __future__ import annotations

import duckdb
import pytest

from pipelines.build import main as build_main
from pipelines.clauses import ingest_clause_file
from pipelines.context import BuildContext
from pipelines.schema import create_all_tables

HEADER = "ID participant;Sexe;Modalité;Publics;Date de début;Date de fin;Heures réalisées;Commune de l'opération\n"
RECORDS = [
    "P1;F;GEIQ;DELD;01/03/2023;30/06/2023;300;59350",          # 1 ok
    "P2;M;Embauche directe;RSA;01/03/2023;30/06/2023;-12;59350",  # 2 negative hours
    "P3;M;Embauche directe;RSA;01/03/2023;10/03/2023;500;59350",  # 3 absurd: 500 h in 10 days
    "P4;M;Embauche directe;RSA;01/06/2023;01/03/2023;100;59350",  # 4 end before start
    "P5;M;Embauche directe;RSA;31/02/2023;30/06/2023;100;59350",  # 5 impossible date
    "P6;X;Clause mutualisée;RSA, martien;01/03/2023;30/06/2023;100;59350",  # 6 unknown codes: loaded
    ";M;Embauche directe;RSA;01/03/2023;30/06/2023;100;59350",    # 7 no participant id
    "P1;F;GEIQ;DELD;01/03/2023;30/06/2023;300;59350",          # 8 exact duplicate of 1
    "P9;F;GEIQ;DELD;01/03/2023;30/06/2023;200;75056",          # 9 operation in Paris: out of region
    "P10;F;GEIQ;DELD;01/03/2023;;3600;59350",                   # 10 absurd: 3 600 h, no end date
]


@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "salt"))
    f = tmp_path / "in" / "export.csv"
    f.parent.mkdir()
    f.write_text(HEADER + "\n".join(RECORDS) + "\n", encoding="utf-8")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", str(f), "--no-progress"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_each_problem_has_its_reason(built):
    got = built.execute("select record_no, field, reason from rejects where source_file = 'export.csv' "
                        "order by record_no, field").fetchall()
    by_record = {}
    for record_no, field, reason in got:
        by_record.setdefault(record_no, []).append((field, reason))
    # reasons about the person's line quote no value read (issue 8): file, record, field, reason only
    assert by_record[2] == [("hours_worked", "heures réalisées négatives")]
    assert by_record[3] == [("hours_worked", "heures réalisées invraisemblables : plus de 48 h par semaine "
                                             "entre la date de début et la date de fin")]
    assert by_record[4] == [("end_date", "date de fin antérieure à la date de début")]
    assert by_record[5] == [("start_date", "date de début : date impossible")]
    assert sorted(f for f, _ in by_record[6]) == ["gender", "modality", "publics"]
    assert ("publics", "publics éligibles : 1 valeur(s) inconnue(s) (ignorée(s))") in by_record[6]
    assert ("gender", "sexe : valeur inconnue (valeur ignorée)") in by_record[6]
    assert not any("martien" in r or "mutualisée" in r for _, r in by_record[6])
    assert by_record[7] == [("participant_id", "identifiant du participant manquant")]
    assert by_record[10] == [("hours_worked", "heures réalisées invraisemblables sur une ligne sans date de fin "
                                              "(au plus 3 500,0 h)")]
    assert set(by_record) == {2, 3, 4, 5, 6, 7, 10}


def test_unknown_codes_are_nulled_but_the_record_is_kept(built):
    assert built.execute("select gender, modality, publics from clause_hours where record_no = 6").fetchall() == [
        (None, None, ["rsa"])]


def test_file_reconciles_in_ingest_log(built):
    row = built.execute("select kind, format, n_read, n_loaded, n_rejected, n_duplicates, n_out_of_region, status "
                        "from ingest_log where source_file = 'export.csv'").fetchone()
    # 10 read = 2 loaded (1, 6) + 6 rejected (2, 3, 4, 5, 7, 10) + 1 duplicate (8) + 1 out of region (9)
    assert row == ("clauses", "csv", 10, 2, 6, 1, 1, "warnings")
    assert built.execute("select count(*) from clause_hours").fetchone() == (2,)


def _load(tmp_path, salt_name):
    con = duckdb.connect()
    create_all_tables(con)
    f = tmp_path / "export.csv"
    f.write_text(HEADER + "\n".join(RECORDS) + "\n", encoding="utf-8")
    ingest_clause_file(con, f, BuildContext(salt_path=tmp_path / salt_name))
    out = con.execute("select * from clause_hours order by record_no").fetchall()
    rej = con.execute("select * from rejects order by record_no, field").fetchall()
    con.close()
    return out, rej


def test_reload_is_idempotent_with_the_same_salt(tmp_path):
    first = _load(tmp_path, "salt")
    assert _load(tmp_path, "salt") == first
    other_rows, _ = _load(tmp_path, "another_salt")
    assert [r[13] for r in other_rows] != [r[13] for r in first[0]]   # participant_id column


def test_same_record_in_two_exports_is_a_duplicate_across_files(tmp_path):
    con = duckdb.connect()
    create_all_tables(con)
    ctx = BuildContext(salt_path=tmp_path / "salt")
    for name in ("jan.csv", "feb.csv"):
        (tmp_path / name).write_text(HEADER + RECORDS[0] + "\n", encoding="utf-8")
    assert ingest_clause_file(con, tmp_path / "jan.csv", ctx).n_loaded == 1
    r = ingest_clause_file(con, tmp_path / "feb.csv", ctx)
    assert (r.n_read, r.n_loaded, r.n_duplicates) == (1, 0, 1)


# --- issue 9 "must not lie": non-finite and malformed numbers, future dates, fractional birth years ----
def _build(tmp_path, monkeypatch, files: dict[str, str]):
    """Build a database from clause files given as {name: text}; returns a read-only connection."""
    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "salt"))
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", *[str(folder / n) for n in files], "--no-progress"]) == 0
    return duckdb.connect(str(db), read_only=True)


NUM_HEADER = ("ID participant;Sexe;Date de début;Date de fin;Heures réalisées;N° marché;SIRET MO;"
              "Heures prévues;Montant HT\n")
NUM_RECORDS = [
    "P1;F;01/03/2024;30/06/2024;300;M1;21590350000013;1000;50000",      # 1 ok
    "P2;F;01/03/2024;30/06/2024;NaN;M1;21590350000013;1000;50000",      # 2 hours NaN: rejected
    "P3;M;01/03/2024;30/06/2024;inf;M1;21590350000013;1000;50000",      # 3 hours inf: rejected
    "P4;M;01/03/2024;30/06/2024;-Infinity;M1;21590350000013;1000;50000",  # 4 hours -Infinity: rejected
    "P5;M;01/03/2024;30/06/2024;nan;M1;21590350000013;1000;50000",      # 5 hours nan (not "empty"): rejected
    "P6;M;01/03/2024;30/06/2024;1_000;M1;21590350000013;1000;50000",    # 6 hours 1_000: rejected
    "P7;M;01/03/2024;30/06/2024;200;M2;21590350000013;NaN;Infinity",    # 7 loaded, planned and amount ignored
    "P8;M;01/03/2024;30/06/2024;100;M3;21590350000013;500;nan",         # 8 loaded, amount ignored
    "P9;F;01/03/2024;30/06/2024;100;M1;21590350000013;1000;50000",      # 9 ok
    "P10;F;01/03/2024;30/06/2024;100;M1;21590350000013;1000;50000",     # 10 ok
]


def test_non_finite_numbers_are_rejected_with_their_reason(tmp_path, monkeypatch):
    con = _build(tmp_path, monkeypatch, {"num.csv": NUM_HEADER + "\n".join(NUM_RECORDS) + "\n"})
    got = con.execute("select record_no, field, reason, raw from rejects order by record_no, field").fetchall()
    non_finite = "heures réalisées : valeur non finie (NaN ou infini), nombre attendu"
    assert got == [
        (2, "hours_worked", non_finite, None),
        (3, "hours_worked", non_finite, None),
        (4, "hours_worked", non_finite, None),
        (5, "hours_worked", non_finite, None),
        (6, "hours_worked", "heures réalisées : nombre attendu", None),
        (7, "contract_amount", "montant HT du marché : valeur non finie (NaN ou infini), nombre attendu, "
                               "lu « Infinity » (valeur ignorée)", "Infinity"),
        (7, "planned_hours", "heures d'insertion prévues : valeur non finie (NaN ou infini), nombre attendu, "
                             "lu « NaN » (valeur ignorée)", "NaN"),
        (8, "contract_amount", "montant HT du marché : valeur non finie (NaN ou infini), nombre attendu, "
                               "lu « nan » (valeur ignorée)", "nan"),
    ]
    # 10 read = 5 loaded (1, 7, 8, 9, 10) + 5 rejected; warnings (not "ok"), field rejects included
    assert con.execute("select n_read, n_loaded, n_rejected, status from ingest_log").fetchall() == [
        (10, 5, 5, "warnings")]
    # the region's figures stay finite: 300 + 200 + 100 + 100 + 100 = 800 h worked by 5 people;
    # planned M1 1000 + M3 500 (M2 has none)
    (t,) = con.execute("select n_participants, hours_worked, hours_planned, fte, realisation_rate "
                       "from mart_hours('total')").fetchall()
    assert t[:3] == (5, 800.0, 1500.0)
    assert t[3] == pytest.approx(800 / 1607) and t[4] == pytest.approx(800 / 1500)
    assert con.execute("select contract_id, contract_amount, planned_hours from clause_planned order by 1"
                       ).fetchall() == [("M1", 50000.0, 1000.0), ("M3", None, 500.0)]
    con.close()


@pytest.mark.parametrize("text", ["NaN", "nan", "NAN", "inf", "-inf", "+Inf", "Infinity", "-infinity", "infini",
                                  "1_000", "1__0", "0x10", "#DIV/0!", "1e999", "12h75",
                                  "∞", "-∞", "+∞", "\u2212∞", "#NULL!"])
def test_number_refuses_what_float_alone_would_take(text):
    from pipelines import cells

    with pytest.raises(cells.BadValue):
        cells.number(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_number_refuses_non_finite_spreadsheet_cells(value):
    from pipelines import cells

    with pytest.raises(cells.BadValue) as e:
        cells.number(value)
    assert e.value.bare == "valeur non finie (NaN ou infini), nombre attendu"


@pytest.mark.parametrize("text, expected", [("1 234,5", 1234.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
                                            ("300 h", 300.0), ("50 000 €", 50000.0), ("1e3", 1000.0),
                                            ("-12", -12.0), (",5", 0.5), ("NC", None), ("", None),
                                            ("12h30", 12.5), ("35 h 00", 35.0), ("300h", 300.0)])
def test_number_still_reads_the_usual_spellings(text, expected):
    from pipelines import cells

    assert cells.number(text) == expected


DATE_HEADER = "ID participant;Sexe;Année de naissance;Date de début;Date de fin;Heures réalisées\n"


def test_future_starts_far_ends_and_fractional_birth_years(tmp_path, monkeypatch):
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    today = dt.date.today().strftime("%d/%m/%Y")
    far = dt.date.today().year + 6
    con = _build(tmp_path, monkeypatch, {"dates.csv": DATE_HEADER + "\n".join([
        "P1;F;1990;01/03/2024;30/06/2024;300",          # 1 ok
        "P2;F;1990;01/03/2099;30/06/2099;300",          # 2 start in 2099: rejected
        f"P3;F;1990;{tomorrow};;10",                    # 3 start tomorrow (after the build date): rejected
        f"P4;F;1990;{today};;10",                       # 4 start today: loaded
        f"P5;M;1990;01/03/2024;31/12/{far};300",        # 5 end more than 5 years ahead: ignored, line open
        "P6;M;1990.5;01/03/2024;30/06/2024;300",        # 6 birth year 1990.5: ignored, line loaded
        "P7;M;1890;01/03/2024;30/06/2024;300",          # 7 birth year 1890: ignored, line loaded
        "P8;M;1990;01/03/2024;31/12/9999;300",          # 8 end 31/12/9999 ("no end"): ignored, line open
        "P9;M;1990;01/03/2024;31/12/1989;300",          # 9 end before 1990: rejected
    ]) + "\n"})
    built = dt.date.today().strftime("%d/%m/%Y")
    got = con.execute("select record_no, field, reason, raw from rejects order by record_no").fetchall()
    assert got == [
        (2, "start_date", f"date de début postérieure à la date de construction de la base ({built})", None),
        (3, "start_date", f"date de début postérieure à la date de construction de la base ({built})", None),
        (5, "end_date", "date de fin plus de 5 ans après la date de construction de la base (valeur ignorée : "
                        "ligne sans date de fin)", None),
        (6, "birth_year", "année de naissance : nombre entier attendu (valeur ignorée)", None),
        (7, "birth_year", "année de naissance invraisemblable (valeur ignorée)", None),
        (8, "end_date", "date de fin plus de 5 ans après la date de construction de la base (valeur ignorée : "
                        "ligne sans date de fin)", None),
        (9, "end_date", "date de fin : date antérieure à 1990", None),
    ]
    lines = {r[0]: r[1:] for r in con.execute(
        "select record_no, birth_year, end_date from clause_hours").fetchall()}
    assert sorted(lines) == [1, 4, 5, 6, 7, 8]
    assert lines[5] == (1990, None) and lines[8] == (1990, None) and lines[6] == (None, dt.date(2024, 6, 30)) and lines[7][0] is None
    (status, message) = con.execute("select status, message from ingest_log").fetchone()
    assert status == "warnings"
    assert "4 valeur(s) ignorée(s) dans des enregistrements chargés (voir les rejets) : " \
           "année de naissance (2), date de fin (2)" in message
    con.close()


def test_a_file_whose_only_problems_are_field_rejects_is_not_ok(tmp_path, monkeypatch):
    con = _build(tmp_path, monkeypatch, {"one.csv": DATE_HEADER + "P6;M;1990.5;01/03/2024;30/06/2024;300\n"})
    assert con.execute("select n_read, n_loaded, n_rejected, status, message from ingest_log").fetchall() == [
        (1, 1, 0, "warnings", "1 valeur(s) ignorée(s) dans des enregistrements chargés (voir les rejets) : "
                              "année de naissance (1)")]
    con.close()


def test_contracts_lots_file_rejects_non_finite_planned_hours_and_amounts(tmp_path):
    con = duckdb.connect()
    create_all_tables(con)
    p = tmp_path / "lots.csv"
    p.write_text("N° marché;SIRET MO;Lot;Heures prévues;Montant HT\n"
                 "M1;21590350000013;1;1000;50000\n"
                 "M2;21590350000013;1;NaN;50000\n"       # planned hours NaN: row rejected
                 "M3;21590350000013;1;-inf;50000\n"      # planned hours -inf: row rejected
                 "M4;21590350000013;1;500;Infinity\n",   # amount Infinity: ignored, row kept
                 encoding="utf-8")
    r = ingest_clause_file(con, p, BuildContext(salt_path=tmp_path / "salt"))
    assert (r.kind, r.n_read, r.n_loaded, r.n_rejected) == ("planned", 4, 2, 2)
    assert con.execute("select contract_id, planned_hours, contract_amount from clause_planned order by 1"
                       ).fetchall() == [("M1", 1000.0, 50000.0), ("M4", 500.0, None)]
    got = con.execute("select record_no, field, raw from rejects order by record_no").fetchall()
    # contracts/lots are not about people: the value read is kept
    assert got == [(2, "planned_hours", "NaN"), (3, "planned_hours", "-inf"), (4, "contract_amount", "Infinity")]
    assert any(w.startswith("1 valeur(s) ignorée(s)") for w in r.warnings)
