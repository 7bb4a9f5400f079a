"""Reruns of the pages Heures, Publics, Sorties, Qualité, Méthode (issue 15): a rerun with the same
filters builds no figure again (dashboard/people_charts.py through ui.figure), a page-local choice
(breakdown, status, list) still gives the right content and the right URL. The fragment itself
(only the block reruns) is checked in the browser: tests/test_browser.py::test_a_breakdown_choice_reruns_its_block_only."""
from __future__ import annotations

import pytest

from dashboard import glossary, ui
from tests.dashboard_apptest import frames, open_tables, restore_db_env, run_page, tiny_db  # noqa: F401


@pytest.fixture()
def prepared(monkeypatch):
    """The figures built (escaped and styled) in this test: a list of their first trace's type."""
    built = []
    real = ui._prepare

    def counting(fig, height):
        built.append(fig.data[0].type if fig.data else None)
        return real(fig, height)

    ui._figure_cached.clear()
    monkeypatch.setattr(ui, "_prepare", counting)
    yield built
    ui._figure_cached.clear()


# page, its charts on the stub's default view (first trace's type: the stub has no hours by sector
# and no exits by year, the default breakdowns), the breakdown key and a value the stub has
CASES = [
    ("heures", ["bar"], "h_dim", "public"),
    ("publics", ["bar", "bar"], "p_dim", "residence_epci"),
    ("sorties", ["bar"], "s_dim", "gender"),
]


@pytest.mark.parametrize("page,charts,key,other", CASES, ids=[c[0] for c in CASES])
def test_a_rerun_with_the_same_filters_builds_no_figure(prepared, page, charts, key, other):
    at = run_page(page, tiny_db())
    assert not at.exception
    assert sorted(prepared) == sorted(charts)  # every chart of the page goes through ui.figure
    assert len(at.get("plotly_chart")) == len(charts)
    at.run()
    at.run()
    assert sorted(prepared) == sorted(charts)  # two more reruns: nothing built again
    assert len(at.get("plotly_chart")) == len(charts)
    at.selectbox(key=key).set_value(other).run()
    assert not at.exception
    assert len(prepared) == len(charts) + 1  # another breakdown: its chart only
    at.run()
    assert len(prepared) == len(charts) + 1


def test_the_breakdown_block_reruns_to_the_right_content_and_url():
    at = run_page("publics", tiny_db())
    assert at.selectbox(key="p_dim").value == "gender"  # the default: the second dimension
    at.selectbox(key="p_dim").set_value("residence_epci").run()
    assert not at.exception
    assert at.query_params["ventilation"] == "residence_epci"
    open_tables(at, "p-dim")
    table = next(df for df in frames(at) if "Participants" in df.columns)
    # the table ends with the mart's own total row (no longer appended by the page)
    assert table["Valeur"].tolist() == ["Métropole Européenne de Lille", "Total"]
    assert table["Participants"].tolist() == ["150", "300"]


def test_heures_table_total_row_is_the_marts():
    at = run_page("heures", tiny_db())
    at.selectbox(key="h_dim").set_value("public").run()
    open_tables(at, "h-dim")
    table = next(df for df in frames(at) if "Heures réalisées" in df.columns and "Total" in df["Valeur"].tolist())
    assert table["Valeur"].tolist().count("Total") == 1 and table["Valeur"].tolist()[-1] == "Total"
    assert table.iloc[-1]["Heures réalisées"] == "120\u202f000"  # the stub's region total (tables show no unit)


def test_qualite_status_list_and_summaries():
    at = run_page("qualite", tiny_db())
    assert not at.exception
    captions = [c.value for c in at.caption]
    # stub rejects: SIRET invalide 20, date impossible 10, heures négatives 10 (40 in all)
    assert any("40 rejets ; raison la plus fréquente : « SIRET invalide (14 chiffres attendus) » (20)" in c
               for c in captions)
    statuses = list(glossary.MATCH_STATUS)
    assert at.selectbox(key="q_status").value == statuses[0]
    at.selectbox(key="q_status").set_value(statuses[-1]).run()
    assert not at.exception and at.selectbox(key="q_status").value == statuses[-1]


def test_accueil_files_per_kind_from_the_mart():
    at = run_page("accueil", tiny_db())
    table = next(df for df in frames(at) if "Type de fichier" in df.columns)
    # stub ingest log: one DECP file (1 000 read, 950 loaded, 30 rejected), one clause file (500, 490, 10)
    assert table["Fichiers"].tolist() == ["1", "1"]
    assert table["Enregistrements lus"].tolist() == ["500", "1\u202f000"]
    assert table["Rejetés"].tolist() == ["10", "30"]


def test_methode_list_choice():
    at = run_page("methode", tiny_db())
    kinds = list(glossary.GLOSSARY)
    at.selectbox(key="m_kind").set_value(kinds[-1]).run()
    assert not at.exception
    labels = next(df for df in frames(at) if list(df.columns) == ["Libellé"])["Libellé"].tolist()
    assert labels == list(glossary.GLOSSARY[kinds[-1]][1].values())  # the list chosen, in French
