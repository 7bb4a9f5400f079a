"""Objectifs: the two ANRU floors (mart_anru_floors) and the burn-up (mart_burnup, mart_burnup_status).

Small builds made in code; every expected number is worked out by hand below.
"""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import access
from dashboard import formatting as fmt
from marts_fixture import add_contracts, add_lines, add_lots, build, new_db, people, rows
from tests.dashboard_apptest import restore_db_env, run_page, texts  # noqa: F401

B1 = "11111111111111"


@pytest.fixture(scope="module")
def floors():
    con = new_db()
    add_lots(con,
             # OP1 investment: 1 M€ of masonry (50 % labour, 30 €/h) -> 16 666.67 h of work
             {"contract_id": "W1", "trade": "masonry", "contract_kind": "works", "contract_amount": 1e6},
             # OP1 investment: no amount in the export, 600 k€ in the linked DECP contract -> 10 000 h
             {"contract_id": "W2", "trade": "masonry", "contract_kind": "works", "contract_amount": None},
             # OP1 GUP: 100 k€ of cleaning (80 %, 20 €/h) -> 4 000 h of work
             {"contract_id": "G1", "trade": "cleaning", "contract_kind": "gup", "contract_amount": 1e5},
             # OP2: a works lot with no amount anywhere -> its floor cannot be computed
             {"operation_id": "OP2", "operation_name": "Opération sans montant", "contract_id": "W3",
              "trade": "masonry", "contract_kind": "works", "contract_amount": None})
    add_contracts(con, {"contract_id": "W2", "amount": 6e5, "has_social_clause": True})
    # OP1: 6 QPV residents x 250 h on W1 = 1 500 h; 5 QPV residents x 60 h on G1 = 300 h;
    # 5 others x 40 h on G1. OP2: 6 QPV residents x 100 h on W3.
    add_lines(con, *people("q", 6, contract_id="W1", hours_worked=250.0, qpv_resident=True),
              *people("g", 5, contract_id="G1", hours_worked=60.0, qpv_resident=True),
              *people("n", 5, contract_id="G1", hours_worked=40.0),
              *people("z", 6, operation_id="OP2", contract_id="W3", hours_worked=100.0, qpv_resident=True))
    return build(con)


def _floors(con, args=""):
    return {(r["operation_id"], r["lot_kind"]): r for r in rows(con, f"select * from mart_anru_floors({args})")}


def test_floors_each_against_its_own_share(floors):
    got = _floors(floors)
    inv, gup = got[("OP1", "investment")], got[("OP1", "gup")]
    # investment: 16 666.67 + 10 000 (DECP) = 26 666.67 h; floor 5 % = 1 333.33 h; 1 500 h QPV = 5.625 %
    assert inv["estimated_hours"] == pytest.approx(1e6 * 0.5 / 30 + 6e5 * 0.5 / 30)
    assert inv["n_lots"] == 2 and inv["n_lots_amount_export"] == 1 and inv["n_lots_amount_decp"] == 1
    assert inv["amount"] == pytest.approx(1.6e6)
    assert inv["is_computable"] and inv["not_computable_reason"] is None
    assert inv["floor_share"] == pytest.approx(0.05)
    assert inv["floor_hours"] == pytest.approx(1333.333, abs=1e-3)
    assert inv["qpv_hours"] == pytest.approx(1500)
    assert inv["qpv_share"] == pytest.approx(1500 / 26666.667, abs=1e-6)
    assert inv["meets_floor"] is True
    # GUP: 4 000 h; floor 10 % = 400 h; 300 h QPV = 7.5 %: below its floor
    assert gup["estimated_hours"] == pytest.approx(4000) and gup["floor_hours"] == pytest.approx(400)
    assert gup["qpv_hours"] == pytest.approx(300) and gup["qpv_share"] == pytest.approx(0.075)
    assert gup["meets_floor"] is False and gup["floor_share"] == pytest.approx(0.10)


