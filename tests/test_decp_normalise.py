"""One test per normalisation rule, each on a value reproducing a real-file quirk
(catalogue: ../shared/decp-samples/README.md)."""
from __future__ import annotations

from datetime import date

import pytest

from decp_helpers import load, marche_2019, marche_2022, rows
from pipelines.decp import normalise as N
from pipelines.decp.territory import TerritoryResolver
from pipelines.text import siret_is_valid
from decp_helpers import _reference


# ---- SIRET -------------------------------------------------------------------------------------

def test_siret_spaces_removed_and_luhn_checked():
    assert N.clean_identifier(" 215 903 501 00017 ") == "21590350100017"
    assert N.clean_identifier("215\u00a0903\u00a0501.00017") == "21590350100017"
    # Luhn on 21590350100017: doubling every second digit from the right gives a sum of 30
    assert siret_is_valid("21590350100017")
    assert not siret_is_valid("21590350100018")       # last digit changed
    assert not siret_is_valid("2159035010001")        # 13 digits
    assert not siret_is_valid("215903501000170")      # 15 digits
    assert not siret_is_valid("FR32918951849")        # a VAT number


def test_siret_of_la_poste_uses_digit_sum_rule():
    assert siret_is_valid("35600000000048")            # La Poste head office
    assert siret_is_valid("35600000000010")            # digit sum 3+5+6+1 = 15, multiple of 5
    assert not siret_is_valid("35600000000011")        # digit sum 16


def test_siret_read_as_number_keeps_its_digits():
    assert N.clean_identifier(21590350100017.0) == "21590350100017"


def test_invalid_buyer_siret_is_kept_and_flagged(tmp_path):
    rec = marche_2019(acheteur={"id": "215 903 501 0001", "nom": "COMMUNE DE LILLE"})
    con, _ = load(tmp_path, {"a.json": {"marches": [rec]}})
    [c] = rows(con, "select buyer_siret, siret_valid from contracts")
    assert c == {"buyer_siret": "2159035010001", "siret_valid": False}


# ---- CPV ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("45442100-8", "45442100"),      # check digit removed
    ("45442100", "45442100"),
    ("9134100", "09134100"),         # 7 digits: leading zero lost
    ("091341008", "09134100"),       # check digit glued on
    ("INX 45000000-7", "45000000"),  # tabular export marker
])
def test_cpv_normalised_to_eight_digits(raw, expected):
    assert N.parse_cpv(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["4544", "ABCDEFGH", "00000000-1"])
def test_cpv_invalid_is_rejected_with_reason(raw):
    code, reason = N.parse_cpv(raw)
    assert code is None and reason


def test_cpv_division_and_sector_derived(tmp_path):
    recs = [marche_2019(id="a", codeCPV="45442100-8"), marche_2019(id="b", codeCPV="9134100"),
            marche_2019(id="c", codeCPV="77310000-6"), marche_2019(id="d", codeCPV="90910000-9")]
    con, _ = load(tmp_path, {"a.json": {"marches": recs}})
    got = {r[0]: r[1:] for r in con.execute(
        "select contract_id, cpv_code, cpv_division, sector from contracts").fetchall()}
    assert got == {"a": ("45442100", "45", "works"), "b": ("09134100", "09", "supplies"),
                   "c": ("77310000", "77", "green_spaces"), "d": ("90910000", "90", "cleaning_waste")}


# ---- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("2018-12-31", date(2018, 12, 31)),
    ("2018-12-31+01:00", date(2018, 12, 31)),   # zone suffix (PES feed)
    ("2018-12-31Z", date(2018, 12, 31)),
    ("2018-12-31T10:00:00", date(2018, 12, 31)),
    ("31/12/2018", date(2018, 12, 31)),
])
def test_dates_with_suffixes_parse(raw, expected):
    assert N.parse_date(raw) == (expected, None)


@pytest.mark.parametrize("raw, fragment", [
    ("0218-05-02", "année impossible 0218"),
    ("2018-02-30", "date inexistante"),
    ("le 3 mai", "date illisible"),
])
def test_impossible_dates_are_rejected_with_reason(raw, fragment):
    value, reason = N.parse_date(raw)
    assert value is None and fragment in reason


def test_impossible_year_is_a_field_reject_not_a_record_reject(tmp_path):
    con, res = load(tmp_path, {"a.json": {"marches": [marche_2019(dateNotification="0218-05-02")]}})
    assert res["a.json"].n_loaded == 1 and res["a.json"].n_rejected == 0
    [c] = rows(con, "select notification_date, year from contracts")
    assert c == {"notification_date": None, "year": None}
    [r] = rows(con, "select record_no, field, reason, raw from rejects")
    assert r["record_no"] == 1 and r["field"] == "dateNotification" and "0218" in r["reason"]
    assert r["raw"] == "0218-05-02"


