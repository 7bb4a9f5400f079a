"""Landlord benchmark: int_landlord_indicators (per landlord, by name, never published as is),
mart_landlord_benchmark (anonymous distributions) and mart_landlord_position, on hand-made builds.

Two builds: three landlords (too few for any comparison to be published) and a region of twelve
landlords with DECP contracts in three size bands of four, plus two execution-only landlords whose
few participants are masked. tests/test_landlord_anonymity.py attacks the second one."""
from __future__ import annotations

import pytest

from marts_fixture import add_contracts, add_lines, add_lots, build, new_db, people, rows

L1, L2, L3 = "100000001", "200000002", "300000003"


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
    return {r["buyer_siren"]: r for r in rows(con, f"select * from int_landlord_indicators({args})")}


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
    # 4 women of 10: the gender breakdown of L1's cut masks them (and the 6 men), so the share is
    # withheld (0.4 x 10 would give the 4 back); 5 tenants and 5 others: shown
    assert one["women_share"] is None and one["women_share_masked"]
    # 5 tenants (a1..a4 and b1) of 10: the share is what the landlord's own total row publishes (here
    # withheld: the linked suppression masks L1's tenant cells along with L2's and L3's)
    total = rows(con, f"select * from mart_participants('total', landlord := '{L1}') where is_total")[0]
    assert total["women_share"] is None and total["women_share_masked"]
    assert (one["tenant_share"], one["tenant_share_masked"]) == (total["tenant_share"], total["tenant_share_masked"])
    assert one["hours_per_participant"] == pytest.approx(100)
    # last line of b1 ends in a cdi: 4 + 1 = 5 dynamic exits out of 10 known; the rate is what the
    # landlord's own mart_exits total row publishes (here withheld: the linked cells mask its dynamic
    # and other exits)
    exits = rows(con, f"select * from mart_exits('total', landlord := '{L1}') where is_total")[0]
    assert exits["n_known"] == 10 and exits["dynamic_exit_rate"] is None and exits["dynamic_exit_rate_masked"]
    assert one["dynamic_exit_rate"] is None and one["exit_rate_masked"]
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

# identifier (a SIREN: a landlord is its organisation, issue 11), amount (M€), contracts, of which with a clause, people, women, QPV residents, tenants,
# hours per person, exits to a CDI, exits to unemployment (the others' outcome is unknown)
REGION = [
    # every count and its complement is 0 or >= 5 in the landlord's cut, so its shares and exit rate
    # are publishable, except on purpose: 01 and 12 (2 and 3 exits to a CDI: exit rate masked),
    # 06 and 11 (2 and 3 women: gender breakdown masked, women share withheld)
    ("400000001", 1.0, 4, 1, 12, 5, 7, 6, 100.0, 2, 5),
    ("400000002", 1.1, 4, 4, 10, 5, 0, 10, 50.0, 5, 5),
    ("400000003", 1.2, 4, 2, 15, 10, 5, 5, 80.0, 5, 10),
    ("400000004", 1.3, 4, 3, 16, 6, 8, 11, 120.0, 6, 5),
    ("400000005", 2.0, 5, 1, 14, 9, 9, 5, 90.0, 8, 6),
    ("400000006", 2.2, 5, 5, 20, 2, 6, 9, 110.0, 6, 9),
    ("400000007", 2.4, 5, 2, 18, 7, 12, 13, 70.0, 10, 8),
    ("400000008", 2.6, 5, 4, 11, 6, 5, 0, 130.0, 0, 6),
    ("400000009", 4.0, 2, 1, 24, 13, 10, 16, 60.0, 14, 5),
    ("400000010", 4.5, 2, 0, 30, 19, 14, 8, 140.0, 9, 16),
    ("400000011", 5.0, 2, 2, 18, 3, 8, 7, 95.0, 12, 6),
    ("400000012", 5.5, 2, 1, 14, 8, 14, 6, 105.0, 3, 6),
]
# execution data only (no DECP contract: band 'small'), 3 and 2 people, all women, QPV residents and
# tenants, outcome unknown: masked (their cells hide 5 people together: no secondary mask elsewhere)
EXECUTION_ONLY = [("500000001", 3), ("500000002", 2)]
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


def build_region(people_of=None, extra_lines=()):
    """The region build; `people_of` maps a siret to the siret whose people (execution figures) it
    gets instead of its own: the DECP figures stay. `extra_lines` are added as they are."""
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
        add_lines(con, *landlord_lines(siret, n, n, n, n, 100.0, 0, 0))
    if extra_lines:
        add_lines(con, *extra_lines)
    return build(con)


