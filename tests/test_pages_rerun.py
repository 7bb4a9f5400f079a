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


# page, its charts on the tiny build's default view (first trace's type), the breakdown key and
# another value the tiny build has (tests/tiny_build.py): Heures draws the hours by year and by the
# default breakdown (bars), Publics its two profile bars, Sorties the exit situations (bars) and the
# dynamic exit rate by the default breakdown (points with their interval: scatter)
CASES = [
    ("heures", ["bar", "bar"], "h_dim", "public"),
    ("publics", ["bar", "bar"], "p_dim", "residence_epci"),
    ("sorties", ["bar", "scatter"], "s_dim", "gender"),
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
    # the table ends with the mart's own total row (no longer appended by the page); residences
    # (tests/tiny_build.py, each person lives in the buyer's commune): Lille and Roubaix (A, B, W, C,
    # D, E) 30 in the Métropole, Arras (G) 5, Lens (F) 5 (ties in EPCI code order: 200033579 before
    # 246200364), 40 in all
    assert table["Valeur"].tolist() == ["Métropole Européenne de Lille", "Communauté urbaine d'Arras",
                                        "Communauté d'agglomération de Lens - Liévin", "Total"]
    assert table["Participants"].tolist() == ["30", "5", "5", "40"]


def test_heures_table_total_row_is_the_marts():
    at = run_page("heures", tiny_db())
    at.selectbox(key="h_dim").set_value("public").run()
    open_tables(at, "h-dim")
    table = next(df for df in frames(at) if "Heures réalisées" in df.columns and "Total" in df["Valeur"].tolist())
    assert table["Valeur"].tolist().count("Total") == 1 and table["Valeur"].tolist()[-1] == "Total"
    # the region's total (tables show no unit): 750 + 750 + 500 + 200 + 500 + 1 000 + 600 + 750 = 5 050 h,
    # which the rows also add up to here (one public a person): DELD (A, B, W, D, E, F) 4 100, Senior
    # (C) 200, Jeune (G) 750
    assert table["Heures réalisées"].tolist() == ["4\u202f100", "750", "200", "5\u202f050"]


def test_qualite_status_list_and_summaries():
    at = run_page("qualite", tiny_db())
    assert not at.exception
    captions = [c.value for c in at.caption]
    # the tiny build's only reject: the DECP record without its identifier (tests/tiny_build.py),
    # in the singular
    assert any(c.startswith("1 rejet ;") and
               " ; raison la plus fréquente : « clé incomplète : identifiant du marché (id) absent » (1)" in c
               for c in captions)
    statuses = list(glossary.MATCH_STATUS)
    assert at.selectbox(key="q_status").value == statuses[0]
    at.selectbox(key="q_status").set_value(statuses[-1]).run()
    assert not at.exception and at.selectbox(key="q_status").value == statuses[-1]


def test_accueil_files_per_kind_from_the_mart():
    at = run_page("accueil", tiny_db())
    table = next(df for df in frames(at) if "Type de fichier" in df.columns)
    # the tiny build's inputs (tests/tiny_build.py): the buyers' register (6 buyers), one clause
    # file (8 blocks of 5 = 40 lines), two DECP files (15 + the record without identifier, 4 of the
    # 2019 format: 20 read, 19 loaded, 1 rejected), the targets (2 rows)
    assert table["Type de fichier"].tolist() == ["Registre des acheteurs", "Exécution des clauses",
                                                 "Données essentielles (DECP)", "Objectifs"]
    assert table["Fichiers"].tolist() == ["1", "1", "2", "1"]
    assert table["Enregistrements lus"].tolist() == ["6", "40", "20", "2"]
    assert table["Chargés"].tolist() == ["6", "40", "19", "2"]
    assert table["Rejetés"].tolist() == ["0", "0", "1", "0"]


def test_methode_list_choice():
    at = run_page("methode", tiny_db())
    kinds = list(glossary.GLOSSARY)
    at.selectbox(key="m_kind").set_value(kinds[-1]).run()
    assert not at.exception
    labels = next(df for df in frames(at) if list(df.columns) == ["Libellé"])["Libellé"].tolist()
    assert labels == list(glossary.GLOSSARY[kinds[-1]][1].values())  # the list chosen, in French
