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


# --- issue 8: a rejected execution line is stored as file, record, field, reason only -----------------
LINE_HEADER = ("ID participant;Sexe;Tranche d'âge;Publics;Commune de résidence;QPV;Locataire;Date de début;"
               "Date de fin;Heures réalisées;Situation à la sortie;Opération;SIRET MO;N° marché;"
               "Année de naissance\n")
LINES = [
    # 1 loaded, with bad values in fields about the person (sex, publics, birth year) and a bad buyer SIRET
    "PX-7;Martien;50 ans et plus;RQTH, Handicap psychique;59009;oui;non;01/02/2024;31/05/2024;300;CDI;"
    "Résidence Les Tilleuls;123;M-2024-7;1890",
    # 2 rejected: end before start; its person values must not be stored anywhere
    "PX-8;F;50 ans et plus;RQTH;59009;oui;oui;01/06/2024;31/05/2024;77;CDI;Résidence Les Tilleuls;"
    "21590350000013;M-2024-8;1961",
    # 3 rejected for two reasons (no participant id, hours unreadable)
    ";F;<26;RSA;59009;non;non;01/02/2024;31/05/2024;beaucoup;Chômage;Résidence Les Tilleuls;"
    "21590350000013;M-2024-9;2001",
]


@pytest.fixture
def rejected(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "salt"))
    f = tmp_path / "exports" / "lignes.csv"
    f.parent.mkdir()
    f.write_text(LINE_HEADER + "\n".join(LINES) + "\n", encoding="utf-8")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", str(f), "--no-progress"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_rejects_of_clause_lines_hold_no_person_value(rejected):
    got = rejected.execute("select record_no, field, reason, raw from rejects order by record_no, field").fetchall()
    assert got == [
        (1, "birth_year", "année de naissance invraisemblable (valeur ignorée)", None),
        (1, "buyer_siret", "SIRET du maître d'ouvrage : SIRET invalide (14 chiffres attendus), valeur gardée "
                           "telle que lue, sans espaces", "123"),                  # not about the person: kept
        (1, "gender", "sexe : valeur inconnue (valeur ignorée)", None),
        (1, "publics", "publics éligibles : 1 valeur(s) inconnue(s) (ignorée(s))", None),
        (2, "end_date", "date de fin antérieure à la date de début", None),
        (3, None, "identifiant du participant manquant; heures réalisées : nombre attendu", None),
    ]
    stored = "\n".join(repr(r) for r in rejected.execute(
        "select field, reason, raw from rejects union all select source_file, status, message from ingest_log"
    ).fetchall())
    for value in ("Martien", "psychique", "Handicap", "59009", "1890", "1961", "2001", "31/05/2024", "01/06/2024",
                  "77", "beaucoup", "CDI", "Chômage", "PX-8", "RQTH", "RSA", "50 ans", "<26"):
        assert value not in stored, value


def test_quality_page_mart_shows_only_allowed_examples(rejected):
    by = {(r[0], r[1]): r[2:] for r in rejected.execute(
        "select field, reason, examples, record_nos from mart_rejects_by_reason").fetchall()}
    assert by[("buyer_siret", "SIRET du maître d'ouvrage : SIRET invalide (14 chiffres attendus), valeur "
                              "gardée telle que lue, sans espaces")] == (["123"], [1])
    assert by[("end_date", "date de fin antérieure à la date de début")] == ([], [2])
    assert all(ex == [] for (field, _), (ex, _) in by.items() if field != "buyer_siret")


