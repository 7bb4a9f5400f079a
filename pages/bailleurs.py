"""Bailleurs (landlords): one landlord's indicators against the regional median and its peer group,
percentile ranks, distributions with the landlord highlighted and the others anonymous, trends."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import breakdowns, db, filters, ui
from dashboard import market_charts as charts
from dashboard import market_parts as parts
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard.tables import Col

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Bailleurs sociaux",
    "Choisissez un bailleur : ses indicateurs sont comparés à ceux de l'ensemble des bailleurs de la région "
    "et des bailleurs de taille comparable. Les autres bailleurs sont anonymes : dans chaque distribution, "
    "ils ne sont désignés que par leur rang.",
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
# one landlord state: the sidebar's filter decides the picker, and the picker sets the sidebar's filter
# (its callback runs before the next run, when the sidebar widget may still be written)
if f.landlord in ids:
    st.session_state["b_viewer"] = f.landlord
elif st.session_state.get("b_viewer") not in ids:
    st.session_state["b_viewer"] = biggest if biggest in ids else ids[0]


def _to_sidebar() -> None:
    st.session_state[filters.KEYS["landlord"]] = st.session_state["b_viewer"]


viewer = st.selectbox("Bailleur", ids, format_func=lambda v: landlords.get(v, v), key="b_viewer",
                      on_change=_to_sidebar,
                      help="Le même choix que le filtre « Bailleur social » du panneau de gauche : changer l'un "
                           "change l'autre (et les autres pages).")
viewer_name = landlords.get(viewer, viewer)
if f.landlord is None:
    st.caption(f"Aucun bailleur n'est choisi dans le panneau de gauche : **{txt.md(viewer_name)}** (le plus grand par "
               "le montant des marchés) est affiché par défaut. En choisir un ici le sélectionne aussi dans le "
               "panneau.")
period = dict(year_from=f.year_from, year_to=f.year_to)

INDICATORS = parts.LANDLORD_INDICATORS  # indicator -> (French label, kind)
# per-landlord lists are published for these only: hours per million euros and the realisation rate divide
# by figures published by name (DECP amount, hours planned), they come as median and quartiles only
LISTED = ["clause_share", "women_share", "qpv_share", "tenant_share", "hours_per_participant", "dynamic_exit_rate"]
SIZE = {"small": "petits", "medium": "moyens", "large": "grands"}
MIN_GROUP = 4  # int_landlord_min_group()

pos = db.mart("mart_landlord_position", viewer=viewer, **period)
if pos.empty:
    ui.empty()
    st.stop()

band = pos[pos["scope"] == "peers"]["peer_group"].dropna()
band = band.iloc[0] if len(band) else None
_, own = breakdowns.split(db.mart("mart_contract_share", dimension="total", landlord=viewer, **period))
st.caption(f"Groupe de pairs : bailleurs **{SIZE.get(band, '—')}** (tiers du montant des marchés publiés, toutes "
           "années) · " + (f"{fmt.integer(own.get('n_contracts'))} marchés sur la période, "
                           f"{fmt.euros_compact(own.get('amount_total'))}." if own is not None else "aucun marché publié."))

st.subheader("Position du bailleur")


def _fmt(kind, v):
    return fmt.percent(v, 0) if kind == "pct" else fmt.number(v, 0)


def _gap(kind, v):
    if fmt.is_null(v):
        return fmt.MISSING
    return fmt.number(v * 100, 0) + "\u00a0pt" if kind == "pct" else fmt.number(v, 0)


def _rank(v):
    return fmt.MISSING if fmt.is_null(v) else fmt.integer(v * 100) + "e"


rows = []
any_masked = False
for ind, (label, kind) in INDICATORS.items():
    r = pos[(pos["indicator"] == ind) & (pos["scope"] == "region")]
    p = pos[(pos["indicator"] == ind) & (pos["scope"] == "peers")]
    r = r.iloc[0] if len(r) else {}
    p = p.iloc[0] if len(p) else {}
    v, med = r.get("viewer_value"), r.get("median")
    masked = bool(r.get("viewer_is_masked")) and fmt.is_null(v)
    any_masked = any_masked or masked
    rows.append({
        "Indicateur": label,
        "Bailleur": fmt.MASK if masked else _fmt(kind, v),
        "Médiane régionale": _fmt(kind, med),
        "Écart à la médiane": _gap(kind, r.get("gap")),
        "Rang centile (région)": _rank(r.get("percentile_rank")),
        "Médiane des pairs": _fmt(kind, p.get("median")),
        "Rang centile (pairs)": _rank(p.get("percentile_rank")),
        "Bailleurs comparés": fmt.integer(r.get("n_landlords")),
    })
display = pd.DataFrame(rows)
st.dataframe(display, hide_index=True)
# a partial year range: no people figure (bounded filter space of docs/secrecy.md); the mart says why
reasons = pos["mask_reason"].dropna() if "mask_reason" in pos else pd.Series(dtype=object)
ui.people_scope_note({"mask_reason": reasons.iloc[0]} if len(reasons) else None)
if any_masked:
    ui.mask_note()
st.caption("Rang centile : part des autres bailleurs de la région (ou des pairs) dont la valeur est plus basse. "
           "Écart en points de pourcentage pour les parts et taux. Valeurs arrondies (au point de pourcentage, "
           f"à l'heure près). « — » : moins de {MIN_GROUP} bailleurs ont une valeur publiable (ou, pour les pairs, "
           "un des groupes de taille en compte moins), la comparaison n'est pas publiée. Voir la page Méthode, "
           "« Comparaison entre bailleurs ».")
ui.downloads(display, f"position-{viewer_name}", key="b-pos")

@parts.fragment
def distribution(pos, viewer: str, viewer_name: str, band, period: dict) -> None:
    """One indicator's landlords (a fragment: the indicator and scope choices rerun this block only)."""
    st.subheader("Distribution")
    c1, c2 = st.columns(2)
    with c1:
        ind = st.selectbox("Indicateur", LISTED, format_func=lambda k: INDICATORS[k][0], key="b_ind",
                           help="Heures par million d'euros et taux de réalisation : médiane et rang seulement (leurs "
                                "dénominateurs, montants des marchés et heures prévues, sont publiés par bailleur).")
    with c2:
        scope = st.radio("Bailleurs comparés", ["region", "peers"], horizontal=True, key="b_scope",
                         format_func=lambda s: "Toute la région" if s == "region" else
                         f"Bailleurs {SIZE.get(band, 'de même taille')} (pairs)")
    label, kind = INDICATORS[ind]
    dist = db.mart("mart_landlord_benchmark", viewer=viewer, scope=scope, **period)
    dist = dist[dist["indicator"] == ind].sort_values("position").reset_index(drop=True)
    if dist.empty:
        ui.empty(f"Distribution non publiée : moins de {MIN_GROUP} bailleurs ont une valeur publiable pour cet "
                 "indicateur" + (" dans chaque groupe de taille." if scope == "peers" else "."))
        return
    row = pos[(pos["indicator"] == ind) & (pos["scope"] == scope)]
    median = row.iloc[0]["median"] if len(row) else None
    fig = ui.figure(charts.landlord_distribution, dist, kind, label, median, _fmt(kind, median))
    rank = row.iloc[0]["percentile_rank"] if len(row) else None
    summary = (f"{viewer_name} est en rouge. Les autres bailleurs sont anonymes et désignés seulement par leur rang "
               "dans cette liste, valeurs croissantes : le « Rang 3 » d'un indicateur n'est pas le « Rang 3 » d'un "
               "autre. " + (f"Rang centile : {fmt.integer(rank * 100)}e." if not fmt.is_null(rank) else
                            "Pas de valeur publiable pour ce bailleur."))
    cols = [Col("landlord_label", "Bailleur"), Col("value", label, kind)]
    ui.chart(fig, summary, dist, cols, f"distribution-{ui.slug(INDICATORS[ind][0])}", key="b-dist")


distribution(pos, viewer, viewer_name, band, period)

st.subheader("Tendances du bailleur")
c1, c2 = st.columns(2)
with c1:
    share, _ = breakdowns.split(db.mart("mart_contract_share", dimension="year", landlord=viewer, **period))
    if share.empty:
        ui.empty()
    else:
        fig = ui.figure(charts.clause_share_line, share, height=300)
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
        fig = ui.figure(charts.hours_bars, hrs, "row_label", ("Prévues", "Réalisées"), ("#B8C4E0", "#000091"),
                        height=300)
        ui.chart(fig, "Heures d'insertion prévues et réalisées sur les marchés du bailleur, par année.", hrs,
                 [Col("row_label", "Année"), Col("hours_planned", "Heures prévues", "hours"),
                  Col("hours_worked", "Heures réalisées", "hours"), Col("realisation_rate", "Taux", "pct")],
                 "bailleur-heures", key="b-hours", height=300)
