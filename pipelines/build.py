"""`python -m pipelines build`: build the observatory database and swap it in atomically.

Flow (docs/data_model.md): checks before any work (`--db` not a folder, its folder writable, one
build at a time per database: lock `PATH.lock`, the salt when there are clause files) -> new file
`PATH.building-<pid>` -> all tables created empty -> reference tables -> buyers register -> DECP
files -> contracts (versions collapsed) -> clause files -> targets -> SQL layer -> build_info ->
checkpoint, close -> `os.replace` onto PATH, only when no file and no step failed (or
`--accept-failures` for failed files). A failed candidate is kept as `PATH.failed-<date>` (the last
`failed_builds_kept`); the served database is never touched. A full disk removes the candidate.
"""
from __future__ import annotations

import argparse
import errno
import fcntl
import os
import shutil
import signal
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.clauses.pseudonym import SaltError, create_salt, os_reason, read_salt, salt_exists
from pipelines.context import BuildContext, FileResult
from pipelines.errors import UnreadableFile
from pipelines.quarantine import Quarantine, bounded, file_sha256, write_ingest_log
from pipelines.schema import create_all_tables

DEMO_MARKER = "demo.json"
DEMO_LABEL = "données de démonstration"
REAL_LABEL = "données réelles"
DECP_SUFFIXES = {".json", ".xml", ".csv", ".parquet"}
CLAUSE_SUFFIXES = {".csv", ".xlsx", ".xls"}
APP_VERSION = "0.1.0"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m pipelines build", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Construit la base de l'observatoire dans un nouveau fichier, puis la met en "
                    "place d'un coup (la base servie n'est jamais modifiée en cours de route).",
        epilog="Une construction en échec (un fichier en échec, une étape interrompue) ne remplace "
               "jamais la base servie :\nla base candidate est gardée à côté (CHEMIN.failed-<date>, "
               "les dernières seulement, réglage failed_builds_kept)\npour inspection. "
               "Une seule construction à la fois par base (verrou CHEMIN.lock).\n"
               "Le sel secret est vérifié avant toute lecture ; il n'est créé que pour une base "
               "sans participants.\n"
               "Codes de sortie : 0 base mise en place ; 1 fichier ou étape en échec, ou disque "
               "plein ;\n2 refus avant tout travail (options, --db, dossier non inscriptible, "
               "sel secret, autre construction en cours).")
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
    p.add_argument("--accept-failures", action="store_true",
                   help="mettre la base en place même si des fichiers sont en échec (jamais si une "
                        "étape de construction a échoué)")
    p.add_argument("--wait", action="store_true",
                   help="attendre la fin d'une autre construction de la même base au lieu de refuser")
    p.add_argument("--no-progress", action="store_true", help="pas de barres de progression")
    return p.parse_args(argv)


