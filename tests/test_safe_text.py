"""Data shown safely (issue 9): text from files is rendered as text on every page.

Buyer, operation and target names, file names and reject reasons are written as Markdown links,
images, colours, LaTeX and HTML in the base tables of a copy of the tiny real build
(tests/tiny_build.py), whose SQL layer is then made again; every page is run in AppTest and
no Markdown-rendering element nor Plotly label may hold that markup unescaped, while the names
themselves are still shown. Unit tests of dashboard/text.py, of the committee report's escaping,
and of the URL filter values that are not options (the page says which filter was ignored).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import report, text
from tests.dashboard_apptest import PAGES, metrics, restore_db_env, run_page, tiny_db  # noqa: F401
from tests import tiny_build as tb

EVIL = ('![x](http://evil.example/x.png) <img src="http://evil.example/y.png"> '
        '<a href="http://evil.example/">lien</a> :red[rouge] $x^2$ [clic](http://evil.example/)')
# Markdown / HTML that must never reach a renderer from data
MARKUP = ["![", "](http", "<img", "<a ", ":red[", "$x^2$", "[clic]"]


def hostile(name: str) -> str:
    return f"{name} {EVIL}"


LANDLORD = hostile("Habitat")
OPERATION = hostile("Opération")
EPCI = hostile("Métropole")


@functools.lru_cache(maxsize=None)
def hostile_db() -> Path:
    """The tiny build with L1's name, its operation, the Métropole's EPCI name, the targets' labels,
    a file name, a reject reason and the data label replaced by markup in the base tables (a failed
    file added to the log), then its SQL layer made again: the marts carry the markup as data."""
    from pipelines import sql_layer

    path = Path(tempfile.mkdtemp(prefix="obs-hostile-")) / "hostile.duckdb"
    con = tb.copy_of_tiny(path)
    con.execute("update buyers_register set buyer_name = ? where buyer_id = ?", [LANDLORD, tb.L1])
    for table in ("contracts", "clause_hours", "clause_planned"):
        con.execute(f"update {table} set buyer_name = ? where buyer_siret = ?", [LANDLORD, tb.L1])
    for table in ("clause_hours", "clause_planned"):
        con.execute(f"update {table} set operation_name = ? where operation_id = ?", [OPERATION, tb.OPA])
    con.execute("update contracts set object = ? where buyer_siret = ?", [hostile("Objet"), tb.L1])
    con.execute("update ref_epci set epci_name = ? where epci_code = '200093201'", [EPCI])
    con.execute("update targets set label = ?", [hostile("Objectif")])
    for table in ("ingest_log", "rejects", "contracts"):
        con.execute(f"update {table} set source_file = ? where source_file = 'decp_2024_2025.json'",
                    [hostile("decp")])
    con.execute("update rejects set field = 'acheteur.nom', reason = ?", [f"valeur « {EVIL} » inconnue"])
    con.execute("""insert into ingest_log (source_file, sha256, kind, format, n_read, n_loaded, n_rejected,
                       n_duplicates, n_out_of_region, started_at, finished_at, status, message)
                   values (?, 'def', 'clauses', 'csv', 0, 0, 0, 0, 0, timestamp '2026-11-01 10:00:06',
                           timestamp '2026-11-01 10:00:07', 'failed', ?)""",
                [hostile("refus.csv"), "colonnes refusées : " + EVIL])
    con.execute("update build_info set value = ? where key = 'data_label'", ["données de démonstration " + EVIL])
    con.execute("update build_info set value = '1' where key = 'n_failed'")
    # made again from scratch: a materialized table made before one it reads would keep the old names
    for obj in sql_layer.load_objects():
        if obj.kind == "table":
            con.execute(f"drop table if exists {obj.name}")
    sql_layer.create_sql_layer(con)
    con.close()
    return path


def unescaped(markdown: str) -> str:
    """What Markdown sees as markup: the source with every backslash-escaped character removed."""
    return re.sub(r"\\.", "", markdown, flags=re.S)


def rendered(markdown: str) -> str:
    """The text a reader sees (escapes resolved, invisible word joiners dropped)."""
    return re.sub(r"\\(.)", r"\1", markdown, flags=re.S).replace(text.JOINER, "")


def markdown_texts(at) -> list[str]:
    """Every string Streamlit renders as Markdown on the page (main area and sidebar)."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                 "toast"):
        out += [e.value for e in getattr(at, kind)]
    out += [m.label for m in at.metric] + [m.value for m in at.metric]
    out += [e.label for e in at.expander]
    out += [w.label for kind in ("selectbox", "button", "download_button") for w in getattr(at, kind)]
    return [str(v) for v in out if v is not None]


