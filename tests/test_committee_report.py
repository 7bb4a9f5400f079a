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


# --- the previous-period difference never un-masks ----------------------------------------------

def _frame(**row):
    base = {"dimension": "total", "value": "total", "label": None, "is_total": True, "sort_key": 1}
    return pd.DataFrame([{**base, **row}])


def _figures(label, participants, participants_masked, durable, durable_masked):
    ex = _frame(n_leavers=participants, n_known=participants, n_unknown=0, n_durable=durable,
                n_durable_masked=durable_masked, is_masked=participants_masked, dynamic_exit_rate=None,
                dynamic_exit_rate_masked=True)
    return report.Figures.of(label, _frame(hours_worked=1000.0, is_masked=False),
                             _frame(n_participants=participants, is_masked=participants_masked),
                             {"end": ex, "6m": ex})


def test_difference_with_a_masked_previous_value_is_masked():
    cur = _figures("2024", 40, False, 12, False)
    prev = _figures("2023", 9, False, None, True)  # the mart masks 2023's durable count (say 3)
    assert report.difference(cur.participants, prev.participants, "n_participants", "int") == "+31"
    assert report.difference(cur.exits["end"], prev.exits["end"], "n_durable", "int") == fmt.MASK
    assert report.difference(prev.exits["end"], cur.exits["end"], "n_durable", "int") == fmt.MASK
    assert report.difference(cur.hours, prev.hours, "hours_worked", "hours") == "0\u00a0h"
    doc = report.render(title="T", scope="S", info={}, current=cur, hours_by_year=pd.DataFrame(),
                        exits_by_public=pd.DataFrame(), exits_by_gender=pd.DataFrame(), anru_floors=None,
                        threshold=5, previous=prev, previous_note="n", region=None,
                        printed=dt.date(2026, 12, 1))
    text = flat(html_lib.unescape(re.sub(r"<[^>]+>", " ", doc.split("</style>")[1])))
    assert "Emploi durable (fin de parcours) 12 s s" in text  # current, previous masked, difference masked
    assert "+9" not in text and "−9" not in text  # 12 - 3: never printed
    assert "Participants 40 9 +31" in text
    assert "Édité le 1er décembre 2026" in text
    assert re.search(r"Dans ce rapport, \d+ valeurs sont masquées", text)


def test_report_escapes_text_from_files():
    cur = _figures("2024", 40, False, 12, False)
    floors = pd.DataFrame([{"operation_name": "<script>alert(1)</script>", "buyer_name": "A & B <i>",
                            "lot_kind": "gup", "floor_hours": 10.0, "is_computable": True, "is_masked": False,
                            "sort_key": 1, "is_total": False}])
    doc = report.render(title="Comité — <b>Op</b>", scope="<img src=x onerror=alert(1)>", info={}, current=cur,
                        hours_by_year=pd.DataFrame(), exits_by_public=pd.DataFrame(),
                        exits_by_gender=pd.DataFrame(), anru_floors=floors, threshold=5)
    assert "<script>alert" not in doc and "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "<img" not in doc and "&lt;img src=x" in doc
    assert "<b>Op</b>" not in doc and "A &amp; B &lt;i&gt;" in doc


