"""The search in Debian's chromium (Playwright): /accueil opens Accueil; a name typed with a typo and
without accents finds the contract, a click opens the contract list filtered on its id; the text
typed is in the URL. Runs on the small fixture of tests/test_search.py."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app, wait_rendered, wait_rerun
from tests.test_search import search_db

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


@pytest.fixture(scope="module")
def page():
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    proc, base = start_app(search_db())
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pg = b.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            pg.base = base
            yield pg
            b.close()
    finally:
        stop_app(proc)


def test_accueil_path_opens_accueil(page):
    page.goto(page.base + "/accueil?recherche=clair")
    wait_rendered(page)
    assert page.locator("h1").first.inner_text().strip() == "Observatoire des clauses sociales d'insertion"
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stMain']").get_by_text("Clair Foyer").count() >= 1  # query kept


def test_search_with_a_typo_and_no_accents_then_click_the_result(page):
    page.goto(page.base + "/")
    wait_rendered(page)
    field = page.locator(".st-key-recherche input")

    def type_it():
        field.fill("rehabilitaton logement")
        field.press("Enter")

    wait_rerun(page, type_it)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query.get("recherche") == ["rehabilitaton logement"]
    link = page.locator("[data-testid='stPageLink-NavLink']").filter(has_text="Réhabilitation de 36 logements")
    assert link.count() >= 1
    link.first.click()
    page.wait_for_url("**/marches_clauses**", timeout=30_000)
    wait_rendered(page)
    assert "recherche_marche=2024%2F17" in page.url or "recherche_marche=2024/17" in page.url
    assert page.locator(".st-key-mc_search input").input_value() == "2024/17"
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "1 marchés affichés" in main.replace("\u202f", " ").replace("\u00a0", " ")
