"""Several replicas on one database (deploy/README.md): two Streamlit processes serve the same
read-only file; a rebuild swaps it atomically and both serve the new build without a restart and
without an error in the sessions open in chromium during the swap."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app, wait_rendered, wait_rerun
from tests.decp_helpers import marche_2022

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


def _build(db: Path, decp: list[Path]) -> None:
    """The real build (pipelines/build.py): a new file, then os.replace onto `db`."""
    cmd = [sys.executable, "-m", "pipelines", "build", "--db", str(db), "--no-progress"]
    if decp:
        cmd += ["--decp", *map(str, decp)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-1000:]


def _footer(page) -> str:
    return page.locator("[data-testid='stCaptionContainer']", has_text="Base construite le").last.inner_text()


def _no_error(page, errors: list[str]) -> None:
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Traceback" not in body and "Base de données absente" not in body, body[-500:]
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


def test_two_replicas_serve_the_new_build_after_an_atomic_swap(tmp_path):
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    decp = tmp_path / "decp"
    decp.mkdir()
    a, b = decp / "decp-a.json", decp / "decp-b.json"
    a.write_text(json.dumps({"marches": {"marche": [marche_2022()]}}), encoding="utf-8")
    b.write_text(json.dumps({"marches": {"marche": [marche_2022(id="2024-043", objet="Espaces verts")]}}),
                 encoding="utf-8")
    db = tmp_path / "observatoire.duckdb"
    _build(db, [a])  # first build: one file

    logs = [open(tmp_path / f"replica-{i}.log", "wb") for i in range(2)]
    replicas = []
    try:
        for log in logs:
            replicas.append(start_app(db, stderr=log))
        pids = [proc.pid for proc, _ in replicas]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            sessions = []
            for _, base in replicas:  # one open session per replica, on the first build
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(base + "/qualite")
                wait_rendered(page)
                assert "1 fichiers chargés" in _footer(page)
                sessions.append((page, errors))

            _build(db, [a, b])  # rebuild while both sessions are open: written aside, then swapped

            for page, errors in sessions:
                # the open session interacts (a rerun in the same session, no reload): new build
                wait_rerun(page, lambda page=page: page.get_by_role("link", name="Accueil").click())
                wait_rerun(page, lambda page=page: page.get_by_role("link", name="Qualité des données").click())
                assert "2 fichiers chargés" in _footer(page)
                _no_error(page, errors)
                # and a reload (a new session on the same process) serves it too
                page.reload()
                wait_rendered(page)
                assert "2 fichiers chargés" in _footer(page)
                _no_error(page, errors)
            browser.close()
        # no replica restarted
        assert [proc.pid for proc, _ in replicas] == pids
        assert all(proc.poll() is None for proc, _ in replicas)
    finally:
        for proc, _ in replicas:
            stop_app(proc)
        for log in logs:
            log.close()
    for i in range(2):
        text = (tmp_path / f"replica-{i}.log").read_text(errors="replace")
        assert "Traceback" not in text, text[-2000:]


def _write_db(path: Path, value: int) -> None:
    """A one-table database written aside and swapped in, as the build does."""
    import duckdb
    import os

    tmp = path.with_name(path.name + ".building")
    con = duckdb.connect(str(tmp))
    con.execute(f"create table t as select {value} as v")
    con.close()
    os.replace(tmp, path)


def test_a_swap_during_a_running_query_is_picked_up_once_the_query_ends(tmp_path, monkeypatch):
    """A replica must not go on serving the replaced file when a rebuild lands while another
    session's query runs (DuckDB refuses to close a busy connection: it used to stay open and be
    reused for the new file's path)."""
    import threading
    import time

    from dashboard import db

    path = tmp_path / "obs.duckdb"
    _write_db(path, 1)
    monkeypatch.setenv("OBSERVATOIRE_DB", str(path))
    db._connect.clear()
    db._cached_query.clear()
    assert db.query("select v from t")["v"].tolist() == [1]

    done = {}

    def long_query():  # another session's query, still running when the swap lands
        cur = db.connection().cursor()
        started = time.perf_counter()
        done["n"] = cur.execute("select count(*) from range(800000000) r(i) where i % 7 = 3").fetchone()[0]
        done["s"] = time.perf_counter() - started
        cur.close()

    worker = threading.Thread(target=long_query)
    worker.start()
    time.sleep(0.3)
    _write_db(path, 2)
    assert worker.is_alive(), "the long query ended before the swap: the test proves nothing"
    assert db.query("select v from t")["v"].tolist() == [2]  # the new file, not the replaced one
    worker.join()
    assert done["n"] > 0  # and the running query was not broken by the swap
    db._connect.clear()
    db._cached_query.clear()
