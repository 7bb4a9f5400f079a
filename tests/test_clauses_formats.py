"""Facilitator exports in every dialect the reader accepts: separators, encodings, decimal commas,
date styles, header synonyms, XLSX, planned hours on every row or in a separate file."""
from __future__ import annotations

from datetime import date, datetime

import re
import duckdb
import pytest

from pipelines.clauses import ingest_clause_file
from pipelines.context import BuildContext
from pipelines.errors import UnreadableFile
from pipelines.schema import create_all_tables


@pytest.fixture
def con():
    c = duckdb.connect()
    create_all_tables(c)
    yield c
    c.close()


@pytest.fixture
def ctx(tmp_path):
    return BuildContext(region_code="32", salt_path=tmp_path / "secret" / "salt")


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def rows(con, sql):
    return con.execute(sql).fetchall()


FR_HEADER = ("SIRET maître d'ouvrage;N° marché;Lot;Identifiant participant;Sexe;Année de naissance;"
             "Publics éligibles;Type de contrat;Date de début;Date de fin;Nb heures réalisées;"
             "Situation à la sortie\n")


def test_semicolon_utf8_bom_decimal_comma_french_dates(con, ctx, tmp_path):
    p = write(tmp_path / "a.csv", "\ufeff" + FR_HEADER
              + "21590350000013;2023-045;2;P1;Femme;1998;DELD, RSA;Intérim;01/02/2023;30/06/2023;1 004,5;CDI\n"
              + "21590350000013;2023-045;2;P2;H;1970;Senior;CDDI;15/03/2023;15/09/2023;350,25;En cours\n")
    r = ingest_clause_file(con, p, ctx)
    assert (r.format, r.n_read, r.n_loaded, r.n_rejected) == ("csv", 2, 2, 0)
    got = rows(con, "select buyer_siret, contract_id, lot, gender, birth_year, age_band, publics, "
                    "employment_contract_type, start_date, end_date, hours_worked, outcome_end "
                    "from clause_hours order by record_no")
    assert got[0] == ("21590350000013", "2023-045", "2", "F", 1998, "<26", ["deld", "rsa"], "interim",
                      date(2023, 2, 1), date(2023, 6, 30), 1004.5, "cdi")
    # born 1970, started in 2023: 53 years old -> 50+
    assert got[1][3:] == ("M", 1970, "50+", ["senior"], "cddi", date(2023, 3, 15), date(2023, 9, 15),
                          350.25, "ongoing")


def test_comma_utf8_without_bom_iso_dates_snake_case_headers(con, ctx, tmp_path):
    p = write(tmp_path / "b.csv",
              "siret_mo,id_marche,id_participant,genre,date_debut,date_fin,heures_realisees,modalite\n"
              "21590350000013,24M0007,X-9,F,2024-01-08,2024-03-29,210.5,GEIQ\n"
              '21590350000013,24M0007,X-10,M,2024-02-01T00:00:00,,"1,5",Embauche directe\n')
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_read, r.n_loaded, r.n_rejected) == (2, 2, 0)
    got = rows(con, "select gender, start_date, end_date, hours_worked, modality from clause_hours order by record_no")
    assert got == [("F", date(2024, 1, 8), date(2024, 3, 29), 210.5, "geiq"),
                   ("M", date(2024, 2, 1), None, 1.5, "direct_hire")]


def test_windows_1252_with_accented_headers_and_values(con, ctx, tmp_path):
    text = ("Identifiant bénéficiaire;Genre;Qualification;Publics;Date d'entrée;Date de sortie;"
            "Heures effectuées;Situation à 6 mois;Résident QPV;Locataire\n"
            "B-1;Féminin;Niveau V;Réfugié / RQTH;03/04/2022;02/10/2022;455,0;Intérim de 6 mois et plus;Oui;non\n")
    p = write(tmp_path / "c.csv", text, "cp1252")
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_read, r.n_loaded) == (1, 1)
    assert rows(con, "select gender, qualification_level, publics, hours_worked, outcome_6m, qpv_resident, "
                     "tenant_of_buyer from clause_hours") == [
        ("F", "3", ["refugee", "rqth"], 455.0, "interim_6m_plus", True, False)]


