"""End to end in Debian's chromium (Playwright): the app on the demo build, every page visited,
a filter changed (its code in the address bar), a shared URL restored, a CSV downloaded, the document language French, one
screenshot per page in test-artifacts/screenshots/."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from pipelines.bench.pages import (CHROMIUM, CHROMIUM_ARGS, PAGES, run_number, select_option, start_app, stop_app,
                                   wait_rendered, wait_rerun)
from tests.browser_page import watched_page
from tests.dashboard_apptest import demo_db

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


@pytest.fixture(scope="module")
def app_url():
    playwright = pytest.importorskip("playwright.sync_api")
    assert playwright
    proc, base = start_app(demo_db())
    yield base
    stop_app(proc)


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    with watched_page(browser, accept_downloads=True) as pg:
        yield pg


def test_every_page_renders_in_french_with_a_screenshot(page, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, title in PAGES:
        page.goto(f"{app_url}/{path}")
        wait_rendered(page)
        assert page.evaluate("document.documentElement.lang") == "fr", path
        assert page.locator("h1").first.inner_text().strip(), path
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "Traceback" not in body and "Error" not in body, path
        assert "Données de démonstration" in body, path
        page.screenshot(path=str(SHOTS / f"{path or 'accueil'}.png"), full_page=True)


def test_filter_goes_into_the_url_and_a_shared_url_restores_it(page, app_url, browser):
    page.goto(f"{app_url}/heures")
    wait_rendered(page)
    before = page.locator("[data-testid='stMetricValue']").first.inner_text()
    wait_rerun(page, lambda: select_option(page, "dep", "59 Nord"))
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query.get("dep") == ["59"]  # the code, not the shown label (before: ["59 Nord"])
    after = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert after != before  # Nord alone has fewer hours than the region
    # the filter is kept when moving to another page
    wait_rerun(page, lambda: page.get_by_role("link", name="Sorties vers l'emploi").click())
    assert "dep=59" in page.url
    # a copied link opened in a fresh browser context reproduces the view
    shared = page.url
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = ctx.new_page()
    other.goto(shared)
    wait_rendered(other)
    assert other.locator(".st-key-dep input").input_value() == "59 Nord"
    assert other.locator("h1").first.inner_text().startswith("Sorties")
    # a link made before the codes (the label in the URL) opens the same view, its address rewritten
    other.goto(f"{app_url}/heures?dep=59+Nord")
    wait_rendered(other)
    assert other.locator(".st-key-dep input").input_value() == "59 Nord"
    assert other.locator("[data-testid='stMetricValue']").first.inner_text() == after
    assert urllib.parse.parse_qs(urllib.parse.urlparse(other.url).query).get("dep") == ["59"]
    ctx.close()


def test_csv_download_is_french(page, app_url, tmp_path):
    page.goto(f"{app_url}/qualite")
    wait_rendered(page)
    with page.expect_download() as info:
        page.locator(".st-key-csv-q-log button").first.click()
    target = tmp_path / "journal.csv"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";")[:4] == ["Fichier", "Type", "Format", "Statut"]
    assert len(lines) > 3
    first = lines[1].split(";")
    assert first[1] in ("Données essentielles (DECP)", "Exécution des clauses", "Heures prévues",
                        "Registre des acheteurs", "Objectifs")
    assert all(c.isdigit() for c in first[4])  # counts without group separator




def test_fiche_acheteur_and_fiche_operation_open_by_url(page, app_url):
    """Issue 11: `?acheteur=SIREN` (a SIRET designates its organisation) and `?operation=CODE`."""
    import duckdb

    con = duckdb.connect(str(demo_db()), read_only=True)
    siren, name = con.execute("select buyer_siren, buyer_name from mart_organisation() "
                              "where buyer_type = 'landlord' order by n_contracts desc limit 1").fetchone()
    siret = con.execute("select establishments[1] from mart_organisation(buyer := ?)", [siren]).fetchone()[0]
    code, label = con.execute("select operation_id, label from mart_operation() order by n_lines desc limit 1").fetchone()
    con.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{app_url}/acheteur?acheteur={siret}")
    wait_rendered(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert page.locator("h1").first.inner_text().strip() == "Fiche acheteur"
    assert name in body and f"SIREN {siren}" in body and "Marchés publiés" in body, body[:500]
    assert "Heures réalisées" in body  # the observatory view of the demo: its execution figures
    assert f"acheteur={siren}" in page.url  # the fiche's own link names the organisation
    page.screenshot(path=str(SHOTS / "fiche-acheteur.png"), full_page=True)
    page.goto(f"{app_url}/operation?operation={urllib.parse.quote(code)}")
    wait_rendered(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert label in body and "Plancher ANRU" in body and "Filtre ignoré" not in body, body[:500]
    # the address bar keeps the operation's code (before: the sidebar's binding dropped it)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("operation") == [code]
    page.screenshot(path=str(SHOTS / "fiche-operation.png"), full_page=True)


def test_a_breakdown_choice_reruns_its_block_only(page, app_url):
    # « Ventiler par » is a fragment (docs/pages.md): the new breakdown's chart is drawn and the URL
    # written without rerunning the page (the footer's run number stays); a sidebar filter still reruns it
    page.goto(f"{app_url}/heures")
    wait_rendered(page)
    runs = run_number(page)
    before = page.locator(".st-key-fig-h-dim").inner_text()
    select_option(page, "h_dim", "Sexe")
    page.wait_for_function("() => location.search.includes('ventilation=gender')", timeout=30_000)
    page.wait_for_function("(b) => { const el = document.querySelector('.st-key-fig-h-dim');"
                           " return el && el.innerText !== b && el.innerText.includes('Femmes'); }",
                           arg=before, timeout=30_000)
    wait_rendered(page)
    assert run_number(page) == runs  # the page did not rerun: only the fragment did
    wait_rerun(page, lambda: select_option(page, "dep", "59 Nord"))
    assert run_number(page) > runs
    assert "ventilation=gender" in page.url and "dep=59" in page.url
