"""Text rules shared by every reader: one place for each, so that the readers cannot drift apart.

- Folding: `fold` (lower-case ASCII words, for header and label matching) and `name_key`
  (upper-case, accents and punctuation removed, for buyer names and DECP labels).
- Identifiers: `key_text` (a cell as a key: stripped, `MQ`/`NC`... markers missing, `INX ` prefix
  removed) and `identifier` (a SIRET or contract key: the same, spaces and dots removed), exactly as
  `contracts.buyer_siret` and `contracts.contract_id` are made, so that clause rows link to contracts.
- SIRET rule: `siret_is_valid` (14 digits with a valid Luhn key; La Poste's establishments, SIREN
  356000000, use a digit-sum rule instead) and `siret_shape_ok` (14 digits, before any key check).
- Decoding of the small CSV inputs (buyers register, targets file), delimiter sniffing, CSV cells.

Small CSV inputs are UTF-8, Windows-1252, or UTF-8 with some Windows-1252 lines (a file edited in
two tools). `decode_lines(data)` decodes the file whole as UTF-8 when it can; otherwise line by
line, each line as UTF-8 when it is valid and as Windows-1252 when not, so that one stray
Windows-1252 line no longer turns every accented letter of the other lines into `Ã©` (the whole
file read as Windows-1252). The line numbers read as Windows-1252 in a file that also has UTF-8
lines are returned for a warning (`mixed_encoding_warning`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ---- folding -----------------------------------------------------------------------------------
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NON_ALNUM_LOWER = re.compile(r"[^a-z0-9+<>]+")
_NON_ALNUM_UPPER = re.compile(r"[^A-Z0-9]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@lru_cache(maxsize=20000)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by one space: accents, case, punctuation and spacing removed.

    `+`, `<` and `>` are kept (they carry meaning in labels such as `50 ans +`, `< 26 ans`).
    """
    text = _CAMEL.sub(" ", str(text))
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("≥", ">=")
    text = text.replace("≤", "<=").replace("’", "'").replace("°", " ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _NON_ALNUM_LOWER.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return " ".join(text.split())


def without_brackets(text: str) -> str:
    """The text with its parenthesised or bracketed parts removed (`Heures (h)` -> `Heures`)."""
    return _PAREN.sub(" ", str(text))


def name_key(text: str | None) -> str:
    """Upper case, accents removed, punctuation as single spaces (`Lille Métropole` -> `LILLE METROPOLE`)."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).upper()
    return _NON_ALNUM_UPPER.sub(" ", t).strip()


def ascii_key(text: str | None) -> str:
    """A key that survives lost accents: every non-ASCII character (é, U+FFFD...) is dropped."""
    if not text:
        return ""
    return _NON_ALNUM_UPPER.sub(" ", "".join(c for c in text.upper() if c.isascii())).strip()


# ---- identifiers -------------------------------------------------------------------------------
MISSING_MARKERS = {"", "MQ", "CDL", "NC", "N/A", "NA", "NULL", "NONE", "NAN", "-"}
ID_SPACES = re.compile(r"[\s\u00a0\u202f.]+")


def key_text(s: str) -> str | None:
    """A cell as a key: stripped; None for a missing marker (`MQ`, `CDL`, `NC`...); `INX ` prefix removed."""
    s = s.strip()
    if len(s) <= 4:
        if s.upper() in MISSING_MARKERS:
            return None
    elif s[0] == "I" and s.startswith("INX "):
        s = s[4:].strip()
        if s.upper() in MISSING_MARKERS:
            return None
    return s


def identifier(s: str) -> str | None:
    """A SIRET or id key: `key_text`, then spaces, dots and non-breaking spaces removed."""
    if s.isdigit():
        return s
    k = key_text(s)
    return None if k is None else ID_SPACES.sub("", k)


def siret_shape_ok(siret: str | None) -> bool:
    """14 digits (what a SIRET looks like, before its key is checked)."""
    return siret is not None and len(siret) == 14 and siret.isdigit()


@lru_cache(maxsize=200_000)
def siret_is_valid(siret: str | None) -> bool:
    """The one SIRET rule: 14 digits and Luhn-valid; La Poste's SIRETs (SIREN 356000000) use a
    digit-sum rule (multiple of 5; the head office 35600000000048 is valid)."""
    if not siret_shape_ok(siret):
        return False
    if siret.startswith("356000000"):
        return siret == "35600000000048" or sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret)


def luhn_ok(digits: str) -> bool:
    """Luhn checksum of a digit string (SIREN and SIRET keys)."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# ---- small CSV files ---------------------------------------------------------------------------
def sniff_delimiter(first_line: str, candidates: tuple[str, ...] = (";", ",", "\t")) -> str:
    """The candidate found most often in the header line; the first candidate on a tie."""
    return max(candidates, key=first_line.count)

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
