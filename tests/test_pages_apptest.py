"""Every page of the dashboard in Streamlit's AppTest: default and filtered views, figures as
the marts give them, masked cells, empty and error states, and no exception anywhere.

Most tests run on the tiny real build of tests/tiny_build.py, whose figures are worked out by hand
in its docstring (and again in each test); the last ones run on the real demo build and compare the
shown figures with the marts' values.
"""
from __future__ import annotations

import duckdb
import pytest

from dashboard import formatting as fmt
from tests import tiny_build as tb
from tests.dashboard_apptest import (PAGES, demo_db, frames, metrics, open_tables, restore_db_env,  # noqa: F401
                                     run_page, texts, tiny_db)

P = "\u00a0%"
H = "\u00a0h"
G = "\u202f"  # group separator
DEP59 = {"dep": "59 Nord"}


def cells(at) -> set[str]:
    """Every cell value of every table on the page."""
    out = set()
    for df in frames(at):
        out.update(str(v) for v in df.to_numpy().ravel())
    return out


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", [{}, DEP59], ids=["default", "dep59"])
def test_page_runs_without_exception(page, query):
    at = run_page(page, tiny_db(), query=query)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a French title"
    # the demo mark is on every page
    assert any("Données de démonstration" in w.value for w in at.warning)


def test_accueil_headlines():
    m = metrics(run_page("accueil", tiny_db()))
    assert m["Considération sociale"] == f"66,7{P}"  # 10 social / 15 known
    assert m["Clause sociale"] == f"53,3{P}"  # 8 / 15
    assert m["Statut inconnu"] == "4"  # the 2019-format contracts
    assert m["Heures réalisées"] == f"5{G}050{H}"  # 750 + 750 + 500 + 200 + 500 + 1 000 + 600 + 750
    assert m["Taux de réalisation"] == f"84,2{P}"  # 5 050 / 6 000
    assert m["Taux de sortie dynamique"] == f"66,7{P}"  # 20 / 30
    m = metrics(run_page("accueil", tiny_db(), query=DEP59))
    assert m["Considération sociale"] == f"70,0{P}"  # 7 / 10
    assert m["Heures réalisées"] == f"3{G}700{H}"  # blocks A to E
    assert m["Taux de sortie dynamique"] == f"75,0{P}"  # 15 / 20


def test_marches_clauses_breakdown_and_unknown_status_apart():
    at = open_tables(run_page("marches_clauses", tiny_db()), "mc-year", "mc-dim")
    c = cells(at)
    assert f"63,6{P}" in c  # landlords: 7 social / 11 known
    assert f"75,0{P}" in c  # communes: 3 / 4
    assert f"66,7{P}" in c  # total row: 10 / 15
    assert "4" in c  # unknown-status contracts shown in their own column
    assert any("statut inconnu" in t for t in texts(at).split("\n"))
    at = open_tables(run_page("marches_clauses", tiny_db(), query=DEP59), "mc-dim")
    assert f"70,0{P}" in cells(at)  # total of 59: 7 / 10
    assert f"63,6{P}" not in cells(at)  # the region's landlords are gone


def test_heures_figures_and_masked_public_cells():
    at = run_page("heures", tiny_db())
    m = metrics(at)
    assert m["Heures réalisées"] == f"5{G}050{H}"
    assert m["Heures prévues"] == f"6{G}000{H}"  # the lots' planned hours, once per lot
    assert m["Taux de réalisation"] == f"84,2{P}"
    assert m["Équivalents temps plein"] == "3,1\u00a0ETP"  # 5 050 / 1 607
    m = metrics(run_page("heures", tiny_db(), query=DEP59))
    assert m["Heures réalisées"] == f"3{G}700{H}"
    assert m["Taux de réalisation"] == f"97,4{P}"  # 3 700 / 3 800
    # the masked variant: 3 people of L2 mask (linked suppression) every public cell, shown "s", never 0
    at = run_page("heures", tiny_db(masked=True))
    at.selectbox(key="h_dim").select("public").run()
    open_tables(at, "h-dim")
    assert not at.exception
    table = next(df for df in frames(at) if "Participants" in df.columns and
                 "Demandeur d'emploi de longue durée" in df["Valeur"].tolist())
    deld = table[table["Valeur"] == "Demandeur d'emploi de longue durée"].iloc[0]
    assert deld["Participants"] == "s" and deld["Heures réalisées"] == "s"
    assert "0" not in (deld["Participants"], deld["Heures réalisées"])
    assert metrics(at)["Heures réalisées"] == f"5{G}350{H}"  # the total stays: 5 050 + 3 x 100
    assert any("valeur masquée" in c.value for c in at.caption)
    assert any("ne s'additionnent pas" in c.value for c in at.caption)


