"""Turn a mart's rows into what a page shows and what a user downloads.

`present(df, columns)` returns two frames with the same rows and French headers:
- `display`: strings in French formats (`1 234 h`, `12,5 %`), masked cells as "s";
- `export`: numbers rounded as displayed, percentages in percent units, masked cells as "s".

A numeric cell is masked when its value is null and the row is flagged: the flag column is
`<column>_masked` when the mart has one, else `is_masked` (docs/marts.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import formatting as fmt
from dashboard import glossary

NUMERIC_KINDS = {"int", "num1", "num2", "pct", "eur", "hours", "fte"}


@dataclass(frozen=True)
class Col:
    """One shown column: mart column `key`, French `label`, and `kind` of formatting.

    kinds: text, code:<glossary kind>, int, num1, num2, pct (ratio 0-1), eur, hours, fte, date, year.
    """

    key: str
    label: str
    kind: str = "text"


def _mask_series(df: pd.DataFrame, col: Col) -> pd.Series:
    for flag in (f"{col.key}_masked", "is_masked"):
        if flag in df.columns:
            return df[flag].fillna(False).astype(bool) & df[col.key].isna()
    return pd.Series(False, index=df.index)


def _as_list(value):
    """DuckDB lists arrive as numpy arrays: give a Python list (else the value unchanged)."""
    if hasattr(value, "ndim") and getattr(value, "ndim", 0) == 1 and hasattr(value, "tolist"):
        return value.tolist()
    return value


def _display_value(value, kind: str) -> str:
    value = _as_list(value)
    if kind.startswith("code:"):
        return glossary.label(kind[5:], value)
    if kind == "int":
        return fmt.integer(value)
    if kind == "num1":
        return fmt.number(value, 1)
    if kind == "num2":
        return fmt.number(value, 2)
    if kind == "pct":
        return fmt.percent(value)
    if kind == "eur":
        return fmt.euros(value)
    if kind == "hours":
        return fmt.number(value, 0)
    if kind == "fte":
        return fmt.number(value, 1)
    if kind == "date":
        return fmt.date(value)
    if kind == "year":
        return fmt.MISSING if fmt.is_null(value) else str(int(value))
    if fmt.is_null(value):
        return fmt.MISSING
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def _export_value(value, kind: str):
    value = _as_list(value)
    if kind.startswith("code:"):
        return glossary.label(kind[5:], value)
    if fmt.is_null(value):
        return None
    if kind in ("int", "year"):
        return int(round(float(value)))
    if kind in ("eur", "hours"):
        return round(float(value))
    if kind in ("num1", "fte"):
        return round(float(value), 1)
    if kind == "num2":
        return round(float(value), 2)
    if kind == "pct":
        return round(float(value) * 100, 1)
    if kind == "date":
        return pd.Timestamp(value).date()
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return value


def export_label(col: Col) -> str:
    """Header of the column in downloads: percentages say their unit."""
    if col.kind == "pct" and "%" not in col.label:
        return f"{col.label} (%)"
    if col.kind == "eur" and "€" not in col.label:
        return f"{col.label} (€)"
    return col.label


def present(df: pd.DataFrame, columns: list[Col]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(display, export) frames for `df` restricted to `columns`, in that order."""
    display, export = {}, {}
    for col in columns:
        if col.key not in df.columns:
            continue
        values = df[col.key]
        masked = _mask_series(df, col) if col.kind in NUMERIC_KINDS else pd.Series(False, index=df.index)
        display[col.label] = [
            fmt.MASK if m else _display_value(v, col.kind) for v, m in zip(values.tolist(), masked.tolist())
        ]
        export[export_label(col)] = pd.Series(
            [fmt.MASK if m else _export_value(v, col.kind) for v, m in zip(values.tolist(), masked.tolist())],
            dtype=object,
        )
    return pd.DataFrame(display, index=range(len(df))), pd.DataFrame(export, index=range(len(df)))


def has_masked(display: pd.DataFrame) -> bool:
    """Whether any shown cell is masked."""
    return bool((display == fmt.MASK).to_numpy().any()) if len(display) else False


def cell(row, key: str, kind: str) -> str:
    """One value of a mart row (a Series or dict) in French, "s" when masked."""
    if row is None:
        return fmt.MISSING
    value = row.get(key) if hasattr(row, "get") else None
    if kind in NUMERIC_KINDS and fmt.is_null(value):
        for flag in (f"{key}_masked", "is_masked"):
            flag_value = row.get(flag) if hasattr(row, "get") else None
            if flag_value is not None and not fmt.is_null(flag_value):
                if bool(flag_value):
                    return fmt.MASK
                break
    if kind == "hours":
        return fmt.hours(value)
    if kind == "fte":
        return fmt.fte(value)
    return _display_value(value, kind)
