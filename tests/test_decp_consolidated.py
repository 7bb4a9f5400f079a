"""The national consolidated DECP file (decp-processing's decp.parquet / decp.csv): detection, ids as
text, collapse of the contract x titulaire x modification rows, social considerations, amount
anomalies, buyer category, buyer-location territory, SIAE titulaires, row-level reconciliation and
one-line errors. Every case runs on a parquet and a CSV file written in code."""
from __future__ import annotations

import pytest

from consolidated_helpers import row, write_csv, write_parquet
from decp_helpers import new_db, rows
from pipelines.buyers import BuyersRegister
from pipelines.decp import build_contracts, ingest_decp_file
from pipelines.errors import UnreadableFile

WRITERS = {"parquet": write_parquet, "csv": write_csv}
LILLE = "21590350100017"


@pytest.fixture(params=["parquet", "csv"])
def fmt(request):
    return request.param


def load(tmp_path, fmt, data, region="32", buyers=None, name=None, **kw):
    con, ctx = new_db(region, buyers)
    path = WRITERS[fmt](tmp_path / (name or f"decp.{fmt}"), data, **kw)
    result = ingest_decp_file(con, path, ctx)
    build_contracts(con, ctx)
    return con, result


def contract(con, cid):
    found = rows(con, f"select * from contracts where contract_id = '{cid}'")
    assert len(found) == 1, found
    return found[0]


def test_detected_from_content_not_name(tmp_path, fmt):
    con, result = load(tmp_path, fmt, [row()], name="export.bin")
    assert result.format == f"{fmt} consolidé 2022"
    c = contract(con, "2024-001")
    assert c["source_format"] == fmt and c["source_file"] == "export.bin"
    assert c["buyer_siret"] == LILLE and c["commune_code"] == "59350" and c["has_social_clause"] is True


def test_ids_are_text_leading_zeros_and_corsica(tmp_path, fmt):
    data = [row(id="007", acheteur_id="01234567800015", titulaire_id="00987654300011",
                lieuExecution_code="2A004", lieuExecution_typeCode="Code commune")]
    con, _ = load(tmp_path, fmt, data, region=None)
    c = contract(con, "007")
    assert c["buyer_siret"] == "01234567800015"
    assert c["supplier_sirets"] == ["00987654300011"]
    assert (c["commune_code"], c["departement_code"], c["territory_status"]) == ("2A004", "2A", "resolved")


def test_parquet_integer_ids_get_their_zeros_back(tmp_path):
    # the schema declares acheteur_id, titulaire_id and lieuExecution_code as integers
    data = [row(acheteur_id="01234567800015", titulaire_id="00987654300011", lieuExecution_code="02000",
                lieuExecution_typeCode="Code postal")]
    con, _ = load(tmp_path, "parquet", data, integer_ids=True)
    c = contract(con, "2024-001")
    assert c["buyer_siret"] == "01234567800015" and c["supplier_sirets"] == ["00987654300011"]
    assert c["departement_code"] == "02" and c["region_code"] == "32"


def test_collapse_titulaires_and_modifications(tmp_path, fmt):
    # 2 titulaires x 3 modifications = 6 rows of one contract. The modification rows carry their
    # own (here earlier, badly dated) publication dates: modification_id and donneesActuelles decide.
    a, b = "40483304800022", "11111111111111"
    data = []
    for t in (a, b):
        data.append(row(titulaire_id=t, modification_id=0, donneesActuelles=False, montant=100000.0,
                        dureeMois=12, objet="Voirie (initial)"))
        data.append(row(titulaire_id=t, modification_id=1, donneesActuelles=False, montant=130000.0,
                        dureeMois=18, dateNotification="2024-09-01", datePublicationDonnees="2024-01-01",
                        objet="Voirie (avenant 1)"))
        data.append(row(titulaire_id=t, modification_id=2, donneesActuelles=True, montant=None,
                        dureeMois=None, dateNotification="2025-01-15", datePublicationDonnees="2024-02-01",
                        objet="Voirie (avenant 2)"))
    con, result = load(tmp_path, fmt, data)
    c = contract(con, "2024-001")
    assert c["amount"] == 130000.0            # latest stated amount (avenant 2 states none)
    assert c["amount_initial"] == 100000.0    # initial amount kept
    assert c["duration_months"] == 18.0       # latest stated duration
    assert c["object"] == "Voirie (avenant 2)"  # the current row's data
    assert str(c["notification_date"]) == "2024-03-01"
    assert c["n_versions"] == 3 and c["supplier_sirets"] == sorted([a, b]) and c["n_suppliers"] == 2
    assert (result.n_read, result.n_loaded, result.n_contracts) == (6, 6, 1)


