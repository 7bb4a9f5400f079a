"""The targets file (`--targets`): scopes, hours, periods; bad rows quarantined; counts reconcile."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.errors import UnreadableFile
from pipelines.schema import create_all_tables
from pipelines.targets import load_targets


@pytest.fixture
def con():
    c = duckdb.connect()
    create_all_tables(c)
    yield c
    c.close()


def test_targets_are_loaded_with_codes_and_dates(con, tmp_path):
    p = tmp_path / "objectifs.csv"
    p.write_bytes((
        "type_perimetre;identifiant;libelle;heures_objectif;date_debut;date_fin\n"
        "opération;NPNRU-59350-001;NPNRU Lille Sud;42 000;01/01/2019;31/12/2025\n"
        "Maître d'ouvrage;215 903 500 00013;Objectif bailleur;100000,5;2020-01-01;\n"
        "opération;NPNRU-59350-001;NPNRU Lille Sud;42 000;01/01/2019;31/12/2025\n"   # duplicate
        "quartier;X;?;10;;\n"                                                     # unknown scope
        "opération;OP-2;Sans heures;0;;\n"                                         # no positive hours
        "opération;OP-3;Période à l'envers;500;31/12/2024;01/01/2024\n"           # end before start
    ).encode("cp1252"))
    r = load_targets(con, p, None)
    assert (r.kind, r.n_read, r.n_loaded, r.n_duplicates, r.n_rejected) == ("targets", 6, 2, 1, 3)
    assert r.reconciles()
    assert con.execute("select * from targets order by scope_type").fetchall() == [
        ("buyer", "21590350000013", "Objectif bailleur", 100000.5, date(2020, 1, 1), None),
        ("operation", "NPNRU-59350-001", "NPNRU Lille Sud", 42000.0, date(2019, 1, 1), date(2025, 12, 31))]
    reasons = [r for (r,) in con.execute("select reason from rejects order by record_no").fetchall()]
    assert "type de périmètre inconnu « quartier »" in reasons[0]
    assert "non positif" in reasons[1]
    assert "date de fin antérieure" in reasons[2]


def test_english_column_names_and_comma_separator(con, tmp_path):
    p = tmp_path / "targets.csv"
    p.write_text("scope_type,scope_id,label,target_hours,period_start,period_end\n"
                 "operation,OP-1,Op,1500.5,2023-01-01,2023-12-31\n", encoding="utf-8")
    assert load_targets(con, p, None).n_loaded == 1
    assert con.execute("select target_hours from targets").fetchall() == [(1500.5,)]


def test_missing_columns_fail_the_file(con, tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("perimetre;libelle\noperation;x\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as e:
        load_targets(con, p, None)
    assert "colonne(s) absente(s) : identifiant, heures_objectif" in str(e.value)


def test_non_finite_or_malformed_target_hours_are_rejected(con, tmp_path):
    p = tmp_path / "objectifs.csv"
    p.write_text("type_perimetre;identifiant;libelle;heures_objectif\n"
                 "opération;OP-1;Bon;1 500\n"
                 "opération;OP-2;NaN;NaN\n"
                 "opération;OP-3;nan;nan\n"
                 "opération;OP-4;Infini;inf\n"
                 "opération;OP-5;Moins infini;-Infinity\n"
                 "opération;OP-6;Souligné;1_000\n", encoding="utf-8")
    r = load_targets(con, p, None)
    assert (r.n_read, r.n_loaded, r.n_rejected) == (6, 1, 5)
    assert con.execute("select scope_id, target_hours from targets").fetchall() == [("OP-1", 1500.0)]
    reasons = [x for (x,) in con.execute("select reason from rejects order by record_no").fetchall()]
    non_finite = "objectif d'heures : valeur non finie (NaN ou infini), nombre attendu, lu « {} »"
    assert reasons == [non_finite.format("NaN"), non_finite.format("nan"), non_finite.format("inf"),
                       non_finite.format("-Infinity"), "objectif d'heures : nombre attendu, lu « 1_000 »"]
    # a NaN target would blank every realisation rate against it: none is loaded
    assert con.execute("select count(*) from targets where isnan(target_hours) or isinf(target_hours)"
                       ).fetchall() == [(0,)]


def test_one_windows_1252_line_in_a_utf8_file_garbles_nothing(con, tmp_path):
    # before: the whole file was read as Windows-1252, so the UTF-8 line's « opération » became
    # « opÃ©ration » (rejected as an unknown scope) and its label « Résidence Élan » was garbled
    p = tmp_path / "objectifs.csv"
    p.write_bytes("type_perimetre;identifiant;libelle;heures_objectif\n".encode("utf-8")
                  + "opération;OP-1;Résidence Élan;1000\n".encode("utf-8")
                  + "opération;OP-2;Cité Mézières;500\n".encode("cp1252"))
    r = load_targets(con, p, None)
    assert (r.n_read, r.n_loaded, r.n_rejected) == (2, 2, 0)
    assert con.execute("select scope_id, label from targets order by 1").fetchall() == [
        ("OP-1", "Résidence Élan"), ("OP-2", "Cité Mézières")]
    assert r.warnings == ["1 ligne(s) en Windows-1252 dans un fichier UTF-8 (ligne(s) 3), décodée(s) ligne par "
                          "ligne : vérifiez leurs accents"]


def test_buyers_register_with_one_windows_1252_line(tmp_path):
    from pipelines.buyers import load_buyers_register
    from pipelines.quarantine import Quarantine

    c = duckdb.connect()
    create_all_tables(c)
    path = tmp_path / "acheteurs.csv"
    path.write_bytes("siret;nom;type\n".encode("utf-8")
                     + "27620001900012;Pas-de-Calais Habitat Été;bailleur social\n".encode("utf-8")
                     + "22590001200018;Département du Nord;département\n".encode("cp1252"))
    q = Quarantine(c, path.name)
    register, result = load_buyers_register(c, path, q)
    q.flush()
    assert (result.n_loaded, result.n_rejected) == (2, 0)
    assert register.lookup("27620001900012") == ("Pas-de-Calais Habitat Été", "landlord")
    assert register.lookup("22590001200018") == ("Département du Nord", "departement")
    assert result.warnings == ["1 ligne(s) en Windows-1252 dans un fichier UTF-8 (ligne(s) 3), décodée(s) ligne "
                               "par ligne : vérifiez leurs accents"]


def test_a_huge_cell_rejects_its_record_only(con, tmp_path):
    # before: the buyers register failed whole (« erreur inattendue … field larger than field limit »)
    # and the targets file stored a 200 000-character label
    from pipelines.buyers import load_buyers_register
    from pipelines.quarantine import Quarantine

    why = ("cellule de 200\u202f000 caractères dans la colonne « {} » (au plus 10\u202f000) : "
           "enregistrement ignoré")
    p = tmp_path / "objectifs.csv"
    p.write_text("type_perimetre;identifiant;libelle;heures_objectif\n"
                 f"opération;OP-1;{'x' * 200_000};1000\nopération;OP-2;ok;500\n", encoding="utf-8")
    r = load_targets(con, p, None)
    assert (r.n_read, r.n_loaded, r.n_rejected) == (2, 1, 1) and r.reconciles()
    assert con.execute("select scope_id from targets").fetchall() == [("OP-2",)]
    b = tmp_path / "acheteurs.csv"
    b.write_text(f"siret;nom;type\n27620001900012;{'y' * 200_000};bailleur social\n"
                 "22590001200018;Département du Nord;département\n", encoding="utf-8")
    q = Quarantine(con, b.name)
    register, result = load_buyers_register(con, b, q)
    q.flush()
    assert (result.n_read, result.n_loaded, result.n_rejected) == (2, 1, 1)
    assert register.lookup("22590001200018") == ("Département du Nord", "departement")
    assert con.execute("select source_file, record_no, reason, raw from rejects order by 1").fetchall() == [
        ("acheteurs.csv", 1, why.format("nom"), None), ("objectifs.csv", 1, why.format("libelle"), None)]
