"""Per-rerun timing record for the load benchmark (pipelines/bench/load.py).

Off unless the `run_log_path` setting (env OBSERVATOIRE_RUN_LOG) names a file: then every script
run of app.py appends one JSON line to it, `{"t": end time (epoch s), "pid", "page": url path,
"wall_ms": script run time, "cpu_ms": CPU time of the script thread}`. The cost when on is one
`perf_counter`, one `thread_time` and one short append per rerun; when off, one setting lookup.
"""
from __future__ import annotations

import json
import os
import threading
import time
from contextlib import contextmanager

from pipelines import settings

_LOCK = threading.Lock()
_CURRENT = threading.local()


@contextmanager
def rerun():
    """Time the script run inside the block and append its record (when the run log is on)."""
    path = settings.get("run_log_path")
    if not path:
        yield
        return
    _CURRENT.page = ""
    t0, c0 = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:  # also on st.stop() and on the rerun exception of a widget change
        record = {"t": round(time.time(), 4), "pid": os.getpid(), "page": getattr(_CURRENT, "page", ""),
                  "wall_ms": round((time.perf_counter() - t0) * 1000, 2),
                  "cpu_ms": round((time.thread_time() - c0) * 1000, 2)}
        line = json.dumps(record) + "\n"
        try:
            with _LOCK, open(path, "a", encoding="utf-8") as fh:
                fh.write(line)
        except OSError:
            pass  # a benchmark aid: never break a page


def note_page(url_path: str) -> None:
    """Name the page of the current run in its record."""
    _CURRENT.page = url_path


def read(path) -> list[dict]:
    """The records of a run log file (bad or partial lines skipped)."""
    out = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
    except FileNotFoundError:
        pass
    return out