@pytest.mark.parametrize("hours_header, gender_header", [
    ("Nb heures réalisées", "Sexe"), ("heures_realisees", "Genre"), ("HeuresRealisees", "sexe"),
    ("NOMBRE D'HEURES RÉALISÉES", "GENRE"), ("  Heures   réalisées (h) ", "Sexe (H/F)"),
])
def test_header_synonyms(con, ctx, tmp_path, hours_header, gender_header):
    p = write(tmp_path / "d.csv", f"Matricule;{gender_header};Début;Fin;{hours_header}\n"
                                  "M1;F;01/01/2021;31/01/2021;35\n")
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_loaded, r.warnings) == (1, [])
    assert rows(con, "select gender, hours_worked from clause_hours") == [("F", 35.0)]


def test_xlsx_with_title_row_excel_dates_and_numbers(con, ctx, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Export du suivi des clauses — PLIE"])
    ws.append([])
    ws.append(["N° bénéficiaire", "Genre", "Âge à l'entrée", "Date d'entrée", "Date de sortie",
               "Heures effectuées", "Identifiant DECP", "SIRET du maître d'ouvrage"])
    ws.append([1042, "Homme", 24, datetime(2025, 3, 3), datetime(2025, 6, 27), 420, 202501234, 21590350000013])
    ws.append([1043, "Femme", 51, datetime(2025, 4, 1), None, 77.5, 202501234, 21590350000013])
    p = tmp_path / "e.xlsx"
    wb.save(p)
    r = ingest_clause_file(con, p, ctx)
    assert (r.format, r.n_read, r.n_loaded) == ("xlsx", 2, 2)
    got = rows(con, "select age_band, start_date, end_date, hours_worked, contract_id, buyer_siret "
                    "from clause_hours order by record_no")
    # Excel's integers come back without a trailing `.0`
    assert got == [("<26", date(2025, 3, 3), date(2025, 6, 27), 420.0, "202501234", "21590350000013"),
                   ("50+", date(2025, 4, 1), None, 77.5, "202501234", "21590350000013")]


def test_xlsx_hours_formatted_as_durations_and_a_boolean_amount(con, ctx, tmp_path):
    from datetime import time, timedelta

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ID participant", "Date de début", "Date de fin", "Heures réalisées", "Montant HT", "N° marché",
               "Heures prévues"])
    ws.append(["A", datetime(2025, 3, 3), datetime(2025, 6, 27), timedelta(hours=35, minutes=30), 1000, "M1", 70])
    ws.append(["B", datetime(2025, 3, 3), datetime(2025, 6, 27), time(12, 30), True, "M2", 70])
    ws["D2"].number_format = "[h]:mm"
    ws["D3"].number_format = "h:mm"
    p = tmp_path / "durees.xlsx"
    wb.save(p)
    r = ingest_clause_file(con, p, ctx)
    # before: both lines rejected (« nombre attendu, lu « 1 day, 11:30:00 » »), and the VRAI amount
    # read as an empty cell without a word
    assert (r.n_read, r.n_loaded, r.n_rejected) == (2, 2, 0)
    assert any(w.startswith("1 valeur(s) ignorée(s)") for w in r.warnings)
    assert rows(con, "select participant_id is not null, hours_worked from clause_hours order by record_no") == [
        (True, 35.5), (True, 12.5)]
    assert rows(con, "select record_no, field, reason from rejects") == [
        (2, "contract_amount", "montant HT du marché : nombre attendu, lu « VRAI » (valeur ignorée)")]


def test_planned_hours_on_every_row_give_one_planned_row_per_contract_lot(con, ctx, tmp_path):
    p = write(tmp_path / "f.csv",
              "SIRET MO;N° marché;Lot;Corps d'état;Type de marché;Base juridique;Montant HT;Heures prévues;"
              "ID participant;Date début;Heures réalisées\n"
              "21590350000013;2023-1;1;Peinture;Travaux;Art. 14;100 000;350;A;01/01/2023;100\n"
              "21590350000013;2023-1;1;Peinture;Travaux;Art. 14;100 000;350;B;01/02/2023;120\n"
              "21590350000013;2023-1;2;Nettoyage;GUP;Marché d'insertion;50 000,00;600;C;01/03/2023;80\n")
    r = ingest_clause_file(con, p, ctx)
    assert (r.kind, r.n_loaded) == ("clauses", 3)
    assert rows(con, "select contract_id, lot, trade, contract_kind, legal_basis, contract_amount, planned_hours "
                     "from clause_planned order by lot") == [
        ("2023-1", "1", "painting", "works", "execution_condition", 100000.0, 350.0),
        ("2023-1", "2", "cleaning", "gup", "insertion_contract", 50000.0, 600.0)]