def test_publics_figures():
    m = metrics(run_page("publics", tiny_db()))
    assert m["Participants"] == "40"
    assert m["Femmes"] == f"12,5{P}"  # block W: 5 / 40
    assert m["Parcours mutualisés"] == f"0,0{P}"  # one line, one employer per person
    assert metrics(run_page("publics", tiny_db(), query=DEP59))["Participants"] == "30"


def test_sorties_rate_interval_and_masked_breakdown():
    at = run_page("sorties", tiny_db())
    m = metrics(at)
    assert m["Taux de sortie dynamique"] == f"66,7{P}"  # 20 / 30
    assert m["Situation inconnue"] == "5"  # block B
    # Wilson, 20 / 30, z = 1,96: (p + z²/2n) / (1 + z²/n) = 0,648 -/+ 0,160
    assert any(f"[48,8{P} ; 80,8{P}]" in c.value for c in at.caption)
    at.selectbox(key="s_dim").select("gender").run()
    open_tables(at, "s-dim")
    assert not at.exception
    table = next(df for df in frames(at) if "Femmes" in df["Valeur"].tolist())
    assert table[table["Valeur"] == "Femmes"].iloc[0]["Taux de sortie dynamique"] == f"100,0{P}"  # W: 5 / 5
    m = metrics(run_page("sorties", tiny_db(), query=DEP59))
    assert m["Taux de sortie dynamique"] == f"75,0{P}"  # 15 / 20
    assert m["Situation inconnue"] == "5"
    # the masked variant: the exits are masked with the 3 people of L2
    at = run_page("sorties", tiny_db(masked=True))
    assert not at.exception
    assert metrics(at).get("Taux de sortie dynamique", "s") == "s"


def test_territoires_table_of_the_map():
    c = cells(open_tables(run_page("territoires", tiny_db()), "t-map"))
    assert f"50,0{P}" in c  # Nord: 5 clauses / 10 known
    assert f"60,0{P}" in c  # Pas-de-Calais: 3 / 5


def test_territoires_hours_per_1000_inhabitants_from_the_population_mart():
    at = run_page("territoires", tiny_db())
    at.selectbox(key="t_ind").select("hours_per_1000").run()
    c = cells(open_tables(at, "t-map"))
    assert not at.exception
    assert "1,4" in c  # Nord: 3 700 h / 2 604 361 inhabitants (data/reference) x 1 000
    assert "0,9" in c  # Pas-de-Calais: 1 350 h / 1 468 018 x 1 000


def test_bailleurs_position_against_the_region():
    at = open_tables(run_page("bailleurs", tiny_db()), "b-dist")
    pos = next(df for df in frames(at) if "Médiane régionale" in df.columns)
    row = pos[pos["Indicateur"] == "Heures réalisées par million d'euros"].iloc[0]
    assert row["Bailleur"] == f"2{G}000"
    assert row["Médiane régionale"] == f"1{G}500"
    assert row["Écart à la médiane"] == "500"
    assert row["Rang centile (région)"] == "67e"
    # other landlords are anonymous: labelled by their rank in the list only
    assert "Rang 1" in cells(at)
    assert "Logis de la Côte (fictif)" not in cells(at)


def test_objectifs_and_calculateur():
    at = run_page("objectifs", tiny_db())
    m = metrics(at)
    # each floor on its own: investment 8 500 / 160 000 = 5,3 % (floor 5 %), GUP not computable
    assert m["Investissement : part des heures allant aux résidents QPV (plancher 5 %)"] == f"5,3{P}"
    assert m["GUP : part des heures allant aux résidents QPV (plancher 10 %)"] == "non calculable"
    t = texts(at)
    assert f"Heures travaillées par des résidents QPV : 8{G}500{H}, sur 160{G}000{H}" in t and f"plancher : 8{G}000{H}" in t
    assert "2 lot(s) sur 5 sans montant" in t
    assert "2 avec celui du marché DECP lié" in t  # where the amounts come from
    assert "Plancher ANRU (heures QPV)" not in m  # the combined "0 h" floor is gone
    assert m["Avancement"] == f"40,0{P}"
    m = metrics(run_page("calculateur", tiny_db()))
    # painting: 1 000 000 x 70 % x 5 % / 30 = 1 166,7 h
    assert m["Heures d'insertion"] == f"1{G}167{H}"
    assert m["Réalisé en région"] == f"1{G}400{H}"


def test_qualite_reconciliation_and_matching():
    m = metrics(run_page("qualite", tiny_db()))
    assert m["Lus"] == f"1{G}500"
    assert m["Chargés"] == f"1{G}440"
    assert m["Rejetés"] == "40"
    assert m["Taux de rapprochement"] == f"75,0{P}"


