"""A small hand-made build for the committee tests (Sorties, Rapport de comité, exports).

One operation OP1 (Lille, Nord, landlord "Bailleur Nord"), people of 100 h each:

| exit year | people | at the end of the path                              | 6 months after                                   |
|-----------|--------|-----------------------------------------------------|--------------------------------------------------|
| 2024      | 40     | 10 CDI, 6 CDD < 6 months, 5 training, 5 unemployment, 14 unknown | 12 CDI, 8 CDD < 6 months, 5 training, 5 unemployment, 10 unknown |
| 2023      | 10     | 5 CDI, 5 unemployment                               | same                                             |

2024, end of path: 40 leavers, 26 known, 14 unknown (35,0 % > 30 %: warning), dynamic 21 / 26 =
80,8 % on 26 known exits (< 30: fragile). 2024, at 6 months: 30 known, 10 unknown (25,0 %: no
warning), dynamic 25 / 30 = 83,3 %, not fragile (30 known).
2023: 10 leavers, 10 known, 5 durable, dynamic 5 / 10 = 50,0 % (fragile). Hours: 100 h a person
(2024: 4 000 h, 2023: 1 000 h); planned: one lot of 4 500 h.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from marts_fixture import finish_build, add_lines, add_lots, add_two_communes
from pipelines import schema


def _people(prefix: str, year: int, groups: list[tuple[int, str | None, str | None]]) -> list[dict]:
    rows, i = [], 0
    for n, end, six in groups:
        for _ in range(n):
            i += 1
            rows.append({"participant_id": f"{prefix}{i}", "start_date": dt.date(year, 1, 1),
                         "end_date": dt.date(year, 6, 30), "outcome_end": end, "outcome_6m": six,
                         "hours_worked": 100.0})
    return rows


Y2024 = [(10, "cdi", "cdi"), (2, None, "cdi"), (6, "cdd_under_6m", "cdd_under_6m"), (2, None, "cdd_under_6m"),
         (5, "qualifying_training", "qualifying_training"), (5, "unemployment", "unemployment"), (10, None, None)]
Y2023 = [(5, "cdi", "cdi"), (5, "unemployment", "unemployment")]


def build_committee_db(path: Path | str, *, demo: bool = True) -> Path:
    path = Path(path)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    schema.create_all_tables(con)
    add_two_communes(con)
    add_lines(con, *_people("a", 2024, Y2024), *_people("b", 2023, Y2023))
    add_lots(con, {"planned_hours": 4500.0})
    finish_build(con, demo=demo, built_at="2026-12-01T10:00:00", n_files=1)
    return path
