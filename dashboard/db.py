"""The dashboard's one read-only DuckDB connection, and cached queries on it.

- `connection()` is cached with `st.cache_resource`, keyed by the database path and its
  modification time: a rebuild (atomic `os.replace`) is picked up without restarting the app
  (the old connection is closed once the queries running on it end; several replicas on one
  file each do the same: deploy/README.md).
- `query(sql, params)` runs on a cursor of its own (thread-safe in DuckDB) and its result is
  cached with `st.cache_data`, keyed by the SQL text, the parameters (the filter set) and the
  database signature.
- `mart(name, **params)` is the only way pages read data: `select * from name(p := ?, ...)`. The
  parameters go through `dashboard.policy.enforce` with the run's scope (the visitor's role): a
  bailleur's own landlord is forced in, what the role may not see raises `policy.Denied`.
- Every call records its duration in the page's query log (`query_log()`), shown at the bottom
  of each page and read by the page benchmark.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import settings

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_LOG_KEY = "_obs_query_log"


class DatabaseMissing(Exception):
    """The database file does not exist or cannot be opened."""

    def __init__(self, path: Path, detail: str = ""):
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail or 'absent'}")


@dataclass
class QueryRecord:
    sql: str
    ms: float
    rows: int


def db_path() -> Path:
    """Path of the database, from the `db_path` setting (env OBSERVATOIRE_DB)."""
    return Path(settings.get("db_path"))


def signature() -> tuple[str, int]:
    """(path, modification time in ns) of the database; raises DatabaseMissing when absent."""
    path = db_path()
    try:
        return str(path), os.stat(path).st_mtime_ns
    except FileNotFoundError:
        raise DatabaseMissing(path) from None


_OPEN: dict[str, duckdb.DuckDBPyConnection] = {}
_OPEN_LOCK = threading.Lock()


_CLOSE_WAIT_S = 10.0


def _close(con: duckdb.DuckDBPyConnection, wait_s: float | None = None) -> None:
    """Close `con`, waiting for a query another session runs on one of its cursors to end.

    DuckDB refuses to close a connection whose cursor is busy (ResourceInUseException); left open,
    its database instance would be reused by the next `connect` on the same path, and the process
    would go on serving the replaced file until the next rebuild.
    """
    deadline = time.monotonic() + (_CLOSE_WAIT_S if wait_s is None else wait_s)
    while True:
        try:
            con.close()
            return
        except duckdb.ResourceInUseException:
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        except duckdb.Error:
            return


@st.cache_resource(max_entries=1, show_spinner=False)
def _connect(path: str, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    # DuckDB keeps one database instance per path in the process: the connection to the previous
    # file must be closed first, or the new one would still read the replaced file.
    with _OPEN_LOCK:
        old = _OPEN.pop(path, None)
        if old is not None:
            _close(old)
        try:
            con = duckdb.connect(path, read_only=True)
        except duckdb.Error as exc:  # corrupt file, locked by a writer, wrong version
            raise DatabaseMissing(Path(path), str(exc).splitlines()[0]) from None
        _OPEN[path] = con
        return con


def connection() -> duckdb.DuckDBPyConnection:
    """The shared read-only connection to the current database file."""
    return _connect(*signature())


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the connection to the current file.

    Always the current signature, never the one a caller read earlier: a run that started before
    a swap would otherwise reopen the old signature and close the connection other sessions use.
    """
    return connection().cursor()


def _run(fn):
    """fn(cursor) on a fresh cursor; once more on a new cursor when a swap closed the connection
    under it (the window between `execute` and fetching the result)."""
    for attempt in (1, 2):
        cur = _cursor()
        try:
            return fn(cur)
        except (duckdb.ConnectionException, duckdb.InvalidInputException):
            if attempt == 2:
                raise
        finally:
            try:
                cur.close()
            except duckdb.Error:
                pass


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(sql: str, params: tuple, sig: tuple[str, int]) -> pd.DataFrame:
    # `sig` is the cache key (a rebuild makes new keys); the query runs on the current file
    return _run(lambda cur: cur.execute(sql, list(params)).df())


