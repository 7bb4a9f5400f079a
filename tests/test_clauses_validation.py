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
