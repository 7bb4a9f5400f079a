"""mart_exits: categories, dynamic exit rate, Wilson interval, definitions, timepoints, masking."""
from __future__ import annotations

import datetime as dt

import pytest

from marts_fixture import add_lines, build, by_value, new_db, people, rows

END = dt.date(2024, 6, 30)


@pytest.fixture(scope="module")
def con():
    con = new_db()
    add_lines(
        con,
        # 10 leavers: 4 cdi + 1 interim >= 6 months (durable, broad), 2 short cdd (transition),
        # 1 qualifying training (positive), 1 unemployment (other), 1 unknown outcome
        *people("cdi", 4, outcome_end="cdi", outcome_6m="cdi"),
        {"participant_id": "int1", "outcome_end": "interim_6m_plus", "outcome_6m": "cdi", "gender": "F"},
        *people("cdd", 2, outcome_end="cdd_under_6m", gender="F"),
        {"participant_id": "tra1", "outcome_end": "qualifying_training", "outcome_6m": "cdi"},
        {"participant_id": "une1", "outcome_end": "unemployment", "gender": "F"},
        {"participant_id": "unk1", "outcome_end": None},
        # not leavers: a line still open, and an outcome 'ongoing' (and 3 more lines still open:
        # with 2 people still in their path, participants 12 - leavers 10 gave them away, so the
        # leavers would be masked; 5 keeps the figures below publishable)
        {"participant_id": "open1", "end_date": None, "outcome_end": None},
        {"participant_id": "ong1", "outcome_end": "ongoing"},
        *people("still", 3, end_date=None, outcome_end=None),
        # a person whose first line ended in 'cdd_under_6m' but who then came back: last line counts
        {"participant_id": "cdi1", "end_date": dt.date(2023, 12, 31), "start_date": dt.date(2023, 6, 1),
         "outcome_end": "cdd_under_6m"},
    )
    return build(con)


def test_total_end_of_path(con):
    (t,) = rows(con, "select * from mart_exits('total')")
    # 10 leavers shown; 1 unknown outcome: masked, and so is n_known (10 - 9 would give it back).
    # The old expectation published n_unknown = 1 and the rate 8/9 over 9 known, whose complement
    # gave the one "other" exit back (rate x base): both were leaks.
    assert t["n_leavers"] == 10 and t["n_participants"] == 10 and not t["is_masked"]
    assert t["n_known"] is None and t["n_unknown"] is None
    # transition 2, positive 1, other 1 are below 5: masked, and so is n_dynamic; durable 5 (broad)
    # holds one interim of 6 months or more that the strict definition moves out: 5 - 4 = 1, masked
    assert t["n_transition"] is None and t["n_positive"] is None and t["n_other"] is None
    assert t["n_dynamic"] is None and t["n_durable"] is None
    assert t["dynamic_exit_rate"] is None and t["ci_low"] is None and t["ci_high"] is None


def test_strict_definition_moves_durable_to_transition(con):
    broad, = rows(con, "select * from mart_exits('total', durable_definition := 'broad', public := null)")
    strict, = rows(con, "select * from mart_exits('total', durable_definition := 'strict')")
    assert broad["durable_definition"] == "broad" and strict["durable_definition"] == "strict"
    # strict: interim >= 6 months is no longer durable -> 4 durable (below 5: masked)
    assert strict["n_durable"] is None
    assert strict["dynamic_exit_rate"] == pytest.approx(broad["dynamic_exit_rate"])


def test_six_months(con):
    (t,) = rows(con, "select * from mart_exits('total', timepoint := '6m')")
    # +6 months: cdi for cdi1..cdi4, int1, tra1 = 6 known, 4 unknown: 4 people with an unknown
    # situation are masked, and so are n_known (10 - 4) and n_durable / n_dynamic (= known here)
    assert t["timepoint"] == "6m"
    assert t["n_leavers"] == 10 and t["n_known"] is None and t["n_unknown"] is None
    assert t["n_durable"] is None and t["n_dynamic"] is None and t["dynamic_exit_rate"] is None


def test_breakdown_secondary_masking(con):
    by = by_value(con, "select * from mart_exits('gender')")
    # women leavers: int1, cdd1, cdd2, une1 = 4 (< 5, masked); men 6 (masked too, else 10 - 6 = 4)
    assert by["F"]["is_masked"] and by["F"]["n_leavers"] is None
    assert by["M"]["is_masked"] and by["M"]["dynamic_exit_rate"] is None
    assert not by["total"]["is_masked"] and by["total"]["n_leavers"] == 10