def test_mart_hides_person_values_even_if_stored(tmp_path):
    """Defence in depth: a `rejects` row of a clause file holding a raw value about the person (an older
    build, another reader) is not shown; DECP rejects keep their examples."""
    from marts_fixture import build, new_db, rows

    from pipelines.clauses.privacy import PERSONAL_FIELDS

    con = new_db()
    con.execute("""insert into ingest_log (source_file, kind, status) values
        ('suivi.csv', 'clauses', 'warnings'), ('decp.json', 'decp', 'warnings'), ('lots.csv', 'planned', 'ok')""")
    for i, field in enumerate(sorted(PERSONAL_FIELDS), start=1):
        con.execute("insert into rejects values ('suivi.csv', ?, ?, 'raison', 'valeur-personnelle')", [i, field])
    con.execute("""insert into rejects values
        ('suivi.csv', 90, null, 'ligne rejetée', 'Sexe=F; Publics=RQTH'),
        ('suivi.csv', 91, 'contract_amount', 'montant illisible', 'abc'),
        ('inconnu.csv', 92, 'gender', 'raison', 'F'),
        ('decp.json', 93, null, 'enregistrement sans identifiant', '{"id": null}'),
        ('lots.csv', 94, 'planned_hours', 'heures prévues illisibles', 'x')""")
    build(con)
    got = {(r["source_file"], r["field"]): r["examples"] for r in rows(con, "select * from mart_rejects_by_reason")}
    assert {k: v for k, v in got.items() if v} == {
        ("suivi.csv", "contract_amount"): ["abc"], ("decp.json", None): ['{"id": null}'],
        ("lots.csv", "planned_hours"): ["x"]}
    assert len(got) == len(PERSONAL_FIELDS) + 5


# --- issue 8: personal data typed into accepted columns is withheld ------------------------------
def _nir(first13: str) -> str:
    digits = first13.replace(" ", "")
    return f"{first13} {97 - int(digits) % 97:02d}"


NIR_OK = _nir("1 85 05 59 350 042")           # key 26
PII_HEADER = "ID participant;Date de début;Heures réalisées;Opération;Lot;N° marché;ID opération;SIRET MO\n"
PII_LINES = [
    # 1 email in the operation name, phone in the lot, NIR in the contract id
    f"P1;01/02/2024;100;Chantier de jk.dupont@example.org;06 12 34 56 78;{NIR_OK};OP-1;21590350000013",
    # 2 phone (+33) in the operation name, NIR without spaces in the operation id
    f"P2;01/02/2024;100;Rappeler au +33 6 12 34 56 78;Lot 2;M-2;{NIR_OK.replace(' ', '')};21590350000013",
    # 3 look-alikes that are not personal data: kept as read
    "P3;01/02/2024;100;Réhabilitation 59000 Lille 12/06/2024 1 234 567,50 €;0612345678;20240012345600;"
    "185055935004217;21590350000013",
]


@pytest.fixture
def withheld(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "salt"))
    f = tmp_path / "exports" / "pii.csv"
    f.parent.mkdir()
    f.write_text(PII_HEADER + "\n".join(PII_LINES) + "\n", encoding="utf-8")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", str(f), "--no-progress"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_personal_values_in_accepted_columns_are_replaced_by_a_marker(withheld):
    from pipelines.clauses.privacy import MARKER

    got = withheld.execute("select record_no, operation_name, lot, contract_id, operation_id from clause_hours "
                           "order by record_no").fetchall()
    assert got == [
        (1, MARKER, MARKER, MARKER, "OP-1"),
        (2, MARKER, "Lot 2", "M-2", MARKER),
        # a postcode, a date, an amount, a bare 10-digit lot id, a 14-digit id and a 15-digit number whose
        # NIR key does not check are not personal data
        (3, "Réhabilitation 59000 Lille 12/06/2024 1 234 567,50 €", "0612345678", "20240012345600",
         "185055935004217"),
    ]
    text = all_text(withheld).lower().replace(" ", "")
    for value in ("jk.dupont@example.org", "+33612345678", NIR_OK.replace(" ", "")):
        assert value not in text, value
    assert "0612345678" in text   # the lot id of record 3 (an identifier column) is kept
    (n_loaded, status, message) = withheld.execute("select n_loaded, status, message from ingest_log").fetchone()
    assert (n_loaded, status) == (3, "warnings")
    assert message == (f"5 valeur(s) retirée(s) car elles ressemblent à une donnée personnelle (courriel, "
                       f"téléphone, numéro de sécurité sociale), remplacée(s) par « {MARKER} » : "
                       "2 dans « Opération » (nom de l'opération), "
                       "1 dans « ID opération » (identifiant de l'opération), "
                       "1 dans « N° marché » (identifiant du marché (id DECP)), 1 dans « Lot » (lot)")