# ---- amounts and durations ---------------------------------------------------------------------

@pytest.mark.parametrize("raw, amount, flag", [
    (45155, 45155.0, None),
    ("45155.0", 45155.0, None),          # amount as a string
    ("45 155,50", 45155.5, None),
    (0, None, "zero"),
    ("0.0", None, "zero"),
    (1e17, None, "placeholder"),
    (999999999, None, "placeholder"),
    (1, None, "placeholder"),            # symbolic 1 euro (a real modification in the 2022 fixture)
    (1.5, 1.5, None),
    ("beaucoup", None, "unparsable"),
    (-5, None, "unparsable"),
])
def test_amounts(raw, amount, flag):
    got_amount, got_flag, _ = N.parse_amount(raw)
    assert (got_amount, got_flag) == (amount, flag)


def test_flagged_amounts_stay_out_of_sums(tmp_path):
    recs = [marche_2019(id="a", montant=100000), marche_2019(id="b", montant=0),
            marche_2019(id="c", montant=1e17), marche_2019(id="d", montant="50000.0")]
    con, _ = load(tmp_path, {"a.json": {"marches": recs}})
    assert con.execute("select sum(amount) from contracts").fetchall()[0][0] == 150000.0
    flags = dict(con.execute("select contract_id, amount_flag from contracts").fetchall())
    assert flags == {"a": None, "b": "zero", "c": "placeholder", "d": None}


@pytest.mark.parametrize("raw, value, rejected", [
    (12, 12.0, False), ("36", 36.0, False), ("NC", None, True), (-1, None, True), (None, None, False)])
def test_durations(raw, value, rejected):
    got, reason = N.parse_duration(raw)
    assert got == value and bool(reason) == rejected


# ---- enumerations ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, code", [
    ("Marché", "marche"), ("MARCHE", "marche"), ("March\ufffd", "marche"),   # lost accent
    ("Accord-cadre", "accord_cadre"), ("ACCORD CADRE", "accord_cadre"),     # 2019 label
    ("Marché subséquent", "marche_subsequent"), ("Marché de partenariat", "marche_partenariat"),
    ("Marché de défense ou de sécurité", "marche_defense"),
    ("Délégation de service public", "delegation_service_public"),
    ("Concession de travaux", "concession_travaux"),
])
def test_nature_variants(raw, code):
    assert N.nature_code(raw) == code


@pytest.mark.parametrize("raw, code", [
    ("Procédure adaptée", "adapted"), ("PROCEDURE ADAPTEE", "adapted"),
    ("Proc\ufffddure adapt\ufffde", "adapted"), ("Appel d'offres ouvert", "open_tender"),
    ("Procédure négociée avec mise en concurrence préalable", "negotiated"),  # old label
    ("Procédure avec négociation", "negotiated"),
    ("Marché négocié sans publicité ni mise en concurrence préalable", "no_competition"),
    ("Procédure non négociée ouverte", "concession_open"),
    # older wordings seen in real feeds: "public" and "procédure" variants of the same procedure
    ("Marché public négocié sans publicité ni mise en concurrence préalable", "no_competition"),
    ("MARCHE PUBLIC NEGOCIE SANS PUBLICITE NI MISE EN CONCURRENCE PREALABLE", "no_competition"),
    ("Marché public passé sans publicité ni mise en concurrence préalable", "no_competition"),
    ("Procédure négociée sans publicité ni mise en concurrence préalable", "no_competition"),
    ("Procédure concurrentielle avec négociation", "negotiated"),
])
def test_procedure_variants(raw, code):
    assert N.procedure_code(raw) == code


# every `procedure` label of the official schemas (2019 v1.5.0 and 2022 v2.0.3, marchés and
# concessions), copied from ../shared/decp-schemas, and the labels of the older feeds
OFFICIAL_PROCEDURES = [
    "Procédure adaptée", "Appel d'offres ouvert", "Appel d'offres restreint",
    "Procédure avec négociation", "Marché passé sans publicité ni mise en concurrence préalable",
    "Dialogue compétitif", "Procédure négociée ouverte", "Procédure non négociée ouverte",
    "Procédure négociée restreinte", "Procédure non négociée restreinte",
    "Procédure concurrentielle avec négociation", "Procédure négociée avec mise en concurrence préalable",
    "Marché négocié sans publicité ni mise en concurrence préalable",
    "Marché public négocié sans publicité ni mise en concurrence préalable",
]


