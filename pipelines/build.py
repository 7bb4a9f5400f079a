"""`python -m pipelines build`: build the observatory database and swap it in atomically.

Flow (docs/data_model.md): new file `PATH.building-<pid>` -> all tables created empty ->
reference tables -> buyers register -> DECP files -> contracts (versions collapsed) -> clause files
-> targets -> SQL layer -> build_info -> checkpoint, close -> `os.replace` onto PATH.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.context import BuildContext, FileResult
from pipelines.errors import UnreadableFile
from pipelines.quarantine import Quarantine, file_sha256, write_ingest_log
from pipelines.schema import create_all_tables

DEMO_MARKER = "demo.json"
DEMO_LABEL = "données de démonstration"
REAL_LABEL = "données réelles"
DECP_SUFFIXES = {".json", ".xml", ".csv", ".parquet"}
CLAUSE_SUFFIXES = {".csv", ".xlsx", ".xls"}
APP_VERSION = "0.1.0"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m pipelines build",
                                description="Construit la base de l'observatoire.")
    p.add_argument("--db", default=settings.get("db_path"), help="chemin de la base DuckDB à produire")
    p.add_argument("--decp", nargs="+", action="extend", default=[], metavar="FICHIER_OU_DOSSIER",
                   help="fichiers DECP (JSON 2019/2022, XML, export CSV, fichier national consolidé parquet/CSV ; "
                        "format reconnu au contenu) ou dossiers (fichiers .json, .xml, .csv, .parquet)")
    p.add_argument("--clauses", nargs="+", action="extend", default=[], metavar="FICHIER_OU_DOSSIER",
                   help="exports des facilitateurs (.csv, .xlsx, .xls) ou dossiers")
    p.add_argument("--buyers", metavar="FICHIER", help="référentiel des acheteurs (CSV siret;nom;type)")
    p.add_argument("--targets", metavar="FICHIER", help="objectifs d'heures (CSV)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--region", default=None, help="code INSEE de la région (défaut : 32)")
    g.add_argument("--all-regions", action="store_true", help="garder les contrats de toutes les régions")
    p.add_argument("--no-progress", action="store_true", help="pas de barres de progression")
    return p.parse_args(argv)


def expand_inputs(paths: list[str], suffixes: set[str]) -> list[Path]:
    """Files given as such, plus the files with an expected suffix inside given folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                              and not f.name.startswith(".") and f.name != DEMO_MARKER))
        else:
            out.append(p)
    return out


def is_demo_input(path: Path) -> bool:
    """True when `demo.json` sits in the path's folder or in one of its 2 parents."""
    folder = path.resolve() if path.is_dir() else path.resolve().parent
    for candidate in [folder, *list(folder.parents)[:2]]:
        if (candidate / DEMO_MARKER).is_file():
            return True
    return False


def data_label(inputs: list[Path]) -> str:
    return DEMO_LABEL if inputs and all(is_demo_input(p) for p in inputs) else REAL_LABEL


def duplicate_names(files: list[Path]) -> list[str]:
    """File names given more than once: logs and rejects name files by their name alone."""
    seen: dict[str, int] = {}
    for f in files:
        seen[f.name] = seen.get(f.name, 0) + 1
    return sorted(n for n, k in seen.items() if k > 1)


class Summary:
    """Per-file outcomes, printed as a table at the end."""

    def __init__(self):
        self.rows: list[tuple] = []
        self.n_failed = 0

    def add(self, path: Path, kind: str, result: FileResult | None, status: str):
        r = result or FileResult()
        self.rows.append((path.name, kind, r.format or "-", r.n_read, r.n_loaded, r.n_rejected,
                          r.n_duplicates, r.n_out_of_region, status))
        if status == "failed":
            self.n_failed += 1

    def move_out_of_region(self, moved: dict[str, int]) -> None:
        """Records placed out of region through their buyer after their file was read."""
        for i, row in enumerate(self.rows):
            n = moved.get(row[0], 0) if row[1] == "decp" else 0
            if n:
                self.rows[i] = (*row[:4], row[4] - n, row[5], row[6], row[7] + n, row[8])

    def render(self) -> str:
        head = ("fichier", "type", "format", "lus", "chargés", "rejetés", "doublons", "hors région", "statut")
        rows = [head] + [tuple(str(c) for c in r) for r in self.rows]
        if len(self.rows) > 1:
            totals = [sum(r[i] for r in self.rows) for i in range(3, 8)]
            rows.append(("total", "", "", *map(str, totals), f"{self.n_failed} échec(s)"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = []
        for j, r in enumerate(rows):
            cells = [c.ljust(widths[i]) if i < 3 or i == 8 else c.rjust(widths[i]) for i, c in enumerate(r)]
            lines.append("  ".join(cells))
            if j == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def run_file(con, path: Path, kind: str, reader, ctx: BuildContext, summary: Summary) -> None:
    """Read one file in its own transaction; log it; a failure is one line and rolls back."""
    started = datetime.now()
    sha = None
    try:
        sha = file_sha256(path)
    except OSError:
        pass
    con.execute("begin transaction")
    try:
        if sha is None:
            raise UnreadableFile(path, "un fichier lisible", "fichier introuvable ou illisible")
        result = reader(con, path, ctx)
        kind = result.kind or kind
    except UnreadableFile as exc:
        con.execute("rollback")
        print(f"erreur : {exc}", file=sys.stderr)
        write_ingest_log(con, source_file=path.name, sha256=sha, kind=kind, result=None,
                         started_at=started, finished_at=datetime.now(), status="failed", message=str(exc))
        summary.add(path, kind, None, "failed")
        return
    except Exception as exc:  # a reader bug: one line, the file is marked failed, the build goes on
        con.execute("rollback")
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" à {Path(where.filename).name}:{where.lineno}" if where else ""
        detail = str(exc).splitlines()[0] if str(exc) else ""
        msg = f"{path.name} : erreur inattendue à la lecture ({type(exc).__name__}{at} : {detail})"
        print(f"erreur : {msg}", file=sys.stderr)
        write_ingest_log(con, source_file=path.name, sha256=sha, kind=kind, result=None,
                         started_at=started, finished_at=datetime.now(), status="failed", message=msg)
        summary.add(path, kind, None, "failed")
        return
    status = "warnings" if (result.warnings or result.n_rejected) else "ok"
    if not result.reconciles():
        result.warnings.append("comptes non réconciliés : lus != chargés + rejetés + doublons + hors région")
        status = "warnings"
    write_ingest_log(con, source_file=path.name, sha256=sha, kind=kind, result=result,
                     started_at=started, finished_at=datetime.now(), status=status,
                     message="; ".join(result.warnings) or None)
    con.execute("commit")
    for w in result.warnings:
        print(f"avertissement : {path.name} : {w}", file=sys.stderr)
    summary.add(path, kind, result, status)


def _load_buyers(ctx: BuildContext):
    from pipelines.buyers import load_buyers_register

    def reader(con, path, _ctx):
        q = Quarantine(con, path.name)
        register, result = load_buyers_register(con, path, q)
        q.flush()
        ctx.buyers = register
        return result
    return reader


def _remove_stale_builds(db: Path) -> None:
    """Delete `PATH.building-<pid>` files left by builds that were killed."""
    for f in db.parent.glob(db.name + ".building-*"):
        pid = f.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), 0)
                continue  # still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        f.unlink(missing_ok=True)