def test_floor_not_computable_says_why_and_for_how_many_lots(floors):
    op2 = _floors(floors)[("OP2", "investment")]
    assert op2["n_lots"] == 1 and op2["n_lots_no_amount"] == 1 and op2["n_lots_amount_decp"] == 0
    assert op2["is_computable"] is False and op2["floor_hours"] is None
    assert op2["qpv_share"] is None and op2["meets_floor"] is None
    assert op2["not_computable_reason"].startswith("1 lot(s) sur 1 sans montant")
    # the QPV hours are people figures, shown (6 people): only the share has no denominator
    assert op2["qpv_hours"] == pytest.approx(600)
    # the region's investment total: 3 lots, one without an amount -> not computable either
    total = _floors(floors)[(None, "investment")]
    assert total["is_total"] and total["n_lots"] == 3 and total["n_lots_no_amount"] == 1
    assert total["is_computable"] is False and "1 lot(s) sur 3" in total["not_computable_reason"]
    assert total["qpv_hours"] == pytest.approx(2100)


def test_floors_of_one_operation(floors):
    got = _floors(floors, "operation := 'OP1'")
    assert set(got) == {("OP1", "investment"), ("OP1", "gup"), (None, "investment"), (None, "gup")}
    assert got[(None, "investment")]["floor_hours"] == pytest.approx(1333.333, abs=1e-3)
    assert got[(None, "gup")]["meets_floor"] is False


def test_floors_mask_the_split_of_few_qpv_residents():
    con = new_db()
    add_lots(con, {"contract_id": "W1", "contract_kind": "works", "contract_amount": 1e6},
             {"contract_id": "G1", "trade": "cleaning", "contract_kind": "gup", "contract_amount": 1e5})
    # 10 QPV residents on W1, 2 on G1 (and 5 others on each): the row's 12 QPV residents are shown
    # in mart_targets, but the GUP split (2 people) is masked, and the investment one with it (the
    # row's QPV hours - investment = GUP)
    add_lines(con, *people("w", 10, contract_id="W1", qpv_resident=True),
              *people("g", 2, contract_id="G1", qpv_resident=True), *people("n", 5, contract_id="W1"),
              *people("m", 5, contract_id="G1"))
    build(con)
    (t,) = [r for r in rows(con, "select * from mart_targets()") if not r["is_total"]]
    assert t["hours_worked_qpv"] == pytest.approx(1200)
    got = _floors(con)
    assert got[("OP1", "gup")]["qpv_hours"] is None and got[("OP1", "gup")]["is_masked"]
    assert got[("OP1", "investment")]["qpv_hours"] is None
    assert got[(None, "investment")]["qpv_hours"] is None and got[(None, "gup")]["qpv_hours"] is None
    # the floors themselves are procurement figures: shown
    assert got[("OP1", "gup")]["floor_hours"] == pytest.approx(400)


def test_floors_split_is_withheld_with_a_year_filter(floors):
    got = _floors(floors, "year_from := 2024, year_to := 2024")
    assert got[("OP1", "investment")]["qpv_hours"] is None
    assert got[("OP1", "investment")]["floor_hours"] == pytest.approx(1333.333, abs=1e-3)


# --- burn-up -----------------------------------------------------------------------------------

def _burnup_db(target_hours=1000.0):
    con = new_db()
    add_lots(con, {"contract_id": "C1", "planned_hours": 800.0})
    d = dt.date
    # lines start in Jan (5 people x 20 h), Feb (2 x 50), Mar (3 x 50), Apr 2024 (5 x 40)
    add_lines(con,
              *people("a", 5, start_date=d(2024, 1, 10), end_date=d(2024, 1, 31), hours_worked=20.0),
              *people("b", 2, start_date=d(2024, 2, 10), end_date=d(2024, 2, 28), hours_worked=50.0),
              *people("c", 3, start_date=d(2024, 3, 10), end_date=d(2024, 3, 31), hours_worked=50.0),
              *people("e", 5, start_date=d(2024, 4, 10), end_date=d(2024, 4, 30), hours_worked=40.0))
    if target_hours is not None:
        con.execute("insert into targets values ('buyer', ?, 'Programme 2024', ?, '2024-01-01', '2024-12-31')",
                    [B1, target_hours])
    return build(con)


@pytest.fixture(scope="module")
def burnup():
    return _burnup_db()


