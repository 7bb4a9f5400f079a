"""How much the linked suppression masks beyond the primary rule (docs/secrecy.md, cost figures).

`measure(con)` reads a built database and returns, for the linked cells (int_secrecy_cells) and for
a few published tables, how many cells are masked and how many the primary rule alone (1 to
threshold - 1 people) would mask. Run it on a demo build:

    python tests/secrecy_overmasking.py /tmp/demo.duckdb
"""
from __future__ import annotations

import sys

import duckdb


def measure(con) -> dict:
    out = {}
    for family, cells, masked, primary in con.execute("""
        select family, count(*), count(*) filter (where is_masked),
               count(*) filter (where n > 0 and n < int_secrecy_threshold(false))
        from int_secrecy_cells
        where category not in ('people', 'ongoing', 'recent')
        group by family order by family
    """).fetchall():
        out[f"cells {family}"] = (masked, primary, cells)
    thr = con.execute("select secrecy_threshold from stg_settings").fetchone()[0]

    def table(label, sql, count_col):
        got = con.execute(sql).fetchall()
        cols = [d[0] for d in con.description]
        rows = [dict(zip(cols, r)) for r in got if not dict(zip(cols, r))["is_total"]]
        true_n = {r[0]: r[1] for r in con.execute(count_col).fetchall()}
        masked = sum(1 for r in rows if r["is_masked"])
        primary = sum(1 for r in rows if 0 < true_n.get(r["value"], 0) < thr)
        out[label] = (masked, primary, len(rows))

    table("mart_hours(operation) rows", "select * from mart_hours('operation')",
          "select operation_id, count(distinct participant_id) from int_hours_lines "
          "where participant_id is not null group by 1")
    table("mart_exits(operation) rows", "select * from mart_exits('operation')",
          "select dim_value, count(*) from int_participant_dimensions_all "
          "where dim = 'last_operation' and is_leaver group by 1")
    years = [r[0] for r in con.execute(
        "select distinct year from int_hours_lines where year is not null order by 1").fetchall()]
    for mart, col in (("mart_hours", "n_participants"), ("mart_exits", "n_leavers")):
        masked = [y for y in years if con.execute(
            f"select is_masked from {mart}('total', year_from := {y}, year_to := {y})").fetchone()[0]]
        out[f"{mart} year totals masked"] = (len(masked), 0, len(years))
    cut_rows = con.execute("""
        select count(*) filter (where is_masked), count(*) filter (where n > 0 and n < 5), count(*)
        from int_secrecy_cells where family = 'exits_end' and dim = 'total' and category = '*'
    """).fetchone()
    out["exits_end cut totals (leavers)"] = tuple(cut_rows)
    return out


def report(con) -> str:
    lines = [f"{'what':40} {'masked':>8} {'primary':>8} {'of':>8}"]
    for k, (m, p, n) in measure(con).items():
        lines.append(f"{k:40} {m:>8} {p:>8} {n:>8}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(duckdb.connect(sys.argv[1], read_only=True)))