def _record(sql: str, ms: float, rows: int) -> None:
    try:
        log = st.session_state.setdefault(_LOG_KEY, [])
        log.append(QueryRecord(sql, ms, rows))
    except Exception:  # outside a Streamlit session (scripts, tests)
        pass


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Run `sql` with `params` on a cursor and return a DataFrame (cached per SQL and params).

    The returned frame is a copy the caller may modify.
    """
    sig = signature()
    t0 = time.perf_counter()
    df = _cached_query(sql, tuple(_hashable(p) for p in params), sig)
    _record(sql, (time.perf_counter() - t0) * 1000, len(df))
    return df.copy()


def _hashable(p):
    return tuple(p) if isinstance(p, list) else p


def mart_sql(name: str, params: dict, columns: str = "*", order_by: str | None = None) -> tuple[str, list]:
    """SQL and parameter list for `select columns from name(k := ?, ...)`; None values are omitted."""
    if not _IDENT.match(name):
        raise ValueError(f"invalid mart name: {name!r}")
    args, values = [], []
    for key, value in params.items():
        if value is None:
            continue
        if not _IDENT.match(key):
            raise ValueError(f"invalid parameter name: {key!r}")
        if isinstance(value, tuple):
            value = list(value)
        args.append(f"{key} := ?")
        values.append(value)
    sql = f"select {columns} from {name}({', '.join(args)})"
    if order_by:
        sql += f" order by {order_by}"
    return sql, values


def mart(name: str, *, filters=None, columns: str = "*", order_by: str | None = None, **params) -> pd.DataFrame:
    """Rows of the table macro `name` called with the given named parameters.

    `filters` (a `dashboard.filters.Filters`) adds the global filters the macro accepts; the others
    are left out (see `ignored_filters`). A plain view (no parameters) is read as it is.
    """
    accepted = parameters(name)
    merged = dict(filters.params(set(accepted))) if filters is not None else {}
    merged.update(params)
    # the visitor's role decides last: forced parameters or Denied (dashboard/policy.py)
    from dashboard import access, policy

    merged = policy.enforce(name, merged, access.current())
    if not accepted and name in _relations(signature()) and not merged:
        return table(name, columns=columns, order_by=order_by)
    sql, values = mart_sql(name, merged, columns, order_by)
    return query(sql, values)


@st.cache_data(show_spinner=False)
def _macro_parameters(sig: tuple[str, int]) -> dict[str, tuple[str, ...]]:
    rows = _run(lambda cur: cur.execute(
        "select function_name, parameters from duckdb_functions() where function_type = 'table_macro'"
    ).fetchall())
    return {name: tuple(params or ()) for name, params in rows}


def parameters(name: str) -> tuple[str, ...]:
    """Parameter names of a table macro (empty for a view or an unknown name)."""
    return _macro_parameters(signature()).get(name, ())


def ignored_filters(name: str, filters) -> list[str]:
    """Active global filters that the mart `name` does not take."""
    accepted = set(parameters(name))
    return [k for k in filters.active() if k not in accepted]


def table(name: str, *, columns: str = "*", order_by: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Rows of a plain table or view (for build_info, ingest_log, rejects)."""
    if not _IDENT.match(name):
        raise ValueError(f"invalid table name: {name!r}")
    sql = f"select {columns} from {name}"
    if order_by:
        sql += f" order by {order_by}"
    if limit:
        sql += f" limit {int(limit)}"
    return query(sql)


@st.cache_data(show_spinner=False)
def _relations(sig: tuple[str, int]) -> frozenset[str]:
    rows = _run(lambda cur: cur.execute(
        "select table_name from information_schema.tables "
        "union select function_name from duckdb_functions() "
        "where function_type in ('table_macro', 'macro') and not internal"
    ).fetchall())
    return frozenset(r[0] for r in rows)


def has(name: str) -> bool:
    """Whether a table, view or macro of that name exists in the database."""
    return name in _relations(signature())


def build_info() -> dict[str, str]:
    """The build's key/value pairs from `mart_build_info` ({} when missing)."""
    name = "mart_build_info" if has("mart_build_info") else "build_info" if has("build_info") else None
    if name is None:
        return {}
    df = query(f"select key, value from {name}")
    return dict(zip(df["key"], df["value"]))


def reset_query_log() -> None:
    """Start a new page's query log."""
    try:
        st.session_state[_LOG_KEY] = []
    except Exception:
        pass


def query_log() -> list[QueryRecord]:
    """Queries run since the page started (duration in ms, including cache hits)."""
    try:
        return list(st.session_state.get(_LOG_KEY, []))
    except Exception:
        return []


# Settings the SQL layer applied at build time (stg_settings): the app shows these, never its own
# environment's values, so that a note such as "fewer than N people" says the masking applied.
BUILD_SETTINGS = ("fte_hours", "secrecy_threshold", "secrecy_threshold_sensitive", "durable_definition",
                  "region_code")


def built_setting(name: str):
    """A setting as the served database was built with it (`setting.<name>` of `mart_build_info`),
    typed like its default; the default when the build does not record it."""
    from pipelines import settings

    if name not in BUILD_SETTINGS:
        raise KeyError(f"{name} n'est pas un paramètre de construction")
    default = settings.SETTINGS[name].default
    raw = build_info().get(f"setting.{name}")
    if raw is None or raw == "":
        return default
    try:
        if isinstance(default, int):
            return int(float(raw))
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        return default
    return raw
