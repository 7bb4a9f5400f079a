"""Rapport de comité: a printable HTML report for an operation or a territory and a period."""
from __future__ import annotations

import streamlit as st

from dashboard import db, filters, report, ui

ui.route_through_app()  # when Streamlit runs this file without app.py
info = ui.header(
    "Rapport de comité de pilotage",
    "Choisissez une opération ou un territoire et une période : le rapport reprend les chiffres clés, "
    "les heures par année, les sorties et le plancher ANRU, prêt à imprimer (ou à enregistrer en PDF "
    "depuis le navigateur).",
)
f = filters.current()
if not ui.need("mart_hours", "mart_participants", "mart_exits"):
    st.stop()

SCOPES = {"operation": "Une opération", "epci": "Une intercommunalité", "departement": "Un département",
          "region": "Toute la région"}
c1, c2 = st.columns([1, 2])
with c1:
    default_scope = "operation" if f.operation else "epci" if f.epci else "departement" if f.departement else "operation"
    scope = st.selectbox("Périmètre", list(SCOPES), format_func=SCOPES.get, key="r_scope",
                         index=list(SCOPES).index(default_scope))
value = None
with c2:
    if scope != "region":
        opts = {"operation": filters.operations, "epci": filters.epcis, "departement": filters.departements}[scope]()
        if not opts:
            ui.empty("Aucune valeur disponible pour ce périmètre.")
            st.stop()
        current = getattr(f, scope) or filters.largest(scope)
        ids = list(opts)
        value = st.selectbox(SCOPES[scope], ids, index=ids.index(current) if current in ids else 0,
                             format_func=lambda v: opts.get(v, v), key=f"r_value_{scope}")
years = filters.years()
if years:
    c1, c2 = st.columns(2)
    with c1:
        y0 = st.selectbox("De", years, index=years.index(f.year_from) if f.year_from in years else 0, key="r_y0")
    with c2:
        y1 = st.selectbox("À", years, index=years.index(f.year_to) if f.year_to in years else len(years) - 1,
                          key="r_y1")
    y0, y1 = min(y0, y1), max(y0, y1)
else:
    y0 = y1 = None

params = {"year_from": y0, "year_to": y1}
if scope != "region":
    params[scope] = value
names = {"operation": filters.operations, "epci": filters.epcis, "departement": filters.departements}
scope_label = "Région Hauts-de-France" if scope == "region" else names[scope]().get(value, value)
period = f"{y0} à {y1}" if y0 is not None else "toutes années"

hours_total = db.mart("mart_hours", dimension="total", **params)
if len(hours_total):
    ui.people_scope_note(hours_total.iloc[-1])
html_doc = report.render(
    title=f"Comité de pilotage — {scope_label}",
    scope=f"Périmètre : {SCOPES[scope].lower()} — {scope_label} · période : {period}",
    info=info,
    hours_total=hours_total,
    hours_by_year=db.mart("mart_hours", dimension="year", **params),
    participants_total=db.mart("mart_participants", dimension="total", **params),
    exits_total=db.mart("mart_exits", dimension="total", **params),
    exits_by_public=db.mart("mart_exits", dimension="public", **params),
    exits_by_gender=db.mart("mart_exits", dimension="gender", **params),
    targets=(db.mart("mart_targets", **{k: v for k, v in params.items() if k in db.parameters("mart_targets")})
             if db.has("mart_targets") else None),
    threshold=db.built_setting("secrecy_threshold"),
)
st.download_button("Télécharger le rapport (HTML imprimable)", html_doc.encode("utf-8"),
                   file_name=f"rapport-comite-{ui.slug(scope_label)}-{ui.slug(period)}.html",
                   mime="text/html", icon=":material/download:", type="primary", key="r_download",
                   on_click="ignore")
st.caption("Ouvrez le fichier dans un navigateur puis « Imprimer » (ou « Enregistrer au format PDF »).")
st.iframe(html_doc, height=1100)