@pytest.mark.parametrize("value, kind", [
    ("jean.dupont@example.org", "courriel"), ("contact : a.b-c@mairie-lille.fr", "courriel"),
    ("06 12 34 56 78", "téléphone"), ("06.12.34.56.78", "téléphone"), ("06-12-34-56-78", "téléphone"),
    ("0612345678", "téléphone"), ("+33 6 12 34 56 78", "téléphone"), ("0033 3 20 00 00 00", "téléphone"),
    (NIR_OK, "numéro de sécurité sociale"), (NIR_OK.replace(" ", ""), "numéro de sécurité sociale"),
    ("21590350000013", None), ("215 903 500 00013", None), ("215903500", None), ("59350", None),
    ("2024-06-12", None), ("12/06/2024", None), ("1 234 567,50", None), ("NPNRU-59350-001", None),
    ("2024-12", None), ("185055935004217", None), ("Lot 06", None), ("20240012345600", None),
])
def test_personal_value_detection(value, kind):
    from pipelines.clauses.privacy import personal_kind

    assert personal_kind(value) == kind


@pytest.mark.parametrize("value, kind", [
    # no-break and narrow no-break spaces (French typography, copies from Word or Excel)
    ("06\u00a012\u00a034\u00a056\u00a078", "téléphone"), ("06\u202f12\u202f34\u202f56\u202f78", "téléphone"),
    ("Tél.\u00a0: +33\u00a06\u00a012\u00a034\u00a056\u00a078", "téléphone"),
    (NIR_OK.replace(" ", "\u00a0"), "numéro de sécurité sociale"),
    (NIR_OK.replace(" ", "-"), "numéro de sécurité sociale"),
    ("０６１２３４５６７８", "téléphone"), ("jean＠exemple.fr", "courriel"),
    ("zoé.martin@free.fr", "courriel"),
    ("1\u00a0234\u00a0567,50\u00a0€", None), ("59\u00a0350", None),
])
def test_personal_value_detection_typographic_variants(value, kind):
    from pipelines.clauses.privacy import personal_kind

    assert personal_kind(value) == kind


def test_redact_leaves_no_part_of_an_accented_email_or_spaced_number():
    from pipelines.clauses.privacy import MARKER, redact

    assert redact("code « zoé.martin@free.fr » inconnu") == f"code « {MARKER} » inconnu"
    assert redact("appeler le 06\u00a012\u00a034\u00a056\u00a078") == f"appeler le {MARKER}"
    assert redact("n° " + NIR_OK.replace(" ", "-")) == f"n° {MARKER}"


def test_corsican_nir_key():
    from pipelines.clauses.privacy import personal_kind

    key = 97 - 2690519004012 % 97          # 2A counts as 19 in the key
    assert personal_kind(f"2 69 05 2A 004 012 {key:02d}") == "numéro de sécurité sociale"
    assert personal_kind(f"2 69 05 2A 004 012 {(key + 1) % 97:02d}") is None


def test_quality_page_shows_no_person_value(tmp_path, monkeypatch):
    """*Qualité des données* -> "Rejets par raison" (and its CSV/XLSX, built from the same frame) on a real
    build: record numbers, fields and reasons, the bad buyer SIRET, and none of the person's values."""
    from tests.dashboard_apptest import frames, run_page, texts

    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "salt"))
    f = tmp_path / "exports" / "lignes.csv"
    f.parent.mkdir()
    f.write_text(LINE_HEADER + "\n".join(LINES) + "\n", encoding="utf-8")
    db = tmp_path / "obs.duckdb"
    assert build_main(["--db", str(db), "--clauses", str(f), "--no-progress"]) == 0
    at = run_page("qualite", db)
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(df.to_csv() for df in frames(at)) + texts(at) + "\n".join(e.value for e in at.error)
    for value in ("Martien", "psychique", "59009", "1890", "1961", "31/05/2024", "beaucoup", "Chômage", "PX-8",
                  "RQTH", "50 ans"):
        assert value not in shown, value
    assert "date de fin antérieure à la date de début" in shown and "123" in shown