def test_category_masked_in_one_row_is_masked_in_a_sibling_row_too():
    con = new_db()
    add_lines(con,
              # men: 6 cdi + 4 unemployment -> other 4 < 5 masked, durable 6 masked beside it
              *people("mc", 6, gender="M", outcome_end="cdi"),
              *people("mu", 4, gender="M", outcome_end="unemployment"),
              # women: 7 cdi + 5 unemployment, no small count of their own
              *people("fc", 7, gender="F", outcome_end="cdi"),
              *people("fu", 5, gender="F", outcome_end="unemployment"),
              # gender unknown: 10 + 10, more known exits than the women
              *people("uc", 10, gender=None, outcome_end="cdi"),
              *people("uu", 10, gender=None, outcome_end="unemployment"))
    build(con)
    by = by_value(con, "select * from mart_exits('gender')")
    assert by["M"]["n_durable"] is None and by["M"]["n_other"] is None
    assert by["total"]["n_durable"] == 23 and by["total"]["n_other"] == 19
    # without masking the women's, the men's durable exits would be 23 - 7 - 10 = 6
    assert by["F"]["n_durable"] is None and by["F"]["n_other"] is None
    assert by["F"]["n_known"] == 12 and by["F"]["n_transition"] == 0
    assert by["unknown"]["n_durable"] == 10 and by["unknown"]["n_other"] == 10
    # the public breakdown is not additive: no column pass there
    by = by_value(con, "select * from mart_exits('public')")
    assert by["none"]["n_durable"] == 23


def test_leavers_are_counted_at_the_build_date():
    con = new_db()
    add_lines(con, *people("p", 6, outcome_end="cdi"))  # lines end on 2024-06-30
    build(con)

    def built_on(day):
        con.execute(f"create or replace table stg_settings as "
                    f"select * replace (date '{day}' as built_on) from stg_settings")

    # built on 2024-06-15: the lines had not ended yet, nobody has left (filtered route)
    built_on("2024-06-15")
    (t,) = rows(con, "select * from mart_exits('total', year_from := 2024)")
    assert t["n_leavers"] == 0
    # built on 2024-07-01: 6 leavers at the end of the path, none 6 months old yet at +6 months
    built_on("2024-07-01")
    (t,) = rows(con, "select * from mart_exits('total', year_from := 2024)")
    assert t["n_leavers"] == 6 and t["n_durable"] == 6
    (t,) = rows(con, "select * from mart_exits('total', timepoint := '6m', year_from := 2024)")
    assert t["n_leavers"] == 0


def test_few_known_exits_do_not_give_back_a_lone_category():
    con = new_db()
    # 6 leavers: 3 cdi, 3 unknown outcomes -> durable 3 masked, the other categories 0
    add_lines(con, *people("c", 3, outcome_end="cdi"), *people("u", 3, outcome_end=None))
    build(con)
    (t,) = rows(con, "select * from mart_exits('total')")
    assert t["n_leavers"] == 6 and t["n_durable"] is None
    # n_known = 3 would say the 3 known exits are all durable (3 - 0 - 0 - 0): hidden, and so is
    # n_unknown (6 - 3)
    assert t["n_known"] is None and t["n_unknown"] is None and t["dynamic_exit_rate"] is None


def test_year_is_year_of_exit(con):
    by = by_value(con, "select * from mart_exits('year')")
    assert set(by) == {"2024", "total"}


def test_bad_parameters_give_a_clear_message(con):
    import duckdb

    with pytest.raises(duckdb.Error, match="dimension inconnue « colour »"):
        con.execute("select * from mart_exits('colour')").fetchall()
    with pytest.raises(duckdb.Error, match="timepoint « 12m »"):
        con.execute("select * from mart_exits('total', timepoint := '12m')").fetchall()
    with pytest.raises(duckdb.Error, match="durable_definition « large »"):
        con.execute("select * from mart_exits('total', durable_definition := 'large')").fetchall()
    with pytest.raises(duckdb.Error, match="mart_hours : dimension inconnue"):
        con.execute("select * from mart_hours('colour')").fetchall()


@pytest.mark.parametrize("filters", ["", "year_from := 2024", "year_from := 2030"])
def test_headlines_agree_with_the_marts(con, filters):
    args = f"({filters})"
    sep = ", " if filters else ""
    (h,) = rows(con, f"select * from mart_headlines{args}")
    (p,) = rows(con, f"select * from mart_participants('total'{sep}{filters})")
    (e,) = rows(con, f"select * from mart_exits('total'{sep}{filters})")
    (w,) = rows(con, f"select * from mart_hours('total'{sep}{filters})")
    assert h["participants"] == p["n_participants"]
    assert h["hours_per_participant"] == pytest.approx(p["hours_per_participant"])
    assert (h["women_share"], h["qpv_share"], h["tenant_share"]) == pytest.approx(
        (p["women_share"], p["qpv_share"], p["tenant_share"]))
    assert h["dynamic_exit_rate"] == pytest.approx(e["dynamic_exit_rate"])
    assert (h["exits_known"], h["exits_unknown"]) == (e["n_known"], e["n_unknown"])
    assert h["hours_worked"] == pytest.approx(w["hours_worked"])
    assert h["is_masked"] == (p["is_masked"] or w["is_masked"])
