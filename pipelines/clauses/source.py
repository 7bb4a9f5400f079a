"""Reading a facilitator export (CSV in any usual dialect, or XLSX) into a header and rows.

Both formats are streamed: memory is bounded by one record (and the caller's batch), never by the
file. A CSV file is read in pieces of at most `PIECE_BYTES` bytes, each physical line decoded on
its own (UTF-8, else Windows-1252: a mixed file is read right and warned about, naming the lines),
and split by a tokenizer that keeps at most `clause_max_cell_chars` characters of a cell and
`clause_max_columns` cells of a record (settings). A longer cell comes back as a `LongCell` (its
first characters and its real length); a record holding one comes back as `Cells` with `.long`
listing them, so that the caller rejects that field only, or drops an ignored column's value, and
keeps the rest of the record.
"""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipelines import settings
from pipelines.clauses import headers as hdr
from pipelines.errors import UnreadableFile

EXPECTED = "un export de suivi des clauses (CSV séparé par « ; » ou « , », ou XLSX) avec une ligne d'en-têtes"
HEADER_SCAN_ROWS = 10
PIECE_BYTES = 1 << 20       # a physical line longer than this is read in pieces of this size
CHUNK_BYTES = 1 << 20       # bytes read from the file at a time
SNIFF_CHARS = 50_000        # characters of the first lines used to find the separator


class LongCell(str):
    """A cell longer than the cap: the text holds its first characters, `length` its real length."""

    length: int

    def __new__(cls, prefix: str, length: int):
        s = super().__new__(cls, prefix)
        s.length = length
        return s


class Cells(list):
    """The cells of a record holding over-long cells: `long` lists (column index, real length)."""

    long: list


@dataclass
class Table:
    """A sheet of cells: `header` is the header row, `rows` yields (record_no, cells)."""

    format: str          # csv or xlsx
    encoding: str | None  # csv: utf-8, cp1252 or "utf-8 + cp1252" (known once every row is read)
    delimiter: str | None
    header: list
    rows: Iterator[tuple[int, list]]
    header_line: int     # 1-based line (CSV: physical line) of the header
    notes: list = field(default_factory=list)  # warnings found while reading (filled as rows are read)


def max_cell_chars() -> int:
    return int(settings.get("clause_max_cell_chars"))


