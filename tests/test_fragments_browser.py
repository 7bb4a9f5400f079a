"""In Debian's chromium (Playwright): a page-local choice reruns its fragment only (issue 15).
On *Heures*, changing « Ventiler par » draws the new breakdown's chart and writes `?ventilation=`
without rerunning the page (the footer's run number stays), while a sidebar filter still reruns it."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.bench.pages import (CHROMIUM, CHROMIUM_ARGS, run_number, select_option, start_app, stop_app,
                                   wait_rendered, wait_rerun)
from tests.dashboard_apptest import stub_db

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


@pytest.fixture(scope="module")
def page():
    playwright = pytest.importorskip("playwright.sync_api")
    proc, base = start_app(stub_db())
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            pg = ctx.new_page()
            errors = []
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.base = base
            yield pg
            browser.close()
            assert not errors, errors
    finally:
        stop_app(proc)


def test_the_breakdown_choice_reruns_its_block_only(page):
    page.goto(f"{page.base}/heures")
    wait_rendered(page)
    runs = run_number(page)
    assert runs > 0
    # the stub has no hours by sector (the default breakdown): no chart in the block yet
    assert page.locator(".st-key-fig-h-dim").count() == 0
    select_option(page, "h_dim", "Public éligible")
    page.wait_for_selector(".st-key-fig-h-dim .main-svg", timeout=30_000)
    page.wait_for_function("() => location.search.includes('ventilation=public')", timeout=10_000)
    wait_rendered(page)
    assert run_number(page) == runs  # the page did not rerun: only the fragment did
    text = page.locator(".st-key-fig-h-dim").inner_text()
    assert "Travailleur handicapé (RQTH)" in text  # the new breakdown's chart
    # a sidebar filter still reruns the whole page, and the breakdown stays chosen
    wait_rerun(page, lambda: select_option(page, "dep", "59 Nord"))
    assert run_number(page) > runs
    assert "ventilation=public" in page.url and "dep=59" in page.url
