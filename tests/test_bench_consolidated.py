"""The consolidated benchmark's generator writes what its docstring promises, small (--rows)."""
from __future__ import annotations

import duckdb

from pipelines.bench.consolidated import generate
from pipelines.decp.consolidated import REQUIRED, consolidated_kind


def test_generated_files_have_national_shares(tmp_path):
    parquet, csv = tmp_path / "d.parquet", tmp_path / "d.csv"
    generate(parquet, csv, 6000)
    assert consolidated_kind(parquet) == "parquet" and consolidated_kind(csv) == "csv"
    con = duckdb.connect()
    for src in (f"read_parquet('{parquet}')", f"read_csv('{csv}', all_varchar = true)"):
        n, n_contracts, no_social, cols = con.execute(f"""
            select count(*), count(distinct (acheteur_id, id)),
                   count(*) filter (where considerationsSociales is null), (select count(*) from (describe select * from {src}))
            from {src}""").fetchall()[0]
        assert n == 6000
        assert 1.6 < n / n_contracts < 2.0            # several titulaires and modifications per contract
        assert 0.4 < no_social / n < 0.6               # about half the rows without social field
        assert cols > 60
    names = {r[0] for r in con.execute(f"describe select * from read_parquet('{parquet}')").fetchall()}
    assert set(REQUIRED) <= names
