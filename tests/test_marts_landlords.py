"""Landlord benchmark: int_landlord_indicators (per landlord, by name, never published as is),
mart_landlord_benchmark (anonymous distributions) and mart_landlord_position, on hand-made builds.

Two builds: three landlords (too few for any comparison to be published) and a region of twelve
landlords with DECP contracts in three size bands of four, plus two execution-only landlords whose
few participants are masked. tests/test_landlord_anonymity.py attacks the second one."""
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


def indicators(con, **params):
    args = ", ".join(f"{k} := {v!r}" for k, v in params.items())
    return {r["buyer_siret"]: r for r in rows(con, f"select * from int_landlord_indicators({args})")}


def bench(con, **params):
    args = ", ".join(f"{k} := {v!r}" for k, v in params.items())
    return rows(con, f"select * from mart_landlord_benchmark({args})")


def position(con, viewer, **params):
    args = "".join(f", {k} := {v!r}" for k, v in params.items())
    return {(r["indicator"], r["scope"]): r
            for r in rows(con, f"select * from mart_landlord_position('{viewer}'{args})")}


def test_indicators_per_landlord(con):
    by = indicators(con)
    assert set(by) == {L1, L2, L3}
    one = by[L1]
    assert one["landlord_name"] == "Habitat Un"
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
    # size bands: terciles of the DECP amount: L3 0.5 M small, L2 1 M medium, L1 2 M large
    assert (by[L3]["size_band"], by[L2]["size_band"], one["size_band"]) == ("small", "medium", "large")


def test_masking_with_secondary(con):
    by = indicators(con)
    # L3 has 2 people: masked; L2 (6, the next smallest) masked too; L1 shown
    assert by[L3]["is_masked"] and by[L3]["hours_worked"] is None
    assert by[L2]["is_masked"] and by[L2]["n_participants"] is None and by[L2]["women_share"] is None
    assert by[L2]["clause_share"] == pytest.approx(0.5)  # procurement figures stay
    assert not by[L1]["is_masked"]


def test_size_band_ignores_the_year_filter(con):
    # the band is public knowledge, the same for every period: L1 stays large over 2025 (no contract)
    assert indicators(con, year_from=2025)[L1]["size_band"] == "large"


def test_three_landlords_are_too_few_for_any_comparison(con):
    """Three landlords with a clause share, one with people figures: below 4, nothing is published
    but the viewer's own values."""
    assert bench(con, viewer=L2) == []
    assert bench(con, viewer=L2, scope="peers") == []
    pos = position(con, L2)
    clause = pos[("clause_share", "region")]
    assert clause["viewer_value"] == pytest.approx(0.5) and not clause["viewer_is_masked"]
    assert not clause["is_published"]
    assert (clause["n_landlords"], clause["median"], clause["q1"], clause["percentile_rank"]) == (None,) * 4
    women = pos[("women_share", "region")]
    assert women["viewer_value"] is None and women["viewer_is_masked"]  # L2 is masked: shown "s"
    assert pos[("women_share", "peers")]["peer_group"] == "medium"


def test_precomputed_and_filtered_paths_agree(con):
    fast = indicators(con)
    recomputed = indicators(con, year_from=1900)
    assert set(fast) == set(recomputed) == {L1, L2, L3}
    for siret in fast:
        assert recomputed[siret] == pytest.approx(fast[siret])


# --- a region of twelve landlords -----------------------------------------------------------------