def test_current_row_is_donnees_actuelles(tmp_path, fmt):
    # donneesActuelles marks modification 0 as current (modification 1 was withdrawn): it wins
    data = [row(modification_id=0, donneesActuelles=True, montant=50000.0, objet="Marché actuel"),
            row(modification_id=1, donneesActuelles=False, montant=90000.0, objet="Avenant retiré")]
    con, _ = load(tmp_path, fmt, data)
    c = contract(con, "2024-001")
    assert c["object"] == "Marché actuel" and c["amount"] == 50000.0


def test_uid_codecpv_suffix_stripped(tmp_path, fmt):
    # no id on one row: the key comes from the uid, whose `_<codeCPV>` suffix is stripped
    data = [row(id="2024-009", modification_id=0, donneesActuelles=False),
            row(id=None, uid=f"{LILLE}2024-009_45233140", modification_id=1, montant=150000.0)]
    con, result = load(tmp_path, fmt, data)
    c = contract(con, "2024-009")
    assert c["n_versions"] == 2 and c["amount"] == 150000.0
    assert result.n_rejected == 0


def test_social_considerations_text(tmp_path, fmt):
    data = [row(id="A", considerationsSociales="Clause sociale, Marché réservé"),
            row(id="B", considerationsSociales="Sans objet"),
            row(id="C", considerationsSociales=None),
            row(id="D", considerationsSociales="Critère social")]
    con, _ = load(tmp_path, fmt, data)
    a, b, c, d = (contract(con, x) for x in "ABCD")
    assert (a["has_social_clause"], a["is_reserved"], a["has_social_criterion"]) == (True, True, False)
    assert a["social_considerations"] == ["Clause sociale", "Marché réservé"]
    # "Sans objet": known, no consideration
    assert b["social_info_known"] is True and b["has_social_clause"] is False and b["is_reserved"] is False
    # null: a 2019-format record, unknown status, never "no clause"
    assert c["social_info_known"] is False and c["has_social_clause"] is None and c["format_version"] == "2019"
    assert d["has_social_criterion"] is True and d["format_version"] == "2022"
    assert rows(con, "select * from rejects where field = 'considerationsSociales'") == []


def test_montant_anomalie_kept_out_of_sums(tmp_path, fmt):
    data = [row(id="S", montant=4.5e8, montant_anomalie="suspect", montant_anomalie_raisons="écart aux pairs"),
            row(id="A", montant=9.0e9, montant_anomalie="aberrant"),
            row(id="N", montant=80000.0)]
    con, result = load(tmp_path, fmt, data)
    s, a, n = (contract(con, x) for x in "SAN")
    assert (s["amount"], s["amount_flag"]) == (None, "suspect")
    assert (a["amount"], a["amount_flag"]) == (None, "aberrant")
    assert (n["amount"], n["amount_flag"]) == (80000.0, None)
    assert con.execute("select sum(amount) from contracts").fetchall()[0][0] == 80000.0
    rej = rows(con, "select record_no, reason, raw from rejects where field = 'montant' order by record_no")
    assert [r["record_no"] for r in rej] == [1, 2]
    assert "suspect" in rej[0]["reason"] and "écart aux pairs" in rej[0]["reason"]
    assert float(rej[0]["raw"]) == 4.5e8
    assert result.n_loaded == 3      # a flagged amount is a field reject: the contract is loaded


