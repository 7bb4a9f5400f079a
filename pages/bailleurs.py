"""Bailleurs (landlords): one landlord's indicators against the regional median and its peer group,
percentile ranks, distributions with the landlord highlighted and the others anonymous, trends."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import breakdowns, db, filters, ui
from dashboard import formatting as fmt
from dashboard.tables import Col

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Bailleurs sociaux",
    "Choisissez un bailleur : ses indicateurs sont comparés à la médiane régionale et à celle des "
    "bailleurs de taille comparable (même tercile de montant de marchés). Les autres bailleurs sont "
    "anonymes (Bailleur A, B, …).",
)
f = filters.current()
if not ui.need("mart_landlord_benchmark", "mart_landlord_position"):
    st.stop()

landlords = filters.landlords()
if not landlords:
    ui.empty("Aucun bailleur social dans les données.")
    st.stop()
ids = list(landlords)
biggest = filters.largest("landlord")
default = ids.index(f.landlord) if f.landlord in ids else ids.index(biggest) if biggest in ids else 0
viewer = st.selectbox("Bailleur", ids, index=default, format_func=lambda v: landlords.get(v, v), key="b_viewer",
                      help="Le filtre « Bailleur social » du panneau de gauche présélectionne ce choix.")
period = dict(year_from=f.year_from, year_to=f.year_to)

INDICATORS = {
    "clause_share": ("Part des marchés avec clause", "pct"),
    "hours_per_million": ("Heures réalisées par million d'euros", "num1"),
    "realisation_rate": ("Taux de réalisation", "pct"),
    "women_share": ("Part de femmes", "pct"),
    "qpv_share": ("Part de résidents QPV", "pct"),
    "tenant_share": ("Part de locataires du bailleur", "pct"),
    "hours_per_participant": ("Heures par participant", "num1"),
    "dynamic_exit_rate": ("Taux de sortie dynamique", "pct"),
}

pos = db.mart("mart_landlord_position", viewer=viewer, **period)
bench = db.mart("mart_landlord_benchmark", viewer=viewer, anonymise=True, **period)
if pos.empty or bench.empty:
    ui.empty()
    st.stop()

me = bench[bench["is_viewer"].fillna(False).astype(bool)]
me = me.iloc[0] if len(me) else None
SIZE = {"small": "petits", "medium": "moyens", "large": "grands"}
if me is not None:
    st.caption(f"Groupe de pairs : bailleurs **{SIZE.get(me.get('size_band'), '—')}** (tercile du montant des "
               f"marchés publiés) · {fmt.integer(me.get('n_contracts'))} marchés, "
               f"{fmt.euros_compact(me.get('amount'))}.")

st.subheader("Position du bailleur")


def _fmt(kind, v):
    return fmt.percent(v) if kind == "pct" else fmt.number(v, 1)


rows = []
for ind, (label, kind) in INDICATORS.items():
    reg = pos[(pos["indicator"] == ind) & (pos["scope"] == "region")]
    peer = pos[(pos["indicator"] == ind) & (pos["scope"] == "peers")]
    r = reg.iloc[0] if len(reg) else None
    p = peer.iloc[0] if len(peer) else None
    v = r["viewer_value"] if r is not None else None
    rows.append({
        "indicator": label, "kind": kind,
        "viewer": v,
        "region_median": r["median"] if r is not None else None,
        "gap_region": (v - r["median"]) if r is not None and not fmt.is_null(v) and not fmt.is_null(r["median"]) else None,
        "region_rank": r["percentile_rank"] if r is not None else None,
        "peer_median": p["median"] if p is not None else None,
        "peer_rank": p["percentile_rank"] if p is not None else None,
        "n_region": r["n_landlords"] if r is not None else None,
    })
table_df = pd.DataFrame(rows)
masked_viewer = me is not None and bool(me.get("is_masked"))
display = pd.DataFrame({
    "Indicateur": table_df["indicator"],
    "Bailleur": [fmt.MASK if masked_viewer and fmt.is_null(v) else _fmt(k, v) for v, k in zip(table_df["viewer"], table_df["kind"])],
    "Médiane régionale": [_fmt(k, v) for v, k in zip(table_df["region_median"], table_df["kind"])],
    "Écart à la médiane": [
        fmt.MISSING if fmt.is_null(v) else (
            (fmt.number(v * 100, 1) + " pt") if k == "pct" else fmt.number(v, 1))
        for v, k in zip(table_df["gap_region"], table_df["kind"])],
    "Rang centile (région)": [fmt.MISSING if fmt.is_null(v) else fmt.integer(v * 100) + "e"
                              for v in table_df["region_rank"]],
    "Médiane des pairs": [_fmt(k, v) for v, k in zip(table_df["peer_median"], table_df["kind"])],
    "Rang centile (pairs)": [fmt.MISSING if fmt.is_null(v) else fmt.integer(v * 100) + "e"
                             for v in table_df["peer_rank"]],
    "Bailleurs comparés": [fmt.integer(v) for v in table_df["n_region"]],
})
st.dataframe(display, hide_index=True)
if masked_viewer:
    ui.mask_note()
st.caption("Rang centile : part des bailleurs de la région (ou des pairs) dont la valeur est plus basse. "
           "Écart en points de pourcentage pour les parts et taux.")
export = display.copy()
ui.downloads(export, f"position-{landlords.get(viewer, viewer)}", key="b-pos")

st.subheader("Distribution régionale")
ind = st.selectbox("Indicateur", list(INDICATORS), format_func=lambda k: INDICATORS[k][0], key="b_ind", width=420)
label, kind = INDICATORS[ind]
dist = bench.dropna(subset=[ind]).sort_values(ind).reset_index(drop=True)
if dist.empty:
    ui.empty("Aucune valeur publiable pour cet indicateur.")
else:
    is_me = dist["is_viewer"].fillna(False).astype(bool)
    names = [landlords.get(viewer, "Votre bailleur") if m else lab
             for m, lab in zip(is_me, dist["landlord_label"])]
    fig = go.Figure(go.Bar(
        x=names, y=dist[ind] * (100 if kind == "pct" else 1), marker_color=["#E1000F" if m else "#B8C4E0" for m in is_me],
        hovertemplate="%{x} : %{y" + (fmt.PCT_HOVER if kind == "pct" else ":,.1f}") + "<extra></extra>",
    ))
    reg = pos[(pos["indicator"] == ind) & (pos["scope"] == "region")]
    if len(reg) and not fmt.is_null(reg.iloc[0]["median"]):
        fig.add_hline(y=reg.iloc[0]["median"] * (100 if kind == "pct" else 1), line_dash="dot", line_color="#000091",
                      annotation_text=f"Médiane régionale : {_fmt(kind, reg.iloc[0]['median'])}")
    fig.update_layout(yaxis=dict(title=label, **(fmt.PCT_AXIS if kind == "pct" else {"tickformat": ",.0f"})),
                      xaxis=dict(title=None, tickangle=-45), showlegend=False)
    rank = reg.iloc[0]["percentile_rank"] if len(reg) else None
    summary = (f"{landlords.get(viewer, viewer)} est en rouge ; les autres bailleurs sont anonymes. "
               + (f"Rang centile régional : {fmt.integer(rank * 100)}e." if not fmt.is_null(rank) else
                  "Pas de valeur publiable pour ce bailleur."))
    cols = [Col("landlord_label", "Bailleur"), Col("size_band", "Taille"), Col(ind, label, kind)]
    ui.chart(fig, summary, dist.assign(landlord_label=names, size_band=dist["size_band"].map(SIZE)), cols,
             f"distribution-{ind}", key="b-dist")

st.subheader("Tendances du bailleur")
c1, c2 = st.columns(2)
with c1:
    share, _ = breakdowns.split(db.mart("mart_contract_share", dimension="year", landlord=viewer, **period))
    if share.empty:
        ui.empty()
    else:
        fig = go.Figure(go.Scatter(x=share["row_label"], y=share["share_clause"] * 100, mode="lines+markers",
                                   line=dict(color="#000091", width=3), hovertemplate="%{y:,.1f} %<extra></extra>"))
        fig.update_layout(xaxis=dict(type="category"), yaxis=dict(**fmt.PCT_AXIS, title="Marchés avec clause"))
        ui.chart(fig, "Part des marchés au statut connu portant une clause sociale, par année (les années au "
                 "format 2019 n'ont pas de valeur).", share,
                 [Col("row_label", "Année"), Col("n_known", "Statut connu", "int"),
                  Col("n_unknown_status", "Statut inconnu", "int"), Col("share_clause", "Part avec clause", "pct")],
                 "bailleur-part-clause", key="b-share", height=300)
with c2:
    hrs, _ = breakdowns.split(db.mart("mart_hours", dimension="year", landlord=viewer, **period))
    if hrs.empty:
        ui.empty()
    else:
        fig = go.Figure()
        fig.add_bar(x=hrs["row_label"], y=hrs["hours_planned"], name="Prévues", marker_color="#B8C4E0")
        fig.add_bar(x=hrs["row_label"], y=hrs["hours_worked"], name="Réalisées", marker_color="#000091")
        fig.update_layout(barmode="group", xaxis=dict(type="category"), yaxis=dict(title="Heures"))
        ui.chart(fig, "Heures d'insertion prévues et réalisées sur les marchés du bailleur, par année.", hrs,
                 [Col("row_label", "Année"), Col("hours_planned", "Heures prévues", "hours"),
                  Col("hours_worked", "Heures réalisées", "hours"), Col("realisation_rate", "Taux", "pct")],
                 "bailleur-heures", key="b-hours", height=300)
