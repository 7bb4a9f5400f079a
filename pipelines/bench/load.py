"""`python -m pipelines.bench load [--client ws|browser] [--sessions 1,5,10] [--scale 1|10] [--seconds 20] [--replicas 1] [--out bench/out]`

Several people at once: starts the dashboard on the demo built at `--scale` (see
pipelines/bench/marts.py build_demo) with the per-rerun run log on (dashboard/runlog.py), then,
for each N of `--sessions`, runs N concurrent sessions for `--seconds` per phase:

- baseline phase: every session on the empty page (`/vide`);
- pages phase: every session walks through the pages (each starting at a different one).

Two kinds of simulated users (`--client`):

- `ws` (default): each session speaks Streamlit's own WebSocket protocol to the server
  (pipelines/bench/wsclient.py: the messages the front end sends, no browser). A load is a new
  session on `/_stcore/stream` running the page (what a navigation to the page costs the server,
  without the front end's files, which nginx serves in production: deploy/); a filter change is
  the widget value a click on a sidebar option sends; the time is from the message sent to the
  run's `script_finished` received (all its deltas arrived). Thirty sessions cost this process a
  fraction of one core, so the server's figures are the server's, not the browsers'.
- `browser`: one headless chromium context per session (own cookies, WebSocket, Streamlit
  session); a load is a navigation to a settled page (script finished, charts drawn), a filter
  change a click on an option to a settled page. What a user sees, drawing included, but on a
  small machine the browsers take the CPU the server needs (load average 15 at 10 sessions on 2
  cores): the server-side figures then measure the machine.

In both phases a session repeats: load the page, choose a département in the sidebar, set it back
to « Tous ». Per N and phase it prints the median and p95 of the client-side times (load, filter
change), of the server-side script time per rerun (from the run log), the CPU of the script thread
per rerun (run log), the CPU of the whole Streamlit process per rerun (/proc/<pid>/stat over the
phase, divided by the reruns logged in it: event loop, WebSocket and serialisation included), the
CPU of this benchmark process (the ws clients) and the load average before and after the phase;
then the same rows as a Markdown table to paste into docs/benchmarks.md. `--replicas R` starts R
Streamlit processes on the same database and puts session k on replica k mod R (as deploy/'s
proxy would); CPU is then summed over them.

The server runs with the repository's `.streamlit/config.toml` (the settings deploy/'s replicas
read too: no file watcher, no gc.collect() after each run) as `start_app` starts it. Loopback only; every wait is bounded (`ACTION_TIMEOUT_S`), a session stops
starting new actions at the end of its phase. Targets (issue 15, scale 1): one session, median
filter change < 0.5 s; 10 sessions, p95 server-side rerun < 1 s.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import os
import sys
import tempfile
import time
from pathlib import Path

from dashboard import runlog
from pipelines import settings
from pipelines.bench import wsclient
from pipelines.bench.pages import (RENDERED_JS, CHROMIUM, CHROMIUM_ARGS, PAGES, RUN_AFTER_JS, RUN_NUMBER_JS,
                                   start_app, stop_app)

ACTION_TIMEOUT_S = 90
DEPARTEMENTS = ["59 Nord", "62 Pas-de-Calais", "80 Somme", "60 Oise", "02 Aisne"]
TARGET_SINGLE_FILTER_S = 0.5
TARGET_P95_SERVER_S = 1.0


# --- reading the server -----------------------------------------------------------------------

def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    # after the ")" closing the command name: field 3 is state, so utime/stime (14, 15) are [11], [12]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MB, from /proc/<pid>/status (nan when unreadable)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def load_average() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "?"


def pct(values: list[float], q: float) -> float:
    """Percentile `q` (0-100) by linear interpolation; nan when empty."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


# --- one browser session (--client browser) ---------------------------------------------------

async def _settled(page) -> None:
    await page.wait_for_function(RENDERED_JS, timeout=ACTION_TIMEOUT_S * 1000, polling=50)


async def _load(page, url: str) -> float:
    started = time.perf_counter()
    await page.goto(url, timeout=ACTION_TIMEOUT_S * 1000)
    await _settled(page)
    return time.perf_counter() - started


async def _choose_dep(page, label: str, marks: list | None = None) -> float:
    """Choose `label` in the sidebar's département filter; seconds from the click on the option to
    a settled page."""
    before = await page.evaluate(RUN_NUMBER_JS)
    await page.locator(".st-key-dep input[role='combobox']").click(timeout=ACTION_TIMEOUT_S * 1000)
    option = page.get_by_role("option", name=label, exact=True)
    await option.wait_for(timeout=ACTION_TIMEOUT_S * 1000)
    started, clicked_at = time.perf_counter(), time.time()  # the click on the option (opening the list is client-side)
    await option.click(timeout=ACTION_TIMEOUT_S * 1000)
    await page.wait_for_function(RUN_AFTER_JS, arg=before, timeout=ACTION_TIMEOUT_S * 1000, polling=20)
    await _settled(page)
    if marks is not None:
        marks.append((clicked_at, time.time()))
    return time.perf_counter() - started


