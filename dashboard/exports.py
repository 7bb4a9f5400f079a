"""CSV and XLSX files of exactly what a page shows.

The input is an *export frame* built by `dashboard.tables.present`: French column headers, codes
already turned into labels, numbers as numbers, and the string "s" in masked cells. CSV: `;`
separator, decimal comma, no group separator, UTF-8 with BOM (Excel opens it right). XLSX: numbers
stay numbers, "s" stays text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd

from dashboard.formatting import is_null, plain_decimal

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_cell(value) -> str:
    if hasattr(value, "ndim") and getattr(value, "ndim", 0) == 1:
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if is_null(value):
        return ""
    if isinstance(value, (bool,)):
        return "oui" if value else "non"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_decimal(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as a French CSV (`;`, decimal comma, UTF-8 with BOM, CRLF line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([str(c) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Données", note: str | None = None) -> bytes:
    """The frame as an XLSX workbook (one sheet; an optional note in the row below the table)."""
    out = io.BytesIO()
    clean = df.copy()
    for col in clean.columns:
        if clean[col].dtype == object:
            clean[col] = clean[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        clean.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        for i, col in enumerate(clean.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in clean[col].head(200)]) + 2
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(width, 60)
        if note:
            ws.cell(row=len(clean) + 3, column=1, value=note)
    return out.getvalue()