# siret, amount (M€), contracts, of which with a clause, people, women, QPV residents, tenants,
# hours per person, exits to a CDI, exits to unemployment (the others' outcome is unknown)
REGION = [
    ("40000000000001", 1.0, 4, 1, 6, 1, 2, 3, 100.0, 2, 2),  # 4 known exits: exit rate masked
    ("40000000000002", 1.1, 4, 4, 8, 4, 1, 2, 50.0, 3, 3),
    ("40000000000003", 1.2, 4, 2, 5, 3, 4, 1, 80.0, 1, 4),
    ("40000000000004", 1.3, 4, 3, 10, 2, 5, 6, 120.0, 5, 5),
    ("40000000000005", 2.0, 5, 1, 7, 6, 3, 2, 90.0, 4, 2),
    ("40000000000006", 2.2, 5, 5, 9, 2, 2, 5, 110.0, 1, 6),
    ("40000000000007", 2.4, 5, 2, 12, 7, 6, 3, 70.0, 6, 5),
    ("40000000000008", 2.6, 5, 4, 6, 3, 1, 1, 130.0, 2, 3),
    ("40000000000009", 4.0, 2, 1, 11, 5, 4, 8, 60.0, 7, 3),
    ("40000000000010", 4.5, 2, 0, 15, 9, 7, 4, 140.0, 3, 10),
    ("40000000000011", 5.0, 2, 2, 8, 1, 3, 6, 95.0, 4, 1),
    ("40000000000012", 5.5, 2, 1, 9, 4, 8, 2, 105.0, 1, 2),  # 3 known exits: exit rate masked
]
# execution data only (no DECP contract: band 'small'), 3 and 2 people: both masked
EXECUTION_ONLY = [("50000000000001", 3), ("50000000000002", 2)]
PLANNED = 1000.0  # hours planned per landlord (one lot)


def landlord_name(siret):
    return f"Bailleur {siret[-2:]}" if siret.startswith("4") else f"Petit bailleur {siret[-1]}"


def landlord_lines(siret, n, women, qpv, tenants, hours, cdi, unemployed, prefix=None):
    """The employment lines of one landlord's people, in the order of the attributes above."""
    prefix = prefix or siret
    out = []
    for j in range(1, n + 1):
        out.append({
            "participant_id": f"{prefix}-{j}", "buyer_siret": siret, "buyer_name": landlord_name(siret),
            "contract_id": f"{siret}-c1", "hours_worked": hours, "gender": "F" if j <= women else "M",
            "qpv_resident": j > n - qpv, "tenant_of_buyer": j <= tenants,
            "outcome_end": "cdi" if j <= cdi else "unemployment" if j <= cdi + unemployed else None,
        })
    return out


def build_region(people_of=None):
    """The region build; `people_of` maps a siret to the siret whose people (execution figures) it
    gets instead of its own: the DECP figures stay."""
    people_of = people_of or {}
    specs = {r[0]: r for r in REGION}
    con = new_db()
    for siret, amount, n_contracts, n_clause, *_ in REGION:
        add_contracts(con, *[
            {"buyer_siret": siret, "buyer_name": landlord_name(siret), "contract_id": f"{siret}-c{k}",
             "amount": amount * 1e6 / n_contracts, "has_social_clause": k <= n_clause}
            for k in range(1, n_contracts + 1)])
        add_lots(con, {"buyer_siret": siret, "contract_id": f"{siret}-c1", "planned_hours": PLANNED})
        source = specs[people_of.get(siret, siret)]
        add_lines(con, *landlord_lines(siret, *source[4:], prefix=source[0]))
    for siret, n in EXECUTION_ONLY:
        add_lines(con, *landlord_lines(siret, n, 1, 1, 1, 100.0, 1, 0))
    return build(con)


@pytest.fixture(scope="module")
def region():
    return build_region()


V = "40000000000006"  # the viewer of the tests below: medium band


def test_region_indicators_by_hand(region):
    by = indicators(region)
    six = by[V]
    # 9 people x 110 h = 990 h; 2,2 M€; 1 000 h planned; 2 women, 2 QPV, 5 tenants of 9; 1 CDI of 7 known
    assert six["size_band"] == "medium"
    assert six["clause_share"] == pytest.approx(5 / 5)
    assert six["hours_per_million"] == pytest.approx(990 / 2.2)
    assert six["realisation_rate"] == pytest.approx(0.99)
    assert six["women_share"] == pytest.approx(2 / 9)
    assert six["dynamic_exit_rate"] == pytest.approx(1 / 7)
    assert [by[s]["size_band"] for s, *_ in REGION] == ["small"] * 4 + ["medium"] * 4 + ["large"] * 4
    assert by["50000000000001"]["size_band"] == "small" and by["50000000000001"]["is_masked"]
    assert by["40000000000012"]["dynamic_exit_rate"] is None and by["40000000000012"]["exit_rate_masked"]


