"""`load_targets(con, path, ctx)`: the hour targets file (`--targets`) into the `targets` table.

Format (docs/clause_export_format.md, "Fichier des objectifs"): CSV with `;` or `,`, UTF-8 or
Windows-1252, one row per target:
`type_perimetre;identifiant;libelle;heures_objectif;date_debut;date_fin`
where type_perimetre is `opération` (identifiant = operation id of the clause exports) or
`maître d'ouvrage` (identifiant = buyer SIRET). Dates dd/mm/yyyy or ISO; hours with a decimal comma
or point.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pipelines import cells as P
from pipelines.context import BuildContext, FileResult
from pipelines.errors import UnreadableFile
from pipelines.messages import cite
from pipelines.quarantine import Quarantine
from pipelines.text import csv_rows, decode_lines, fold, long_cell, mixed_encoding_warning, sniff_delimiter

EXPECTED = ("un CSV d'objectifs avec les colonnes type_perimetre, identifiant, libelle, heures_objectif, "
            "date_debut, date_fin (voir docs/clause_export_format.md)")
COLUMNS = {
    "scope_type": ["scope_type", "type_perimetre", "type de perimetre", "perimetre", "type"],
    "scope_id": ["scope_id", "identifiant", "id", "code", "identifiant perimetre"],
    "label": ["label", "libelle", "intitule", "nom"],
    "target_hours": ["target_hours", "heures_objectif", "objectif heures", "objectif", "heures",
                     "objectif d heures", "heures objectif"],
    "period_start": ["period_start", "date_debut", "debut", "date de debut"],
    "period_end": ["period_end", "date_fin", "fin", "date de fin"],
}
REQUIRED = ("scope_type", "scope_id", "target_hours")
SCOPES = {"operation": "operation", "buyer": "buyer", "maitre d ouvrage": "buyer", "mo": "buyer",
          "acheteur": "buyer", "bailleur": "buyer", "donneur d ordre": "buyer", "programme": "operation",
          "projet": "operation"}
SCHEMA = pa.schema([("scope_type", pa.string()), ("scope_id", pa.string()), ("label", pa.string()),
                    ("target_hours", pa.float64()), ("period_start", pa.date32()), ("period_end", pa.date32())])


def _header_index(header: list[str]) -> dict[str, int]:
    lookup = {fold(s): name for name, spellings in COLUMNS.items() for s in spellings}
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        name = lookup.get(fold(h))
        if name and name not in out:
            out[name] = i
    return out


def load_targets(con, path: Path, ctx: BuildContext | None = None) -> FileResult:
    """Read the targets CSV; bad rows go to `rejects` with their reason."""
    path = Path(path)
    try:
        text, _, cp1252_lines = decode_lines(path.read_bytes())
    except OSError as e:
        raise UnreadableFile(path, EXPECTED, str(e)) from None
    first = text.splitlines()[0] if text.strip() else ""
    delim = sniff_delimiter(first)
    rows = csv_rows(text, delim)
    if not rows:
        raise UnreadableFile(path, EXPECTED, "fichier vide")
    idx = _header_index(rows[0])
    missing = [c for c in REQUIRED if c not in idx]
    if missing:
        raise UnreadableFile(path, EXPECTED, "colonne(s) absente(s) : " + ", ".join(COLUMNS[c][1] for c in missing)
                             + " ; en-têtes lus : " + cite(rows[0]))
    result = FileResult(format="csv", kind="targets")
    mixed = mixed_encoding_warning(cp1252_lines)
    if mixed:
        result.warnings.append(mixed)
    q = Quarantine(con, path.name)
    cols: dict[str, list] = {n: [] for n in SCHEMA.names}
    seen: set = set()
    record_no = 0
    for cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        record_no += 1
        result.n_read += 1
        too_long = long_cell(cells, rows[0])
        if too_long:
            q.reject_record(record_no, too_long, None)
            continue

        def cell(name):
            i = idx.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        problems = []
        scope = SCOPES.get(fold(cell("scope_type") or ""))
        if scope is None:
            problems.append(f"type de périmètre inconnu « {cell('scope_type')} » (attendu : opération ou "
                            "maître d'ouvrage)")
        sid = P.text(cell("scope_id"))
        if scope == "buyer":
            sid = P.siret(sid)
        if not sid:
            problems.append("identifiant du périmètre manquant")
        hours = None
        try:
            hours = P.number(cell("target_hours"))
            if hours is None or hours <= 0:
                problems.append(f"objectif d'heures absent ou non positif « {cell('target_hours')} »")
        except P.BadValue as e:
            problems.append(f"objectif d'heures : {e}")
        start = end = None
        try:
            start = P.event_date(cell("period_start"))
            end = P.event_date(cell("period_end"))
            if start and end and end < start:
                problems.append("date de fin antérieure à la date de début")
        except P.BadValue as e:
            problems.append(f"période : {e}")
        if problems:
            q.reject_record(record_no, "; ".join(problems), delim.join(cells))
            continue
        key = (scope, sid, start, end)
        if key in seen:
            result.n_duplicates += 1
            continue
        seen.add(key)
        for n, val in zip(SCHEMA.names, (scope, sid, P.text(cell("label")), hours, start, end)):
            cols[n].append(val)
        result.n_loaded += 1
    if cols["scope_type"]:
        t = pa.Table.from_pydict(cols, schema=SCHEMA)
        con.register("_targets_batch", t)
        try:
            con.execute("insert into targets by name select * from _targets_batch")
        finally:
            con.unregister("_targets_batch")
    q.flush()
    result.n_rejected = q.n_rejected
    return result
