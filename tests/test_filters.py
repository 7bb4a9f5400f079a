"""Global filters: the filter set, mart parameters, and the URL binding across pages."""
from __future__ import annotations

import pytest

from dashboard.db import mart_sql
from dashboard.filters import Filters
from tests import tiny_build as tb
from tests.dashboard_apptest import metrics, restore_db_env, run_page, tiny_db  # noqa: F401

LANDLORD_1 = tb.L1[:9]  # the organisation (SIREN) of the tiny build's landlord L1


def test_params_keep_active_filters_and_only_those_a_mart_takes():
    f = Filters(year_from=2024, departement="59", operation="OP1")
    assert f.active() == {"year_from": 2024, "departement": "59", "operation": "OP1"}
    assert f.params({"year_from", "departement", "sector"}) == {"year_from": 2024, "departement": "59"}
    assert Filters().params() == {}


def test_describe_in_french():
    f = Filters(year_from=2024, year_to=2025, buyer_type="landlord")
    assert f.describe() == "années 2024 à 2025 ; type d'acheteur : Bailleur social"
    assert Filters().describe() == "toute la région, toutes années"
    assert Filters(departement="59").describe({"departement": {"59": "59 Nord"}}) == "département : 59 Nord"


def test_mart_sql_uses_named_parameters_and_skips_nulls():
    sql, values = mart_sql("mart_hours", {"dimension": "year", "departement": "59", "sector": None})
    assert sql == "select * from mart_hours(dimension := ?, departement := ?)"
    assert values == ["year", "59"]
    with pytest.raises(ValueError):
        mart_sql("mart_x; drop table y", {})
    with pytest.raises(ValueError):
        mart_sql("mart_x", {"a := 1) --": 1})


def test_url_query_string_sets_the_filter():
    # Bound widgets put the shown label in the URL: ?dep=59+Nord
    at = run_page("accueil", tiny_db(), query={"dep": "59 Nord"})
    assert not at.exception
    assert at.selectbox(key="dep").value == "59"
    # département 59 in the tiny build (tests/tiny_build.py): 7 of 10 known contracts -> 70,0 %
    assert metrics(at)["Considération sociale"] == "70,0\u00a0%"


def test_changing_a_filter_updates_the_figures():
    # (the browser writes the URL; tests/test_browser.py checks it)
    at = run_page("accueil", tiny_db())
    assert metrics(at)["Considération sociale"] == "66,7\u00a0%"  # 10 / 15
    at.selectbox(key="dep").select("59").run()
    assert not at.exception
    assert metrics(at)["Considération sociale"] == "70,0\u00a0%"  # 7 / 10


def test_filter_is_kept_when_switching_page():
    at = run_page("accueil", tiny_db(), query={"dep": "59 Nord"})
    at.switch_page("pages/heures.py").run()
    assert not at.exception
    assert at.selectbox(key="dep").value == "59"
    # département 59: 3 700 h worked (blocks A to E)
    assert metrics(at)["Heures réalisées"] == "3\u202f700\u00a0h"


def test_filters_a_mart_does_not_take_are_named():
    at = run_page("objectifs", tiny_db(), query={"secteur": "Travaux (BTP)"})
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any("Filtres sans effet sur ce bloc : secteur" in c for c in captions)


# --- the URL holds codes (label links still open) -------------------------------------------------

CODES = {"annee_min": "2024", "annee_max": "2024", "dep": "59", "epci": "200093201", "type_acheteur": "landlord",
         "bailleur": LANDLORD_1, "secteur": "works"}


def _url(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


def test_choosing_filters_writes_their_codes_in_the_url():
    # before: the widgets' binding wrote the shown label (?dep=59+Nord&type_acheteur=Bailleur+social)
    at = run_page("accueil", tiny_db())
    assert not at.exception
    at.selectbox(key="annee_min").select(2024).run()  # the tiny build: 2023-2025 (the first year is no filter)
    at.selectbox(key="annee_max").select(2024).run()
    for key in ("dep", "epci", "type_acheteur", "bailleur", "secteur"):
        at.selectbox(key=key).select(CODES[key]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _url(at) == CODES


def test_a_link_with_codes_reproduces_the_view():
    at = run_page("accueil", tiny_db(), query={"dep": "59"})
    assert not at.exception
    assert at.selectbox(key="dep").value == "59"
    assert metrics(at)["Considération sociale"] == "70,0\u00a0%"  # the tiny build's Nord: 7 / 10 (tests/tiny_build.py)
    at = run_page("accueil", tiny_db(), query=CODES)
    assert not at.exception
    assert {k: at.selectbox(key=k).value for k in CODES} == {**CODES, "annee_min": 2024, "annee_max": 2024}
    assert _url(at) == CODES  # kept as given


def test_old_label_links_open_the_same_view_and_are_rewritten_as_codes():
    labels = {"dep": "59 Nord", "epci": "Métropole Européenne de Lille", "type_acheteur": "Bailleur social",
              "bailleur": "Habitat du Nord (fictif)", "secteur": "travaux (btp)", "annee_min": "2024"}
    at = run_page("accueil", tiny_db(), query=labels)
    assert not at.exception
    assert not [w.value for w in at.warning if "Filtre ignoré" in w.value]
    assert {k: at.selectbox(key=k).value for k in labels} == {
        "dep": "59", "epci": "200093201", "type_acheteur": "landlord", "bailleur": LANDLORD_1, "secteur": "works",
        "annee_min": 2024}
    assert _url(at) == {k: CODES[k] for k in labels}


def test_clearing_the_filters_empties_the_url_and_a_page_switch_keeps_the_codes():
    at = run_page("accueil", tiny_db(), query={"dep": "59", "secteur": "works"})
    at.switch_page("pages/heures.py").run()
    assert not at.exception
    assert (at.selectbox(key="dep").value, _url(at).get("dep")) == ("59", "59")
    at.button[[b.label for b in at.button].index("Effacer les filtres")].click().run()
    assert not at.exception
    assert at.selectbox(key="dep").value == "__all__" and "dep" not in _url(at) and "secteur" not in _url(at)


@pytest.mark.parametrize("old", ["landlord", "Bailleur social", "bailleur+SOCIAL"])
def test_old_acheteur_link_naming_a_buyer_type_is_the_buyer_type_filter(old):
    # before: `acheteur` became the Fiche acheteur's SIREN and the buyer type of an old link was dropped
    at = run_page("accueil", tiny_db(), query={"acheteur": old})
    assert not at.exception
    assert at.selectbox(key="type_acheteur").value == "landlord"
    assert _url(at) == {"type_acheteur": "landlord"}
    assert any("Lien ancien : « acheteur » y désignait le type d'acheteur" in c.value for c in at.caption)
    at.selectbox(key="type_acheteur").select("commune").run()  # said once: gone when changed
    assert not any("Lien ancien" in c.value for c in at.caption)


def test_acheteur_holding_a_siren_stays_the_fiche_subject():
    at = run_page("accueil", tiny_db(), query={"acheteur": "111111111"})
    assert not at.exception
    assert at.selectbox(key="type_acheteur").value == "__all__"
    assert _url(at) == {"acheteur": "111111111"}


def test_epci_picker_takes_no_departement():
    # before: epcis(departement) took a département and ignored it
    import inspect

    from dashboard import filters

    assert list(inspect.signature(filters.epcis).parameters) == []
