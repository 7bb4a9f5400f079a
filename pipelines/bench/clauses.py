"""`python -m pipelines.bench.clauses [--scale N] [--fresh]`: speed of the clause-export reader.

Generates (or reuses, in bench/out/cache/) the demo region at scale N (default 5), then times on
its facilitator exports, in the same run:
- baseline: the raw read of the same files with no mapping nor validation (DuckDB `read_csv`
  into a table for CSV, Windows-1252 files transcoded to UTF-8 beforehand, untimed; openpyxl's
  read-only row iteration for XLSX);
- ours: `ingest_clause_file` (dialect detection, header mapping, privacy, pseudonymisation,
  validation, quarantine, duplicates) into a fresh in-memory database.
Prints one row per format with records/s and the ratio to the baseline (CPU time).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.settings import PROJECT_ROOT

CACHE = PROJECT_ROOT / "bench" / "out" / "cache"


def _demo(scale: int, fresh: bool) -> Path:
    from pipelines.demo import generate

    out = CACHE / f"demo_scale{scale}"
    if fresh and out.exists():
        shutil.rmtree(out)
    if not (out / "demo.json").exists():
        print(f"génération de la démo à l'échelle {scale} dans {out} ...", file=sys.stderr)
        generate(out, scale=scale)
    return out


def _baseline(files: list[Path], tmp: Path) -> tuple[int, float]:
    from openpyxl import load_workbook

    from pipelines.clauses.source import decode

    utf8 = []
    for i, f in enumerate(files):   # DuckDB reads UTF-8: Windows-1252 files are transcoded first (untimed)
        if f.suffix == ".csv":
            text, _ = decode(f.read_bytes())
            (tmp / f"{i}.csv").write_text(text, encoding="utf-8")
            utf8.append(tmp / f"{i}.csv")
        else:
            utf8.append(f)
    con = duckdb.connect()
    n = 0
    t = time.process_time()
    for i, f in enumerate(utf8):
        if f.suffix == ".xlsx":
            wb = load_workbook(f, read_only=True, data_only=True)
            n += sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
            wb.close()
        else:
            con.execute(f"create table t{i} as select * from read_csv('{f.as_posix()}', header = true, "
                        "all_varchar = true)")
            n += con.execute(f"select count(*) from t{i}").fetchone()[0]
    return n, time.process_time() - t


def _ours(files: list[Path]) -> tuple[int, float]:
    from pipelines.clauses import ingest_clause_file
    from pipelines.context import BuildContext
    from pipelines.schema import create_all_tables

    con = duckdb.connect()
    create_all_tables(con)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = BuildContext(salt_path=Path(tmp) / "salt")
        n = 0
        t = time.process_time()
        for f in files:
            n += ingest_clause_file(con, f, ctx).n_read
        return n, time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench.clauses")
    p.add_argument("--scale", type=int, default=5)
    p.add_argument("--fresh", action="store_true", help="regenerate the demo files")
    args = p.parse_args(argv)
    folder = _demo(args.scale, args.fresh) / "clauses"
    groups = {"csv": sorted(folder.glob("*.csv")), "xlsx": sorted(folder.glob("*.xlsx"))}
    rows = [("format", "fichiers", "lignes", "base (s CPU)", "nous (s CPU)", "lignes/s", "ratio")]
    for fmt, files in groups.items():
        with tempfile.TemporaryDirectory() as tmp:
            nb, tb = _baseline(files, Path(tmp))
        no, to = _ours(files)
        rows.append((fmt, str(len(files)), f"{no:,}".replace(",", " "), f"{tb:.2f}", f"{to:.2f}",
                     f"{no / to:,.0f}".replace(",", " "), f"{to / tb:.1f}x" if tb else "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(r)))
        if j == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
