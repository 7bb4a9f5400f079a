"""Reading a facilitator export (CSV in any usual dialect, or XLSX) into a header and rows."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipelines.clauses import headers as hdr
from pipelines.errors import UnreadableFile

EXPECTED = "un export de suivi des clauses (CSV séparé par « ; » ou « , », ou XLSX) avec une ligne d'en-têtes"
HEADER_SCAN_ROWS = 10


@dataclass
class Table:
    """A sheet of cells: `header` is the header row, `rows` yields (record_no, cells)."""

    format: str          # csv or xlsx
    encoding: str | None
    delimiter: str | None
    header: list
    rows: Iterator[tuple[int, list]]
    header_line: int     # 1-based line of the header
    notes: list = field(default_factory=list)  # warnings found while reading (filled as rows are read)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the most regular table (header row found,
    same number of cells on the following lines); `;` when nothing splits."""
    sample = "\n".join(text[:50000].splitlines()[:HEADER_SCAN_ROWS + 20])
    best, best_key = ";", None
    for d in (";", ",", "\t", "|"):
        if d not in sample:
            continue
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d) if any(c.strip() for c in r)]
        h = _find_header(rows[:HEADER_SCAN_ROWS])
        width = len(rows[h]) if h >= 0 else 0
        body = rows[h + 1:] if h >= 0 else rows
        regular = sum(1 for r in body if len(r) == width) / len(body) if body and width else 0.0
        key = (h >= 0, regular, width)
        if best_key is None or key > best_key:
            best, best_key = d, key
    return best


def _find_header(first_rows: list[list]) -> int:
    scores = [hdr.score(r) for r in first_rows]
    if not scores or max(scores) < 2:
        return -1
    return scores.index(max(scores))


def _open_csv(path: Path, data: bytes) -> Table:
    text, encoding = decode(data)
    if "\x00" in text[:5000]:
        raise UnreadableFile(path, EXPECTED, "contenu binaire")
    delim = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows = list(reader)
    h = _find_header(rows[:HEADER_SCAN_ROWS])
    if h < 0:
        raise UnreadableFile(path, EXPECTED, "aucune ligne d'en-têtes reconnue parmi les 10 premières lignes ; "
                             + hdr.expected_columns_text("clauses"))

    def gen():
        n = 0
        for cells in rows[h + 1:]:
            if not any(c.strip() for c in cells):
                continue
            n += 1
            yield n, cells
    return Table("csv", encoding, delim, rows[h], gen(), h + 1)


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UnreadableFile(path, EXPECTED, f"classeur XLSX illisible : {e}") from None
    def scan(ws):
        it = ws.iter_rows(values_only=True)
        first = []
        for row in it:
            first.append(list(row))
            if len(first) >= HEADER_SCAN_ROWS:
                break
        return first, _find_header(first), it

    sheets = list(wb.worksheets)
    start = None
    for k, ws in enumerate(sheets):
        first, h, it = scan(ws)
        if h >= 0:
            start = k
            break
    if start is None:
        wb.close()
        raise UnreadableFile(path, EXPECTED, "aucune feuille avec une ligne d'en-têtes reconnue ; "
                             + hdr.expected_columns_text("clauses"))
    header = first[h]
    notes: list[str] = []

    def norm(row):
        cells = ["" if c is None else str(c).strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        return cells

    def gen():
        n = 0
        try:
            for cells in first[h + 1:]:
                if any(c is not None and str(c).strip() for c in cells):
                    n += 1
                    yield n, cells
            for row in it:
                if any(c is not None and str(c).strip() for c in row):
                    n += 1
                    yield n, list(row)
            # further sheets with the same header (one sheet per year or per operation) are read too
            for ws in sheets[start + 1:]:
                first2, h2, it2 = scan(ws)
                if h2 < 0:
                    continue
                if norm(first2[h2]) != norm(header):
                    notes.append(f"feuille « {ws.title} » ignorée : ses en-têtes diffèrent de ceux de la "
                                 f"feuille « {sheets[start].title} »")
                    continue
                for cells in first2[h2 + 1:]:
                    if any(c is not None and str(c).strip() for c in cells):
                        n += 1
                        yield n, cells
                for row in it2:
                    if any(c is not None and str(c).strip() for c in row):
                        n += 1
                        yield n, list(row)
        finally:
            wb.close()
    return Table("xlsx", None, None, header, gen(), h + 1, notes)


def open_table(path: Path) -> Table:
    """Open a CSV or XLSX export; raise UnreadableFile when it is neither or has no header row."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UnreadableFile(path, EXPECTED, str(e)) from None
    if data[:4] == b"PK\x03\x04":
        return _open_xlsx(path)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(path, EXPECTED, "ancien format Excel .xls : enregistrer en .xlsx ou .csv")
    if not data.strip():
        raise UnreadableFile(path, EXPECTED, "fichier vide")
    return _open_csv(path, data)
