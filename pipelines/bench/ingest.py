"""`python -m pipelines.bench ingest [--records N] [--format 2019|2022] [--fresh]`

Generates (or reuses, in bench/out/cache/) a DECP JSON file of N records (default 1 000 000), then
times, each in a child process whose peak memory (RSS) is measured:
- baseline: DuckDB's own `read_json` of the same file into a table, no cleaning;
- ours: `ingest_decp_file` + `build_contracts` (detection, normalisation, territories, duplicates,
  versions collapse, quarantine) into a fresh database.
Prints records/s, peak memory and the ratio to the baseline. Targets: <= 3x, < 2 GB.
For information, DuckDB's fast path (the same records as newline-delimited JSON) is timed too.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from pipelines.bench import run_in_child
from pipelines.settings import PROJECT_ROOT

CACHE = PROJECT_ROOT / "bench" / "out" / "cache"
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 2048

PLACES = [("59350", "Code commune"), ("62000", "Code postal"), ("80000", "Code postal"),
          ("59", "Code département"), ("60057", "Code commune"), ("02691", "Code commune"),
          ("75056", "Code commune"), ("69123", "Code commune"), ("33000", "Code postal"),
          ("13", "Code département"), ("DEP", "Code département"), ("59046 CEDEX", "Code postal"),
          ("44109", "Code commune"), ("67482", "Code commune"), ("31555", "Code commune")]
CPVS = ["45442100-8", "45000000-7", "77310000-6", "90910000-9", "71000000-8", "79000000-4",
        "30190000-7", "9134100", "50700000-2", "45262522-6"]
PROCEDURES = ["Procédure adaptée", "Appel d'offres ouvert", "Appel d'offres restreint",
              "Marché passé sans publicité ni mise en concurrence préalable", "PROCEDURE ADAPTEE"]
SOCIAL = [["Pas de considération sociale"]] * 6 + [["Clause sociale"]] * 2 + [
    ["Critère social", "Clause sociale"], ["Marché réservé"]]


def generate(path: Path, n: int, fmt: str, seed: int = 7) -> None:
    """Write a realistic DECP file quickly (records built as dicts, one json.dumps each)."""
    rnd = random.Random(seed)
    tmp = path.with_suffix(".part")
    buyers = [f"{rnd.randrange(10**13, 10**14)}" for _ in range(5000)]
    with open(tmp, "w", encoding="utf-8") as f:
        f.write('{"marches": {"marche": [\n' if fmt == "2022" else '{"marches": [\n')
        prev = None
        for i in range(n):
            if prev is not None and i % 50 == 0:
                line = prev                       # an exact duplicate now and then
            else:
                code, type_code = PLACES[i % len(PLACES)]
                year = 2019 + i % 6 if fmt == "2022" else 2015 + i % 9
                rec = {
                    "id": f"{year}-{i // 3:07d}", "acheteur": {"id": buyers[i % len(buyers)],
                                                               "nom": f"COMMUNE DE TEST {i % 5000}"},
                    "nature": "Marché" if i % 4 else "Accord-cadre",
                    "objet": f"Travaux de rénovation du bâtiment {i} - lot {i % 12}",
                    "codeCPV": CPVS[i % len(CPVS)], "procedure": PROCEDURES[i % len(PROCEDURES)],
                    "lieuExecution": {"code": code, "typeCode": type_code, "nom": "Lieu"},
                    "dureeMois": (i % 48) + 1 if i % 97 else "NC",
                    "dateNotification": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "datePublicationDonnees": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}+01:00",
                    "montant": round(rnd.uniform(25000, 3_000_000), 2) if i % 113 else 1e17,
                    "formePrix": "Ferme",
                    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET",
                                                  "id": f"{rnd.randrange(10**13, 10**14)}"}}],
                    "modifications": [] if i % 7 else [{"modification": {
                        "id": 1, "montant": 50000.0, "dureeMois": 6,
                        "dateNotificationModification": f"{year}-12-01"}}],
                }
                if fmt == "2022":
                    rec["considerationsSociales"] = {"considerationSociale": SOCIAL[i % len(SOCIAL)]}
                line = json.dumps(rec, ensure_ascii=False)
                prev = line
            f.write(line if i == 0 else ",\n" + line)
        f.write("\n]}}\n" if fmt == "2022" else "\n]}\n")
    os.replace(tmp, path)


def child_baseline(path: str, fmt: str) -> dict:
    import duckdb

    con = duckdb.connect(str(Path(path).with_suffix(".baseline.duckdb")))
    prefix = "marches.marche" if fmt == "2022" else "marches"
    t = time.perf_counter()
    # no cleaning: the file's one top-level object, its list unnested into one row per record
    inner = "unnest(struct_extract(marches, 'marche'))" if fmt == "2022" else "unnest(marches)"
    con.execute(f"create or replace table raw as select {inner} as rec from read_json("
                f"'{path}', maximum_object_size = 4000000000, records = true)")
    n = con.execute("select count(*) from raw").fetchall()[0][0]
    con.execute("checkpoint")
    return {"seconds": time.perf_counter() - t, "records": n, "prefix": prefix}


def child_ndjson(path: str, fmt: str) -> dict:
    """DuckDB's fast path, for information: the same records as newline-delimited JSON."""
    import duckdb

    nd = Path(path).with_suffix(".ndjson")
    con = duckdb.connect(str(Path(path).with_suffix(".ndjson.duckdb")))
    t = time.perf_counter()
    con.execute(f"create or replace table raw as select * from read_json('{nd}', format = 'newline_delimited')")
    n = con.execute("select count(*) from raw").fetchall()[0][0]
    con.execute("checkpoint")
    return {"seconds": time.perf_counter() - t, "records": n}


