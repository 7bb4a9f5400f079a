"""Privacy at the door: direct identifiers in an export leave no trace anywhere in the database,
participant ids are salted hashes, birth dates become birth years, the salt stays outside."""
from __future__ import annotations

import duckdb
import pytest

from pipelines.build import main as build_main
from pipelines.clauses.headers import private_kind
from pipelines.clauses.pseudonym import load_salt, pseudonymise

PERSONAL = ["Dupont-Fictif", "Jean-Kevin", "jk.dupont@example.org", "12 rue des Lilas", "06 12 34 56 78",
            "1 85 05 59 350 042 17", "PX-000123", "14/07/1985"]
EXPORT = (
    "Nom;Prénom;E-mail;Adresse;Téléphone portable;N° de sécurité sociale;Identifiant participant;"
    "Date de naissance;Sexe;SIRET MO;N° marché;Date de début;Date de fin;Heures réalisées\n"
    # loaded record
    "Dupont-Fictif;Jean-Kevin;jk.dupont@example.org;12 rue des Lilas;06 12 34 56 78;1 85 05 59 350 042 17;"
    "PX-000123;14/07/1985;H;21590350000013;2024-12;01/02/2024;31/05/2024;300\n"
    # rejected record (end before start): its raw text must not carry the personal columns either
    "Dupont-Fictif;Jean-Kevin;jk.dupont@example.org;12 rue des Lilas;06 12 34 56 78;1 85 05 59 350 042 17;"
    "PX-000123;14/07/1985;H;21590350000013;2024-12;01/06/2024;31/05/2024;50\n"
)


@pytest.fixture
def built(tmp_path, monkeypatch):
    salt_file = tmp_path / "secret" / "salt"
    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(salt_file))
    export = tmp_path / "exports" / "suivi.csv"
    export.parent.mkdir()
    export.write_text(EXPORT, encoding="utf-8")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", str(export), "--no-progress"]) == 0
    return db, salt_file


def all_text(con) -> str:
    """Every value of every table and view of the database, as one text."""
    parts = []
    for (name,) in con.execute("select table_name from information_schema.tables").fetchall():
        for row in con.execute(f'select * from "{name}"').fetchall():
            parts.append(repr(row))
    return "\n".join(parts)


def test_refused_columns_leave_no_trace_in_any_table(built):
    db, salt_file = built
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from clause_hours").fetchone() == (1,)
        assert con.execute("select count(*) from rejects where source_file = 'suivi.csv' "
                           "and field = 'end_date'").fetchone() == (1,)
        text = all_text(con)
        for value in PERSONAL:
            assert value not in text, value
        squeezed = text.lower().replace(" ", "")
        for v in ("dupont-fictif", "jean-kevin", "ruedeslilas", "example.org", "0612345678", "185055935004217"):
            assert v not in squeezed, v
        assert salt_file.read_text().strip() not in text
        # the warning names every refused column
        (message,) = con.execute("select message from ingest_log where source_file = 'suivi.csv'").fetchone()
        for header in ("Nom", "Prénom", "E-mail", "Adresse", "Téléphone portable", "N° de sécurité sociale"):
            assert f"« {header} »" in message
    finally:
        con.close()


def test_participant_id_is_the_salted_hash_and_birth_date_a_year(built):
    db, salt_file = built
    con = duckdb.connect(str(db), read_only=True)
    try:
        (pid, birth_year, age_band) = con.execute(
            "select participant_id, birth_year, age_band from clause_hours").fetchone()
    finally:
        con.close()
    assert pid == pseudonymise("PX-000123", load_salt(salt_file))
    assert len(pid) == 64 and pid != "PX-000123"
    assert (birth_year, age_band) == (1985, "26-49")    # 2024 - 1985 = 39


def test_salt_is_created_once_with_owner_only_permissions(tmp_path):
    p = tmp_path / "s" / "salt"
    first = load_salt(p)
    assert p.stat().st_mode & 0o777 == 0o600
    assert load_salt(p) == first and len(first) == 64
    other = tmp_path / "other"
    assert pseudonymise("A1", load_salt(other)) != pseudonymise("A1", first)


@pytest.mark.parametrize("header, kind", [
    ("Nom", "nom"), ("NOM DU SALARIE", "nom"), ("Prénom", "prénom"), ("Courriel", "courriel"),
    ("Mail", "courriel"), ("Adresse postale", "adresse"), ("Tél.", "téléphone"), ("NIR", "numéro de sécurité sociale"),
    ("Numéro de sécurité sociale", "numéro de sécurité sociale"), ("Nom de l'entreprise", None),
    ("Nom du maître d'ouvrage", None), ("Commentaire", None),
])
def test_private_header_detection(header, kind):
    assert private_kind(header) == kind
