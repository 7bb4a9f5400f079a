"""`python -m pipelines.bench profile [--pages marches_clauses,bailleurs,objectifs,territoires] [--scale 1] [--top 25]`

Profiles one warm rerun of each page (cProfile, in-process through Streamlit's AppTest on the
demo built at `--scale`): the page is run once to fill the caches, then rerun under the profiler
with the same filters, which is what a click on a widget costs the server. Prints the rerun's
time, the time spent in a few buckets (dashboard/db.py queries, Plotly figure building,
`st.plotly_chart` serialisation, pandas, `ui.table` formatting) and the top functions by
cumulative time. A figure of what repeats per rerun; it does not include the WebSocket transfer
nor the browser's drawing (see `pipelines.bench load` for those).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from pipelines import settings

DEFAULT_PAGES = ["marches_clauses", "bailleurs", "objectifs", "territoires"]
# (bucket, predicate on the (file, function) of a profiled entry): cumulative time, outermost call
BUCKETS = [
    ("requêtes dashboard/db.py", lambda f, fn: f.endswith("dashboard/db.py") and fn == "query"),
    ("figures Plotly (construction)", lambda f, fn: "plotly/graph_objs" in f and fn == "__init__"),
    ("st.plotly_chart (sérialisation)", lambda f, fn: f.endswith("plotly_chart.py") and fn == "plotly_chart"),
    ("ui.chart (safe_figure + style)", lambda f, fn: f.endswith("dashboard/ui.py") and fn == "chart"),
    ("ui.table (mise en forme)", lambda f, fn: f.endswith("dashboard/ui.py") and fn == "table"),
    ("st.dataframe", lambda f, fn: f.endswith("arrow.py") and fn == "dataframe"),
]


def _profile_rerun(page: str, db: Path, top: int) -> str:
    from dashboard import runlog
    from tests.dashboard_apptest import run_page

    prof = cProfile.Profile()
    state = {"on": False}
    original = runlog.rerun

    @contextmanager
    def profiled():  # app.py's per-run context: profile the script thread while it runs
        with original():
            if state["on"]:
                prof.enable()
            try:
                yield
            finally:
                if state["on"]:
                    prof.disable()

    runlog.rerun = profiled
    try:
        at = run_page(page, db)  # first run: caches filled
        at.run()
        state["on"] = True
        started = time.perf_counter()
        at.run()  # the profiled rerun: same filters, warm caches
        elapsed = time.perf_counter() - started
        state["on"] = False
    finally:
        runlog.rerun = original
    if at.exception:
        return f"{page}: exception {at.exception[0].value}"
    stats = pstats.Stats(prof)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "<module>" and k[0].endswith("app.py")) or elapsed
    lines = [f"== {page}: rerun {elapsed * 1000:.0f} ms (AppTest), profiled script {total * 1000:.0f} ms"]
    for label, pred in BUCKETS:
        calls = [(v[1], v[3]) for (f, _, fn), v in stats.stats.items() if pred(f, fn)]
        if calls:
            lines.append(f"   {label:<34} {sum(c[1] for c in calls) * 1000:>7.0f} ms  ({sum(c[0] for c in calls)} appels)")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    body = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(body) if ln.lstrip().startswith("ncalls")), 0)
    lines += ["   " + ln for ln in body[start:]]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench profile")
    p.add_argument("--pages", default=",".join(DEFAULT_PAGES), help="page files, comma-separated")
    p.add_argument("--scale", type=int, default=1, help="demo scale (default 1)")
    p.add_argument("--top", type=int, default=25, help="functions listed per page")
    p.add_argument("--out", default=str(settings.PROJECT_ROOT / "bench" / "out"), help="work folder")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from pipelines.bench.marts import build_demo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = build_demo(out, args.scale, False)
    if str(settings.PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(settings.PROJECT_ROOT))
    os.environ["OBSERVATOIRE_DB"] = str(db)
    for page in [p.strip() for p in args.pages.split(",") if p.strip()]:
        print(_profile_rerun(page, db, args.top), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