def step(ctx: BuildContext, label: str) -> None:
    """One line on stderr for a long step without its own progress bar (interactive runs only)."""
    if ctx.progress:
        print(f"… {label}", file=sys.stderr, flush=True)


def configure_connection(con) -> None:
    """Bound DuckDB's memory during the build (it spills to disk beyond the limit)."""
    con.execute(f"set memory_limit = '{settings.get('build_memory_limit')}'")


def build(args: argparse.Namespace) -> int:
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(db)
    tmp = db.with_name(f"{db.name}.building-{os.getpid()}")
    for f in (tmp, Path(str(tmp) + ".wal")):
        f.unlink(missing_ok=True)

    region = None if args.all_regions else (args.region or settings.get("region_code"))
    ctx = BuildContext(region_code=region, salt_path=Path(settings.get("salt_path")),
                       progress=not args.no_progress and sys.stderr.isatty())
    decp_files = expand_inputs(args.decp, DECP_SUFFIXES)
    clause_files = expand_inputs(args.clauses, CLAUSE_SUFFIXES)
    inputs = [Path(p) for p in [*args.decp, *args.clauses, args.buyers, args.targets] if p]
    clashes = duplicate_names([*decp_files, *clause_files,
                               *(Path(p) for p in (args.buyers, args.targets) if p)])
    if clashes:
        print(f"erreur : plusieurs fichiers d'entrée portent le même nom ({', '.join(clashes)}) ; "
              "le journal et la quarantaine désignent les fichiers par leur nom : renommez-les",
              file=sys.stderr)
        return 2
    summary = Summary()
    ok = False
    con = duckdb.connect(str(tmp))
    configure_connection(con)
    try:
        from pipelines.buyers import BuyersRegister
        from pipelines.reference import load_reference, load_reference_tables

        create_all_tables(con)
        load_reference_tables(con)
        ctx.reference = load_reference(con)
        if region is not None and region not in ctx.reference.regions:
            print(f"erreur : région inconnue {region!r} ; codes INSEE des régions : "
                  f"{', '.join(sorted(ctx.reference.regions))}", file=sys.stderr)
            return 2
        ctx.buyers = BuyersRegister()
        if args.buyers:
            run_file(con, Path(args.buyers), "buyers", _load_buyers(ctx), ctx, summary)

        from pipelines.decp import build_contracts, ingest_decp_file

        for path in decp_files:
            run_file(con, path, "decp", ingest_decp_file, ctx, summary)
        step(ctx, "regroupement des versions de chaque marché")
        build_contracts(con, ctx)
        summary.move_out_of_region(ctx.moved_out_of_region)

        from pipelines.clauses import ingest_clause_file
        from pipelines.sql_layer import create_sql_layer
        from pipelines.targets import load_targets

        for path in clause_files:
            run_file(con, path, "clauses", ingest_clause_file, ctx, summary)
        if args.targets:
            run_file(con, Path(args.targets), "targets", load_targets, ctx, summary)

        step(ctx, "couche SQL (staging, intermediate, marts)")
        create_sql_layer(con)

        info = {
            "built_at": datetime.now().isoformat(timespec="seconds"),
            "data_label": data_label(inputs),
            "region_code": region,
            "n_files": str(len(summary.rows)),
            "n_failed": str(summary.n_failed),
            "app_version": APP_VERSION,
        }
        con.execute("delete from build_info")
        con.executemany("insert into build_info values (?, ?)", list(info.items()))
        con.execute("checkpoint")
        con.close()
        os.replace(tmp, db)
        ok = True
    finally:
        if not ok:
            try:
                con.close()
            except Exception:
                pass
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)

    if summary.rows:
        print(summary.render())
    print(f"base écrite : {db} ({info['data_label']}, "
          f"{'toutes régions' if region is None else 'région ' + region})")
    if summary.n_failed:
        print(f"{summary.n_failed} fichier(s) en échec", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    return build(args)
