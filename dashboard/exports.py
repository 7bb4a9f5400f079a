"""CSV and XLSX files of exactly what a page shows.

The input is an *export frame* built by `dashboard.tables.present`: French column headers, codes
already turned into labels, numbers as numbers, and the string "s" in masked cells. CSV: `;`
separator, decimal comma, no group separator, UTF-8 with BOM (Excel opens it right). XLSX: numbers
stay numbers, "s" stays text, dates are date cells shown dd/mm/yyyy, and a second sheet "À propos"
describes the file (title, filters with their labels, period, build date and sources, column
definitions, masking rule).

Spreadsheet formula injection: a text cell (a buyer or operation name from a file...) starting with
`=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width forms) would be run as a formula
by Excel or LibreOffice (`=HYPERLINK(...)`). `neutralise` prefixes such text with `'` (OWASP
advice); numbers stay numbers (a negative amount is not a formula), and a text that is only a
number (`-5`) is left as it is. XLSX cells are never written as formulas; characters XLSX cannot
hold (control characters) are dropped instead of failing the download.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pandas as pd

from dashboard.formatting import is_null, plain_decimal

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters that make a spreadsheet read a cell as a formula (with their full-width forms).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """A text cell that cannot run as a spreadsheet formula: `=1+1` -> `'=1+1`."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _xlsx_cell(value):
    """A cell value for openpyxl: text neutralised and cleaned, anything else unchanged."""
    if isinstance(value, (list, tuple)) or (hasattr(value, "ndim") and getattr(value, "ndim", 0) == 1):
        value = ", ".join(map(str, list(value)))
    if isinstance(value, str):
        return neutralise(_XLSX_ILLEGAL.sub("", value))
    return value


def _csv_cell(value) -> str:
    if hasattr(value, "ndim") and getattr(value, "ndim", 0) == 1:
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return neutralise(", ".join(str(v) for v in value))
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
        return neutralise(", ".join(str(v) for v in value))
    return neutralise(str(value))


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as a French CSV (`;`, decimal comma, UTF-8 with BOM, CRLF line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


ABOUT_SHEET = "À propos"
DATE_FORMAT = "DD/MM/YYYY"
MASK_RULE = ("« s » : valeur masquée (secret statistique) : une case de 1 à {n} personnes (1 à 10 pour un public "
             "sensible croisé avec une commune, un QPV ou une opération), et les cases qui permettraient de la "
             "recalculer par différence. Un « s » n'est jamais un zéro.")


def about_rows(*, title: str, filters: list[tuple[str, str]] | None = None, period: str | None = None,
               built: str | None = None, sources: str | None = None,
               columns: list[tuple[str, str]] | None = None, threshold: int = 5) -> list[tuple]:
    """The rows of the "À propos" sheet: title, filters with their labels, period, build date and
    sources, the definition of each column, the masking rule."""
    rows: list[tuple] = [("Titre", title)]
    for label, value in filters or [("Filtres", "aucun (toute la région)")]:
        rows.append((f"Filtre : {label}" if label != "Filtres" else label, value))
    rows += [("Période", period or "toutes années"), ("Base construite le", built or "—"),
             ("Sources", sources or "Marchés publics (DECP) et suivis d'exécution des clauses des facilitateurs"),
             ("", ""), ("Colonne", "Définition")]
    rows += list(columns or [])
    rows += [("", ""), ("Secret statistique", MASK_RULE.format(n=threshold - 1))]
    return rows


def _write_about(writer, rows: list[tuple]) -> None:
    ws = writer.book.create_sheet(ABOUT_SHEET)
    for i, (label, value) in enumerate(rows, start=1):
        ws.cell(row=i, column=1, value=_xlsx_cell(str(label)))
        ws.cell(row=i, column=2, value=_xlsx_cell(str(value)))
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Données", note: str | None = None,
                  about: list[tuple] | None = None) -> bytes:
    """The frame as an XLSX workbook: the data sheet (an optional note in the row below the table;
    dates as dates shown dd/mm/yyyy) and the "À propos" sheet (`about_rows`; a minimal one when
    `about` is not given)."""
    out = io.BytesIO()
    clean = df.copy()
    clean.columns = [_xlsx_cell(str(c)) for c in clean.columns]
    for col in clean.columns:
        if pd.api.types.is_object_dtype(clean[col]) or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(_xlsx_cell).astype(object)
        elif pd.api.types.is_datetime64_any_dtype(clean[col]):  # a date column: dates, not timestamps
            clean[col] = pd.Series([None if pd.isna(v) else v.to_pydatetime() for v in clean[col]],
                                   index=clean.index, dtype=object)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        clean.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        for i, col in enumerate(clean.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in clean[col].head(200)]) + 2
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(width, 60)
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, (dt.date, dt.datetime)):
                    c.number_format = DATE_FORMAT
        if note:
            ws.cell(row=len(clean) + 3, column=1, value=_xlsx_cell(note))
        _write_about(writer, about or about_rows(title=sheet, columns=[(str(c), "") for c in df.columns]))
    return out.getvalue()
