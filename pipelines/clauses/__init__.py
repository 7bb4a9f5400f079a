"""Facilitators' clause-execution exports: reading, privacy at the door, validation, loading.

Public entry point: `ingest_clause_file(con, path, ctx) -> FileResult` (see docs/data_model.md and
docs/clause_export_format.md).
"""
from pipelines.clauses.ingest import ingest_clause_file

__all__ = ["ingest_clause_file"]
