"""Contract identity: key, exact duplicates, versions collapse, region filter, buyer types."""
from __future__ import annotations

from decp_helpers import load, marche_2019, marche_2022, rows
from pipelines.buyers import BuyersRegister, classify_buyer


def test_exact_duplicates_counted_and_dropped(tmp_path):
    rec = marche_2019()
    con, res = load(tmp_path, {"a.json": {"marches": [rec, dict(rec), marche_2019(id="2")]}})
    r = res["a.json"]
    assert (r.n_read, r.n_loaded, r.n_duplicates) == (3, 2, 1)
    assert con.execute("select count(*) from contracts").fetchall() == [(2,)]


def test_duplicates_across_files_and_formats(tmp_path):
    doc = {"marches": [marche_2019()]}
    con, res = load(tmp_path, {"a.json": doc, "b.json": doc})
    assert res["b.json"].n_duplicates == 1 and res["b.json"].n_loaded == 0
    assert con.execute("select n_versions, source_file from contracts").fetchall() == [(1, "a.json")]


def test_same_id_different_buyers_are_two_contracts(tmp_path):
    a = marche_2019()
    b = marche_2019(acheteur={"id": "13001898900017", "nom": "INOVALYS"})
    con, _ = load(tmp_path, {"a.json": {"marches": [a, b]}})
    assert con.execute("select buyer_siret from contracts order by 1").fetchall() == [
        ("13001898900017",), ("21590350100017",)]


def test_versions_collapse_to_latest_amount_keeping_initial(tmp_path):
    first = marche_2019(datePublicationDonnees="2019-05-10", montant=120000, dureeMois=12)
    # republished later with a modification raising the amount, duration not restated
    second = marche_2019(datePublicationDonnees="2019-10-01", montant=120000, dureeMois=12,
                         modifications=[{"montant": 140000, "dateNotificationModification": "2019-09-20"}])
    # a third publication restating only the duration, with a new object wording
    third = marche_2019(datePublicationDonnees="2020-02-01", montant=None, dureeMois=18,
                        objet="Travaux de peinture (avenant 2)")
    con, res = load(tmp_path, {"v2.json": {"marches": [third, first]}, "v1.json": {"marches": [second]}})
    assert res["v2.json"].n_loaded == 2 and res["v1.json"].n_loaded == 1
    [c] = rows(con, "select * from contracts")
    # initial amount from the first version; the latest stated amount is the modification's
    assert (c["amount_initial"], c["amount"], c["duration_months"]) == (120000.0, 140000.0, 18.0)
    assert c["n_versions"] == 3 and c["object"] == "Travaux de peinture (avenant 2)"
    assert c["source_file"] == "v2.json"


def test_latest_placeholder_amount_is_flagged_not_summed(tmp_path):
    first = marche_2019(datePublicationDonnees="2019-05-10", montant=120000)
    second = marche_2019(datePublicationDonnees="2019-06-10", montant=1e17)
    con, _ = load(tmp_path, {"a.json": {"marches": [first, second]}})
    assert rows(con, "select amount_initial, amount, amount_flag from contracts") == [
        {"amount_initial": 120000.0, "amount": None, "amount_flag": "placeholder"}]


def test_missing_key_rejects_the_whole_record(tmp_path):
    no_id = marche_2019(id=None)
    no_buyer = marche_2019(id="x", acheteur={"nom": "SANS SIRET"})
    con, res = load(tmp_path, {"a.json": {"marches": [no_id, no_buyer, marche_2019()]}})
    r = res["a.json"]
    assert (r.n_read, r.n_loaded, r.n_rejected) == (3, 1, 2)
    assert rows(con, "select record_no, field from rejects order by 1") == [
        {"record_no": 1, "field": "id"}, {"record_no": 2, "field": "acheteur.id"}]