def test_pdf_fetches_nothing(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    weasyprint = pytest.importorskip("weasyprint")
    # a stylesheet named in the document is never read (the report is self-contained): if it were,
    # it would hide the paragraph
    sheet = tmp_path / "hide.css"
    sheet.write_text("p { display: none }", encoding="utf-8")
    doc = f"<html><head><link rel='stylesheet' href='{sheet.as_uri()}'></head><body><p>visible</p></body></html>"
    with pytest.raises(ValueError):
        report._no_fetch_class()().fetch(sheet.as_uri())
    pdf = report.to_pdf(doc)
    assert "visible" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # the same document with WeasyPrint's default fetcher does read it (the check above can fail)
    fetched = weasyprint.HTML(string=doc).write_pdf()
    assert "visible" not in pypdf.PdfReader(io.BytesIO(fetched)).pages[0].extract_text()


# --- exports that describe themselves ----------------------------------------------------------

def test_xlsx_has_an_about_sheet_and_date_cells():
    df = pd.DataFrame({"Fichier": ["=HYPERLINK(\"http://x\")", "b.csv"],
                       "Chargé le": pd.Series([dt.date(2026, 12, 1), None], dtype=object),
                       "Lignes": [12, 3]})
    about = exports.about_rows(title="Qualité des données — journal", filters=[("Département", "59 Nord (59)")],
                               period="2024", built="1er décembre 2026 à 10:00", sources="démo",
                               columns=[("Fichier", "Fichier lu."), ("Chargé le", "Date (jj/mm/aaaa).")])
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(df, about=about)))
    assert wb.sheetnames == ["Données", "À propos"]
    ws = wb["Données"]
    assert ws.cell(row=2, column=2).is_date and ws.cell(row=2, column=2).number_format == "DD/MM/YYYY"
    assert ws.cell(row=2, column=2).value.date() == dt.date(2026, 12, 1)
    assert ws.cell(row=2, column=1).value.startswith("'=")  # protection kept
    rows = {r[0]: r[1] for r in wb["À propos"].iter_rows(values_only=True) if r[0]}
    assert rows["Titre"] == "Qualité des données — journal"
    assert rows["Filtre : Département"] == "59 Nord (59)"
    assert rows["Période"] == "2024" and rows["Base construite le"] == "1er décembre 2026 à 10:00"
    assert rows["Sources"] == "démo" and rows["Chargé le"] == "Date (jj/mm/aaaa)."
    assert "« s »" in rows["Secret statistique"] and "1 à 4 personnes" in rows["Secret statistique"]
    types = {c.data_type for sh in wb for row in sh.iter_rows() for c in row if c.value is not None}
    assert "f" not in types
    # a workbook made without a description still has its "À propos" sheet
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(df)))
    assert wb.sheetnames == ["Données", "À propos"]


def test_page_xlsx_about_sheet_lists_filters_with_labels_and_definitions(db_path, downloads):
    at = run_page("sorties", db_path, query={"perimetre": "operation", "code": "OP1", "moment": "6m",
                                             "dep": "59 Nord"})
    at.session_state["tbl-s-total"] = True
    at.run()
    name, data = next((n, d) for n, d in reversed(downloads) if n and n.endswith(".xlsx"))
    assert "dep-59" in name and name.endswith(f"{dt.date.today().isoformat()}.xlsx")
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(data))["À propos"].iter_rows(values_only=True)
            if r[0]}
    assert rows["Titre"].startswith("Sorties vers l'emploi")
    assert rows["Filtre : Département"] == "59 Nord"  # the label (which holds the code)
    assert rows["Filtre : Périmètre du comité"] == "Une opération : OP1 · Opération test"
    assert rows["Filtre : Moment"] == "6 mois après la sortie"
    assert rows["Période"] == "toutes années"
    assert rows["Base construite le"] == "1er décembre 2026 à 10:00"
    assert rows["Taux de sortie dynamique (%)"].startswith("Taux de sortie dynamique = sorties dynamiques")
    assert rows["Fiabilité"].startswith("« fragile »")


def test_csv_name_carries_page_main_filter_and_date(db_path, downloads):
    at = run_page("heures", db_path, query={"operation": "OP1", "annee_min": "2024",
                                            "annee_max": "2024"})
    assert not at.exception
    at.session_state["tbl-h-year"] = True
    at.run()
    names = [n for n, _ in downloads if n and n.endswith(".csv")]
    assert names and all(n.startswith("heures-d-insertion-") for n in names), names
    assert all(f"-operation-op1-2024-{dt.date.today().isoformat()}.csv" in n for n in names), names