def plotly_strings(at) -> list[str]:
    """Every shown string of every Plotly figure (templates are the page's own markup)."""
    out = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("hovertemplate", "texttemplate", "template"):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.append(node)

    for el in at.get("plotly_chart"):
        walk(json.loads(el.proto.spec))
    return out


def assert_no_markup(strings: list[str], where: str) -> None:
    for s in strings:
        seen = unescaped(s)
        for m in MARKUP:
            assert m not in seen, f"{where}: {m!r} from data reaches Markdown in {s!r}"


def run_hostile(page, query=None, setup=None):
    at = run_page(page, hostile_db(), query=query)
    if setup:
        setup(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- every page -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_markup_from_data(page):
    at = run_hostile(page)
    assert_no_markup(markdown_texts(at), page)
    for s in plotly_strings(at):
        for m in ("<img", "<a ", "<a\u00a0"):
            assert m not in s, f"{page}: live HTML {m!r} in a Plotly label {s!r}"
    # the data-label of the build (shown in the footer on every page) is escaped, not dropped
    assert any("données de démonstration ![x](http://evil.example/x.png)" in rendered(c.value) for c in at.caption)


def _shown(at) -> str:
    return "\n".join(rendered(s) for s in markdown_texts(at))


def test_accueil_scope_line_shows_the_landlord_name_as_text():
    at = run_hostile("accueil", query={"bailleur": LANDLORD})
    assert at.selectbox(key="bailleur").value == tb.L1[:9]
    assert_no_markup(markdown_texts(at), "accueil")
    assert f"bailleur social : {LANDLORD}" in _shown(at)


def test_bailleurs_summary_and_distribution_labels_are_text():
    at = run_hostile("bailleurs", query={"bailleur": LANDLORD})
    assert_no_markup(markdown_texts(at), "bailleurs")
    assert f"{LANDLORD} est en rouge" in _shown(at)
    labels = plotly_strings(at)
    assert any(s.startswith("Habitat ![x](http://evil.example/x.png) &lt;img") for s in labels), labels
    assert not any("<img" in s for s in labels)


def test_objectifs_target_card_and_floor_chart_are_text():
    at = run_hostile("objectifs")
    assert_no_markup(markdown_texts(at), "objectifs")
    assert hostile("Objectif") in _shown(at) and LANDLORD in _shown(at)
    labels = plotly_strings(at)
    assert any("&lt;a href=" in s and "Opération ![x](http://evil.example/x.png) &lt;img" in s for s in labels), labels


def test_qualite_failed_file_and_reject_reason_are_text():
    at = run_hostile("qualite")
    assert_no_markup(markdown_texts(at), "qualite")
    shown = _shown(at)
    assert f"{hostile('refus.csv')} (colonnes refusées : {EVIL})" in shown  # the st.error of failed files
    assert f"« valeur « {EVIL} » inconnue »" in shown  # the most frequent reason


def test_breakdown_chart_labels_and_summary_are_text():
    at = run_hostile("marches_clauses")
    at.selectbox(key="mc_dim").select("epci").run()
    assert not at.exception
    assert_no_markup(markdown_texts(at), "marches_clauses")
    labels = plotly_strings(at)
    assert text.plot(EPCI) in labels, labels
    at = run_hostile("heures")
    at.selectbox(key="h_dim").select("operation_epci").run()
    assert_no_markup(markdown_texts(at), "heures")
    assert any(EPCI in rendered(c.value) for c in at.caption)  # "Première valeur : <EPCI>, ..."


def test_territoires_map_hover_text_is_escaped():
    at = run_hostile("territoires")
    at.segmented_control(key="t_level").set_value("epci").run()
    assert not at.exception
    labels = plotly_strings(at)
    assert text.plot(EPCI) in labels and EPCI not in labels


def test_tables_stay_plain_text_cells():
    # st.dataframe shows cells as text: the names are there as they are, no link or image column
    at = run_hostile("qualite")
    cells = {str(v) for d in at.dataframe for v in d.value.to_numpy().ravel()}
    assert hostile("refus.csv") in cells
    for d in at.dataframe:
        config = d.proto.columns or ""
        assert '"image"' not in config
        if '"link"' in config:  # only the fiche links the dashboard builds (digits, URL-quoted codes)
            links = d.value["Fiche"].dropna().tolist()
            assert links and all(re.fullmatch(r"acheteur\?acheteur=\d{9}|operation\?operation=[A-Za-z0-9%._~-]+", x)
                                 for x in links), links


# --- the helper -----------------------------------------------------------------------------

def test_md_escapes_markdown_streamlit_and_html_markup():
    assert text.md("![x](http://evil/x.png)") == "!\\[x\\](http\\:\u2060//evil/x.png)"
    assert text.md(":red[rouge] :material/home:") == "\\:red\\[rouge\\] \\:material/home:"
    assert text.md("$x^2$ <b>gras</b> &amp;") == "\\$x^2\\$ \\<b\\>gras\\</b\\> \\&amp;"
    assert text.md("*gras* _it_ `code` ~~barré~~ | # @") == "\\*gras\\* \\_it\\_ \\`code\\` \\~\\~barré\\~\\~ \\| \\# \\@\u2060"
    # GFM autolinks are found after escapes are resolved: a word joiner breaks them
    assert text.md("www.evil.example") == "www\u2060.evil.example"
    assert text.md("a@evil.example") == "a\\@\u2060evil.example"
    assert text.md("https://evil.example") == "https\\:\u2060//evil.example"
    assert text.md("a\\b") == "a\\\\b"


def test_md_keeps_ordinary_french_text_and_neutralises_line_starts():
    assert text.md("Habitat du Nord (fictif) : L'Alma, lot 2.") == "Habitat du Nord (fictif) : L'Alma, lot 2."
    assert text.md("- pas une liste") == "\\- pas une liste"
    assert text.md("+ non") == "\\+ non"
    assert text.md("12. pas une liste") == "12\\. pas une liste"
    assert text.md("# titre\n\n| a | b |\n|---|---|") == "\\# titre \\| a \\| b \\| \\|---\\|---\\|"
    assert text.md(None) == "—" and text.md(float("nan")) == "—"
    assert text.md("x" * 50, limit=10) == "x" * 9 + "…"
    assert text.md("a\x00b\x1fc") == "abc"


def test_md_output_has_no_markup_left():
    for s in [EVIL, "[a](javascript:alert(1))", "<script>alert(1)</script>", ":blue-background[x]", "$$\nx\n$$"]:
        escaped = text.md(s)
        assert rendered(escaped) == " ".join(s.split())  # the reader sees the value itself
        for m in MARKUP + ["<script", "](javascript", ":blue-background[", "$$"]:
            assert m not in unescaped(escaped), (s, escaped)
        # what GFM's autolink literal looks for in the parsed text
        assert not re.search(r"(?i)https?://|www\.|@[-\w]", re.sub(r"\\(.)", r"\1", escaped)), escaped


def test_plot_escapes_plotly_pseudo_html_only():
    assert text.plot('<a href="http://e">x</a> & <b>') == '&lt;a href="http://e"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    assert text.plot("L'Alma") == "L'Alma"  # quotes stay: Plotly would show &quot; as is
    assert text.plot(12.5) == 12.5 and text.plot(None) is None


def test_safe_figure_escapes_every_label_and_keeps_numbers():
    fig = go.Figure()
    fig.add_bar(x=["<a href='http://e'>A</a>", "B"], y=[1, -2], name="<b>série</b>",
                text=["<img src=x>", "s"], customdata=[["<i>c</i>", 3], ["d", 4]],
                hovertemplate="%{x}<br>%{y}<extra></extra>")
    fig.add_trace(go.Scatter(x=[1.5, 2.5], y=pd.Series(["<sup>y</sup>", "z"]), hovertext=["<a href=x>h</a>", "k"]))
    fig.add_hline(y=1, annotation_text="<a href='http://e'>médiane</a>")
    fig.update_layout(title="<a href='http://e'>titre</a>", xaxis=dict(title="<b>axe</b>"),
                      yaxis2=dict(title="<i>axe 2</i>", ticktext=["<a>t</a>"], tickvals=[1]),
                      legend=dict(title=dict(text="<b>légende</b>")))
    text.safe_figure(fig)
    spec = json.loads(fig.to_json())
    bar, scatter = spec["data"]
    assert bar["x"] == ["&lt;a href='http://e'&gt;A&lt;/a&gt;", "B"]
    assert bar["name"] == "&lt;b&gt;série&lt;/b&gt;"
    assert bar["text"] == ["&lt;img src=x&gt;", "s"]
    assert bar["customdata"] == [["&lt;i&gt;c&lt;/i&gt;", 3], ["d", 4]]
    assert bar["hovertemplate"] == "%{x}<br>%{y}<extra></extra>"  # the page's own markup is kept
    assert scatter["y"] == ["&lt;sup&gt;y&lt;/sup&gt;", "z"]
    assert scatter["hovertext"] == ["&lt;a href=x&gt;h&lt;/a&gt;", "k"]
    assert list(fig.data[1].x) == [1.5, 2.5]  # numbers untouched
    assert list(fig.data[0].y) == [1, -2]
    layout = spec["layout"]
    assert layout["title"]["text"] == "&lt;a href='http://e'&gt;titre&lt;/a&gt;"
    assert layout["xaxis"]["title"]["text"] == "&lt;b&gt;axe&lt;/b&gt;"
    assert layout["yaxis2"]["title"]["text"] == "&lt;i&gt;axe 2&lt;/i&gt;"
    assert layout["yaxis2"]["ticktext"] == ["&lt;a&gt;t&lt;/a&gt;"]
    assert layout["legend"]["title"]["text"] == "&lt;b&gt;légende&lt;/b&gt;"
    assert layout["annotations"][0]["text"] == "&lt;a href='http://e'&gt;médiane&lt;/a&gt;"


def test_safe_figure_keeps_map_locations():
    fig = go.Figure(go.Choroplethmap(geojson={"type": "FeatureCollection", "features": []},
                                     locations=["59&1"], z=[1], text=["<a href=x>Nord</a>"],
                                     colorbar=dict(title=dict(text="<b>t</b>"))))
    text.safe_figure(fig)
    assert list(fig.data[0].locations) == ["59&1"]  # geojson ids, not labels
    assert list(fig.data[0].text) == ["&lt;a href=x&gt;Nord&lt;/a&gt;"]
    assert fig.data[0].colorbar.title.text == "&lt;b&gt;t&lt;/b&gt;"


# --- committee report -----------------------------------------------------------------------

def test_committee_report_escapes_every_data_text():
    def rows(value, label, **cols):
        return pd.DataFrame([dict(value=value, label=label, is_total=value == "total", sort_key=0,
                                  is_masked=False, **cols)])

    hours = rows("total", None, hours_worked=100.0, hours_planned=80.0, realisation_rate=1.25, fte=0.1,
                 n_participants=10)
    by_year = pd.concat([rows(EVIL, EVIL, hours_worked=100.0, hours_planned=80.0, realisation_rate=1.25,
                              n_participants=10, dimension="year"), hours])
    exits = rows("total", None, n_leavers=10, n_known=8, n_unknown=2, n_durable=3, n_transition=1, n_positive=1,
                 n_other=3, n_dynamic=5, dynamic_exit_rate=0.625, ci_low=0.3, ci_high=0.8)
    by_public = pd.concat([rows("deld", EVIL, n_leavers=10, n_known=8, n_dynamic=5, dynamic_exit_rate=0.625,
                                ci_low=0.3, ci_high=0.8, dimension="public"), exits])
    floors = pd.DataFrame([dict(operation_name=OPERATION, buyer_name=LANDLORD, lot_kind="investment",
                                estimated_hours=200.0, floor_share=0.05, floor_hours=10.0, qpv_hours=5.0,
                                qpv_share=0.025, is_computable=True, meets_floor=False, sort_key=0,
                                is_masked=False, is_total=False)])
    doc = report.render(title=f"Comité de pilotage — {OPERATION}", scope=f"Périmètre : {OPERATION}",
                        info={"built_at": "2026-11-01T10:00:00", "data_label": EVIL}, hours_total=hours,
                        hours_by_year=by_year, participants_total=hours, exits_total=exits,
                        exits_by_public=by_public, exits_by_gender=exits, anru_floors=floors, threshold=5,
                        printed=dt.date(2026, 12, 1))
    assert "<img" not in doc and "<a " not in doc
    # the report's own markup only: one button, no other tag with an attribute from data
    assert re.findall(r"<(\w+)[^>]*\shref=", doc) == []
    assert doc.count(report._e(EVIL)) >= 3  # chart label, table cell, targets... shown as text
    assert f"<span class='lab'>{report._e(EVIL)}</span>" in doc  # the CSS bar chart's label


# --- URL filter values that are not options -------------------------------------------------

def _notes(at) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("Filtre ignoré")]