@pytest.mark.parametrize("label", OFFICIAL_PROCEDURES)
def test_every_official_and_older_procedure_label_is_known(label):
    assert N.procedure_code(label) not in (None, "other")


def test_older_no_competition_label_is_mapped_not_rejected(tmp_path):
    # a held-out feed had 138 records with this label, all rejected as unknown procedures
    old = "Marché public négocié sans publicité ni mise en concurrence préalable"
    recs = [marche_2019(id=str(i), procedure=old) for i in range(138)]
    con, res = load(tmp_path, {"a.json": {"marches": recs}})
    assert res["a.json"].n_loaded == 138 and not res["a.json"].warnings
    assert con.execute("select count(*) from rejects").fetchall() == [(0,)]
    assert con.execute("select procedure, count(*) from contracts group by 1").fetchall() == [
        ("no_competition", 138)]


@pytest.mark.parametrize("raw, code", [
    ("Code postal", "code_postal"), ("CODE POSTAL", "code_postal"), ("Code commune", "code_commune"),
    ("Code département", "code_departement"), ("Code d\ufffdpartement", "code_departement"),
    ("Code région", "code_region"), ("Code pays", "code_pays")])
def test_place_type_variants(raw, code):
    assert N.place_type_code(raw) == code


def test_unknown_enum_value_is_a_field_reject(tmp_path):
    con, _ = load(tmp_path, {"a.json": {"marches": [marche_2019(procedure="Gré à gré")]}})
    assert con.execute("select procedure from contracts").fetchall() == [("other",)]
    assert con.execute("select field from rejects").fetchall() == [("procedure",)]


# ---- booleans, lists, wrappers -----------------------------------------------------------------

@pytest.mark.parametrize("raw, value", [
    ("oui", True), ("Non", False), ("1", True), ("0", False), ("True", True), ("False", False),
    (True, True), (0, False), ("MQ", None)])
def test_booleans(raw, value):
    assert N.parse_bool(raw) == (value, None)


def test_boolean_nonsense_has_reason():
    value, reason = N.parse_bool("peut-être")
    assert value is None and "booléen" in reason


def test_list_text_from_tabular_exports():
    assert N.parse_list_text("['Critère social', 'Clause sociale']") == ["Critère social", "Clause sociale"]
    assert N.parse_list_text("MQ") == []


@pytest.mark.parametrize("titulaires", [
    [{"typeIdentifiant": "SIRET", "id": "73282932000074"}, {"typeIdentifiant": "TVA", "id": "FR1"}],
    [{"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}},
     {"titulaire": {"typeIdentifiant": "TVA", "id": "FR1"}}],
    [[{"typeIdentifiant": "SIRET", "id": "73282932000074"}], [{"typeIdentifiant": "TVA", "id": "FR1"}]],
    {"titulaire": [{"typeIdentifiant": "SIRET", "id": "732 829 320 00074"}, {"id": "FR1"}]},
])
def test_titulaires_in_every_shape(tmp_path, titulaires):
    con, _ = load(tmp_path, {"a.json": {"marches": [marche_2019(titulaires=titulaires)]}})
    assert con.execute("select supplier_sirets, n_suppliers from contracts").fetchall() == [
        (["73282932000074", "FR1"], 2)]


@pytest.mark.parametrize("modifications", [
    {"montant": 150000, "dureeMois": 18, "dateNotificationModification": "2019-09-01"},
    [{"montant": 150000, "dureeMois": 18}],
    [{"modification": {"id": 1, "montant": 130000}}, {"modification": {"id": 2, "montant": 150000,
                                                                       "dureeMois": 18}}],
])
def test_modifications_as_object_or_list(tmp_path, modifications):
    con, _ = load(tmp_path, {"a.json": {"marches": [marche_2019(modifications=modifications)]}})
    assert con.execute("select amount_initial, amount, duration_months from contracts").fetchall() == [
        (120000.0, 150000.0, 18.0)]


# ---- social considerations ---------------------------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    (["Clause sociale"], (True, False, False)),
    (["Critère social", "Clause sociale"], (True, True, False)),
    (["Marché réservé"], (False, False, True)),
    (["Pas de considération sociale"], (False, False, False)),
    (["CLAUSE SOCIALE"], (True, False, False)),
])
def test_social_booleans(tmp_path, values, expected):
    rec = marche_2022(considerationsSociales={"considerationSociale": values})
    con, _ = load(tmp_path, {"a.json": {"marches": {"marche": [rec]}}})
    [c] = rows(con, "select * from contracts")
    assert c["social_info_known"] is True
    assert (c["has_social_clause"], c["has_social_criterion"], c["is_reserved"]) == expected