def test_report_cli_gives_the_exits_six_months_after(db_path, capsys):
    import json

    from pipelines import report as report_cli

    assert report_cli.main(["--db", str(db_path), "--year", "2024", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == report_cli.KEYS and report_cli.KEYS[-8:] == list(report_cli.EXIT_KEYS)
    # 2024: 40 leavers; at 6 months 30 known, 10 unknown, 12 CDI, rate 25 / 30; 10 CDI at the end
    assert (out["durable_end"], out["exits_leavers_6m"], out["exits_known_6m"], out["exits_unknown_6m"],
            out["durable_6m"]) == (10, 40, 30, 10, 12)
    assert out["dynamic_exit_rate_6m"] == pytest.approx(25 / 30)
    assert (out["dynamic_exit_rate_6m_ci_low"], out["dynamic_exit_rate_6m_ci_high"]) == \
        pytest.approx(wilson(25, 30), abs=1e-4)


def test_long_dates_write_the_first_of_the_month_1er():
    assert fmt.date(dt.date(2026, 12, 1), long=True) == "1er décembre 2026"
    assert fmt.date(dt.datetime(2026, 12, 1, 9, 5), long=True) == "1er décembre 2026 à 09:05"
    assert fmt.date(dt.date(2026, 12, 2), long=True) == "2 décembre 2026"


# --- the ANRU section: the figures of mart_anru_floors (those Objectifs shows) --------------------

def _anru_section(doc: str) -> list[list[str]]:
    """The rows (cells, unescaped) of the report's ANRU table."""
    section = doc.split("<h2>Planchers ANRU</h2>", 1)[1].split("</section>", 1)[0]
    return [[html_lib.unescape(c) for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", section)]


@pytest.mark.parametrize("de, a, years, masked", [
    ("2023", "2024", (None, None), False),  # every year: no year filter, as the sidebar
    ("2023", "2023", (2023, 2023), True),  # a year: the kind split of QPV hours is masked (mart_anru_floors)
])
def test_report_anru_section_shows_the_anru_floors_of_objectifs(db_path, de, a, years, masked):
    at = run_page("rapport", db_path, query={**REPORT_Q, "de": de, "a": a})
    assert not at.exception, [e.value for e in at.exception]
    rows = _anru_section(at.get("iframe")[0].proto.srcdoc)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        mart = con.execute("select * from mart_anru_floors(year_from := ?, year_to := ?, operation := 'OP1') "
                           "order by sort_key", list(years)).df()
    finally:
        con.close()
    # (the fixture's lot is of 2023: none in 2024)
    empty = run_page("rapport", db_path, query=REPORT_Q).get("iframe")[0].proto.srcdoc
    assert _anru_section(empty) == [] and "Aucun lot d'investissement ni de GUP dans ce périmètre." in empty
    assert rows[0] == ["Opération", "Maître d'ouvrage", "Type de lots", "Heures travaillées estimées",
                       "Plancher (part)", "Plancher (h)", "Heures des résidents QPV", "Part QPV", "Plancher"]
    # the fixture's one works lot (masonry): 100 000 EUR x 50 % / 30 EUR/h = 1 667 h, floor 5 % = 83 h;
    # its people are not QPV residents: 0 h of QPV residents, under the floor (shown for all years)
    assert len(rows) - 1 == len(mart) == 2  # the operation's investment row and the investment total
    qpv, share, verdict = ("s", "s", "s") if masked else ("0", f"0,0{P}", "Sous le plancher")
    assert rows[1] == ["OP1 · Opération test", "Bailleur Nord", "Investissement", "1\u202f667", f"5,0{P}", "83",
                       qpv, share, verdict]
    assert rows[2][:3] == ["Total", "—", "Investissement"] and rows[2][3:] == rows[1][3:]
    # and they are the mart's figures, row by row (masked stays masked)
    for shown, (_, m) in zip(rows[1:], mart.iterrows()):
        assert (shown[0], shown[3], shown[5]) == (m["operation_name"], fmt.number(m["estimated_hours"], 0),
                                                  fmt.number(m["floor_hours"], 0))
        assert bool(m["is_masked"]) is masked and (shown[6] == "s") is masked
        if not masked:
            assert shown[6] == fmt.number(m["qpv_hours"], 0) and shown[7] == fmt.percent(m["qpv_share"])
