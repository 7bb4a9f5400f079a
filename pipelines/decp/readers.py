"""Format detection from content and streaming readers for every DECP format.

Each reader yields `(record_no, kind, record)` where kind is `marche` or `concession` and record is
a JSON-like dict whatever the source format (XML elements and CSV rows are turned into the same
shape). Memory stays flat: JSON through ijson, XML through iterparse, CSV row by row.
"""
from __future__ import annotations

import codecs
import csv
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import ijson
import numpy as np

from pipelines.decp.normalise import JSON_SENTINELS, parse_list_text
from pipelines.errors import UnreadableFile

EXPECTED = ("un fichier DECP (JSON {\"marches\": ...}, XML <marches>, ou export tabulaire CSV "
            "avec les colonnes id, acheteur.id, dateNotification...)")
SNIFF_BYTES = 64 * 1024
CSV_KEY_COLUMNS = {"id", "acheteur.id", "acheteur_id", "datenotification", "montant", "objet"}
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class Detected:
    source_format: str          # json, xml, csv
    version: str | None         # 2019, 2022 (JSON container), None when decided per record
    encoding: str = "utf-8"


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(SNIFF_BYTES)


def detect_format(path: Path) -> Detected:
    """Look at the content (not the name) and tell the format; UnreadableFile when not DECP."""
    try:
        head = _head(path)
    except OSError as exc:
        raise UnreadableFile(path, EXPECTED, exc.strerror or str(exc)) from exc
    if not head.strip():
        raise UnreadableFile(path, EXPECTED, "fichier vide")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:200]:
        raise UnreadableFile(path, EXPECTED, "encodage UTF-16 ou fichier binaire, UTF-8 attendu")
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    first = body.lstrip()[:1]
    if first == b"{":
        return Detected("json", _json_version(path))
    if first == b"<":
        return Detected("xml", None)
    return _detect_csv(path, body)


def _open_skipping_bom(path: Path):
    f = open(path, "rb")
    if f.read(3) != codecs.BOM_UTF8:
        f.seek(0)
    return f


def _json_version(path: Path) -> str:
    """2019 when `marches` is a list, 2022 when it is an object of `marche`/`contrat-concession`.
    Flat events (basic_parse): ijson's prefixed events cost memory in the square of the depth."""
    try:
        with _open_skipping_bom(path) as f:
            depth = 0
            at_marches = False
            for event, value in ijson.basic_parse(f):
                if at_marches:
                    if event == "start_array":
                        return "2019"
                    if event == "start_map":
                        return "2022"
                    break
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        break
                elif event == "map_key" and depth == 1 and value == "marches":
                    at_marches = True
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise UnreadableFile(path, EXPECTED, f"JSON invalide ({_short(exc)})") from exc
    raise UnreadableFile(path, EXPECTED, "JSON sans clé « marches »")


def _detect_csv(path: Path, body: bytes) -> Detected:
    try:
        sample = body.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(body) - 4:   # a character cut by the sniff window
            sample, encoding = body[:exc.start].decode("utf-8"), "utf-8-sig"
        else:
            sample, encoding = body.decode("cp1252", errors="replace"), "cp1252"
    header = sample.splitlines()[0] if sample else ""
    delim = ";" if header.count(";") >= header.count(",") else ","
    cols = {c.strip().strip('"').lower() for c in header.split(delim)}
    if len(cols & CSV_KEY_COLUMNS) < 2:
        raise UnreadableFile(path, EXPECTED, "contenu non reconnu (ni JSON, ni XML, ni CSV DECP)")
    return Detected("csv", None, encoding)


def _short(exc: Exception) -> str:
    s = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return s[:160]


# ---- JSON ----------------------------------------------------------------------------------------

