"""Observatoire des clauses sociales d'insertion: entry point (`streamlit run app.py`).

Draws the French document language fix, the global filters (sidebar, mirrored in the URL), runs
the selected page, then the footer with data freshness and query time.
"""
from __future__ import annotations

import streamlit as st

from dashboard import access, audience, db, entities, filters, policy, runlog, search, ui

PAGES = {
    "": [
        # the default page is served at "/" but reserves its url_path: "index", so that the hidden
        # page below can answer /accueil
        st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", url_path="index", default=True),
    ],
    "Observatoire": [
        st.Page("pages/marches_clauses.py", title="Marchés clausés", icon=":material/gavel:",
                url_path="marches_clauses"),
        st.Page("pages/heures.py", title="Heures d'insertion", icon=":material/schedule:", url_path="heures"),
        st.Page("pages/publics.py", title="Publics et parcours", icon=":material/groups:", url_path="publics"),
        st.Page("pages/sorties.py", title="Sorties vers l'emploi", icon=":material/work:", url_path="sorties"),
        st.Page("pages/territoires.py", title="Territoires", icon=":material/map:", url_path="territoires"),
        st.Page("pages/acheteur.py", title="Fiche acheteur", icon=":material/domain:", url_path="acheteur"),
        st.Page("pages/operation.py", title="Fiche opération", icon=":material/construction:",
                url_path="operation"),
    ],
    "Pilotage": [
        st.Page("pages/bailleurs.py", title="Bailleurs", icon=":material/apartment:", url_path="bailleurs"),
        st.Page("pages/objectifs.py", title="Objectifs", icon=":material/flag:", url_path="objectifs"),
        st.Page("pages/rapport.py", title="Rapport de comité", icon=":material/print:", url_path="rapport"),
        st.Page("pages/calculateur.py", title="Calculateur d'heures", icon=":material/calculate:",
                url_path="calculateur"),
    ],
    "À propos": [
        st.Page("pages/qualite.py", title="Qualité des données", icon=":material/fact_check:", url_path="qualite"),
        st.Page("pages/methode.py", title="Méthode", icon=":material/menu_book:", url_path="methode"),
        # baseline of the page benchmark, reachable by its URL only
        st.Page("pages/vide.py", title="Page vide", url_path="vide", visibility="hidden"),
        # Streamlit serves the default page at "/" only: /accueil (a link, a bookmark) opens Accueil
        st.Page(ui.open_home, title="Accueil", url_path="accueil", visibility="hidden"),
    ],
}


def main() -> None:
    st.set_page_config(
        page_title="Observatoire des clauses sociales – Hauts-de-France",
        page_icon="🤝",  # an emoji: a material icon favicon would be fetched from Google
        layout="wide",
        initial_sidebar_state="expanded",
    )
    ui.set_french_lang()
    with st.sidebar:
        st.caption("Observatoire régional des clauses sociales d'insertion · DREETS Hauts-de-France")
    # the filters first, the access panel (and the demo chooser) below them, although the scope is
    # decided before the filters are drawn
    search_box, filter_box, access_box = st.sidebar.container(), st.sidebar.container(), st.sidebar.container()
    try:
        db.signature()
        info = db.build_info()
        db_ok = True
    except db.DatabaseMissing:
        info, db_ok = {}, False
    # The role and scope of this run, decided on the server (sign-in or demo choice + access
    # file); every mart read below goes through dashboard.policy with it.
    scope = audience.setup(info, access_box)
    # Each URL path is its file's name: on a fresh server's first run Streamlit still scans
    # `pages/` (multipage v1) and would otherwise answer "page not found" to a deep link;
    # a page file run that way routes itself back through this script (ui.route_through_app).
    # expanded: every page listed (collapsed, Streamlit hides the last ones behind « View more »)
    page = st.navigation(audience.pages(PAGES, scope), expanded=True)
    audience.panel(scope, access_box)
    runlog.note_page(page.url_path)
    if db_ok:
        search.sidebar(search_box, page.url_path)
        try:
            entities.operation_code_to_label(page)  # `?operation=CODE` (a fiche's link) -> the filter's label
            filters.sidebar(filter_box)
        except db.DatabaseMissing:
            db_ok = False

    try:
        page.run()
    except policy.Denied as exc:
        st.warning(exc.message, icon=":material/lock:")

    if db_ok:
        try:
            ui.footer(db.build_info())
        except db.DatabaseMissing:
            pass


with ui.in_app(), runlog.rerun():  # runlog: timing record for the load benchmark, off by default
    try:
        main()
    finally:
        access.set_current(None)