def max_columns() -> int:
    return int(settings.get("clause_max_columns"))


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def long_cell_text(length: int, cap: int) -> str:
    """French reason for an over-long cell."""
    return (f"cellule de {_fmt_int(length)} caractères, au plus {_fmt_int(cap)} acceptés "
            "(réglage clause_max_cell_chars)")


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of a whole small file: UTF-8 (with or without BOM), else Windows-1252."""
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
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:HEADER_SCAN_ROWS + 20])
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


# --- CSV: physical lines, decoding, tokenizer --------------------------------------------------------

def _cut(buf: bytes, at: int) -> int:
    """A cut position at or before `at` that does not split a UTF-8 sequence."""
    k = at
    while k > at - 3 and k > 0 and 0x80 <= buf[k] <= 0xBF:
        k -= 1
    return k if k > 0 else at


def _physical_lines(f, sep: bytes) -> Iterator[tuple[bytes, int]]:
    """(piece, ends_line) for every physical line of a binary file; a line longer than PIECE_BYTES
    comes in several pieces, only the last with ends_line true (`_EOF` for a last line without
    separator). The separator is removed (and a
    `\\r` before `\\n`)."""
    carry = b""
    while True:
        data = f.read(CHUNK_BYTES)
        if not data:
            break
        if carry:
            data = carry + data
        parts = data.split(sep)
        carry = parts.pop()
        for p in parts:
            if len(p) > PIECE_BYTES:   # only the end of a long line can get here (its head went as pieces)
                while len(p) > PIECE_BYTES:
                    k = _cut(p, PIECE_BYTES)
                    yield p[:k], False
                    p = p[k:]
            if sep == b"\n" and p.endswith(b"\r"):
                p = p[:-1]
            yield p, True
        while len(carry) > PIECE_BYTES:
            k = _cut(carry, PIECE_BYTES)
            yield carry[:k], False
            carry = carry[k:]
    if carry:   # last line without a line separator
        if sep == b"\n" and carry.endswith(b"\r"):
            carry = carry[:-1]
        yield carry, _EOF


class _Decoder:
    """Decodes each physical line on its own: UTF-8, else Windows-1252 (Latin-1 for the five bytes
    Windows-1252 leaves undefined); remembers which lines were which."""

    def __init__(self):
        self.n_utf8_non_ascii = 0
        self.cp1252_lines: list[int] = []   # first few line numbers
        self.n_cp1252 = 0

    def __call__(self, pieces: Iterator[tuple[bytes, bool]]) -> Iterator[tuple[int, str, bool]]:
        line_no = 1
        first = True
        line_is_cp1252 = line_non_ascii = False
        for piece, ends in pieces:
            if first:
                if piece.startswith(b"\xef\xbb\xbf"):
                    piece = piece[3:]
                first = False
            if piece.isascii():
                text = piece.decode("ascii")
            else:
                try:
                    text = piece.decode("utf-8")
                    line_non_ascii = True
                except UnicodeDecodeError:
                    line_is_cp1252 = True
                    try:
                        text = piece.decode("cp1252")
                    except UnicodeDecodeError:
                        text = piece.decode("latin-1")
            yield line_no, text, ends
            if ends:
                if line_is_cp1252:
                    self.n_cp1252 += 1
                    if len(self.cp1252_lines) < 10:
                        self.cp1252_lines.append(line_no)
                elif line_non_ascii:
                    self.n_utf8_non_ascii += 1
                line_is_cp1252 = line_non_ascii = False
                line_no += 1

    @property
    def encoding(self) -> str:
        if self.n_cp1252 and self.n_utf8_non_ascii:
            return "utf-8 + cp1252"
        return "cp1252" if self.n_cp1252 else "utf-8"

    def note(self) -> str | None:
        """The warning of a file mixing UTF-8 and Windows-1252 lines."""
        if not (self.n_cp1252 and self.n_utf8_non_ascii):
            return None
        more = self.n_cp1252 - len(self.cp1252_lines)
        lines = ", ".join(_fmt_int(n) for n in self.cp1252_lines) + (
            f" … et {_fmt_int(more)} autre(s)" if more > 0 else "")
        return (f"encodage mixte : fichier en UTF-8 mais {_fmt_int(self.n_cp1252)} ligne(s) en Windows-1252 "
                f"(ligne(s) {lines}), décodée(s) en Windows-1252 ligne par ligne : vérifier les noms de "
                "ces lignes")


_START, _UNQUOTED, _QUOTED, _QUOTE_END = range(4)
_EOF = 2   # `ends_line` of a last line with no line separator


class _Tokenizer:
    """CSV records (Python's csv dialect: `\"` quotes, `\"\"` inside quotes, a quote inside an
    unquoted field taken literally) from decoded line pieces, with capped cells and columns."""

    def __init__(self, delim: str, cap: int, max_cols: int):
        self.delim, self.cap, self.max_cols = delim, cap, max_cols
        self.unclosed_quote_line: int | None = None
        self.n_over_columns = 0         # records with more cells than max_cols
        self.over_columns_lines: list[tuple[int, int]] = []   # first few (line, number of cells)
        self.max_seen_columns = 0

    def _plain(self, text: str) -> list:
        cells = text.split(self.delim)
        if len(text) > self.cap:
            cells = self._capped(cells)
        if len(cells) > self.max_cols:
            self._over(len(cells))
            cells = cells[:self.max_cols]
        return cells

    def _capped(self, cells: list) -> list:
        out = Cells()
        out.long = []
        for i, c in enumerate(cells):
            if len(c) > self.cap:
                out.long.append((i, len(c)))
                c = LongCell(c[:self.cap], len(c))
            out.append(c)
        return out if out.long else list(out)

    def _over(self, n: int) -> None:
        self.n_over_columns += 1
        self.max_seen_columns = max(self.max_seen_columns, n)
        if len(self.over_columns_lines) < 10:
            self.over_columns_lines.append((self._line, n))

    def records(self, lines: Iterator[tuple[int, str, bool]]) -> Iterator[tuple[int, list]]:
        """(first physical line, cells) for every record."""
        delim, cap, max_cols = self.delim, self.cap, self.max_cols
        state = _START
        cells: list = []
        long: list = []
        n_cells = 0
        cur: list[str] = []
        cur_len = 0
        start_line = 0
        self._line = 0

        for line_no, text, ends in lines:
            at_start = state == _START and n_cells == 0 and cur_len == 0
            if at_start and ends and '"' not in text:
                self._line = line_no
                yield line_no, self._plain(text)        # the fast path: a whole line, no quote
                continue
            if at_start:
                start_line = self._line = line_no
            i, n = 0, len(text)
            while i < n:
                if n_cells >= max_cols and state != _QUOTED and state != _QUOTE_END and text.find('"', i) < 0:
                    # past the column cap with no quote ahead: count the cells, keep none
                    k = text.count(delim, i)
                    n_cells += k
                    cur_len = (n - text.rfind(delim, i) - 1) if k else cur_len + n - i
                    cur = ["x"] if cur_len else []
                    state = _START if (k and cur_len == 0) else _UNQUOTED
                    break
                if state == _START:
                    if text[i] == '"':
                        state = _QUOTED
                        i += 1
                        continue
                    state = _UNQUOTED
                if state == _UNQUOTED:
                    j = text.find(delim, i)
                    part = text[i:] if j < 0 else text[i:j]
                    if part:
                        if cur_len < cap:
                            cur.append(part[:cap - cur_len])
                        cur_len += len(part)
                    if j < 0:
                        break
                    # end of field
                    if n_cells < max_cols:
                        if cur_len > cap:
                            long.append((n_cells, cur_len))
                            cells.append(LongCell("".join(cur), cur_len))
                        else:
                            cells.append("".join(cur))
                    n_cells += 1
                    cur, cur_len = [], 0
                    state = _START
                    i = j + 1
                    continue
                if state == _QUOTED:
                    j = text.find('"', i)
                    part = text[i:] if j < 0 else text[i:j]
                    if part:
                        if cur_len < cap:
                            cur.append(part[:cap - cur_len])
                        cur_len += len(part)
                    if j < 0:
                        break
                    i = j + 1
                    state = _QUOTE_END
                    continue
                if state == _QUOTE_END:
                    if text[i] == '"':       # doubled quote: a literal quote, still quoted
                        if cur_len < cap:
                            cur.append('"')
                        cur_len += 1
                        state = _QUOTED
                        i += 1
                        continue
                    state = _UNQUOTED        # closing quote: what follows up to the separator is kept
            if not ends:
                continue
            if state == _QUOTED:                 # newline inside quotes: part of the cell
                if ends is _EOF:
                    break
                if cur_len < cap:
                    cur.append("\n")
                cur_len += 1
                continue
            # end of record
            if n_cells < max_cols:
                if cur_len > cap:
                    long.append((n_cells, cur_len))
                    cells.append(LongCell("".join(cur), cur_len))
                else:
                    cells.append("".join(cur))
            n_cells += 1
            if n_cells > max_cols:
                self._over(n_cells)
            if long:
                out = Cells(cells)
                out.long = long
                cells = out
            yield start_line, cells
            state, cells, long, n_cells, cur, cur_len = _START, [], [], 0, [], 0
        if state != _START or n_cells or cur_len:
            if state == _QUOTED:
                self.unclosed_quote_line = start_line
            if n_cells < max_cols:
                if cur_len > cap:
                    long.append((n_cells, cur_len))
                    cells.append(LongCell("".join(cur), cur_len))
                else:
                    cells.append("".join(cur))
            if long:
                out = Cells(cells)
                out.long = long
                cells = out
            yield start_line, cells


def _open_csv(path: Path, head: bytes, notes: list[str]) -> Table:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(path, EXPECTED, "encodage UTF-16 : enregistrer le fichier en CSV UTF-8")
    if b"\x00" in head[:5000]:
        raise UnreadableFile(path, EXPECTED, "contenu binaire")
    sep = b"\r" if (b"\r" in head and b"\n" not in head) else b"\n"   # old Mac files end lines with CR
    sample_text = _Decoder()
    text = "\n".join(t for _, t, _ in sample_text(_physical_lines(io.BytesIO(head), sep)))
    delim = _delimiter(text)
    cap, max_cols = max_cell_chars(), max_columns()

    f = open(path, "rb")
    decoder = _Decoder()
    tok = _Tokenizer(delim, cap, max_cols)
    records = tok.records(decoder(_physical_lines(f, sep)))
    first: list[tuple[int, list]] = []
    try:
        for rec in records:
            first.append(rec)
            if len(first) >= HEADER_SCAN_ROWS:
                break
    except BaseException:
        f.close()
        raise
    h = _find_header([c for _, c in first])
    if h < 0:
        f.close()
        raise UnreadableFile(path, EXPECTED, "aucune ligne d'en-têtes reconnue parmi les 10 premières lignes ; "
                             + hdr.expected_columns_text("clauses"))
    header_line, header = first[h]
    for k, (line, n_cols) in enumerate(tok.over_columns_lines):
        if line == header_line:
            notes.append(f"en-tête de {_fmt_int(n_cols)} colonnes : seules les "
                         f"{_fmt_int(max_cols)} premières sont lues (réglage clause_max_columns)")
            del tok.over_columns_lines[k]
            tok.n_over_columns -= 1
            break
    header = [str(c) for c in header]
    table = Table("csv", None, delim, header, iter(()), header_line, notes)

    def gen():
        n = 0
        try:
            for _, cells in first[h + 1:]:
                if any(c.strip() for c in cells):
                    n += 1
                    yield n, cells
            for _, cells in records:
                if any(c.strip() for c in cells):
                    n += 1
                    yield n, cells
        finally:
            f.close()
        table.encoding = decoder.encoding
        note = decoder.note()
        if note:
            notes.append(note)
        if tok.n_over_columns:
            more = tok.n_over_columns - len(tok.over_columns_lines)
            notes.append(f"{_fmt_int(tok.n_over_columns)} ligne(s) de plus de {_fmt_int(max_cols)} cellules "
                         f"(jusqu'à {_fmt_int(tok.max_seen_columns)}) : cellules au-delà ignorées (ligne(s) "
                         + ", ".join(_fmt_int(x) for x, _ in tok.over_columns_lines)
                         + (f" … et {_fmt_int(more)} autre(s)" if more > 0 else "")
                         + ", réglage clause_max_columns)")
        if tok.unclosed_quote_line is not None:
            notes.append(f"guillemet ouvert à la ligne {_fmt_int(tok.unclosed_quote_line)} jamais fermé : "
                         "la fin du fichier a été lue comme une seule cellule")
    table.rows = gen()
    return table


# --- XLSX --------------------------------------------------------------------------------------------

def _xlsx_kind(path: Path) -> str | None:
    """`xlsx` for an Excel workbook, `ods` for an OpenDocument one, `truncated` for a zip cut short,
    None for another kind of zip."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx"
            if "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype"):
                return "ods"
            return None
    except zipfile.BadZipFile:
        return "truncated"