MAX_DEPTH = 64      # nesting levels from the document root; DECP records need about 8
DEEP_MARKER = "…"   # stands in a record for the content nested beyond MAX_DEPTH
XML_STOP_DEPTH = 100_000   # XML nesting at which the reading of a file stops (about 30 MB held)
_NON_JSON_NUMBER = re.compile(rb"([:\[,]\s*)(-?(?:NaN|Infinity))(?=\s*[,\]}])")
_SENTINEL_BYTES = {k.encode(): v.encode() for k, v in JSON_SENTINELS.items()}


def _sentinel(match: re.Match) -> bytes:
    return match.group(1) + _SENTINEL_BYTES.get(match.group(2), _SENTINEL_BYTES[b"NaN"])


class _DepthScan:
    """Deepest nesting of `[`/`{` outside strings, fed block by block (numpy, no parsing).

    ijson builds a prefix string per nesting level for every event: its memory grows with the
    square of the depth (30 000 levels: 2 GB), so a deep file must be known before ijson reads it.
    """

    def __init__(self):
        self.depth = 0
        self.max_depth = 0
        self.in_string = False
        self.trailing_backslashes = 0

    def feed(self, block: bytes) -> None:
        a = np.frombuffer(block, dtype=np.uint8)
        quotes = np.flatnonzero(a == 0x22)
        if quotes.size and (self.trailing_backslashes or b"\\" in block):
            quotes = quotes[~self._escaped(a, quotes)]
        opens = (a == 0x5B) | (a == 0x7B)
        closes = (a == 0x5D) | (a == 0x7D)
        brackets = np.flatnonzero(opens | closes)
        if brackets.size:
            quotes_before = np.searchsorted(quotes, brackets)
            outside = ((quotes_before + int(self.in_string)) & 1) == 0
            brackets = brackets[outside]
            steps = np.where(opens[brackets], 1, -1)
            running = np.cumsum(steps) + self.depth
            if running.size:
                self.max_depth = max(self.max_depth, int(running.max()))
                self.depth = int(running[-1])
        self.in_string = self.in_string ^ bool(quotes.size & 1)
        n = 0
        while n < len(block) and block[len(block) - 1 - n] == 0x5C:
            n += 1
        self.trailing_backslashes = n if n < len(block) else self.trailing_backslashes + n

    def _escaped(self, a, quotes):
        """Quotes preceded by an odd run of backslashes (rare: looked at one by one)."""
        escaped = np.zeros(quotes.size, dtype=bool)
        prev = quotes - 1
        candidates = np.flatnonzero((prev < 0) | (a[np.maximum(prev, 0)] == 0x5C))
        for i in candidates:
            p = int(quotes[i]) - 1
            run = 0
            while p >= 0 and a[p] == 0x5C:
                run += 1
                p -= 1
            if p < 0:
                run += self.trailing_backslashes
            escaped[i] = run % 2 == 1
        return escaped


def _scan(path: Path, chunk: int = 8 << 20) -> tuple[bool, bool, int]:
    """One raw pass over the bytes (no parsing, fast): (has a `contrat-concession` list,
    has bare NaN/Infinity values, which Python writes but JSON forbids, deepest nesting)."""
    needle = b'"contrat-concession"'
    found_concession = found_nan = False
    depth = _DepthScan()
    tail = b""
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                break
            depth.feed(block)
            buf = tail + block
            found_concession = found_concession or needle in buf
            found_nan = found_nan or ((b"NaN" in buf or b"Infinity" in buf)    # fast pre-check
                                      and _NON_JSON_NUMBER.search(buf) is not None)
            tail = buf[-64:]
    return found_concession, found_nan, depth.max_depth


