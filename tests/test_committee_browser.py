"""The committee's path in Debian's chromium (Playwright), on the small build of
tests/committee_fixture.py: a shared report link (perimeter, period, definition as codes) opens the
report, the PDF is downloaded from the page and its text holds the marts' figures, end of path and
6 months after; the Sorties page says the unknown share and the fragile rate."""
from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from dashboard import formatting as fmt
from tests.browser_page import watched_page
from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app, wait_rendered, wait_rerun
from tests.committee_fixture import build_committee_db

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


def flat(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.fixture(scope="module")
def db_path():
    return build_committee_db(Path(tempfile.mkdtemp(prefix="obs-committee-b-")) / "c.duckdb")


@pytest.fixture(scope="module")
def app_url(db_path):
    pytest.importorskip("playwright.sync_api")
    proc, base = start_app(db_path)
    yield base
    stop_app(proc)


@pytest.fixture()
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with watched_page(b, accept_downloads=True) as pg:
            yield pg
        b.close()


def test_shared_report_link_gives_a_pdf_with_the_marts_figures(page, app_url, db_path, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    page.goto(f"{app_url}/rapport?perimetre=operation&code=OP1&de=2024&a=2024&definition=strict")
    wait_rendered(page)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert {k: query.get(k) for k in ("perimetre", "code", "de", "a", "definition")} == {
        "perimetre": ["operation"], "code": ["OP1"], "de": ["2024"], "a": ["2024"], "definition": ["strict"]}
    with page.expect_download() as info:
        page.locator(".st-key-r_pdf button").first.click()
    download = info.value
    assert download.suggested_filename == f"rapport-comite-operation-op1-strict-2024-{dt.date.today().isoformat()}.pdf"
    target = tmp_path / "rapport.pdf"
    download.save_as(target)
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    assert len(reader.pages) == 6  # one A4 page per section
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    con = duckdb.connect(str(db_path), read_only=True)
    rows = {tp: con.execute("select * from mart_exits('total', timepoint := ?, durable_definition := 'strict', "
                            "year_from := 2024, year_to := 2024, operation := 'OP1')", [tp]).df().iloc[0]
            for tp in ("end", "6m")}
    con.close()
    end, six = rows["end"], rows["6m"]
    assert f"Sortants {fmt.integer(end['n_leavers'])} {fmt.integer(six['n_leavers'])}" in text
    assert f"Emploi durable {fmt.integer(end['n_durable'])} {fmt.integer(six['n_durable'])}" in text
    assert flat(f"Taux de sortie dynamique {fmt.percent(end['dynamic_exit_rate'])} "
                f"{fmt.percent(six['dynamic_exit_rate'])}") in text
    assert flat(fmt.interval(six["ci_low"], six["ci_high"])) in text
    assert "Situation inconnue pour 14 sortants sur 40 en fin de parcours" in text
    assert "définition stricte" in text


def test_sorties_link_shows_the_reliability_warning(page, app_url, tmp_path):
    page.goto(f"{app_url}/sorties?perimetre=operation&code=OP1&moment=end&annee_min=2024&annee_max=2024")
    wait_rendered(page)
    body = flat(page.locator("[data-testid='stMain']").inner_text())
    assert "Situation inconnue pour 14 sortants sur 40 en fin de parcours" in body
    assert "Taux fragile" in body
    # the moment chosen on the page goes into the URL
    wait_rerun(page, lambda: page.locator(".st-key-s_time button", has_text="6 mois après").click())
    assert "moment=6m" in page.url
    body = flat(page.locator("[data-testid='stMain']").inner_text())
    assert "Situation inconnue pour" not in body
    # the Excel file of the chart's table: its "À propos" sheet names the committee's settings
    wait_rerun(page, lambda: page.locator(".st-key-tbl-s-total summary").first.click())
    with page.expect_download() as info:
        page.locator(".st-key-xlsx-s-total button").first.click()
    assert info.value.suggested_filename == \
        f"sorties-vers-l-emploi-sorties-op1-6m-broad-region-2024-{dt.date.today().isoformat()}.xlsx"
    target = tmp_path / "sorties.xlsx"
    info.value.save_as(target)
    import openpyxl

    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Données", "À propos"]
    about = {r[0]: r[1] for r in wb["À propos"].iter_rows(values_only=True) if r[0]}
    assert about["Filtre : Moment"] == "6 mois après la sortie" and about["Période"] == "2024"
