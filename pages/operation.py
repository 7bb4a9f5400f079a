"""Fiche opération: one operation (by code) — its lots and contracts, planned vs worked hours, QPV
hours against the ANRU floor, participants, exits at the end and at +6 months, the trend by year.

Reached by URL (`?operation=CODE`: the sidebar's operation filter, dashboard/entities.py) and from
the tables that name an operation. Every figure comes from the existing marts (mart_targets for the
floor, mart_hours, mart_participants, mart_exits under secrecy; mart_operation_lots for the
procurement side) through dashboard/policy.py: a committee sees its own operations, a landlord the
operations of its organisation (its own lots only), the public nothing.
"""
from __future__ import annotations

import streamlit as st

from dashboard import breakdowns, db, entities, filters, glossary, policy, ui
from dashboard import market_charts as charts
from dashboard import market_parts as parts
from dashboard import formatting as fmt
from dashboard import text as txt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Fiche opération",
    "Une opération (projet de renouvellement urbain NPNRU, gestion urbaine de proximité...) est "
    "identifiée par son **code** : ses lots et marchés, les heures prévues et réalisées, les heures des "
    "habitants des quartiers prioritaires (QPV) face au plancher de l'ANRU, les participants et leurs "
    "sorties (sous secret statistique).",
)
def _page() -> None:
    """The page body (returns early instead of st.stop(): the footer is drawn after it)."""
    if not ui.need("mart_operation", "mart_operation_lots", "mart_targets", "mart_hours"):
        return
    f = filters.current()
    code = f.operation
    if code is None:
        st.info("Choisissez une opération dans le filtre « Opération » du panneau de gauche, ou ouvrez sa fiche "
                "depuis un tableau (colonne « Fiche ») ou par son adresse (`operation?operation=CODE`).",
                icon=":material/construction:")
        return

    try:
        ident = db.mart("mart_operation", operation=code)
    except policy.Denied as exc:
        st.info(exc.message, icon=":material/lock:")
        return
    if ident.empty:
        ui.empty(f"Opération « {code} » introuvable dans votre périmètre.")
        return
    op = ident.iloc[0]
    st.subheader(str(op["label"]))
    place = " · ".join(txt.md(str(v)) for v in (op["operation_qpv"], op["commune_name"]) if not fmt.is_null(v))
    buyers = list(op["buyers"]) if op["buyers"] is not None else []
    st.markdown(f"**Code** {txt.md(str(op['operation_id']))}" + (f" · **Lieu** : {place}" if place else "")
                + (" · **Maîtres d'ouvrage** : " + ", ".join(
                    f"[{txt.md(b['buyer_name'])}]({entities.buyer_url(b['buyer_siren'])})" for b in buyers)
                   if buyers else ""))
    if int(op["n_names"] or 0) > 1:
        st.caption(f"Autre(s) nom(s) dans les fichiers des facilitateurs : {txt.md(str(op['other_names']))} "
                   "(même code : une seule opération ; voir Qualité des données).")

    # --- ANRU floor and hours (mart_targets: the floor as computed there) ---------------------------
    st.subheader("Heures et plancher ANRU")
    targets = parts.mart_or_denied("mart_targets", operation=code)
    if targets is not None and not targets.empty:
        is_total = targets["is_total"].fillna(False).astype(bool)
        total = targets[is_total].iloc[0] if is_total.any() else targets.iloc[0]
        parts.kpi_row(
            ("Heures prévues", cell(total, "hours_planned", "hours")),
            ("Heures réalisées", cell(total, "hours_worked", "hours")),
            ("Plancher ANRU (heures QPV)", cell(total, "anru_floor_hours", "hours"),
             "Calculé par la page Objectifs : 5 % des heures estimées des lots d'investissement + 10 % de "
             "celles des lots GUP."),
            ("Heures QPV réalisées", cell(total, "hours_worked_qpv", "hours")),
            ("Atteinte du plancher", cell(total, "anru_floor_rate", "pct")))
        if bool(total.get("is_masked")):
            ui.mask_note()

    # --- participants and exits ----------------------------------------------------------------------
    st.subheader("Participants et sorties")
    try:
        _, people = breakdowns.split(db.mart("mart_participants", operation=code, dimension="total"))
        _, end = breakdowns.split(db.mart("mart_exits", operation=code, dimension="total"))
        _, six = breakdowns.split(db.mart("mart_exits", operation=code, dimension="total", timepoint="6m"))
    except policy.Denied as exc:
        st.info(exc.message, icon=":material/lock:")
    else:
        ui.people_scope_note(people)
        parts.kpi_row(
            ("Participants", cell(people, "n_participants", "int") if people is not None else "—"),
            ("Sortants (fin de parcours)", cell(end, "n_leavers", "int") if end is not None else "—"),
            ("Sorties dynamiques (fin)", cell(end, "dynamic_exit_rate", "pct") if end is not None else "—"),
            ("Sorties dynamiques (+6 mois)", cell(six, "dynamic_exit_rate", "pct") if six is not None else "—"))
        EXIT_COLS = [Col("moment", "Moment"), Col("n_leavers", "Sortants", "int"), Col("n_known", "Statut connu", "int"),
                     *[Col(f"n_{code}", label, "int") for code, label in glossary.OUTCOME_CATEGORY.items()
                       if code != "ongoing"],
                     Col("dynamic_exit_rate", "Taux de sorties dynamiques", "pct")]
        rows = [r for r in (end, six) if r is not None]
        if rows:
            import pandas as pd

            ex = pd.DataFrame(rows).assign(moment=["Fin de parcours", "À 6 mois"][:len(rows)])
            ui.table(ex, EXIT_COLS, f"sorties-{code}", key="o-exits")

    # --- trend by year and by trade --------------------------------------------------------------------
    st.subheader("Évolution par année")
    trend = parts.mart_or_denied("mart_hours", operation=code, dimension="year")
    trend = None if trend is None else breakdowns.split(trend)[0]
    if trend is not None and not trend.empty:
        fig = ui.figure(charts.hours_bars, trend, "value", ("Heures prévues", "Heures réalisées"), None)
        ui.chart(fig, f"{op['label']} : heures prévues et réalisées par année.", trend,
                 [Col("value", "Année"), Col("n_participants", "Participants", "int"),
                  Col("hours_planned", "Heures prévues", "hours"), Col("hours_worked", "Heures réalisées", "hours")],
                 f"heures-par-annee-{code}", key="o-year")

    # --- lots and contracts ----------------------------------------------------------------------------
    st.subheader("Lots et marchés")
    lots = parts.mart_or_denied("mart_operation_lots", operation=code)
    if lots is not None:
        if lots.empty:
            ui.empty("Aucun lot suivi pour cette opération.")
        else:
            st.caption(f"{fmt.integer(len(lots))} lots, {fmt.hours(lots['planned_hours'].sum())} prévues.")
            ui.table(lots, [Col("buyer_name", "Maître d'ouvrage"), Col("contract_id", "Marché"), Col("lot", "Lot"),
                            Col("contract_object", "Objet"), Col("trade", "Corps d'état", "code:trade"),
                            Col("contract_kind", "Nature", "code:contract_kind"),
                            Col("contract_amount", "Montant", "eur"), Col("planned_hours", "Heures prévues", "hours"),
                            Col("in_decp", "Publié (DECP)")],
                     f"lots-{code}", key="o-lots")


_page()