def test_report_html_is_french_and_keeps_masks():
    from dashboard import report

    import pandas as pd

    con = duckdb.connect(str(tiny_db()), read_only=True)
    q = lambda sql: con.execute(sql).df()  # noqa: E731
    doc = report.render(
        title="Comité", scope="Périmètre : test", info={"data_label": "données de démonstration"},
        hours_total=q("select * from mart_hours('total')"), hours_by_year=q("select * from mart_hours('year')"),
        participants_total=q("select * from mart_participants('total')"),
        exits_total=q("select * from mart_exits('total')"), exits_by_public=q("select * from mart_exits('public')"),
        exits_by_gender=q("select * from mart_exits('gender')"), targets=q("select * from mart_targets()"),
        threshold=5)
    con.close()
    assert doc.startswith("<!DOCTYPE html><html lang='fr'>")
    assert f"120{G}000{H}" in doc
    assert f"43,3{P}" in doc
    assert "<td>s</td>" in doc  # masked gender rows stay masked
    assert "Données de démonstration" in doc
    assert isinstance(pd.__version__, str)


def test_real_data_has_no_demo_mark(tmp_path):
    from tests.stub_marts import build_stub_db

    db = build_stub_db(tmp_path / "real.duckdb", demo=False)
    at = run_page("accueil", db)
    assert not at.exception
    assert not any("Données de démonstration" in w.value for w in at.warning)


def test_missing_database_explains_how_to_build_it(tmp_path):
    at = run_page("accueil", tmp_path / "absent.duckdb")
    assert not at.exception
    assert any("Base de données absente" in e.value for e in at.error)
    assert "make build" in texts(at)
    at = run_page("heures", tmp_path / "absent.duckdb")
    assert not at.exception
    assert any("Base de données absente" in e.value for e in at.error)


def test_empty_state_when_filters_match_nothing():
    at = run_page("heures", tiny_db(), query={"dep": "62 Pas-de-Calais"})  # no 62 variant in the stub
    assert not at.exception
    assert any("Aucune donnée pour ces filtres" in i.value for i in at.info)


# --- on the real demo build -------------------------------------------------------------------

def test_demo_headlines_equal_the_mart():
    db = demo_db()
    con = duckdb.connect(str(db), read_only=True)
    h = con.execute("select * from mart_headlines()").df().iloc[0]
    h59 = con.execute("select * from mart_headlines(departement := '59')").df().iloc[0]
    con.close()
    m = metrics(run_page("accueil", db))
    assert m["Considération sociale"] == fmt.percent(h["share_social_consideration"])
    assert m["Statut inconnu"] == fmt.integer(h["contracts_unknown_status"])
    assert m["Heures réalisées"] == fmt.hours(h["hours_worked"])
    assert m["Participants"] == fmt.integer(h["participants"])
    assert m["Taux de sortie dynamique"] == fmt.percent(h["dynamic_exit_rate"])
    m = metrics(run_page("accueil", db, query={"dep": "59 Nord"}))
    assert m["Considération sociale"] == fmt.percent(h59["share_social_consideration"])
    assert m["Heures réalisées"] == fmt.hours(h59["hours_worked"])


@pytest.mark.parametrize("page", PAGES)
def test_demo_pages_run(page):
    at = run_page(page, demo_db())
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_demo_hours_and_exits_equal_the_marts():
    db = demo_db()
    con = duckdb.connect(str(db), read_only=True)
    hrs = con.execute("select * from mart_hours('total')").df().iloc[0]
    ex = con.execute("select * from mart_exits('total')").df().iloc[0]
    con.close()
    m = metrics(run_page("heures", db))
    assert m["Heures réalisées"] == fmt.hours(hrs["hours_worked"])
    assert m["Taux de réalisation"] == fmt.percent(hrs["realisation_rate"])
    m = metrics(run_page("sorties", db))
    assert m["Taux de sortie dynamique"] == fmt.percent(ex["dynamic_exit_rate"])
    assert m["Sortants"] == fmt.integer(ex["n_leavers"])


def test_decp_only_build_has_clear_empty_people_pages(tmp_path):
    import subprocess
    import sys

    from tests.conftest import SHARED_SAMPLES

    if not SHARED_SAMPLES.exists():
        pytest.skip(f"real DECP samples absent ({SHARED_SAMPLES})")
    db = tmp_path / "decp-only.duckdb"
    proc = subprocess.run([sys.executable, "-m", "pipelines", "build", "--db", str(db), "--decp", str(SHARED_SAMPLES)],
                          capture_output=True, text=True)
    if not db.exists():
        pytest.skip(f"build of the samples failed: {proc.stderr[-300:]}")
    at = run_page("accueil", db)
    assert not at.exception
    assert not any("Données de démonstration" in w.value for w in at.warning)  # real data: no demo mark
    for page in ("heures", "publics", "sorties"):
        at = run_page(page, db)
        assert not at.exception, page
        assert any("suivis" in i.value for i in at.info), page
        assert not at.metric, page  # no zeros pretending to be figures


