"""Fiche acheteur: one buyer organisation (SIREN) — identity, DECP contracts by year with their clause
share, amounts, sectors, its position among buyers of the same type and size, the full list of its
contracts, and its execution figures (hours, participants, exits) under secrecy.

Reached by URL (`?acheteur=SIREN`, a SIRET designates its organisation) and from the tables that
name a buyer (dashboard/entities.py). DECP figures are open to every audience; the execution figures
go through the people marts and dashboard/policy.py (a landlord sees only its own, the public none).
"""
from __future__ import annotations

import math

import streamlit as st

from dashboard import breakdowns, db, entities, glossary, policy, ui
from dashboard import market_charts as charts
from dashboard import market_parts as parts
from dashboard import formatting as fmt
from dashboard import text as txt
from dashboard.tables import Col, cell

PAGE_SIZE = 100
BAND = {"small": "petite", "medium": "moyenne", "large": "grande"}

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Fiche acheteur",
    "Un acheteur est un **organisme** (SIREN) : ses établissements (SIRET) sont réunis. Marchés publiés "
    "(DECP), part des marchés avec clause sociale parmi ceux dont le statut est connu, et chiffres "
    "d'exécution des clauses (sous secret statistique).",
)
def _page() -> None:
    """The page body (returns early instead of st.stop(): the footer is drawn after it)."""
    if not ui.need("mart_organisation", "mart_contract_share", "mart_contract_list"):
        return

    orgs = db.mart("mart_organisation")
    if orgs.empty:
        ui.empty("Aucun acheteur dans la base.")
        return
    names = dict(zip(orgs["buyer_siren"], orgs["buyer_name"]))
    wanted = entities.buyer_subject()
    raw = None
    try:
        raw = st.query_params.get(entities.BUYER_PARAM)
    except Exception:  # noqa: BLE001
        pass
    if raw and wanted not in names:
        st.warning(f"Acheteur « {txt.md(raw, limit=40)} » introuvable : un SIREN (9 chiffres) ou un SIRET "
                   "(14 chiffres) d'un acheteur de la base est attendu.", icon=":material/search_off:")
    ids = list(names)
    default = ids.index(wanted) if wanted in names else None
    siren = st.selectbox("Acheteur", ids, index=default, key="fiche_acheteur", placeholder="Choisir un acheteur",
                         format_func=lambda s: f"{names.get(s, s)} ({s})")
    if siren is None:
        st.info("Choisissez un acheteur, ou ouvrez sa fiche depuis un tableau (colonne « Fiche »).",
                icon=":material/domain:")
        return
    entities.set_buyer_subject(siren)
    org = orgs[orgs["buyer_siren"] == siren].iloc[0]
    name = str(org["buyer_name"])

    # --- identity ----------------------------------------------------------------------------------
    st.subheader(name)
    estabs = list(org["establishments"]) if org["establishments"] is not None else []
    st.markdown(
        f"**SIREN** {txt.md(siren)} · **Type** : {txt.md(glossary.label('buyer_type', org['buyer_type']))} · "
        f"**Territoire** : {txt.md(org['departement_name'] if not fmt.is_null(org['departement_name']) else '—')}"
        f" · **Établissements** : {fmt.integer(org['n_establishments'])}"
    )
    if estabs:
        st.caption("SIRET : " + ", ".join(txt.md(e) for e in estabs)
                   + (f" ; {fmt.integer(org['n_aliases'])} identifiant(s) mal formé(s) rattaché(s) par le nom"
                      if org["n_aliases"] else ""))

    parts.kpi_row(
        ("Marchés publiés", fmt.integer(org["n_contracts"])),
        ("Part avec clause sociale", fmt.percent(org["clause_share"]),
         "Marchés avec clause sociale / marchés dont le statut est connu (format 2022) ; les marchés "
         "au format 2019 (statut inconnu) sont à part."),
        ("Montant total", fmt.euros_compact(org["amount"])),
        ("Période", "—" if fmt.is_null(org["first_year"]) else f"{int(org['first_year'])}–{int(org['last_year'])}"))

    # --- position among peers -----------------------------------------------------------------------
    st.subheader("Position parmi les acheteurs comparables")
    if fmt.is_null(org["size_band"]):
        st.caption("Pas de marché publié : pas de comparaison.")
    else:
        type_label = glossary.label("buyer_type", org["buyer_type"])
        rank = org["clause_share_rank"]
        st.markdown(
            f"Acheteurs du même type (**{txt.md(type_label)}**) et de même taille (tiers du montant des marchés : "
            f"**{BAND.get(str(org['size_band']), org['size_band'])}** taille) : {fmt.integer(org['n_peers'])} "
            f"organismes. Part médiane avec clause : **{fmt.percent(org['peers_median_clause_share'])}** ; "
            f"{txt.md(name)} : **{fmt.percent(org['clause_share'])}**"
            + ("" if fmt.is_null(rank) else f" (rang centile {fmt.percent(rank, 0)})") + ".")

    # --- contracts by year --------------------------------------------------------------------------
    by_year, _ = breakdowns.split(db.mart("mart_contract_share", dimension="year", landlord=siren))
    YEAR_COLS = [Col("value", "Année"), Col("n_contracts", "Marchés", "int"),
                 Col("n_known", "Statut connu", "int"), Col("n_unknown_status", "Statut inconnu", "int"),
                 Col("n_clause", "Avec clause", "int"), Col("share_clause", "Part avec clause", "pct"),
                 Col("amount_total", "Montant", "eur"), Col("amount_share_clause", "Part du montant avec clause", "pct")]
    st.subheader("Marchés par année")
    if by_year.empty:
        ui.empty("Aucun marché publié par cet acheteur.")
    else:
        fig = ui.figure(charts.contracts_by_year, by_year)
        last = by_year.iloc[-1]
        ui.chart(fig, f"{name} : {fmt.integer(by_year['n_contracts'].sum())} marchés de {by_year['value'].iloc[0]} "
                 f"à {last['value']} ; en {last['value']}, {fmt.percent(last['share_clause'])} des marchés de statut "
                 "connu ont une clause sociale.", by_year, YEAR_COLS, f"marches-par-annee-{siren}", key="a-year")

    # --- sectors ------------------------------------------------------------------------------------
    st.subheader("Secteurs")
    sectors, _ = breakdowns.split(db.mart("mart_contract_share", dimension="sector", landlord=siren))
    if not sectors.empty:
        sectors = sectors.assign(row_label=[breakdowns.row_label("sector", v, lab)
                                            for v, lab in zip(sectors["value"], sectors["label"])])
        ui.table(sectors, [Col("row_label", "Secteur"), Col("n_contracts", "Marchés", "int"),
                           Col("share_clause", "Part avec clause", "pct"), Col("amount_total", "Montant", "eur")],
                 f"secteurs-{siren}", key="a-sectors")

    # --- the full list of contracts ------------------------------------------------------------------
    st.subheader("Tous ses marchés")
    n_all = int(org["n_contracts"] or 0)
    contracts = db.mart("mart_contract_list", landlord=siren, max_rows=max(n_all, 1))
    LIST_COLS = [Col("notification_date", "Notification", "date"), Col("contract_id", "Identifiant"),
                 Col("buyer_siret", "SIRET"), Col("object", "Objet"), Col("sector", "Secteur", "code:sector"),
                 Col("procedure", "Procédure", "code:procedure"), Col("amount", "Montant", "eur"),
                 Col("social_considerations", "Considérations sociales")]
    if contracts.empty:
        ui.empty("Aucun marché publié par cet acheteur.")
    else:
        pages = max(1, math.ceil(len(contracts) / PAGE_SIZE))
        page = st.number_input(f"Page (sur {pages})", min_value=1, max_value=pages, value=1, step=1, key="a-page",
                               width=200)
        part = contracts.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        st.caption(f"{fmt.integer(len(contracts))} marchés, {PAGE_SIZE} par page ; les téléchargements contiennent "
                   "la liste entière.")
        from dashboard.tables import present

        display, _ = present(part, LIST_COLS)
        st.dataframe(display, hide_index=True)
        _, export = present(contracts, LIST_COLS)
        ui.downloads(export, f"marches-{siren}", key="a-list")

    # --- execution figures (people: secrecy and the role's policy) -----------------------------------
    st.subheader("Exécution des clauses")
    st.caption("Heures, participants et sorties des suivis des facilitateurs, sous secret statistique ; "
               "réservés à l'observatoire, à l'organisme lui-même et aux comités dans leur périmètre.")
    try:
        _, hours = breakdowns.split(db.mart("mart_hours", dimension="total", landlord=siren))
        _, people = breakdowns.split(db.mart("mart_participants", dimension="total", landlord=siren))
        _, exits = breakdowns.split(db.mart("mart_exits", dimension="total", landlord=siren))
        _, exits6 = breakdowns.split(db.mart("mart_exits", dimension="total", landlord=siren, timepoint="6m"))
    except policy.Denied as exc:
        st.info(exc.message, icon=":material/lock:")
    else:
        if ui.no_people(hours):
            st.caption("Aucune donnée d'exécution pour cet acheteur.")
        else:
            ui.people_scope_note(hours)
            parts.kpi_row(
                ("Heures réalisées", cell(hours, "hours_worked", "hours")),
                ("Heures prévues", cell(hours, "hours_planned", "hours")),
                ("Participants", cell(people, "n_participants", "int") if people is not None else "—"),
                ("Sorties dynamiques (fin)", cell(exits, "dynamic_exit_rate", "pct") if exits is not None else "—",
                 "Part des sortants au statut connu en emploi durable, de transition ou en sortie positive."),
                ("Sorties dynamiques (+6 mois)", cell(exits6, "dynamic_exit_rate", "pct") if exits6 is not None else "—"))
            if any(r is not None and bool(r.get("is_masked")) for r in (hours, people, exits, exits6)):
                ui.mask_note()
            trend, _ = breakdowns.split(db.mart("mart_hours", dimension="year", landlord=siren))
            if not trend.empty:
                ui.table(trend, [Col("value", "Année"), Col("n_participants", "Participants", "int"),
                                 Col("hours_worked", "Heures réalisées", "hours"),
                                 Col("hours_planned", "Heures prévues", "hours")],
                         f"execution-par-annee-{siren}", key="a-exec-year")


_page()