def write_ndjson(path: Path) -> Path:
    """The generated file has one record per line: strip the envelope to get NDJSON."""
    nd = path.with_suffix(".ndjson")
    if not nd.exists() or nd.stat().st_mtime < path.stat().st_mtime:
        with open(path, "rb") as src, open(nd, "wb") as dst:
            for line in src:
                line = line.rstrip(b"\n").rstrip(b",")
                if line.startswith(b"{\"id\""):
                    dst.write(line + b"\n")
    return nd


def child_ours(path: str, fmt: str) -> dict:
    import duckdb

    from pipelines.build import configure_connection
    from pipelines.buyers import BuyersRegister
    from pipelines.context import BuildContext
    from pipelines.decp import build_contracts, ingest_decp_file
    from pipelines.reference import load_reference, load_reference_tables
    from pipelines.schema import create_all_tables

    db = Path(path).with_suffix(".ours.duckdb")
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    configure_connection(con)
    create_all_tables(con)
    load_reference_tables(con)
    ctx = BuildContext(region_code=None, reference=load_reference(con), buyers=BuyersRegister())
    t = time.perf_counter()
    r = ingest_decp_file(con, Path(path), ctx)
    t_read = time.perf_counter() - t
    n_contracts = build_contracts(con, ctx)
    con.execute("checkpoint")
    return {"seconds": time.perf_counter() - t, "read_seconds": t_read, "records": r.n_read,
            "loaded": r.n_loaded, "duplicates": r.n_duplicates, "rejected": r.n_rejected,
            "contracts": n_contracts}


def run_child(kind: str, path: Path, fmt: str) -> dict:
    """Run one measurement in a fresh process; adds its peak RSS in MB."""
    return run_in_child("pipelines.bench.ingest", f"child_{kind}", str(path), fmt)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench ingest")
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--format", choices=["2019", "2022"], default="2022")
    p.add_argument("--fresh", action="store_true", help="regenerate the file even if cached")
    args = p.parse_args(argv or [])
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"decp_{args.format}_{args.records}.json"
    if args.fresh or not path.exists():
        t = time.perf_counter()
        print(f"génération de {path.name} ({args.records:,} marchés)…".replace(",", " "), flush=True)
        generate(path, args.records, args.format)
        print(f"  généré en {time.perf_counter() - t:.1f} s", flush=True)
    size_mb = path.stat().st_size / 1e6
    write_ndjson(path)
    base = run_child("baseline", path, args.format)
    ours = run_child("ours", path, args.format)
    fast = run_child("ndjson", path, args.format)
    print(f"\nIngestion DECP : {path.name}, {size_mb:,.0f} Mo, {args.records:,} enregistrements".replace(",", " "))
    head = f"{'mesure':<44}{'secondes':>10}{'CPU s':>8}{'enr./s':>12}{'pic Mo':>9}{'ratio':>8}"
    print(head)
    print("-" * len(head))
    status = 0
    for label, r in [("référence : DuckDB read_json du même fichier", base),
                     ("observatoire : ingestion complète", ours),
                     ("pour information : DuckDB read_json NDJSON", fast)]:
        if "error" in r:
            print(f"{label:<44} erreur : {r['error']}")
            status = 1
            continue
        ratio = r["seconds"] / base["seconds"] if "seconds" in base else float("nan")
        print(f"{label:<44}{r['seconds']:>10.1f}{r['cpu_seconds']:>8.1f}{args.records / r['seconds']:>12,.0f}"
              f"{r['peak_mb']:>9,.0f}{ratio:>8.2f}".replace(",", " "))
    if "seconds" in ours and "seconds" in base:
        ratio = ours["seconds"] / base["seconds"]
        print(f"\n(dont lecture + normalisation {ours['read_seconds']:.1f} s ; chargés {ours['loaded']:,}, "
              f"doublons {ours['duplicates']:,}, contrats {ours['contracts']:,})".replace(",", " "))
        if "seconds" in fast:
            print(f"(contre le chemin rapide NDJSON de DuckDB, qui ne lit pas le même fichier : "
                  f"{ours['seconds'] / fast['seconds']:.1f}x)")
        ok_time, ok_mem = ratio <= TARGET_RATIO, ours["peak_mb"] < TARGET_PEAK_MB
        print(f"objectif temps <= {TARGET_RATIO:g}x : {'atteint' if ok_time else 'NON atteint'} ({ratio:.2f}x) ; "
              f"objectif mémoire < {TARGET_PEAK_MB} Mo : {'atteint' if ok_mem else 'NON atteint'} "
              f"({ours['peak_mb']:.0f} Mo)")
    return status


if __name__ == "__main__":
    sys.exit(main())
