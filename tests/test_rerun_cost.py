"""What a rerun repeats (issue 15): the map's outlines sent once, tables formatted once per rows
and columns, and the per-rerun run log of the load benchmark (off by default)."""
from __future__ import annotations

import json

import pandas as pd

from dashboard import formatting as fmt
from dashboard import runlog, ui
from dashboard.tables import Col
from tests.dashboard_apptest import run_page, tiny_db


def _map_spec(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_the_map_sends_each_outline_once(monkeypatch):
    # tiny build: hours in Nord and Pas-de-Calais only; the region has 5 départements
    monkeypatch.setenv("OBSERVATOIRE_RUN_LOG", "")
    at = run_page("territoires", tiny_db())
    at.selectbox(key="t_ind").set_value("hours_worked").run()
    assert not at.exception
    traces = _map_spec(at)["data"]
    sent = [f["properties"]["code"] for t in traces for f in t["geojson"]["features"]]
    assert sorted(sent) == ["02", "59", "60", "62", "80"]  # every département once, not 5 x 2
    coloured, grey = traces
    assert sorted(f["properties"]["code"] for f in coloured["geojson"]["features"]) == ["59", "62"]
    assert sorted(grey["locations"]) == ["02", "60", "80"]


def test_a_table_is_formatted_once_per_rows_and_columns(monkeypatch):
    calls = []
    real = ui.present

    def counting(df, columns):
        calls.append(len(df))
        return real(df, columns)

    monkeypatch.setattr(ui, "present", counting)
    ui._present_cached.clear()
    df = pd.DataFrame({"n": [1234, 5], "share": [0.125, None], "is_masked": [False, True]})
    cols = [Col("n", "Nombre", "int"), Col("share", "Part", "pct")]
    first, _ = ui._present(df, cols)
    again, _ = ui._present(df.copy(), cols)
    assert calls == [2]  # the second rerun did not format again
    assert again.equals(first) and first["Nombre"].tolist() == ["1\u202f234", "5"]
    assert first["Part"].tolist()[1] == "s"  # masking unchanged
    ui._present(df.assign(n=[1, 2]), cols)  # other rows: formatted
    assert calls == [2, 2]
    ui._present_cached.clear()


BUILDS = []


def _bar(df, title):
    import plotly.graph_objects as go
    BUILDS.append(title)
    return go.Figure(go.Bar(x=df["label"], y=df["n"]), layout={"title": title})


def test_a_figure_is_built_escaped_and_styled_once_per_data():
    ui._figure_cached.clear()
    BUILDS.clear()
    df = pd.DataFrame({"label": ["<b>Bailleur</b>", "Ville"], "n": [1500, 7]})
    first = ui.figure(_bar, df, title="Heures <i>2025</i>", height=300)
    again = ui.figure(_bar, df.copy(), title="Heures <i>2025</i>", height=300)
    assert BUILDS == ["Heures <i>2025</i>"]  # the second rerun built nothing
    assert again.fig is first.fig
    spec = first.fig.to_plotly_json()
    assert "<b>" not in str(spec["data"][0]["x"]) and "<i>" not in spec["layout"]["title"]["text"]  # escaped
    assert spec["layout"]["height"] == 300 and spec["layout"]["separators"] == fmt.PLOTLY_SEPARATORS  # styled (French)
    ui.figure(_bar, df.assign(n=[1, 2]), title="Heures <i>2025</i>", height=300)  # other data: rebuilt
    ui.figure(_bar, df, title="Autre", height=300)  # other option: rebuilt
    assert len(BUILDS) == 3
    ui._figure_cached.clear()


def test_the_run_log_records_each_script_run_only_when_asked(tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("OBSERVATOIRE_RUN_LOG", "")
    run_page("methode", tiny_db())
    assert not log.exists()
    monkeypatch.setenv("OBSERVATOIRE_RUN_LOG", str(log))
    at = run_page("methode", tiny_db())  # first run (home page), then the switch to Méthode
    at.run()
    runs = runlog.read(log)
    assert [r["page"] for r in runs] == ["", "methode", "methode"]  # "": the home page
    assert all(r["wall_ms"] > 0 and r["cpu_ms"] >= 0 and r["pid"] for r in runs)


def _count_figures(monkeypatch) -> list:
    """Count every Plotly figure constructed from now on (go.Figure(...) in a page or a builder)."""
    import plotly.graph_objects as go

    built = []
    real = go.Figure.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(go.Figure, "__init__", counting)
    return built


import pytest  # noqa: E402


@pytest.mark.parametrize("page, query, n_charts", [
    ("marches_clauses", None, 2),  # trend + breakdown
    ("bailleurs", {"bailleur": "Habitat du Nord (fictif)"}, 3),  # distribution + 2 trends
    ("objectifs", {"bailleur": "Habitat du Nord (fictif)"}, 2),  # burn-up + ANRU floors
    ("territoires", None, 1),  # the map
])
def test_a_second_rerun_with_the_same_filters_builds_no_figure(monkeypatch, page, query, n_charts):
    monkeypatch.setenv("OBSERVATOIRE_RUN_LOG", "")
    at = run_page(page, tiny_db(), query=query)
    assert not at.exception, [e.value for e in at.exception]
    built = _count_figures(monkeypatch)
    at.run()  # same filters: every figure comes from ui.figure's cache, escaped and styled
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == n_charts
    assert built == []
