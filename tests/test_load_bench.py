"""The load benchmark's arithmetic (pipelines/bench/load.py): percentiles, process CPU from /proc,
and the split of a filter change into click -> script start / script end -> settled page."""
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