@pytest.fixture(scope="module")
def region():
    return build_region()


V = "400000006"  # the viewer of the tests below: medium band


def test_region_indicators_by_hand(region):
    by = indicators(region)
    six = by[V]
    # 20 people x 110 h = 2 200 h; 2,2 M€; 1 000 h planned; 2 women (masked), 6 QPV, 9 tenants of 20;
    # 6 CDI and 9 unemployed of 15 known exits
    assert six["size_band"] == "medium"
    assert six["clause_share"] == pytest.approx(5 / 5)
    assert six["n_participants"] == 20 and not six["is_masked"]
    assert six["hours_per_million"] == pytest.approx(2200 / 2.2)
    assert six["realisation_rate"] == pytest.approx(2.2)
    assert six["women_share"] is None and six["women_share_masked"]
    assert six["qpv_share"] == pytest.approx(6 / 20) and six["tenant_share"] == pytest.approx(9 / 20)
    assert six["dynamic_exit_rate"] == pytest.approx(6 / 15)
    assert [by[s]["size_band"] for s, *_ in REGION] == ["small"] * 4 + ["medium"] * 4 + ["large"] * 4
    assert by["500000001"]["size_band"] == "small" and by["500000001"]["is_masked"]
    # 11: 3 women of 18, withheld too; the others' women shares are shown (5 to 19 women, 5 or more men)
    assert [s for s, *_ in REGION if by[s]["women_share"] is None] == ["400000006", "400000011"]
    assert by["400000011"]["qpv_share"] == pytest.approx(8 / 18)
    # 01: 2 CDI of 7 known, 12: 3 of 9: the dynamic cells are masked (and the 'other' ones with them)
    for siret in ("400000001", "400000012"):
        assert by[siret]["dynamic_exit_rate"] is None and by[siret]["exit_rate_masked"]
        assert by[siret]["n_exits_known"] is None
    assert by["400000001"]["women_share"] == pytest.approx(5 / 12)
    assert all(by[s]["mask_reason"] is None for s, *_ in REGION)


def test_benchmark_lists_are_anonymous_rounded_and_sorted(region):
    qpv = [r for r in bench(region, viewer=V) if r["indicator"] == "qpv_share"]
    # 12 landlords with a QPV share (the two execution-only ones are masked)
    assert [r["position"] for r in qpv] == list(range(1, 13))
    assert {r["n_landlords"] for r in qpv} == {12}
    # QPV shares rounded to the percent: 7/12, 0/10, 5/15, 8/16, 9/14, 6/20, 12/18, 5/11, 10/24, 14/30,
    # 8/18, 14/14
    assert [r["value"] for r in qpv] == pytest.approx(sorted(
        [0.58, 0.0, 0.33, 0.5, 0.64, 0.3, 0.67, 0.45, 0.42, 0.47, 0.44, 1.0]))
    me = [r for r in qpv if r["is_viewer"]]
    assert len(me) == 1 and me[0]["landlord_label"] == "Bailleur 06" and me[0]["buyer_siren"] == V
    assert me[0]["position"] == 2  # 0, then 0.3
    others = [r for r in qpv if not r["is_viewer"]]
    assert all(r["buyer_siren"] is None for r in others)
    assert [r["landlord_label"] for r in others] == [f"Rang {p}" for p in (1, *range(3, 13))]
    # women shares: 06 and 11 withheld, the ten others 5/12, 5/10, 10/15, 6/16, 9/14, 7/18, 6/11, 13/24,
    # 19/30, 8/14; no row for the viewer
    women = [r for r in bench(region, viewer=V) if r["indicator"] == "women_share"]
    assert [r["value"] for r in women] == pytest.approx(sorted(
        [0.42, 0.5, 0.67, 0.38, 0.64, 0.39, 0.55, 0.54, 0.63, 0.57]))
    assert {r["n_landlords"] for r in women} == {10} and not [r for r in women if r["is_viewer"]]


def test_peers_are_the_viewer_band(region):
    hours = [r for r in bench(region, viewer=V, scope="peers") if r["indicator"] == "hours_per_participant"]
    # medium band: 90, 110 (viewer), 70, 130 h per participant
    assert [(r["value"], r["is_viewer"]) for r in hours] == [(70, False), (90, False), (110, True), (130, False)]
    assert {r["peer_group"] for r in hours} == {"medium"}
    assert bench(region, scope="peers") == []  # no viewer, no band


