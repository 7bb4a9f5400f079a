"""Helpers for the dashboard's AppTests: a page runner, the tiny real build (tests/tiny_build.py) and the demo build."""
from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.tiny_build import tiny_db  # noqa: F401  (the page tests' database, re-exported)

if __name__ == "dashboard_apptest":   # imported without its package (tests/ on sys.path): one module,
    import sys                        # so one cache, and the demo and tiny builds are made once a session
    from tests import dashboard_apptest as _the_module
    sys.modules[__name__] = _the_module

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ["accueil", "marches_clauses", "heures", "publics", "sorties", "territoires", "bailleurs", "objectifs",
         "rapport", "calculateur", "qualite", "methode", "acheteur", "operation"]


def run_page(page: str, db: Path | str, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run app.py on `page` with the database `db` and optional URL query parameters."""
    os.environ["OBSERVATOIRE_DB"] = str(db)
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()  # st.navigation registers the pages on the first run
    if page != "accueil":
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def open_tables(at: AppTest, *keys: str) -> AppTest:
    """Open the "Tableau des données" expanders of the charts with these keys, and rerun."""
    for key in keys:
        at.session_state[f"tbl-{key}"] = True
    at.run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """{label: shown value} of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """All markdown and caption text of the page, joined."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def frames(at: AppTest):
    """The data frames shown on the page."""
    return [d.value for d in at.dataframe]


DEMO_SEED = 7


def demo_build(scale: int = 1) -> tuple[Path, Path, str | None]:
    """The demo generated (seed DEMO_SEED, the one tests/test_demo.py's figures are worked out on)
    and built through the normal pipeline, once per test session for every module that uses it
    (tests/test_demo.py, the page and browser tests): (input folder, database, None or the reason
    of a failure). The salt is a temporary file, never the project's data/secret/salt."""
    return _demo_build(scale)   # one cache key per scale, however the scale is passed


@functools.lru_cache(maxsize=None)
def _demo_build(scale: int) -> tuple[Path, Path, str | None]:
    import subprocess
    import sys

    out = Path(tempfile.mkdtemp(prefix=f"obs-demo-s{scale}-"))
    demo, db = out / "demo", out / "observatoire.duckdb"
    env = {**os.environ, "OBSERVATOIRE_SALT_FILE": str(out / "secret" / "salt")}
    steps = [
        [sys.executable, "-m", "pipelines", "demo", "--out", str(demo), "--scale", str(scale),
         "--seed", str(DEMO_SEED)],
        [sys.executable, "-m", "pipelines", "build", "--db", str(db), "--decp", str(demo / "decp"),
         "--clauses", str(demo / "clauses"), "--buyers", str(demo / "acheteurs.csv"),
         "--targets", str(demo / "objectifs.csv"), "--no-progress"],
    ]
    for cmd in steps:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            return demo, db, f"{' '.join(cmd[2:4])} failed ({proc.returncode}): {proc.stderr.strip()[-300:]}"
    return demo, db, None


def demo_db(scale: int = 1) -> Path:
    """The demo database of `demo_build`. Skips the calling test when the generator or the build
    fails and wrote no database (they belong to other areas; tests/test_demo.py fails instead)."""
    _, db, failure = demo_build(scale)
    if failure and not db.exists():
        pytest.skip(f"demo not available: {failure}")
    return db


@pytest.fixture(autouse=True)
def restore_db_env(monkeypatch):
    """Put OBSERVATOIRE_DB back as it was after each test (run_page sets it for the app)."""
    monkeypatch.setenv("OBSERVATOIRE_DB", os.environ.get("OBSERVATOIRE_DB", ""))
    yield