def test_acheteur_categorie_after_register(tmp_path, fmt):
    data = [row(id="1", acheteur_id="25590001200011", acheteur_nom="SIVOM DU PAYS", acheteur_categorie="Syndicat mixte"),
            row(id="2", acheteur_id="27590001200015", acheteur_nom="LILLE METROPOLE HABITAT", acheteur_categorie="EPIC"),
            row(id="3", acheteur_id="26590001200019", acheteur_nom="GHT ARTOIS", acheteur_categorie="Établissement hospitalier"),
            row(id="4", acheteur_id="21620041000019", acheteur_nom="ARRAS", acheteur_categorie="Commune")]
    register = BuyersRegister(by_siret={"21620041000019": ("Ville d'Arras", "landlord")})  # register first
    con, _ = load(tmp_path, fmt, data, buyers=register)
    got = {r["contract_id"]: (r["buyer_type"], r["buyer_type_rule"])
           for r in rows(con, "select contract_id, buyer_type, buyer_type_rule from contracts")}
    assert got == {"1": ("epci", "categorie:Syndicat mixte"),
                   "2": ("landlord", "name:HABITAT"),     # EPIC is not a type: the name tells
                   "3": ("hospital", "categorie:Établissement hospitalier"),
                   "4": ("landlord", "register")}


def test_buyer_location_when_place_unknown(tmp_path, fmt):
    data = [row(id="ARR", lieuExecution_code=None, lieuExecution_typeCode=None,
                acheteur_commune_code="62041", acheteur_departement_code="62"),
            row(id="PAR", acheteur_id="21750001600019", lieuExecution_code="FRK26",
                lieuExecution_typeCode="Code région", acheteur_commune_code="75056", acheteur_departement_code="75"),
            row(id="NOWHERE", lieuExecution_code=None, lieuExecution_typeCode=None,
                acheteur_commune_code=None, acheteur_departement_code=None, acheteur_id="99999999999999")]
    con, result = load(tmp_path, fmt, data)
    arr = contract(con, "ARR")
    assert (arr["territory_status"], arr["departement_code"], arr["region_code"]) == ("departement_only", "62", "32")
    assert arr["commune_code"] is None
    assert "adresse de l'acheteur (commune 62041)" in arr["territory_reason"]
    # a Paris buyer whose place is nonsense is placed in Île-de-France: out of the regional base
    assert rows(con, "select * from contracts where contract_id = 'PAR'") == []
    assert contract(con, "NOWHERE")["territory_status"] == "unknown"     # kept, flagged
    assert (result.n_loaded, result.n_out_of_region) == (2, 1)
    # its reject row left with it; the loaded unknown place keeps none (no code given)
    assert rows(con, "select * from rejects where field = 'lieuExecution'") == []


def test_siae_titulaires_breakdown(tmp_path, fmt):
    from pipelines.sql_layer import create_sql_layer

    data = [row(id="R1", titulaire_labels="ESS, SIAE", considerationsSociales="Marché réservé", montant=50000.0),
            row(id="C1", titulaire_labels="SIAE", considerationsSociales="Clause sociale", montant=70000.0),
            row(id="C2", titulaire_labels="RGE, Qualiopi", considerationsSociales="Clause sociale", montant=90000.0),
            row(id="N1", titulaire_labels=None, considerationsSociales="Sans objet", montant=30000.0),
            # a SIAE co-titulaire of a former modification does not count: the current titulaires do
            row(id="M1", titulaire_labels="SIAE", modification_id=0, donneesActuelles=False),
            row(id="M1", titulaire_id="55555555555555", titulaire_labels=None, modification_id=1)]
    con, _ = load(tmp_path, fmt, data)
    create_sql_layer(con)
    share = {r["value"]: r for r in rows(
        con, "select * from mart_contract_share(dimension := 'supplier_siae')")}
    assert share["siae"]["label"] == "Titulaire structure d'insertion (SIAE)"
    assert (share["siae"]["n_contracts"], share["siae"]["n_reserved"], share["siae"]["n_clause"]) == (2, 1, 1)
    assert share["siae"]["amount_reserved"] == 50000.0
    assert (share["other"]["n_contracts"], share["other"]["n_clause"]) == (3, 2)


