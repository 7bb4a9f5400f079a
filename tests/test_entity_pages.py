"""Fiche acheteur and Fiche opération (issue 11) in AppTest, and the pickers of the demo build.

The fiches run on the hand-made build of tests/access_fixture.py: Alpha Habitat (SIREN 111111111)
has two establishments, 11111111100011 (13 people x 101 h = 1 313 h, operation OPA1, contract C0 of
100 000 €) and 11111111100029 (12 x 53 h = 636 h, OPA2, contract C1 of 200 000 €); together
1 949 h, 25 participants, 2 contracts, 300 000 €. Beta Logis (222222222): 14 x 137 h = 1 918 h.
"""
from __future__ import annotations

import pytest

from access_fixture import A2, HOURS, B, ORG_A, ORG_HOURS_A, SIREN_A, SIREN_B, build_access_db, shows
from tests.dashboard_apptest import demo_db, run_page
from tests.test_access import FILE, everything, sign_in  # noqa: F401 (fixture)

G, H = "\u202f", "\u00a0h"


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    return build_access_db(tmp_path_factory.mktemp("fiches") / "real.duckdb")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_fiche_acheteur_by_url_groups_the_establishments(sign_in, real_db):
    sign_in("obs@dreets.gouv.fr")
    at = run_page("acheteur", real_db, query={"acheteur": SIREN_A})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="fiche_acheteur").value == SIREN_A
    m = metrics(at)
    assert m["Marchés publiés"] == "2"  # C0 and C1, one per establishment
    assert m["Heures réalisées"] == f"1{G}949{H}"  # 1 313 + 636
    assert m["Participants"] == "25"
    text = everything(at)
    assert "11111111100011" in text and "11111111100029" in text  # its establishments listed
    assert f"**{ORG_A}**" not in text or ORG_A in text
    # the full list of its contracts: both, whatever the establishment
    lists = [d.value for d in at.dataframe if "Identifiant" in d.value.columns]
    assert sorted(lists[0]["Identifiant"]) == ["C0", "C1"]
    # a SIRET in the URL designates its organisation
    at = run_page("acheteur", real_db, query={"acheteur": A2})
    assert at.selectbox(key="fiche_acheteur").value == SIREN_A
    assert metrics(at)["Heures réalisées"] == f"1{G}949{H}"


def test_fiche_acheteur_unknown_buyer_says_so(sign_in, real_db):
    sign_in("obs@dreets.gouv.fr")
    at = run_page("acheteur", real_db, query={"acheteur": "999999999"})
    assert not at.exception
    assert any("introuvable" in w.value for w in at.warning)
    assert at.selectbox(key="fiche_acheteur").value is None


def test_fiche_acheteur_execution_figures_only_for_its_own_landlord_and_never_public(sign_in, real_db):
    # the landlord opens another landlord's fiche: its DECP figures, never its execution figures
    sign_in("alice@alpha.fr")
    at = run_page("acheteur", real_db, query={"acheteur": SIREN_B})
    assert not at.exception
    assert metrics(at)["Marchés publiés"] == "1"
    assert "Heures réalisées" not in metrics(at)
    assert any("pas dans votre périmètre" in i.value for i in at.info)
    assert not shows(everything(at), HOURS[B])
    # its own fiche: its execution figures
    at = run_page("acheteur", real_db, query={"acheteur": SIREN_A})
    assert metrics(at)["Heures réalisées"] == f"1{G}949{H}"
    # the public: DECP figures only
    sign_in("voisin@exemple.fr")
    at = run_page("acheteur", real_db, query={"acheteur": SIREN_A})
    assert not at.exception
    assert metrics(at)["Marchés publiés"] == "2"
    assert "Heures réalisées" not in metrics(at)
    assert not shows(everything(at), ORG_HOURS_A)


def test_fiche_operation_by_url(sign_in, real_db):
    sign_in("obs@dreets.gouv.fr")
    at = run_page("operation", real_db, query={"operation": "OPA1"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="operation").value == "OPA1"  # the code became the filter's label
    assert not any("Filtre ignoré" in w.value for w in at.warning)
    assert any(s.value == "OPA1 · Alpha Lille Centre" for s in at.subheader)
    m = metrics(at)
    assert m["Heures réalisées"] == f"1{G}313{H}"  # 13 x 101 h
    assert m["Participants"] == "13"


def test_fiche_operation_respects_the_committee_scope_and_is_not_public(sign_in, real_db):
    sign_in("comite@arras.fr")  # committee of OPB
    at = run_page("operation", real_db, query={"operation": "OPB"})
    assert not at.exception
    assert metrics(at)["Heures réalisées"] == f"1{G}918{H}"
    at = run_page("operation", real_db, query={"operation": "OPA1"})  # not its operation
    assert not at.exception
    assert not shows(everything(at), HOURS["11111111100011"])
    sign_in("voisin@exemple.fr")
    at = run_page("accueil", real_db)
    with pytest.raises(ValueError):  # not in the public navigation
        at.switch_page("pages/operation.py")


def test_tables_naming_a_buyer_link_to_its_fiche(sign_in, real_db):
    sign_in("obs@dreets.gouv.fr")
    at = run_page("heures", real_db)
    at.selectbox(key="h_dim").set_value("buyer").run()
    at.session_state["tbl-h-dim"] = True
    at.run()
    links = [d.value["Fiche"].dropna().tolist() for d in at.dataframe if "Fiche" in d.value.columns]
    assert ["acheteur?acheteur=111111111"] in [[x for x in ls if "111111111" in x] for ls in links]


def test_demo_pickers_one_entry_per_organisation_and_per_operation_code():
    import duckdb

    con = duckdb.connect(str(demo_db()), read_only=True)
    lands = con.execute("select value, label from mart_filter_options where filter = 'landlord'").fetchall()
    ops = con.execute("select value, label from mart_filter_options where filter = 'operation'").fetchall()
    n_orgs = con.execute("""select count(distinct left(buyer_siret, 9)) from contracts
                            where buyer_type = 'landlord' and regexp_full_match(buyer_siret, '[0-9]{14}')""").fetchone()[0]
    n_codes = con.execute("select count(distinct operation_id) from clause_hours where operation_id is not null").fetchone()[0]
    con.close()
    # the demo has 20 landlords (docs/demo_data.md), each once, under its register name
    assert len(lands) == n_orgs == 20
    assert len({lab for _, lab in lands}) == 20 and all(len(v) == 9 for v, _ in lands)
    assert not [lab for _, lab in lands if "SIRET invalide" in lab]
    assert len(ops) == n_codes and len({lab for _, lab in ops}) == len(ops)
    assert all(lab.startswith(v + " · ") for v, lab in ops)
    amiens_nord = [lab for _, lab in ops if lab.endswith("NPNRU Amiens — Amiens Nord")]
    # several operations share that name (5 in `make run`'s demo, 3 in the tests' seed): distinct labels
    assert len(amiens_nord) >= 2 and len(set(amiens_nord)) == len(amiens_nord)


def test_fiche_operation_by_url_keeps_the_operation_in_the_address(sign_in, real_db):
    # /operation?operation=CODE: the fiche opens that operation and the address bar still names it (by
    # its code, as every sidebar filter writes it: a copied link reopens the same fiche)
    sign_in("obs@dreets.gouv.fr")
    at = run_page("operation", real_db, query={"operation": "OPA1"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params.get("operation") == "OPA1"
    at.run()  # another rerun (a widget changed elsewhere): still there, same fiche
    assert at.query_params.get("operation") == "OPA1"
    assert any(s.value == "OPA1 · Alpha Lille Centre" for s in at.subheader)