def test_no_social_consideration_with_another_value_is_rejected(tmp_path):
    rec = marche_2022(considerationsSociales={"considerationSociale": [
        "Pas de considération sociale", "Clause sociale"]})
    con, res = load(tmp_path, {"a.json": {"marches": {"marche": [rec]}}})
    assert res["a.json"].n_loaded == 1
    [c] = rows(con, "select * from contracts")
    assert c["social_considerations"] is None and c["social_info_known"] is False
    assert c["has_social_clause"] is None
    [r] = rows(con, "select field, reason from rejects")
    assert r["field"] == "considerationsSociales" and "Pas de considération sociale" in r["reason"]


def test_2019_record_has_unknown_social_status_never_no_clause(tmp_path):
    con, _ = load(tmp_path, {"a.json": {"marches": [marche_2019()]}})
    [c] = rows(con, "select * from contracts")
    assert c["format_version"] == "2019" and c["social_info_known"] is False
    assert c["has_social_clause"] is None and c["social_considerations"] is None


# ---- place of execution ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def resolver():
    return TerritoryResolver(_reference())


@pytest.mark.parametrize("code, type_code, expected, reason", [
    # commune code: Arras
    ("62041", "Code commune", ("62041", "62", "32", "resolved"), None),
    # postcode of a single commune: 80000 Amiens
    ("80000", "Code postal", ("80021", "80", "32", "resolved"), None),
    # postcode shared by several communes of one département
    ("62000", "Code postal", (None, "62", "32", "departement_only"), "partagé par 2 communes"),
    # CEDEX postcode: unknown postcode, département from its first digits
    ("59046 CEDEX", "Code postal", (None, "59", "32", "departement_only"), "CEDEX"),
    ("62753", "Code postal", (None, "62", "32", "departement_only"), "CEDEX"),
    # département typed as a postcode
    ("45", "Code postal", (None, "45", "24", "departement_only"), "saisi comme code postal"),
    # commune code typed as a département (the Arras row of the tabular sample)
    ("62041", "Code département", ("62041", "62", "32", "resolved"), "saisi comme code département"),
    ("59", "CODE DEPARTEMENT", (None, "59", "32", "departement_only"), None),
    # a département code with a leading zero (PES feed: `078` for the Yvelines)
    ("078", "Code département", (None, "78", "11", "departement_only"), "zéro de trop"),
    ("32", "Code région", (None, None, "32", "region_only"), None),
    # arrondissement (544: Toul, Meurthe-et-Moselle) and canton (0905: Ariège) codes: the
    # département is their first digits, so they are not kept as unknown in another région's build
    ("544", "Code arrondissement", (None, "54", "44", "departement_only"), "seul le département"),
    ("0905", "Code arrondissement", (None, "09", "76", "departement_only"), "seul le département"),
    ("6202", "Code canton", (None, "62", "32", "departement_only"), "seul le département"),
    # nonsense codes: unknown with a reason
    ("DEP", "Code département", (None, None, None, "unknown"), "introuvable"),
    ("FRK26", "Code département", (None, None, None, "unknown"), "introuvable"),
    ("INO", "Code commune", (None, None, None, "unknown"), "introuvable"),
    (None, None, (None, None, None, "unknown"), "absent"),
])
def test_place_resolution(resolver, code, type_code, expected, reason):
    _, t = resolver.resolve(code, type_code)
    assert (t.commune_code, t.departement_code, t.region_code, t.status) == expected
    if reason is None:
        assert t.reason is None
    else:
        assert reason in t.reason


def test_unknown_territory_is_kept_and_flagged(tmp_path):
    rec = marche_2019(lieuExecution={"code": "DEP", "typeCode": "Code département"})
    con, res = load(tmp_path, {"a.json": {"marches": [rec]}}, region="32")
    assert res["a.json"].n_loaded == 1 and res["a.json"].n_out_of_region == 0
    [c] = rows(con, "select territory_status, territory_reason, region_code from contracts")
    assert c["territory_status"] == "unknown" and "DEP" in c["territory_reason"]
    assert c["region_code"] is None


def test_2022_framework_agreement_from_techniques(tmp_path):
    recs = [marche_2022(id="ac", techniques={"technique": ["Accord-cadre", "Concours"]}),
            marche_2022(id="m", techniques={"technique": ["Sans objet"]})]
    con, _ = load(tmp_path, {"a.json": {"marches": {"marche": recs}}})
    assert dict(con.execute("select contract_id, nature from contracts").fetchall()) == {
        "ac": "accord_cadre", "m": "marche"}
