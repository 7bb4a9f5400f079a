"""Sorties vers l'emploi (steering committees): exit categories at the end of the path and at +6
months, dynamic exit rate with its 95 % confidence interval, by operation, territory, public..."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import breakdowns, committee, db, filters, glossary, reliability, ui, urlstate
from dashboard.report import with_interval_masks
from dashboard import formatting as fmt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Sorties vers l'emploi",
    "Situation des participants à la fin de leur parcours et six mois après. **Taux de sortie "
    "dynamique** = (emploi durable + emploi de transition + sortie positive) / sortants dont la "
    "situation est connue ; le nombre de situations inconnues est donné à côté. L'intervalle de "
    "confiance à 95 % (Wilson) rappelle qu'un taux calculé sur peu de personnes est fragile.",
)
f = filters.current()
if not ui.need("mart_exits"):
    st.stop()
ui.ignored_filters_note("mart_exits", f)

# --- the committee's own view (its settings are in the URL as codes: dashboard/committee.py) ------
SCOPES = {"filters": "Filtres du panneau", "operation": "Une opération", "epci": "Une intercommunalité",
          "departement": "Un département"}
TIMEPOINTS = {"end": "Fin", "6m": "6 mois après"}
DEFINITIONS = glossary.DURABLE_DEFINITION
committee.seed("s_scope", "perimetre", SCOPES, "périmètre")
committee.seed("s_time", "moment", TIMEPOINTS, "moment")
committee.seed("s_def", "definition", DEFINITIONS, "définition de l'emploi durable")
st.session_state.setdefault("s_time", "end")
st.session_state.setdefault("s_def", db.built_setting("durable_definition"))
with st.container(border=True):
    st.markdown("**Vue de votre comité de pilotage**")
    c1, c2, c3, c4 = st.columns([1.2, 1.8, 1.3, 1.1])
    with c1:
        scope = st.selectbox("Périmètre", list(SCOPES), format_func=SCOPES.get, key="s_scope")
    scope_value = None
    with c2:
        if scope != "filters":
            opts = committee.unique_labels({"operation": filters.operations, "epci": filters.epcis,
                                            "departement": filters.departements}[scope]())
            ids = list(opts)
            committee.seed(f"s_scope_{scope}", "code", ids, "code du périmètre")
            if ids and st.session_state.get(f"s_scope_{scope}") not in ids:
                big = filters.largest(scope)
                st.session_state[f"s_scope_{scope}"] = big if big in ids else ids[0]
            scope_value = st.selectbox(SCOPES[scope], ids, format_func=lambda v: opts.get(v, v),
                                       key=f"s_scope_{scope}")
    with c3:
        timepoint = st.segmented_control("Moment", list(TIMEPOINTS), required=True, key="s_time",
                                         format_func=TIMEPOINTS.get)
    with c4:
        definition = st.segmented_control(
            "Emploi durable", list(DEFINITIONS), required=True, key="s_def",
            format_func=DEFINITIONS.get,
            help="Large : CDI, CDD ou intérim de 6 mois et plus, fonction publique, création d'entreprise. "
                 "Stricte : CDI ou CDD de 6 mois et plus.")
committee.write(perimetre=None if scope == "filters" else scope, code=scope_value, moment=timepoint,
                definition=definition)
for note in committee.notes():
    st.warning(note, icon=":material/link_off:")
if scope != "filters" and scope_value:
    shown = opts.get(scope_value, scope_value)   # operation labels already start with their code
    shown = shown if str(shown).startswith(str(scope_value)) else f"{shown} ({scope_value})"
    ui.describe_export("Périmètre du comité", f"{SCOPES[scope]} : {shown}")
ui.describe_export("Moment", "fin de parcours" if timepoint == "end" else "6 mois après la sortie")
ui.describe_export("Définition de l'emploi durable", DEFINITIONS[definition].lower())
# export names carry the page, the committee's perimeter, moment and definition
name_tail = [scope_value or (None if scope == "filters" else scope), timepoint, definition]

extra = {"timepoint": timepoint, "durable_definition": definition}
if scope != "filters" and scope_value:
    extra[scope] = scope_value

COLUMNS = [
    Col("row_label", "Valeur"),
    Col("n_leavers", "Sortants", "int"),
    Col("n_known", "Situation connue", "int"),
    Col("n_unknown", glossary.OUTCOME_CATEGORY["unknown"], "int"),
    Col("n_durable", glossary.OUTCOME_CATEGORY["durable"], "int"),
    Col("n_transition", glossary.OUTCOME_CATEGORY["transition"], "int"),
    Col("n_positive", glossary.OUTCOME_CATEGORY["positive"], "int"),
    Col("n_other", glossary.OUTCOME_CATEGORY["other"], "int"),
    Col("dynamic_exit_rate", "Taux de sortie dynamique", "pct"),
    Col("ci_low", "IC 95 % bas", "pct"),
    Col("ci_high", "IC 95 % haut", "pct"),
    Col("reliability", "Fiabilité"),
]


def exits(dimension: str) -> pd.DataFrame:
    params = dict(extra)
    fl = f
    if scope != "filters" and scope_value:  # the committee's scope replaces the sidebar's territory
        fl = filters.Filters(**{**f.__dict__, scope: None})
    return db.mart("mart_exits", filters=fl, dimension=dimension, **params)


_, total = breakdowns.split(exits("total"))
if total is None:
    ui.empty()
    st.stop()
if ui.no_people(total):
    ui.empty("Aucun sortant (parcours terminé) dans les suivis d'exécution des clauses pour ces filtres.")
    st.stop()
ui.people_scope_note(total)
c = st.columns(4)
with c[0]:
    ui.kpi("Taux de sortie dynamique", cell(total, "dynamic_exit_rate", "pct"))
    st.caption("IC 95 % : " + fmt.interval(total.get("ci_low"), total.get("ci_high"),
                                           masked=cell(total, "dynamic_exit_rate", "pct") == fmt.MASK)
               + (f" · taux fragile (moins de {reliability.MIN_KNOWN} sortants connus)"
                  if reliability.is_fragile(total) else ""))
with c[1]:
    ui.kpi("Sortants", cell(total, "n_leavers", "int"))
with c[2]:
    ui.kpi("Situation connue", cell(total, "n_known", "int"))
with c[3]:
    ui.kpi("Situation inconnue", cell(total, "n_unknown", "int"),
           help="Sortants dont la situation n'a pas été renseignée : ils ne sont pas dans le taux.")

label_time = "en fin de parcours" if timepoint == "end" else "à 6 mois"
for w in reliability.warnings(total, label_time):
    st.warning(w, icon=":material/report:")

CATS = [("n_durable", glossary.OUTCOME_CATEGORY["durable"], "#000091"), ("n_transition", glossary.OUTCOME_CATEGORY["transition"], "#6A6AF4"),
        ("n_positive", glossary.OUTCOME_CATEGORY["positive"], "#18753C"), ("n_other", glossary.OUTCOME_CATEGORY["other"], "#CE614A"),
        ("n_unknown", glossary.OUTCOME_CATEGORY["unknown"], "#D9D9D9")]
total_df = total.to_frame().T
fig = go.Figure()
for key, name, color in CATS:
    v = total.get(key)
    fig.add_bar(y=["Sortants"], x=[0 if fmt.is_null(v) else v], name=name, orientation="h", marker_color=color,
                text=["s" if fmt.is_null(v) else fmt.integer(v)], textposition="inside",
                hovertemplate=f"{name} : %{{x:,.0f}}<extra></extra>")
fig.update_layout(barmode="stack", xaxis=dict(title="Sortants"), yaxis=dict(visible=False),
                  legend=dict(traceorder="normal"))
summary = (f"{cell(total, 'n_leavers', 'int')} sortants {label_time} : {cell(total, 'n_durable', 'int')} en emploi "
           f"durable, {cell(total, 'n_transition', 'int')} en emploi de transition, {cell(total, 'n_positive', 'int')} "
           f"en sortie positive, {cell(total, 'n_unknown', 'int')} de situation inconnue.")
st.subheader(f"Situation des sortants {label_time}")
ui.chart(fig, summary, reliability.with_labels(with_interval_masks(total_df)), COLUMNS, "-".join(["sorties", *filter(None, name_tail)]),
         key="s-total", height=200)

st.subheader("Taux de sortie dynamique par …")
dims = dict(breakdowns.EXIT_DIMENSIONS)
dim = urlstate.choice(st.selectbox, "Ventiler par", dims, key="s_dim", url_key="ventilation", width=360)
raw = exits(dim)
rows, total_row = breakdowns.split(raw)
if rows.empty:
    ui.empty()
else:
    rows = reliability.with_labels(with_interval_masks(rows))
    shown = rows.tail(40)
    rate = shown["dynamic_exit_rate"]
    fragile = [reliability.is_fragile(r) for _, r in shown.iterrows()]
    fig = go.Figure(go.Scatter(
        x=rate * 100, y=shown["row_label"], mode="markers",
        marker=dict(size=11, color=["#FFFFFF" if f else "#000091" for f in fragile],
                    line=dict(color="#000091", width=2)),
        error_x=dict(type="data", symmetric=False, array=((shown["ci_high"] - rate) * 100).tolist(),
                     arrayminus=((rate - shown["ci_low"]) * 100).tolist(), color="#6A6AF4", thickness=2),
        customdata=shown[["n_known", "n_unknown"]].fillna(-1),
        hovertemplate="%{x:,.1f} % (IC 95 %)<br>%{customdata[0]:,.0f} sortants connus<extra></extra>",
    ))
    if not fmt.is_null(total.get("dynamic_exit_rate")):
        fig.add_vline(x=total["dynamic_exit_rate"] * 100, line_dash="dot", line_color="#E1000F",
                      annotation_text=f"Ensemble : {fmt.percent(total['dynamic_exit_rate'])}")
    fig.update_layout(xaxis=dict(**fmt.PCT_AXIS, range=[0, 100], title="Taux de sortie dynamique"),
                      yaxis=dict(title=None, autorange="reversed"), showlegend=False)
    masked = int(rows["dynamic_exit_rate"].isna().sum())
    summary = "Chaque point est le taux, la barre son intervalle de confiance à 95 %."
    if any(fragile):
        summary += (f" Point creux : taux fragile, calculé sur moins de {reliability.MIN_KNOWN} sortants de "
                    f"situation connue ({sum(fragile)} valeur(s)).")
    n_unknown_rows = int(sum(reliability.too_many_unknown(r) for _, r in shown.iterrows()))
    if n_unknown_rows:
        summary += (f" {n_unknown_rows} valeur(s) ont plus de {fmt.percent(reliability.MAX_UNKNOWN_SHARE, 0)} de "
                    "sortants de situation inconnue (colonne « Fiabilité » du tableau).")
    if masked:
        summary += f" {masked} valeur(s) sans taux (moins de {db.built_setting('secrecy_threshold')} sortants connus)."
    if not breakdowns.is_additive(raw):
        summary += " " + breakdowns.NON_ADDITIVE_NOTE
    table_rows = rows if total_row is None else pd.concat(
        [rows, reliability.with_labels(with_interval_masks(total_row.to_frame().T))])
    ui.chart(fig, summary, table_rows, COLUMNS, "-".join(["sorties-par", ui.slug(dims[dim]), *filter(None, name_tail)]), key="s-dim",
             height=max(280, 30 * len(shown) + 80))
