"""`python -m pipelines.bench consolidated [--rows N] [--fresh] [--no-marts]`

Generates (or reuses, in bench/out/cache/) a consolidated national DECP file in both formats,
`decp.parquet` (zstd) and `decp.csv`, of N rows (default 3 300 000, the national file's size), with
realistic shares: one row per contract x titulaire x modification (about 1,8 rows per contract),
about half the rows with no social field (2019-format records), "Sans objet" for most of the others,
1 % suspect and 0,3 % aberrant amounts, 1 % SIAE titulaires, places all over France (about 9 % in
Hauts-de-France), a few nonsense places (buyer-location fallback), 0,5 % exact duplicate rows, and the
full column set of the published file (about 80 columns, most of them unread by the project).

Then, each in a child process whose peak memory (RSS) is measured:
- baselines: DuckDB's bare `create table raw as select * from read_parquet(...)` and
  `... read_csv(...)` of the same files into a database (same `memory_limit` as the build);
- ours: the ingestion (`ingest_decp_file` + `build_contracts`: reading, normalisation, quarantine,
  collapse into `contracts`) of the parquet file for all regions and for Hauts-de-France, and of the
  CSV file for all regions;
- for information: the whole `python -m pipelines build` (reference tables and SQL layer included)
  on the parquet file, all regions; its database serves the marts timing.
Prints time, CPU time, peak memory and the ratio to the bare read. Targets: parquet <= 3x its bare
read and under 90 s for all regions, CSV <= 3x its bare read, peak < 2 GB. Then (unless --no-marts)
times the procurement marts on the all-regions database (pipelines.bench.marts, target 1 s).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines import settings
from pipelines.bench import run_in_child
from pipelines.settings import PROJECT_ROOT

CACHE = PROJECT_ROOT / "bench" / "out" / "cache"
TARGET_RATIO = 3.0
TARGET_PARQUET_ALL_S = 90.0
TARGET_PEAK_MB = 2048
N_ROWS = 3_300_000

# Columns of the published file that the project does not read, with a generated filler expression
# (`i` is the row number): they make the bare read of the same file honest.
FILLER = {
    "type": "['Travaux', 'Services', 'Fournitures'][1 + i % 3]",
    "dureeRestanteMois": "(i % 40)::double",
    "offresRecues": "(i % 9)::bigint",
    "formePrix": "['Unitaire', 'Forfaitaire', 'Mixte'][1 + i % 3]",
    "typesPrix": "['Définitif ferme', 'Définitif révisable', 'Définitif actualisable, Provisoire'][1 + i % 3]",
    "attributionAvance": "i % 3 = 0", "tauxAvance": "case when i % 3 = 0 then 0.05 end",
    "marcheInnovant": "i % 50 = 0",
    "modalitesExecution": "['Bons de commande', 'Tranches', null][1 + i % 3]",
    "considerationsEnvironnementales": "['Sans objet', 'Clause environnementale', null][1 + i % 3]",
    "ccag": "['Travaux', 'Fournitures courantes et services', null][1 + i % 3]",
    "sousTraitanceDeclaree": "i % 4 = 0", "typeGroupementOperateurs": "['Conjoint', 'Solidaire', null][1 + i % 3]",
    "origineUE": "null::double", "origineFrance": "null::double", "idAccordCadre": "null::varchar",
    "titulaire_distance": "(i % 300)::bigint", "acheteur_commune_nom": "'Commune ' || (i % 5000)",
    "acheteur_departement_nom": "'Département'", "acheteur_region_code": "'32'", "acheteur_region_nom": "'Région'",
    "acheteur_latitude": "50.6 + (i % 100) / 1000.0", "acheteur_longitude": "3.0 + (i % 100) / 1000.0",
    "titulaire_categorie": "['PME', 'ETI', 'GE'][1 + i % 3]", "titulaire_commune_code": "'59350'",
    "titulaire_commune_nom": "'Lille'", "titulaire_departement_code": "'59'", "titulaire_departement_nom": "'Nord'",
    "titulaire_region_code": "'32'", "titulaire_region_nom": "'Hauts-de-France'",
    "titulaire_latitude": "50.63", "titulaire_longitude": "3.06", "titulaire_activite_code": "'43.99C'",
    "titulaire_nom": "'ENTREPRISE ' || (i % 200000)", "sourceDataset": "['decp_aife', 'marches_securises', 'megalis'][1 + i % 3]",
    "sourceFile": "'https://www.data.gouv.fr/fr/datasets/r/' || (i % 97)", "montant_rationalise": "null::double",
    "acheteur_labels": "case when i % 30 = 0 then 'Achats responsables' end",
}


def generate(parquet: Path, csv: Path, n_rows: int, seed: int = 7) -> None:
    """Write both files with DuckDB (vectorised): contracts x titulaires x modifications."""
    import duckdb

    from pipelines.reference import load_reference_tables
    from pipelines.schema import create_all_tables

    con = duckdb.connect()
    con.execute(f"set memory_limit = '{settings.get('build_memory_limit')}'")
    create_all_tables(con)
    load_reference_tables(con)
    con.execute(f"select setseed({seed / 100})")
    # places: communes all over France; 9 % in Hauts-de-France as in the national file
    con.execute("""create temp table places as
        select row_number() over () - 1 as p, commune_code, region_code,
               (select min(postcode) from ref_postcodes pc where pc.commune_code = c.commune_code) as postcode
        from ((select * from ref_communes where region_code = '32' order by hash(commune_code) limit 450)
              union all
              (select * from ref_communes where region_code <> '32' order by hash(commune_code) limit 4550)) c""")
    n_contracts = max(1, int(n_rows / 1.8))
    con.execute(f"""create temp table rows_ as
    with c as (
        select i as c, (i % 100000) as b,
               case when hash(i, 1) % 10 < 7 then 1 when hash(i, 1) % 10 < 9 then 2 else 3 end as n_tit,
               case when hash(i, 2) % 20 < 15 then 1 when hash(i, 2) % 20 < 19 then 2 else 3 end as n_mod
        from range({n_contracts}) t(i)
    ),
    t as (select *, unnest(range(n_tit)) as ti from c),
    m as (select *, unnest(range(n_mod)) as mi from t)
    select row_number() over (order by c, mi, ti) - 1 as i, * from m
    order by c, mi, ti
    limit {n_rows}""")
    filler = ",\n        ".join(f"{expr} as \"{name}\"" for name, expr in FILLER.items())
    con.execute(f"""create temp table decp as
    select
        ('2' || lpad((b * 7919 % 10000000000000)::varchar, 13, '0')) || ('C' || c) as uid,
        'C' || c as id,
        case when c % 40 = 0 then 'Marché de partenariat' else 'Marché' end as nature,
        '2' || lpad((b * 7919 % 10000000000000)::varchar, 13, '0') as acheteur_id,
        'ACHETEUR ' || b as acheteur_nom,
        lpad(((c * 31 + ti) * 104729 % 100000000000000)::varchar, 14, '0') as titulaire_id,
        'SIRET' as titulaire_typeIdentifiant,
        'Travaux de rénovation du bâtiment ' || c || ' - lot ' || (c % 12) as objet,
        case when c % 113 = 0 then 1e17 else round(25000 + (hash(c, mi) % 3000000), 2) + mi * 5000 end::double as montant,
        ['45442100-8', '45000000', '77310000', '90910000', '71000000', '79000000', '30190000', '9134100',
         '50700000', '45262522'][1 + c % 10] as codeCPV,
        ['Procédure adaptée', 'Appel d''offres ouvert', 'Appel d''offres restreint',
         'Marché passé sans publicité ni mise en concurrence préalable', 'Procédure avec négociation'][1 + c % 5] as procedure,
        case when c % 4 = 0 then 'Accord-cadre' end as techniques,
        (1 + c % 48 + mi * 6)::bigint as dureeMois,
        (date '2019-01-01' + (((c * 37) % 2500) + mi * 90)::integer) as dateNotification,
        (date '2019-01-10' + (((c * 37) % 2500) + mi * 90)::integer) as datePublicationDonnees,
        case when c % 2 = 0 then null
             else ['Sans objet', 'Sans objet', 'Sans objet', 'Sans objet', 'Sans objet', 'Sans objet',
                   'Clause sociale', 'Clause sociale', 'Critère social', 'Clause sociale, Critère social',
                   'Marché réservé', 'Sans objet'][1 + (c // 2) % 12] end as considerationsSociales,
        case when c % 50 = 0 then 'FRK26' when c % 3 = 1 then p.postcode else p.commune_code end as lieuExecution_code,
        case when c % 50 = 0 then 'Code région' when c % 3 = 1 then 'Code postal' else 'Code commune' end
            as lieuExecution_typeCode,
        mi::bigint as modification_id,
        mi = n_mod - 1 as donneesActuelles,
        case when c % 100 = 7 then 'suspect' when c % 1000 < 3 then 'aberrant' end as montant_anomalie,
        case when c % 100 = 7 then 'écart aux marchés comparables' end as montant_anomalie_raisons,
        case when (c + ti) % 100 = 0 then 'SIAE, ESS' when (c + ti) % 17 = 0 then 'RGE' end as titulaire_labels,
        ['Commune', 'Groupement de communes', 'Département', 'EPIC', 'Établissement hospitalier', null][1 + b % 6]
            as acheteur_categorie,
        bp.commune_code as acheteur_commune_code,
        left(bp.commune_code, 2) as acheteur_departement_code,
        {filler}
    from rows_ r
    join places p on p.p = r.c % 5000
    join places bp on bp.p = r.b % 5000""")
    # 0.5 % exact duplicate rows, as republications leave them
    con.execute("insert into decp select * from decp where hash(uid, titulaire_id, modification_id) % 200 = 0 "
                f"limit greatest(0, {n_rows} // 200)")
    con.execute(f"create temp table decp_n as select * from decp order by uid, modification_id limit {n_rows}")
    for path, opts in ((parquet, "format parquet, compression zstd"), (csv, "format csv, header true, delimiter ','")):
        tmp = path.with_name(path.name + ".part")
        con.execute(f"copy decp_n to '{tmp}' ({opts})")
        tmp.replace(path)
    con.close()


def child_bare(path: str, kind: str) -> dict:
    import duckdb

    db = Path(path).with_suffix(f".bare-{kind}.duckdb")
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute(f"set memory_limit = '{settings.get('build_memory_limit')}'")
    t = time.perf_counter()
    reader = f"read_parquet('{path}')" if kind == "parquet" else f"read_csv('{path}')"
    con.execute(f"create table raw as select * from {reader}")
    n = con.execute("select count(*) from raw").fetchall()[0][0]
    con.execute("checkpoint")
    seconds = time.perf_counter() - t
    con.close()
    db.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": n}


def child_ingest(path: str, region: str) -> dict:
    """Ours, the ingestion proper: ingest_decp_file + build_contracts into a fresh database (the
    reference tables loaded before the clock starts), as `pipelines.bench ingest` measures it."""
    import duckdb

    from pipelines.build import configure_connection
    from pipelines.buyers import BuyersRegister
    from pipelines.context import BuildContext
    from pipelines.decp import build_contracts, ingest_decp_file
    from pipelines.reference import load_reference, load_reference_tables
    from pipelines.schema import create_all_tables

    db = Path(path).with_name(Path(path).name + f".ingest-{region}.duckdb")
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    configure_connection(con)
    create_all_tables(con)
    load_reference_tables(con)
    ctx = BuildContext(region_code=None if region == "all" else region, reference=load_reference(con),
                       buyers=BuyersRegister())
    t = time.perf_counter()
    con.execute("begin transaction")
    r = ingest_decp_file(con, Path(path), ctx)
    con.execute("commit")
    t_read = time.perf_counter() - t
    n = build_contracts(con, ctx)
    con.execute("checkpoint")
    seconds = time.perf_counter() - t
    con.close()
    db.unlink(missing_ok=True)
    return {"seconds": seconds, "read_seconds": t_read, "rows": r.n_read, "loaded": r.n_loaded,
            "rejected": r.n_rejected, "duplicates": r.n_duplicates, "out_of_region": r.n_out_of_region,
            "contracts_loaded": r.n_contracts, "contracts": n, "status": 0}


def child_build(path: str, region: str) -> dict:
    import contextlib
    import io

    import duckdb

    from pipelines.build import main as build_main

    db = Path(path).with_name(Path(path).name + f".{region}.duckdb")
    t = time.perf_counter()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = build_main(["--db", str(db), "--decp", path, "--no-progress",
                             *(["--all-regions"] if region == "all" else ["--region", region])])
    seconds = time.perf_counter() - t
    if status != 0:  # the build said why on its output: give its last lines, not "no database"
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        return {"error": f"la construction a échoué (code {status}) : " + " | ".join(lines[-5:])}
    con = duckdb.connect(str(db), read_only=True)
    log = con.execute("select n_read, n_loaded, n_rejected, n_duplicates, n_out_of_region, n_contracts, status "
                      "from ingest_log").fetchall()[0]
    n = con.execute("select count(*) from contracts").fetchall()[0][0]
    con.close()
    return {"seconds": seconds, "status": status, "rows": log[0], "loaded": log[1], "rejected": log[2],
            "duplicates": log[3], "out_of_region": log[4], "contracts_loaded": log[5], "log_status": log[6],
            "contracts": n, "db": str(db)}


def run_child(func: str, *args: str) -> dict:
    """One measurement of this module in a fresh process (peak memory and CPU of its own)."""
    return run_in_child("pipelines.bench.consolidated", func, *args)


def _fmt_int(n) -> str:
    return f"{n:,}".replace(",", " ")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench consolidated")
    p.add_argument("--rows", type=int, default=N_ROWS, help="rows of the generated file (default 3 300 000)")
    p.add_argument("--fresh", action="store_true", help="regenerate the files even if cached")
    p.add_argument("--no-marts", action="store_true", help="skip the marts timing on the all-regions base")
    args = p.parse_args(argv or [])
    CACHE.mkdir(parents=True, exist_ok=True)
    parquet = CACHE / f"decp_consolide_{args.rows}.parquet"
    csv = CACHE / f"decp_consolide_{args.rows}.csv"
    if args.fresh or not (parquet.exists() and csv.exists()):
        t = time.perf_counter()
        print(f"génération de {parquet.name} et {csv.name} ({_fmt_int(args.rows)} lignes)…", flush=True)
        generate(parquet, csv, args.rows)
        print(f"  {time.perf_counter() - t:.1f} s ; parquet {parquet.stat().st_size / 1e6:.0f} Mo, "
              f"csv {csv.stat().st_size / 1e6:.0f} Mo", flush=True)
    runs = [
        ("bare read_parquet (create table as select *)", "child_bare", (str(parquet), "parquet"), None),
        ("ours: ingest parquet, all regions", "child_ingest", (str(parquet), "all"), "parquet"),
        ("ours: ingest parquet, Hauts-de-France", "child_ingest", (str(parquet), "32"), "parquet"),
        ("bare read_csv (create table as select *)", "child_bare", (str(csv), "csv"), None),
        ("ours: ingest csv, all regions", "child_ingest", (str(csv), "all"), "csv"),
        ("for information: whole build (python -m pipelines build), parquet, all regions", "child_build",
         (str(parquet), "all"), "parquet"),
    ]
    results, bare, ok = [], {}, True
    for label, func, fargs, base in runs:
        print(f"… {label}", flush=True)
        r = run_child(func, *fargs)
        if "error" in r:
            print(f"  erreur : {r['error']}")
            ok = False
            continue
        if base is None:
            bare[fargs[1]] = r
        ratio = r["seconds"] / bare[base]["seconds"] if base and base in bare else 1.0
        cpu_ratio = (r["cpu_seconds"] / bare[base]["cpu_seconds"]
                     if base and base in bare and bare[base]["cpu_seconds"] else 1.0)
        results.append((label, r, ratio, cpu_ratio, base))
    print()
    # the CPU ratio is the steadier figure on a machine shared with other work (wall times inflate)
    print("| measure | seconds | CPU s | peak MB | ratio (wall) | ratio (CPU) | rows -> contracts |")
    print("|---|---:|---:|---:|---:|---:|---|")
    all_db = None
    for label, r, ratio, cpu_ratio, base in results:
        detail = ""
        if "contracts" in r:
            detail = (f"{_fmt_int(r['rows'])} read = {_fmt_int(r['loaded'])} loaded + {_fmt_int(r['rejected'])} "
                      f"rejected + {_fmt_int(r['duplicates'])} dup. + {_fmt_int(r['out_of_region'])} out of region "
                      f"-> {_fmt_int(r['contracts'])} contracts")
            if "db" in r:
                all_db = r["db"]          # the whole build: informative, its base serves the marts
                ok &= r["status"] == 0
            else:
                if base == "parquet" and "all regions" in label:
                    ok &= r["seconds"] <= TARGET_PARQUET_ALL_S
                ok &= ratio <= TARGET_RATIO
        else:
            detail = f"{_fmt_int(r['rows'])} rows"
        ok &= r["peak_mb"] < TARGET_PEAK_MB
        print(f"| {label} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_mb']:.0f} | "
              f"{ratio:.2f} | {cpu_ratio:.2f} | {detail} |")
    print(f"\ntargets: ratio <= {TARGET_RATIO}, parquet all regions <= {TARGET_PARQUET_ALL_S:.0f} s, "
          f"peak < {TARGET_PEAK_MB} MB: {'met' if ok else 'NOT met'}")
    if all_db and not args.no_marts:
        from pipelines.bench.marts import bench_database, print_table

        print("\nmarts on the all-regions database (target 1 s):")
        try:
            marts = [m for m in bench_database(Path(all_db), 10, 3)]
            print_table(marts)
        except Exception as exc:  # noqa: BLE001 - reported, the ingest figures stand
            print(f"  marts non mesurés : {type(exc).__name__} : {str(exc).splitlines()[0]}")
    return 0 if ok else 1