def test_siae_unknown_without_labels_column(tmp_path, fmt):
    from pipelines.sql_layer import create_sql_layer

    con, _ = load(tmp_path, fmt, [row()], drop=("titulaire_labels",))
    create_sql_layer(con)
    share = rows(con, "select value from mart_contract_share(dimension := 'supplier_siae') where not is_total")
    assert share == [{"value": "unknown"}]


def test_row_level_reconciliation(tmp_path, fmt):
    data = [row(id="K", titulaire_id="40483304800022"),
            row(id="K", titulaire_id="11111111111111"),
            row(id="K", titulaire_id="11111111111111"),                         # exact duplicate
            row(id="NOKEY", acheteur_id=None, uid=None),                         # no buyer SIRET
            row(id="OUT", lieuExecution_code="75056", acheteur_commune_code="75056"),  # Paris
            row(id="OUT", lieuExecution_code="75056", titulaire_id="22222222222222", acheteur_commune_code="75056"),
            row(id="L2", procedure="Procédure inventée")]
    con, result = load(tmp_path, fmt, data)
    assert (result.n_read, result.n_loaded, result.n_rejected, result.n_duplicates, result.n_out_of_region) == \
        (7, 3, 1, 1, 2)
    assert result.reconciles() and result.n_contracts == 2
    rej = rows(con, "select record_no, field, reason from rejects order by record_no")
    assert rej[0] == {"record_no": 4, "field": "acheteur_id", "reason": "clé incomplète : SIRET de l'acheteur absent"}
    assert rej[1]["record_no"] == 7 and rej[1]["field"] == "procedure"
    assert contract(con, "L2")["procedure"] == "other"