def test_burnup_publishes_points_of_at_least_five_people(burnup):
    got = rows(burnup, f"select * from mart_burnup(landlord := '{B1}')")
    actual = {r["month"]: r for r in got if r["series"] == "actual"}
    assert list(actual) == [dt.date(2024, m, 1) for m in (1, 2, 3, 4)]  # up to the data's last month
    # backwards: Apr (5 people) | Mar + Feb (3 + 2) | Jan (5): Feb alone would give 2 people's 100 h
    assert actual[dt.date(2024, 1, 1)]["cumulative_hours"] == pytest.approx(100)
    assert actual[dt.date(2024, 2, 1)]["cumulative_hours"] is None
    assert actual[dt.date(2024, 3, 1)]["cumulative_hours"] == pytest.approx(100 + 100 + 150)
    assert actual[dt.date(2024, 4, 1)]["cumulative_hours"] == pytest.approx(550)
    assert actual[dt.date(2024, 4, 1)]["is_anchor"] and not any(r["is_masked"] for r in got)
    assert {r["objective_hours"] for r in got} == {1000} and {r["objective_source"] for r in got} == {"target"}
    # pace: no published point 6 months before April -> from the start (Dec 2023, 0 h): 550 / 4
    # = 137.5 h a month; May 687.5, Jun 825, Jul 962.5, Aug 1 000 (capped at the objective)
    proj = [(r["month"], r["projected_hours"]) for r in got if r["series"] == "projection"]
    assert proj == [(dt.date(2024, 5, 1), pytest.approx(687.5)), (dt.date(2024, 6, 1), pytest.approx(825)),
                    (dt.date(2024, 7, 1), pytest.approx(962.5)), (dt.date(2024, 8, 1), pytest.approx(1000))]


def _status(con, args):
    (s,) = rows(con, f"select * from mart_burnup_status({args})")
    return s


def test_burnup_status_on_time(burnup):
    s = _status(burnup, f"landlord := '{B1}'")
    assert s["hours_per_month"] == pytest.approx(137.5) and s["window_months_used"] == 4
    assert s["window_start"] == dt.date(2023, 12, 1) and s["window_end"] == dt.date(2024, 4, 1)
    # 450 h to go / 137.5 = 3.3 -> 4 months: August 2024, by December but not 6 months before
    assert s["reach_month"] == dt.date(2024, 8, 1) and s["track_status"] == "on_time"
    assert s["months_late"] == -4 and s["progress_rate"] == pytest.approx(0.55)
    # a one-month window: from March (350 h) to April (550 h) = 200 h a month -> 2.25 -> July
    s1 = _status(burnup, f"landlord := '{B1}', window_months := 1")
    assert s1["hours_per_month"] == pytest.approx(200) and s1["reach_month"] == dt.date(2024, 7, 1)


def test_burnup_status_ahead_and_late():
    # 600 h: 50 h to go -> May 2024, at least 6 months before December: ahead
    assert _status(_burnup_db(600.0), f"landlord := '{B1}'")["track_status"] == "ahead"
    # 2 000 h: 1 450 / 137.5 = 10.5 -> 11 months: March 2025, 3 months after the deadline
    late = _status(_burnup_db(2000.0), f"landlord := '{B1}'")
    assert late["track_status"] == "late" and late["reach_month"] == dt.date(2025, 3, 1) and late["months_late"] == 3
    # 500 h: already reached in April
    assert _status(_burnup_db(500.0), f"landlord := '{B1}'")["track_status"] == "reached"


def test_burnup_planned_objective_without_target():
    con = _burnup_db(None)
    s = _status(con, f"landlord := '{B1}'")
    assert s["objective_source"] == "planned" and s["objective_hours"] == pytest.approx(800)
    assert s["track_status"] == "no_deadline" and s["reach_month"] == dt.date(2024, 6, 1)  # 250 / 137.5 -> 2


def test_burnup_of_fewer_than_five_people_is_masked():
    con = new_db()
    add_lots(con, {"contract_id": "C1", "planned_hours": 800.0})
    add_lines(con, *people("a", 4, hours_worked=20.0))
    build(con)
    got = rows(con, f"select * from mart_burnup(landlord := '{B1}')")
    assert got and all(r["is_masked"] and r["cumulative_hours"] is None for r in got)
    assert not [r for r in got if r["series"] == "projection"]
    assert _status(con, f"landlord := '{B1}'")["track_status"] == "masked"
    # landlord and operation together: two filters, outside the bounded space
    con2 = _burnup_db(None)
    both = rows(con2, f"select * from mart_burnup(landlord := '{B1}', operation := 'OP1')")
    assert both and all(r["is_masked"] and r["cumulative_hours"] is None for r in both)


