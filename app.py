"""Observatoire des clauses sociales d'insertion: entry point (`streamlit run app.py`).

Draws the French document language fix, the global filters (sidebar, mirrored in the URL), runs
the selected page, then the footer with data freshness and query time.
"""
from __future__ import annotations

import streamlit as st

from dashboard import db, filters, ui

st.set_page_config(
    page_title="Observatoire des clauses sociales – Hauts-de-France",
    page_icon="🤝",  # an emoji: a material icon favicon would be fetched from Google
    layout="wide",
    initial_sidebar_state="expanded",
)
ui.set_french_lang()

PAGES = {
    "": [
        st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", url_path="tableau-de-bord", default=True),
    ],
    "Observatoire": [
        st.Page("pages/marches_clauses.py", title="Marchés clausés", icon=":material/gavel:",
                url_path="marches-clauses"),
        st.Page("pages/heures.py", title="Heures d'insertion", icon=":material/schedule:", url_path="heures-insertion"),
        st.Page("pages/publics.py", title="Publics et parcours", icon=":material/groups:", url_path="publics-parcours"),
        st.Page("pages/sorties.py", title="Sorties vers l'emploi", icon=":material/work:", url_path="sorties-emploi"),
        st.Page("pages/territoires.py", title="Territoires", icon=":material/map:", url_path="cartes-territoires"),
    ],
    "Pilotage": [
        st.Page("pages/bailleurs.py", title="Bailleurs", icon=":material/apartment:", url_path="bailleurs-sociaux"),
        st.Page("pages/objectifs.py", title="Objectifs", icon=":material/flag:", url_path="objectifs-anru"),
        st.Page("pages/rapport.py", title="Rapport de comité", icon=":material/print:", url_path="rapport-comite"),
        st.Page("pages/calculateur.py", title="Calculateur d'heures", icon=":material/calculate:",
                url_path="calculateur-heures"),
    ],
    "À propos": [
        st.Page("pages/qualite.py", title="Qualité des données", icon=":material/fact_check:",
                url_path="qualite-donnees"),
        st.Page("pages/methode.py", title="Méthode", icon=":material/menu_book:", url_path="methode-glossaire"),
        # baseline of the page benchmark, reachable by its URL only
        st.Page("pages/vide.py", title="Page vide", url_path="page-vide", visibility="hidden"),
    ],
}

# URL paths differ from the file names on purpose: Streamlit still scans `pages/` (multipage v1)
# before app.py calls st.navigation, and a URL equal to a file name would run that file alone,
# without the sidebar filters (first visit of a fresh server, and every AppTest rerun).
page = st.navigation(PAGES)

with st.sidebar:
    st.caption("Observatoire régional des clauses sociales d'insertion · DREETS Hauts-de-France")

try:
    db.signature()
    db_ok = True
except db.DatabaseMissing:
    db_ok = False

if db_ok:
    try:
        filters.sidebar()
    except db.DatabaseMissing:
        db_ok = False

page.run()

if db_ok:
    try:
        ui.footer(db.build_info())
    except db.DatabaseMissing:
        pass