def test_peers_all_bands_or_none(region):
    """Exit rates: the small and large bands have 3 landlords with one each (400000001 and
    400000012 have 2 and 3 exits to a CDI: masked), so no band list is published for that
    indicator, not even the viewer's 4 (else region - medium would give the 6 others, and with another
    viewer's band, a band of 3). Women shares: 06 (medium) and 11 (large) are withheld, same."""
    peers = {r["indicator"] for r in bench(region, viewer=V, scope="peers")}
    assert "dynamic_exit_rate" not in peers and "women_share" not in peers and "qpv_share" in peers
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
    assert hpm["viewer_value"] == pytest.approx(1000)  # 2 200 / 2.2 = 1 000, to 10 h


# --- the benchmark takes the masks of the linked secrecy cells ------------------------------------

PEOPLE_INDICATORS = ["hours_per_million", "realisation_rate", "women_share", "qpv_share", "tenant_share",
                     "hours_per_participant", "dynamic_exit_rate"]


def test_a_share_masked_in_the_landlord_breakdown_is_absent(region):
    """The leak: V has 2 women of 20. Its gender breakdown (mart_participants('gender', landlord := V))
    masks the 2 women (and the 18 men, hidden sum), so its women share 10 % must not be published
    by the benchmark: 0.1 x 20 would give the 2 women back."""
    gender = {r["value"]: r for r in rows(region, f"select * from mart_participants('gender', landlord := '{V}')")}
    assert gender["total"]["n_participants"] == 20 and not gender["total"]["is_masked"]
    assert gender["F"]["is_masked"] and gender["F"]["n_participants"] is None and gender["M"]["is_masked"]
    assert gender["total"]["women_share"] is None and gender["total"]["women_share_masked"]
    for viewer in (V, None, "400000001"):
        for scope in ("region", "peers"):
            got = bench(region, scope=scope, **({"viewer": viewer} if viewer else {}))
            women = [r for r in got if r["indicator"] == "women_share"]
            assert not [r for r in women if r["is_viewer"] and r["buyer_siren"] == V]
            assert 0.1 not in [r["value"] for r in women]
    pos = position(region, V)[("women_share", "region")]
    assert pos["viewer_value"] is None and pos["viewer_is_masked"]  # shown "s" on the page
    assert pos["is_published"] and pos["n_landlords"] == 10 and pos["percentile_rank"] is None
    # its other shares, whose breakdowns are shown, stay: 6 QPV residents, 9 tenants of 20
    assert position(region, V)[("qpv_share", "region")]["viewer_value"] == pytest.approx(0.3)
    assert not position(region, V)[("qpv_share", "region")]["viewer_is_masked"]


@pytest.fixture(scope="module")
def region_years():
    """The region with execution data over 2022-2025: two participants of 01 also worked in 2022 and
    in 2025 (same people, more lines)."""
    extra = [{"participant_id": f"400000001-{j}", "buyer_siret": "400000001",
              "buyer_name": landlord_name("400000001"), "contract_id": "400000001-c1",
              "start_date": f"{year}-01-01", "end_date": f"{year}-06-30", "hours_worked": 100.0,
              "outcome_end": "cdi" if year == 2025 else None}
             for j in (1, 2) for year in (2022, 2025)]
    return build_region(extra_lines=extra)


def test_a_partial_year_range_publishes_no_people_figure(region_years):
    """The people marts publish all years or one single year; 2023-2024 of data spanning 2022-2025
    would let two ranges be differenced. The benchmark and the position mart publish no people figure
    for it (the clause share, public, stays), and say why."""
    partial = {"year_from": 2023, "year_to": 2024}
    total = rows(region_years, "select * from mart_participants('total', year_from := 2023, year_to := 2024, "
                               f"landlord := '{V}') where is_total")[0]
    assert total["is_masked"] and "une seule année" in total["mask_reason"]
    for scope in ("region", "peers"):
        got = bench(region_years, viewer=V, scope=scope, **partial)
        assert {r["indicator"] for r in got} == {"clause_share"}, scope
    pos = position(region_years, V, **partial)
    for ind in PEOPLE_INDICATORS:
        for scope in ("region", "peers"):
            r = pos[(ind, scope)]
            assert r["viewer_value"] is None and r["viewer_is_masked"] and not r["is_published"], (ind, scope)
            assert (r["median"], r["n_landlords"]) == (None, None)
            assert "une seule année" in r["mask_reason"]
    assert pos[("clause_share", "region")]["is_published"] and pos[("clause_share", "region")]["mask_reason"] is None
    by = indicators(region_years, **partial)
    assert all(r["is_masked"] and r["n_participants"] is None and r["hours_worked"] is None for r in by.values())
    # all years (2022-2025 counts as all years) and one single year are in the bounded space
    for period in ({"year_from": 2022, "year_to": 2025}, {"year_from": 2024, "year_to": 2024}):
        got = {r["indicator"] for r in bench(region_years, viewer=V, **period)}
        assert {"qpv_share", "hours_per_participant"} <= got, period
        assert position(region_years, V, **period)[("qpv_share", "region")]["mask_reason"] is None


