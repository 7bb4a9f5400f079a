"""Objectifs in Debian's chromium (Playwright), on the demo build: a landlord's burn-up with its
status, its floors computed, and the region's floors not computable with the reason. The shown
values are compared with the marts of the same database."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

import duckdb
import pytest

from dashboard import formatting as fmt
from tests.browser_page import watched_page
from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app, wait_rendered
from tests.dashboard_apptest import demo_db

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
# the demo landlord with the largest programme target of the targets file (pipelines/demo)
LANDLORD_SQL = ("select scope_id from targets where scope_type = 'buyer' "
                "order by target_hours desc, scope_id limit 1")
STATUS = {"ahead": "En avance", "on_time": "Dans les temps", "late": "En retard", "reached": "Objectif atteint",
          "no_deadline": "Sans échéance"}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


@pytest.fixture(scope="module")
def demo():
    db = demo_db()
    con = duckdb.connect(str(db), read_only=True)
    LANDLORD = con.execute(LANDLORD_SQL).fetchone()[0]
    # the landlord picker lists organisations (SIREN): the target's establishment designates it
    label = con.execute("select label from mart_filter_options where filter = 'landlord' and value = ?",
                        [LANDLORD[:9]]).fetchone()
    assert label is not None, LANDLORD
    status = con.execute(f"select * from mart_burnup_status(landlord := '{LANDLORD}')").df().iloc[0]
    floors = con.execute(f"select * from mart_anru_floors(landlord := '{LANDLORD}') where is_total").df()
    region = con.execute("select * from mart_anru_floors() where is_total").df()
    points = con.execute(f"select count(*) from mart_burnup(landlord := '{LANDLORD}') where is_point").fetchone()[0]
    con.close()
    return db, label[0], status, floors, region, points


@pytest.fixture(scope="module")
def page(demo):
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    proc, base = start_app(demo[0])
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            with watched_page(b) as pg:
                pg.base = base
                yield pg
            b.close()
    finally:
        stop_app(proc)


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_landlord_burnup_and_floors(page, demo):
    _, label, status, floors, _, points = demo
    page.goto(f"{page.base}/objectifs?" + urllib.parse.urlencode({"bailleur": label}))
    wait_rendered(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Traceback" not in main
    # the burn-up: its status and projection as mart_burnup_status gives them
    assert status["track_status"] in STATUS
    assert _metric(page, "Situation") == STATUS[status["track_status"]]
    assert _metric(page, "Atteint en (projection)") == fmt.month(status["reach_month"])
    assert _metric(page, "Objectif") == fmt.hours(status["objective_hours"])
    assert f"Rythme récent : {fmt.hours(status['hours_per_month'])} par mois" in main
    # the chart draws one marker per published point of mart_burnup
    chart = page.locator("[data-testid='stPlotlyChart']").first
    assert chart.locator(".scatterlayer .trace").count() == 2
    assert chart.locator(".scatterlayer .trace").first.locator("path.point").count() == points
    # the floors: the landlord's investment floor computed, shown as the mart gives it
    inv = floors[floors["lot_kind"] == "investment"].iloc[0]
    assert bool(inv["is_computable"]) and not bool(inv["is_masked"])
    assert _metric(page, "Investissement : part des heures") == fmt.percent(inv["qpv_share"])
    assert f"plancher : {fmt.hours(inv['floor_hours'])}" in main
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "objectifs-bailleur.png"), full_page=True)


def test_region_floors_not_computable_say_why(page, demo):
    region = demo[4]
    page.goto(f"{page.base}/objectifs")
    wait_rendered(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    for kind, label in (("investment", "Investissement"), ("gup", "GUP")):
        row = region[region["lot_kind"] == kind].iloc[0]
        assert not bool(row["is_computable"])
        assert _metric(page, f"{label} : part des heures") == "non calculable"
        assert (f"{int(row['n_lots_no_amount'])} lot(s) sur {int(row['n_lots'])} sans montant") in main
        assert f"{fmt.integer(row['n_lots_amount_decp'])} avec celui du marché DECP lié" in main
    # no landlord chosen: the burn-up asks for one
    assert "Choisissez un bailleur (ou une opération)" in main
