"""`python -m pipelines.bench.clauses [--scale N] [--fresh] [--export-mb M] [--skip-demo]`: speed and
memory of the clause-export reader.

Generates (or reuses, in bench/out/cache/) the demo region at scale N (default 5), then times on
its facilitator exports, in the same run:
- baseline: the raw read of the same files with no mapping nor validation (DuckDB `read_csv`
  into a table for CSV, Windows-1252 files transcoded to UTF-8 beforehand, untimed; openpyxl's
  read-only row iteration for XLSX);
- ours: `ingest_clause_file` (dialect detection, header mapping, privacy, pseudonymisation,
  validation, quarantine, duplicates) into a fresh in-memory database.
Prints one row per format with records/s and the ratio to the baseline (CPU time).

Then (unless `--export-mb 0`) a large export of M MB (default 500) is generated on the fly into a
temporary folder (deleted afterwards) and read twice, each time in its own subprocess so that its
peak memory (`resource.getrusage`, max RSS) is its own: the raw read (Python's `csv` module
iterating the rows) and ours (`ingest_clause_file` into a DuckDB file database, with the build's
memory limit, in one transaction as the build does). Prints time, rows/s, peak memory and both
ratios; the target is a peak under 1 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
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


EXPORT_HEADER = ["Identifiant participant", "Date de début", "Date de fin", "Nb heures réalisées",
                 "SIRET maître d'ouvrage", "N° marché", "Lot", "Sexe", "Année de naissance",
                 "Publics éligibles", "Type de contrat", "Situation à la sortie", "Commentaire du référent"]
_PUBLICS = ["DELD", "RSA", "DELD, RSA", "Jeune", "Senior", "RQTH", "QPV", "Réfugié"]
_CONTRACTS = ["Intérim", "CDDI", "CDD", "CDI", "Contrat de professionnalisation"]
_OUTCOMES = ["CDI", "CDD de 6 mois et plus", "En cours", "Formation", "Sans emploi", ""]
_COMMENTS = ["", "", "RAS", "Parcours suivi par la MDE ; bilan à 3 mois fait", "Relance de l'entreprise "
             "prévue, heures à confirmer sur la prochaine période"]


def generate_export(path: Path, size_mb: float, seed: int = 7) -> int:
    """Write a facilitator export of about `size_mb` MB (UTF-8, `;`): every row distinct and valid,
    plus an ignored free-text column. Returns the number of data rows."""
    rnd = random.Random(seed)
    target = int(size_mb * 1_000_000)
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        written = f.write(";".join(EXPORT_HEADER) + "\n")
        block = []
        while written < target:
            n += 1
            month = rnd.randint(1, 12)
            day = rnd.randint(1, 28)
            year = rnd.randint(2019, 2025)
            line = (f"MDE-{n:08d};{day:02d}/{month:02d}/{year};{min(day + 2, 28):02d}/{month:02d}/{year};"
                    f"{rnd.randint(1, 9)},{rnd.randint(0, 9)};21590350000013;{year}-{rnd.randint(1, 400):03d};"
                    f"{rnd.randint(1, 12)};{rnd.choice(('Femme', 'Homme', 'F', 'M'))};{rnd.randint(1960, 2004)};"
                    f"{rnd.choice(_PUBLICS)};{rnd.choice(_CONTRACTS)};{rnd.choice(_OUTCOMES)};"
                    f"{rnd.choice(_COMMENTS)}\n")
            block.append(line)
            written += len(line.encode("utf-8"))
            if len(block) >= 10_000:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    return n


def _child_raw(path: str) -> dict:
    import csv

    t, c = time.perf_counter(), time.process_time()
    n = 0
    with open(path, encoding="utf-8", newline="") as f:
        for _ in csv.reader(f, delimiter=";"):
            n += 1
    return {"rows": n - 1, "wall": time.perf_counter() - t, "cpu": time.process_time() - c}


def _child_ours(path: str) -> dict:
    from pipelines import settings
    from pipelines.clauses import ingest_clause_file
    from pipelines.context import BuildContext
    from pipelines.schema import create_all_tables

    folder = Path(path).parent
    con = duckdb.connect(str(folder / "bench.duckdb"))
    con.execute(f"set memory_limit = '{settings.get('build_memory_limit')}'")
    con.execute(f"set temp_directory = '{(folder / 'duckdb_tmp').as_posix()}'")
    create_all_tables(con)
    ctx = BuildContext(region_code="32", salt_path=folder / "salt")
    t, c = time.perf_counter(), time.process_time()
    con.execute("begin transaction")
    r = ingest_clause_file(con, Path(path), ctx)
    con.execute("commit")
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    loaded = con.execute("select count(*) from clause_hours").fetchone()[0]
    con.close()
    return {"rows": r.n_read, "loaded": r.n_loaded, "db_rows": loaded, "rejected": r.n_rejected,
            "wall": wall, "cpu": cpu}


def _measure(which: str, path: Path) -> dict:
    """Run one read in a fresh interpreter; its result and its own peak RSS (bytes)."""
    code = ("import json, resource, sys\n"
            "from pipelines.bench import clauses as b\n"
            f"r = b._child_{which}(sys.argv[1])\n"
            "r['peak'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
            "print(json.dumps(r))\n")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                         cwd=str(PROJECT_ROOT))
    if out.returncode != 0:
        raise RuntimeError(f"bench {which} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fr(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}".replace(",", " ").replace(".", ",")


def export_bench(size_mb: float) -> list[tuple]:
    """Generate an export of `size_mb` MB in a temporary folder, read it raw and ours; table rows."""
    with tempfile.TemporaryDirectory(prefix="bench_clauses_") as tmp:
        path = Path(tmp) / "export.csv"
        print(f"génération d'un export de {size_mb:g} Mo dans {tmp} ...", file=sys.stderr)
        n = generate_export(path, size_mb)
        size = path.stat().st_size
        raw = _measure("raw", path)
        ours = _measure("ours", path)
    if ours["rows"] != n or raw["rows"] != n:
        raise RuntimeError(f"bench: {n} rows written, {raw['rows']} read raw, {ours['rows']} read by us")
    head = ("lecture", "taille", "lignes", "s (mur)", "s CPU", "lignes/s", "pic mémoire", "ratio temps",
            "ratio mémoire")
    mb = _fr(size / 1e6, 0) + " Mo"
    rows = [head]
    for name, r in (("brute (module csv)", raw), ("nous (ingest_clause_file)", ours)):
        rows.append((name, mb, f"{r['rows']:,}".replace(",", " "), _fr(r["wall"]), _fr(r["cpu"]),
                     f"{r['rows'] / r['wall']:,.0f}".replace(",", " "), _fr(r["peak"] / 1e6, 0) + " Mo",
                     _fr(r["wall"] / raw["wall"]) + "x", _fr(r["peak"] / raw["peak"]) + "x"))
    verdict = "tenu" if ours["peak"] < 1e9 else "DÉPASSÉ"
    rows.append(("objectif : pic < 1 Go", "", f"{ours['loaded']:,}".replace(",", " ") + " chargées", "", "",
                 "", verdict, "", ""))
    return rows


def _print(rows: list[tuple]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(r)))
        if j == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench.clauses")
    p.add_argument("--scale", type=int, default=5)
    p.add_argument("--fresh", action="store_true", help="regenerate the demo files")
    p.add_argument("--export-mb", type=float, default=500,
                   help="size of the generated large export, in MB (0: skip it)")
    p.add_argument("--skip-demo", action="store_true", help="only the large export")
    args = p.parse_args(argv)
    if not args.skip_demo:
        _demo_bench(args.scale, args.fresh)
    if args.export_mb > 0:
        if not args.skip_demo:
            print()
        _print(export_bench(args.export_mb))
    return 0


def _demo_bench(scale: int, fresh: bool) -> None:
    folder = _demo(scale, fresh) / "clauses"
    groups = {"csv": sorted(folder.glob("*.csv")), "xlsx": sorted(folder.glob("*.xlsx"))}
    rows = [("format", "fichiers", "lignes", "base (s CPU)", "nous (s CPU)", "lignes/s", "ratio")]
    for fmt, files in groups.items():
        with tempfile.TemporaryDirectory() as tmp:
            nb, tb = _baseline(files, Path(tmp))
        no, to = _ours(files)
        rows.append((fmt, str(len(files)), f"{no:,}".replace(",", " "), f"{tb:.2f}", f"{to:.2f}",
                     f"{no / to:,.0f}".replace(",", " "), f"{to / tb:.1f}x" if tb else "-"))
    _print(rows)


if __name__ == "__main__":
    sys.exit(main())