def test_benchmark_lists_are_anonymous_rounded_and_sorted(region):
    women = [r for r in bench(region, viewer=V) if r["indicator"] == "women_share"]
    # 12 landlords with a women share (the two execution-only ones are masked)
    assert [r["position"] for r in women] == list(range(1, 13))
    assert {r["n_landlords"] for r in women} == {12}
    # women shares rounded to the percent: 1/6, 4/8, 3/5, 2/10, 6/7, 2/9, 7/12, 3/6, 5/11, 9/15, 1/8, 4/9
    assert [r["value"] for r in women] == pytest.approx(sorted(
        [0.17, 0.5, 0.6, 0.2, 0.86, 0.22, 0.58, 0.5, 0.45, 0.6, 0.13, 0.44]))
    me = [r for r in women if r["is_viewer"]]
    assert len(me) == 1 and me[0]["landlord_label"] == "Bailleur 06" and me[0]["buyer_siret"] == V
    assert me[0]["position"] == 4  # 0.13, 0.17, 0.2, then 0.22
    others = [r for r in women if not r["is_viewer"]]
    assert all(r["buyer_siret"] is None for r in others)
    assert [r["landlord_label"] for r in others] == [f"Rang {p}" for p in (1, 2, 3, *range(5, 13))]


def test_peers_are_the_viewer_band(region):
    hours = [r for r in bench(region, viewer=V, scope="peers") if r["indicator"] == "hours_per_participant"]
    # medium band: 90, 110 (viewer), 70, 130 h per participant
    assert [(r["value"], r["is_viewer"]) for r in hours] == [(70, False), (90, False), (110, True), (130, False)]
    assert {r["peer_group"] for r in hours} == {"medium"}
    assert bench(region, scope="peers") == []  # no viewer, no band


def test_peers_all_bands_or_none(region):
    """Exit rates: the small and large bands have 3 landlords with one each (40000000000001 and
    40000000000012 have 4 and 3 known exits: masked), so no band list is published for that
    indicator, not even the viewer's 4 (else region - medium would give the 6 others, and with another
    viewer's band, a band of 3)."""
    peers = {r["indicator"] for r in bench(region, viewer=V, scope="peers")}
    assert "dynamic_exit_rate" not in peers and "women_share" in peers
    region_exit = [r for r in bench(region, viewer=V) if r["indicator"] == "dynamic_exit_rate"]
    assert len(region_exit) == 10
    pos = position(region, V)
    assert not pos[("dynamic_exit_rate", "peers")]["is_published"]
    assert pos[("dynamic_exit_rate", "peers")]["median"] is None
    assert pos[("dynamic_exit_rate", "region")]["is_published"]


def test_position_by_hand(region):
    pos = position(region, V)
    clause = pos[("clause_share", "region")]
    # clause shares: .25 1 .5 .75 | .2 1 .4 .8 | .5 0 1 .5 -> sorted 0 .2 .25 .4 .5 .5 .5 .75 .8 1 1 1
    assert clause["viewer_value"] == pytest.approx(1.0)
    assert clause["n_landlords"] == 12
    # quantile_cont: q1 at position 2.75 -> .25 + .75 x .15 = .3625 -> .36; median .5; q3 at 8.25 -> .8 + .25 x .2 = .85
    assert (clause["q1"], clause["median"], clause["q3"]) == pytest.approx((0.36, 0.5, 0.85))
    assert clause["percentile_rank"] == pytest.approx(9 / 11)  # 9 of the 11 others are lower
    peers = pos[("clause_share", "peers")]
    # medium band: .2 .4 .8 and the viewer's 1.0
    assert peers["peer_group"] == "medium" and peers["n_landlords"] == 4
    assert peers["median"] == pytest.approx(0.6) and peers["percentile_rank"] == pytest.approx(1.0)
    hpm = pos[("hours_per_million", "region")]
    assert hpm["viewer_value"] == pytest.approx(450)  # 990 / 2.2 = 450, to 10 h
