"""A participant whose sex, birth year, QPV or tenant status differs between lines or files: one
value per person (latest line stating it: latest start date, then last file by name, then last
record), used by every mart; each file says how many of its participants disagree (issue 9)."""
from __future__ import annotations

import datetime as dt

import duckdb

from marts_fixture import add_lines, build, by_value, new_db, rows
from pipelines.clauses import ingest_clause_file
from pipelines.context import BuildContext
from pipelines.schema import create_all_tables


def _six_people_changing_sex():
    """6 people: a 2023 line says F, a 2024 line says M (and QPV no -> yes, born 1990 -> 1970)."""
    con = new_db()
    for i in range(1, 7):
        add_lines(con,
                  {"participant_id": f"p{i}", "gender": "F", "qpv_resident": False, "birth_year": 1990,
                   "age_band": "26-49", "start_date": dt.date(2023, 1, 1), "end_date": dt.date(2023, 6, 30),
                   "source_file": "b.csv"},
                  {"participant_id": f"p{i}", "gender": "M", "qpv_resident": True, "birth_year": 1970,
                   "age_band": "26-49", "start_date": dt.date(2024, 1, 1), "end_date": dt.date(2024, 6, 30),
                   "source_file": "a.csv"})
    return build(con)


def test_one_sex_per_person_in_hours_and_participants():
    con = _six_people_changing_sex()
    hours = by_value(con, "select * from mart_hours('gender')")
    # before: F 6 people + M 6 people for 6 people; now the 2024 line (latest start) wins: M for all
    assert "F" not in hours
    assert hours["M"]["n_participants"] == 6 and hours["M"]["hours_worked"] == 1200.0
    parts = by_value(con, "select * from mart_participants('gender')")
    assert "F" not in parts and parts["M"]["n_participants"] == 6
    (total,) = rows(con, "select * from mart_participants('total')")
    assert total["women_share"] == 0.0 and total["qpv_share"] == 1.0


def test_one_qpv_status_and_birth_year_per_person():
    con = _six_people_changing_sex()
    qpv = by_value(con, "select * from mart_hours('qpv_resident')")
    assert "no" not in qpv and qpv["yes"]["n_participants"] == 6
    # birth year 1970 (latest line) for both lines: 2023 - 1970 = 53 -> 50+, 2024 - 1970 = 54 -> 50+
    ages = by_value(con, "select * from mart_hours('age_band')")
    assert "26-49" not in ages and ages["50+"]["n_participants"] == 6
    assert rows(con, "select distinct birth_year from stg_clause_hours") == [{"birth_year": 1970}]


def test_same_start_date_later_file_then_later_record_wins():
    con = new_db()
    add_lines(con,
              {"participant_id": "q", "gender": "F", "source_file": "a.csv", "record_no": 9},
              {"participant_id": "q", "gender": "M", "source_file": "b.csv", "record_no": 1},   # file b > a
              {"participant_id": "r", "gender": "M", "source_file": "a.csv", "record_no": 1},
              {"participant_id": "r", "gender": "F", "source_file": "a.csv", "record_no": 2},   # record 2 > 1
              {"participant_id": "s", "gender": "F", "start_date": dt.date(2024, 2, 1)},
              {"participant_id": "s", "gender": None, "start_date": dt.date(2024, 3, 1)})       # empty: no erase
    build(con)
    got = {r["participant_id"]: r["gender"] for r in rows(con, "select participant_id, gender from stg_clause_hours")}
    assert got == {"q": "M", "r": "F", "s": "F"}
    (s,) = rows(con, "select * from stg_participant_attributes where participant_id = 's'")
    assert s["n_gender_values"] == 1
    (q,) = rows(con, "select * from stg_participant_attributes where participant_id = 'q'")
    assert q["n_gender_values"] == 2


def test_tenant_status_is_resolved_per_buyer():
    con = new_db()
    a, b = "11111111111111", "22222222222222"
    add_lines(con,
              {"participant_id": "t", "buyer_siret": a, "tenant_of_buyer": True, "start_date": dt.date(2024, 1, 1)},
              {"participant_id": "t", "buyer_siret": a, "tenant_of_buyer": False, "start_date": dt.date(2024, 3, 1)},
              {"participant_id": "t", "buyer_siret": b, "tenant_of_buyer": True, "start_date": dt.date(2024, 2, 1)})
    build(con)
    got = rows(con, "select buyer_siret, tenant_of_buyer from stg_clause_hours order by start_date")
    # buyer a: the March line (not a tenant) wins for both lines of a; buyer b keeps its own answer
    assert [(r["buyer_siret"], r["tenant_of_buyer"]) for r in got] == [(a, False), (b, True), (a, False)]


HEADER = "ID participant;Sexe;Année de naissance;QPV;Locataire;Date de début;Date de fin;Heures réalisées\n"


def test_each_file_warns_with_its_count(tmp_path):
    con = duckdb.connect()
    create_all_tables(con)
    ctx = BuildContext(salt_path=tmp_path / "salt")
    (tmp_path / "jan.csv").write_text(HEADER + "\n".join([
        "P1;F;1990;non;non;01/01/2024;31/01/2024;100",
        "P1;M;1990;non;non;01/02/2024;28/02/2024;100",   # P1: sex differs inside the file
        "P2;F;1985;oui;non;01/01/2024;31/01/2024;100",
        "P3;M;1980;non;non;01/01/2024;31/01/2024;100",
    ]) + "\n", encoding="utf-8")
    (tmp_path / "feb.csv").write_text(HEADER + "\n".join([
        "P2;F;1986;non;oui;01/03/2024;31/03/2024;100",   # P2: birth year, QPV and tenant differ from jan
        "P3;M;1980;non;non;01/03/2024;31/03/2024;100",   # P3: same values
    ]) + "\n", encoding="utf-8")
    jan = ingest_clause_file(con, tmp_path / "jan.csv", ctx)
    assert [w for w in jan.warnings if "plusieurs valeurs de" in w] == [
        "1 participant(s) de ce fichier ont plusieurs valeurs de « sexe » selon les lignes (de ce fichier ou d'un "
        "fichier précédent) : la valeur de la ligne la plus récente qui la renseigne est retenue pour toutes "
        "ses lignes (date de début la plus tardive, puis dernier fichier par ordre des noms, puis dernier "
        "enregistrement)"]
    feb = ingest_clause_file(con, tmp_path / "feb.csv", ctx)
    conflicts = [w.split(" : ")[0] for w in feb.warnings if "plusieurs valeurs de" in w]
    assert conflicts == [
        "1 participant(s) de ce fichier ont plusieurs valeurs de « année de naissance » selon les lignes (de ce fichier "
        "ou d'un fichier précédent)",
        "1 participant(s) de ce fichier ont plusieurs valeurs de « résident QPV » selon les lignes (de ce fichier "
        "ou d'un fichier précédent)",
        "1 participant(s) de ce fichier ont plusieurs valeurs de « locataire du maître d'ouvrage » selon les lignes "
        "pour un même maître d'ouvrage (de ce fichier ou d'un fichier précédent)"]
