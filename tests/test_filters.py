"""Global filters: the filter set, mart parameters, and the URL binding across pages."""
from __future__ import annotations

import pytest

from dashboard.db import mart_sql
from dashboard.filters import Filters
from tests.dashboard_apptest import metrics, restore_db_env, run_page, tiny_db  # noqa: F401


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
