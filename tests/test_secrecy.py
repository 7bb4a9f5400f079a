"""Statistical secrecy: primary and secondary masking, threshold setting, sensitive crossings (11)."""
from __future__ import annotations

import pytest

from marts_fixture import add_contracts, add_lines, build, by_value, new_db, people, rows

PEOPLE_MEASURES = ["n_participants", "hours_worked", "fte", "n_employment_contracts",
                   "hours_per_participant", "realisation_rate"]


def age_db():
    con = new_db()
    add_lines(con, *people("y", 3, age_band="<26"), *people("m", 6, age_band="26-49"),
              *people("s", 8, age_band="50+"))
    return build(con)


def test_primary_and_secondary_masking():
    by = by_value(age_db(), "select * from mart_hours('age_band')")
    # 3 people: primary; 6 (next smallest): secondary, else 17 - 6 - 8 = 3 comes back; 8: shown
    assert by["<26"]["is_masked"] and by["26-49"]["is_masked"]
    assert not by["50+"]["is_masked"] and by["50+"]["n_participants"] == 8
    assert not by["total"]["is_masked"] and by["total"]["n_participants"] == 17
    for value in ("<26", "26-49"):
        assert all(by[value][m] is None for m in PEOPLE_MEASURES), "masked means null, never 0"


def test_two_primary_cells_need_no_secondary():
    con = new_db()
    add_lines(con, *people("y", 3, age_band="<26"), *people("m", 4, age_band="26-49"),
              *people("s", 10, age_band="50+"))
    by = by_value(build(con), "select * from mart_hours('age_band')")
    assert by["<26"]["is_masked"] and by["26-49"]["is_masked"]
    assert not by["50+"]["is_masked"] and by["50+"]["hours_worked"] == pytest.approx(1000)


def test_threshold_is_inclusive_and_comes_from_settings(monkeypatch):
    con = new_db()
    add_lines(con, *people("a", 5, gender="F"), *people("b", 5, gender="M"))
    by = by_value(build(con), "select * from mart_hours('gender')")
    assert not by["F"]["is_masked"] and by["F"]["n_participants"] == 5
    monkeypatch.setenv("OBSERVATOIRE_SECRECY_THRESHOLD", "6")
    by = by_value(build(con), "select * from mart_hours('gender')")
    assert by["F"]["is_masked"] and by["M"]["is_masked"]
    assert rows(con, "select value from settings where name = 'secrecy_threshold'") == [{"value": "6"}]


def sensitive_db():
    con = new_db()
    add_lines(con, *people("r", 8, publics=["rqth"], residence_commune_code="59350"),
              *people("o", 12, publics=["deld"], residence_commune_code="62041"))
    return build(con)


def test_sensitive_public_crossed_with_commune_uses_11():
    con = sensitive_db()
    # RQTH x commune of residence: 8 people < 11 -> masked
    by = by_value(con, "select * from mart_hours('residence_commune', public := 'rqth')")
    # it is the only row: the total would give it back, so the total is masked too, and a masked
    # total lists no row (its presence would say where these RQTH people live)
    assert by["total"]["is_masked"] and by["total"]["n_participants"] is None
    assert "59350" not in by
    # the same commune without the sensitive public holds the same 8 people (all RQTH): showing
    # it would give the masked RQTH x commune cell back (the old expectation did), so it is masked
    # by the linked suppression, and so is its sibling 62041 (a lone masked cell)
    by = by_value(con, "select * from mart_hours('residence_commune')")
    assert by["59350"]["is_masked"] and by["59350"]["n_participants"] is None
    # here the 12 deld people are all the non-RQTH people (total - deld = rqth): masked as well
    by = by_value(con, "select * from mart_hours('residence_commune', public := 'deld')")
    assert by["total"]["is_masked"]
    # a non-sensitive public crossed with a commune keeps the threshold of 5
    con = new_db()
    add_lines(con, *people("d", 6, publics=["deld"], residence_commune_code="62041"),
              *people("o", 12, residence_commune_code="59350"))
    by = by_value(build(con), "select * from mart_hours('residence_commune', public := 'deld')")
    assert not by["62041"]["is_masked"] and by["62041"]["n_participants"] == 6


def test_sensitive_public_within_an_operation_uses_11():
    con = sensitive_db()
    by = by_value(con, "select * from mart_hours('public', operation := 'OP1')")
    assert by["rqth"]["is_masked"]
    # all 8 RQTH people are in OP1: the unfiltered rqth row is the same cell (linked masking;
    # the old expectation showed it, 8, which gave the masked OP1 cell back)
    by = by_value(con, "select * from mart_hours('public')")
    assert by["rqth"]["is_masked"] and by["rqth"]["n_participants"] is None
    by = by_value(con, "select * from mart_participants('public', operation := 'OP1')")
    assert by["rqth"]["is_masked"] and by["rqth"]["women_share"] is None


def test_operation_and_public_filters_together_are_outside_the_bounded_space():
    con = sensitive_db()
    # two entity filters (operation and public): no figure about people, whatever the counts
    for mart in ("mart_hours", "mart_participants", "mart_exits"):
        for public in ("rqth", "deld"):
            got = rows(con, f"select * from {mart}('gender', operation := 'OP1', public := '{public}')")
            assert len(got) == 1 and got[0]["is_total"] and got[0]["is_masked"]
            assert got[0]["n_participants"] is None
            assert "Trop de filtres combinés" in got[0]["mask_reason"]


def test_category_masking_macro():
    con = build(new_db())

    def masked(x, a, b, c, d, threshold=5):
        return con.execute("select int_category_masked(?, ?, ?, ?, ?, ?)", [x, a, b, c, d, threshold]).fetchone()[0]

    assert masked(3, 10, 20, 0, 0) is True       # primary
    assert masked(10, 3, 20, 0, 0) is True       # secondary: smallest of the unmasked
    assert masked(20, 3, 10, 0, 0) is False
    assert masked(10, 3, 4, 20, 0) is False      # two primary cells: no secondary needed
    assert masked(0, 10, 20, 0, 0) is False      # zero reveals nobody


def test_headlines_mask_people_but_not_contracts():
    con = new_db()
    add_contracts(con, {"contract_id": "C1", "has_social_clause": True})
    add_lines(con, *people("p", 3))
    (h,) = rows(build(con), "select * from mart_headlines()")
    assert h["is_masked"] is True
    assert h["participants"] is None and h["hours_worked"] is None and h["women_share"] is None
    assert h["contracts_known"] == 1 and h["contracts_with_social_consideration"] == 1
    (t,) = rows(con, "select * from mart_contract_share('total')")
    assert t["n_contracts"] == 1  # procurement figures are never masked
