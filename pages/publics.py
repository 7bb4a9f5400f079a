"""Publics et parcours: who benefits, path length, pooling across contracts, tenants of the buyer."""
from __future__ import annotations

import streamlit as st

from dashboard import breakdowns, db, ui
from dashboard import formatting as fmt
from dashboard import page_parts as parts
from dashboard import people_charts as charts
from dashboard import people_columns
from dashboard.page_parts import Tile
from dashboard.tables import cell

f = parts.mart_page(
    "Publics et parcours",
    "Qui bénéficie des clauses (sexe, âge, publics, qualification, quartiers prioritaires), combien de temps durent les parcours et s'ils s'appuient sur plusieurs marchés (mutualisation des heures).",
    "mart_participants")

COLUMNS = people_columns.pick(
    "row_label", "n_participants", "hours_worked", "hours_per_participant", "employment_contracts_per_participant",
    "procurement_contracts_per_participant", "pooled_share", "avg_path_months", "women_share", "qpv_share",
    "tenant_share", "under_26_share", hours_per_participant="num1")


def participants(dimension: str):
    return db.mart("mart_participants", filters=f, dimension=dimension)


total = parts.total_or_stop(participants("total"), "Aucune donnée d'exécution des clauses (suivis des facilitateurs) pour ces filtres.")
months = cell(total, "avg_path_months", "num1")
parts.tiles(total, [
    Tile("Participants", "n_participants", "int"),
    Tile("Heures par participant", "hours_per_participant", "hours"),
    Tile("Durée moyenne du parcours", value=months if months in (fmt.MASK, fmt.MISSING) else f"{months} mois",
         help="Du premier début au dernier terme des contrats du participant ; les parcours en cours sont comptés jusqu'à la date de construction de la base."),
    Tile("Parcours mutualisés", "pooled_share", "pct",
         help="Part des participants ayant travaillé sur au moins deux marchés ou lots (mutualisation)."),
])
parts.tiles(total, [
    Tile("Femmes", "women_share", "pct"), Tile("Moins de 26 ans", "under_26_share", "pct"),
    Tile("Résidents QPV", "qpv_share", "pct"),
    Tile("Locataires du maître d'ouvrage", "tenant_share", "pct",
         help="Participants locataires d'au moins un des bailleurs pour lesquels ils ont travaillé."),
])
st.caption(f"Contrats de travail par participant : {cell(total, 'employment_contracts_per_participant', 'num2')} · "
           f"marchés par participant : {cell(total, 'procurement_contracts_per_participant', 'num2')}")
if bool(total.get("is_masked")):
    ui.mask_note()

st.subheader("Profil des participants")
DIMS = dict(breakdowns.PARTICIPANT_DIMENSIONS)


def draw_by_dimension(dim, raw, rows, _total) -> None:
    """Participants per value of the chosen breakdown, the 30 largest."""
    shown = charts.top_rows(rows, "n_participants", 30)
    ok = rows.dropna(subset=["n_participants"]).sort_values("n_participants")
    summary = (f"Groupe le plus nombreux : {ok.iloc[-1]['row_label']} ({fmt.integer(ok.iloc[-1]['n_participants'])} "
               "participants)." if len(ok) else "Valeurs masquées (secret statistique).")
    height = charts.bar_height(len(shown), 280)
    ui.chart(ui.figure(charts.participants_by_value, shown, height=height), summary + parts.additivity_note(raw),
             breakdowns.labelled(raw), COLUMNS, parts.table_name("participants-par", DIMS, dim), key="p-dim",
             height=height)


parts.breakdown(DIMS, "p_dim", participants, draw_by_dimension, default=list(DIMS)[1])

st.subheader("Durée des parcours et mutualisation")
rows2, _ = breakdowns.split(participants("year"))
if rows2.empty:
    ui.empty()
else:
    has_pooled = bool(rows2["pooled_share"].notna().any())
    ok = rows2.dropna(subset=["avg_path_months"])
    pooled = (f", {fmt.percent(ok.iloc[-1]['pooled_share'])} sur plusieurs marchés" if has_pooled and len(ok)
              else "")
    summary = (f"Parcours entrés en {ok.iloc[-1]['row_label']} : {fmt.number(ok.iloc[-1]['avg_path_months'], 1)} mois "
               f"en moyenne{pooled}." if len(ok) else "Valeurs masquées (secret statistique).")
    if not has_pooled:
        summary += (" La part des parcours mutualisés n'est publiée que pour l'ensemble de la sélection "
                    "(indicateur « Parcours mutualisés » ci-dessus) : par année, elle croiserait deux "
                    "caractéristiques des personnes (secret statistique).")
    ui.chart(ui.figure(charts.paths_by_year, rows2), summary, rows2, COLUMNS, "parcours-par-annee", key="p-year")