class NanToNull:
    """Binary file wrapper replacing bare NaN/Infinity values, chunk by chunk, by the sentinel
    numbers of `normalise.JSON_SENTINELS` (a number, so that a match inside a string can never
    break the JSON): the normalisation rejects them in numeric fields with a reason and reads them
    as missing elsewhere."""

    def __init__(self, f):
        self.f = f
        self.carry = b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:            # ijson probes read(0) to tell bytes from text
            return b""
        block = self.f.read(size if size and size > 0 else 1 << 16)
        if not block:
            out, self.carry = self.carry, b""
            return _NON_JSON_NUMBER.sub(_sentinel, out)
        buf = self.carry + block
        # cut just before the last delimiter: no replacement can straddle the cut
        cut = max(buf.rfind(b","), buf.rfind(b"]"), buf.rfind(b"}"))
        if cut <= 0:
            self.carry = buf
            return self.read(size)
        self.carry = buf[cut:]
        return _NON_JSON_NUMBER.sub(_sentinel, buf[:cut])

    def tell(self) -> int:
        return self.f.tell()


def read_json(path: Path, version: str, progress=None):
    """Stream the records of a JSON file (2019: `marches[]`; 2022: `marches.marche[]` then
    `marches.contrat-concession[]`)."""
    has_concessions, has_nan, max_depth = _scan(path)
    if version == "2019":
        passes = [("marches.item", None)]
    else:
        passes = [("marches.marche.item", "marche")]
        if has_concessions:
            passes.append(("marches.contrat-concession.item", "concession"))
    record_no = 0
    for prefix, kind in passes:
        for rec_no, k, rec in _json_pass(path, prefix, kind, has_nan, max_depth > MAX_DEPTH,
                                         record_no, progress):
            record_no = rec_no
            yield rec_no, k, rec


def _json_pass(path: Path, prefix: str, kind, has_nan: bool, deep: bool, record_no: int, progress):
    """Records under `prefix` (the items of a list). Some producers write a lone record as an
    object instead of a one-item list: when the list pass finds nothing, a 2022 `marche` or
    `contrat-concession` object is read as the one record (it is small, the list was empty).

    Numbers are read as floats; a number beyond the double range (`1e400`, a 30-digit integer)
    makes ijson fail in that mode: the pass is then read again with exact numbers (Decimal),
    skipping the records already given. A file nested deeper than MAX_DEPTH is read with the
    depth-bounded reader (`_items_bounded`): its too-deep records come as kind `too_deep`."""
    start = record_no
    lone = prefix.removesuffix(".item") if prefix != "marches.item" else None
    for item_prefix in (prefix, lone):
        if item_prefix is None or record_no > start:
            return
        use_float = True
        done = 0                  # items of this prefix already given (kept on a re-read)
        while True:
            n = 0
            try:
                with _open_skipping_bom(path) as raw:
                    f = NanToNull(raw) if has_nan else raw
                    items = _items_bounded(f, item_prefix, use_float) if deep else \
                        ((rec, False) for rec in ijson.items(f, item_prefix, use_float=use_float))
                    for rec, too_deep in items:
                        n += 1
                        if n <= done:
                            continue
                        done = n
                        if item_prefix == lone and isinstance(rec, list) and not too_deep:
                            return          # an (empty) list: nothing more to read
                        record_no += 1
                        if progress is not None and record_no % 4096 == 0:
                            progress(f.tell())
                        if too_deep:
                            yield record_no, "too_deep", rec
                            continue
                        if not isinstance(rec, dict):
                            yield record_no, "invalid", rec
                            continue
                        k = kind or ("concession" if "autoriteConcedante" in rec
                                     or str(rec.get("_type", "")).lower().startswith("contrat") else "marche")
                        yield record_no, k, rec
                break
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                if use_float and "overflow" in str(exc):
                    use_float = False
                    continue
                raise UnreadableFile(path, EXPECTED, f"JSON tronqué ou invalide après {record_no} "
                                                     f"enregistrement(s) ({_short(exc)})") from exc


