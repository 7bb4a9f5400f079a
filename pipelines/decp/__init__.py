"""DECP procurement data: format detection, streaming readers, normalisation, territories,
versions collapse. Entry points used by pipelines/build.py:

    ingest_decp_file(con, path, ctx) -> FileResult   # one file into decp_versions
    build_contracts(con, ctx) -> int                 # all versions collapsed into contracts
"""
from pipelines.decp.collapse import build_contracts
from pipelines.decp.ingest import ingest_decp_file

__all__ = ["build_contracts", "ingest_decp_file"]
