"""Page furniture shared by every page: header with the demo mark, database checks, KPI tiles,
charts with their summary and table alternative, tables with downloads, empty states, footer.
"""
from __future__ import annotations

import re
import runpy
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import db, exports
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard.tables import Col, has_masked, present

MASK_NOTE = ("« s » : valeur masquée (secret statistique : moins de {n} personnes, ou masquage "
             "secondaire pour qu'elle ne puisse pas être recalculée).")
DEMO_LABEL = "données de démonstration"

BUILD_HELP = (
    "La base de données de l'observatoire est introuvable : {path_md}.\n\n"
    "Pour la construire à partir des données de démonstration :\n\n"
    "```\nmake build\n```\n\n"
    "ou, avec vos propres fichiers :\n\n"
    "```\npython -m pipelines build --db {path} --decp DOSSIER_DECP --clauses DOSSIER_CLAUSES "
    "--buyers acheteurs.csv --targets objectifs.csv\n```\n\n"
    "Le tableau de bord lit le chemin indiqué par la variable d'environnement `OBSERVATOIRE_DB`."
)


_APP = threading.local()


@contextmanager
def in_app():
    """Mark this script run as going through app.py (see `route_through_app`)."""
    _APP.on = True
    try:
        yield
    finally:
        _APP.on = False


def route_through_app() -> None:
    """Run app.py instead when Streamlit runs a page file on its own.

    On a fresh server's first run (and in every AppTest run) Streamlit 1.67 still treats `pages/`
    as a multipage-v1 folder and may execute a page file directly, without app.py's sidebar
    filters, navigation and footer. The page then hands over to app.py and stops.
    """
    if getattr(_APP, "on", False):
        return
    from pipelines.settings import PROJECT_ROOT

    runpy.run_path(str(PROJECT_ROOT / "app.py"), run_name="__main__")
    st.stop()


def open_home() -> None:
    """The hidden page at /accueil: Accueil (the default page, served at "/"), with the same query."""
    try:
        params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    except Exception:  # noqa: BLE001
        params = {}
    st.switch_page("pages/accueil.py", query_params={k: v[-1] for k, v in params.items() if v})


def slug(text: str) -> str:
    """File-name-safe version of a French title."""
    import unicodedata

    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-") or "export"


def set_french_lang() -> None:
    """Make the HTML document French (Streamlit writes lang="en")."""
    st.html(
        "<script>document.documentElement.lang = 'fr';"
        "document.documentElement.setAttribute('xml:lang', 'fr');</script>",
        unsafe_allow_javascript=True,
    )


def require_database() -> dict[str, str]:
    """Stop the page with a how-to-build message when the database is missing; return build_info."""
    try:
        db.signature()
        db.connection()
        return db.build_info()
    except db.DatabaseMissing as exc:
        st.error("Base de données absente ou illisible.", icon=":material/database:")
        path = str(exc.path)
        st.markdown(BUILD_HELP.format(path_md=txt.md(path), path=path.replace("`", "")))
        if exc.detail:
            st.caption(f"Détail : {txt.md(exc.detail, limit=500)}")
        st.stop()


def is_demo(info: dict[str, str]) -> bool:
    return DEMO_LABEL in (info.get("data_label") or "").lower()


def header(title: str, intro: str | None = None) -> dict[str, str]:
    """Title, demo-data mark and intro of a page; returns build_info."""
    db.reset_query_log()
    info = require_database()
    st.session_state["_obs_page_title"] = title
    st.session_state["_obs_export_extra"] = {}
    st.title(title)
    if is_demo(info):
        st.warning(
            "**Données de démonstration** : acheteurs, entreprises et personnes fictifs, "
            "communes et EPCI réels. Ces chiffres ne décrivent pas la région.",
            icon=":material/science:",
        )
    from dashboard import access, audience, filters

    audience.banner(access.current())
    for note in filters.url_notes():
        st.warning(note, icon=":material/filter_alt_off:")
    if intro:
        st.markdown(intro)
    return info


def need(*names: str) -> bool:
    """True when every mart exists; otherwise shows which are missing and returns False."""
    missing = [n for n in names if not db.has(n)]
    if missing:
        st.info(
            "Cet indicateur n'est pas encore disponible dans la base : "
            + ", ".join(f"`{m}`" for m in missing)
            + ". Reconstruisez la base avec une version à jour (`make build`).",
            icon=":material/construction:",
        )
        return False
    return True


def empty(message: str = "Aucune donnée pour ces filtres.") -> None:
    """The empty state of a block (`message` is plain text: shown as written)."""
    st.info(txt.md(message) + " Élargissez la période ou retirez un filtre dans le panneau de gauche.",
            icon=":material/filter_alt_off:")


def no_people(total_row) -> bool:
    """True when a people mart's total row counts nobody (and is not masked): no execution data."""
    if total_row is None:
        return True
    n = total_row.get("n_participants")
    masked = bool(total_row.get("is_masked")) if not fmt.is_null(total_row.get("is_masked")) else False
    return not masked and (fmt.is_null(n) or float(n) == 0)