def _people_mart_values(con, viewer, **period):
    """What the named people marts publish for the landlord (its total rows), rounded as the benchmark."""
    args = "".join(f", {k} := {v!r}" for k, v in period.items())
    p = rows(con, f"select * from mart_participants('total', landlord := '{viewer}'{args}) where is_total")[0]
    e = rows(con, f"select * from mart_exits('total', landlord := '{viewer}'{args}) where is_total")[0]
    out = {ind: p[ind] for ind in ("women_share", "qpv_share", "tenant_share", "hours_per_participant")}
    out["dynamic_exit_rate"] = e["dynamic_exit_rate"]
    return {k: None if v is None else round(v, 0 if k == "hours_per_participant" else 2) for k, v in out.items()}


@pytest.mark.parametrize("period", [{}, {"year_from": 2024, "year_to": 2024}, {"year_from": 2023, "year_to": 2024}])
def test_the_viewer_value_is_what_the_people_marts_publish(region_years, period):
    """For every landlord as the viewer, its benchmark value of a people share or rate is shown exactly
    when mart_participants / mart_exits (landlord := viewer) show it, and equals it (rounding aside):
    the benchmark gives back nothing the named marts hide."""
    viewers = [r[0] for r in REGION] + [s for s, _ in EXECUTION_ONLY]
    shown = 0
    for viewer in viewers:
        named = _people_mart_values(region_years, viewer, **period)
        pos = position(region_years, viewer, **period)
        listed = {r["indicator"]: r["value"] for r in bench(region_years, viewer=viewer, **period) if r["is_viewer"]}
        for ind, value in named.items():
            mine = pos[(ind, "region")]
            if value is None:
                assert mine["viewer_value"] is None and ind not in listed, (viewer, ind)
            else:
                shown += 1
                assert mine["viewer_value"] == pytest.approx(value), (viewer, ind)
                if mine["is_published"]:
                    assert listed[ind] == pytest.approx(value), (viewer, ind)
    # not vacuous: most values are shown over the bounded space, none over 2023-2024
    assert shown == 0 if period.get("year_from") == 2023 else shown >= 50


def test_the_page_says_why_a_value_is_absent(tmp_path, region_years):
    """Bailleurs page: V's women share (masked in its gender breakdown) shows « s », its QPV share its
    value; over 2023-2024 every people indicator is absent and the page says to choose one year."""
    from tests.dashboard_apptest import frames, run_page

    path = tmp_path / "years.duckdb"
    region_years.execute(f"attach '{path}' as page_db")
    region_years.execute("copy from database memory to page_db")
    region_years.execute("detach page_db")

    def position_table(query):
        at = run_page("bailleurs", path, query=query)
        at.selectbox(key="b_viewer").set_value(V).run()
        assert not at.exception, [e.value for e in at.exception]
        table = next(df for df in frames(at) if "Indicateur" in df.columns)
        return at, dict(zip(table["Indicateur"], table["Bailleur"]))

    at, shown = position_table({})
    assert shown["Part de femmes"] == "s"
    assert shown["Part de résidents QPV"] == "30\u00a0%"
    assert not any("une seule année" in w.value for w in at.warning)
    at, shown = position_table({"annee_min": "2023", "annee_max": "2024"})
    assert shown["Part de femmes"] == "s" and shown["Part de résidents QPV"] == "s"
    assert shown["Part des marchés avec clause"] == "100\u00a0%"
    assert any("une seule année" in w.value for w in at.warning)


def test_gap_to_the_median_from_the_published_values(region):
    # the « Écart à la médiane » of Bailleurs (mart_landlord_position.gap): viewer value - median
    pos = position(region, V)
    assert pos[("clause_share", "region")]["gap"] == pytest.approx(1.0 - 0.5)  # region median .5 (above)
    assert pos[("clause_share", "peers")]["gap"] == pytest.approx(1.0 - 0.6)  # medium band median .6
    # the viewer's women share is masked (shown « s »): no gap, though the region's median is published
    women = pos[("women_share", "region")]
    assert women["median"] is not None and women["gap"] is None
