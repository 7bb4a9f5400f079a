"""`python -m pipelines.bench pages [--scales 1,10] [--out bench/out] [--repeat 3] [--rebuild]`

Starts the dashboard on the demo built at each scale (`bench/out/demo-sN`, built by
`python -m pipelines demo` + `python -m pipelines build` when absent), loads every page in headless
chromium and prints, per page: the time to a fully rendered page (script finished, no skeleton
left, every Plotly chart drawn), the query time within it (the footer written by dashboard/db.py),
and the time of one interaction (the département filter changed in the sidebar); then the search
box of Accueil (SEARCHES typed, target: the search query under 200 ms at scale 10). Ratios are
against the empty page (`/vide`) measured in the same run. Target: an interaction under 1 s
at scale 1.

The helpers (`start_app`, `stop_app`, `wait_rendered`, `CHROMIUM_ARGS`) are shared with
tests/test_browser.py.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pipelines import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# (url path, French title) of every page; "vide" is the baseline
PAGES = [
    ("vide", "Page vide"),
    ("", "Accueil"),
    ("marches_clauses", "Marchés clausés"),
    ("heures", "Heures d'insertion"),
    ("publics", "Publics et parcours"),
    ("sorties", "Sorties vers l'emploi"),
    ("territoires", "Territoires"),
    ("bailleurs", "Bailleurs"),
    ("objectifs", "Objectifs"),
    ("rapport", "Rapport de comité"),
    ("calculateur", "Calculateur d'heures"),
    ("qualite", "Qualité des données"),
    ("methode", "Méthode"),
]
INTERACTION_TARGET_S = 1.0
# the search box on Accueil: typed words (a typo, no accents, an id) and the target of its answer
SEARCHES = ["aubepine habiat", "rehabilitation logements tilleuls", "moulin lile", "27832116192233"]
SEARCH_TARGET_MS = 200.0

RENDERED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('.st-key-obs-query-time') && !document.querySelector('[data-testid="stAlert"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
  const drawn = document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length;
  return drawn >= charts;
}"""

