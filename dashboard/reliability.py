"""How far an exit rate can be trusted, said next to the figure (Sorties, Rapport de comité).

Two rules, on a `mart_exits` row (the counts as the mart publishes them, masked cells null):
- **unknown outcomes**: when more than `MAX_UNKNOWN_SHARE` (30 %) of the leavers have an unknown
  situation, the rate describes the minority whose outcome was followed up; it may rise only
  because fewer outcomes are known (56 unknown of 101 leavers at 6 months: the rate is computed on
  45 people). A warning says so with the counts.
- **fragile rate**: a rate computed on fewer than `MIN_KNOWN` (30) leavers of known outcome is
  marked "fragile" (its 95 % interval is wide).

Nothing here un-masks: the rules read only the counts the mart shows; when the unknowns or the
leavers are masked, the share is not computed and no warning is given on it.
"""
from __future__ import annotations

from dashboard import formatting as fmt

MAX_UNKNOWN_SHARE = 0.30
MIN_KNOWN = 30
FRAGILE = "fragile"


def _num(row, key):
    if row is None:
        return None
    v = row.get(key) if hasattr(row, "get") else None
    return None if fmt.is_null(v) else float(v)


def unknown_share(row) -> float | None:
    """Share of leavers with an unknown outcome (None when a count is masked or no leaver)."""
    leavers, unknown = _num(row, "n_leavers"), _num(row, "n_unknown")
    if leavers is None or unknown is None or leavers <= 0:
        return None
    return unknown / leavers


def too_many_unknown(row) -> bool:
    share = unknown_share(row)
    return share is not None and share > MAX_UNKNOWN_SHARE


def is_fragile(row) -> bool:
    """A shown rate on fewer than MIN_KNOWN known exits."""
    known = _num(row, "n_known")
    rate = _num(row, "dynamic_exit_rate")
    return rate is not None and known is not None and known < MIN_KNOWN


def warnings(row, when: str = "") -> list[str]:
    """French sentences (plain text) on the reliability of the row's dynamic exit rate."""
    out = []
    when = f" {when}" if when else ""
    if too_many_unknown(row):
        out.append(
            f"Situation inconnue pour {fmt.integer(row.get('n_unknown'))} sortants sur "
            f"{fmt.integer(row.get('n_leavers'))}{when} ({fmt.percent(unknown_share(row))}, plus de "
            f"{fmt.percent(MAX_UNKNOWN_SHARE, 0)}) : le taux ne porte que sur les "
            f"{fmt.integer(row.get('n_known'))} sortants suivis et peut monter ou baisser selon les "
            "situations renseignées, sans que les parcours aient changé.")
    if is_fragile(row):
        out.append(
            f"Taux fragile{when} : calculé sur {fmt.integer(row.get('n_known'))} sortants de situation connue "
            f"(moins de {MIN_KNOWN}) ; son intervalle de confiance à 95 % est large "
            f"({fmt.interval(row.get('ci_low'), row.get('ci_high'))}).")
    return out


def label(row) -> str:
    """The reliability of a row's rate in a table cell: "fragile", "inconnus > 30 %", both, or ""."""
    bits = []
    if is_fragile(row):
        bits.append(FRAGILE)
    if too_many_unknown(row):
        bits.append(f"inconnus > {fmt.percent(MAX_UNKNOWN_SHARE, 0)}")
    return " ; ".join(bits)


def with_labels(df):
    """`df` with a `reliability` column (see `label`)."""
    return df.assign(reliability=[label(r) for _, r in df.iterrows()]) if len(df) else df.assign(reliability=[])