def expand_inputs(paths: list[str], suffixes: set[str], option: str = "",
                  notes: list[str] | None = None) -> list[Path]:
    """Files given as such, plus the files with an expected suffix inside given folders (sorted).

    A given folder without any such file raises Refused (building on it would replace the served
    database by one without these data); the other files of a folder, skipped, are listed in `notes`.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")
                           and f.name != DEMO_MARKER)
            found = [f for f in files if f.suffix.lower() in suffixes]
            skipped = [f for f in files if f.suffix.lower() not in suffixes]
            expected = ", ".join(sorted(suffixes))
            if not found:
                raise Refused(f"{option} {p} : dossier sans aucun fichier à lire ({expected} attendus"
                              + (f" ; {len(skipped)} autre(s) fichier(s) : {_names(skipped)}" if skipped else "")
                              + ") ; la base servie n'est pas modifiée")
            if skipped and notes is not None:
                notes.append(f"{option} {p} : {len(skipped)} fichier(s) ignoré(s), extension non lue "
                             f"({expected} attendus) : {_names(skipped)}")
            out.extend(found)
        else:
            out.append(p)
    return out


def _names(files: list[Path], limit: int = 10) -> str:
    names = ", ".join(f.name for f in files[:limit])
    return names + (f" et {len(files) - limit} autre(s)" if len(files) > limit else "")


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


DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_disk_full(exc: BaseException) -> bool:
    """True for 'no space left', 'quota exceeded' and 'file too large' (OSError or DuckDB's IO errors)."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return True
    if isinstance(exc, duckdb.Error):
        text = str(exc)
        return any(os.strerror(e) in text for e in DISK_FULL_ERRNOS)
    return False


def is_interrupt(exc: BaseException) -> bool:
    """Ctrl-C (or SIGTERM) received while DuckDB ran a query: DuckDB raises its own error instead
    (`InterruptException`, `RuntimeError: Query interrupted`, or an Arrow scan error wrapping the
    `KeyboardInterrupt`)."""
    return isinstance(exc, duckdb.InterruptException) or (
        isinstance(exc, (RuntimeError, duckdb.Error)) and "interrupt" in str(exc).lower())


def interruption() -> BaseException:
    """The exception to unwind the build with after `is_interrupt`: the signal's, else Ctrl-C's."""
    return Interrupted(_signal_received[0]) if _signal_received else KeyboardInterrupt()


def describe_exception(exc: BaseException) -> str:
    """`Type à file.py:line : first line of the message`, for an error nobody foresaw."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" à {Path(where.filename).name}:{where.lineno}" if where else ""
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}{at} : {detail}"


def _rollback_quietly(con) -> None:
    try:
        con.execute("rollback")
    except Exception:
        pass


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
        print(f"erreur : {bounded(str(exc))}", file=sys.stderr)
        write_ingest_log(con, source_file=path.name, sha256=sha, kind=kind, result=None,
                         started_at=started, finished_at=datetime.now(), status="failed", message=str(exc))
        summary.add(path, kind, None, "failed")
        return
    except Exception as exc:  # a reader bug: one line, the file is marked failed, the build goes on
        if is_interrupt(exc):   # Ctrl-C caught by DuckDB: the whole build stops (see main())
            _rollback_quietly(con)
            raise interruption() from None
        if is_disk_full(exc):  # not the file's fault: the whole build stops (see build())
            _rollback_quietly(con)
            raise
        con.execute("rollback")
        msg = f"{path.name} : erreur inattendue à la lecture ({describe_exception(exc)})"
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
        print(f"avertissement : {path.name} : {bounded(w)}", file=sys.stderr)
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


class Refused(Exception):
    """The build cannot start: one French line, exit code 2, nothing read or written."""


def check_target(db: Path) -> None:
    """`--db` must name a file in a folder the build can write to (checked with a real probe write)."""
    if db.is_dir():
        raise Refused(f"--db {db} est un dossier : indiquez le chemin du fichier de la base "
                      f"(par exemple {db / 'observatoire.duckdb'})")
    if db.parent.exists() and not db.parent.is_dir():
        raise Refused(f"le dossier de la base {db.parent} est un fichier, pas un dossier")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(f"impossible de créer le dossier de la base {db.parent} ({os_reason(exc)})") from None
    try:
        probe_write(db.parent, f".{db.name}.probe-")
    except OSError as exc:
        raise Refused(f"dossier de la base non inscriptible : {db.parent} ({os_reason(exc)}) ; "
                      "la base servie n'est pas modifiée") from None


def check_failed_builds_kept() -> None:
    try:
        settings.get("failed_builds_kept")
    except ValueError:
        raise Refused("réglage failed_builds_kept invalide : OBSERVATOIRE_FAILED_BUILDS_KEPT="
                      f"{os.environ.get('OBSERVATOIRE_FAILED_BUILDS_KEPT')!r}, nombre entier attendu") from None


def probe_write(folder: Path, prefix: str) -> None:
    """Create, write, flush and remove a small file in `folder`; OSError when any step fails."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix)
    try:
        os.write(fd, b"\0" * 4096)
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(name)


def low_space_warning(db: Path) -> None:
    """Warn when the free space is below the size of the served database (the candidate is as big)."""
    try:
        size = db.stat().st_size
        free = shutil.disk_usage(db.parent).free
    except OSError:
        return
    if free < size:
        print(f"avertissement : espace libre ({_mb(free)}) inférieur à la taille de la base actuelle "
              f"({_mb(size)}) dans {db.parent} : la construction risque de manquer de place (la base "
              "servie ne sera pas touchée)", file=sys.stderr)


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} Mo".replace(",", "\u202f").replace(".", ",")


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def acquire_lock(db: Path, wait: bool) -> int:
    """Exclusive `flock` on `PATH.lock` (kept after the build; holds the pid of its holder).

    A second build of the same database is refused (Refused) or, with `wait`, waits for the first.
    """
    path = lock_path(db)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise Refused(f"impossible de créer le verrou {path} ({os_reason(exc)})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _lock_holder(fd)
        if not wait:
            os.close(fd)
            raise Refused(f"une autre construction de {db} est en cours ({holder}) : attendez sa fin, "
                          "ou relancez avec --wait pour l'attendre") from None
        print(f"attente : une autre construction de {db} est en cours ({holder})…", file=sys.stderr, flush=True)
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _lock_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        pid = ""
    return f"processus {pid}" if pid.isdigit() else "processus inconnu"


def release_lock(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    os.close(fd)  # releases the flock


def previous_participants(db: Path) -> int | None:
    """Distinct participants in the served database; None when there is none (first build)."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise SaltError(f"sel secret absent et base existante illisible ({db} : "
                        f"{str(exc).splitlines()[0]}) : impossible de vérifier qu'elle n'a pas de "
                        "participants ; restaurez le sel ou supprimez la base") from None
    try:
        return con.execute("select count(distinct participant_id) from clause_hours").fetchone()[0]
    except duckdb.CatalogException:
        return 0
    finally:
        con.close()


def check_salt(db: Path, salt_path: Path) -> str | None:
    """Check the salt before any reading; create it only for a database without participants.

    Returns a line to show when a salt was created; SaltError (one French line) otherwise.
    """
    if salt_exists(salt_path):
        read_salt(salt_path)
        return None
    n = previous_participants(db)
    if n:
        raise SaltError(f"sel secret introuvable : {salt_path} ; la base {db} compte {n} participant(s) "
                        "pseudonymisé(s) avec ce sel, un nouveau sel changerait tous leurs identifiants : "
                        "restaurez le fichier (réglage salt_path, variable OBSERVATOIRE_SALT_FILE), "
                        "ou supprimez la base pour repartir de zéro")
    _, created = create_salt(salt_path)
    if not created:
        return None
    why = "première construction" if n is None else f"la base {db} n'a aucun participant"
    return (f"sel secret créé : {salt_path} ({why}) ; conservez-le et sauvegardez-le : "
            "sans lui, les identifiants des participants changeront à la prochaine construction")


def failed_candidates(db: Path) -> list[Path]:
    """`PATH.failed-<date>` files, oldest first (their names sort by date)."""
    def key(f: Path):  # "<date>-<time>" then the counter of failures in the same second
        parts = f.name[len(db.name) + len(".failed-"):].split("-")
        return "-".join(parts[:2]), int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
    return sorted((f for f in db.parent.glob(db.name + ".failed-*") if not f.name.endswith(".wal")), key=key)


def keep_failed(tmp: Path, db: Path) -> Path | None:
    """Rename the candidate to `PATH.failed-<date>` and remove the oldest beyond the setting.

    Returns the kept path, or None when the setting keeps none (the candidate is then removed).
    """
    keep = int(settings.get("failed_builds_kept"))
    kept = None
    if keep > 0:
        stamp = f"{db.name}.failed-{datetime.now():%Y%m%d-%H%M%S}"
        kept, n = db.with_name(stamp), 1
        while kept.exists():  # several failures in the same second
            n += 1
            kept = db.with_name(f"{stamp}-{n}")
        os.replace(tmp, kept)
        wal = Path(str(tmp) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(kept) + ".wal"))
    clean_failed(db, keep)
    return kept


def keep_none() -> bool:
    return int(settings.get("failed_builds_kept")) <= 0


def clean_failed(db: Path, keep: int) -> None:
    """Remove the failed candidates beyond the `keep` most recent."""
    old = failed_candidates(db)
    for f in old[:max(len(old) - max(keep, 0), 0)]:
        f.unlink(missing_ok=True)
        Path(str(f) + ".wal").unlink(missing_ok=True)


def _close_quietly(con) -> None:
    if con is not None:
        try:
            con.close()
        except Exception:
            pass


def build(args: argparse.Namespace) -> int:
    db = Path(args.db)
    region = None if args.all_regions else (args.region or settings.get("region_code"))
    notes: list[str] = []
    try:
        decp_files = expand_inputs(args.decp, DECP_SUFFIXES, "--decp", notes)
        clause_files = expand_inputs(args.clauses, CLAUSE_SUFFIXES, "--clauses", notes)
    except Refused as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"avertissement : {note}", file=sys.stderr)
    clashes = duplicate_names([*decp_files, *clause_files,
                               *(Path(p) for p in (args.buyers, args.targets) if p)])
    if clashes:
        print(f"erreur : plusieurs fichiers d'entrée portent le même nom ({', '.join(clashes)}) ; "
              "le journal et la quarantaine désignent les fichiers par leur nom : renommez-les",
              file=sys.stderr)
        return 2
    try:
        check_failed_builds_kept()
        check_target(db)
        lock = acquire_lock(db, args.wait)
    except Refused as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    try:
        low_space_warning(db)
        if clause_files:  # only clause files use the salt
            try:
                note = check_salt(db, Path(settings.get("salt_path")))
            except SaltError as exc:
                print(f"erreur : {exc}", file=sys.stderr)
                return 2
            if note:
                print(note)
        return _build_locked(args, db, region, decp_files, clause_files)
    finally:
        release_lock(lock)


def _build_locked(args, db: Path, region, decp_files: list[Path], clause_files: list[Path]) -> int:
    _remove_stale_builds(db)
    tmp = db.with_name(f"{db.name}.building-{os.getpid()}")
    wal = Path(str(tmp) + ".wal")
    for f in (tmp, wal):
        f.unlink(missing_ok=True)
    ctx = BuildContext(region_code=region, salt_path=Path(settings.get("salt_path")),
                       progress=not args.no_progress and sys.stderr.isatty())
    inputs = [Path(p) for p in [*args.decp, *args.clauses, args.buyers, args.targets] if p]
    summary = Summary()
    con = None
    stage = "création de la base candidate"
    failure: Exception | None = None
    try:
        try:
            con = duckdb.connect(str(tmp))
            configure_connection(con)
            from pipelines.buyers import BuyersRegister
            from pipelines.reference import load_reference, load_reference_tables

            stage = "tables de référence"
            create_all_tables(con)
            load_reference_tables(con)
            ctx.reference = load_reference(con)
            if region is not None and region not in ctx.reference.regions:
                print(f"erreur : région inconnue {region!r} ; codes INSEE des régions : "
                      f"{', '.join(sorted(ctx.reference.regions))}", file=sys.stderr)
                return 2
            ctx.buyers = BuyersRegister()
            stage = "lecture des fichiers"
            if args.buyers:
                run_file(con, Path(args.buyers), "buyers", _load_buyers(ctx), ctx, summary)

            from pipelines.decp import build_contracts, ingest_decp_file

            for path in decp_files:
                run_file(con, path, "decp", ingest_decp_file, ctx, summary)
            stage = "regroupement des versions de chaque marché"
            step(ctx, stage)
            build_contracts(con, ctx)
            summary.move_out_of_region(ctx.moved_out_of_region)

            from pipelines.clauses import ingest_clause_file
            from pipelines.sql_layer import create_sql_layer
            from pipelines.targets import load_targets

            stage = "lecture des fichiers"
            for path in clause_files:
                run_file(con, path, "clauses", ingest_clause_file, ctx, summary)
            if args.targets:
                run_file(con, Path(args.targets), "targets", load_targets, ctx, summary)

            stage = "couche SQL (staging, intermediate, marts)"
            step(ctx, stage)
            create_sql_layer(con)

            stage = "écriture de la base candidate"
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
            con = None
        except Exception as exc:  # one line, never a traceback; the served database is untouched
            if is_interrupt(exc):
                raise interruption() from None
            failure = exc

        if summary.rows:
            print(summary.render())
        if failure is not None and is_disk_full(failure):
            print(f"erreur : écriture impossible ({_disk_reason(failure)}) pendant l'étape « {stage} » : "
                  f"construction arrêtée, base candidate supprimée ; la base servie {db} n'est pas modifiée",
                  file=sys.stderr)
            return 1
        if failure is not None:
            print(f"erreur : l'étape « {stage} » a échoué ({describe_exception(failure)})", file=sys.stderr)
        if summary.n_failed:
            print(f"{summary.n_failed} fichier(s) en échec", file=sys.stderr)
        if failure is None and (not summary.n_failed or args.accept_failures):
            try:
                os.replace(tmp, db)  # atomic: a reader sees the old file or the new one, never a mix
                args.installed = True
            except OSError as exc:   # the database folder changed under the build
                print(f"erreur : mise en place impossible ({os_reason(exc)}) : la base servie {db} "
                      "n'est pas modifiée", file=sys.stderr)
                return 1
            clean_failed(db, int(settings.get("failed_builds_kept")))
            where = "toutes régions" if region is None else "région " + region
            if summary.n_failed:
                print(f"base écrite malgré {summary.n_failed} fichier(s) en échec (--accept-failures) : "
                      f"{db} ({info['data_label']}, {where})")
                return 1
            print(f"base écrite : {db} ({info['data_label']}, {where})")
            return 0

        _close_quietly(con)
        con = None
        try:
            kept = keep_failed(tmp, db)
        except OSError as exc:
            print(f"erreur : base candidate non gardée ({os_reason(exc)})", file=sys.stderr)
            kept = None
        why = (f"l'étape « {stage} » a échoué (jamais installée dans ce cas, même avec --accept-failures)"
               if failure is not None else
               f"{summary.n_failed} fichier(s) en échec (--accept-failures pour l'installer quand même)")
        served = (f"la base servie {db} n'est pas modifiée" if db.exists()
                  else f"aucune base installée en {db} (première construction)")
        candidate = (f"base candidate gardée pour inspection : {kept}" if kept
                     else "base candidate supprimée" + (" (failed_builds_kept = 0)" if keep_none() else ""))
        print(f"base non remplacée : {why} ; {served} ; {candidate}")
        return 1
    finally:
        _close_quietly(con)
        for f in (tmp, wal):
            f.unlink(missing_ok=True)


def _disk_reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return os_reason(exc)
    text = str(exc)
    for code in DISK_FULL_ERRNOS:
        if os.strerror(code) in text:
            return os_reason(OSError(code, os.strerror(code)))
    return "disque plein"


class Interrupted(BaseException):
    """SIGTERM or SIGHUP received: unwinds the build like Ctrl-C (candidate removed, lock released)."""


_signal_received: list[int] = []


def _raise_interrupted(signum, _frame):
    _signal_received[:] = [signum]
    raise Interrupted(signum)


def _trap_termination() -> dict:
    """Turn SIGTERM and SIGHUP into `Interrupted` (main thread only); returns the previous handlers."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_IGN:   # nohup: keep ignoring
            continue
        previous[sig] = signal.signal(sig, _raise_interrupted)
    return previous


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    previous = _trap_termination()
    _signal_received.clear()
    try:
        return build(args)
    except (KeyboardInterrupt, Interrupted) as exc:
        # the `finally` clauses have removed the candidate and released the lock: one line, no traceback
        how = "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else f"signal {signal.Signals(exc.args[0]).name}"
        db = Path(args.db)
        if getattr(args, "installed", False):
            line = f"construction interrompue ({how}) après la mise en place de la nouvelle base {db}"
        else:
            line = (f"erreur : construction interrompue ({how}) : base candidate supprimée ; la base servie {db} "
                    "n'est pas modifiée")
        try:
            print(line, file=sys.stderr)
        except OSError:   # SIGHUP: the terminal may be gone
            pass
        return 130 if isinstance(exc, KeyboardInterrupt) else 128 + exc.args[0]
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
