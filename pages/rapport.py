"""Rapport de comité: the committee report for an operation or a territory and a period, as
printable HTML and as a PDF made on the server (dashboard/report.py). Perimeter, period and
definition are in the URL as codes (dashboard/committee.py) and in the file names."""
from __future__ import annotations

import streamlit as st

from dashboard import access, committee, db, filters, glossary, page_parts, report, ui

info = page_parts.open_page(
    "Rapport de comité de pilotage",
    "Choisissez une opération ou un territoire et une période : le rapport reprend les participants, "
    "les heures prévues et réalisées, les sorties en fin de parcours et à 6 mois, les planchers ANRU, "
    "l'évolution depuis la période précédente et la région pour comparaison. Téléchargez-le en PDF ou "
    "en HTML imprimable ; l'adresse de la page garde vos choix.",
)
f = filters.current()
if not ui.need("mart_hours", "mart_participants", "mart_exits"):
    st.stop()

SCOPES = {"operation": "Une opération", "epci": "Une intercommunalité", "departement": "Un département",
          "region": "Toute la région"}
PICKERS = {"operation": filters.operations, "epci": filters.epcis, "departement": filters.departements}
DEFINITIONS = glossary.DURABLE_DEFINITION
committee.seed("r_scope", "perimetre", SCOPES, "périmètre")
c1, c2, c3 = st.columns([1, 2, 1])
with c1:
    default_scope = "operation" if f.operation else "epci" if f.epci else "departement" if f.departement else "operation"
    if "r_scope" not in st.session_state:
        st.session_state["r_scope"] = default_scope
    scope = st.selectbox("Périmètre", list(SCOPES), format_func=SCOPES.get, key="r_scope")
value = None
with c2:
    if scope != "region":
        opts = committee.unique_labels(PICKERS[scope]())
        if not opts:
            ui.empty("Aucune valeur disponible pour ce périmètre.")
            st.stop()
        ids = list(opts)
        committee.seed(f"r_value_{scope}", "code", ids, "code du périmètre")
        if st.session_state.get(f"r_value_{scope}") not in ids:
            current = getattr(f, scope) or filters.largest(scope)
            st.session_state[f"r_value_{scope}"] = current if current in ids else ids[0]
        value = st.selectbox(SCOPES[scope], ids, format_func=lambda v: opts.get(v, v), key=f"r_value_{scope}")
with c3:
    committee.seed("r_def", "definition", DEFINITIONS, "définition de l'emploi durable")
    if "r_def" not in st.session_state:
        st.session_state["r_def"] = db.built_setting("durable_definition")
    definition = st.segmented_control(
        "Emploi durable", list(DEFINITIONS), required=True, key="r_def", format_func=DEFINITIONS.get,
        help="Large : CDI, CDD ou intérim de 6 mois et plus, fonction publique, création d'entreprise. "
             "Stricte : CDI ou CDD de 6 mois et plus.")
years = filters.years()
if years:
    committee.seed("r_y0", "de", years, "année de début", int)
    committee.seed("r_y1", "a", years, "année de fin", int)
    st.session_state.setdefault("r_y0", f.year_from if f.year_from in years else years[0])
    st.session_state.setdefault("r_y1", f.year_to if f.year_to in years else years[-1])
    c1, c2 = st.columns(2)
    with c1:
        y0 = st.selectbox("De", years, key="r_y0")
    with c2:
        y1 = st.selectbox("À", years, key="r_y1")
    y0, y1 = min(y0, y1), max(y0, y1)
else:
    y0 = y1 = None
committee.write(perimetre=scope, code=value, definition=definition, de=y0, a=y1, moment=None)
for note in committee.notes():
    st.warning(note, icon=":material/link_off:")

scope_label = "Région Hauts-de-France" if scope == "region" else PICKERS[scope]().get(value, value)


def period_label(a, b) -> str:
    if a is None:
        return "toutes années"
    return str(a) if a == b else f"{a} à {b}"


