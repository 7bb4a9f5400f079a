"""mart_landlord_benchmark and mart_landlord_position against three landlords built by hand."""
from __future__ import annotations

import pytest

from marts_fixture import add_contracts, add_lines, add_lots, build, new_db, people, rows

L1, L2, L3 = "10000000000001", "20000000000002", "30000000000003"


@pytest.fixture(scope="module")
def con():
    con = new_db()
    add_contracts(
        con,
        # L1: 2 contracts, 2 M€, both with a clause -> clause share 1.0
        {"buyer_siret": L1, "buyer_name": "Habitat Un", "contract_id": "a1", "amount": 1.5e6,
         "has_social_clause": True},
        {"buyer_siret": L1, "buyer_name": "Habitat Un", "contract_id": "a2", "amount": 0.5e6,
         "has_social_clause": True},
        # L2: 2 contracts, 1 M€, one with a clause -> 0.5
        {"buyer_siret": L2, "buyer_name": "Logis Deux", "contract_id": "b1", "amount": 0.6e6,
         "has_social_clause": True},
        {"buyer_siret": L2, "buyer_name": "Logis Deux", "contract_id": "b2", "amount": 0.4e6},
        # L3: 1 contract, 0.5 M€, no clause -> 0.0
        {"buyer_siret": L3, "buyer_name": "Toit Trois", "contract_id": "c1", "amount": 0.5e6},
        # a commune: not a landlord
        {"buyer_siret": "99999999999999", "buyer_type": "commune", "contract_id": "x1"},
    )
    add_lots(con, {"buyer_siret": L1, "contract_id": "a1", "planned_hours": 1250.0})
    # L1: 10 people x 100 h = 1000 h; 4 women; 5 tenants; 10 leavers, 6 to a CDI, 4 unemployed
    add_lines(con, *people("a", 4, buyer_siret=L1, contract_id="a1", gender="F", tenant_of_buyer=True,
                           outcome_end="cdi"),
              *people("b", 6, buyer_siret=L1, contract_id="a1", outcome_end="unemployment"),
              {"participant_id": "b1", "buyer_siret": L1, "contract_id": "a1", "hours_worked": 0.0,
               "tenant_of_buyer": True, "outcome_end": "cdi", "end_date": "2024-07-31",
               "start_date": "2024-07-01"})
    # L2: 6 people x 50 h = 300 h; L3: 2 people (masked)
    add_lines(con, *people("c", 6, buyer_siret=L2, contract_id="b1", hours_worked=50.0))
    add_lines(con, *people("d", 2, buyer_siret=L3, contract_id="c1"))
    return build(con)


def bench(con, **params):
    args = ", ".join(f"{k} := {v!r}" for k, v in params.items())
    return rows(con, f"select * from mart_landlord_benchmark({args})")


def test_indicators_per_landlord(con):
    by = {r["buyer_siret"]: r for r in bench(con, anonymise=False)}
    assert set(by) == {L1, L2, L3}
    one = by[L1]
    assert one["landlord_label"] == "Habitat Un"
    assert one["n_contracts"] == 2 and one["clause_share"] == pytest.approx(1.0)
    assert one["hours_worked"] == pytest.approx(1000)
    assert one["hours_per_million"] == pytest.approx(1000 / 2)
    assert one["realisation_rate"] == pytest.approx(1000 / 1250)
    assert one["n_participants"] == 10
    assert one["women_share"] == pytest.approx(0.4)
    assert one["tenant_share"] == pytest.approx(0.5)  # a1..a4 and b1
    assert one["hours_per_participant"] == pytest.approx(100)
    # last line of b1 ends in a cdi: 4 + 1 = 5 dynamic exits out of 10 known
    assert one["dynamic_exit_rate"] == pytest.approx(0.5)
    assert by[L2]["clause_share"] == pytest.approx(0.5)
    # size bands: terciles of amount: L3 0.5 M small, L2 1 M medium, L1 2 M large
    assert (by[L3]["size_band"], by[L2]["size_band"], one["size_band"]) == ("small", "medium", "large")


def test_masking_with_secondary(con):
    by = {r["buyer_siret"]: r for r in bench(con, anonymise=False)}
    # L3 has 2 people: masked; L2 (6, the next smallest) masked too; L1 shown
    assert by[L3]["is_masked"] and by[L3]["hours_worked"] is None
    assert by[L2]["is_masked"] and by[L2]["n_participants"] is None
    assert by[L2]["clause_share"] == pytest.approx(0.5)  # procurement figures stay
    assert not by[L1]["is_masked"]


def test_anonymised_for_a_viewer(con):
    seen = bench(con, viewer=L2)
    labels = [r["landlord_label"] for r in seen]
    viewer = [r for r in seen if r["is_viewer"]]
    assert len(viewer) == 1 and viewer[0]["landlord_label"] == "Logis Deux" and viewer[0]["buyer_siret"] == L2
    others = [r for r in seen if not r["is_viewer"]]
    assert all(r["buyer_siret"] is None for r in others)
    assert all(r["landlord_label"].startswith("Bailleur ") for r in others)
    assert "Habitat Un" not in labels and "Toit Trois" not in labels
    # stable: another viewer sees the same letters for the same landlords
    by_amount_a = {r["amount"]: r["landlord_label"] for r in bench(con, viewer=L1) if not r["is_viewer"]}
    by_amount_b = {r["amount"]: r["landlord_label"] for r in seen if not r["is_viewer"]}
    assert by_amount_a[0.5e6] == by_amount_b[0.5e6]
    assert sorted(set(by_amount_a.values()) | set(by_amount_b.values())) == [
        "Bailleur A", "Bailleur B", "Bailleur C"]


def test_position(con):
    pos = {(r["indicator"], r["scope"]): r for r in rows(con, f"select * from mart_landlord_position('{L2}')")}
    region = pos[("clause_share", "region")]
    # clause shares 1.0, 0.5, 0.0: median 0.5, quartiles 0.25 / 0.75; L2 above 1 of the 2 others
    assert region["viewer_value"] == pytest.approx(0.5)
    assert (region["q1"], region["median"], region["q3"]) == pytest.approx((0.25, 0.5, 0.75))
    assert region["percentile_rank"] == pytest.approx(0.5)
    assert region["n_landlords"] == 3
    peers = pos[("clause_share", "peers")]
    assert peers["peer_group"] == "medium" and peers["n_landlords"] == 1 and peers["percentile_rank"] is None
    # masked values are out of the distribution: only L1 has hours per million
    hours = pos[("hours_per_million", "region")]
    assert hours["n_landlords"] == 1 and hours["viewer_value"] is None and hours["median"] is None


def test_precomputed_and_filtered_paths_agree(con):
    fast = bench(con, anonymise=False)
    recomputed = bench(con, anonymise=False, year_from=1900)
    assert len(fast) == len(recomputed) == 3
    for a, b in zip(fast, recomputed):
        assert b == pytest.approx(a)
