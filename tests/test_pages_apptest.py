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
    at = open_tables(run_page("bailleurs", tiny_db(), query={"bailleur": tb.NAMES[tb.L1]}), "b-dist")
    pos = next(df for df in frames(at) if "Médiane régionale" in df.columns)
    row = pos[pos["Indicateur"] == "Part de femmes"].iloc[0]
    # L1: 5 women (W) of its 20 people; the other landlords with people (L3, L4, L5) have none:
    # median of (0, 0, 0, 25 %) = 0 %, L1 the highest of 4 -> 100th percentile
    assert row["Bailleur"] == "25\u00a0%"
    assert row["Médiane régionale"] == "0\u00a0%"
    assert row["Rang centile (région)"] == "100e"
    row = pos[pos["Indicateur"] == "Heures par participant"].iloc[0]
    # L1 2 200 h / 20 people = 110; L4 100, L3 120, L5 150: median of (100, 110, 120, 150) = 115
    assert (row["Bailleur"], row["Médiane régionale"], row["Écart à la médiane"]) == ("110", "115", "-5")
    # other landlords are anonymous: labelled by their rank in the list only
    assert any(v.startswith("Rang ") for v in cells(at))
    assert tb.NAMES[tb.L4] not in cells(at) and tb.NAMES[tb.L2] not in cells(at)


def test_objectifs_and_calculateur():
    at = run_page("objectifs", tiny_db())
    m = metrics(at)
    # each floor on its own, the region's total row. Investment lots (grid: amount x labour share /
    # hourly cost): L1-24-01 1 000 000 x 0,5 / 30 = 16 667 h, L1-24-02 (DECP amount) 400 000 x 0,7 / 30
    # = 9 333 h, L4-24-01 10 000 h, L3-24-01 8 333 h, L5-24-01 11 667 h: 56 000 h; QPV residents on
    # them: A 750 h + G 750 h = 1 500 h -> 2,7 % (floor 5 %: 2 800 h). GUP: its one lot has no amount.
    assert m["Investissement : part des heures allant aux résidents QPV (plancher 5 %)"] == f"2,7{P}"
    assert m["GUP : part des heures allant aux résidents QPV (plancher 10 %)"] == "non calculable"
    t = texts(at)
    assert f"Heures travaillées par des résidents QPV : 1{G}500{H}, sur 56{G}000{H}" in t and f"plancher : 2{G}800{H}" in t
    assert "1 lot(s) sur 1 sans montant" in t
    assert "1 avec celui du marché DECP lié" in t  # where the amounts come from (L1-24-02)
    assert "Plancher ANRU (heures QPV)" not in m  # the combined "0 h" floor is gone
    table = next(df for df in frames(at) if "Avancement" in df.columns)
    l1 = table[table["Opération ou MO"] == tb.NAMES[tb.L1]].iloc[0]
    assert l1["Avancement"] == f"22,0{P}"  # 2 200 h (A, B, W, C) / 10 000 h
    m = metrics(run_page("calculateur", tiny_db()))
    # cleaning (the default trade): 1 000 000 x 80 % x 5 % / 20 = 2 000 h
    assert m["Heures d'insertion"] == f"2{G}000{H}"
    assert m["Réalisé en région"] == f"4{G}000{H}"  # C1-24-01: 1 000 h on 250 000 € -> 4 000 h per million


def test_qualite_reconciliation_and_matching():
    m = metrics(run_page("qualite", tiny_db()))
    assert m["Lus"] == "68"  # 16 + 4 DECP records, 40 lines, 6 buyers, 2 targets
    assert m["Chargés"] == "67"
    assert m["Rejetés"] == "1"  # the DECP record without an identifier
    assert m["Taux de rapprochement"] == f"75,0{P}"  # 6 of the 8 clause contracts have execution lines
    assert m["Exécutions sur des marchés absents des DECP"] == "1"  # L1-GUP-9


