"""Links that reproduce the view: every page setting is in the URL by code, old label URLs still
open (the label is mapped to its code on read), an unknown value is said, a change is written back;
/accueil opens Accueil."""
from __future__ import annotations

import pytest

from dashboard import urlstate
from tests.dashboard_apptest import restore_db_env, run_page, tiny_db  # noqa: F401


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    ignored = [w.value for w in at.warning if "Paramètre d'adresse ignoré" in w.value]
    assert ignored == [], ignored  # the page's own keys are known to the URL check


def test_code_of_maps_codes_and_old_labels():
    options = {"count": "En nombre", "amount": "En montant"}
    assert urlstate.code_of("amount", options) == "amount"
    assert urlstate.code_of("En montant", options) == "amount"
    assert urlstate.code_of("en+MONTANT", options) == "amount"
    assert urlstate.code_of("Intercommunalite (EPCI)", {"epci": "Intercommunalité (EPCI)"}) == "epci"
    assert urlstate.code_of("nope", options) is None and urlstate.code_of(None, options) is None


def _marches_settings(at) -> tuple:
    """Marchés clausés' consideration, measure and breakdown, as the widgets hold them."""
    return (at.segmented_control(key="mc_measure").value, at.segmented_control(key="mc_basis").value,
            at.selectbox(key="mc_dim").value)


def test_marches_clauses_settings_from_codes():
    q = {"consideration": "clause", "mesure": "amount", "ventilation": "epci", "statut": "reserved",
         "recherche_marche": "voirie"}
    at = run_page("marches_clauses", tiny_db(), query=q)
    _ok(at)
    assert _marches_settings(at) == ("clause", "amount", "epci")
    assert at.selectbox(key="mc_status").value == "reserved"
    assert at.text_input(key="mc_search").value == "voirie"
    assert {k: at.query_params[k] for k in q} == q


def test_old_label_urls_open_the_same_view_and_are_rewritten_as_codes():
    at = run_page("marches_clauses", tiny_db(), query={
        "consideration": "Clause sociale", "mesure": "En montant", "ventilation": "Intercommunalité (EPCI)"})
    _ok(at)
    assert _marches_settings(at) == ("clause", "amount", "epci")
    assert tuple(at.query_params[k] for k in ("consideration", "mesure", "ventilation")) == ("clause", "amount", "epci")


def test_unknown_value_is_said_and_the_default_used():
    at = run_page("marches_clauses", tiny_db(), query={"mesure": "au doigt mouillé"})
    _ok(at)
    assert at.segmented_control(key="mc_basis").value == "count"
    assert any("Réglage de l'adresse ignoré : « au doigt mouillé »" in c.value for c in at.caption)
    assert at.query_params["mesure"] == "count"


def test_a_change_is_written_to_the_url():
    at = run_page("marches_clauses", tiny_db())
    _ok(at)
    at.segmented_control(key="mc_basis").set_value("amount").run()
    at.selectbox(key="mc_dim").select("departement").run()
    _ok(at)
    assert at.query_params["mesure"] == "amount"
    assert at.query_params["ventilation"] == "departement"


def test_territoires_round_trip():
    at = run_page("territoires", tiny_db(), query={"echelle": "epci", "indicateur": "Heures d'insertion réalisées"})
    _ok(at)
    assert at.segmented_control(key="t_level").value == "epci"
    assert at.selectbox(key="t_ind").value == "hours_worked"
    assert at.query_params["indicateur"] == "hours_worked"


def test_sorties_perimeter_moment_definition_round_trip():
    q = {"perimetre": "departement", "code": "59", "moment": "6m", "definition": "strict",
         "ventilation": "gender"}
    at = run_page("sorties", tiny_db(), query=q)
    _ok(at)
    assert at.selectbox(key="s_scope").value == "departement"
    assert at.selectbox(key="s_scope_departement").value == "59"
    assert at.segmented_control(key="s_time").value == "6m"
    assert at.segmented_control(key="s_def").value == "strict"
    assert at.selectbox(key="s_dim").value == "gender"
    assert {k: at.query_params[k] for k in q} == q
    # old labels
    at = run_page("sorties", tiny_db(), query={"moment": "6 mois après", "definition": "Stricte"})
    _ok(at)
    assert (at.segmented_control(key="s_time").value, at.segmented_control(key="s_def").value) == ("6m", "strict")


@pytest.mark.parametrize("page,key", [("heures", "h_dim"), ("publics", "p_dim")])
def test_breakdown_of_people_pages_round_trip(page, key):
    at = run_page(page, tiny_db(), query={"ventilation": "age_band"})
    _ok(at)
    assert at.selectbox(key=key).value == "age_band"
    assert at.query_params["ventilation"] == "age_band"


def test_search_text_round_trip():
    at = run_page("accueil", tiny_db())
    _ok(at)
    # the search box of the tiny build; the search module's own fixture has the words searched
    from tests.test_search import search_db

    at = run_page("accueil", search_db(), query={"recherche": "clair foyer"})
    _ok(at)
    assert at.text_input(key="recherche").value == "clair foyer"
    at.text_input(key="recherche").input("aubepine").run()
    assert at.query_params["recherche"] == "aubepine"
    at.text_input(key="recherche").input("").run()
    assert "recherche" not in at.query_params