def test_unknown_departement_in_the_url_is_said_not_silently_dropped():
    at = run_page("accueil", tiny_db(), query={"dep": "99"})
    assert not at.exception
    assert _notes(at) == ["Filtre ignoré : département « 99 » inconnu ; ce filtre de l'adresse de la page "
                          "n'est pas appliqué."]
    assert at.selectbox(key="dep").value == "__all__"
    assert metrics(at)["Considération sociale"] == "66,7\u00a0%"  # the whole region (10 / 15), as the note says


def test_ignored_url_filter_note_follows_pages_until_the_filter_is_set():
    at = run_page("accueil", tiny_db(), query={"operation": "OP9", "annee_min": "1990"})
    notes = _notes(at)
    assert len(notes) == 2
    assert "année de début « 1990 » absente des données (2023 à 2025)" in notes[0]
    assert "opération « OP9 » inconnue" in notes[1]
    at.switch_page("pages/heures.py").run()
    assert len(_notes(at)) == 2  # said on the page the link opened and the next ones
    at.selectbox(key="annee_min").select(2024).run()
    assert [n for n in _notes(at) if "année" in n] == []  # chosen now: nothing ignored any more
    assert len(_notes(at)) == 1


def test_url_filter_written_as_a_code_is_applied():
    # before: « département « 59 » écrit sous forme de code : l'adresse attend le libellé « 59 Nord » »
    # and the filter was not applied; the URL now holds codes (dashboard/filters.py)
    at = run_page("accueil", tiny_db(), query={"dep": "59"})
    assert _notes(at) == [] and at.selectbox(key="dep").value == "59"


