"""Benchmarks: each prints a table of figures and ratios against a baseline measured in the same run."""
from __future__ import annotations

import json
import subprocess
import sys

from pipelines.settings import PROJECT_ROOT


def run_in_child(module: str, func: str, *args) -> dict:
    """Call `module.func(*args)` (it returns a dict) in a fresh Python process, so that its peak
    memory is its own; adds `peak_mb` (max RSS) and `cpu_seconds`, or gives {'error': last line}."""
    code = (f"import json, resource; from {module} import {func}; "
            f"r = {func}(*{list(args)!r}); "
            f"u = resource.getrusage(resource.RUSAGE_SELF); r['peak_mb'] = u.ru_maxrss / 1024; "
            f"r['cpu_seconds'] = u.ru_utime + u.ru_stime; print(json.dumps(r))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])
