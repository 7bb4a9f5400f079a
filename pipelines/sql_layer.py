"""Create the SQL layer (staging, intermediate, marts) in a DuckDB database.

Each file of `sql/<layer>/` defines one object named after the file:
- a file whose first statement starts with `create` (a macro) is executed as written;
- otherwise the file is a `select` and becomes a view, or a table when its header holds
  `-- materialized: table`.
Inside a layer, files are created in name order and those whose dependencies do not exist yet are
retried until the layer is complete (or no progress is made, which raises `SqlLayerError`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipelines import codes, settings

SQL_DIR = settings.PROJECT_ROOT / "sql"
LAYERS = ("staging", "intermediate", "marts")
MATERIALIZED = re.compile(r"^--\s*materialized:\s*table\b", re.MULTILINE | re.IGNORECASE)


class SqlLayerError(RuntimeError):
    """A SQL file could not be created (syntax error or a dependency that never appears)."""


@dataclass(frozen=True)
class SqlObject:
    name: str
    layer: str
    path: Path
    kind: str  # "view", "table" or "macro"
    body: str


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--")).strip()


def load_objects(sql_dir: Path = SQL_DIR) -> list[SqlObject]:
    """Every SQL object of the layers, in build order (layer, then file name)."""
    objects = []
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            text = path.read_text(encoding="utf-8")
            code = _strip_comments(text).rstrip().rstrip(";")
            if code.lower().startswith("create"):
                kind = "macro"
            elif MATERIALIZED.search(text):
                kind = "table"
            else:
                kind = "view"
            objects.append(SqlObject(path.stem, layer, path, kind, code))
    return objects


def header_comment(path: Path) -> str:
    """The leading comment block of a SQL file (without the `--` markers)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("--"):
            lines.append(line.strip()[2:].strip())
        elif line.strip():
            break
    return "\n".join(lines)


def write_settings_table(con) -> None:
    """(Re)write the `settings` table (name, value) from pipelines/settings.py."""
    con.execute("create or replace table settings (name varchar, value varchar)")
    rows = [(name, None if s.value() is None else str(s.value())) for name, s in settings.SETTINGS.items()]
    con.executemany("insert into settings values (?, ?)", rows)


def _create(con, obj: SqlObject) -> None:
    if obj.kind == "macro":
        con.execute(obj.body)
    elif obj.kind == "table":
        con.execute(f"create or replace table {obj.name} as {obj.body}")
    else:
        con.execute(f"create or replace view {obj.name} as {obj.body}")


def create_sql_layer(con, sql_dir: Path = SQL_DIR) -> list[SqlObject]:
    """Write the `settings` and `ref_codes` tables, then create every staging, intermediate and mart object.

    Returns the objects created, in creation order.
    """
    write_settings_table(con)
    codes.write_table(con)
    created: list[SqlObject] = []
    objects = load_objects(sql_dir)
    for layer in LAYERS:
        pending = [o for o in objects if o.layer == layer]
        while pending:
            failed: list[tuple[SqlObject, Exception]] = []
            for obj in pending:
                try:
                    _create(con, obj)
                    created.append(obj)
                except Exception as exc:  # a dependency may not exist yet: retry after the others
                    failed.append((obj, exc))
            if len(failed) == len(pending):
                detail = "; ".join(f"{o.path.relative_to(sql_dir.parent)}: {e}" for o, e in failed)
                raise SqlLayerError(f"couche SQL {layer} : impossible de créer {detail}")
            pending = [o for o, _ in failed]
        if layer == "intermediate" and any(o.name == "int_secrecy_counts" for o in created):
            # the linked suppression of the people figures, which every people mart reads
            from pipelines import secrecy
            secrecy.build_cells(con)
    return created
