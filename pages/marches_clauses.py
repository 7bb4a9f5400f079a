"""Marchés clausés (observatory): share of contracts with a social consideration, over time and by
breakdown, unknown status apart, national reference points, top buyers, drill-down list."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import breakdowns, db, filters, glossary, rankings, ui, urlstate
from dashboard import formatting as fmt
from dashboard.tables import Col

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Marchés clausés",
    "Part des marchés publics qui portent une considération sociale (clause d'exécution, critère "
    "d'attribution, marché réservé). Seuls les marchés publiés au format DECP 2022 (notifiés depuis "
    "2024) disent s'ils en portent une : les marchés au format 2019 ont un **statut inconnu**, "
    "montrés à part et jamais comptés comme « sans clause ».",
)
f = filters.current()
if not ui.need("mart_contract_share"):
    st.stop()
ui.ignored_filters_note("mart_contract_share", f)

MEASURES = {
    "social": "Toute considération sociale",
    "clause": "Clause sociale",
    "criterion": "Critère social",
    "reserved": "Marché réservé",
}
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

# National reference points (domain brief §3.1): share of contracts with a social consideration.
REFERENCES = [(2015, 0.10, "≈ 10 % (2015)"), (2019, 0.125, "12-13 %"), (2020, 0.125, None), (2021, 0.125, None),
              (2022, 0.205, "19-22 % (≥ 90 k€)"), (2023, 0.205, None)]
NATIONAL_TARGET = 0.30

# --- trend -----------------------------------------------------------------------------------
st.subheader("Évolution par année de notification")
years, total = breakdowns.split(db.mart("mart_contract_share", filters=f, dimension="year"))
if years.empty:
    ui.empty()
else:
    known = years[years["n_known"].fillna(0) > 0]
    fig = go.Figure()
    fig.add_bar(x=years["row_label"], y=years["n_known"] - years[n_col].fillna(0), name="Statut connu, sans",
                marker_color="#B8C4E0", yaxis="y2", hovertemplate="%{y:,.0f} marchés<extra></extra>")
    fig.add_bar(x=years["row_label"], y=years[n_col], name="Statut connu, avec", marker_color="#000091",
                yaxis="y2", hovertemplate="%{y:,.0f} marchés<extra></extra>")
    fig.add_bar(x=years["row_label"], y=years["n_unknown_status"], name="Statut inconnu (format 2019)",
                marker_color="#D9D9D9", marker_pattern_shape="/", yaxis="y2",
                hovertemplate="%{y:,.0f} marchés<extra></extra>")
    fig.add_scatter(x=known["row_label"], y=known[share_col] * 100, name="Part (échelle de droite)", mode="lines+markers",
                    line=dict(color="#E1000F", width=3), yaxis="y", hovertemplate="%{y:,.1f} %<extra></extra>")
    shown_years = set(years["row_label"])
    ref = [(str(y), v, t) for y, v, t in REFERENCES if str(y) in shown_years]
    if ref and measure == "social" and basis == "count":
        fig.add_scatter(x=[r[0] for r in ref], y=[r[1] * 100 for r in ref], mode="markers+text", name="Repère national",
                        marker=dict(symbol="diamond-open", size=11, color="#6A6A6A"),
                        text=[r[2] or "" for r in ref], textposition="top center", yaxis="y",
                        hovertemplate="Repère national : %{y:,.1f} %<extra></extra>")
    if measure == "social":
        fig.add_hline(y=NATIONAL_TARGET * 100, line_dash="dot", line_color="#6A6A6A", yref="y",
                      annotation_text="Objectif national : 30 %", annotation_position="top left")
    fig.update_layout(
        barmode="stack",
        yaxis=dict(title="Part", **fmt.PCT_AXIS, side="right", overlaying="y2", dtick=5,
                   range=[0, max(35.0, float((known[share_col].max() or 0) * 100) * 1.15)]),
        yaxis2=dict(title="Nombre de marchés", side="left", showgrid=False),
        xaxis=dict(type="category", title=None),
    )
    last = known.iloc[-1] if len(known) else None
    summary = (f"En {last['row_label']}, {fmt.percent(last[share_col])} des marchés au statut connu portent "
               f"« {MEASURES[measure].lower()} » ({basis == 'count' and 'en nombre' or 'en montant'}). "
               if last is not None else "Aucun marché au statut connu sur la période. ")
    summary += (f"{fmt.integer(years['n_unknown_status'].sum())} marchés de la période ont un statut inconnu "
                "(format 2019) : ils ne sont pas dans les parts.")
    ui.chart(fig, summary, years, SHARE_COLUMNS, "marches-clauses-par-annee", key="mc-year", height=420)

# --- breakdowns ------------------------------------------------------------------------------
st.subheader("Répartition")
dims = {k: v for k, v in breakdowns.CONTRACT_DIMENSIONS.items() if k not in ("year",)}
dim = urlstate.choice(st.selectbox, "Ventiler par", dims, key="mc_dim", url_key="ventilation",
                      default="buyer_type", width=360)
rows, total = breakdowns.split(db.mart("mart_contract_share", filters=f, dimension=dim))
if rows.empty:
    ui.empty()
else:
    shown = rows.sort_values(share_col, ascending=True, na_position="first")
    if len(shown) > 30:
        shown = shown.sort_values("n_contracts").tail(30).sort_values(share_col, na_position="first")
    fig = go.Figure(go.Bar(
        x=shown[share_col] * 100, y=shown["row_label"], orientation="h", marker_color="#000091",
        customdata=shown[["n_known", "n_unknown_status"]],
        text=[fmt.percent(v) for v in shown[share_col]], textposition="outside",
        hovertemplate="%{x:,.1f} % des %{customdata[0]:,.0f} marchés au statut connu<br>"
                      "%{customdata[1]:,.0f} au statut inconnu<extra></extra>",
    ))
    if total is not None and not fmt.is_null(total[share_col]):
        fig.add_vline(x=total[share_col] * 100, line_dash="dot", line_color="#E1000F",
                      annotation_text=f"Ensemble : {fmt.percent(total[share_col])}")
    fig.update_layout(xaxis=dict(**fmt.PCT_AXIS, title=MEASURES[measure]), yaxis=dict(title=None),
                      showlegend=False)
    # the highest / lowest named among the rows with enough contracts of known status only
    high, low, left_out = rankings.extremes(rows, share_col, "n_known")
    summary = (f"Part la plus haute : {high['row_label']} ({fmt.percent(high[share_col])}, "
               f"{fmt.integer(high['n_known'])} marchés au statut connu) ; la plus basse : {low['row_label']} "
               f"({fmt.percent(low[share_col])}, {fmt.integer(low['n_known'])} marchés). "
               if high is not None else "")
    summary += rankings.small_note(left_out)
    summary += rankings.coverage(rows, total, dim)
    summary += "Le nombre de marchés au statut inconnu de chaque ligne figure dans le tableau."
    ui.chart(fig, summary, rows if total is None else pd.concat([rows, total.to_frame().T]),
             SHARE_COLUMNS, f"marches-clauses-par-{ui.slug(dims[dim])}", key="mc-dim", height=max(300, 28 * len(shown) + 80))

# --- buyers that clause the most and the least -----------------------------------------------
buyers, _ = breakdowns.split(db.mart("mart_contract_share", filters=f, dimension="buyer"))
minimum = rankings.min_contracts()
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
    top, bottom = rankings.top_and_bottom(buyers, share_col, n=15)
    ranked = int(rankings.reliable(buyers[buyers["value"] != "unknown"]).sum())
    left = int((buyers["value"] != "unknown").sum()) - ranked
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
st.subheader("Liste des marchés")
if ui.need("mart_contract_list"):
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