def _plotly_values(v) -> list:
    """A Plotly array as a list: plain, or typed ({'dtype': 'f8', 'bdata': base64})."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def test_objectifs_burnup_of_the_sidebar_landlord():
    at = run_page("objectifs", tiny_db(), query={"bailleur": "Habitat du Nord (fictif)"})
    assert not at.exception, [e.value for e in at.exception]
    m = metrics(at)
    assert m["Situation"] == "En retard"
    assert m["Heures réalisées"] == f"40{G}000{H}" and m["Objectif"] == f"100{G}000{H}"
    assert m["Atteint en (projection)"] == "octobre 2028"
    t = texts(at)
    # the French explanation: pace, its window, the reach date against the deadline
    assert f"Rythme récent : 1{G}500{H} par mois, de fin décembre 2024 à fin juin 2025 (6\u00a0mois)" in t
    assert "10\u00a0mois après l'échéance (décembre 2027) : **en retard**" in t
    assert "« 100 000 heures sur le programme »" in t
    chart = next(c for c in at.get("plotly_chart"))
    import json
    fig = json.loads(chart.proto.spec)
    names = [tr.get("name") for tr in fig["data"]]
    assert names == ["Heures réalisées (cumul)", "Projection au rythme récent"]
    assert _plotly_values(fig["data"][0]["y"]) == [15000.0, 31000.0, 40000.0]


def test_objectifs_burnup_masked_and_without_landlord():
    at = run_page("objectifs", tiny_db(), query={"bailleur": "Logis de la Côte (fictif)"})
    t = texts(at)
    assert "Heures réalisées : **s**" in t and "secret statistique" in t
    assert "Situation" not in metrics(at)
    # no landlord chosen: a prompt and a picker that sets the sidebar's filter
    at = run_page("objectifs", tiny_db())
    assert any("Choisissez un bailleur" in i.value for i in at.info)
    at.selectbox(key="o_landlord").set_value("11111111111111").run()
    assert at.selectbox(key="bailleur").value == "11111111111111"
    assert metrics(at)["Situation"] == "En retard"


def test_bailleurs_picker_and_sidebar_are_one_state():
    at = run_page("bailleurs", tiny_db(), query={"bailleur": "Logis de la Côte (fictif)"})
    assert at.selectbox(key="b_viewer").value == "22222222222222"
    # the page's picker sets the sidebar's filter ...
    at.selectbox(key="b_viewer").set_value("11111111111111").run()
    assert at.selectbox(key="bailleur").value == "11111111111111"
    assert at.selectbox(key="b_viewer").value == "11111111111111"
    # ... and the sidebar's filter sets the picker
    at.selectbox(key="bailleur").set_value("22222222222222").run()
    assert at.selectbox(key="b_viewer").value == "22222222222222"
    assert not at.exception


def test_bailleurs_trend_axis_starts_at_zero_with_one_decimal():
    import json

    at = run_page("bailleurs", tiny_db(), query={"bailleur": "Habitat du Nord (fictif)"})
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    trend = next(f for f in figs if f["layout"].get("yaxis", {}).get("title", {}).get("text") == "Marchés avec clause")
    y = trend["layout"]["yaxis"]
    assert y["range"][0] == 0 and y["tickformat"] == ",.1f"
    top = max(v for v in _plotly_values(trend["data"][0]["y"]) if v is not None and v == v)
    assert y["range"][1] == pytest.approx(min(100, max(10, top * 1.2)))


def test_objectifs_for_a_committee_of_territories_keeps_its_floors(monkeypatch):
    """A committee whose scope is a territory: the burn-up (per operation or landlord) says why it
    is not shown, and the rest of the page (the floors of its territory) still runs."""
    from dashboard import access

    monkeypatch.setattr(access, "resolve", lambda info, known, **kw: access.Scope(
        role="comite", territories=("59",), source="test"))
    at = run_page("objectifs", tiny_db(), query=DEP59)
    assert not at.exception, [e.value for e in at.exception]
    assert any("La trajectoire porte sur une opération ou un bailleur" in i.value for i in at.info)
    assert metrics(at)["Investissement : part des heures allant aux résidents QPV (plancher 5 %)"] == f"5,3{P}"
