"""mart_hours and mart_participants against a hand-built fixture of 11 people on two lots."""
from __future__ import annotations

import datetime as dt

import pytest

from marts_fixture import add_contracts, add_lines, add_lots, build, by_value, new_db, people, rows


@pytest.fixture(scope="module")
def con():
    # These tests check the computations (hours, planned, paths, multi-valued rows) on 11 people:
    # at the threshold of 5 most of these figures are rightly masked (e.g. masonry 960 h minus its
    # 2024 cell gives w1's 60 h), so the fixture is built with a threshold of 1 (nothing masked).
    # Secrecy is tested in test_secrecy.py and test_secrecy_attack.py.
    mp = pytest.MonkeyPatch()
    mp.setenv("OBSERVATOIRE_SECRECY_THRESHOLD", "1")
    mp.setenv("OBSERVATOIRE_SECRECY_THRESHOLD_SENSITIVE", "1")
    con = new_db()
    add_contracts(con, {"contract_id": "C1", "has_social_clause": True, "sector": "works"})
    add_lots(con,
             {"contract_id": "C1", "trade": "masonry", "contract_kind": "works", "planned_hours": 1000.0},
             {"contract_id": "C2", "trade": "cleaning", "contract_kind": "gup", "planned_hours": 200.0})
    # 6 men on C1, 150 h each = 900 h; five have publics deld + rsa, one deld only
    add_lines(con, *people("m", 5, contract_id="C1", hours_worked=150.0, publics=["deld", "rsa"]),
              {"participant_id": "m6", "contract_id": "C1", "hours_worked": 150.0, "publics": ["deld"],
               "qpv_resident": True})
    # 5 women on C2, 40 h each = 200 h, in 2025; w1 also worked 60 h on C1 (pooling) in 2025
    add_lines(con, *people("w", 5, contract_id="C2", gender="F", hours_worked=40.0, age_band="<26",
                           start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 3, 31)),
              {"participant_id": "w1", "contract_id": "C1", "gender": "F", "hours_worked": 60.0,
               "age_band": "<26", "start_date": dt.date(2025, 4, 1), "end_date": dt.date(2025, 4, 30)})
    build(con)
    mp.undo()
    return con


def test_total(con):
    (t,) = rows(con, "select * from mart_hours('total')")
    # 900 + 200 + 60 = 1160 h by 11 people on 12 lines; planned 1000 + 200
    assert t["n_participants"] == 11 and not t["is_masked"]
    assert t["hours_worked"] == pytest.approx(1160)
    assert t["n_employment_contracts"] == 12
    assert t["hours_planned"] == pytest.approx(1200)
    assert t["realisation_rate"] == pytest.approx(1160 / 1200)
    assert t["fte"] == pytest.approx(1160 / 1607)
    assert t["hours_per_participant"] == pytest.approx(1160 / 11)


def test_fte_parameter(con):
    (t,) = rows(con, "select * from mart_hours('total', fte_hours := 1160)")
    assert t["fte"] == pytest.approx(1.0)


def test_by_trade_has_planned_and_rate(con):
    by = by_value(con, "select * from mart_hours('trade')")
    # masonry: 900 h of m1..m6 + 60 h of w1 = 960 h, 7 people, planned 1000
    assert by["masonry"]["hours_worked"] == pytest.approx(960)
    assert by["masonry"]["n_participants"] == 7
    assert by["masonry"]["realisation_rate"] == pytest.approx(0.96)
    assert by["cleaning"]["hours_worked"] == pytest.approx(200)
    assert by["cleaning"]["realisation_rate"] == pytest.approx(1.0)
    assert by["cleaning"]["hours_planned"] == pytest.approx(200)


def test_people_dimension_has_no_planned(con):
    by = by_value(con, "select * from mart_hours('gender')")
    assert by["M"]["hours_worked"] == pytest.approx(900) and by["M"]["n_participants"] == 6
    assert by["F"]["hours_worked"] == pytest.approx(260) and by["F"]["n_participants"] == 5
    assert by["M"]["hours_planned"] is None and by["M"]["realisation_rate"] is None
    assert by["total"]["hours_planned"] == pytest.approx(1200)


def test_public_is_multi_valued(con):
    by = by_value(con, "select * from mart_hours('public')")
    # deld: m1..m6 (6), rsa: m1..m5 (5), none: the 5 women -> 16 > 11 people in total
    assert by["deld"]["n_participants"] == 6
    assert by["rsa"]["n_participants"] == 5
    assert by["none"]["n_participants"] == 5
    assert by["total"]["n_participants"] == 11
    assert not by["deld"]["is_additive"]
    (g,) = [r for r in rows(con, "select * from mart_hours('gender')") if r["is_total"]]
    assert g["is_additive"]


