"""`python -m pipelines.bench marts [--scales 1,10] [--out bench/out] [--repeat 5] [--rebuild | --relayer]`

Builds the demo at each scale (`python -m pipelines demo` then `python -m pipelines build`, reused
when already built unless --rebuild) and prints, for each mart call a page makes, its median query
time and the ratio to a bare `count(*)` scan of the mart's base tables measured in the same run.
Targets: every mart under 100 ms at scale 1 and under 1 s at scale 10 (docs/marts.md records runs).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pipelines import settings, sql_layer

TARGET_MS = {1: 100.0, 10: 1000.0}
PROCUREMENT = ["contracts"]
PEOPLE = ["clause_hours", "clause_planned"]
BOTH = PROCUREMENT + PEOPLE

# (mart, call, base tables); {landlord} and {operation} are filled from the database
CALLS: list[tuple[str, str, list[str]]] = [
    ("mart_headlines", "mart_headlines()", BOTH),
    ("mart_headlines", "mart_headlines(year_from := 2024, year_to := 2024, departement := '59')", BOTH),
    ("mart_contract_share", "mart_contract_share('year')", PROCUREMENT),
    ("mart_contract_share", "mart_contract_share('epci', year_from := 2024, sector := 'works')", PROCUREMENT),
    ("mart_contract_list", "mart_contract_list(social_status := 'clause')", BOTH),
    ("mart_declared_vs_executed", "mart_declared_vs_executed()", BOTH),
    ("mart_declared_vs_executed_list", "mart_declared_vs_executed_list(status := 'declared_no_execution')", BOTH),
    ("mart_hours", "mart_hours('trade')", PEOPLE),
    ("mart_hours", "mart_hours('public', operation := '{operation}')", PEOPLE),
    ("mart_hours", "mart_hours('residence_commune', departement := '59')", PEOPLE),
    ("mart_participants", "mart_participants('gender')", PEOPLE),
    ("mart_participants", "mart_participants('operation')", PEOPLE),
    ("mart_exits", "mart_exits('operation')", PEOPLE),
    ("mart_exits", "mart_exits('public', timepoint := '6m', durable_definition := 'strict')", PEOPLE),
    ("mart_landlord_benchmark", "mart_landlord_benchmark(viewer := '{landlord}')", BOTH),
    ("mart_landlord_position", "mart_landlord_position('{landlord}')", BOTH),
    ("mart_targets", "mart_targets()", PEOPLE),
    ("mart_custom_targets", "mart_custom_targets()", PEOPLE + ["targets"]),
    ("mart_hours_grid", "mart_hours_grid(1000000, 'masonry', 0.05)", PEOPLE),
    ("mart_hours_grid_defaults", "mart_hours_grid_defaults", PEOPLE),
    ("mart_ingest_log", "mart_ingest_log", ["ingest_log"]),
    ("mart_rejects_by_reason", "mart_rejects_by_reason", ["rejects"]),
    ("mart_unknown_territories", "mart_unknown_territories", PROCUREMENT),
    ("mart_filter_options", "mart_filter_options", BOTH),
    ("mart_build_info", "mart_build_info", ["build_info"]),
    # the search box (target < 200 ms at scale 10: pipelines/bench/pages.py measures it in the page)
    ("mart_search", "mart_search('aubepine habiat')", ["int_search_words"]),
    ("mart_search", "mart_search('rehabilitation logements tilleuls')", ["int_search_words"]),
    ("mart_search", "mart_search('27832116192233')", ["int_search_words"]),
    ("mart_search", "mart_search('moulin lile', execution_keys := [])", ["int_search_words"]),
]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench marts")
    p.add_argument("--scales", default="1,10", help="demo scales, comma-separated (default 1,10)")
    p.add_argument("--out", default=str(settings.PROJECT_ROOT / "bench" / "out"), help="work folder")
    p.add_argument("--repeat", type=int, default=5, help="runs per query (median kept)")
    p.add_argument("--rebuild", action="store_true", help="regenerate the demo and rebuild the database")
    p.add_argument("--relayer", action="store_true",
                   help="recreate only the SQL layer on databases already built (measures SQL changes fast)")
    return p


def _run(cmd: list[str]) -> None:
    started = time.perf_counter()
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=settings.PROJECT_ROOT, stdout=subprocess.DEVNULL)
    print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)


def build_demo(out: Path, scale: int, rebuild: bool) -> Path:
    """Generate the demo at `scale` and build its database; return the database path."""
    demo, db = out / f"demo-s{scale}", out / f"demo-s{scale}.duckdb"
    if rebuild or not (demo / "demo.json").exists():
        _run([sys.executable, "-m", "pipelines", "demo", "--out", str(demo), "--scale", str(scale)])
    if rebuild or not db.exists():
        _run([sys.executable, "-m", "pipelines", "build", "--db", str(db), "--decp", str(demo / "decp"),
              "--clauses", str(demo / "clauses"), "--buyers", str(demo / "acheteurs.csv"),
              "--targets", str(demo / "objectifs.csv")])
    return db


def _median_ms(con, sql: str, repeat: int) -> tuple[float, int]:
    con.execute(sql).fetchall()  # warm-up (catalog, caches)
    times, n = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        n = len(con.execute(sql).fetchall())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), n


def bench_database(db: Path, scale: int, repeat: int) -> list[dict]:
    """Time every mart call of CALLS on `db`; one result dict per call."""
    con = duckdb.connect(str(db), read_only=True)
    landlord = con.execute("select buyer_siret from int_hours_lines where buyer_type = 'landlord' "
                           "group by 1 order by count(*) desc limit 1").fetchone()
    operation = con.execute("select operation_id from int_hours_lines where operation_id is not null "
                            "group by 1 order by count(*) desc limit 1").fetchone()
    fill = {"landlord": landlord[0] if landlord else "", "operation": operation[0] if operation else ""}
    results = []
    for mart, call, tables in CALLS:
        call = call.format(**fill)
        baseline = " union all ".join(f"select count(*) from {t}" for t in tables)
        base_ms, _ = _median_ms(con, baseline, repeat)
        ms, n = _median_ms(con, f"select * from {call}", repeat)
        results.append({"scale": scale, "mart": mart, "call": call, "rows": n, "ms": ms,
                        "baseline_ms": base_ms, "ratio": ms / base_ms if base_ms else float("nan"),
                        "ok": ms < TARGET_MS.get(scale, TARGET_MS[10])})
    con.close()
    return results


def print_table(results: list[dict]) -> None:
    header = f"{'scale':>5}  {'call':<78} {'rows':>6} {'ms':>9} {'count(*) ms':>11} {'ratio':>8}  target"
    print(header)
    print("-" * len(header))
    for r in results:
        target = TARGET_MS.get(r["scale"], TARGET_MS[10])
        call = r["call"] if len(r["call"]) <= 78 else r["call"][:75] + "..."
        print(f"{r['scale']:>5}  {call:<78} {r['rows']:>6} {r['ms']:>9.1f} {r['baseline_ms']:>11.2f} "
              f"{r['ratio']:>8.1f}  {'ok' if r['ok'] else 'SLOW'} (< {target:.0f} ms)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in [int(s) for s in args.scales.split(",") if s.strip()]:
        db = build_demo(out, scale, args.rebuild)
        if args.relayer and not args.rebuild:
            started = time.perf_counter()
            # on a copy swapped in afterwards: readers (a dashboard) may hold the file open
            tmp = db.with_name(f"{db.name}.relayer-{os.getpid()}")
            shutil.copyfile(db, tmp)
            con = duckdb.connect(str(tmp))
            sql_layer.create_sql_layer(con)
            con.close()
            os.replace(tmp, db)
            print(f"SQL layer recreated on {db} ({time.perf_counter() - started:.1f} s)", flush=True)
        results += bench_database(db, scale, args.repeat)
    print_table(results)
    slow = [r for r in results if not r["ok"]]
    print(f"\n{len(results) - len(slow)}/{len(results)} calls within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
