"""Calculateur d'heures: the hours grid (amount, trade, rate, hourly cost -> hours and FTE), defaults
editable, with the region's realised hours per euro for that trade beside the estimate."""
from __future__ import annotations

import streamlit as st

from dashboard import db, glossary, ui
from dashboard import formatting as fmt
from dashboard import page_parts as parts
from dashboard.page_parts import Tile
from dashboard.tables import Col, cell

parts.open_page(
    "Calculateur d'heures d'insertion",
    "Estimez les heures d'insertion à inscrire dans un marché : **heures = montant HT × part de main-d'œuvre × taux d'insertion / coût horaire chargé**. Les valeurs par défaut du corps d'état sont modifiables. À côté, ce que les marchés de ce corps d'état ont réellement produit dans la région.",
)
if not ui.need("mart_hours_grid", "mart_hours_grid_defaults"):
    st.stop()

defaults = db.mart("mart_hours_grid_defaults")
trades = defaults["trade"].tolist() if len(defaults) else list(glossary.TRADE)
by_trade = {r["trade"]: r for _, r in defaults.iterrows()}


@parts.fragment
def estimate() -> None:
    """The inputs and their estimate: only this block reruns when an input changes."""
    c1, c2 = st.columns(2)
    with c1:
        amount = st.number_input("Montant HT du marché (€)", min_value=0, value=1_000_000, step=10_000,
                                 key="c_amount")
        trade = st.selectbox("Corps d'état", trades, format_func=glossary.labeller("trade"), key="c_trade")
        rate_pct = st.slider("Taux d'insertion", min_value=1, max_value=20, value=5, step=1, key="c_rate", format="%d %%",
                             help="Part des heures de main-d'œuvre réservée à l'insertion : 5 % à 20 % selon les "
                                  "acheteurs.")
    d = by_trade.get(trade)
    with c2:
        share_pct = st.number_input(
            "Part de main-d'œuvre (%)", min_value=1, max_value=100, step=1, key=f"c_share_{trade}",
            value=int(round(float(d["labour_share"] if d is not None else 0.5) * 100)),
            help="Valeur par défaut du corps d'état ; modifiable.")
        cost = st.number_input(
            "Coût horaire chargé (€/h)", min_value=5, max_value=200, step=1, key=f"c_cost_{trade}",
            value=int(round(float(d["hourly_cost"] if d is not None else 30))), help="Valeur par défaut du corps d'état ; modifiable.")

    res = db.mart("mart_hours_grid", amount=float(amount), trade=trade, rate=rate_pct / 100,
                  hourly_cost=float(cost), labour_share=share_pct / 100)
    if res.empty:
        ui.empty("Le calcul n'a rien renvoyé.")
        return
    r = res.iloc[0]
    st.subheader("Estimation")
    parts.tiles(r, [
        Tile("Heures d'insertion", value=fmt.hours(r["estimated_insertion_hours"])),
        Tile("Équivalents temps plein", value=fmt.fte(r["estimated_insertion_fte"]), help=f"1 ETP = {fmt.integer(r['fte_hours'])} h."),
        Tile("Heures de main-d'œuvre du marché", value=fmt.hours(r["estimated_total_hours"])),
        Tile("Réalisé en région", "realised_hours_estimate", "hours", help="Pour le même montant : heures d'insertion réellement travaillées par euro sur les lots de ce corps d'état dans la région."),
    ])
    st.caption(
        f"{fmt.euros(amount)} × {fmt.percent(share_pct / 100)} de main-d'œuvre × {fmt.percent(rate_pct / 100)} "
        f"/ {fmt.euros(cost, 2)} de l'heure = {fmt.hours(r['estimated_insertion_hours'])}. "
        f"Référence régionale : {cell(r, 'realised_hours_per_million', 'num1')} heures réalisées par million d'euros, "
        f"sur {cell(r, 'n_lots', 'int')} lots et {cell(r, 'n_participants', 'int')} participants."
    )
    if bool(r.get("is_masked")):
        ui.mask_note()


estimate()

st.subheader("Valeurs par défaut de la grille")
if len(defaults):
    ui.table(defaults, [
        Col("trade", "Corps d'état", "code:trade"), Col("labour_share", "Part de main-d'œuvre", "pct"),
        Col("hourly_cost", "Coût horaire (€)", "num2"),
        Col("grid_hours_per_million_at_5pct", "Heures par M€ (grille, 5 %)", "num1"),
        Col("realised_hours_per_million", "Heures réalisées par M€ (région)", "num1"),
        Col("n_lots", "Lots", "int"), Col("n_participants", "Participants", "int"),
    ], "grille-d-heures", key="c-defaults")
