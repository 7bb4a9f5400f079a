"""Rankings, summary sentences and map colours that a handful of contracts cannot distort.

A share computed on 1 contract (100 %) is not "the highest": the pages rank, name in a summary
sentence and colour on a map only the cells with at least `min_contracts()` contracts of known
status (setting `ranking_min_contracts`, default 10, docs/settings.md); the smaller ones stay in the
tables, with their count, and the map draws them apart as too small. `coverage()` says how many
contracts a territorial breakdown cannot place and how many have an unknown status.
"""
from __future__ import annotations

import pandas as pd

from dashboard import formatting as fmt
from pipelines import codes, settings

# territorial dimension -> "what its unplaced contracts lack" (data/reference/codes.csv)
TERRITORY_WORDS = codes.labels("territory_missing")


def min_contracts() -> int:
    """Minimum number of contracts of known status for a cell to be ranked, named or coloured."""
    try:
        return max(1, int(settings.get("ranking_min_contracts")))
    except (TypeError, ValueError):
        return 10


def reliable(rows: pd.DataFrame, n_col: str = "n_known", minimum: int | None = None) -> pd.Series:
    """Boolean mask of the rows with at least `minimum` (default: the setting) in `n_col`."""
    minimum = min_contracts() if minimum is None else minimum
    return pd.to_numeric(rows[n_col], errors="coerce").fillna(0) >= minimum


def extremes(rows: pd.DataFrame, share_col: str, n_col: str = "n_known",
             minimum: int | None = None) -> tuple[pd.Series | None, pd.Series | None, int]:
    """(highest row, lowest row, number of rows left out as too small) among the reliable rows
    with a value (not the total, not the unknown value)."""
    cand = rows[(rows["value"].astype(str) != "unknown") & rows[share_col].notna()]
    ok = cand[reliable(cand, n_col, minimum)].sort_values([share_col, n_col], ascending=[True, False])
    left_out = len(cand) - len(ok)
    if ok.empty:
        return None, None, left_out
    return ok.iloc[-1], ok.iloc[0], left_out


def top_and_bottom(rows: pd.DataFrame, share_col: str, n: int = 10, n_col: str = "n_known",
                   minimum: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` reliable rows with the highest share and the `n` with the lowest (ties: more contracts
    first), without the unknown value."""
    cand = rows[(rows["value"].astype(str) != "unknown") & rows[share_col].notna()]
    ok = cand[reliable(cand, n_col, minimum)]
    top = ok.sort_values([share_col, n_col], ascending=[False, False]).head(n)
    bottom = ok.sort_values([share_col, n_col], ascending=[True, False]).head(n)
    return top, bottom


def small_note(left_out: int, minimum: int | None = None) -> str:
    """French sentence: how many cells were left out of the ranking (empty when none)."""
    minimum = min_contracts() if minimum is None else minimum
    if not left_out:
        return ""
    cells = "ligne" if left_out == 1 else "lignes"
    return (f"{fmt.integer(left_out)} {cells} de moins de {fmt.integer(minimum)} marchés au statut connu "
            "ne sont ni classées ni colorées (trop peu de marchés pour une part fiable) ; elles restent "
            "dans le tableau avec leur nombre de marchés. ")


def coverage(rows: pd.DataFrame, total: pd.Series | None, dimension: str, *, on_map: bool = False) -> str:
    """French sentence on what the figure leaves out: contracts the territorial breakdown cannot place
    (value 'unknown') and contracts of unknown status (2019 format), with their shares."""
    if total is None or fmt.is_null(total.get("n_contracts")) or not total.get("n_contracts"):
        return ""
    n_all = float(total["n_contracts"])
    parts = []
    if dimension in TERRITORY_WORDS:
        unknown = rows[rows["value"].astype(str) == "unknown"]
        n_out = float(unknown["n_contracts"].sum()) if len(unknown) else 0.0
        where = ("ne sont pas sur la carte" if on_map
                 else "ne sont dans aucun territoire (ligne « Non renseigné »)")
        parts.append(f"{fmt.integer(n_out)} marchés sur {fmt.integer(n_all)} ({fmt.percent(n_out / n_all)}) "
                     f"{TERRITORY_WORDS[dimension]} {where}")
    n_unknown = float(total.get("n_unknown_status") or 0)
    parts.append(f"{fmt.integer(n_unknown)} ({fmt.percent(n_unknown / n_all)}) ont un statut inconnu "
                 "(format 2019) et sont hors des parts")
    return "Couverture : " + " ; ".join(parts) + ". "
