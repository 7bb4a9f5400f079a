"""The committee's view and report (issue 14): exits at the end and at +6 months with their
reliability said next to the figure, the report's sections and its PDF checked against the marts,
a previous-period difference that never un-masks, the committee settings in the URL and the file
names, and exports that describe themselves ("À propos" sheet, date cells).

The small build is tests/committee_fixture.py (its figures are worked out in its docstring).
"""
from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import math
import re
import tempfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import streamlit as st

from dashboard import exports, reliability, report
from dashboard import formatting as fmt
from tests.committee_fixture import build_committee_db
from tests.dashboard_apptest import frames, metrics, open_tables, restore_db_env, run_page  # noqa: F401

P = "\u00a0%"
NB = "\u00a0"


@pytest.fixture(scope="module")
def db_path():
    return build_committee_db(Path(tempfile.mkdtemp(prefix="obs-committee-")) / "c.duckdb")


@pytest.fixture()
def downloads(monkeypatch):
    """(file name, bytes) of every download button drawn (files made on click: made here)."""
    files: list[tuple[str, bytes]] = []
    real = st.download_button

    def recording(label, data=None, *args, **kwargs):
        files.append((kwargs.get("file_name"), data() if callable(data) else data))
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return files


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson 95 % interval, written out (docs/indicators.md)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def flat(text: str) -> str:
    """Text with every run of white space (no-break spaces included) as one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


# --- reliability rules, hand-worked --------------------------------------------------------------

def test_reliability_warns_above_30_percent_unknown_and_marks_rates_under_30_known():
    # the case: 56 of 101 leavers unknown at 6 months, rate on 45 known exits
    row = {"n_leavers": 101, "n_unknown": 56, "n_known": 45, "dynamic_exit_rate": 30 / 45, "ci_low": 0.52,
           "ci_high": 0.79}
    w = reliability.warnings(row, "à 6 mois")
    assert len(w) == 1  # 45 known: not fragile
    assert "56 sortants sur 101 à 6 mois" in w[0] and f"55,4{P}" in w[0]  # 56 / 101
    assert "45 sortants suivis" in w[0]
    # exactly 30 % unknown (30 of 100): no warning; 31 of 100: a warning
    assert not reliability.too_many_unknown({"n_leavers": 100, "n_unknown": 30})
    assert reliability.too_many_unknown({"n_leavers": 100, "n_unknown": 31})
    # 29 known: fragile; 30 known: not
    assert reliability.is_fragile({"n_known": 29, "dynamic_exit_rate": 0.5})
    assert not reliability.is_fragile({"n_known": 30, "dynamic_exit_rate": 0.5})
    assert reliability.label({"n_known": 29, "dynamic_exit_rate": 0.5, "n_leavers": 100, "n_unknown": 71}) == \
        f"fragile ; inconnus > 30{P}"
    # masked counts: nothing computed from them (no warning, no "fragile" on a masked rate)
    assert reliability.warnings({"n_leavers": 40, "n_unknown": None, "n_known": None,
                                 "dynamic_exit_rate": None}) == []


# --- Sorties on the small build ----------------------------------------------------------------------

Q2024 = {"annee_min": "2024", "annee_max": "2024", "perimetre": "operation", "code": "OP1"}


def test_sorties_says_unknown_share_and_fragile_rate_at_the_end(db_path):
    at = run_page("sorties", db_path, query={**Q2024, "moment": "end"})
    assert not at.exception, [e.value for e in at.exception]
    m = metrics(at)
    assert m["Sortants"] == "40" and m["Situation inconnue"] == "14"
    assert m["Taux de sortie dynamique"] == f"80,8{P}"  # 21 / 26
    warn = " ".join(w.value for w in at.warning)
    assert "Situation inconnue pour 14 sortants sur 40 en fin de parcours" in warn
    assert f"35,0{P}" in warn  # 14 / 40
    assert "Taux fragile en fin de parcours : calculé sur 26 sortants" in warn
    lo, hi = wilson(21, 26)
    assert any(f"[{fmt.percent(lo)} ; {fmt.percent(hi)}]" in c.value and "taux fragile" in c.value
               for c in at.caption)
    open_tables(at, "s-total")
    table = next(df for df in frames(at) if "Fiabilité" in df.columns)
    assert table.iloc[0]["Fiabilité"] == f"fragile ; inconnus > 30{P}"


def test_sorties_at_six_months_has_no_warning_when_reliable(db_path):
    at = run_page("sorties", db_path, query={**Q2024, "moment": "6m"})
    m = metrics(at)
    assert m["Taux de sortie dynamique"] == f"83,3{P}"  # 25 / 30
    assert m["Situation inconnue"] == "10"
    warn = " ".join(w.value for w in at.warning)
    assert "Situation inconnue pour" not in warn  # 10 / 40 = 25 %
    assert "fragile" not in warn  # 30 known exits


def test_sorties_breakdown_marks_fragile_points(db_path):
    at = run_page("sorties", db_path, query={"perimetre": "operation", "code": "OP1", "moment": "end"})
    at.selectbox(key="s_dim").select("year").run()
    assert not at.exception
    caption = " ".join(c.value for c in at.caption)
    # 2023: 5 / 10 known, 2024: 21 / 26 known: both fragile; 2024 has 35 % unknown
    assert "Point creux : taux fragile" in caption and "(2 valeur(s))" in caption
    assert "1 valeur(s) ont plus de 30" in caption


def test_committee_settings_are_codes_in_the_url_and_the_file_names(db_path, downloads):
    at = run_page("sorties", db_path, query={"perimetre": "operation", "code": "OP1", "moment": "6m",
                                             "definition": "strict"})
    assert at.selectbox(key="s_scope").value == "operation"
    assert at.selectbox(key="s_scope_operation").value == "OP1"
    assert at.session_state["s_time"] == "6m" and at.session_state["s_def"] == "strict"
    url = {k: at.query_params[k] for k in ("perimetre", "code", "moment", "definition")}
    assert url == {"perimetre": "operation", "code": "OP1", "moment": "6m", "definition": "strict"}
    at.session_state["tbl-s-total"] = True
    at.run()
    names = [n for n, _ in downloads if n]
    today = dt.date.today().isoformat()
    assert f"sorties-vers-l-emploi-sorties-op1-6m-strict-region-{today}.csv" in names
    assert any(n.endswith(".xlsx") and "op1-6m-strict" in n for n in names)
    # a choice made on the page goes into the URL
    at.segmented_control(key="s_time").set_value("end").run()
    assert at.query_params["moment"] == "end"
    # a value that is not a choice is ignored with a French note (and a valid default is used)
    at = run_page("sorties", db_path, query={"perimetre": "lune", "moment": "12m"})
    warn = " ".join(w.value for w in at.warning)
    assert "périmètre « lune » n'est pas une valeur possible" in warn
    assert "moment « 12m » n'est pas une valeur possible" in warn
    assert at.session_state["s_time"] == "end"


# --- the report and its PDF ---------------------------------------------------------------------

REPORT_Q = {"perimetre": "operation", "code": "OP1", "de": "2024", "a": "2024", "definition": "broad"}


def _mart(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).df().iloc[0]
    finally:
        con.close()


def test_report_with_six_months_and_its_pdf_match_the_marts(db_path, downloads):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    at = run_page("rapport", db_path, query=REPORT_Q)
    assert not at.exception, [e.value for e in at.exception]
    pdfs = [(n, d) for n, d in downloads if n and n.endswith(".pdf")]
    assert pdfs, "a PDF download beside the HTML"
    name, data = pdfs[-1]
    assert name == f"rapport-comite-operation-op1-broad-2024-{dt.date.today().isoformat()}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [flat(p.extract_text()) for p in reader.pages]
    # one A4 page per section, the heading at the top of its page
    assert len(pages) == 6
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    for page, heading in zip(pages, ["Chiffres clés", "Heures prévues et réalisées par année",
                                     "Sorties en fin de parcours et à 6 mois", "Planchers ANRU",
                                     "Évolution et comparaison régionale", "Ce qui est masqué et pourquoi"]):
        assert heading in page[:400], (heading, page[:400])
    text = " ".join(pages)
    assert "Édité le" in text and "base de données du 1er décembre 2026 à 10:00" in text
    # the figures are the marts' ones, end of path and 6 months
    args = dict(year_from=2024, year_to=2024, operation="OP1")
    end = _mart(db_path, "select * from mart_exits('total', timepoint := 'end', year_from := ?, year_to := ?, "
                         "operation := ?)", args.values())
    six = _mart(db_path, "select * from mart_exits('total', timepoint := '6m', year_from := ?, year_to := ?, "
                         "operation := ?)", args.values())
    hrs = _mart(db_path, "select * from mart_hours('total', year_from := ?, year_to := ?, operation := ?)",
                args.values())
    assert (end["n_leavers"], end["n_durable"], six["n_durable"]) == (40, 10, 12)  # the fixture's figures
    sorties = pages[2]
    assert f"Sortants {fmt.integer(end['n_leavers'])} {fmt.integer(six['n_leavers'])}" in sorties
    assert f"Emploi durable {fmt.integer(end['n_durable'])} {fmt.integer(six['n_durable'])}" in sorties
    assert f"Situation inconnue {fmt.integer(end['n_unknown'])} {fmt.integer(six['n_unknown'])}" in sorties
    assert flat(f"Taux de sortie dynamique {fmt.percent(end['dynamic_exit_rate'])} "
                f"{fmt.percent(six['dynamic_exit_rate'])}") in sorties
    assert flat(fmt.interval(end["ci_low"], end["ci_high"])) in sorties
    assert flat(fmt.interval(*wilson(25, 30))) in sorties  # 6 months: 25 / 30
    assert "Situation inconnue pour 14 sortants sur 40 en fin de parcours" in sorties
    assert "Taux fragile en fin de parcours" in sorties and "Taux fragile à 6 mois" not in sorties
    assert flat(f"Heures réalisées {fmt.hours(hrs['hours_worked'])}") in pages[0] or \
        flat(fmt.hours(hrs["hours_worked"])) in pages[0]
    # previous period of the same length (2023) and the region
    evo = pages[4]
    assert "période précédente de même durée (2023)" in evo
    assert "Participants 40 10 +30 40" in evo  # 2024, 2023 (10 people), difference, region in 2024 (one operation)
    assert "Ce qui est masqué et pourquoi" in pages[5] and "« s »" in pages[5]
    # the HTML shown on the page holds the same figures
    html_doc = at.get("iframe")[0].proto.srcdoc
    assert "Situation inconnue pour 14 sortants sur 40" in html_lib.unescape(html_doc)
