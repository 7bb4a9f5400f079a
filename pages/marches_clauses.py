"""Marchés clausés (observatory): share of contracts with a social consideration, over time and by
breakdown, unknown status apart, national reference points, top buyers, drill-down list."""
from __future__ import annotations

import streamlit as st

from dashboard import breakdowns, db, glossary, page_parts, rankings, ui, urlstate
from dashboard import market_charts as charts
from dashboard import market_parts as parts
from dashboard import formatting as fmt
from dashboard.tables import Col

f = page_parts.mart_page(
    "Marchés clausés",
    "Part des marchés publics qui portent une considération sociale (clause d'exécution, critère "
    "d'attribution, marché réservé). Seuls les marchés publiés au format DECP 2022 (notifiés depuis "
    "2024) disent s'ils en portent une : les marchés au format 2019 ont un **statut inconnu**, "
    "montrés à part et jamais comptés comme « sans clause ».",
    "mart_contract_share", "mart_contract_share_ranked", "mart_national_references",
)

MEASURES = charts.MEASURE_WORDS
c1, c2 = st.columns([3, 1])
with c1:
    measure = urlstate.choice(st.segmented_control, "Considération", MEASURES, key="mc_measure",
                              url_key="consideration", default="social", required=True)
with c2:
    basis = urlstate.choice(st.segmented_control, "Mesure", {"count": "En nombre", "amount": "En montant"},
                            key="mc_basis", url_key="mesure", default="count", required=True)
share_col = f"share_{measure}" if basis == "count" else f"amount_share_{measure}"
n_col = f"n_{measure}"

SHARE_COLUMNS = [
    Col("row_label", "Valeur"),
    Col("n_contracts", "Marchés", "int"),
    Col("n_unknown_status", "Statut inconnu (format 2019)", "int"),
    Col("n_known", "Statut connu", "int"),
    Col("n_social", "Avec considération sociale", "int"),
    Col("share_social", "Part avec considération sociale", "pct"),
    Col("n_clause", "Avec clause", "int"),
    Col("share_clause", "Part avec clause", "pct"),
    Col("n_criterion", "Avec critère", "int"),
    Col("share_criterion", "Part avec critère", "pct"),
    Col("n_reserved", "Réservés", "int"),
    Col("share_reserved", "Part réservés", "pct"),
    Col("amount_known", "Montant au statut connu", "eur"),
    Col("amount_social", "Montant avec considération sociale", "eur"),
    Col("amount_share_social", "Part du montant avec considération sociale", "pct"),
]

# --- trend -----------------------------------------------------------------------------------
st.subheader("Évolution par année de notification")
years, total = breakdowns.split(db.mart("mart_contract_share", filters=f, dimension="year"))
if years.empty:
    ui.empty()
else:
    known = years[years["n_known"].fillna(0) > 0]
    # national reference points (domain brief §3.1) of the years shown, and the national target
    refs = (db.mart("mart_national_references", years=tuple(int(v) for v in years["value"] if str(v).isdigit()))
            if measure == "social" else None)
    points = refs[~refs["is_target"]] if refs is not None and basis == "count" else None
    target = refs[refs["is_target"]].iloc[0] if refs is not None and refs["is_target"].any() else None
    fig = ui.figure(charts.contract_trend, years, share_col, n_col, points,
                    None if target is None else float(target["share"]),
                    None if target is None else str(target["label"]), height=420)
    last = known.iloc[-1] if len(known) else None
    summary = (f"En {last['row_label']}, {fmt.percent(last[share_col])} des marchés au statut connu portent "
               f"« {MEASURES[measure].lower()} » ({basis == 'count' and 'en nombre' or 'en montant'}). "
               if last is not None else "Aucun marché au statut connu sur la période. ")
    summary += (f"{fmt.integer(years['n_unknown_status'].sum())} marchés de la période ont un statut inconnu "
                "(format 2019) : ils ne sont pas dans les parts.")
    ui.chart(fig, summary, years, SHARE_COLUMNS, "marches-clauses-par-annee", key="mc-year", height=420)


# --- breakdowns (a fragment: « Ventiler par » reruns this block only) ---------------------------
@parts.fragment
def breakdown(f, measure: str, share_col: str) -> None:
    st.subheader("Répartition")
    dims = {k: v for k, v in breakdowns.CONTRACT_DIMENSIONS.items() if k not in ("year",)}
    dim = urlstate.choice(st.selectbox, "Ventiler par", dims, key="mc_dim", url_key="ventilation",
                          default="buyer_type", width=360)
    ranked = db.mart("mart_contract_share_ranked", filters=f, dimension=dim, ranked_by=share_col,
                     min_known=rankings.min_contracts())
    rows, total = breakdowns.split(ranked)
    if rows.empty:
        ui.empty()
        return
    # at most the 30 rows with the most contracts (mart: size_rank), by share
    shown = rows[rows["size_rank"] <= 30].sort_values(share_col, ascending=True, na_position="first")
    height = max(300, 28 * len(shown) + 80)
    fig = ui.figure(charts.share_bars, shown, share_col, None if total is None else total[share_col], measure,
                    height=height)
    # the highest / lowest named among the rows with enough contracts of known status only
    high, low, left_out = rankings.extremes(rows, share_col, "n_known")
    summary = (f"Part la plus haute : {high['row_label']} ({fmt.percent(high[share_col])}, "
               f"{fmt.integer(high['n_known'])} marchés au statut connu) ; la plus basse : {low['row_label']} "
               f"({fmt.percent(low[share_col])}, {fmt.integer(low['n_known'])} marchés). "
               if high is not None else "")
    summary += rankings.small_note(left_out)
    summary += rankings.coverage(rows, total, dim)
    summary += "Le nombre de marchés au statut inconnu de chaque ligne figure dans le tableau."
    ui.chart(fig, summary, parts.labelled(ranked), SHARE_COLUMNS, f"marches-clauses-par-{ui.slug(dims[dim])}",
             key="mc-dim", height=height)