def test_region_filter_and_counts_reconcile(tmp_path):
    recs = [marche_2019(id="lille"),
            marche_2019(id="vendee", lieuExecution={"code": "85", "typeCode": "Code département"}),
            marche_2019(id="nowhere", lieuExecution={"code": "INO", "typeCode": "Code commune"})]
    con, res = load(tmp_path, {"a.json": {"marches": recs}}, region="32")
    r = res["a.json"]
    assert (r.n_read, r.n_loaded, r.n_out_of_region) == (3, 2, 1) and r.reconciles()
    assert con.execute("select contract_id, territory_status from contracts order by 1").fetchall() == [
        ("lille", "resolved"), ("nowhere", "unknown")]
    con, res = load(tmp_path, {"a.json": {"marches": recs}}, region=None)
    assert res["a.json"].n_loaded == 3


# ---- buyer types -------------------------------------------------------------------------------

def test_buyer_type_from_register_by_siret_or_siren():
    reg = BuyersRegister(by_siret={"21590350100017": ("Lille", "commune")},
                         by_siren={"276200019": ("Pas-de-Calais Habitat", "landlord")})
    assert classify_buyer(reg, "21590350100017", "X") == ("commune", "register")
    assert classify_buyer(reg, "27620001900012", None) == ("landlord", "register")
    assert classify_buyer(reg, "27620001999999", None) == ("landlord", "register")


def test_buyer_type_name_fallback_records_its_rule():
    assert classify_buyer(None, "12345678900000", "OPH de la Somme") == ("landlord", "name:OPH")
    # landlord patterns come first: this OPH carries "Métropole" in its name
    assert classify_buyer(None, None, "Lille Métropole Habitat") == ("landlord", "name:HABITAT")
    assert classify_buyer(None, None, "Métropole Européenne de Lille") == ("epci", "name:METROPOLE")
    assert classify_buyer(None, None, "SA d'HLM du Nord") == ("landlord", "name:HLM")
    assert classify_buyer(None, None, "Commune de Béthune") == ("commune", "name:COMMUNE DE")
    assert classify_buyer(None, None, "Département du Nord") == ("departement", "name:DEPARTEMENT")
    assert classify_buyer(None, None, "CHU d'Amiens-Picardie") == ("hospital", "name:CHU")


def test_buyer_type_siren_prefix_then_default():
    assert classify_buyer(None, "22590001200018", None) == ("departement", "siren:22")
    assert classify_buyer(None, "44306184100047", "SARL X") == ("other", "default")


def test_buyer_type_and_name_in_contracts(tmp_path):
    reg = BuyersRegister(by_siret={"27620001900012": ("Pas-de-Calais Habitat", "landlord")})
    con, _ = load(tmp_path, {"a.json": {"marches": {"marche": [marche_2022()]}}}, buyers=reg)
    assert rows(con, "select buyer_name, buyer_type, buyer_type_rule from contracts") == [
        {"buyer_name": "Pas-de-Calais Habitat", "buyer_type": "landlord", "buyer_type_rule": "register"}]


def test_buyers_register_semicolons_french_labels_and_rejects(tmp_path):
    import duckdb

    from pipelines.buyers import load_buyers_register
    from pipelines.quarantine import Quarantine
    from pipelines.schema import create_all_tables

    path = tmp_path / "acheteurs.csv"
    path.write_text("\ufeffSIREN;Nom;Type\n"
                    "276200019;Pas-de-Calais Habitat;Bailleur social\n"
                    "22590001200018;Département du Nord;département\n"
                    "13000000000000;Préfecture;État\n"
                    "26800000000000;CHU;hôpital\n"
                    "20000000000000;Syndicat;EPCI\n"
                    "21000000000000;X;region\n"
                    "21000000000001;Y;inconnu\n"
                    "276200019;Doublon;landlord\n", encoding="utf-8")
    con = duckdb.connect()
    create_all_tables(con)
    q = Quarantine(con, path.name)
    register, result = load_buyers_register(con, path, q)
    q.flush()
    assert (result.n_read, result.n_loaded, result.n_rejected, result.n_duplicates) == (8, 6, 1, 1)
    assert con.execute("select buyer_id, buyer_type from buyers_register order by 1").fetchall() == [
        ("13000000000000", "state"), ("20000000000000", "epci"), ("21000000000000", "region"),
        ("22590001200018", "departement"), ("26800000000000", "hospital"), ("276200019", "landlord")]
    assert register.lookup("27620001900012") == ("Pas-de-Calais Habitat", "landlord")
    [(field, reason)] = con.execute("select field, reason from rejects").fetchall()
    assert field == "type" and "type d'acheteur inconnu" in reason


