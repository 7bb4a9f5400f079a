"""Builds that never lose data (issue 9): a failed build never replaces the served database, the salt
is checked before any work and created only for a database without participants, one build at a
time per database, and a full disk / unwritable folder / `--db` folder is one line, exit non-zero."""
from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from decp_helpers import marche_2019

from pipelines import build as build_module
from pipelines.clauses import pseudonym

CLAUSES = ("ID participant;Sexe;Modalité;Publics;Date de début;Date de fin;Heures réalisées;"
           "Commune de l'opération\n"
           "P1;F;GEIQ;DELD;01/03/2023;30/06/2023;300;59350\n"
           "P2;M;Embauche directe;RSA;01/03/2023;30/06/2023;120;59350\n"
           "P3;F;GEIQ;DELD;01/04/2023;30/06/2023;80;59350\n")
shutil_usage = namedtuple("shutil_usage", "total used free")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Inputs written in code, a salt path in tmp, and a served database built from them (3 people)."""
    monkeypatch.setenv("OBSERVATOIRE_SALT_FILE", str(tmp_path / "secret" / "salt"))
    monkeypatch.delenv("OBSERVATOIRE_FAILED_BUILDS_KEPT", raising=False)
    (tmp_path / "in").mkdir()
    decp = tmp_path / "in" / "decp.json"
    decp.write_text(json.dumps({"marches": [marche_2019()]}))
    clauses = tmp_path / "in" / "suivi.csv"
    clauses.write_text(CLAUSES, encoding="utf-8")
    db = tmp_path / "out" / "obs.duckdb"
    args = ["--db", str(db), "--decp", str(decp), "--clauses", str(clauses), "--no-progress"]
    return {"tmp": tmp_path, "db": db, "decp": decp, "clauses": clauses, "args": args,
            "salt": tmp_path / "secret" / "salt"}


def serve(env, capsys) -> dict:
    """Build the served database once; return its fingerprint."""
    assert build_module.main(env["args"]) == 0
    capsys.readouterr()
    return fingerprint(env["db"])


def fingerprint(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "participants": con.execute("select list(participant_id order by participant_id) "
                                        "from clause_hours").fetchone()[0],
            "hours": con.execute("select sum(hours_worked) from clause_hours").fetchone()[0],
            "contracts": con.execute("select count(*) from contracts").fetchone()[0],
            "built_at": con.execute("select value from build_info where key = 'built_at'").fetchone()[0],
            "mtime": db.stat().st_mtime_ns,
        }
    finally:
        con.close()


def folder_files(db: Path) -> list[str]:
    return sorted(f.name for f in db.parent.iterdir())


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


# --- a failed build never replaces the served database -------------------------------------------

def test_failed_input_keeps_served_database_and_the_candidate(env, capsys):
    before = serve(env, capsys)
    assert before["participants"] is not None and len(before["participants"]) == 3
    assert before["hours"] == 500.0                      # 300 + 120 + 80
    bad = env["tmp"] / "in" / "tronque.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")             # not a readable clause export
    code = build_module.main(env["args"] + ["--clauses", str(bad)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    assert fingerprint(env["db"]) == before               # served database untouched, same file
    kept = sorted(env["db"].parent.glob("obs.duckdb.failed-*"))
    assert len(kept) == 1
    assert ("base non remplacée : 1 fichier(s) en échec (--accept-failures pour l'installer quand même) ; "
            f"la base servie {env['db']} n'est pas modifiée ; base candidate gardée pour inspection : "
            f"{kept[0]}") in out
    # the candidate is a complete database: its log says which file failed
    con = duckdb.connect(str(kept[0]), read_only=True)
    assert con.execute("select source_file, status from ingest_log order by 1").fetchall() == [
        ("decp.json", "ok"), ("suivi.csv", "ok"), ("tronque.csv", "failed")]
    con.close()
    assert not list(env["db"].parent.glob("*.building-*"))


@pytest.mark.parametrize("option, names", [
    ("--clauses", []),                                    # an empty folder (a mount not mounted)
    ("--clauses", ["suivi.ods", "suivi.txt"]),            # only formats the build does not read
    ("--decp", ["decp.json.gz"]),
])
def test_input_folder_without_readable_file_never_replaces_the_served_database(env, capsys, option, names):
    before = serve(env, capsys)
    folder = env["tmp"] / "exports"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(CLAUSES, encoding="utf-8")
    args = [a for a in env["args"] if a not in (str(env["decp"]), str(env["clauses"]), "--decp", "--clauses")]
    code = build_module.main(args + [option, str(folder)])
    out, err = capsys.readouterr()
    assert code == 2
    assert fingerprint(env["db"]) == before
    assert error_lines(err) == [
        f"erreur : {option} {folder} : dossier sans aucun fichier à lire "
        f"({'.csv, .json, .parquet, .xml' if option == '--decp' else '.csv, .xls, .xlsx'} attendus"
        + (f" ; {len(names)} autre(s) fichier(s) : {', '.join(names)}" if names else "")
        + ") ; la base servie n'est pas modifiée"]
    assert not list(env["db"].parent.glob("obs.duckdb.failed-*"))


def test_files_skipped_in_an_input_folder_are_named(env, capsys):
    folder = env["tmp"] / "exports"
    folder.mkdir()
    (folder / "suivi.csv").write_text(CLAUSES, encoding="utf-8")
    (folder / "suivi-2024.ods").write_text("x", encoding="utf-8")
    args = [a for a in env["args"] if a != str(env["clauses"])]
    args[args.index("--clauses") + 1:args.index("--clauses") + 1] = [str(folder)]
    assert build_module.main(args) == 0
    _, err = capsys.readouterr()
    assert (f"avertissement : --clauses {folder} : 1 fichier(s) ignoré(s), extension non lue "
            "(.csv, .xls, .xlsx attendus) : suivi-2024.ods") in err


def test_accept_failures_installs_the_build_and_says_so(env, capsys):
    serve(env, capsys)
    bad = env["tmp"] / "in" / "tronque.json"
    bad.write_text('{"marches": [{"id": "1"')
    code = build_module.main(env["args"] + ["--decp", str(bad), "--accept-failures"])
    out, err = capsys.readouterr()
    assert code == 1                                      # still says that a file failed
    assert f"base écrite malgré 1 fichier(s) en échec (--accept-failures) : {env['db']}" in out
    assert "1 fichier(s) en échec" in err
    con = duckdb.connect(str(env["db"]), read_only=True)
    assert con.execute("select value from build_info where key = 'n_failed'").fetchone() == ("1",)
    con.close()
    assert not list(env["db"].parent.glob("obs.duckdb.failed-*"))


def test_only_the_last_failed_candidates_are_kept(env, capsys, monkeypatch):
    serve(env, capsys)
    monkeypatch.setenv("OBSERVATOIRE_FAILED_BUILDS_KEPT", "2")
    old = ["obs.duckdb.failed-20240101-000000", "obs.duckdb.failed-20250101-000000",
           "obs.duckdb.failed-20250101-000000-2"]
    for name in old:
        (env["db"].parent / name).write_text("old candidate")
    (env["db"].parent / (old[0] + ".wal")).write_text("its wal")
    bad = env["tmp"] / "in" / "tronque.json"
    bad.write_text('{"marches": [')
    assert build_module.main(env["args"] + ["--decp", str(bad)]) == 1
    kept = [f.name for f in build_module.failed_candidates(env["db"])]
    # the new one (today) and the most recent old one; the two oldest (and the wal) are removed
    assert len(kept) == 2 and kept[0] == old[2] and kept[1].startswith("obs.duckdb.failed-2")
    assert kept[1] not in old
    assert not (env["db"].parent / (old[0] + ".wal")).exists()
    # 0 keeps none: the candidate is removed, and the summary says so
    monkeypatch.setenv("OBSERVATOIRE_FAILED_BUILDS_KEPT", "0")
    capsys.readouterr()
    assert build_module.main(env["args"] + ["--decp", str(bad)]) == 1
    assert "base candidate supprimée (failed_builds_kept = 0)" in capsys.readouterr().out
    assert build_module.failed_candidates(env["db"]) == []


def test_invalid_number_of_kept_candidates_is_refused_before_the_build(env, capsys, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_FAILED_BUILDS_KEPT", "trois")
    assert build_module.main(env["args"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        "erreur : réglage failed_builds_kept invalide : OBSERVATOIRE_FAILED_BUILDS_KEPT='trois', "
        "nombre entier attendu"]
    assert not env["db"].exists()


def test_failed_candidate_name_never_reaches_the_app(env, capsys, monkeypatch):
    before = serve(env, capsys)
    bad = env["tmp"] / "in" / "tronque.json"
    bad.write_text("{")
    assert build_module.main(env["args"] + ["--decp", str(bad)]) == 1
    # the dashboard opens exactly the db_path setting: the served file, with its old mtime
    from dashboard import db as dashboard_db
    monkeypatch.setenv("OBSERVATOIRE_DB", str(env["db"]))
    assert dashboard_db.signature() == (str(env["db"]), before["mtime"])


# --- the salt is checked before any work ---------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"", "sel secret vide : {salt} ; au moins 16 caractères attendus (restaurez le fichier sauvegardé)"),
    (b"  \n", "sel secret vide : {salt} ; au moins 16 caractères attendus (restaurez le fichier sauvegardé)"),
    (b"abc123\n", "sel secret trop court : {salt} (6 caractère(s), au moins 16 attendus)"),
    ("folder", "sel secret {salt} : c'est un dossier, un fichier est attendu (réglage salt_path, "
               "variable OBSERVATOIRE_SALT_FILE)"),
    # a FIFO blocked the build for ever (before any message); a huge file was read whole
    ("fifo", "sel secret {salt} : pas un fichier ordinaire (tube, périphérique…), un fichier est attendu "
             "(réglage salt_path, variable OBSERVATOIRE_SALT_FILE)"),
    (b"ab" * 3000, "sel secret {salt} : fichier de plus de 4096 octets, ce n'est pas un sel (64 caractères "
                   "hexadécimaux attendus) (réglage salt_path, variable OBSERVATOIRE_SALT_FILE)"),
])
def test_bad_salt_is_one_line_before_any_work(env, capsys, monkeypatch, content, message):
    before = serve(env, capsys)
    env["salt"].unlink()
    if content == "folder":
        env["salt"].mkdir()
    elif content == "fifo":
        os.mkfifo(env["salt"])
    else:
        env["salt"].write_bytes(content)
    listing = folder_files(env["db"])
    import pipelines.clauses as clauses
    import pipelines.decp as decp

    def never(*a, **k):
        raise AssertionError("an input was read before the salt check")
    monkeypatch.setattr(decp, "ingest_decp_file", never)
    monkeypatch.setattr(clauses, "ingest_clause_file", never)
    code = build_module.main(env["args"])
    out, err = capsys.readouterr()
    assert code == 2
    assert error_lines(err) == ["erreur : " + message.format(salt=env["salt"])]
    assert out == ""
    assert fingerprint(env["db"]) == before
    assert folder_files(env["db"]) == listing             # no candidate, nothing kept


def test_unreadable_salt_is_one_line(env, capsys, monkeypatch):
    before = serve(env, capsys)
    real = Path.read_bytes

    def denied(self):
        if self == env["salt"]:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", denied)   # root reads any file: simulate the refusal
    assert build_module.main(env["args"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"erreur : sel secret illisible : {env['salt']} (permission refusée)"]
    assert fingerprint(env["db"]) == before


def test_missing_salt_is_an_error_once_the_database_has_participants(env, capsys):
    before = serve(env, capsys)
    env["salt"].unlink()
    assert build_module.main(env["args"]) == 2
    out, err = capsys.readouterr()
    assert error_lines(err) == [
        f"erreur : sel secret introuvable : {env['salt']} ; la base {env['db']} compte 3 participant(s) "
        "pseudonymisé(s) avec ce sel, un nouveau sel changerait tous leurs identifiants : restaurez le "
        "fichier (réglage salt_path, variable OBSERVATOIRE_SALT_FILE), ou supprimez la base pour "
        "repartir de zéro"]
    assert not env["salt"].exists()                      # no new salt silently created
    assert fingerprint(env["db"]) == before


def test_first_build_creates_the_salt_and_says_so(env, capsys):
    assert not env["salt"].exists()
    assert build_module.main(env["args"]) == 0
    out = capsys.readouterr().out
    assert (f"sel secret créé : {env['salt']} (première construction) ; conservez-le et sauvegardez-le"
            in out)
    assert env["salt"].stat().st_mode & 0o777 == 0o600
    assert len(env["salt"].read_text().strip()) == 64
    # the next build keeps it and says nothing about it
    salt = env["salt"].read_bytes()
    assert build_module.main(env["args"]) == 0
    assert "sel secret" not in capsys.readouterr().out
    assert env["salt"].read_bytes() == salt


def test_salt_created_for_a_database_without_participants(env, capsys):
    decp_only = ["--db", str(env["db"]), "--decp", str(env["decp"]), "--no-progress"]
    assert build_module.main(decp_only) == 0
    assert not env["salt"].exists()                      # a build without clause files needs no salt
    assert build_module.main(env["args"]) == 0
    assert (f"sel secret créé : {env['salt']} (la base {env['db']} n'a aucun participant)"
            in capsys.readouterr().out)


def test_a_build_without_clause_files_does_not_read_the_salt(env, capsys):
    env["salt"].parent.mkdir()
    env["salt"].write_bytes(b"")
    assert build_module.main(["--db", str(env["db"]), "--decp", str(env["decp"]), "--no-progress"]) == 0


def test_new_salt_never_visible_without_its_content(tmp_path, monkeypatch):
    path = tmp_path / "secret" / "salt"
    real = pseudonym.secrets.token_hex

    def token(n):
        # the old code created the (empty) file first, then wrote: a concurrent build read it empty
        assert not path.exists(), "salt path visible before its content is written"
        return real(n)
    monkeypatch.setattr(pseudonym.secrets, "token_hex", token)
    salt, created = pseudonym.create_salt(path)
    assert created and path.read_bytes().strip() == salt and len(salt) == 64
    assert sorted(p.name for p in path.parent.iterdir()) == ["salt"]   # no temp file left


def test_concurrent_creator_wins_and_both_use_its_salt(tmp_path, monkeypatch):
    path = tmp_path / "salt"
    real_link = os.link

    def other_process_first(src, dst):
        Path(dst).write_text("f" * 64 + "\n")       # the other build linked its salt just before us
        return real_link(src, dst)
    monkeypatch.setattr(pseudonym.os, "link", other_process_first)
    salt, created = pseudonym.create_salt(path)
    assert (salt, created) == (b"f" * 64, False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["salt"]


def test_salt_on_a_file_system_without_hard_links(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(pseudonym.os, "link", no_links)
    salt, created = pseudonym.create_salt(tmp_path / "salt")
    assert created and (tmp_path / "salt").read_bytes().strip() == salt
    assert pseudonym.create_salt(tmp_path / "salt") == (salt, False)


def test_builds_started_together_on_a_fresh_salt_share_one_salt(tmp_path):
    # real processes; the race window of the old code was microseconds, so the deterministic
    # test above is the one that catches it: this one checks the end-to-end outcome
    path, go = tmp_path / "secret" / "salt", tmp_path / "go"
    code = ("import sys, time, pathlib\n"
            "from pipelines.clauses.pseudonym import load_salt\n"
            f"go = pathlib.Path({str(go)!r})\n"
            "while not go.exists(): time.sleep(0.001)\n"
            f"print(load_salt({str(path)!r}).decode())\n")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    time.sleep(1.0)
    go.write_text("")
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [e for _, e in results]
    salts = {o.strip() for o, _ in results}
    assert salts == {path.read_text().strip()}


# --- one build at a time per database ------------------------------------------------------------

def test_second_build_on_the_same_database_is_refused(env, capsys):
    before = serve(env, capsys)
    lock = build_module.acquire_lock(env["db"], wait=False)   # a first build holds the database
    try:
        code = build_module.main(env["args"])
        err = capsys.readouterr().err
    finally:
        build_module.release_lock(lock)
    assert code == 2
    assert error_lines(err) == [
        f"erreur : une autre construction de {env['db']} est en cours (processus {os.getpid()}) : "
        "attendez sa fin, ou relancez avec --wait pour l'attendre"]
    assert fingerprint(env["db"]) == before
    assert build_module.main(env["args"]) == 0               # once released, the build runs


def test_second_build_with_wait_waits_for_the_first(env, capsys):
    serve(env, capsys)
    lock = build_module.acquire_lock(env["db"], wait=False)
    proc = subprocess.Popen([sys.executable, "-m", "pipelines", "build", "--wait", *env["args"]], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OBSERVATOIRE_SALT_FILE": str(env["salt"])})
    try:
        first_line = proc.stderr.readline()
        assert first_line.startswith(f"attente : une autre construction de {env['db']} est en cours "
                                     f"(processus {os.getpid()})")
        time.sleep(0.5)
        assert proc.poll() is None                            # still waiting
    finally:
        build_module.release_lock(lock)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert f"base écrite : {env['db']}" in out


# --- disk full, unwritable folder, --db a folder ---------------------------------------------------

def test_db_pointing_at_a_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "base"
    folder.mkdir()
    assert build_module.main(["--db", str(folder), "--no-progress"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"erreur : --db {folder} est un dossier : indiquez le chemin du fichier de la base "
        f"(par exemple {folder / 'observatoire.duckdb'})"]
    assert list(folder.iterdir()) == []


def test_db_under_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "plain").write_text("x")
    assert build_module.main(["--db", str(tmp_path / "plain" / "obs.duckdb"), "--no-progress"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"erreur : le dossier de la base {tmp_path / 'plain'} est un fichier, pas un dossier"]
    assert build_module.main(["--db", str(tmp_path / "plain" / "sub" / "obs.duckdb"), "--no-progress"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"erreur : impossible de créer le dossier de la base {tmp_path / 'plain' / 'sub'} "
        "(un élément du chemin n'est pas un dossier)"]


def test_read_only_target_folder_is_refused_before_the_build(env, capsys, monkeypatch):
    before = serve(env, capsys)

    def read_only(folder, prefix):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(build_module, "probe_write", read_only)   # root writes anywhere: simulate
    assert build_module.main(env["args"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"erreur : dossier de la base non inscriptible : {env['db'].parent} (système de fichiers en "
        "lecture seule) ; la base servie n'est pas modifiée"]
    assert fingerprint(env["db"]) == before


def _sys_is_unwritable() -> bool:
    try:
        Path("/sys/.obs-probe").write_text("x")
    except OSError:
        return True
    Path("/sys/.obs-probe").unlink()
    return False


@pytest.mark.skipif(not Path("/sys").is_dir() or not _sys_is_unwritable(),
                    reason="needs a folder nobody can write to, root included (/sys)")
def test_really_unwritable_folder_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipelines", "build", "--no-progress", "--db", "/sys/obs.duckdb"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("erreur : dossier de la base non inscriptible : /sys (")


def test_disk_full_in_a_step_is_one_line_and_removes_the_candidate(env, capsys, monkeypatch):
    before = serve(env, capsys)
    import pipelines.sql_layer as sql_layer

    def full(con):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(sql_layer, "create_sql_layer", full)
    listing = folder_files(env["db"])
    assert build_module.main(env["args"]) == 1
    err = capsys.readouterr().err
    assert error_lines(err) == [
        "erreur : écriture impossible (disque plein) pendant l'étape « couche SQL (staging, intermediate, "
        f"marts) » : construction arrêtée, base candidate supprimée ; la base servie {env['db']} n'est "
        "pas modifiée"]
    assert fingerprint(env["db"]) == before
    assert folder_files(env["db"]) == listing              # nothing left: the disk is full


def test_disk_full_while_reading_stops_the_build_instead_of_failing_each_file(env, capsys, monkeypatch):
    before = serve(env, capsys)
    import pipelines.clauses as clauses
    import pipelines.decp as decp

    read = []

    def full(con, path, ctx):
        read.append(path.name)
        raise duckdb.IOException(f'IO Error: Could not write file "{path}.wal": No space left on device')
    monkeypatch.setattr(decp, "ingest_decp_file", full)
    monkeypatch.setattr(clauses, "ingest_clause_file", full)
    assert build_module.main(env["args"]) == 1
    err = capsys.readouterr().err
    assert read == ["decp.json"]                           # the clause file is not tried
    assert error_lines(err) == [
        "erreur : écriture impossible (disque plein) pendant l'étape « lecture des fichiers » : "
        f"construction arrêtée, base candidate supprimée ; la base servie {env['db']} n'est pas modifiée"]
    assert fingerprint(env["db"]) == before
    assert not build_module.failed_candidates(env["db"])


def _limit_file_size():
    # every write beyond 1 MB fails with EFBIG, as a full disk would (the served file is ~5 MB)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_real_write_failure_in_duckdb_is_one_line(env, capsys):
    before = serve(env, capsys)
    listing = folder_files(env["db"])
    proc = subprocess.run([sys.executable, "-m", "pipelines", "build", *env["args"]], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size,
                          env={**os.environ, "OBSERVATOIRE_SALT_FILE": str(env["salt"])})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("erreur : écriture impossible (taille maximale de fichier "
                                                   "atteinte) pendant l'étape « ")
    assert lines[0].endswith(f"construction arrêtée, base candidate supprimée ; la base servie {env['db']} "
                             "n'est pas modifiée")
    assert fingerprint(env["db"]) == before
    assert folder_files(env["db"]) == listing


# --- an interrupted build (Ctrl-C, SIGTERM) ------------------------------------------------------

@pytest.mark.parametrize("error", [
    duckdb.InterruptException("INTERRUPT Error: Interrupted!"),
    RuntimeError("Query interrupted"),
    # what DuckDB raised when Ctrl-C hit while it read an Arrow batch (seen on a real build)
    duckdb.InvalidInputException("Invalid Input Error: reading the object registered as "
                                 "'_clauses_batch_clause_planned' as Arrow data failed: KeyboardInterrupt: "),
])
def test_ctrl_c_caught_by_duckdb_in_a_reader_stops_the_build(env, capsys, monkeypatch, error):
    before = serve(env, capsys)
    import pipelines.clauses as clauses

    def interrupted(con, path, ctx):
        raise error
    monkeypatch.setattr(clauses, "ingest_clause_file", interrupted)
    # before, the file was marked failed and the build went on: --accept-failures installed a
    # database without it
    code = build_module.main(env["args"] + ["--accept-failures"])
    out, err = capsys.readouterr()
    assert code == 130
    assert fingerprint(env["db"]) == before
    assert error_lines(err)[-1] == ("erreur : construction interrompue (Ctrl-C) : base candidate supprimée ; "
                                    f"la base servie {env['db']} n'est pas modifiée")
    assert "échec" not in out + err
    assert folder_files(env["db"]) == ["obs.duckdb", "obs.duckdb.lock"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO to hold the build mid-way")
@pytest.mark.parametrize("sig, code, how", [(signal.SIGTERM, 143, "signal SIGTERM"),
                                            (signal.SIGINT, 130, "Ctrl-C")])
def test_signal_mid_build_is_one_line_and_removes_the_candidate(env, capsys, sig, code, how):
    before = serve(env, capsys)
    fifo = env["tmp"] / "in" / "bloque.json"
    os.mkfifo(fifo)                          # reading it blocks: the build is held half-way
    proc = subprocess.Popen([sys.executable, "-m", "pipelines", "build", *env["args"], "--decp", str(fifo)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OBSERVATOIRE_SALT_FILE": str(env["salt"])},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 60
        while not list(env["db"].parent.glob("obs.duckdb.building-*")) and time.time() < deadline:
            time.sleep(0.1)
        assert list(env["db"].parent.glob("obs.duckdb.building-*")), "the build never started"
        time.sleep(0.5)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # before: SIGTERM killed the build silently and left its candidate (PATH.building-<pid>, as big
    # as a database) until the next build; Ctrl-C printed a traceback
    assert proc.returncode == code
    assert "Traceback" not in err
    assert error_lines(err)[-1] == (f"erreur : construction interrompue ({how}) : base candidate supprimée ; "
                                    f"la base servie {env['db']} n'est pas modifiée")
    assert folder_files(env["db"]) == ["obs.duckdb", "obs.duckdb.lock"]
    assert fingerprint(env["db"]) == before


def test_swap_refused_by_the_system_is_one_line_and_keeps_the_served_database(env, capsys, monkeypatch):
    before = serve(env, capsys)
    real = os.replace

    def busy(src, dst):
        if Path(dst) == env["db"]:
            raise OSError(errno.EBUSY, "Device or resource busy")
        return real(src, dst)
    monkeypatch.setattr(build_module.os, "replace", busy)
    assert build_module.main(env["args"]) == 1
    assert error_lines(capsys.readouterr().err) == [
        f"erreur : mise en place impossible (ressource occupée) : la base servie {env['db']} "
        "n'est pas modifiée"]
    assert fingerprint(env["db"]) == before
    assert not list(env["db"].parent.glob("*.building-*"))


def test_low_free_space_is_announced(env, capsys, monkeypatch):
    serve(env, capsys)
    size = env["db"].stat().st_size
    monkeypatch.setattr(build_module.shutil, "disk_usage",
                        lambda folder: shutil_usage(total=10**9, used=10**9 - size // 2, free=size // 2))
    assert build_module.main(env["args"]) == 0           # a warning, not a refusal: the build may fit
    err = capsys.readouterr().err
    assert (f"avertissement : espace libre ({build_module._mb(size // 2)}) inférieur à la taille de la "
            f"base actuelle ({build_module._mb(size)}) dans {env['db'].parent}") in err


def test_megabytes_in_french():
    assert build_module._mb(1_234_567_890) == "1\u202f234,6 Mo"
    assert build_module._mb(500_000) == "0,5 Mo"