def _items_bounded(f, prefix: str, use_float: bool):
    """(item, too_deep) for the items under `prefix`, from ijson's flat events (no prefix
    strings, so memory stays linear in the depth). Content nested deeper than MAX_DEPTH levels
    is not built: it is replaced by DEEP_MARKER and the item is flagged too deep."""
    target = prefix.split(".")
    path: list = []            # the key (or "item") at each level above the current value
    stack: list = []           # containers of the item being built
    key_stack: list = []       # pending key at each map level of the item
    too_deep = False
    item_level = None          # len(path) where the item's value starts
    skip_until = None          # len(path) to return to while skipping too-deep content

    def add(value):
        if not stack:
            return
        top = stack[-1]
        if isinstance(top, list):
            top.append(value)
        else:
            top[key_stack[-1]] = value

    for event, value in ijson.basic_parse(f, use_float=use_float):
        if event == "map_key":
            if skip_until is None:
                path[-1] = value
                if item_level is not None:
                    key_stack[-1] = value
            continue
        if event in ("end_map", "end_array"):
            path.pop()
            if skip_until is not None:
                if len(path) > skip_until:
                    continue
                skip_until = None
                continue
            if item_level is not None:
                done = stack.pop()
                key_stack.pop()
                if len(path) == item_level:
                    item_level = None
                    yield done, too_deep
                    too_deep = False
            continue
        # a value starts (scalar, map or array) at the current path
        opening = event in ("start_map", "start_array")
        if skip_until is not None:
            if opening:
                path.append(None)
            continue
        if item_level is None and len(path) == len(target) and path == target:
            if not opening:
                yield value, False
                continue
            item_level = len(path)
        if not opening:
            if item_level is not None:
                add(value)
            continue
        if item_level is not None and len(path) + 1 > MAX_DEPTH:
            too_deep = True
            add(DEEP_MARKER)
            path.append(None)
            skip_until = len(path) - 1
            continue
        path.append("item" if event == "start_array" else None)
        if item_level is not None:
            container = [] if event == "start_array" else {}
            add(container)
            stack.append(container)
            key_stack.append(None)


# ---- XML -----------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def element_to_obj(elem, levels: int = MAX_DEPTH):
    """Element -> str (leaf) or dict; repeated child tags become lists. Children more than
    `levels` levels below are replaced by DEEP_MARKER (the recursion stays bounded)."""
    children = list(elem)
    if not children:
        return (elem.text or "").strip()
    if levels <= 0:
        return DEEP_MARKER
    out: dict = {}
    for child in children:
        key = _local(child.tag)
        value = element_to_obj(child, levels - 1)
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    return out