# number of the last finished script run (footer's `st-key-obs-run-N` class), and "a later run ended"
RUN_NUMBER_JS = """() => {
  const el = document.querySelector('[class*="st-key-obs-run-"]');
  const m = el && el.className.match(/st-key-obs-run-(\\d+)/);
  return m ? parseInt(m[1]) : 0;
}"""
RUN_AFTER_JS = """(before) => {
  const el = document.querySelector('[class*="st-key-obs-run-"]');
  const m = el && el.className.match(/st-key-obs-run-(\\d+)/);
  return m && parseInt(m[1]) > before;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path | str, port: int | None = None, timeout: float = 60, *, env: dict | None = None,
              stderr=subprocess.PIPE) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on `db`; return (process, base URL) once it answers.

    `env` adds environment variables (OBSERVATOIRE_RUN_LOG...); `stderr` is where the server's
    log goes (a pipe by default: pass a file for long runs, a pipe nobody reads fills up).
    """
    port = port or free_port()
    env = dict(os.environ, **(env or {}), OBSERVATOIRE_DB=str(db))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(settings.PROJECT_ROOT / "app.py"),
         "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=settings.PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            detail = proc.stderr.read().decode(errors="replace")[-500:] if proc.stderr else ""
            raise RuntimeError(f"streamlit exited: {detail}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    stop_app(proc)
    raise RuntimeError(f"streamlit did not answer on {base} within {timeout:.0f} s")


def stop_app(proc: subprocess.Popen) -> None:
    """Stop the app started by `start_app` (that process only)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_rendered(page, timeout_ms: float = 60_000) -> None:
    """Wait until the Streamlit page is fully rendered (see RENDERED_JS)."""
    page.wait_for_function(RENDERED_JS, timeout=timeout_ms, polling=50)


def query_ms(page) -> float | None:
    """Query time the page reports in its footer (ms), None when absent."""
    el = page.query_selector(".st-key-obs-query-time")
    if not el:
        return None
    m = re.search(r"([\d\s\u202f\u00a0]+(?:,\d+)?)\s*ms", el.inner_text())
    if not m:
        return None
    return float(re.sub(r"[\s\u202f\u00a0]", "", m.group(1)).replace(",", "."))


def select_option(page, key: str, label: str) -> None:
    """Choose `label` in the Streamlit selectbox whose key is `key`.

    Streamlit's combobox (react-aria) does not always open its list on a click on the input: when no
    option shows within 2 s, the keyboard opens it (ArrowDown), as a user would."""
    combo = page.locator(f".st-key-{key} input[role='combobox']")
    combo.click()
    option = page.get_by_role("option", name=label, exact=True)
    try:
        option.wait_for(timeout=2000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: the list did not open
        combo.press("ArrowDown")
        option.wait_for(timeout=15000)
    option.click()


def _load(page, url: str) -> tuple[float, float | None]:
    started = time.perf_counter()
    page.goto(url)
    wait_rendered(page)
    return time.perf_counter() - started, query_ms(page)


def run_number(page) -> int:
    """Number of the last finished script run, from the footer's `st-key-obs-run-N` class (0 if none)."""
    return page.evaluate(RUN_NUMBER_JS)


def wait_rerun(page, action, timeout_ms: float = 60_000) -> None:
    """Do `action` (a click...) and wait for the rerun it triggers to be fully rendered."""
    before = run_number(page)
    action()
    page.wait_for_function(RUN_AFTER_JS, arg=before, timeout=timeout_ms, polling=20)
    wait_rendered(page, timeout_ms)


def _interact(page, dep_label: str, back_label: str = "Tous") -> tuple[float, float | None]:
    started = time.perf_counter()
    wait_rerun(page, lambda: select_option(page, "dep", dep_label))
    elapsed = time.perf_counter() - started
    q = query_ms(page)
    wait_rerun(page, lambda: select_option(page, "dep", back_label))
    return elapsed, q


def search_ms(page) -> float | None:
    """Time of the search query in the run just rendered (`obs-search-ms` caption of dashboard/search.py)."""
    el = page.query_selector(".st-key-obs-search-ms")
    if not el:
        return None
    m = re.search(r"([\d\s\u202f\u00a0]+(?:,\d+)?)\s*ms", el.inner_text())
    return float(re.sub(r"[\s\u202f\u00a0]", "", m.group(1)).replace(",", ".")) if m else None


def _search(page, text: str) -> tuple[float, float | None]:
    """Type `text` in the Accueil search box; (seconds to the rendered answer, search query ms)."""
    field = page.locator(".st-key-recherche input")

    def type_it():
        field.fill(text)
        field.press("Enter")

    started = time.perf_counter()
    wait_rerun(page, type_it)
    return time.perf_counter() - started, search_ms(page)


def bench_search(page, base: str, scale: int, repeat: int) -> list[dict]:
    """One row per typed text: median time to the rendered answer and of the search query."""
    page.goto(base + "/")
    wait_rendered(page)
    out = []
    for text in SEARCHES:
        # the same words written differently (case, punctuation: folded away by the search) are new
        # query texts for the dashboard's query cache: every timed run is a cache miss
        variants = ["-" + text, text + ".", "(" + text + ")", "« " + text + " »", "/" + text, text + " ;"]
        _search(page, text)  # warm-up
        runs = []
        for i in range(repeat):
            runs.append(_search(page, variants[i % len(variants)] + (" !" * (i // len(variants)))))
        out.append({"scale": scale, "search": text, "answer_s": statistics.median(r[0] for r in runs),
                    "search_ms": statistics.median(r[1] or 0 for r in runs)})
    return out


def print_search_table(rows: list[dict]) -> None:
    if not rows:
        return
    print(f"\n{'scale':>5}  {'search (Accueil)':<36} {'answer s':>9} {'query ms':>9}  target")
    for r in rows:
        ok = "ok" if r["search_ms"] < SEARCH_TARGET_MS else "SLOW"
        print(f"{r['scale']:>5}  {r['search']:<36} {r['answer_s']:>9.2f} {r['search_ms']:>9.1f}  {ok} "
              f"(query < {SEARCH_TARGET_MS:.0f} ms)")
    print("answer: from Enter to the rendered results; query ms: mart_search as timed by the page "
          "(dashboard/search.py), each timed run a cache miss (the text written differently).")


def bench_scale(db: Path, scale: int, repeat: int, searches: list | None = None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    proc, base = start_app(db)
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/")  # warm-up: server imports, browser caches, first queries
            wait_rendered(page)
            for path, title in PAGES:
                _load(page, f"{base}/{path}")  # warm this page's caches
                loads = [_load(page, f"{base}/{path}") for _ in range(repeat)]
                dep = "59 Nord"
                inter = [_interact(page, dep) for _ in range(repeat)]
                results.append({
                    "scale": scale, "page": title, "path": path,
                    "load_s": statistics.median(x[0] for x in loads),
                    "query_ms": statistics.median(x[1] or 0 for x in loads),
                    "interaction_s": statistics.median(x[0] for x in inter),
                    "interaction_query_ms": statistics.median(x[1] or 0 for x in inter),
                })
            if searches is not None:
                searches += bench_search(page, base, scale, repeat)
            browser.close()
    finally:
        stop_app(proc)
    base_row = next(r for r in results if r["path"] == "vide")
    for r in results:
        r["load_ratio"] = r["load_s"] / base_row["load_s"] if base_row["load_s"] else float("nan")
        r["interaction_ratio"] = (r["interaction_s"] / base_row["interaction_s"]
                                  if base_row["interaction_s"] else float("nan"))
    return results


def print_table(results: list[dict]) -> None:
    header = (f"{'scale':>5}  {'page':<24} {'load s':>7} {'ratio':>6} {'query ms':>9}   "
              f"{'interaction s':>13} {'ratio':>6} {'query ms':>9}  target")
    print(header)
    print("-" * len(header))
    for r in results:
        ok = "baseline" if r["path"] == "vide" else (
            "ok" if r["interaction_s"] < INTERACTION_TARGET_S or r["scale"] != 1 else "SLOW")
        print(f"{r['scale']:>5}  {r['page']:<24} {r['load_s']:>7.2f} {r['load_ratio']:>6.2f} {r['query_ms']:>9.1f}   "
              f"{r['interaction_s']:>13.2f} {r['interaction_ratio']:>6.2f} {r['interaction_query_ms']:>9.1f}  {ok}")
    print(f"\nload: from navigation to a fully rendered page (script finished, charts drawn); interaction: "
          f"département filter changed; ratios against the empty page of the same run; query ms: time "
          f"spent in dashboard/db.py queries (cache hits included). Target: interaction < "
          f"{INTERACTION_TARGET_S:.0f} s at scale 1.")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench pages")
    p.add_argument("--scales", default="1,10", help="demo scales, comma-separated (default 1,10)")
    p.add_argument("--out", default=str(settings.PROJECT_ROOT / "bench" / "out"), help="work folder")
    p.add_argument("--repeat", type=int, default=3, help="loads per page (median kept)")
    p.add_argument("--rebuild", action="store_true", help="regenerate the demo and rebuild the database")
    p.add_argument("--search-only", action="store_true", help="only the search box of Accueil (SEARCHES)")
    p.add_argument("--db", help="with --search-only: this database instead of the demo build (one scale)")
    return p


def search_only(db: Path, scale: int, repeat: int) -> list[dict]:
    """The search part alone (app started on `db`)."""
    from playwright.sync_api import sync_playwright

    proc, base = start_app(db)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            rows = bench_search(page, base, scale, repeat)
            browser.close()
    finally:
        stop_app(proc)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"chromium absent ({CHROMIUM}): install it with `make chromium`", file=sys.stderr)
        return 1
    from pipelines.bench.marts import build_demo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results, searches = [], []
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if args.search_only:
        for scale in scales[:1] if args.db else scales:
            db = Path(args.db) if args.db else build_demo(out, scale, args.rebuild)
            searches += search_only(db, scale, args.repeat)
        print_search_table(searches)
        return 0
    for scale in scales:
        db = build_demo(out, scale, args.rebuild)
        results += bench_scale(db, scale, args.repeat, searches)
    print_table(results)
    print_search_table(searches)
    return 0


if __name__ == "__main__":
    sys.exit(main())
