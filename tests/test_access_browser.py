"""A real sign-in in a real browser (issue 10): the app configured with `[auth]` against an OpenID
Connect provider for tests (oidc-provider-mock) started on 127.0.0.1, Debian's chromium signing in
as each role through Streamlit's own st.login, on the hand-made build of tests/access_fixture.py.

For each role the page must show the role in the sidebar, its own figures, and none of the figures
it must not see, also when another landlord is asked for in the URL; signing out gives the public view.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from access_fixture import (A1, B, C, DEP_HOURS, HOURS, NAMES, ORG_HOURS_A, REGION_HOURS, SIREN_A, build_access_db,
                            shows)
from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, free_port, stop_app, wait_rendered
from pipelines.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")

ACCESS = ("identifiant;role;siren;operations;territoires\n"
          "obs@dreets.gouv.fr;observatoire;;;\n"
          f"alice@alpha.fr;bailleur;{SIREN_A};;\n"
          "comite@arras.fr;comite;;OPB;\n")


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on 127.0.0.1 (any client id, the person types their subject)."""
    mock = pytest.importorskip("oidc_provider_mock")
    import werkzeug.serving

    port = free_port()
    server = werkzeug.serving.make_server("127.0.0.1", port, mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    """The app with sign-in configured (secrets.toml and access file in a temporary folder)."""
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("authlib")
    tmp = tmp_path_factory.mktemp("access-browser")
    db = build_access_db(tmp / "observatoire.duckdb")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(16).hex()}"\n'
        'client_id = "observatoire-test"\n'
        'client_secret = "secret-de-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    access_file = tmp / "acces.csv"
    access_file.write_text(ACCESS, encoding="utf-8")
    env = dict(os.environ, OBSERVATOIRE_DB=str(db), OBSERVATOIRE_ACCESS_FILE=str(access_file))
    log = open(tmp / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
        cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                stop_app(proc)
                pytest.fail("streamlit did not start: " + (tmp / "streamlit.log").read_text(errors="replace")[-800:])
            time.sleep(0.3)
    yield base
    stop_app(proc)
    log.close()


@pytest.fixture(scope="module")
def browser(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def sign_in(browser, app, provider, subject):
    """A new browser context signed in as `subject` through the provider's form."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = ctx.new_page()
    page.goto(app + "/")
    wait_rendered(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(provider + "/**", timeout=30_000)
    page.fill("input[name=sub]", subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(app + "/**", timeout=30_000)
    wait_rendered(page)
    return ctx, page


def open_page(page, url):
    page.goto(url)
    wait_rendered(page)
    return page.inner_text("body")


def sidebar(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_sign_in_as_a_landlord_shows_its_own_figures_only(browser, app, provider):
    ctx, page = sign_in(browser, app, provider, "alice@alpha.fr")
    try:
        assert "Bailleur social" in sidebar(page) and "alice" in sidebar(page)
        text = open_page(page, app + "/heures")
        assert shows(text, ORG_HOURS_A)  # its organisation: both establishments
        for v in (HOURS[B], HOURS[C], REGION_HOURS):
            assert not shows(text, v), v
        text = open_page(page, app + "/heures?bailleur=" + urllib.request.quote(NAMES[B]))
        assert "Filtre ignoré" in text
        assert shows(text, ORG_HOURS_A) and not shows(text, HOURS[B])
        # signing out gives the public view
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(provider + "/**", timeout=30_000)  # the provider's end of session (RP-initiated)
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(app + "/**", timeout=30_000)
        wait_rendered(page)
        text = open_page(page, app + "/heures")
        assert "Public" in sidebar(page)
        assert shows(text, REGION_HOURS) and not shows(text, HOURS[A1])
    finally:
        ctx.close()


def test_sign_in_as_a_committee_and_as_the_observatory(browser, app, provider):
    ctx, page = sign_in(browser, app, provider, "comite@arras.fr")
    try:
        assert "Comité de pilotage" in sidebar(page) and "Beta Arras" in sidebar(page)
        text = open_page(page, app + "/heures?operation=" + "OPB")  # an operation by its code (issue 11)
        assert shows(text, HOURS[B])
        text = open_page(page, app + "/heures?operation=" + urllib.request.quote("Gamma Arras"))
        assert shows(text, REGION_HOURS) and not shows(text, HOURS[C])
    finally:
        ctx.close()
    ctx, page = sign_in(browser, app, provider, "obs@dreets.gouv.fr")
    try:
        assert "Observatoire (DREETS)" in sidebar(page)
        text = open_page(page, app + "/heures?dep=" + urllib.request.quote("62 Pas-de-Calais"))
        assert shows(text, DEP_HOURS["62"])
    finally:
        ctx.close()


def test_a_person_not_in_the_access_file_gets_the_public_view(browser, app, provider):
    ctx, page = sign_in(browser, app, provider, "inconnu@exemple.fr")
    try:
        text = open_page(page, app + "/heures")
        assert "pas d'accès particulier" in text
        assert "Public" in sidebar(page)
        assert shows(text, REGION_HOURS) and not shows(text, HOURS[A1])
    finally:
        ctx.close()


def test_demo_mode_role_is_kept_from_the_first_choice_and_across_pages(tmp_path, browser):
    """Demo database, no `[auth]`: the visitor picks « Bailleur social » (first interaction after
    loading a page), then moves to another page: the role and its restriction stay."""
    from pipelines.bench.pages import select_option, start_app, wait_rerun

    db = build_access_db(tmp_path / "demo.duckdb", demo=True)
    proc, base = start_app(db)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="fr-FR")
    try:
        page = ctx.new_page()
        text = open_page(page, base + "/heures")
        assert "Mode démonstration" in text and shows(text, REGION_HOURS)
        wait_rerun(page, lambda: select_option(page, "role", "Bailleur social"))
        assert "Bailleur social" in page.locator(".st-key-obs-access").inner_text()
        wait_rerun(page, lambda: page.get_by_role("link", name="Sorties vers l'emploi").click())
        assert "Bailleur social" in page.locator(".st-key-obs-access").inner_text()
        text = open_page(page, page.url.replace("/sorties", "/heures"))
        assert "Bailleur social" in sidebar(page)
        assert shows(text, ORG_HOURS_A) and not shows(text, HOURS[B]) and not shows(text, REGION_HOURS)
    finally:
        ctx.close()
        stop_app(proc)