def test_report_html_is_french_and_keeps_masks():
    from dashboard import report

    def doc_of(db):
        con = duckdb.connect(str(db), read_only=True)
        q = lambda sql: con.execute(sql).df()  # noqa: E731
        doc = report.render(
            title="Comité", scope="Périmètre : test", info={"data_label": "données de démonstration"},
            hours_total=q("select * from mart_hours('total')"), hours_by_year=q("select * from mart_hours('year')"),
            participants_total=q("select * from mart_participants('total')"),
            exits_total=q("select * from mart_exits('total')"), exits_by_public=q("select * from mart_exits('public')"),
            exits_by_gender=q("select * from mart_exits('gender')"), anru_floors=q("select * from mart_anru_floors()"),
            threshold=5)
        con.close()
        return doc

    doc = doc_of(tiny_db())
    assert doc.startswith("<!DOCTYPE html><html lang='fr'>")
    assert f"5{G}050{H}" in doc
    assert f"66,7{P}" in doc  # 20 / 30
    assert "Données de démonstration" in doc
    doc = doc_of(tiny_db(masked=True))
    assert f"5{G}350{H}" in doc
    assert "<td>s</td>" in doc  # masked exit rows stay masked


def test_real_data_has_no_demo_mark(tmp_path):
    # the same build, labelled as the build labels inputs without the demo marker
    con = tb.copy_of_tiny(tmp_path / "real.duckdb")
    con.execute("update build_info set value = 'données réelles' where key = 'data_label'")
    con.close()
    at = run_page("accueil", tmp_path / "real.duckdb")
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
    # no commune buyer in Pas-de-Calais: no execution line for this filter set
    at = run_page("heures", tiny_db(), query={"dep": "62 Pas-de-Calais", "type_acheteur": "Commune"})
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
    at = run_page("objectifs", tiny_db(), query={"bailleur": tb.NAMES[tb.L1]})
    assert not at.exception, [e.value for e in at.exception]
    m = metrics(at)
    # L1's lines by start month: March 2024 A + B (10 people, 1 500 h), June 2024 W (5, 500 h),
    # February 2025 C (5, 200 h). Published points (groups of at least 5 people, backwards from the
    # last month): May 2024 1 500 h, January 2025 2 000 h, February 2025 2 200 h (the anchor).
    # Pace: the point at least 6 months before the anchor is May 2024: 700 h / 9 months = 78 h a
    # month; 7 800 h left -> 101 months: July 2033, 79 months after December 2026.
    assert m["Situation"] == "En retard"
    assert m["Heures réalisées"] == f"2{G}200{H}" and m["Objectif"] == f"10{G}000{H}"
    assert m["Atteint en (projection)"] == "juillet 2033"
    t = texts(at)
    # the French explanation: pace, its window, the reach date against the deadline
    assert f"Rythme récent : 78{H} par mois, de fin mai 2024 à fin février 2025 (9\u00a0mois" in t
    assert "79\u00a0mois après l'échéance (décembre 2026) : **en retard**" in t
    assert "« 10 000 heures sur le programme »" in t
    chart = next(c for c in at.get("plotly_chart"))
    import json
    fig = json.loads(chart.proto.spec)
    names = [tr.get("name") for tr in fig["data"]]
    assert names == ["Heures réalisées (cumul)", "Projection au rythme récent"]
    assert _plotly_values(fig["data"][0]["y"]) == [1500.0, 2000.0, 2200.0]


def test_objectifs_burnup_masked_and_without_landlord():
    # the masked variant: L2's 3 people
    at = run_page("objectifs", tiny_db(masked=True), query={"bailleur": tb.NAMES[tb.L2]})
    t = texts(at)
    assert "Heures réalisées : **s**" in t and "secret statistique" in t
    assert "Situation" not in metrics(at)
    # no landlord chosen: a prompt and a picker that sets the sidebar's filter
    at = run_page("objectifs", tiny_db())
    assert any("Choisissez un bailleur" in i.value for i in at.info)
    at.selectbox(key="o_landlord").set_value(tb.L1[:9]).run()
    assert at.selectbox(key="bailleur").value == tb.L1[:9]
    assert metrics(at)["Situation"] == "En retard"


def test_bailleurs_picker_and_sidebar_are_one_state():
    l1, l2 = tb.L1[:9], tb.L2[:9]  # a landlord is its organisation (SIREN)
    at = run_page("bailleurs", tiny_db(), query={"bailleur": tb.NAMES[tb.L2]})
    assert at.selectbox(key="b_viewer").value == l2
    # the page's picker sets the sidebar's filter ...
    at.selectbox(key="b_viewer").set_value(l1).run()
    assert at.selectbox(key="bailleur").value == l1
    assert at.selectbox(key="b_viewer").value == l1
    # ... and the sidebar's filter sets the picker
    at.selectbox(key="bailleur").set_value(l2).run()
    assert at.selectbox(key="b_viewer").value == l2
    assert not at.exception