async def _browser_session(browser, base: str, paths: list[str], start: int, deadline: float, out: dict) -> None:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = await ctx.new_page()
    page.on("pageerror", lambda e: out["errors"].append(f"page error: {e}"))
    i = start
    try:
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            try:
                out["load"].append(await _load(page, f"{base}/{path}"))
                if time.perf_counter() >= deadline:
                    break
                out["filter"].append(await _choose_dep(page, DEPARTEMENTS[i % len(DEPARTEMENTS)], out["marks"]))
                if time.perf_counter() >= deadline:
                    break
                out["filter"].append(await _choose_dep(page, "Tous", out["marks"]))
                body = await page.locator("[data-testid='stMain']").inner_text()
                if "Traceback" in body:
                    out["errors"].append(f"{path}: traceback on the page")
            except Exception as exc:  # a timeout or a broken page: counted, the session goes on
                out["errors"].append(f"{path}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
            i += 1
    finally:
        await ctx.close()


# --- one WebSocket session (--client ws) ------------------------------------------------------

async def _ws_select(session: wsclient.Session, label: str, marks: list) -> float:
    clicked_at = time.time()
    seconds = await session.select("dep", label)
    marks.append((clicked_at, time.time()))
    return seconds


async def _ws_session(base: str, paths: list[str], start: int, deadline: float, out: dict) -> None:
    """A user without a browser: per page, a fresh session (a page load), a département, « Tous »."""
    i = start
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        session = wsclient.Session(base, path, timeout=ACTION_TIMEOUT_S)
        try:
            out["load"].append(await session.open())
            options = session.options("dep")
            if len(options) < 2:
                raise wsclient.RunFailed(f"/{path}: no département filter in the sidebar")
            if time.perf_counter() >= deadline:
                break
            out["filter"].append(await _ws_select(session, options[1 + i % (len(options) - 1)], out["marks"]))
            if time.perf_counter() >= deadline:
                break
            out["filter"].append(await _ws_select(session, options[0], out["marks"]))  # « Tous »
        except Exception as exc:  # a timeout, a closed connection: counted, the session goes on
            out["errors"].append(f"{path}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        finally:
            out["errors"].extend(session.errors)
            out["bytes"] += session.n_bytes
            await session.close()
        i += 1


async def _phase(session, bases: list[str], n: int, paths: list[str], seconds: float) -> dict:
    """`session(base, paths, start, deadline, out)` run by n users at once for `seconds`."""
    out = {"load": [], "filter": [], "errors": [], "marks": [], "bytes": 0}
    deadline = time.perf_counter() + seconds
    # session k on replica k mod R (what the proxy's sticky hash does, evenly)
    await asyncio.gather(*(session(bases[k % len(bases)], paths, k * max(1, len(paths) // max(n, 1)), deadline, out)
                           for k in range(n)))
    return out


def _split(marks: list[tuple[float, float]], runs: list[dict]) -> tuple[list[float], list[float]]:
    """With one session: for each filter change (click, settled), the time from the click to the
    start of its script run, and from the end of the run to the settled page (transfer, drawing)."""
    before, after = [], []
    for clicked, settled in marks:
        mine = [r for r in runs if clicked <= r["t"] <= settled]
        if len(mine) == 1:
            end = mine[0]["t"]
            start = end - mine[0]["wall_ms"] / 1000
            before.append(max(0.0, start - clicked))
            after.append(max(0.0, settled - end))
    return before, after


# --- the benchmark ----------------------------------------------------------------------------

def bench(db: Path, sessions: list[int], seconds: float, scale: int, workdir: Path, replicas: int = 1,
          client: str = "ws") -> list[dict]:
    log_path = workdir / f"runlog-{os.getpid()}.jsonl"
    log_path.unlink(missing_ok=True)
    server_log = open(workdir / "streamlit-load.log", "wb")
    apps = [start_app(db, env={"OBSERVATOIRE_RUN_LOG": str(log_path)}, stderr=server_log) for _ in range(replicas)]
    bases = [base for _, base in apps]

    def cpu() -> float:
        return sum(process_cpu_s(proc.pid) for proc, _ in apps)
    page_paths = [p for p, _ in PAGES if p != "vide"]
    results = []

    async def phases(session) -> None:
        for n in sessions:
            for phase, paths in (("baseline /vide", ["vide"]), ("pages", page_paths)):
                load_before = load_average()
                t0, cpu0, own0 = time.time(), cpu(), time.process_time()
                out = await _phase(session, bases, n, paths, seconds)
                t1, cpu1, own1 = time.time(), cpu(), time.process_time()
                runs = [r for r in runlog.read(log_path) if t0 <= r["t"] <= t1]
                wall = [r["wall_ms"] / 1000 for r in runs]
                before_s, after_s = _split(out["marks"], runs) if n == 1 else ([], [])
                results.append({
                    "client": client, "scale": scale, "replicas": replicas, "sessions": n, "phase": phase,
                    "seconds": t1 - t0, "n_loads": len(out["load"]), "n_filters": len(out["filter"]),
                    "errors": out["errors"],
                    "load_med": pct(out["load"], 50), "load_p95": pct(out["load"], 95),
                    "filter_med": pct(out["filter"], 50), "filter_p95": pct(out["filter"], 95),
                    "n_reruns": len(runs), "server_med": pct(wall, 50), "server_p95": pct(wall, 95),
                    "thread_cpu_med": pct([r["cpu_ms"] / 1000 for r in runs], 50),
                    "to_script_med": pct(before_s, 50), "after_script_med": pct(after_s, 50),
                    "process_cpu_per_rerun": (cpu1 - cpu0) / len(runs) if runs else float("nan"),
                    "process_cpu_share": (cpu1 - cpu0) / (t1 - t0),
                    "client_cpu_share": (own1 - own0) / (t1 - t0),
                    "loadavg_before": load_before, "loadavg_after": load_average(),
                    "rss_mb": sum(process_rss_mb(proc.pid) for proc, _ in apps),
                })
                print(_row(results[-1]), flush=True)

    async def run_ws() -> None:
        for base in bases:
            for path in page_paths:  # warm-up: server imports, every page's caches once
                warm = wsclient.Session(base, path, timeout=ACTION_TIMEOUT_S)
                try:
                    await warm.open()
                finally:
                    await warm.close()
        await phases(_ws_session)

    async def run_browser() -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for base in bases:
                for path in page_paths:  # warm-up: server imports, every page's caches once
                    ctx = await browser.new_context()
                    pg = await ctx.new_page()
                    await _load(pg, f"{base}/{path}")
                    await ctx.close()
            await phases(functools.partial(_browser_session, browser))
            await browser.close()

    try:
        print(_HEADER, flush=True)
        asyncio.run(run_ws() if client == "ws" else run_browser())
    finally:
        for proc, _ in apps:
            stop_app(proc)
        server_log.close()
    return results


_HEADER = (f"{'scale':>5} {'N':>3}  {'phase':<15} {'loads':>5} {'load med/p95 s':>15} {'filters':>7} "
           f"{'filter med/p95 s':>17} {'reruns':>6} {'server med/p95 s':>17} {'cpu thr':>7} "
           f"{'cpu/rerun':>9} {'cpu %':>6} {'client':>6} {'RSS MB':>6} {'err':>4} {'to/after s':>11}  load average")


def _row(r: dict) -> str:
    return (f"{r['scale']:>5} {r['sessions']:>3}  {r['phase']:<15} {r['n_loads']:>5} "
            f"{r['load_med']:>7.2f}/{r['load_p95']:<7.2f} {r['n_filters']:>7} "
            f"{r['filter_med']:>8.2f}/{r['filter_p95']:<8.2f} {r['n_reruns']:>6} "
            f"{r['server_med']:>8.3f}/{r['server_p95']:<8.3f} {r['thread_cpu_med']:>7.3f} "
            f"{r['process_cpu_per_rerun']:>9.3f} {r['process_cpu_share'] * 100:>5.0f}% "
            f"{r['client_cpu_share'] * 100:>5.0f}% {r['rss_mb']:>6.0f} {len(r['errors']):>4} "
            f"{_pair(r['to_script_med'], r['after_script_med']):>11}  {r['loadavg_before']} -> {r['loadavg_after']}")


def _pair(a: float, b: float) -> str:
    return "-" if a != a or b != b else f"{a:.2f}/{b:.2f}"


def _fr(x: float, digits: int = 2) -> str:
    """French decimal comma; « — » when nothing was measured."""
    return "—" if x != x else f"{x:.{digits}f}".replace(".", ",")


def markdown(results: list[dict]) -> str:
    """The rows as the Markdown table of docs/benchmarks.md (French number format)."""
    lines = ["| N | replicas | phase | loads | load med / p95 s | filter changes | filter change med / p95 s "
             "| reruns | server rerun med / p95 s | script thread CPU / rerun | Streamlit CPU / rerun "
             "| Streamlit CPU (1 core = 100 %) | client CPU | Streamlit memory | errors | load average (before -> after) |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        phase = "baseline `/vide`" if r["phase"].startswith("baseline") else r["phase"]
        lines.append(
            f"| {r['sessions']} | {r['replicas']} | {phase} | {r['n_loads']} "
            f"| {_fr(r['load_med'])} / {_fr(r['load_p95'])} | {r['n_filters']} "
            f"| {_fr(r['filter_med'])} / {_fr(r['filter_p95'])} | {r['n_reruns']} "
            f"| {_fr(r['server_med'], 3)} / {_fr(r['server_p95'], 3)} | {_fr(r['thread_cpu_med'], 3)} s "
            f"| {_fr(r['process_cpu_per_rerun'], 3)} s | {_fr(r['process_cpu_share'] * 100, 0)} % "
            f"| {_fr(r['client_cpu_share'] * 100, 0)} % | {_fr(r['rss_mb'], 0)} MB | {len(r['errors'])} "
            f"| {r['loadavg_before'].replace('.', ',')} -> {r['loadavg_after'].replace('.', ',')} |")
    return "\n".join(lines)


def print_summary(results: list[dict]) -> None:
    client = results[0]["client"] if results else "ws"
    seen = ("WebSocket client: load = a new session running the page, filter = the widget value sent "
            "to the run's script_finished received (no browser, no drawing)" if client == "ws" else
            "browser: load = navigation to a settled page; filter = click on a département to a settled "
            "page (script finished, charts drawn)")
    print(f"\n{seen}; server: script run time per rerun (run log); cpu thr: CPU of the script thread per "
          "rerun (median); cpu/rerun: CPU seconds of the whole Streamlit process per rerun logged; cpu %: "
          "Streamlit process CPU over the phase (100 % = one core); client: CPU of this benchmark process "
          "(the ws clients; not the browsers); RSS MB: resident memory of the Streamlit process(es) at the "
          "end of the phase; to/after s (one session only): median time from the click "
          "to the start of its script run, and from the end of the run to the settled page.")
    for r in results:
        for e in r["errors"][:3]:
            print(f"  N={r['sessions']} {r['phase']}: {e}")
    pages = [r for r in results if r["phase"] == "pages"]
    one = next((r for r in pages if r["sessions"] == 1), None)
    ten = next((r for r in pages if r["sessions"] == 10), None)
    if one and one["scale"] == 1:
        ok = one["filter_med"] < TARGET_SINGLE_FILTER_S
        print(f"target, 1 session: median filter change {one['filter_med']:.2f} s "
              f"(< {TARGET_SINGLE_FILTER_S} s): {'ok' if ok else 'NOT MET'}"
              + (" (ws client: without the browser's drawing)" if client == "ws" else ""))
    if ten and ten["scale"] == 1:
        ok = ten["server_p95"] < TARGET_P95_SERVER_S
        print(f"target, 10 sessions: p95 server-side rerun {ten['server_p95']:.2f} s "
              f"(< {TARGET_P95_SERVER_S} s): {'ok' if ok else 'NOT MET'}")
    print("\nMarkdown (docs/benchmarks.md):\n")
    print(markdown(results))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench load")
    p.add_argument("--client", choices=("ws", "browser"), default="ws",
                   help="simulated users: ws = Streamlit's WebSocket protocol, no browser (default); "
                        "browser = headless chromium (what users see, but the browsers take this machine's CPU)")
    p.add_argument("--sessions", default="1,5,10", help="numbers of concurrent sessions (default 1,5,10)")
    p.add_argument("--scale", type=int, default=1, choices=(1, 10), help="demo scale (default 1)")
    p.add_argument("--seconds", type=float, default=20, help="duration of each phase, per N (default 20)")
    p.add_argument("--out", default=str(settings.PROJECT_ROOT / "bench" / "out"), help="work folder")
    p.add_argument("--replicas", type=int, default=1,
                   help="Streamlit processes on the same database, sessions spread over them (default 1)")
    p.add_argument("--rebuild", action="store_true", help="regenerate the demo and rebuild the database")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.client == "browser" and not Path(CHROMIUM).exists():
        print(f"chromium absent ({CHROMIUM}): install it with `make chromium`", file=sys.stderr)
        return 1
    sessions = [int(s) for s in args.sessions.split(",") if s.strip()]
    if not sessions or min(sessions) < 1 or max(sessions) > 50:
        print("--sessions: integers from 1 to 50, comma-separated", file=sys.stderr)
        return 2
    from pipelines.bench.marts import build_demo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = build_demo(out, args.scale, args.rebuild)
    print(f"client {args.client}, demo scale {args.scale}, {max(1, args.replicas)} replica(s), "
          f"{args.seconds:.0f} s per phase, "
          f"load average at start: {load_average()} "
          f"({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="obs-load-", dir=out) as work:
        results = bench(db, sessions, args.seconds, args.scale, Path(work), max(1, args.replicas), args.client)
    print_summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
