"""Format detection from content, and each streaming reader on a fixture written in code."""
from __future__ import annotations

import codecs
import json

import pytest

from decp_helpers import load, marche_2019, marche_2022, new_db, rows, write
from pipelines.decp import ingest_decp_file
from pipelines.decp.readers import detect_format, iter_records
from pipelines.errors import UnreadableFile

XML_2022 = """<?xml version="1.0" encoding="UTF-8"?>
<marches>
  <marche>
    <id>2024-042</id>
    <acheteur><id>27620001900012</id></acheteur>
    <nature>Marché</nature>
    <objet>Nettoyage des parties communes</objet>
    <codeCPV>90910000-9</codeCPV>
    <procedure>Appel d'offres ouvert</procedure>
    <lieuExecution><code>62041</code><typeCode>Code commune</typeCode></lieuExecution>
    <dureeMois>24</dureeMois>
    <dateNotification>2024-03-01</dateNotification>
    <datePublicationDonnees>2024-03-15</datePublicationDonnees>
    <montant>250000.0</montant>
    <formePrix>Forfaitaire</formePrix>
    <titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>73282932000074</id></titulaire></titulaires>
    <considerationsSociales><considerationSociale>Clause sociale</considerationSociale></considerationsSociales>
  </marche>
  <contrat-concession>
    <id>DSP-2024-1</id>
    <autoriteConcedante><id>21590350100017</id></autoriteConcedante>
    <nature>Délégation de service public</nature>
    <objet>Exploitation de la piscine</objet>
    <procedure>Procédure négociée ouverte</procedure>
    <dureeMois>60</dureeMois>
    <dateSignature>2024-06-01</dateSignature>
    <datePublicationDonnees>2024-06-10</datePublicationDonnees>
    <valeurGlobale>3000000</valeurGlobale>
    <concessionnaires><concessionnaire><typeIdentifiant>SIRET</typeIdentifiant><id>73282932000074</id></concessionnaire></concessionnaires>
    <considerationsSociales><considerationSociale>Concession réservée</considerationSociale></considerationsSociales>
  </contrat-concession>
</marches>
"""

XML_2019 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<marches>
  <marche>
    <id>2019-001</id>
    <acheteur><id>21590350100017</id><nom>COMMUNE DE LILLE</nom></acheteur>
    <nature>Marché</nature>
    <objet>Travaux de peinture</objet>
    <codeCPV>45442100-8</codeCPV>
    <procedure>Procédure adaptée</procedure>
    <lieuExecution><code>59350</code><typeCode>Code commune</typeCode><nom>Lille</nom></lieuExecution>
    <dureeMois>12</dureeMois>
    <dateNotification>2019-05-02</dateNotification>
    <datePublicationDonnees>2019-05-10</datePublicationDonnees>
    <montant>120000</montant>
    <formePrix>Ferme</formePrix>
    <titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>73282932000074</id><denominationSociale>X</denominationSociale></titulaire></titulaires>
    <modifications/>
    <considerationsSociales/>
  </marche>