breakdown(f, measure, share_col)

# --- buyers that clause the most and the least -----------------------------------------------
minimum = rankings.min_contracts()
buyers, _ = breakdowns.split(db.mart("mart_contract_share_ranked", filters=f, dimension="buyer",
                                     ranked_by=share_col, min_known=minimum))
BUYER_COLUMNS = [
    Col("row_label", "Acheteur"), Col("value", "SIRET"),
    Col("n_contracts", "Marchés", "int"), Col("n_unknown_status", "Statut inconnu", "int"),
    Col("n_known", "Statut connu", "int"), Col(n_col, f"Avec « {MEASURES[measure].lower()} »", "int"),
    Col(f"share_{measure}", "Part (nombre)", "pct"), Col(f"amount_share_{measure}", "Part (montant)", "pct"),
]
st.subheader("Acheteurs qui clausent le plus")
st.caption(f"Classement {'en nombre' if basis == 'count' else 'en montant'} parmi les acheteurs d'au moins "
           f"{fmt.integer(minimum)} marchés au statut connu (réglage `ranking_min_contracts`) : une part "
           "calculée sur un ou deux marchés ne classe pas un acheteur.")
if buyers.empty:
    ui.empty()
else:
    # the 15 highest and the 15 lowest shares among the reliable buyers (mart: rank_high, rank_low)
    top = buyers[buyers["rank_high"] <= 15].sort_values("rank_high")
    bottom = buyers[buyers["rank_low"] <= 15].sort_values("rank_low")
    named = buyers["value"] != "unknown"
    ranked = int((buyers["is_reliable"].fillna(False).astype(bool) & named).sum())
    left = int(named.sum()) - ranked
    if top.empty:
        ui.empty(f"Aucun acheteur n'a {fmt.integer(minimum)} marchés au statut connu ou plus avec ces filtres.")
    else:
        ui.table(top, BUYER_COLUMNS, "acheteurs-qui-clausent-le-plus", key="mc-top")
        st.subheader("Acheteurs qui clausent le moins")
        ui.table(bottom, BUYER_COLUMNS, "acheteurs-qui-clausent-le-moins", key="mc-bottom")
    if left:
        st.caption(f"{fmt.integer(ranked)} acheteurs classés ; {fmt.integer(left)} acheteurs de moins de "
                   f"{fmt.integer(minimum)} marchés au statut connu ne sont pas classés.")

# --- drill-down ------------------------------------------------------------------------------


@parts.fragment
def contract_list(f) -> None:
    """The list of contracts (a fragment: its status and search rerun this block only)."""
    st.subheader("Liste des marchés")
    if not ui.need("mart_contract_list"):
        return
    STATUS = glossary.SOCIAL_FILTER
    c1, c2 = st.columns([1, 2])
    with c1:
        status = urlstate.choice(st.selectbox, "Statut social", {"all": "Tous", **STATUS}, key="mc_status",
                                 url_key="statut", default="all")
        status = None if status == "all" else status
    with c2:
        search = urlstate.text("Rechercher (objet, acheteur, identifiant)", key="mc_search",
                               url_key="recherche_marche").strip() or None
    contracts = db.mart("mart_contract_list", filters=f, social_status=status, search=search, max_rows=200)
    if contracts.empty:
        ui.empty("Aucun marché ne correspond.")
    else:
        st.caption(f"{fmt.integer(len(contracts))} marchés affichés (les 200 plus récents au plus ; affinez avec la recherche ou les filtres).")
        ui.table(contracts, [
            Col("notification_date", "Notification", "date"), Col("buyer_name", "Acheteur"),
            Col("buyer_type", "Type d'acheteur", "code:buyer_type"), Col("contract_id", "Identifiant"),
            Col("object", "Objet"), Col("nature", "Nature", "code:nature"),
            Col("procedure", "Procédure", "code:procedure"), Col("cpv_code", "CPV"),
            Col("sector", "Secteur", "code:sector"), Col("amount", "Montant", "eur"),
            Col("duration_months", "Durée (mois)", "num1"), Col("departement_code", "Département"),
            Col("social_considerations", "Considérations sociales"),
            Col("format_version", "Format"), Col("source_file", "Fichier source"),
        ], "liste-des-marches", key="mc-list", height=420)


contract_list(f)
