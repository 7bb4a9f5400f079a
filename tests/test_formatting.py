"""French formats: numbers, percentages, euros, hours, dates, nulls and masked cells."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from dashboard import formatting as fmt

NNBSP = "\u202f"  # narrow no-break space: French group separator
NBSP = "\u00a0"


def test_numbers_use_space_groups_and_decimal_comma():
    assert fmt.number(1234567.8, 1) == f"1{NNBSP}234{NNBSP}567,8"
    assert fmt.integer(12345) == f"12{NNBSP}345"
    assert fmt.integer(999) == "999"
    assert fmt.number(0.5, 2) == "0,50"
    assert fmt.number(-1234.5, 1) == f"-1{NNBSP}234,5"


def test_percent_of_a_ratio():
    assert fmt.percent(0.125) == f"12,5{NBSP}%"
    assert fmt.percent(1.2) == f"120,0{NBSP}%"
    assert fmt.percent(78 / 180) == f"43,3{NBSP}%"
    assert fmt.percent(0.5, 0) == f"50{NBSP}%"


def test_euros_hours_fte():
    assert fmt.euros(1234567.8) == f"1{NNBSP}234{NNBSP}568{NBSP}€"
    assert fmt.euros(1234567.8, 1) == f"1{NNBSP}234{NNBSP}567,8{NBSP}€"
    assert fmt.euros_compact(12_345_678) == f"12,3{NBSP}M€"
    assert fmt.euros_compact(45_600) == f"45,6{NBSP}k€"
    assert fmt.hours(1234.4) == f"1{NNBSP}234{NBSP}h"
    assert fmt.fte(120000 / 1607) == f"74,7{NBSP}ETP"


def test_dates():
    assert fmt.date(dt.date(2024, 3, 5)) == "05/03/2024"
    assert fmt.date("2024-03-05") == "05/03/2024"
    assert fmt.date(pd.Timestamp("2024-03-05 10:00")) == "05/03/2024"
    assert fmt.date(dt.date(2024, 3, 5), long=True) == "5 mars 2024"


def test_nulls_are_missing_and_masked_cells_are_s():
    for null in (None, float("nan"), pd.NA, pd.NaT):
        assert fmt.number(null) == "—"
        assert fmt.percent(null) == "—"
        assert fmt.date(null) == "—"
    assert fmt.percent(None, masked=True) == "s"
    assert fmt.hours(0, masked=True) == "s"
    assert fmt.integer(math.nan, masked=True) == "s"


def test_interval_and_plain_decimal_for_csv():
    assert fmt.interval(0.3624, 0.5071) == f"[36,2{NBSP}% ; 50,7{NBSP}%]"
    assert fmt.plain_decimal(1234567.8) == "1234567,8"
    assert fmt.plain_decimal(12.0) == "12"
    assert fmt.plain_decimal(3) == "3"
    assert fmt.plain_decimal(None) == ""
    assert fmt.plain_decimal(1 / 3, 2) == "0,33"


def test_plotly_separators_are_french():
    import plotly.graph_objects as go

    fig = fmt.style_figure(go.Figure())
    assert fig.layout.separators == f",{NNBSP}"
