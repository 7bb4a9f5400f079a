"""Documentation checks: every SQL object has a header, every mart is in docs/marts.md, every
setting in docs/settings.md, every table of a built database in docs/data_model.md, and table
macros read tables only."""
from __future__ import annotations

import re

import duckdb
import pytest

from conftest import ROOT
from pipelines import settings, sql_layer

DOCS = ROOT / "docs"
OBJECTS = sql_layer.load_objects()
MARTS = [o for o in OBJECTS if o.layer == "marts"]


def test_layers_have_objects_named_by_prefix():
    prefixes = {"staging": "stg_", "intermediate": "int_", "marts": "mart_"}
    assert MARTS, "no mart found in sql/marts"
    for obj in OBJECTS:
        assert obj.name.startswith(prefixes[obj.layer]), f"{obj.path}: name must start with {prefixes[obj.layer]}"
        if obj.kind == "macro":
            assert re.search(rf"create or replace macro {obj.name}\s*\(", obj.body), \
                f"{obj.path}: the macro must be named after the file"


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: o.name)
def test_every_sql_file_has_a_header(obj):
    header = sql_layer.header_comment(obj.path)
    assert header.startswith(f"{obj.name}:"), f"{obj.path}: header must start with '-- {obj.name}: <question>'"
    assert "Grain:" in header, f"{obj.path}: header must give the grain"
    assert "Columns:" in header or "Returns:" in header, f"{obj.path}: header must list the columns"
    if obj.kind == "macro" and "as table" in obj.body:
        assert "Parameters:" in header, f"{obj.path}: a table macro's header must list its parameters"
    assert obj.body == obj.body.lower() or _only_literals_differ(obj.body), f"{obj.path}: SQL must be lower-case"


def _only_literals_differ(body: str) -> bool:
    """Upper case allowed inside quoted literals only."""
    return re.sub(r"'[^']*'", "''", body) == re.sub(r"'[^']*'", "''", body).lower()


def test_every_mart_is_documented_and_no_stale_entry():
    doc = (DOCS / "marts.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `(mart_\w+)", doc, flags=re.MULTILINE))
    names = {m.name for m in MARTS}
    assert names - documented == set(), f"marts missing from docs/marts.md: {sorted(names - documented)}"
    assert documented - names == set(), f"docs/marts.md documents marts that do not exist: {sorted(documented - names)}"


def test_every_setting_is_documented():
    doc = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, setting in settings.SETTINGS.items():
        assert f"`{name}`" in doc, f"setting {name} missing from docs/settings.md"
        assert f"`{setting.env}`" in doc, f"environment variable {setting.env} missing from docs/settings.md"


def test_every_table_of_a_built_database_is_documented(tmp_path):
    build = pytest.importorskip("pipelines.build")
    db = tmp_path / "empty.duckdb"
    assert build.main(["--db", str(db)]) in (0, None)
    con = duckdb.connect(str(db), read_only=True)
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()}
    layer = {o.name for o in OBJECTS}
    doc = (DOCS / "data_model.md").read_text(encoding="utf-8")
    missing = sorted(t for t in tables - layer if f"`{t}`" not in doc)
    assert missing == [], f"tables missing from docs/data_model.md: {missing}"
    # every mart exists in the built database
    functions = {r[0] for r in con.execute("select function_name from duckdb_functions() where not internal").fetchall()}
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    assert {m.name for m in MARTS} <= functions | views | tables


def test_table_macros_read_tables_only():
    """Inside a table macro DuckDB substitutes parameters into the body of a view it reads (a
    parameter named like a view column breaks it, or silently changes it): macros read tables,
    other macros or CTEs only."""
    views = {o.name for o in OBJECTS if o.kind == "view"}
    for obj in OBJECTS:
        if obj.kind != "macro":
            continue
        read = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", obj.body))
        assert read & views == set(), f"{obj.path} reads views {sorted(read & views)}: materialise them"


def test_documented_signatures_match_the_macros():
    """The parameters in each `### mart_x(...)` heading of docs/marts.md are the macro's parameters."""
    from pipelines import schema

    con = duckdb.connect()
    schema.create_all_tables(con)
    sql_layer.create_sql_layer(con)
    actual = {name: set(params) for name, params in con.execute(
        "select function_name, parameters from duckdb_functions() "
        "where function_type = 'table_macro' and function_name like 'mart_%'").fetchall()}
    doc = (DOCS / "marts.md").read_text(encoding="utf-8")
    documented = {}
    for name, params in re.findall(r"^### `(mart_\w+)\(([^)]*)\)`", doc, flags=re.MULTILINE):
        documented[name] = {p.split(":=")[0].strip() for p in params.split(",") if p.strip()}
    assert set(documented) == set(actual), "macros and documented signatures differ"
    for name, params in actual.items():
        assert documented[name] == params, f"{name}: documented {sorted(documented[name])}, actual {sorted(params)}"


def test_layer_resolves_dependencies_and_names_a_broken_file(tmp_path):
    from pipelines import schema

    for layer in sql_layer.LAYERS:
        (tmp_path / layer).mkdir()
    # a_ depends on b_ (created later in name order): the retry resolves it
    (tmp_path / "staging" / "stg_a.sql").write_text("-- stg_a: x\nselect * from stg_b\n")
    (tmp_path / "staging" / "stg_b.sql").write_text("-- stg_b: x\n-- materialized: table\nselect 1 as one\n")
    con = duckdb.connect()
    schema.create_all_tables(con)
    created = sql_layer.create_sql_layer(con, tmp_path)
    assert [(o.name, o.kind) for o in created] == [("stg_b", "table"), ("stg_a", "view")]
    assert con.execute("select one from stg_a").fetchall() == [(1,)]
    sql_layer.create_sql_layer(con, tmp_path)  # idempotent: a rebuild replaces every object
    (tmp_path / "marts" / "mart_broken.sql").write_text("-- mart_broken: x\nselect * from no_such_table\n")
    with pytest.raises(sql_layer.SqlLayerError, match="mart_broken.sql"):
        sql_layer.create_sql_layer(con, tmp_path)
