"""Data shown safely, in Debian's chromium: the hostile stub build of tests/test_safe_text.py served
by Streamlit; names written as Markdown images, links, colours, LaTeX and HTML show as text, the
browser fetches nothing from their host, and no link, image, colour or formula comes from them
(Markdown widgets and Plotly charts alike)."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app, wait_rendered
from tests.test_safe_text import EVIL, LANDLORD, hostile_db

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


@pytest.fixture(scope="module")
def served():
    playwright = pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    proc, base = start_app(hostile_db())
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield base, browser
            browser.close()
    finally:
        stop_app(proc)
    assert playwright


VIEWS = [
    "?" + urllib.parse.urlencode({"bailleur": LANDLORD}),  # Accueil: scope line with the name
    "bailleurs?" + urllib.parse.urlencode({"bailleur": LANDLORD}),
    "objectifs",
    "qualite",
    "marches_clauses",
    "?" + urllib.parse.urlencode({"dep": EVIL}),  # an unknown URL value, quoted in the note
]


@pytest.mark.parametrize("view", VIEWS)
def test_hostile_names_render_as_text(served, view):
    base, browser = served
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = ctx.new_page()
    evil_requests = []
    page.on("request", lambda r: evil_requests.append(r.url)
            if urllib.parse.urlparse(r.url).hostname == "evil.example" else None)
    try:
        page.goto(f"{base}/{view}")
        wait_rendered(page)
        main = page.locator("[data-testid='stMain']")
        body = main.inner_text().replace("\u2060", "")  # the word joiners that break autolinks
        assert "![x](http://evil.example/x.png)" in body  # shown, as typed
        assert "\\[" not in body and "\\:" not in body  # escapes are not visible
        # nothing from the data became markup
        assert page.locator("img[src*='evil.example']").count() == 0
        hrefs = page.evaluate("""() => [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'))
            .concat([...document.querySelectorAll('a')].map(e => e.getAttribute('xlink:href') || ''))""")
        # (the menu's links carry the page's own query string: they stay on this host)
        assert [h for h in hrefs if urllib.parse.urlparse(h).hostname == "evil.example"] == []
        assert page.locator("[data-testid='stMain'] .katex").count() == 0
        assert page.get_by_text("rouge", exact=True).count() == 0  # no :red[rouge] colour span
        assert evil_requests == []
    finally:
        ctx.close()
