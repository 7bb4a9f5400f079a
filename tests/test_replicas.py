"""Several replicas on one database (deploy/README.md): two Streamlit processes serve the same
read-only file; a rebuild swaps it atomically and both serve the new build without a restart and
without an error in the sessions open during the swap (in chromium, and WebSocket sessions of the
load benchmark's client changing a filter in a loop while the build runs and swaps)."""
from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from pathlib import Path

import pytest

from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app, wait_rendered, wait_rerun
from tests.decp_helpers import marche_2022
from tests.served_build import build as _build, decp_file

FOOTER = "Base construite le"

ROOT = Path(__file__).resolve().parent.parent
MIME_TYPES = "/etc/nginx/mime.types"  # included by every distribution's nginx.conf

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"chromium absent ({CHROMIUM}): `make chromium` installs it")


class _Clicking(threading.Thread):
    """One WebSocket session per replica (pipelines/bench/wsclient.py), opened on *Qualité des
    données* and changing the département filter back and forth until `stop` is set; every run's
    footer is kept, in order. A session never reconnects: a closed connection is an error."""

    def __init__(self, bases: list[str]):
        super().__init__(daemon=True)
        self.bases, self.stop, self.errors = bases, threading.Event(), []
        self.footers: dict[str, list[str]] = {base: [] for base in bases}

    def run(self) -> None:
        asyncio.run(self._all())

    async def _all(self) -> None:
        await asyncio.gather(*(self._one(base) for base in self.bases))

    async def _one(self, base: str) -> None:
        from pipelines.bench import wsclient

        session = wsclient.Session(base, "qualite", timeout=60)
        try:
            await session.open()
            self._keep(base, session)
            options = session.options("dep")
            assert len(options) >= 2, options
            i = 1
            while not self.stop.is_set():
                await session.select("dep", options[i % 2])  # a département, « Tous », ...
                self._keep(base, session)
                i += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(f"{base}: {type(exc).__name__}: {exc}")
        finally:
            self.errors.extend(session.errors)
            await session.close()

    def _keep(self, base: str, session) -> None:
        self.footers[base].append(next((t for t in session.texts if FOOTER in t), "(no footer)"))

    def wait(self, done, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while not done() and not self.errors and self.is_alive() and time.time() < deadline:
            time.sleep(0.1)
        assert done(), (self.errors, self.footers)


def _footer(page) -> str:
    return page.locator("[data-testid='stCaptionContainer']", has_text=FOOTER).last.inner_text()


def _no_error(page, errors: list[str]) -> None:
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Traceback" not in body and "Base de données absente" not in body, body[-500:]
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


def test_two_replicas_serve_the_new_build_after_an_atomic_swap(tmp_path):
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    # demonstration data: the demo mode's default observatoire view, whose navigation holds every page used here
    a = decp_file(tmp_path / "decp", "decp-a.json", [marche_2022()])
    b = decp_file(tmp_path / "decp", "decp-b.json", [marche_2022(id="2024-043", objet="Espaces verts")])
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

            clicking = _Clicking([base for _, base in replicas])  # sessions busy during the swap
            clicking.start()
            clicking.wait(lambda: all(clicking.footers.values()))
            before = {base: len(f) for base, f in clicking.footers.items()}
            _build(db, [a, b])  # rebuild while both sessions are open: written aside, then swapped
            assert all(len(f) > before[base] for base, f in clicking.footers.items()), "no run during the build"
            # the busy sessions: the new build within a few runs, on the same connection, no error
            clicking.wait(lambda: all(len(f) >= 2 and "2 fichiers chargés" in f[-1] for f in clicking.footers.values()))
            clicking.stop.set()
            clicking.join(timeout=90)
            assert not clicking.errors, clicking.errors
            for footers in clicking.footers.values():
                assert "1 fichiers chargés" in footers[0], footers
                first_new = next(i for i, f in enumerate(footers) if "2 fichiers chargés" in f)
                # once a replica serves the new file it never goes back to the replaced one
                assert all("2 fichiers chargés" in f for f in footers[first_new:]), footers

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
    from dashboard import db

    path = tmp_path / "obs.duckdb"
    _write_db(path, 1)
    monkeypatch.setenv("OBSERVATOIRE_DB", str(path))
    # the long query below may take more than the app's 10 s wait on a loaded machine: the test is
    # about waiting for it, not about how long the wait is
    monkeypatch.setattr(db, "_CLOSE_WAIT_S", 300.0)
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


def _nginx_site(tmp: Path, ports: list[int]) -> tuple[Path, int]:
    """deploy/nginx/observatoire.conf on loopback test ports, a self-signed certificate, temp paths."""
    import re

    from pipelines.bench.pages import free_port

    ssl = tmp / "ssl"
    ssl.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(ssl / "privkey.pem"), "-out", str(ssl / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    https, http = free_port(), free_port()
    site = (ROOT / "deploy" / "nginx" / "observatoire.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/observatoire", str(ssl))
    import streamlit

    static = Path(streamlit.__file__).parent / "static" / "static"
    site = re.sub(r"alias /opt/observatoire/\S*/streamlit/static/static/;", f"alias {static}/;", site)
    assert f"alias {static}/;" in site
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ [^;]*;", site, re.M)
    assert len(servers) == 2, "the shipped site lists two replicas"
    for line, port in zip(servers, ports):
        site = site.replace(line, re.sub(r":\d+", f":{port}", line))
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    (tmp / "nginx.conf").write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\nhttp {{\n"
        f"  access_log {tmp}/access.log;\n  include {MIME_TYPES};\n  default_type application/octet-stream;\n"
        + "".join(f"  {k}_temp_path {tmp}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {tmp}/site.conf;\n}}\n", encoding="utf-8")
    return tmp / "nginx.conf", https


@pytest.mark.skipif(not __import__("shutil").which("nginx") or not Path(MIME_TYPES).exists(),
                    reason="nginx absent (apt-get install nginx-light)")
def test_nginx_site_keeps_each_browser_on_one_replica_over_https_and_websocket(tmp_path):
    """The shipped nginx site in front of two replicas: pages render through HTTPS and the
    WebSocket, the route cookie is set, every rerun of a browser runs on the same replica, no
    request is refused by the rate limits, static files are served compressed and cached."""
    import re

    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    from dashboard import runlog

    db = tmp_path / "observatoire.duckdb"
    _build(db, [])
    runs = tmp_path / "runs.jsonl"
    logs = [open(tmp_path / f"replica-{i}.log", "wb") for i in range(2)]
    replicas, nginx = [], None
    try:
        for log in logs:
            replicas.append(start_app(db, env={"OBSERVATOIRE_RUN_LOG": str(runs)}, stderr=log))
        conf, https = _nginx_site(tmp_path, [int(base.rsplit(":", 1)[1]) for _, base in replicas])
        nginx = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                                 stderr=subprocess.PIPE)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            by_browser = []
            for _ in range(4):  # four browsers (contexts: own cookies)
                ctx = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                since = runlog.read(runs)
                page.goto(f"https://127.0.0.1:{https}/vide")
                wait_rendered(page)
                wait_rerun(page, lambda page=page: page.get_by_role("link", name="Méthode").click())
                page.reload()
                wait_rendered(page)
                cookies = {c["name"]: c["value"] for c in ctx.cookies()}
                assert cookies.get("obs_route"), cookies
                _no_error(page, errors)
                pids = {r["pid"] for r in runlog.read(runs)[len(since):]}
                assert len(pids) == 1, pids  # every run of this browser on one replica
                by_browser.append(pids.pop())
                ctx.close()
            browser.close()
        assert set(by_browser) <= {proc.pid for proc, _ in replicas}
        # the front end's files come from nginx, compressed and cached (not from a replica)
        import ssl as ssl_lib
        import urllib.request

        index = urllib.request.urlopen(f"https://127.0.0.1:{https}/vide", context=ssl_lib._create_unverified_context())
        js = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', index.read().decode()).group(1)
        req = urllib.request.Request(f"https://127.0.0.1:{https}/{js}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, context=ssl_lib._create_unverified_context()) as r:
            assert "immutable" in r.headers.get("Cache-Control", "")
            assert r.headers.get("Content-Encoding") == "gzip"
        statuses = [line.split('"')[2].split()[0] for line in (tmp_path / "access.log").read_text().splitlines()]
        assert statuses.count("101") == 8  # every page load upgraded its WebSocket
        # none refused by a limit (429) nor failed (5xx); the front end's probes of
        # /<page>/_stcore/health answer 404 without a proxy too
        assert not [s for s in statuses if s == "429" or s.startswith("5")], "refused or failed requests"
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for proc, _ in replicas:
            stop_app(proc)
        for log in logs:
            log.close()