def test_bailleurs_trend_axis_starts_at_zero_with_one_decimal():
    import json

    at = run_page("bailleurs", tiny_db(), query={"bailleur": tb.NAMES[tb.L1]})
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
    # Nord's investment lots: 16 667 + 9 333 + 10 000 = 36 000 h; QPV residents: A, 750 h -> 2,1 %
    assert metrics(at)["Investissement : part des heures allant aux résidents QPV (plancher 5 %)"] == f"2,1{P}"


def _breakdown(at, select_key: str, table_key: str, dim: str):
    """The table of the page's breakdown `dim` (Valeur -> row)."""
    at.selectbox(key=select_key).select(dim).run()
    open_tables(at, table_key)
    assert not at.exception, [e.value for e in at.exception]
    table = next(df for df in frames(at) if "Valeur" in df.columns and "Total" in df["Valeur"].tolist())
    return table.set_index("Valeur")


def test_yes_no_breakdowns_are_oui_non_on_the_pages():
    """Issue 13: the SQL emits yes / no / unknown and the pages mapped true / false: "yes" and "no"
    reached the users of Heures, Publics and Sorties. The stub marts had no yes/no rows."""
    h = _breakdown(run_page("heures", tiny_db()), "h_dim", "h-dim", "qpv_resident")
    # QPV residents A, C, E, G: 20 people, 750 + 200 + 1 000 + 750 h; the others B, W, D, F
    assert (h.loc["Oui", "Participants"], h.loc["Oui", "Heures réalisées"]) == ("20", f"2{G}700")
    assert (h.loc["Non", "Participants"], h.loc["Non", "Heures réalisées"]) == ("20", f"2{G}350")
    h = _breakdown(run_page("heures", tiny_db()), "h_dim", "h-dim", "tenant_of_buyer")
    # tenants A, W, D, G; not B, C, F; the commune's lines (E): not known
    assert h.loc["Oui", "Participants"] == "20" and h.loc["Non", "Participants"] == "15"
    assert h.loc["Non renseigné", "Heures réalisées"] == f"1{G}000"
    for page, keys in (("publics", ("p_dim", "p-dim")), ("sorties", ("s_dim", "s-dim"))):
        for dim in ("qpv_resident", "tenant_of_buyer"):
            if page == "sorties" and dim == "tenant_of_buyer":
                continue  # exits are not broken down by tenancy
            values = set(_breakdown(run_page(page, tiny_db()), *keys, dim).index)
            assert {"Oui", "Non"} <= values and not values & {"yes", "no", "true", "false"}, (page, dim, values)


def test_sector_breakdown_shows_the_real_sector_codes_labels():
    from pipelines import codes

    con = duckdb.connect(str(tiny_db()), read_only=True)
    emitted = {v for (v,) in con.execute("select value from mart_contract_share('sector') where not is_total").fetchall()}
    con.close()
    # CPV 45 -> works, 90910000 -> cleaning_waste, 77310000 -> green_spaces, 71 -> intellectual services,
    # 30190000 -> supplies: codes of the code table (the stub had `construction`, never produced)
    assert emitted == {"works", "cleaning_waste", "green_spaces", "intellectual_services", "supplies"}
    assert emitted <= set(codes.codes("sector"))
    at = open_tables(run_page("marches_clauses", tiny_db(), query={"ventilation": "sector"}), "mc-dim")
    c = cells(at)
    assert "Travaux (BTP)" in c and "Propreté et déchets" in c and "works" not in c
    # works: 10 known (L1 x 3, L4, C1-25-04, L3 x 2, L5, L2 x 2), 7 with a social consideration (all
    # but L1-25-04, L3-25-02, L2-25-02)
    assert f"70,0{P}" in c


def test_one_demo_and_one_tiny_build_per_session(monkeypatch):
    # before: tests/test_codes.py imported `dashboard_apptest` (tests/ on sys.path), a second module
    # with its own caches next to `tests.dashboard_apptest`: the demo was generated and built twice
    import sys
    from pathlib import Path

    from tests import dashboard_apptest

    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    monkeypatch.delitem(sys.modules, "dashboard_apptest", raising=False)
    import dashboard_apptest as bare

    assert bare is dashboard_apptest and bare.demo_build is dashboard_apptest.demo_build
    assert bare.tiny_db is tb.tiny_db and tiny_db() == tb.tiny_db()