def _salvage_zip(path: Path, out: Path) -> list[str]:
    """Rebuild, from the local entries of a zip whose end (central directory) is missing, a zip with
    every entry that can be read, the last one possibly cut short. Returns the names of the entries
    that were cut short."""
    import struct
    import zlib

    cut: list[str] = []
    with open(path, "rb") as f, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        while True:
            head = f.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                break
            (_, _, flags, method, _, _, _, csize, _, nlen, xlen) = struct.unpack("<IHHHHHIIIHH", head)
            name = f.read(nlen).decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
            f.read(xlen)
            if method not in (0, 8):
                break
            complete = False
            with z.open(name, "w", force_zip64=True) as dst:
                if method == 8:
                    d = zlib.decompressobj(-15)
                    try:
                        while not d.eof:
                            data = f.read(CHUNK_BYTES)
                            if not data:
                                break
                            while data and not d.eof:   # bounded output per step (no zip bomb in memory)
                                dst.write(d.decompress(data, 4 * CHUNK_BYTES))
                                data = d.unconsumed_tail
                            if d.eof:
                                f.seek(-len(d.unused_data), 1)
                    except zlib.error:
                        pass
                    complete = d.eof
                elif not flags & 0x08:
                    data = f.read(csize)
                    dst.write(data)
                    complete = len(data) == csize
            if not complete:
                cut.append(name)
                break
            if flags & 0x08:   # data descriptor after the data: optional signature, crc, sizes
                sig = f.read(4)
                f.read(12 if sig == b"PK\x07\x08" else 8)
    _complete_structure(out, cut)
    return cut