def test_field_rejects_only_for_loaded_records(tmp_path):
    """A bad field of a record dropped as out of region or duplicate is not quarantined."""
    lille = marche_2019(id="lille", dureeMois="NC")
    vendee = marche_2019(id="vendee", dureeMois="NC",
                         lieuExecution={"code": "85", "typeCode": "Code département"})
    con, res = load(tmp_path, {"a.json": {"marches": [lille, dict(lille), vendee]}}, region="32")
    r = res["a.json"]
    assert (r.n_loaded, r.n_duplicates, r.n_out_of_region) == (1, 1, 1)
    assert rows(con, "select record_no, field from rejects") == [{"record_no": 1, "field": "dureeMois"}]


def test_unknown_place_takes_the_buyer_territory(tmp_path):
    nowhere = {"code": "DEP", "typeCode": "Code département"}
    vendee = {"code": "85", "typeCode": "Code département"}
    other = {"id": "44306184100047", "nom": "SARL X"}
    lonely = {"id": "13001898900017", "nom": "INOVALYS"}
    recs = [
        marche_2019(id="a1"),                                   # Lille buyer, resolved in 59
        marche_2019(id="a2", lieuExecution=nowhere),            # same buyer, unknown place
        marche_2019(id="b1", acheteur=other, lieuExecution=vendee),
        marche_2019(id="b2", acheteur=other, lieuExecution=nowhere, dureeMois="NC"),
        marche_2019(id="c1", acheteur=lonely, lieuExecution=nowhere),   # nothing known
    ]
    con, res = load(tmp_path, {"a.json": {"marches": recs}}, region="32")
    r = res["a.json"]
    # b2's buyer only works in Vendée: b2 joins b1 out of region, its field reject goes with it
    assert (r.n_read, r.n_loaded, r.n_out_of_region) == (5, 4, 1)
    got = {x["contract_id"]: x for x in rows(con, "select * from contracts")}
    assert sorted(got) == ["a1", "a2", "c1"]
    a2 = got["a2"]
    assert (a2["region_code"], a2["departement_code"], a2["commune_code"], a2["territory_status"]) == (
        "32", "59", None, "departement_only")
    assert "déduit des 1 autre(s) marché(s) de l'acheteur" in a2["territory_reason"]
    assert (got["c1"]["region_code"], got["c1"]["territory_status"]) == (None, "unknown")
    assert con.execute("select count(*) from rejects where record_no = 4").fetchall() == [(0,)]

    con, res = load(tmp_path, {"a.json": {"marches": recs}}, region=None)
    got = {x["contract_id"]: x for x in rows(con, "select * from contracts")}
    assert (got["b2"]["region_code"], got["b2"]["departement_code"]) == ("52", "85")


def test_one_name_per_buyer_register_first(tmp_path):
    older = marche_2019(id="a", dateNotification="2019-01-10", acheteur={"id": "21590350100017", "nom": "MAIRIE LILLE"})
    newer = marche_2019(id="b", dateNotification="2019-06-10")   # named COMMUNE DE LILLE
    unnamed = marche_2022()                                        # 2022: no name at all
    unnamed["acheteur"] = {"id": "21590350100017"}
    docs = {"a.json": {"marches": [older, newer]}, "b.json": {"marches": {"marche": [unnamed]}}}
    con, _ = load(tmp_path, docs)
    assert set(con.execute("select buyer_name from contracts").fetchall()) == {("COMMUNE DE LILLE",)}
    reg = BuyersRegister(by_siren={"215903501": ("Ville de Lille", "commune")})
    con, _ = load(tmp_path, docs, buyers=reg)
    assert set(con.execute("select buyer_name, buyer_type_rule from contracts").fetchall()) == {
        ("Ville de Lille", "register")}