def read_xml(path: Path, progress=None):
    """Stream `<marches><marche>…</marche><contrat-concession>…` with iterparse. A record nested
    deeper than MAX_DEPTH levels (from the root) comes as kind `too_deep`; the elements beyond
    the limit are cleared as soon as they are read. iterparse keeps every open element (about
    300 bytes a level): past XML_STOP_DEPTH levels the reading stops, the record being read comes
    as kind `too_deep_stop` and the rest of the file is not read (the records before are kept)."""
    record_no = 0
    depth = 0
    root = record = None
    too_deep = False
    try:
        with open(path, "rb") as f:
            for event, elem in ET.iterparse(f, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root = elem
                        if _local(elem.tag) != "marches":
                            raise UnreadableFile(path, EXPECTED, f"racine XML <{_local(elem.tag)}>, "
                                                                 f"<marches> attendue")
                    elif depth == 2:
                        record = elem
                    elif depth > MAX_DEPTH:
                        too_deep = True
                        if depth > XML_STOP_DEPTH:
                            # iterparse holds every open element: stop before memory grows further
                            record_no += 1
                            obj = element_to_obj(record, MAX_DEPTH - 2)
                            yield record_no, "too_deep_stop", obj if isinstance(obj, dict) else {"_text": obj}
                            return
                    continue
                if depth > MAX_DEPTH:
                    elem.clear()
                depth -= 1
                if depth == 1:
                    record_no += 1
                    tag = _local(elem.tag)
                    kind = "concession" if tag == "contrat-concession" else (
                        "marche" if tag == "marche" else "invalid")
                    obj = element_to_obj(elem, MAX_DEPTH - 2)
                    root.clear()
                    if progress is not None and record_no % 4096 == 0:
                        progress(f.tell())
                    if too_deep:
                        kind, too_deep = "too_deep", False
                    yield record_no, kind, obj if isinstance(obj, dict) else {"_text": obj}
    except ET.ParseError as exc:
        raise UnreadableFile(path, EXPECTED, f"XML tronqué ou invalide après {record_no} "
                                             f"enregistrement(s) ({_short(exc)})") from exc


# ---- CSV (tabular exports) ---------------------------------------------------------------------

LIST_FIELDS = {"considerationsSociales": "considerationSociale",
               "considerationsEnvironnementales": "considerationEnvironnementale",
               "modalitesExecution": "modaliteExecution", "techniques": "technique",
               "typesPrix": "typePrix"}
MODIFICATION_COLUMNS = {
    "idModification": "id", "montantModification": "montant", "dureeMoisModification": "dureeMois",
    "dateNotificationModificationModification": "dateNotificationModification",
    "datePublicationDonneesModificationModification": "datePublicationDonneesModification",
}


def row_to_record(row: dict[str, str]) -> dict:
    """A tabular-export row -> the JSON shape (dotted headers nested, list text parsed,
    `titulaire_id_N` columns gathered, the modification columns as one modification)."""
    rec: dict = {}
    titulaires: dict[str, dict] = {}
    modification: dict = {}
    for key, value in row.items():
        if key is None:
            continue
        key = key.strip()
        if value is None:
            continue
        if key.startswith("titulaire_"):
            parts = key.split("_")
            if len(parts) == 3:
                titulaires.setdefault(parts[2], {})[parts[1]] = value
            continue
        if key in MODIFICATION_COLUMNS:
            modification[MODIFICATION_COLUMNS[key]] = value
            continue
        if key in LIST_FIELDS:
            # a marker (MQ, CDL) is kept as written: it tells a 2022 export from a 2019 one
            rec[key] = parse_list_text(value) or value.strip() or []
            continue
        if "." in key:
            head, tail = key.split(".", 1)
            sub = rec.setdefault(head, {})
            if isinstance(sub, dict):
                sub[tail] = value
            continue
        rec[key] = value
    rec["titulaires"] = [t for _, t in sorted(titulaires.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)]
    if any(v.strip().upper() not in ("", "MQ", "CDL") for v in modification.values()):
        rec["modifications"] = [modification]
    return rec


def read_csv(path: Path, encoding: str, progress=None):
    """Stream the rows of a tabular export (`;` or `,`, BOM tolerated)."""
    record_no = 0
    try:
        with open(path, "r", encoding=encoding, newline="", errors="strict") as f:
            header_line = f.readline()
            delim = ";" if header_line.count(";") >= header_line.count(",") else ","
            header = next(csv.reader([header_line], delimiter=delim))
            reader = csv.reader(f, delimiter=delim)
            for row in reader:
                if not any(c.strip() for c in row):
                    continue
                record_no += 1
                if progress is not None and record_no % 4096 == 0:
                    progress(f.buffer.tell() if hasattr(f, "buffer") else 0)
                rec = row_to_record(dict(zip(header, row)))
                if len(row) != len(header):
                    rec["_csv_width"] = (len(row), len(header))
                kind = "concession" if "autoriteConcedante" in rec or \
                    str(rec.get("_type", "")).lower().startswith("contrat") else "marche"
                yield record_no, kind, rec
    except UnicodeDecodeError as exc:
        raise UnreadableFile(path, EXPECTED, f"encodage invalide après {record_no} ligne(s), "
                                             f"UTF-8 attendu") from exc
    except csv.Error as exc:
        raise UnreadableFile(path, EXPECTED, f"CSV invalide après {record_no} ligne(s) "
                                             f"({_short(exc)})") from exc


def iter_records(path: Path, detected: Detected, progress=None):
    if detected.source_format == "json":
        return read_json(path, detected.version, progress)
    if detected.source_format == "xml":
        return read_xml(path, progress)
    return read_csv(path, detected.encoding, progress)
