"""Heures d'insertion: hours worked vs planned, realisation rate, FTE, by a chosen breakdown."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import urlstate
from dashboard import breakdowns, db, filters, ui
from dashboard import formatting as fmt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Heures d'insertion",
    "Heures travaillées par les participants au titre des clauses, comparées aux heures prévues par "
    "les clauses (taux de réalisation, qui peut dépasser 100 %), et leur équivalent temps plein.",
)
f = filters.current()
if not ui.need("mart_hours"):
    st.stop()
ui.ignored_filters_note("mart_hours", f)

fte_hours = st.number_input("Heures annuelles d'un ETP", width=220, min_value=1000, max_value=2200, step=1,
                            value=int(db.built_setting("fte_hours")), key="h_fte",
                            help="1 607 h par défaut ; 1 600 et 1 820 sont aussi en usage.")

COLUMNS = [
    Col("row_label", "Valeur"),
    Col("n_participants", "Participants", "int"),
    Col("hours_worked", "Heures réalisées", "hours"),
    Col("hours_planned", "Heures prévues", "hours"),
    Col("realisation_rate", "Taux de réalisation", "pct"),
    Col("fte", "ETP", "fte"),
    Col("n_employment_contracts", "Contrats de travail", "int"),
    Col("hours_per_participant", "Heures par participant", "hours"),
]

_, total = breakdowns.split(db.mart("mart_hours", filters=f, dimension="total", fte_hours=fte_hours))
if total is None:
    ui.empty()
    st.stop()
if ui.no_people(total):
    ui.empty("Aucune donnée d'exécution des clauses (suivis des facilitateurs) pour ces filtres.")
    st.stop()
ui.people_scope_note(total)
c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    ui.kpi("Heures réalisées", cell(total, "hours_worked", "hours"))
with c2:
    ui.kpi("Heures prévues", cell(total, "hours_planned", "hours"),
           help="Somme des heures d'insertion exigées par les clauses des marchés et lots suivis.")
with c3:
    ui.kpi("Taux de réalisation", cell(total, "realisation_rate", "pct"), help="Heures réalisées / heures prévues.")
with c4:
    ui.kpi("Équivalents temps plein", cell(total, "fte", "fte"), help=f"Heures réalisées / {fte_hours} h.")
with c5:
    ui.kpi("Participants", cell(total, "n_participants", "int"))
if bool(total.get("is_masked")):
    ui.mask_note()

st.subheader("Réalisé et prévu par année")
years, _ = breakdowns.split(db.mart("mart_hours", filters=f, dimension="year", fte_hours=fte_hours))
if years.empty:
    ui.empty()
else:
    fig = go.Figure()
    fig.add_bar(x=years["row_label"], y=years["hours_planned"], name="Heures prévues", marker_color="#B8C4E0",
                hovertemplate="%{y:,.0f} h prévues<extra></extra>")
    fig.add_bar(x=years["row_label"], y=years["hours_worked"], name="Heures réalisées", marker_color="#000091",
                hovertemplate="%{y:,.0f} h réalisées<extra></extra>")
    fig.update_layout(barmode="group", xaxis=dict(type="category"), yaxis=dict(title="Heures"))
    ok = years.dropna(subset=["hours_worked"])
    summary = (f"{fmt.hours(ok['hours_worked'].sum())} réalisées sur les années affichées ; "
               f"en {ok.iloc[-1]['row_label']} : {fmt.hours(ok.iloc[-1]['hours_worked'])} pour "
               f"{fmt.hours(ok.iloc[-1]['hours_planned'])} prévues." if len(ok) else "Valeurs masquées.")
    ui.chart(fig, summary, years, COLUMNS, "heures-par-annee", key="h-year")

st.subheader("Répartition des heures")
dims = {k: v for k, v in breakdowns.HOURS_DIMENSIONS.items() if k != "year"}
dim = urlstate.choice(st.selectbox, "Ventiler par", dims, key="h_dim", url_key="ventilation", width=360)
raw = db.mart("mart_hours", filters=f, dimension=dim, fte_hours=fte_hours)
rows, total_row = breakdowns.split(raw)
if rows.empty:
    ui.empty()
else:
    shown = rows.sort_values("hours_worked", na_position="first")
    if len(shown) > 30:
        shown = shown.tail(30)
    has_planned = shown["hours_planned"].notna().any()
    fig = go.Figure()
    if has_planned:
        fig.add_bar(y=shown["row_label"], x=shown["hours_planned"], name="Heures prévues", orientation="h",
                    marker_color="#B8C4E0", hovertemplate="%{x:,.0f} h prévues<extra></extra>")
    fig.add_bar(y=shown["row_label"], x=shown["hours_worked"].fillna(0), name="Heures réalisées", orientation="h",
                marker_color="#000091", text=["s" if m else "" for m in shown["is_masked"].fillna(False)],
                textposition="outside", hovertemplate="%{x:,.0f} h réalisées<extra></extra>")
    fig.update_layout(barmode="group", xaxis=dict(title="Heures"), yaxis=dict(title=None))
    top = rows.dropna(subset=["hours_worked"]).sort_values("hours_worked")
    summary = ""
    if len(top) and total_row is not None and not fmt.is_null(total_row.get("hours_worked")):
        share = top.iloc[-1]["hours_worked"] / total_row["hours_worked"] if total_row["hours_worked"] else None
        summary = (f"Première valeur : {top.iloc[-1]['row_label']}, {fmt.hours(top.iloc[-1]['hours_worked'])}"
                   + (f" ({fmt.percent(share)} du total)." if share is not None else "."))
    if not breakdowns.is_additive(raw):
        summary += " " + breakdowns.NON_ADDITIVE_NOTE
    import pandas as pd

    table_rows = rows if total_row is None else pd.concat([rows, total_row.to_frame().T])
    ui.chart(fig, summary or "Valeurs masquées (secret statistique).", table_rows, COLUMNS,
             f"heures-par-{ui.slug(dims[dim])}", key="h-dim", height=max(300, 30 * len(shown) + 80))
