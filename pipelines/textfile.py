"""Text of the small CSV inputs (buyers register, targets file): UTF-8, Windows-1252, or UTF-8 with
some Windows-1252 lines (a file edited in two tools).

`decode_lines(data)` decodes the file whole as UTF-8 when it can; otherwise line by line, each line
as UTF-8 when it is valid and as Windows-1252 when not, so that one stray Windows-1252 line no
longer turns every accented letter of the other lines into `Ã©` (the whole file read as
Windows-1252). The line numbers read as Windows-1252 in a file that also has UTF-8 lines are
returned for a warning (`mixed_encoding_warning`).
"""
from __future__ import annotations


def decode_lines(data: bytes) -> tuple[str, str, list[int]]:
    """(text, encoding, Windows-1252 line numbers of a mixed file, 1-based)."""
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out, cp1252, utf8_accented = [], [], 0
    for no, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                utf8_accented += 1
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="replace")
            cp1252.append(no)
        out.append(text)
    if not utf8_accented:        # a Windows-1252 file: nothing mixed to report
        return "".join(out), "cp1252", []
    return "".join(out), "utf-8", cp1252


def mixed_encoding_warning(lines: list[int]) -> str | None:
    """`2 ligne(s) en Windows-1252 dans un fichier UTF-8 (lignes 3, 7), lues comme telles`."""
    if not lines:
        return None
    shown = ", ".join(map(str, lines[:10])) + (f" et {len(lines) - 10} autre(s)" if len(lines) > 10 else "")
    return (f"{len(lines)} ligne(s) en Windows-1252 dans un fichier UTF-8 (ligne(s) {shown}), "
            "décodée(s) ligne par ligne : vérifiez leurs accents")


MAX_CELL_CHARS = 10_000   # a name, label or code is far shorter; a longer cell is a fault of the file


def csv_rows(text: str, delimiter: str) -> list[list[str]]:
    """The CSV rows of `text`. Cells beyond the csv module's limit (131 072 characters, which raised
    `field larger than field limit`, losing the whole file) are read: `long_cell` then rejects their
    record alone."""
    import csv
    import io

    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    finally:
        csv.field_size_limit(previous)


def long_cell(cells: list[str], header: list[str]) -> str | None:
    """The reject reason of a record with a cell over MAX_CELL_CHARS, else None."""
    for i, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            name = header[i] if i < len(header) and len(header[i]) <= 100 else f"n° {i + 1}"
            return (f"cellule de {len(cell):,} caractères dans la colonne « {name} » (au plus "
                    f"{MAX_CELL_CHARS:,}) : enregistrement ignoré").replace(",", "\u202f")
    return None
