"""A tiny real database for the tests that start the app (tests/test_replicas.py, tests/test_load_bench.py):
DECP files written in code, built by `python -m pipelines build` (a new file, then os.replace)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(db: Path, decp: list[Path]) -> None:
    """The real build (pipelines/build.py) of the DECP files `decp` into `db`."""
    cmd = [sys.executable, "-m", "pipelines", "build", "--db", str(db), "--no-progress"]
    if decp:
        cmd += ["--decp", *map(str, decp)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-1000:]


def decp_file(folder: Path, name: str, records: list[dict]) -> Path:
    """One DECP JSON file of `records` in `folder`, labelled as demonstration data: without sign-in
    configured the app then serves the demo mode's default observatoire view (every page)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder.parent / "demo.json").write_text("{}", encoding="utf-8")
    path = folder / name
    path.write_text(json.dumps({"marches": {"marche": records}}), encoding="utf-8")
    return path
