"""Heures d'insertion: hours worked vs planned, realisation rate, FTE, by a chosen breakdown."""
from __future__ import annotations

import streamlit as st

from dashboard import breakdowns, db, ui
from dashboard import formatting as fmt
from dashboard import page_parts as parts
from dashboard import people_charts as charts
from dashboard import people_columns
from dashboard.page_parts import Tile

f = parts.mart_page(
    "Heures d'insertion",
    "Heures travaillées par les participants au titre des clauses, comparées aux heures prévues par les clauses (taux de réalisation, qui peut dépasser 100 %), et leur équivalent temps plein.",
    "mart_hours")

fte_hours = st.number_input("Heures annuelles d'un ETP", width=220, min_value=1000, max_value=2200, step=1,
                            value=int(db.built_setting("fte_hours")), key="h_fte",
                            help="1 607 h par défaut ; 1 600 et 1 820 sont aussi en usage.")

COLUMNS = people_columns.pick("row_label", "n_participants", "hours_worked", "hours_planned", "realisation_rate", "fte",
                                "n_employment_contracts", "hours_per_participant")


def hours(dimension: str):
    return db.mart("mart_hours", filters=f, dimension=dimension, fte_hours=fte_hours)


total = parts.total_or_stop(hours("total"), "Aucune donnée d'exécution des clauses (suivis des facilitateurs) pour ces filtres.")
parts.tiles(total, [
    Tile("Heures réalisées", "hours_worked", "hours"),
    Tile("Heures prévues", "hours_planned", "hours",
         help="Somme des heures d'insertion exigées par les clauses des marchés et lots suivis."),
    Tile("Taux de réalisation", "realisation_rate", "pct", help="Heures réalisées / heures prévues."),
    Tile("Équivalents temps plein", "fte", "fte", help=f"Heures réalisées / {fte_hours} h."),
    Tile("Participants", "n_participants", "int"),
])
if bool(total.get("is_masked")):
    ui.mask_note()

st.subheader("Réalisé et prévu par année")
years, _ = breakdowns.split(hours("year"))
if years.empty:
    ui.empty()
else:
    ok = years.dropna(subset=["hours_worked"])
    summary = (f"{fmt.hours(ok['hours_worked'].sum())} réalisées sur les années affichées ; "
               f"en {ok.iloc[-1]['row_label']} : {fmt.hours(ok.iloc[-1]['hours_worked'])} pour "
               f"{fmt.hours(ok.iloc[-1]['hours_planned'])} prévues." if len(ok) else "Valeurs masquées.")
    ui.chart(ui.figure(charts.hours_by_year, years), summary, years, COLUMNS, "heures-par-annee", key="h-year")

st.subheader("Répartition des heures")
DIMS = {k: v for k, v in breakdowns.HOURS_DIMENSIONS.items() if k != "year"}


def draw_by_dimension(dim, raw, rows, total_row) -> None:
    """Hours per value of the chosen breakdown, the 30 largest."""
    shown = charts.top_rows(rows, "hours_worked", 30)
    top = rows.dropna(subset=["hours_worked"]).sort_values("hours_worked")
    summary = ""
    if len(top) and total_row is not None and not fmt.is_null(total_row.get("hours_worked")):
        share = top.iloc[-1]["hours_worked"] / total_row["hours_worked"] if total_row["hours_worked"] else None
        summary = (f"Première valeur : {top.iloc[-1]['row_label']}, {fmt.hours(top.iloc[-1]['hours_worked'])}"
                   + (f" ({fmt.percent(share)} du total)." if share is not None else "."))
    summary += parts.additivity_note(raw)
    height = charts.bar_height(len(shown), 300)
    ui.chart(ui.figure(charts.hours_by_value, shown, height=height),
             summary.strip() or "Valeurs masquées (secret statistique).", breakdowns.labelled(raw), COLUMNS,
             parts.table_name("heures-par", DIMS, dim), key="h-dim", height=height)


parts.breakdown(DIMS, "h_dim", hours, draw_by_dimension)