</marches>
"""

CSV_HEADER = ("titulaire_id_1;titulaire_typeIdentifiant_1;titulaire_id_2;titulaire_typeIdentifiant_2;"
              "id;nature;objet;codeCPV;procedure;dureeMois;dateNotification;datePublicationDonnees;"
              "montant;formePrix;marcheInnovant;acheteur.id;lieuExecution.code;lieuExecution.typeCode;"
              "considerationsSociales;idModification;montantModification;dureeMoisModification")
CSV_ROWS = [
    # the same contract as marche_2022(), as a tabular export writes it
    "73282932000074;SIRET;CDL;CDL;2024-042;Marché;Nettoyage des parties communes;90910000-9;"
    "Appel d'offres ouvert;24;2024-03-01;2024-03-15;250000.0;Forfaitaire;MQ;27620001900012;62041;"
    "Code commune;['Clause sociale'];CDL;CDL;CDL",
    # INX-marked id, Arras commune code typed as a département, two list values, a modification
    "73282932000074;SIRET;FR1;TVA;INX 2024 3 001;Marché;Voirie;45233140-2;Procédure adaptée;6;"
    "2024-12-31;2024-12-31;146796.0;Forfaitaire;False;21620041500019;62041;Code département;"
    "['Critère social', 'Clause sociale'];1;160000.0;8",
]


def csv_bytes(rows=CSV_ROWS, header=CSV_HEADER) -> bytes:
    return codecs.BOM_UTF8 + ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


# ---- detection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, fmt, version", [
    ("a.txt", {"marches": [marche_2019()]}, "json", "2019"),          # name says nothing
    ("a.xml", {"marches": {"marche": [marche_2022()]}}, "json", "2022"),  # name lies
    ("a.json", XML_2022, "xml", None),
    ("a.dat", csv_bytes(), "csv", None),
    ("b.json", "\ufeff  \n" + json.dumps({"marches": []}), "json", "2019"),   # BOM and blanks
])
def test_format_detected_from_content(tmp_path, name, content, fmt, version):
    d = detect_format(write(tmp_path, name, content))
    assert (d.source_format, d.version) == (fmt, version)


@pytest.mark.parametrize("content, fragment", [
    ("", "vide"),
    ("Bonjour, ceci est une lettre.\nCordialement", "non reconnu"),
    (json.dumps({"records": []}), "marches"),
    ('{"marches": [{"id": "1", "acheteur": {"id": "2159', "tronqué"),          # truncated
    ("{\"marches\": [}", "invalide"),
    ("<html><body>404</body></html>", "<marches> attendue"),
    ('<marches><marche><id>1</id></marche><marche><id>', "tronqué"),
])
def test_unreadable_files_give_one_clear_error(tmp_path, content, fragment):
    path = write(tmp_path, "bad.json", content)
    con, ctx = new_db()
    with pytest.raises(UnreadableFile) as err:
        ingest_decp_file(con, path, ctx)
    msg = str(err.value)
    assert msg.startswith("bad.json : fichier illisible, attendu un fichier DECP") and fragment in msg
    assert "\n" not in msg


def test_wrong_encoding_is_unreadable(tmp_path):
    path = write(tmp_path, "utf16.json", json.dumps({"marches": [marche_2019()]}).encode("utf-16"))
    con, ctx = new_db()
    with pytest.raises(UnreadableFile, match="UTF-16"):
        ingest_decp_file(con, path, ctx)
    latin = json.dumps({"marches": [marche_2019(objet="Réfection")]}, ensure_ascii=False).encode("latin-1")
    with pytest.raises(UnreadableFile, match="invalide"):
        ingest_decp_file(con, write(tmp_path, "latin.json", latin), ctx)


# ---- readers -----------------------------------------------------------------------------------

def test_json_2022_reads_marches_and_concessions(tmp_path):
    concession = {
        "id": "DSP-2024-1", "autoriteConcedante": {"id": "21590350100017"},
        "nature": "Délégation de service public", "objet": "Exploitation de la piscine",
        "procedure": "Procédure négociée ouverte", "dureeMois": 60, "dateSignature": "2024-06-01",
        "datePublicationDonnees": "2024-06-10", "valeurGlobale": 3000000,
        "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}}],
        "considerationsSociales": {"considerationSociale": ["Concession réservée"]},
    }
    doc = {"marches": {"marche": [marche_2022()], "contrat-concession": [concession]}}
    con, res = load(tmp_path, {"a.json": doc}, region=None)
    assert res["a.json"].n_read == 2 and res["a.json"].n_loaded == 2
    got = rows(con, "select contract_id, is_concession, nature, amount, notification_date, "
                    "is_reserved, supplier_sirets from contracts order by contract_id")
    assert [(r["contract_id"], r["is_concession"], r["nature"], r["amount"], r["is_reserved"])
            for r in got] == [("2024-042", False, "marche", 250000.0, False),
                              ("DSP-2024-1", True, "delegation_service_public", 3000000.0, True)]
    assert str(got[1]["notification_date"]) == "2024-06-01"


def test_2019_concession_in_flat_list(tmp_path):
    concession = {"id": "C1", "_type": "Contrat de concession",
                  "autoriteConcedante": {"id": "21590350100017", "nom": "VILLE DE LILLE"},
                  "nature": "Concession de service", "dateSignature": "2019-01-10",
                  "valeurGlobale": 50000, "lieuExecution": {"code": "59350", "typeCode": "Code commune"}}
    con, _ = load(tmp_path, {"a.json": {"marches": [marche_2019(), concession]}})
    assert rows(con, "select contract_id, is_concession, buyer_name from contracts order by 1") == [
        {"contract_id": "2019-001", "is_concession": False, "buyer_name": "COMMUNE DE LILLE"},
        # one name per buyer: the name of its most recent contract (2019-05-02, the marché)
        {"contract_id": "C1", "is_concession": True, "buyer_name": "COMMUNE DE LILLE"}]


COMPARED = ("buyer_siret, contract_id, nature, object, cpv_code, procedure, notification_date, "
            "amount, duration_months, commune_code, region_code, supplier_sirets, "
            "social_considerations, has_social_clause, format_version")


def test_same_contract_reads_identically_from_json_xml_and_csv(tmp_path):
    expected = None
    for name, content in [("j.json", {"marches": {"marche": [marche_2022()]}}),
                          ("x.xml", XML_2022), ("c.csv", csv_bytes(CSV_ROWS[:1]))]:
        con, _ = load(tmp_path, {name: content})
        got = rows(con, f"select {COMPARED} from contracts where contract_id = '2024-042'")
        assert len(got) == 1
        if expected is None:
            expected = got
            assert got[0]["has_social_clause"] is True and got[0]["commune_code"] == "62041"
        assert got == expected, name


def test_xml_2019_with_empty_2022_elements_is_2019(tmp_path):
    con, res = load(tmp_path, {"a.xml": XML_2019.encode("iso-8859-1")})
    assert res["a.xml"].format == "xml 2019"
    [c] = rows(con, "select format_version, social_info_known, commune_code, amount from contracts")
    assert c == {"format_version": "2019", "social_info_known": False, "commune_code": "59350",
                 "amount": 120000.0}


def test_tabular_export_quirks(tmp_path):
    con, res = load(tmp_path, {"t.csv": csv_bytes()})
    assert res["t.csv"].format == "csv 2022" and res["t.csv"].n_loaded == 2
    [c] = rows(con, "select * from contracts where contract_id = '2024 3 001'")  # INX prefix removed
    assert c["commune_code"] == "62041" and c["territory_status"] == "resolved"
    assert c["social_considerations"] == ["Critère social", "Clause sociale"]
    assert c["supplier_sirets"] == ["73282932000074", "FR1"]
    assert (c["amount_initial"], c["amount"], c["duration_months"]) == (146796.0, 160000.0, 8.0)


def test_csv_row_with_wrong_width_is_rejected(tmp_path):
    bad = "73282932000074;SIRET;2024-9;Marché"
    con, res = load(tmp_path, {"t.csv": csv_bytes(CSV_ROWS[:1] + [bad])})
    r = res["t.csv"]
    assert (r.n_read, r.n_loaded, r.n_rejected) == (2, 1, 1)
    [rej] = rows(con, "select record_no, field, reason from rejects")
    assert rej["record_no"] == 2 and rej["field"] is None and "colonnes" in rej["reason"]


def test_bare_nan_values_are_read_as_null(tmp_path):
    text = json.dumps({"marches": {"marche": [marche_2022(titulaires=None)]}}).replace(
        '"titulaires": null', '"titulaires": NaN')
    con, res = load(tmp_path, {"a.json": text})
    assert res["a.json"].n_loaded == 1
    assert con.execute("select n_suppliers from contracts").fetchall() == [(0,)]


def test_flat_acheteur_key(tmp_path):
    rec = marche_2019()
    del rec["acheteur"]
    rec["acheteur.id"] = "21590350100017"
    con, _ = load(tmp_path, {"a.json": {"marches": [rec]}})
    assert con.execute("select buyer_siret from contracts").fetchall() == [("21590350100017",)]


def test_readers_are_lazy_generators(tmp_path):
    """Records come one at a time (memory does not grow with the file)."""
    path = write(tmp_path, "a.json", {"marches": [marche_2019(id=str(i)) for i in range(3)]})
    it = iter_records(path, detect_format(path))
    first = next(it)
    assert first[0] == 1 and first[2]["id"] == "0"


def test_xml_with_namespace(tmp_path):
    xml = XML_2022.replace("<marches>", '<marches xmlns="http://example.org/decp">', 1)
    con, res = load(tmp_path, {"ns.xml": xml}, region=None)
    assert res["ns.xml"].n_loaded == 2


def test_csv_export_in_windows_1252(tmp_path):
    rows_1252 = [CSV_ROWS[0].replace("Nettoyage des parties communes", "Réfection des allées")]
    data = ("\r\n".join([CSV_HEADER, *rows_1252]) + "\r\n").encode("cp1252")
    con, res = load(tmp_path, {"w.csv": data})
    assert res["w.csv"].n_loaded == 1
    assert con.execute("select object from contracts").fetchall() == [("Réfection des allées",)]


def test_2022_lone_record_written_as_an_object_instead_of_a_list(tmp_path):
    # some producers write `"marche": {...}` when the file holds a single contract
    doc = {"marches": {"marche": marche_2022(), "contrat-concession": []}}
    con, res = load(tmp_path, {"a.json": doc}, region=None)
    assert (res["a.json"].n_read, res["a.json"].n_loaded) == (1, 1)
    assert rows(con, "select contract_id, amount from contracts") == [
        {"contract_id": "2024-042", "amount": 250000.0}]


def test_2022_empty_list_reads_no_record(tmp_path):
    con, res = load(tmp_path, {"a.json": {"marches": {"marche": []}}}, region=None)
    assert res["a.json"].n_read == 0


# ---- version of a tabular export, told from its content ---------------------------------------

# a 2019-format record as an export tool writes it under the same header as 2022 records: the
# 2022-only cells (considerationsSociales, marcheInnovant) are empty, the price form is a 2019 one
CSV_ROW_2019 = ("73282932000074;SIRET;;;2019-7;Accord-cadre;Entretien des espaces verts;77310000-6;"
                "Procédure adaptée;12;2019-04-01;2019-04-15;80000;Ferme;;21590350100017;59350;"
                "Code commune;;;;")


def test_tabular_export_in_the_2019_format_is_logged_as_2019(tmp_path):
    con, res = load(tmp_path, {"t.csv": csv_bytes([CSV_ROW_2019, CSV_ROW_2019.replace("2019-7", "2019-8")])})
    r = res["t.csv"]
    assert (r.format, r.n_loaded, r.warnings) == ("csv 2019", 2, [])
    assert con.execute("select count(*) from rejects").fetchall() == [(0,)]
    assert rows(con, "select distinct format_version, social_info_known, has_social_clause, nature "
                     "from contracts") == [{"format_version": "2019", "social_info_known": False,
                                            "has_social_clause": None, "nature": "accord_cadre"}]


def test_tabular_export_mixing_both_formats(tmp_path):
    # a 2022 row whose social considerations are missing (MQ) is still a 2022 row: field reject
    missing = CSV_ROWS[0].replace("['Clause sociale']", "MQ").replace("2024-042", "2024-043")
    con, res = load(tmp_path, {"t.csv": csv_bytes([CSV_ROW_2019, CSV_ROWS[0], missing])})
    assert (res["t.csv"].format, res["t.csv"].n_loaded) == ("csv 2019+2022", 3)
    assert con.execute("select contract_id, format_version from contracts order by 1").fetchall() == [
        ("2019-7", "2019"), ("2024-042", "2022"), ("2024-043", "2022")]
    assert rows(con, "select record_no, field from rejects") == [
        {"record_no": 3, "field": "considerationsSociales"}]


def test_tabular_export_with_only_2019_columns(tmp_path):
    header = ("id;acheteur.id;acheteur.nom;nature;objet;codeCPV;procedure;lieuExecution.code;"
              "lieuExecution.typeCode;lieuExecution.nom;dureeMois;dateNotification;"
              "datePublicationDonnees;montant;formePrix;titulaire_id_1;titulaire_typeIdentifiant_1;"
              "titulaire_denominationSociale_1")
    row = ("2019-9;21590350100017;COMMUNE DE LILLE;Marché;Voirie;45233140-2;Appel d'offres ouvert;"
           "59350;Code commune;Lille;6;2019-02-01;2019-02-10;90000;Révisable;73282932000074;SIRET;X")
    con, res = load(tmp_path, {"t.csv": csv_bytes([row], header)})
    assert (res["t.csv"].format, res["t.csv"].n_loaded, res["t.csv"].warnings) == ("csv 2019", 1, [])


def test_xml_2022_record_without_social_considerations_is_2022(tmp_path):
    # 2022-only elements (techniques, a 2022 price form) make it a 2022 record whose mandatory
    # social field is missing: a field reject, not a 2019 record
    xml = XML_2022.replace("<considerationsSociales><considerationSociale>Clause sociale"
                           "</considerationSociale></considerationsSociales>",
                           "<techniques><technique>Sans objet</technique></techniques>")
    con, res = load(tmp_path, {"a.xml": xml}, region=None)
    assert res["a.xml"].format == "xml 2022"
    assert rows(con, "select field from rejects") == [{"field": "considerationsSociales"}]