def people_scope_note(total_row) -> None:
    """Say why every people figure is masked when the filters leave the bounded space
    (docs/secrecy.md): the people marts give the reason on their total row."""
    if total_row is None:
        return
    reason = total_row.get("mask_reason")
    if not fmt.is_null(reason) and reason:
        st.warning(str(reason), icon=":material/lock:")


def mask_note() -> None:
    # the threshold the database was built with (the masking applied), not the app's environment
    st.caption(MASK_NOTE.format(n=db.built_setting("secrecy_threshold")))


def describe_export(label: str, value: str) -> None:
    """A setting of the page (a committee's perimeter, a moment...) written into its exports: the
    "À propos" sheet lists it with the filters."""
    st.session_state.setdefault("_obs_export_extra", {})[label] = value


def _main_filter() -> str:
    """The main filter of the view as a file-name part (codes): `operation-npnru-59599-095`, `dep-59`."""
    from dashboard import filters

    f = filters.current()
    for key in ("operation", "landlord", "epci", "departement", "sector", "buyer_type"):
        value = getattr(f, key)
        if value is not None:
            return f"{filters.KEYS[key]}-{value}"
    return "region"


def export_file_name(name: str, ext: str, when=None) -> str:
    """`<page>-<name>-<main filter>-<period>-<date>.<ext>`: the page, the main filter and the date."""
    import datetime as dt

    from dashboard import filters

    f = filters.current()
    page = slug(st.session_state.get("_obs_page_title", "")) if st.session_state.get("_obs_page_title") else ""
    period = ""
    if f.year_from is not None or f.year_to is not None:  # None: the first / last year of the data
        ys = filters.years()
        a, b = f.year_from or (ys[0] if ys else ""), f.year_to or (ys[-1] if ys else "")
        period = str(a) if a == b else f"{a}-{b}"
    parts = [page, slug(name), slug(_main_filter()), period, (when or dt.date.today()).isoformat()]
    return "-".join(p for p in parts if p) + f".{ext}"


def export_about(name: str, columns: list[Col] | None, export: pd.DataFrame) -> list[tuple]:
    """The "À propos" rows of an export of this page (dashboard/exports.py `about_rows`)."""
    from dashboard import definitions, filters
    from pipelines import settings

    f = filters.current()
    try:
        names = filters.names()
    except Exception:  # noqa: BLE001 - options unavailable: codes stand in for labels
        names = {}
    shown = []
    for key, value in f.active().items():
        if key in ("year_from", "year_to"):
            continue
        if key in ("buyer_type", "sector"):
            label = txt_label(key, value)
        else:
            label = names.get(key, {}).get(value, value)
        shown.append((filters.LABELS[key], str(label) if str(value) in str(label) else f"{label} ({value})"))
    shown += list(st.session_state.get("_obs_export_extra", {}).items())
    ys = filters.years()
    a, b = f.year_from or (ys[0] if ys else "…"), f.year_to or (ys[-1] if ys else "…")
    period = ("toutes années" if f.year_from is None and f.year_to is None
              else str(a) if a == b else f"{a} à {b}")
    info = db.build_info()
    cols = []
    by_label = {c.label: c for c in (columns or [])}
    from dashboard.tables import export_label

    by_export = {export_label(c): c for c in (columns or [])}
    for header in export.columns:
        col = by_export.get(header) or by_label.get(header)
        cols.append((header, definitions.of(col) if col is not None else ""))
    title = st.session_state.get("_obs_page_title", "Observatoire des clauses sociales")
    return exports.about_rows(
        title=f"{title} — {name}", filters=shown or None, period=period,
        built=fmt.date(info.get("built_at"), long=True) if info.get("built_at") else None,
        sources=f"{info.get('data_label', '')} ; {info.get('n_files', '—')} fichiers chargés (marchés publics "
                "DECP, suivis d'exécution des facilitateurs, registre des acheteurs, objectifs)",
        columns=cols, threshold=settings.get("secrecy_threshold"))


def txt_label(key: str, value) -> str:
    from dashboard import glossary

    return glossary.label(key, value)


def downloads(export: pd.DataFrame, name: str, key: str, columns: list[Col] | None = None) -> None:
    """CSV and XLSX download buttons for an export frame (files made on click, not on every run).
    File names carry the page, the main filter and the date; the XLSX has an "À propos" sheet."""
    # the description is read now, in the script run (the file itself is made on click, outside it)
    about = export_about(name, columns, export)
    with st.container(horizontal=True):
        st.download_button("CSV", lambda: exports.to_csv_bytes(export), file_name=export_file_name(name, "csv"),
                           mime=exports.CSV_MIME, key=f"csv-{key}", icon=":material/download:",
                           on_click="ignore", help="Télécharger en CSV (séparateur point-virgule, virgule décimale)")
        st.download_button("Excel", lambda: exports.to_xlsx_bytes(export, about=about),
                           file_name=export_file_name(name, "xlsx"),
                           mime=exports.XLSX_MIME, key=f"xlsx-{key}", icon=":material/download:",
                           on_click="ignore", help="Télécharger au format Excel (XLSX)")