def test_csv_bad_line_rejected_and_positions_kept(tmp_path):
    path = write_csv(tmp_path / "decp.csv", [row(id="A"), row(id="B"), row(id="C")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",en trop,encore"          # row 2 has two columns too many
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con, ctx = new_db()
    result = ingest_decp_file(con, path, ctx)
    build_contracts(con, ctx)
    assert (result.n_read, result.n_loaded, result.n_rejected) == (3, 2, 1)
    rej = rows(con, "select record_no, field, reason from rejects")
    assert rej[0]["record_no"] == 2 and rej[0]["field"] is None and "nombre de colonnes" in rej[0]["reason"]
    # the row after the bad line keeps its position (3) in later rejects
    con2, ctx2 = new_db()
    lines[3] = lines[3].replace("Procédure adaptée", "Procédure inventée")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_decp_file(con2, path, ctx2)
    assert rows(con2, "select record_no from rejects where field = 'procedure'") == [{"record_no": 3}]


def test_accord_cadre_from_techniques(tmp_path, fmt):
    con, _ = load(tmp_path, fmt, [row(techniques="Accord-cadre, Enchère électronique")])
    assert contract(con, "2024-001")["nature"] == "accord_cadre"


def test_truncated_parquet_one_line(tmp_path):
    path = write_parquet(tmp_path / "decp.parquet", [row() for _ in range(50)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    con, ctx = new_db()
    with pytest.raises(UnreadableFile) as exc:
        ingest_decp_file(con, path, ctx)
    msg = str(exc.value)
    assert msg.startswith("decp.parquet : fichier illisible") and "parquet tronqué" in msg and "\n" not in msg


def test_missing_columns_named(tmp_path, fmt):
    path = WRITERS[fmt](tmp_path / f"decp.{fmt}", [row()], drop=("montant", "dateNotification"))
    con, ctx = new_db()
    with pytest.raises(UnreadableFile) as exc:
        ingest_decp_file(con, path, ctx)
    assert str(exc.value).endswith("(colonnes manquantes : montant, dateNotification)")
    assert str(exc.value).startswith(f"decp.{fmt} : fichier illisible")


def test_build_cli_logs_rows_and_contracts(tmp_path, fmt, capsys):
    import duckdb

    from pipelines.build import main

    folder = tmp_path / "raw"
    folder.mkdir()
    WRITERS[fmt](folder / f"decp.{fmt}", [row(titulaire_id="40483304800022"), row(titulaire_id="11111111111111"),
                                          row(id="B")])
    trunc = folder / "old.parquet"
    trunc.write_bytes(b"PAR1" + b"\x00" * 100)
    db = tmp_path / "o.duckdb"
    # the truncated file fails; --accept-failures installs the build anyway (a failed build is kept aside)
    assert main(["--db", str(db), "--decp", str(folder), "--no-progress", "--accept-failures"]) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "old.parquet" in line] == [
        "erreur : old.parquet : fichier illisible, attendu le fichier DECP consolidé (decp.parquet ou "
        "decp.csv de decp-processing) (parquet tronqué : pied de fichier absent (104 octets lus))"]
    con = duckdb.connect(str(db), read_only=True)
    log = rows(con, "select source_file, status, n_read, n_loaded, n_contracts from ingest_log order by source_file")
    assert log[0] == {"source_file": f"decp.{fmt}", "status": "ok", "n_read": 3, "n_loaded": 3, "n_contracts": 2}
    assert log[1]["source_file"] == "old.parquet" and log[1]["status"] == "failed"
    assert con.execute("select count(*) from contracts").fetchall()[0][0] == 2


def test_mappings_in_slices_give_the_same_values(tmp_path, fmt, monkeypatch):
    import pipelines.decp.consolidated as consolidated

    monkeypatch.setattr(consolidated, "MAPPING_SLICE", 2)     # 5 distinct amounts: 3 slices
    data = [row(id=f"S{i}", montant=1000.0 * (i + 2), lieuExecution_code=code)
            for i, code in enumerate(["59350", "62041", "80021", "60057", "02408"])]
    con, _ = load(tmp_path, fmt, data)
    got = {r["contract_id"]: (r["amount"], r["commune_code"])
           for r in rows(con, "select contract_id, amount, commune_code from contracts")}
    assert got == {"S0": (2000.0, "59350"), "S1": (3000.0, "62041"), "S2": (4000.0, "80021"),
                   "S3": (5000.0, "60057"), "S4": (6000.0, "02408")}


def test_consolidated_and_platform_versions_of_one_contract_collapse_together(tmp_path, fmt):
    # The consolidated file is collapsed to one row per contract before the shared collapse: the
    # versions of another file of the same contract still order against it by date. Here the
    # consolidated versions (dated 2024-03-10) come first, the platform's 2024-06-01 publication last.
    import json

    from decp_helpers import marche_2022, new_db

    con, ctx = new_db("32")
    data = [row(modification_id=0, donneesActuelles=False, montant=100000.0, dureeMois=12, objet="Initial"),
            row(modification_id=1, donneesActuelles=True, montant=130000.0, dureeMois=None, objet="Avenant 1")]
    ingest_decp_file(con, WRITERS[fmt](tmp_path / f"decp.{fmt}", data), ctx)
    platform = marche_2022(id="2024-001", acheteur={"id": LILLE}, objet="Avenant 2 (plateforme)",
                           montant=150000.0, dureeMois=None, datePublicationDonnees="2024-06-01",
                           lieuExecution={"code": "59350", "typeCode": "Code commune"})
    path = tmp_path / "plateforme.json"
    path.write_text(json.dumps({"marches": {"marche": [platform]}}), encoding="utf-8")
    ingest_decp_file(con, path, ctx)
    build_contracts(con, ctx)
    c = contract(con, "2024-001")
    assert c["n_versions"] == 3                       # 2 consolidated modifications + 1 publication
    assert c["object"] == "Avenant 2 (plateforme)"    # the latest publication
    assert c["amount"] == 150000.0 and c["amount_initial"] == 100000.0
    assert c["duration_months"] == 12.0               # the latest stated one (consolidated, initial)
    assert c["source_file"] == "plateforme.json"


def test_moved_out_of_region_counts_rows_and_drops_every_version_reject(tmp_path, fmt):
    # A contract with no place and no buyer address, whose buyer's other contract (another file) is
    # in Paris: a regional build moves it out of region. Its 3 rows (2 titulaires x modification 0,
    # 1 x modification 1) leave n_loaded, and the reject of each version leaves with it.
    from decp_helpers import marche_2022, new_db

    import json

    paris = "21750001600019"
    con, ctx = new_db("32")
    other = marche_2022(id="P-1", acheteur={"id": paris}, lieuExecution={"code": "75056", "typeCode": "Code commune"})
    first = tmp_path / "paris.json"
    first.write_text(json.dumps({"marches": {"marche": [other]}}), encoding="utf-8")
    ingest_decp_file(con, first, ctx)
    nowhere = dict(acheteur_id=paris, id="X", lieuExecution_code=None, lieuExecution_typeCode=None,
                   acheteur_commune_code=None, acheteur_departement_code=None)
    data = [row(**nowhere, titulaire_id="40483304800022", modification_id=0, donneesActuelles=False,
                procedure="Procédure inventée"),
            row(**nowhere, titulaire_id="11111111111111", modification_id=0, donneesActuelles=False,
                procedure="Procédure inventée"),
            row(**nowhere, modification_id=1, donneesActuelles=True, procedure="Autre inventée")]
    path = WRITERS[fmt](tmp_path / f"decp.{fmt}", data)
    result = ingest_decp_file(con, path, ctx)
    assert (result.n_loaded, result.n_out_of_region) == (3, 0)       # not placed yet
    assert len(rows(con, f"select * from rejects where source_file = 'decp.{fmt}'")) == 2
    con.execute("insert into ingest_log (source_file, kind, n_read, n_loaded, n_out_of_region) "
                f"values ('decp.{fmt}', 'decp', 3, 3, 0)")
    build_contracts(con, ctx)
    assert rows(con, "select * from contracts where contract_id = 'X'") == []
    assert rows(con, f"select n_loaded, n_out_of_region from ingest_log where source_file = 'decp.{fmt}'") == \
        [{"n_loaded": 0, "n_out_of_region": 3}]
    assert rows(con, f"select * from rejects where source_file = 'decp.{fmt}'") == []


def test_parquet_amounts_read_in_sql_equal_parse_amount(tmp_path):
    # parquet amounts are numbers: the common case (strictly between 1 and 9 999 999) is taken in
    # SQL without Python, the others go through parse_amount; at the boundaries and beyond, each
    # contract keeps exactly what parse_amount gives (amount, flag, and a reject with its reason)
    from pipelines.decp.normalise import parse_amount

    values = [0.5, 1.0, 1.000001, 250000.0, 9999998.99, 9999999.0, 1e10, 1e17, 0.0, -5.0, float("nan"), None]
    data = [row(id=f"A{i}", montant=v) for i, v in enumerate(values)]
    con, _ = load(tmp_path, "parquet", data, region=None)
    reasons = dict(con.execute("select record_no, reason from rejects where field = 'montant'").fetchall())
    for i, v in enumerate(values):
        amount, flag, reason = parse_amount(v)
        c = contract(con, f"A{i}")
        assert (c["amount"], c["amount_flag"], reasons.get(i + 1)) == (amount, flag, reason), v
    assert reasons and len(reasons) < len(values)   # some amounts rejected, the common ones not
