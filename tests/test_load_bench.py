"""The load benchmark (pipelines/bench/load.py): its arithmetic (percentiles, process CPU from /proc,
the split of a filter change into click -> script start / script end -> settled page) and its
browserless client (pipelines/bench/wsclient.py) against a real server on a tiny real build."""
from __future__ import annotations

import os
import time

import pytest

from pipelines.bench.load import _split, pct, process_cpu_s


def test_percentiles_interpolate_between_ranks():
    values = [0.1, 0.2, 0.3, 0.4, 1.0]
    assert pct(values, 50) == 0.3
    assert pct(values, 95) == pytest.approx(0.4 + (1.0 - 0.4) * 0.8)  # rank 3.8 of 0..4
    assert pct([2.0], 95) == 2.0
    assert pct([], 50) != pct([], 50)  # nan when nothing was measured


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="no /proc")
def test_process_cpu_counts_this_process_busy_time():
    before = process_cpu_s(os.getpid())
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    assert 0.1 <= process_cpu_s(os.getpid()) - before <= 2.0


def test_a_filter_change_is_split_around_its_script_run():
    # click at 100.0, run from 100.1 to 100.3 (wall 200 ms, logged at its end), settled at 100.7
    marks = [(100.0, 100.7), (200.0, 200.5)]
    runs = [{"t": 100.3, "wall_ms": 200.0},
            {"t": 200.2, "wall_ms": 100.0}, {"t": 200.4, "wall_ms": 100.0}]  # two runs: ambiguous, left out
    before, after = _split(marks, runs)
    assert before == [pytest.approx(0.1)] and after == [pytest.approx(0.4)]


# --- the WebSocket client against a real server ----------------------------------------------------

def _tiny_app(tmp_path, env=None):
    from pipelines.bench.pages import start_app
    from tests.decp_helpers import marche_2022
    from tests.served_build import build, decp_file

    # two contracts in two départements (Arras 62041, Lille 59350): the sidebar offers « Tous » and both
    decp = decp_file(tmp_path / "decp", "decp.json", [
        marche_2022(),
        marche_2022(id="2024-044", lieuExecution={"code": "59350", "typeCode": "Code commune"})])
    db = tmp_path / "observatoire.duckdb"
    build(db, [decp])
    log = open(tmp_path / "server.log", "wb")
    proc, base = start_app(db, env=env, stderr=log)
    return proc, base, log


def test_a_websocket_session_runs_a_page_and_changes_a_filter(tmp_path):
    """The ws client speaks Streamlit's protocol: a page by its URL path, then the département's
    widget value; the filter is applied (the sidebar's « Effacer les filtres » button appears, the
    URL carries it) and « Tous » removes it."""
    import asyncio

    from pipelines.bench import wsclient
    from pipelines.bench.pages import stop_app

    proc, base, log = _tiny_app(tmp_path)

    async def scenario():
        s = wsclient.Session(base, "marches_clauses", timeout=60)
        try:
            assert await s.open() > 0
            options = s.options("dep")
            assert options[0] == "Tous" and len(options) == 3, options  # Tous + the two départements
            assert "Effacer les filtres" not in s.buttons
            dep = next(o for o in options if o.startswith("59"))
            await s.select("dep", dep)
            assert "Effacer les filtres" in s.buttons and "dep=59" in s.query
            await s.select("dep", "Tous")
            assert "Effacer les filtres" not in s.buttons and "dep=" not in s.query
            with pytest.raises(wsclient.RunFailed):
                await s.select("dep", "99 Nulle part")
            return s.errors
        finally:
            await s.close()

    try:
        assert asyncio.run(scenario()) == []
    finally:
        stop_app(proc)
        log.close()


def test_the_ws_client_runs_a_short_load_phase_with_finished_reruns_and_no_error(tmp_path):
    """`bench(..., client="ws")` on a tiny real database: both phases of two sessions load pages and
    change filters, the server's run log has their reruns, no error."""
    from pipelines.bench.load import bench
    from tests.decp_helpers import marche_2022
    from tests.served_build import build, decp_file

    decp = decp_file(tmp_path / "decp", "decp.json", [marche_2022()])
    db = tmp_path / "observatoire.duckdb"
    build(db, [decp])
    results = bench(db, [2], 4, 1, tmp_path, replicas=1, client="ws")
    assert [r["phase"] for r in results] == ["baseline /vide", "pages"]
    for r in results:
        assert r["errors"] == [], r["errors"]
        assert r["n_loads"] >= 2 and r["n_filters"] >= 2, r
        # every action finished is at least one script run in the server's log
        assert r["n_reruns"] >= r["n_loads"] + r["n_filters"], r
        assert 0 < r["server_med"] <= r["server_p95"] < 60
        assert r["client_cpu_share"] < 1