@st.cache_data(max_entries=256, show_spinner=False)
def _present_cached(df: pd.DataFrame, columns: tuple[Col, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return present(df, list(columns))


def _present(df: pd.DataFrame, columns: list[Col]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`present`, cached per rows and columns: formatting every cell in French (babel) was the
    largest part of a rerun on table-heavy pages (pipelines.bench profile)."""
    try:
        return _present_cached(df, tuple(columns))
    except Exception:  # a frame Streamlit cannot hash: format it again
        return present(df, columns)


def table(df: pd.DataFrame, columns: list[Col], name: str, *, key: str | None = None,
          height: int | str = "auto") -> pd.DataFrame:
    """Show rows as a French table with its downloads; returns the display frame. Rows naming a
    buyer or an operation get a link to its fiche (dashboard/entities.py)."""
    from dashboard import entities

    display, export = _present(df, columns)
    links = entities.link_column(df)
    if links is not None and links.notna().any():
        shown = display.assign(Fiche=links.to_numpy())
        st.dataframe(shown, hide_index=True, height=height, column_config={"Fiche": entities.link_config()})
    else:
        st.dataframe(display, hide_index=True, height=height)
    if has_masked(display):
        mask_note()
    downloads(export, name, key or slug(name), columns)
    return display


# No Plotly mode bar: Streamlit's Plotly bundle has no French locale (`locale: 'fr'` leaves every
# tooltip in English) and Streamlit adds its own English "Fullscreen" button to it. The data of a
# chart is downloaded from its table (CSV, XLSX) below the chart.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False}


@dataclass(frozen=True)
class Prepared:
    """A figure already escaped and styled (from `figure`): `chart` draws it as it is."""
    fig: object


def _prepare(fig, height: int | None):
    txt.safe_figure(fig)
    fmt.style_figure(fig, height=height)
    return fig


@st.cache_resource(max_entries=512, show_spinner=False)
def _figure_cached(_build, build_id: str, args: tuple, kwargs: tuple, height: int | None):
    return _prepare(_build(*args, **dict(kwargs)), height)


def figure(build, *args, height: int | None = 380, **kwargs) -> Prepared:
    """`build(*args, **kwargs)` -> a Plotly figure, escaped and styled once per arguments.

    A rerun whose data did not change (same frames, same options) gets the same prepared figure
    back without building, validating, escaping or styling it again. `build` must be a
    module-level function whose result depends only on its arguments (frames, labels, options):
    it is cached by its qualified name and its arguments, for every session (the arguments carry
    what a role may see). The cached figure is shared: nothing may modify it afterwards.
    """
    build_id = f"{build.__module__}.{build.__qualname__}"
    return Prepared(_figure_cached(build, build_id, args, tuple(sorted(kwargs.items())), height))


def chart(fig, summary: str, df: pd.DataFrame, columns: list[Col], name: str, *, key: str | None = None,
          height: int = 380) -> None:
    """A Plotly chart, its one-line text summary, and its table alternative with downloads.

    Labels and `summary` are plain text (data from files stays text, dashboard/text.py): the
    figure's labels are escaped here, so a page passes raw names and keeps data text out of
    `hovertemplate` strings. `fig` is a Plotly figure (escaped and styled here, on every rerun)
    or, better, a `Prepared` one from `figure(build, ...)` (built once per data).
    """
    fig = fig.fig if isinstance(fig, Prepared) else _prepare(fig, height)
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=f"fig-{key or slug(name)}")
    st.caption(txt.md(summary))
    # The table is built when the expander is opened (a rerun): pages stay light to redraw.
    k = key or slug(name)
    exp = st.expander("Tableau des données et téléchargements", icon=":material/table:", key=f"tbl-{k}",
                      on_change="rerun")
    if exp.open:
        with exp:
            table(df, columns, name, key=k)


def kpi(label: str, value: str, help: str | None = None, delta: str | None = None) -> None:
    st.metric(label, value, delta=delta, help=help, delta_color="off")


def footer(info: dict[str, str]) -> None:
    """Freshness of the data and the time spent querying for this page."""
    log = db.query_log()
    total = sum(r.ms for r in log)
    st.divider()
    built = info.get("built_at")
    st.caption(
        f"Base construite le {fmt.date(built, long=True) if built else '—'} · "
        f"{txt.md(info.get('n_files', '—'))} fichiers chargés · {txt.md(info.get('data_label', ''))} · "
        f"version {txt.md(info.get('app_version', '—'))}"
    )
    # the run number in a CSS class lets the page benchmark and the browser tests see a rerun end
    run = st.session_state.get("_obs_run", 0) + 1
    st.session_state["_obs_run"] = run
    with st.container(key=f"obs-run-{run}"):
        with st.container(key="obs-query-time"):
            st.caption(f"Temps de requête : {fmt.number(total, 1)} ms ({len(log)} requêtes)")


def ignored_filters_note(mart_name: str, filters) -> None:
    """Say which active sidebar filters do not apply to a block."""
    from dashboard.filters import LABELS

    ignored = db.ignored_filters(mart_name, filters) if db.has(mart_name) else []
    if ignored:
        st.caption("Filtres sans effet sur ce bloc : " + ", ".join(LABELS[k].lower() for k in ignored) + ".")