def test_separate_planned_file_is_detected_by_its_columns(con, ctx, tmp_path):
    p = write(tmp_path / "prevues.csv",
              "Opération;SIRET maître d'ouvrage;N° marché;Lot;Heures d'insertion prévues;Montant HT\n"
              "NPNRU Lille Sud;215 903 500 00013;2022-77;3;1 200,5;450000\n"
              "NPNRU Lille Sud;215 903 500 00013;2022-78;;800;\n", "utf-8")
    r = ingest_clause_file(con, p, ctx)
    assert (r.kind, r.n_read, r.n_loaded) == ("planned", 2, 2)
    assert rows(con, "select count(*) from clause_hours") == [(0,)]
    assert rows(con, "select operation_name, buyer_siret, contract_id, lot, planned_hours, contract_amount "
                     "from clause_planned order by contract_id") == [
        ("NPNRU Lille Sud", "21590350000013", "2022-77", "3", 1200.5, 450000.0),
        ("NPNRU Lille Sud", "21590350000013", "2022-78", None, 800.0, None)]


def test_missing_required_column_fails_the_file_naming_it(con, ctx, tmp_path):
    p = write(tmp_path / "g.csv", "Identifiant participant;Date de début;Sexe\nP1;01/01/2023;F\n")
    with pytest.raises(UnreadableFile) as e:
        ingest_clause_file(con, p, ctx)
    msg = str(e.value)
    assert "heures réalisées" in msg and "g.csv" in msg and "en-têtes lus" in msg


def test_unknown_extra_column_is_a_warning_naming_it(con, ctx, tmp_path):
    p = write(tmp_path / "h.csv", "ID participant;Date début;Heures réalisées;Référent de parcours\n"
                                  "P1;01/01/2023;10;Mme X\n")
    r = ingest_clause_file(con, p, ctx)
    assert r.n_loaded == 1
    assert len(r.warnings) == 1 and "« Référent de parcours »" in r.warnings[0]
    assert "heures réalisées" in r.warnings[0]   # the expected columns are listed


def test_thousands_of_unknown_columns_give_a_bounded_log_message(tmp_path, monkeypatch, capsys):
    # before: every header cell was quoted: 50 000 unknown columns made a 1,3 MB ingest_log.message
    # (and as much on stderr), shown whole on the Qualité page
    import duckdb

    from pipelines.build import main as build_main

    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "salt"))
    header = ["ID participant", "Date de début", "Heures réalisées"] + [f"colonne {i}" for i in range(50_000)]
    p = write(tmp_path / "large.csv", ";".join(header) + "\n" + ";".join(["P1", "01/03/2023", "10"]) + "\n")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", str(p), "--no-progress"]) == 0
    err = capsys.readouterr().err
    con = duckdb.connect(str(db), read_only=True)
    (message,) = con.execute("select message from ingest_log").fetchone()
    con.close()
    assert message.startswith("colonne(s) non reconnue(s), ignorée(s) : « colonne 0 », « colonne 1 »")
    assert re.search("« colonne 9 » … et [0-9\u202f]+ autres ; colonnes attendues : ", message)
    assert len(message) < 2000 and len(err) < 5000


def test_log_messages_are_cut_with_their_size():
    from pipelines.quarantine import bounded

    assert bounded("court") == "court" and bounded(None) is None
    assert bounded("x" * 5000) == "x" * 4000 + "… (5\u202f000 caractères au total)"


def test_not_an_export_is_unreadable(con, ctx, tmp_path):
    p = write(tmp_path / "i.csv", "a;b;c\n1;2;3\n")
    with pytest.raises(UnreadableFile):
        ingest_clause_file(con, p, ctx)


@pytest.mark.parametrize("text", ["05/03/2024", "5/3/2024", "05-03-2024", "05.03.2024", "05/03/24",
                                  "2024-03-05", "2024-03-05+01:00", "2024-03-05T08:00:00Z", "2024-03-05 00:00:00"])
def test_date_styles(text):
    from pipelines.cells import a_date
    assert a_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", ["1 234,5", "1234,5", "1.234,5", "1,234.5", "1234.5", "1\u202f234,5",
                                  "1\u00a0234,50 h"])
def test_number_styles(text):
    from pipelines.cells import number
    assert number(text) == 1234.5