_STRUCTURE = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")


def _complete_structure(out: Path, cut: list[str]) -> None:
    """When the cut took the workbook's structure parts (some writers put them after the sheets),
    rewrite the salvaged zip with the sheets, shared strings and styles found and a minimal structure
    listing those sheets."""
    import os
    import re

    with zipfile.ZipFile(out) as z:
        names = [n for n in z.namelist() if n not in cut or n.startswith("xl/worksheets/")]
        if all(n in names for n in _STRUCTURE):
            return
        sheets = sorted((n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                        key=lambda n: int(re.findall(r"\d+", n)[-1]))
        keep = [n for n in names if n in sheets or n in ("xl/sharedStrings.xml", "xl/styles.xml")]
        tmp = out.with_suffix(".rebuilt.xlsx")
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
              '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
              'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
              'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
              'xml"/>' + "".join(f'<Override PartName="/{n}" ContentType="application/vnd.openxmlformats-'
                                 'officedocument.spreadsheetml.worksheet+xml"/>' for n in sheets)
              + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sharedStrings+xml"/>' if "xl/sharedStrings.xml" in keep else "")
              + ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.styles+xml"/>' if "xl/styles.xml" in keep else "") + "</Types>")
        root_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
                     f'org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                     'Target="xl/workbook.xml"/></Relationships>')
        wb = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
              + "".join(f'<sheet name="Feuille {k + 1}" sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                        for k in range(len(sheets))) + "</sheets></workbook>")
        wb_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{k + 1}" Type="{rel}/worksheet" Target="{n[3:]}"/>'
                             for k, n in enumerate(sheets))
                   + (f'<Relationship Id="rIdS" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                      if "xl/sharedStrings.xml" in keep else "")
                   + (f'<Relationship Id="rIdT" Type="{rel}/styles" Target="styles.xml"/>'
                      if "xl/styles.xml" in keep else "") + "</Relationships>")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z2:
            for n, text in zip(_STRUCTURE, (ct, root_rels, wb, wb_rels)):
                z2.writestr(n, text)
            for n in keep:
                with z.open(n) as src, z2.open(n, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, CHUNK_BYTES)
    os.replace(tmp, out)


def _open_xlsx(path: Path, named_csv: bool) -> Table:
    import tempfile

    from openpyxl import load_workbook

    notes: list[str] = []
    if named_csv:
        notes.append("classeur Excel nommé .csv : lu comme un classeur XLSX (renommer le fichier en .xlsx)")
    kind = _xlsx_kind(path)
    if kind == "ods":
        raise UnreadableFile(path, EXPECTED, "classeur OpenDocument (.ods) : l'enregistrer en .xlsx ou .csv")
    if kind is None:
        raise UnreadableFile(path, EXPECTED, ("classeur Excel nommé .csv illisible : " if named_csv else "")
                             + "archive ZIP qui n'est pas un classeur XLSX")
    tmpdir = None
    source: Path = path
    if kind == "truncated":
        tmpdir = tempfile.TemporaryDirectory(prefix="clauses_xlsx_")
        source = Path(tmpdir.name) / "salvaged.xlsx"
        try:
            cut = _salvage_zip(path, source)
        except (OSError, ValueError, EOFError) as e:
            tmpdir.cleanup()
            raise UnreadableFile(path, EXPECTED, f"feuille tronquée : archive XLSX incomplète ({e})") from None
        notes.append("feuille tronquée : archive XLSX incomplète (fin du fichier manquante"
                     + (f", « {cut[0]} » coupée" if cut else "") + ") : seules les lignes écrites avant la "
                     "coupure sont lues ; renvoyer le fichier complet")

    def _fail(detail: str):
        if tmpdir is not None:
            tmpdir.cleanup()
        prefix = "feuille tronquée : " if kind == "truncated" else ""
        raise UnreadableFile(path, EXPECTED, prefix + detail) from None

    fh = open(source, "rb")   # a file object: openpyxl then ignores the name's extension
    try:
        wb = load_workbook(fh, read_only=True, data_only=True)
    except Exception as e:  # openpyxl reports a damaged workbook with many exception types
        fh.close()
        if kind == "truncated":
            _fail("archive XLSX coupée avant une partie nécessaire du classeur (table des textes, "
                  f"description des feuilles : {_xml_reason(e)}) ; aucune ligne ne peut être lue sûrement, "
                  "renvoyer le fichier complet")
        _fail(f"classeur XLSX illisible : {_xml_reason(e)}")
    cap, max_cols = max_cell_chars(), max_columns()
    over_columns = [0]

    def capped(row) -> list:
        cells = list(row)
        if len(cells) > max_cols:
            if any(c is not None and c != "" for c in cells[max_cols:]):
                over_columns[0] += 1
            cells = cells[:max_cols]
        long = None
        for i, c in enumerate(cells):
            if isinstance(c, str) and len(c) > cap:
                if long is None:
                    long = []
                long.append((i, len(c)))
                cells[i] = LongCell(c[:cap], len(c))
        if long:
            cells = Cells(cells)
            cells.long = long
        return cells

    def rows_of(ws):
        return ws.iter_rows(values_only=True)

    def scan(ws):
        it = rows_of(ws)
        first = []
        for row in it:
            first.append(capped(row))
            if len(first) >= HEADER_SCAN_ROWS:
                break
        return first, _find_header(first), it

    def close():
        wb.close()
        fh.close()
        if tmpdir is not None:
            tmpdir.cleanup()

    sheets = list(wb.worksheets)
    start = None
    try:
        for k, ws in enumerate(sheets):
            first, h, it = scan(ws)
            if h >= 0:
                start = k
                break
    except Exception as e:
        close()
        raise UnreadableFile(path, EXPECTED, f"feuille tronquée avant la ligne d'en-têtes ({_xml_reason(e)})") \
            from None
    if start is None:
        close()
        if kind == "truncated":
            raise UnreadableFile(path, EXPECTED, "feuille tronquée : archive XLSX coupée avant toute ligne "
                                 "lisible ; renvoyer le fichier complet")
        raise UnreadableFile(path, EXPECTED, "aucune feuille avec une ligne d'en-têtes reconnue ; "
                             + hdr.expected_columns_text("clauses"))
    header = first[h]
    if over_columns[0]:
        notes.append(f"plus de {_fmt_int(max_cols)} colonnes : seules les {_fmt_int(max_cols)} premières sont "
                     "lues (réglage clause_max_columns)")
        over_columns[0] = 0

    def norm(row):
        cells = ["" if c is None else str(c).strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        return cells

    def gen():
        n = 0
        ws = sheets[start]
        try:
            try:
                for cells in first[h + 1:]:
                    if any(c is not None and str(c).strip() for c in cells):
                        n += 1
                        yield n, cells
                for row in it:
                    if any(c is not None and str(c).strip() for c in row):
                        n += 1
                        yield n, capped(row)
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
                            yield n, capped(row)
            except Exception as e:  # the sheet's XML stops short (truncated copy) or is damaged
                if kind != "truncated":
                    notes.append(f"feuille tronquée : « {ws.title} » illisible après la ligne de données "
                                 f"{_fmt_int(n)} ({_xml_reason(e)}) : les lignes lues avant sont gardées")
            if over_columns[0]:
                notes.append(f"{_fmt_int(over_columns[0])} ligne(s) de plus de {_fmt_int(max_cols)} cellules : "
                             "cellules au-delà ignorées (réglage clause_max_columns)")
        finally:
            close()
    return Table("xlsx", None, None, header, gen(), h + 1, notes)


def _xml_reason(e: Exception) -> str:
    """A French description of a damaged workbook's error (no Python exception name)."""
    text = str(e).splitlines()[0] if str(e) else ""
    low = text.lower()
    if "no element found" in low or "unclosed token" in low or "mismatched tag" in low:
        return "XML coupé ou mal formé"
    if isinstance(e, zipfile.BadZipFile) or "zip" in low or "crc" in low:
        return "archive ZIP endommagée"
    if isinstance(e, KeyError):
        return "partie du classeur manquante"
    return "contenu endommagé"


def open_table(path: Path) -> Table:
    """Open a CSV or XLSX export; raise UnreadableFile when it is neither or has no header row."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_CHARS * 2)
    except OSError as e:
        raise UnreadableFile(path, EXPECTED, e.strerror or "fichier illisible") from None
    if head[:4] == b"PK\x03\x04":
        return _open_xlsx(path, named_csv=path.suffix.lower() == ".csv")
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(path, EXPECTED, "ancien format Excel .xls : enregistrer en .xlsx ou .csv")
    if not head.strip():
        raise UnreadableFile(path, EXPECTED, "fichier vide")
    notes = []
    if path.suffix.lower() == ".xlsx":
        notes.append("fichier texte (CSV) nommé .xlsx : lu comme un CSV (renommer le fichier en .csv)")
    return _open_csv(path, head, notes)
