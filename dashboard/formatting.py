"""French formats for everything a user reads: numbers, percentages, euros, hours, dates.

Every function takes a value that may be null (None, NaN, pd.NA) and returns a string; a null
gives `missing` ("—" by default). Masked cells are the caller's business: pass `masked=True`
and the result is "s" (statistical secrecy, see domain.md §4).
Group separator: the narrow no-break space babel uses for fr_FR; decimal separator: comma.
"""
from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date as _babel_date, format_datetime as _babel_datetime
from babel.numbers import format_decimal

LOCALE = "fr_FR"
MASK = "s"
MISSING = "—"
# Plotly `layout.separators`: decimal then thousands.
PLOTLY_SEPARATORS = ",\u202f"


def is_null(value) -> bool:
    """True for None, NaN and pandas' NA/NaT."""
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, float) and math.isnan(value):
        return True
    return False


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value, decimals: int = 0, *, masked: bool = False, missing: str = MISSING) -> str:
    """`1234567.8` -> `1 234 568` (decimals=0) or `1 234 567,8` (decimals=1)."""
    if masked:
        return MASK
    if is_null(value):
        return missing
    return format_decimal(float(value), format=_pattern(decimals), locale=LOCALE)


def integer(value, **kw) -> str:
    """A count: `12345` -> `12 345`."""
    return number(value, 0, **kw)


def percent(ratio, decimals: int = 1, *, masked: bool = False, missing: str = MISSING) -> str:
    """A ratio in [0, 1] (or above) as a French percentage: `0.125` -> `12,5 %`."""
    if masked:
        return MASK
    if is_null(ratio):
        return missing
    return number(float(ratio) * 100, decimals) + "\u00a0%"


def euros(value, decimals: int = 0, *, masked: bool = False, missing: str = MISSING) -> str:
    """`1234567.8` -> `1 234 568 €`."""
    if masked:
        return MASK
    if is_null(value):
        return missing
    return number(value, decimals) + "\u00a0€"


def euros_compact(value, *, missing: str = MISSING) -> str:
    """Large amounts: `12 345 678` -> `12,3 M€`, `45 600` -> `45,6 k€`."""
    if is_null(value):
        return missing
    v = float(value)
    if abs(v) >= 1e9:
        return number(v / 1e9, 1) + "\u00a0Md€"
    if abs(v) >= 1e6:
        return number(v / 1e6, 1) + "\u00a0M€"
    if abs(v) >= 1e4:
        return number(v / 1e3, 1) + "\u00a0k€"
    return euros(v)


def hours(value, *, masked: bool = False, missing: str = MISSING) -> str:
    """Hours, rounded: `1234.4` -> `1 234 h`."""
    if masked:
        return MASK
    if is_null(value):
        return missing
    return number(value, 0) + "\u00a0h"


def fte(value, *, masked: bool = False, missing: str = MISSING) -> str:
    """Full-time equivalents with one decimal: `12.34` -> `12,3 ETP`."""
    if masked:
        return MASK
    if is_null(value):
        return missing
    return number(value, 1) + "\u00a0ETP"


def date(value, *, long: bool = False, missing: str = MISSING) -> str:
    """`2024-03-05` -> `05/03/2024` (or `5 mars 2024`, `1er décembre 2026` with long=True)."""
    if is_null(value):
        return missing
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date() if not long else value
    if long:  # French writes the first day of a month "1er": "1er décembre 2026"
        first = "'er'" if value.day == 1 else ""
        if isinstance(value, dt.datetime):
            return _babel_datetime(value, format=f"d{first} MMMM y 'à' HH:mm", locale=LOCALE)
        return _babel_date(value, format=f"d{first} MMMM y", locale=LOCALE)
    return _babel_date(value, format="dd/MM/y", locale=LOCALE)


def month(value, *, missing: str = MISSING) -> str:
    """`2028-05-01` -> `mai 2028`."""
    if is_null(value):
        return missing
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    return _babel_date(value, format="MMMM y", locale=LOCALE)


def interval(low, high, *, masked: bool = False, missing: str = MISSING) -> str:
    """A 95 % confidence interval of two ratios: `[38,2 % ; 45,0 %]`."""
    if masked:
        return MASK
    if is_null(low) or is_null(high):
        return missing
    return f"[{percent(low)} ; {percent(high)}]"


def plain_decimal(value, decimals: int | None = None) -> str:
    """A number for CSV files: decimal comma, no group separator (`1234567,8`)."""
    if is_null(value):
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    v = float(value)
    if decimals is not None:
        text = f"{v:.{decimals}f}"
    elif v.is_integer():
        text = str(int(v))
    else:
        text = repr(v)
        if "e" in text:
            text = f"{v:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def style_figure(fig, *, height: int | None = None):
    """Apply the dashboard's French Plotly settings: separators, font, margins, legend."""
    fig.update_layout(
        separators=PLOTLY_SEPARATORS,
        font=dict(family="Marianne, Arial, sans-serif", size=13),
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title=None),
        hoverlabel=dict(font_size=13),
    )
    if height:
        fig.update_layout(height=height)
    # numeric axes without a format: full French numbers (800 000, not 0,8M)
    for name in ("xaxis", "yaxis", "yaxis2"):
        axis = fig.layout[name] if name in fig.layout else None
        if axis is not None and axis.tickformat is None and axis.type != "category":
            axis.tickformat = ",.0f"
    return fig


# Plotly axes showing percentages: plot values in percent units (ratio x 100) with this axis style,
# so ticks read "30 %" (d3's "%" format writes "30%").
PCT_AXIS = {"ticksuffix": "\u00a0%", "tickformat": ",.0f"}
PCT_AXIS_1DP = {"ticksuffix": "\u00a0%", "tickformat": ",.1f"}  # small ranges: 59,2 % / 59,4 %, never 59 % twice
PCT_HOVER = ":,.1f}\u00a0%"