def test_valid_url_filter_gives_no_note_and_hostile_url_value_is_escaped():
    at = run_page("accueil", tiny_db(), query={"dep": "59 Nord", "annee_min": "2024"})
    assert _notes(at) == []
    at = run_page("accueil", tiny_db(), query={"bailleur": EVIL})
    notes = _notes(at)
    assert len(notes) == 1 and "bailleur social « " in notes[0]
    assert_no_markup(notes, "URL note")
    assert EVIL[:80 - 1] in rendered(notes[0])  # the value is quoted as text, cut at 80 characters


def _url_notes(at) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith(("Paramètre d'adresse", "Filtre "))]


def test_url_parameter_that_no_filter_reads_is_said():
    # before: ?annee=2023 (the filter is annee_min / annee_max) showed every year without a word
    at = run_page("accueil", tiny_db(), query={"annee": "2023", "departement": "59 Nord"})
    notes = _url_notes(at)
    assert [n.split(" n'est pas")[0] for n in notes] == [
        "Paramètre d'adresse ignoré : « annee »", "Paramètre d'adresse ignoré : « departement »"]
    assert "filtres reconnus : annee_min, annee_max, dep," in notes[0]


def test_filter_given_twice_in_the_url_says_which_value_is_applied():
    # before: ?dep=59 Nord&dep=62 Pas-de-Calais applied 62 and dropped 59 without a word
    at = run_page("accueil", tiny_db(), query={"dep": ["59 Nord", "62 Pas-de-Calais"]})
    notes = _url_notes(at)
    assert notes == ["Filtre département donné 2 fois dans l'adresse : seule la dernière valeur "
                     "(« 62 Pas-de-Calais ») est appliquée, les autres sont ignorées (une seule valeur par filtre)."]


def test_feminine_filter_unknown_agrees_and_a_code_is_applied():
    at = run_page("accueil", tiny_db(), query={"epci": "999999999"})
    assert [n.split(" ; ")[0] for n in _notes(at)] == [
        "Filtre ignoré : intercommunalité (EPCI) « 999999999 » inconnue"]
    # an EPCI and an operation by their codes: applied, no note
    at = run_page("accueil", tiny_db(), query={"epci": "200093201", "operation": tb.OPA})
    assert _notes(at) == [] and at.selectbox(key="epci").value == "200093201"
    assert at.selectbox(key="operation").value == tb.OPA


def test_objectifs_burnup_explanation_is_text():
    at = run_hostile("objectifs", query={"bailleur": LANDLORD})
    assert not at.exception
    assert_no_markup(markdown_texts(at), "objectifs")
    assert hostile("Objectif") in _shown(at)
