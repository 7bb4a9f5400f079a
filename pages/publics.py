"""Publics et parcours: who benefits, path length, pooling across contracts, tenants of the buyer."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import urlstate
from dashboard import breakdowns, db, filters, ui
from dashboard import formatting as fmt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Publics et parcours",
    "Qui bénéficie des clauses (sexe, âge, publics, qualification, quartiers prioritaires), combien de "
    "temps durent les parcours et s'ils s'appuient sur plusieurs marchés (mutualisation des heures).",
)
f = filters.current()
if not ui.need("mart_participants"):
    st.stop()
ui.ignored_filters_note("mart_participants", f)

COLUMNS = [
    Col("row_label", "Valeur"),
    Col("n_participants", "Participants", "int"),
    Col("hours_worked", "Heures réalisées", "hours"),
    Col("hours_per_participant", "Heures par participant", "num1"),
    Col("employment_contracts_per_participant", "Contrats de travail par participant", "num2"),
    Col("procurement_contracts_per_participant", "Marchés par participant", "num2"),
    Col("pooled_share", "Parcours sur 2 marchés ou plus", "pct"),
    Col("avg_path_months", "Durée moyenne du parcours (mois)", "num1"),
    Col("women_share", "Part de femmes", "pct"),
    Col("qpv_share", "Part de résidents QPV", "pct"),
    Col("tenant_share", "Part de locataires du MO", "pct"),
    Col("under_26_share", "Part de moins de 26 ans", "pct"),
]

_, total = breakdowns.split(db.mart("mart_participants", filters=f, dimension="total"))
if total is None:
    ui.empty()
    st.stop()
if ui.no_people(total):
    ui.empty("Aucune donnée d'exécution des clauses (suivis des facilitateurs) pour ces filtres.")
    st.stop()
ui.people_scope_note(total)
c = st.columns(4)
with c[0]:
    ui.kpi("Participants", cell(total, "n_participants", "int"))
with c[1]:
    ui.kpi("Heures par participant", cell(total, "hours_per_participant", "hours"))
with c[2]:
    months = cell(total, "avg_path_months", "num1")
    ui.kpi("Durée moyenne du parcours", months if months in (fmt.MASK, fmt.MISSING) else f"{months} mois",
           help="Du premier début au dernier terme des contrats du participant ; les parcours en cours "
                "sont comptés jusqu'à la date de construction de la base.")
with c[3]:
    ui.kpi("Parcours mutualisés", cell(total, "pooled_share", "pct"),
           help="Part des participants ayant travaillé sur au moins deux marchés ou lots (mutualisation).")
c = st.columns(4)
with c[0]:
    ui.kpi("Femmes", cell(total, "women_share", "pct"))
with c[1]:
    ui.kpi("Moins de 26 ans", cell(total, "under_26_share", "pct"))
with c[2]:
    ui.kpi("Résidents QPV", cell(total, "qpv_share", "pct"))
with c[3]:
    ui.kpi("Locataires du maître d'ouvrage", cell(total, "tenant_share", "pct"),
           help="Participants locataires d'au moins un des bailleurs pour lesquels ils ont travaillé.")
st.caption(f"Contrats de travail par participant : {cell(total, 'employment_contracts_per_participant', 'num2')} · "
           f"marchés par participant : {cell(total, 'procurement_contracts_per_participant', 'num2')}")
if bool(total.get("is_masked")):
    ui.mask_note()

st.subheader("Profil des participants")
dims = {k: v for k, v in breakdowns.PARTICIPANT_DIMENSIONS.items()}
dim = urlstate.choice(st.selectbox, "Ventiler par", dims, key="p_dim", url_key="ventilation",
                      default=list(dims)[1], width=360)
raw = db.mart("mart_participants", filters=f, dimension=dim)
rows, total_row = breakdowns.split(raw)
if rows.empty:
    ui.empty()
else:
    shown = rows.sort_values("n_participants", na_position="first").tail(30)
    fig = go.Figure(go.Bar(
        y=shown["row_label"], x=shown["n_participants"].fillna(0), orientation="h", marker_color="#000091",
        text=["s" if m else fmt.integer(v) for v, m in zip(shown["n_participants"], shown["is_masked"].fillna(False))],
        textposition="outside", hovertemplate="%{x:,.0f} participants<extra></extra>",
    ))
    fig.update_layout(xaxis=dict(title="Participants"), yaxis=dict(title=None), showlegend=False)
    ok = rows.dropna(subset=["n_participants"]).sort_values("n_participants")
    summary = (f"Groupe le plus nombreux : {ok.iloc[-1]['row_label']} ({fmt.integer(ok.iloc[-1]['n_participants'])} "
               "participants)." if len(ok) else "Valeurs masquées (secret statistique).")
    if not breakdowns.is_additive(raw):
        summary += " " + breakdowns.NON_ADDITIVE_NOTE
    table_rows = rows if total_row is None else pd.concat([rows, total_row.to_frame().T])
    ui.chart(fig, summary, table_rows, COLUMNS, f"participants-par-{ui.slug(dims[dim])}", key="p-dim",
             height=max(280, 30 * len(shown) + 80))

st.subheader("Durée des parcours et mutualisation")
rows2, _ = breakdowns.split(db.mart("mart_participants", filters=f, dimension="year"))
if rows2.empty:
    ui.empty()
else:
    fig = go.Figure()
    fig.add_bar(x=rows2["row_label"], y=rows2["avg_path_months"], name="Durée moyenne (mois)",
                marker_color="#000091", hovertemplate="%{y:.1f} mois<extra></extra>")
    # shares are published on a cut's total row only (docs/secrecy.md): a pooled share per row
    # would publish a two-attribute count, so the line is drawn only where the mart gives one
    has_pooled = bool(rows2["pooled_share"].notna().any())
    if has_pooled:
        fig.add_scatter(x=rows2["row_label"], y=rows2["pooled_share"] * 100,
                        name="Parcours mutualisés (échelle de droite)", yaxis="y2", mode="lines+markers",
                        line=dict(color="#E1000F", width=3), hovertemplate="%{y:,.1f} %<extra></extra>")
    fig.update_layout(xaxis=dict(type="category", title="Année d'entrée en parcours"),
                      yaxis=dict(title="Mois"),
                      **({"yaxis2": dict(title="Part", overlaying="y", side="right", **fmt.PCT_AXIS,
                                         rangemode="tozero")} if has_pooled else {}))
    ok = rows2.dropna(subset=["avg_path_months"])
    pooled = (f", {fmt.percent(ok.iloc[-1]['pooled_share'])} sur plusieurs marchés" if has_pooled and len(ok)
              else "")
    summary = (f"Parcours entrés en {ok.iloc[-1]['row_label']} : {fmt.number(ok.iloc[-1]['avg_path_months'], 1)} mois "
               f"en moyenne{pooled}." if len(ok) else "Valeurs masquées (secret statistique).")
    if not has_pooled:
        summary += (" La part des parcours mutualisés n'est publiée que pour l'ensemble de la sélection "
                    "(indicateur « Parcours mutualisés » ci-dessus) : par année, elle croiserait deux "
                    "caractéristiques des personnes (secret statistique).")
    ui.chart(fig, summary, rows2, COLUMNS, "parcours-par-annee", key="p-year")
