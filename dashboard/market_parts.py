"""Page blocks shared by the procurement and landlord pages (Marchés clausés, Bailleurs, Objectifs,
Territoires, fiches opération and acheteur)."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from dashboard import breakdowns, page_parts

# The landlord benchmark's indicators (mart_landlord_position, int_landlord_indicator_list) in French;
# the values arrive rounded (whole percent, whole hours, 10 h per M€): shares and rates are "pct",
# hours "int"
_LANDLORD_LABELS = {
    "clause_share": "Part des marchés avec clause",
    "hours_per_million": "Heures réalisées par million d'euros",
    "realisation_rate": "Taux de réalisation",
    "women_share": "Part de femmes",
    "qpv_share": "Part de résidents QPV",
    "tenant_share": "Part de locataires du bailleur",
    "hours_per_participant": "Heures par participant",
    "dynamic_exit_rate": "Taux de sortie dynamique",
}
_IN_HOURS = {"hours_per_million", "hours_per_participant"}
# indicator -> (French label, kind)
LANDLORD_INDICATORS = {k: (label, "int" if k in _IN_HOURS else "pct") for k, label in _LANDLORD_LABELS.items()}


def labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Every row of a breakdown mart with its French `row_label` (breakdowns.row_label), the total
    row last: a chart's table shows the mart's own total row, nothing appended by the page."""
    if df.empty:
        return df.assign(row_label=pd.Series(dtype=str))
    out = df.assign(_total=df["is_total"].fillna(False).astype(bool))
    out = out.sort_values(["_total", "sort_key"], kind="stable").drop(columns="_total").reset_index(drop=True)
    dims = out["dimension"] if "dimension" in out.columns else [""] * len(out)
    labels = out["label"] if "label" in out.columns else [None] * len(out)
    out["row_label"] = [breakdowns.row_label(d, v, lab) for d, v, lab in zip(dims, out["value"], labels)]
    return out


def kpi_row(*tiles: tuple) -> None:
    """KPI tiles side by side: each tile (label, value) or (label, value, help)."""
    from dashboard import ui

    for col, tile in zip(st.columns(len(tiles)), tiles):
        with col:
            ui.kpi(tile[0], tile[1], help=tile[2] if len(tile) > 2 else None)


def mart_or_denied(name: str, **params) -> pd.DataFrame | None:
    """`db.mart(name, **params)`, or None with the French reason shown when the visitor's role may not
    read it (dashboard/policy.py)."""
    from dashboard import db, policy

    try:
        return db.mart(name, **params)
    except policy.Denied as exc:
        st.info(exc.message, icon=":material/lock:")
        return None


fragment = page_parts.fragment  # one wrapper for every page block (scope kept, refusal said)