def test_xlsx_sheets_with_the_same_header_are_all_read(con, ctx, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    header = ["Matricule", "Sexe", "Date début", "Heures réalisées"]
    for title, data in (("2023", [["A", "F", "02/01/2023", 10]]),
                        ("2024", [["B", "M", "03/01/2024", 20], ["C", "F", "04/01/2024", 30]]),
                        ("Notes", [["texte libre"]])):
        ws = wb.create_sheet(title)
        if title != "Notes":
            ws.append(header)
        for r in data:
            ws.append(r)
    wb.remove(wb["Sheet"])
    other = wb.create_sheet("Autre format")
    other.append(["Matricule", "Heures réalisées", "Date début"])
    other.append(["D", 5, "05/01/2024"])
    p = tmp_path / "years.xlsx"
    wb.save(p)
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_read, r.n_loaded) == (3, 3)
    assert rows(con, "select record_no, hours_worked from clause_hours order by record_no") == [
        (1, 10.0), (2, 20.0), (3, 30.0)]
    assert any("« Autre format » ignorée" in w for w in r.warnings)


def test_one_yes_no_column_per_public(con, ctx, tmp_path):
    p = write(tmp_path / "flags.csv", "Matricule;Date début;Heures réalisées;DELD;Public RSA;RQTH;Publics\n"
                                      "A;02/01/2023;10;oui;X;non;Senior\n"
                                      "B;02/01/2023;20;non;;non;\n")
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_loaded, r.warnings) == (2, [])
    assert rows(con, "select publics from clause_hours order by record_no") == [(["senior", "deld", "rsa"],), ([],)]


def test_planned_file_names_the_execution_columns_it_ignores(con, ctx, tmp_path):
    p = write(tmp_path / "lots.csv", "N° marché;Heures prévues;QPV\n2024-1;100;Lille Sud\n")
    r = ingest_clause_file(con, p, ctx)
    assert (r.kind, r.n_loaded) == ("planned", 1)
    assert r.warnings == ["fichier de marchés/lots : colonne(s) propres aux parcours ignorée(s) : "
                          "« QPV » (résident QPV (oui/non))"]


def test_semicolon_file_full_of_decimal_commas(con, ctx, tmp_path):
    # more commas than semicolons in the data lines: the separator is still `;`
    p = write(tmp_path / "dec.csv", "Matricule;Début;Heures réalisées;Heures prévues\n"
                                    "A;02/01/2023;1,5;2,5\nB;03/01/2023;3,25;4,75\nC;04/01/2023;5,5;6,5\n")
    r = ingest_clause_file(con, p, ctx)
    assert r.n_loaded == 3
    assert rows(con, "select hours_worked from clause_hours order by record_no") == [(1.5,), (3.25,), (5.5,)]


def test_examples_of_the_format_doc_read_as_documented(con, ctx, tmp_path):
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "clause_export_format.md").read_text(encoding="utf-8")
    export, planned = [b for b in re.findall(r"```\n(.*?)```", doc, re.S) if "N° marché" in b][:2]
    r1 = ingest_clause_file(con, write(tmp_path / "export.csv", export), ctx)
    r2 = ingest_clause_file(con, write(tmp_path / "lots.csv", planned), ctx)
    assert (r1.kind, r1.n_loaded, r1.warnings, r2.kind, r2.n_loaded, r2.warnings) == (
        "clauses", 1, [], "planned", 1, [])
    assert rows(con, "select gender, birth_year, publics, employment_contract_type, hours_worked, outcome_end "
                     "from clause_hours") == [("F", 1998, ["deld", "rsa"], "interim", 350.5, "cdd_6m_plus")]
    assert rows(con, "select contract_id, lot, trade, contract_kind, legal_basis, contract_amount, planned_hours "
                     "from clause_planned") == [("2024-045", "3", "painting", "works", "execution_condition",
                                                 450000.0, 1050.0)]


def test_a_reject_reason_quoting_a_huge_value_is_bounded():
    import duckdb

    from pipelines.quarantine import Quarantine
    from pipelines.schema import create_all_tables

    con = duckdb.connect()
    create_all_tables(con)
    q = Quarantine(con, "x.csv")
    q.reject_record(1, "code « " + "9" * 100_000 + " » inconnu", None, field="operation_commune_code")
    q.flush()
    (reason,) = con.execute("select reason from rejects").fetchone()
    text = "code « " + "9" * 100_000 + " » inconnu"          # 100 017 characters
    assert reason == text[:2000] + "… (100\u202f017 caractères au total)"
