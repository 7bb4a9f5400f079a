"""The dashboard's database layer: read-only, cached per query and parameters, rebuilt files picked up."""
from __future__ import annotations

import os
import time

import duckdb
import pytest

from dashboard import db


@pytest.fixture()
def small_db(tmp_path, monkeypatch):
    path = tmp_path / "obs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select * from (values (1, 'a'), (2, 'b')) v(n, s)")
    con.execute("create macro mart_t(n_min := 0) as table select * from t where n >= n_min")
    con.close()
    monkeypatch.setenv("OBSERVATOIRE_DB", str(path))
    return path


def test_missing_database_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_DB", str(tmp_path / "absent.duckdb"))
    with pytest.raises(db.DatabaseMissing):
        db.signature()


def test_mart_call_with_named_parameters(small_db):
    assert db.mart("mart_t")["n"].tolist() == [1, 2]
    assert db.mart("mart_t", n_min=2)["s"].tolist() == ["b"]
    assert db.parameters("mart_t") == ("n_min",)
    assert db.has("mart_t") and db.has("t") and not db.has("mart_absent")


def test_results_are_copies_of_the_cache(small_db):
    first = db.query("select n from t order by n")
    first.loc[0, "n"] = 99
    assert db.query("select n from t order by n")["n"].tolist() == [1, 2]


def test_connection_is_read_only(small_db):
    with pytest.raises(duckdb.Error):
        db.connection().execute("insert into t values (3, 'c')")


def test_a_rebuilt_database_is_picked_up(small_db):
    assert len(db.query("select * from t")) == 2
    db.connection()  # the cached connection holds the old file open (read-only)
    new = small_db.with_suffix(".new")
    con = duckdb.connect(str(new))
    con.execute("create table t as select * from (values (1, 'a'), (2, 'b'), (3, 'c')) v(n, s)")
    con.close()
    time.sleep(0.01)
    os.replace(new, small_db)  # what the build does
    assert len(db.query("select * from t")) == 3