def test_burnup_without_scope_is_empty(burnup):
    assert rows(burnup, "select * from mart_burnup()") == []
    assert rows(burnup, "select * from mart_burnup_status()") == []


def test_floors_total_of_the_only_kind_is_the_published_qpv_total():
    con = new_db()
    for op in ("OP1", "OP2", "OP3", "OP4"):
        add_lots(con, {"operation_id": op, "contract_id": "W" + op, "contract_amount": 1e6})
    # investment lots only, 100 h a line. OP1: 2 QPV residents (masked) among 7; OP2: 6 (masked beside
    # it); OP3: 7; OP4: 10 among 20.
    add_lines(con, *people("a", 2, operation_id="OP1", contract_id="WOP1", qpv_resident=True),
              *people("b", 5, operation_id="OP1", contract_id="WOP1"),
              *people("c", 6, operation_id="OP2", contract_id="WOP2", qpv_resident=True),
              *people("d", 7, operation_id="OP3", contract_id="WOP3", qpv_resident=True),
              *people("e", 10, operation_id="OP4", contract_id="WOP4", qpv_resident=True),
              *people("f", 10, operation_id="OP4", contract_id="WOP4"))
    build(con)
    targets = {r["operation_id"]: r for r in rows(con, "select * from mart_targets()")}
    assert targets["OP1"]["hours_worked_qpv"] is None and targets[None]["hours_worked_qpv"] == pytest.approx(2500)
    got = _floors(con)
    assert got[("OP1", "investment")]["qpv_hours"] is None and got[("OP3", "investment")]["qpv_hours"] == 700
    # no GUP lot: the investment total is the 2 500 h mart_targets publishes (2 + 6 + 7 + 10 people x
    # 100 h), over 4 x 16 666.67 h = 3,75 %, below the 5 % floor
    total = got[(None, "investment")]
    assert total["qpv_hours"] == pytest.approx(2500) and total["qpv_share"] == pytest.approx(0.0375)
    assert total["meets_floor"] is False


# --- a committee scoped to a territory: the targets of that territory (mart_custom_targets) ---------

def test_committee_of_a_territory_sees_the_targets_of_its_territory(tmp_path, monkeypatch):
    con = new_db()
    # OP1 in Lille (59): 6 people x 100 h; OP2 in Arras (62): 6 people x 100 h, another landlord
    add_lines(con, *people("a", 6), *people("b", 6, operation_id="OP2", operation_name="Opération Arras",
                                                 operation_commune_code="62041", buyer_siret="22222222222222",
                                                 buyer_name="Bailleur Arras"))
    con.execute("""insert into targets values
        ('operation', 'OP1', 'Objectif Lille', 1200, '2024-01-01', '2025-12-31'),
        ('operation', 'OP2', 'Objectif Arras', 1200, '2024-01-01', '2025-12-31')""")
    con.execute("insert into build_info values ('data_label', 'données de démonstration'), "
                "('built_at', '2026-12-01T10:00:00')")
    build(con)
    path = tmp_path / "o.duckdb"
    con.execute(f"attach '{path}' as out")
    con.execute("copy from database memory to out")
    con.execute("detach out")
    con.close()
    # a committee of the Nord, the Nord chosen in the sidebar
    monkeypatch.setattr(access, "resolve", lambda info, known, **kw: access.Scope(
        role="comite", territories=("59",), source="test"))
    at = run_page("objectifs", path, query={"dep": "59 Nord"})
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    # before: mart_custom_targets took no territory, the call was outside the committee's scope
    assert not any("ne sont pas publics" in w for w in warnings), warnings
    shown = texts(at)
    assert "Objectif Lille" in shown and "Objectif Arras" not in shown
    assert f"{fmt.hours(600)} réalisées sur {fmt.hours(1200)} visées" in shown  # 6 people x 100 h