def figures(label: str, a, b, territory: bool = True) -> report.Figures:
    """The total rows of the people marts for this perimeter (or the region) and period a..b."""
    params = {"year_from": a, "year_to": b}
    if territory and scope != "region":
        params[scope] = value
    ex = {tp: db.mart("mart_exits", dimension="total", timepoint=tp, durable_definition=definition, **params)
          for tp in ("end", "6m")}
    return report.Figures.of(label, db.mart("mart_hours", dimension="total", **params),
                             db.mart("mart_participants", dimension="total", **params), ex)


params = {"year_from": y0, "year_to": y1}
if scope != "region":
    params[scope] = value
period = period_label(y0, y1)
current_fig = figures(period, y0, y1)
ui.people_scope_note(current_fig.hours)

# the previous period of the same length (none when the period covers every year)
previous_fig, previous_note = None, None
if y0 is not None:
    n = y1 - y0 + 1
    p0, p1 = y0 - n, y0 - 1
    if y0 == years[0] and y1 == years[-1]:
        previous_note = "La période couvre toutes les années des données : pas de période précédente à comparer."
    elif p0 < years[0]:
        previous_note = (f"La période précédente de même durée ({period_label(p0, p1)}) commence avant les "
                         f"premières données ({years[0]}) : pas de comparaison.")
    else:
        previous_fig = figures(period_label(p0, p1), p0, p1)
        previous_note = (f"Évolution depuis la période précédente de même durée ({period_label(p0, p1)}) ; "
                         "« s » quand l'une des deux valeurs est masquée.")
# the region for comparison (a landlord's people figures are always its own: no region column)
role = getattr(access.current(), "role", "observatoire")
region_fig = (figures(f"Région ({period})", y0, y1, territory=False)
              if scope != "region" and role != "bailleur" else None)

# the ANRU floors as Objectifs shows them: a period covering every year is no year filter (as in the sidebar)
anru_params = {k: v for k, v in params.items() if k not in ("year_from", "year_to")
               or not (years and y0 == years[0] and y1 == years[-1])}
html_doc = report.render(
    title=f"Comité de pilotage — {scope_label}",
    scope=f"Périmètre : {SCOPES[scope].lower()} — {scope_label} · période : {period}",
    info=info,
    current=current_fig,
    hours_by_year=db.mart("mart_hours", dimension="year", **params),
    exits_by_public=db.mart("mart_exits", dimension="public", durable_definition=definition, **params),
    exits_by_gender=db.mart("mart_exits", dimension="gender", durable_definition=definition, **params),
    anru_floors=db.mart("mart_anru_floors", **anru_params) if db.has("mart_anru_floors") else None,
    threshold=db.built_setting("secrecy_threshold"),
    definition=definition,
    previous=previous_fig,
    previous_note=previous_note,
    region=region_fig,
)
name_parts = (scope, value, definition, period)
with st.container(horizontal=True):
    why_not = report.pdf_available()
    if why_not is None:
        st.download_button("Télécharger le rapport (PDF)", lambda: report.to_pdf(html_doc),
                           file_name=committee.file_name("rapport-comite", *name_parts, ext="pdf"),
                           mime="application/pdf", icon=":material/picture_as_pdf:", type="primary",
                           key="r_pdf", on_click="ignore")
    st.download_button("Télécharger le rapport (HTML imprimable)", html_doc.encode("utf-8"),
                       file_name=committee.file_name("rapport-comite", *name_parts, ext="html"),
                       mime="text/html", icon=":material/download:", key="r_download", on_click="ignore")
if why_not:
    st.info(why_not, icon=":material/picture_as_pdf:")
st.caption("Le PDF a une page A4 par partie. Le fichier HTML s'ouvre dans un navigateur : « Imprimer » "
           "(ou « Enregistrer au format PDF »).")
st.iframe(html_doc, height=1100)