def test_year_filter_and_public_filter(con):
    (t,) = rows(con, "select * from mart_hours('total', year_from := 2025)")
    assert t["hours_worked"] == pytest.approx(260) and t["n_participants"] == 5
    # lots are dated by their DECP contract (C1: 2024) or first line (C2: 2025)
    assert t["hours_planned"] == pytest.approx(200)
    (t,) = rows(con, "select * from mart_hours('total', public := 'rsa')")
    assert t["hours_worked"] == pytest.approx(750) and t["n_participants"] == 5
    assert t["hours_planned"] is None  # planned hours have no public


def test_sector_filter_uses_decp_sector(con):
    (t,) = rows(con, "select * from mart_hours('total', sector := 'works')")
    # lines on C1 (in DECP, sector works): 900 + 60 h; C2 is a GUP lot not in DECP: no sector
    assert t["hours_worked"] == pytest.approx(960)


def test_participants_paths(con):
    (t,) = rows(con, "select * from mart_participants('total')")
    assert t["n_participants"] == 11
    assert t["women_share"] == pytest.approx(5 / 11)
    assert t["qpv_share"] == pytest.approx(1 / 11)
    assert t["under_26_share"] == pytest.approx(5 / 11)
    # 12 lines over 11 people; w1 is on 2 procurement contracts (C2 and C1)
    assert t["employment_contracts_per_participant"] == pytest.approx(12 / 11)
    assert t["procurement_contracts_per_participant"] == pytest.approx(12 / 11)
    assert t["pooled_share"] == pytest.approx(1 / 11)
    assert t["hours_per_participant"] == pytest.approx(1160 / 11)
    by = by_value(con, "select * from mart_participants('gender')")
    assert by["F"]["hours_worked"] == pytest.approx(260)
    # w1: 2025-01-01 to 2025-04-30 = 119 days; w2..w5: 2025-01-01 to 2025-03-31 = 89 days
    assert by["F"]["avg_path_months"] == pytest.approx((119 + 4 * 89) / 5 / 30.4375)


def test_participants_multi_valued_buyer_and_year(con):
    by = by_value(con, "select * from mart_participants('year')")
    assert by["2024"]["n_participants"] == 6 and by["2025"]["n_participants"] == 5
    by = by_value(con, "select * from mart_participants('public')")
    assert not by["total"]["is_additive"]
    assert by["deld"]["n_participants"] == 6


@pytest.mark.parametrize("mart,dimension", [
    ("mart_hours", "total"), ("mart_hours", "trade"), ("mart_hours", "public"), ("mart_hours", "gender"),
    ("mart_participants", "gender"), ("mart_participants", "public"), ("mart_participants", "buyer"),
    ("mart_exits", "total"), ("mart_exits", "modality"),
])
def test_precomputed_and_filtered_paths_agree(con, mart, dimension):
    """Unfiltered calls read tables materialised at build time; a filter that keeps every line
    (year_from := 1900) recomputes from the lines: both must give the same rows."""
    fast = rows(con, f"select * from {mart}('{dimension}')")
    recomputed = rows(con, f"select * from {mart}('{dimension}', year_from := 1900)")
    assert len(fast) == len(recomputed) >= 1
    for a, b in zip(fast, recomputed):  # same rows; floats may differ in the last bits (sum order)
        assert b == pytest.approx(a)


def test_hours_per_1000_inhabitants_of_the_operation_territory(con):
    # every line is on OP1 in Lille (59, MEL: 230 000 inhabitants in the fixture's reference rows)
    deps = by_value(con, "select * from mart_territory_hours('operation_departement')")
    assert deps["59"]["population"] == 230000
    assert deps["59"]["hours_per_1000"] == pytest.approx(1160 / 230000 * 1000)  # 5,04 h
    assert deps["total"]["population"] is None and deps["total"]["hours_per_1000"] is None
    epci = by_value(con, "select * from mart_territory_hours('operation_epci')")
    assert epci["200093201"]["hours_per_1000"] == pytest.approx(1160 / 230000 * 1000)


def test_hours_per_1000_inhabitants_only_from_published_hours():
    # threshold 5: 6 people in Lille, 2 in Arras (masked); Lille is then masked too (total - Lille
    # would give Arras back): the mart has the population but no rate, nothing from the raw hours
    con = new_db()
    add_lots(con, {"contract_id": "C1", "planned_hours": 1000.0})
    add_lines(con, *people("l", 6, hours_worked=100.0),
              *people("a", 2, hours_worked=50.0, operation_id="OP2", operation_commune_code="62041"))
    build(con)
    deps = by_value(con, "select * from mart_territory_hours('operation_departement')")
    assert deps["62"]["is_masked"] and deps["62"]["hours_worked"] is None
    assert deps["62"]["population"] == 41000 and deps["62"]["hours_per_1000"] is None
    assert deps["59"]["is_masked"] and deps["59"]["hours_per_1000"] is None
    assert deps["total"]["hours_worked"] == pytest.approx(700)  # 8 people: published
