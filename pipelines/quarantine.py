"""Shared helpers for readers: the rejects collector, ingest_log rows, file hashes."""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipelines.context import FileResult
from pipelines.messages import bound_message

REJECT_SCHEMA = pa.schema([
    ("source_file", pa.string()), ("record_no", pa.int64()), ("field", pa.string()),
    ("reason", pa.string()), ("raw", pa.string()),
])
RAW_MAX_CHARS = 2000


class Quarantine:
    """Collects reject rows for one file and writes them to `rejects` in batches.

    `reject_field` records a bad field of a record that is still loaded (field set to null);
    `reject_record` records a whole record that is not loaded and counts it in `n_rejected`.

    Records about people (clause-execution lines) pass `personal_fields`: `raw` is then dropped for
    those fields and for record rejects naming no field (never a person's record or value), and
    `scrub` (a text -> text function) is applied to every reason and raw value kept.
    """

    def __init__(self, con, source_file: str, batch_size: int = 5000, *,
                 personal_fields: frozenset | set | None = None, scrub=None):
        self.con = con
        self.source_file = source_file
        self.batch_size = batch_size
        self.personal_fields = personal_fields
        self.scrub = scrub
        self.rows: dict[str, list] = {name: [] for name in REJECT_SCHEMA.names}
        self.n_rejected = 0
        self.n_field_rejects = 0

    def _add(self, record_no, field, reason, raw):
        if self.personal_fields is not None and (field is None or field in self.personal_fields):
            raw = None
        if raw is not None and not isinstance(raw, str):
            raw = repr(raw)
        if self.scrub is not None:
            reason, raw = self.scrub(reason), self.scrub(raw)
        if raw is not None and len(raw) > RAW_MAX_CHARS:
            raw = raw[:RAW_MAX_CHARS] + "…"
        reason = bounded(reason, REASON_MAX_CHARS)   # a reason may quote a value read
        rows = self.rows
        rows["source_file"].append(self.source_file)
        rows["record_no"].append(record_no)
        rows["field"].append(field)
        rows["reason"].append(reason)
        rows["raw"].append(raw)
        if len(rows["reason"]) >= self.batch_size:
            self.flush()

    def reject_field(self, record_no: int, field: str, reason: str, raw=None) -> None:
        self.n_field_rejects += 1
        self._add(record_no, field, reason, raw)

    def reject_record(self, record_no: int, reason: str, raw=None, field: str | None = None) -> None:
        self.n_rejected += 1
        self._add(record_no, field, reason, raw)

    def flush(self) -> None:
        if not self.rows["reason"]:
            return
        table = pa.Table.from_pydict(self.rows, schema=REJECT_SCHEMA)
        # a reader of the batch, not the table: inside the file's transaction DuckDB keeps what it
        # scanned referenced until commit (every reject batch would stay in memory)
        table = pa.RecordBatchReader.from_batches(REJECT_SCHEMA, iter(table.to_batches()))
        self.con.register("_quarantine_batch", table)
        try:
            self.con.execute("insert into rejects select * from _quarantine_batch")
        finally:
            self.con.unregister("_quarantine_batch")
        self.rows = {name: [] for name in REJECT_SCHEMA.names}


def file_sha256(path: Path | str) -> str:
    """SHA-256 of a file's bytes (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


REASON_MAX_CHARS = 2000
bounded = bound_message  # one bound for every message (pipelines/messages.py)


def write_ingest_log(con, *, source_file: str, sha256: str | None, kind: str,
                     result: FileResult | None, started_at: datetime, finished_at: datetime,
                     status: str, message: str | None = None) -> None:
    """Append one `ingest_log` row (status `ok`, `warnings` or `failed`); the message is bounded."""
    r = result or FileResult()
    message = bound_message(message)
    con.execute(
        "insert into ingest_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source_file, sha256, kind, r.format, r.n_read, r.n_loaded, r.n_rejected, r.n_duplicates,
         r.n_out_of_region, started_at, finished_at, status, message, r.n_contracts],
    )
