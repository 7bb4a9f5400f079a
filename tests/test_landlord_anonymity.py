"""An attacker against the landlord benchmark (issue 8, "Anonymous landlords re-identified").

On the region of tests/test_marts_landlords.py (twelve landlords with DECP contracts in three size
bands of four, whose clause shares and execution figures all differ, and two execution-only landlords
whose few participants are masked), the attacker collects everything the benchmark publishes
(mart_landlord_benchmark for every scope, mart_landlord_position, over several periods, for every
viewer; the Bailleurs page's tables, chart bars and hover texts for every listed indicator and
scope) and everything public by name (DECP figures of mart_contract_share by 'buyer' and 'landlord',
the contract list, hours planned, the size bands, which are computed from public amounts). It
tries to join an anonymous row to a name: by a column, by a label stable across indicators, by the
clause-share list (public values), by differencing the region and the band lists, by pooling
several viewers' pages, and by recovering participant counts from exact shares. The core test:
exchanging the execution data of two landlords of the same band (DECP unchanged) leaves everything
published identical, so nothing published tells which of the two has which figures.
"""
from __future__ import annotations

import itertools
import re

import duckdb
import pytest

from marts_fixture import rows
from test_marts_landlords import EXECUTION_ONLY, REGION, V, build_region, landlord_name

LISTED = ["clause_share", "women_share", "qpv_share", "tenant_share", "hours_per_participant",
          "dynamic_exit_rate"]
COUPLED = ["hours_per_million", "realisation_rate"]  # denominators published by name: no list
PERIODS = [{}, {"year_from": 2024, "year_to": 2024}]  # the precomputed and the filtered routes
SIRETS = [r[0] for r in REGION]
BAND = {"small": SIRETS[0:4], "medium": SIRETS[4:8], "large": SIRETS[8:12]}
VIEWERS = SIRETS + [s for s, _ in EXECUTION_ONLY]
BENCH_COLUMNS = ["indicator", "scope", "peer_group", "position", "n_landlords", "landlord_label", "is_viewer",
                 "buyer_siren", "value"]


def _args(**params):
    return ", ".join(f"{k} := {v!r}" for k, v in params.items() if v is not None)


def bench(con, **params):
    return rows(con, f"select * from mart_landlord_benchmark({_args(**params)})")


def position(con, viewer, **params):
    extra = _args(**params)
    return rows(con, f"select * from mart_landlord_position('{viewer}'{', ' + extra if extra else ''})")


def published(con, viewer):
    """Everything the benchmark marts publish to `viewer`, canonical (sorted tuples)."""
    out = {}
    for period in PERIODS:
        key = tuple(sorted(period.items()))
        for scope in ("region", "peers"):
            out[("bench", scope, key)] = [tuple(r[c] for c in BENCH_COLUMNS)
                                          for r in bench(con, viewer=viewer, scope=scope, **period)]
        out[("position", key)] = [tuple(sorted(r.items())) for r in position(con, viewer, **period)]
    return out


def public(con):
    """What the attacker knows by name: DECP figures per buyer and landlord, the contracts, hours
    planned, the size bands (computed from public amounts)."""
    out = {}
    for dim in ("buyer", "landlord"):
        out[dim] = sorted((tuple(sorted(r.items())) for r in rows(con, f"select * from mart_contract_share('{dim}')")),
                          key=repr)
    out["contracts"] = sorted((tuple(sorted(r.items())) for r in rows(con, "select * from mart_contract_list()")),
                              key=repr)
    out["planned"] = sorted(rows(con, "select buyer_siret, sum(planned_hours) as h from clause_planned group by all"),
                            key=lambda r: r["buyer_siret"])
    out["bands"] = sorted((r["buyer_siren"], r["size_band"]) for r in rows(con, "select * from int_landlord_size_band"))
    return out


@pytest.fixture(scope="module")
def region():
    return build_region()


_REFERENCE = {}


def _reference(con, viewer):
    if viewer not in _REFERENCE:
        _REFERENCE[viewer] = published(con, viewer)
    return _REFERENCE[viewer]


def test_an_anonymous_row_carries_its_value_and_rank_only(region):
    names = {landlord_name(s) for s in VIEWERS}
    for viewer in [None, *VIEWERS]:
        for period in PERIODS:
            for scope in ("region", "peers"):
                got = bench(region, viewer=viewer, scope=scope, **period)
                for r in got:
                    assert list(r) == BENCH_COLUMNS  # no SIRET, amount, size, contracts, participants
                    if r["is_viewer"]:
                        assert viewer is not None and r["buyer_siren"] == viewer
                        assert r["landlord_label"] == landlord_name(viewer)
                    else:
                        assert r["buyer_siren"] is None
                        assert r["landlord_label"] == f"Rang {r['position']}"
                        assert r["landlord_label"] not in names
                    assert r["indicator"] in LISTED
    # the two indicators whose denominators are public by name are never listed landlord by landlord
    assert not [r for r in bench(region, viewer=V) if r["indicator"] in COUPLED]
    assert {r["indicator"] for r in position(region, V) if r["is_published"]} >= set(COUPLED)


def _true_positions(con, viewer):
    """Privileged: which landlord is behind each rank of each region list (as the mart sorts them)."""
    return {(r["indicator"], r["position"]): r["buyer_siren"] for r in rows(con, f"""
        select indicator, buyer_siren, row_number() over (
            partition by indicator order by value, buyer_siren = '{viewer}' desc, md5(indicator || buyer_siren))
            as position
        from int_landlord_values() where region_published and is_listed""")}


def test_the_clause_share_list_names_nothing_in_the_other_lists(region):
    """The attack of issue 8: "Bailleur G 80,5 %" on the benchmark is the landlord with 80,5 % on
    Marchés clausés, and G's other figures are then exposed. The clause-share list can still be
    joined to names (its values are public), but a label is a rank in its own list: the landlord a
    clause-share rank designates is not the one of that rank in the other lists."""
    published_rows = bench(region, viewer=V)
    # the mart's own rows agree with the privileged mapping (so the check below is about them)
    truth = _true_positions(region, V)
    assert {(r["indicator"], r["position"]) for r in published_rows} == set(truth)
    # the attacker joins the clause-share list to names by value (public: mart_contract_share)
    shares = {r["value"]: r["label"] for r in rows(region, "select label, round(share_clause, 2) as value "
                                                            "from mart_contract_share('buyer') where not is_total")}
    clause_rows = [r for r in published_rows if r["indicator"] == "clause_share"]
    joined = {r["landlord_label"]: r for r in clause_rows if list(shares).count(r["value"]) == 1}
    assert joined, "some clause shares are unique: the join by value works for them"
    for ind in LISTED[1:]:
        wrong = 0
        for r in clause_rows:
            p = r["position"]
            if (ind, p) in truth and truth[(ind, p)] != truth[("clause_share", p)]:
                wrong += 1
        # a stable label would name the same landlord in every list; here most ranks differ
        assert wrong >= len(clause_rows) // 2, ind
    # and no two lists share their rank -> landlord mapping
    for a, b in itertools.combinations(LISTED, 2):
        ranks = {p for (i, p) in truth if i == a} & {p for (i, p) in truth if i == b}
        assert any(truth[(a, p)] != truth[(b, p)] for p in ranks), (a, b)


@pytest.mark.parametrize("x, y", [
    (SIRETS[4], SIRETS[7]),    # medium band, the viewer's
    (SIRETS[9], SIRETS[11]),   # large band; 12 has a masked exit rate, 10 does not
    (SIRETS[0], SIRETS[3]),    # small band; 01 has a masked exit rate
    (SIRETS[5], SIRETS[6]),    # medium band; 06 has a withheld women share (2 women), 07 does not
])
def test_exchanging_two_landlords_of_a_band_changes_nothing_published(region, x, y):
    """The two builds differ only by the facilitators' data of x and y (who had which people): the
    DECP figures and hours planned by name are the same, and so is everything published, for every
    viewer other than x and y, every scope and period. Whatever the attacker knows by name, nothing
    published tells whether x has x's execution figures or y's."""
    swapped = build_region(people_of={x: y, y: x})
    assert public(swapped) == public(region)
    for viewer in [v for v in VIEWERS if v not in (x, y)]:
        a, b = published(region, viewer), published(swapped, viewer)
        for key in a:
            if key[0] == "bench":
                assert a[key] == b[key], (viewer, key)
            else:
                # position: identical for the listed indicators; hours per million and the realisation
                # rate divide by public figures: their quartiles move (docs/secrecy_landlords.md)
                listed_a = [r for r in a[key] if dict(r)["indicator"] in LISTED]
                listed_b = [r for r in b[key] if dict(r)["indicator"] in LISTED]
                assert listed_a == listed_b, (viewer, key)
    # not vacuous: the swap did change who has which figures (privileged view, never published)
    def figures(con):
        return {r["buyer_siren"]: (r["women_share"], r["hours_per_participant"])
                for r in rows(con, "select * from int_landlord_indicators()")}
    assert figures(swapped)[x] == figures(region)[y] != figures(region)[x]


def test_the_check_above_can_fail_across_bands(region):
    """Control: exchanging the data of a medium and a large landlord changes the band lists (the
    band, a public group of at least 4, is the anonymity set; its membership is public)."""
    swapped = build_region(people_of={SIRETS[4]: SIRETS[9], SIRETS[9]: SIRETS[4]})
    assert public(swapped) == public(region)
    key = ("bench", "peers", ())
    assert published(swapped, V)[key] != published(region, V)[key]


def test_pooling_viewers_pages_gives_only_their_own_values(region):
    """Every viewer sees the same anonymous lists: stripping the viewer's own row, the lists of two
    viewers are the same, so landlords pooling their pages learn only each other's own values."""
    def anonymous_region(viewer):
        return [(r["indicator"], r["position"], r["value"]) for r in bench(region, viewer=viewer)]

    reference = anonymous_region(None)
    for viewer in VIEWERS:
        assert anonymous_region(viewer) == reference, viewer
    # and the band lists are the same for every viewer of the band
    for band, members in BAND.items():
        lists = {tuple((r["indicator"], r["position"], r["value"]) for r in bench(region, viewer=v, scope="peers"))
                 for v in members}
        assert len(lists) == 1, band


def test_band_lists_are_large_and_all_or_none(region):
    """The bands are public (terciles of public DECP amounts, checked here by the attacker's own
    computation); a band list has at least 4 landlords; for an indicator either every band's list
    is published or none, so region minus the published bands never isolates fewer than 4."""
    amounts = {r["value"]: r["amount_total"] for r in rows(region, "select * from mart_contract_share('buyer') "
                                                                  "where not is_total")}
    by_amount = sorted((a, s) for s, a in amounts.items() if s in SIRETS)
    attacker_bands = {s: ("small", "medium", "large")[i * 3 // len(by_amount)] for i, (_, s) in enumerate(by_amount)}
    bands = dict(public(region)["bands"])
    assert all(bands[s] == b for s, b in attacker_bands.items())
    for period in PERIODS:
        region_sizes = {}
        for r in bench(region, viewer=V, **period):
            region_sizes[r["indicator"]] = r["n_landlords"]
        for ind in LISTED:
            sizes = {}
            for band, members in BAND.items():
                got = [r for r in bench(region, viewer=members[0], scope="peers", **period) if r["indicator"] == ind]
                if got:
                    sizes[band] = len(got)
            assert all(n >= 4 for n in sizes.values()), (ind, sizes)
            if sizes:  # all or none: the published bands cover the whole region list
                assert sum(sizes.values()) == region_sizes[ind], (ind, sizes)
        assert "dynamic_exit_rate" not in {r["indicator"] for r in bench(region, viewer=V, scope="peers", **period)}


def test_values_are_rounded_as_published(region):
    """Exact ratios would give numerators and denominators back (a share 9/14 published as
    0.642857... says 14 participants, and a QPV share 9/14 of the same 14 joins the two lists): shares
    and rates are published to the percent, hours per participant to the hour, quartiles too."""
    exact = {r["buyer_siren"]: r for r in rows(region, "select * from int_landlord_indicators()")}
    assert exact[SIRETS[4]]["women_share"] == pytest.approx(9 / 14)
    for r in bench(region, viewer=V) + bench(region, viewer=V, scope="peers"):
        step = 1 if r["indicator"] == "hours_per_participant" else 0.01
        assert abs(r["value"] / step - round(r["value"] / step)) < 1e-9, r
    assert 0.64 in [r["value"] for r in bench(region, viewer=V) if r["indicator"] == "women_share"]
    for r in position(region, V):
        step = {"hours_per_participant": 1, "hours_per_million": 10}.get(r["indicator"], 0.01)
        for col in ("viewer_value", "q1", "median", "q3"):
            if r[col] is not None:
                assert abs(r[col] / step - round(r[col] / step)) < 1e-9, (r["indicator"], col, r[col])


def test_the_page_shows_and_exports_nothing_more(tmp_path, region):
    """The Bailleurs page on this build: every table (the position table and its export, each
    distribution's table and export), every bar and hover text, for every listed indicator and both
    scopes, names the viewer only and shows no other value than the marts' rows."""
    from tests.dashboard_apptest import frames, open_tables, run_page

    path = tmp_path / "region.duckdb"
    region.execute(f"attach '{path}' as page_db")
    region.execute("copy from database memory to page_db")
    region.execute("detach page_db")
    names = {landlord_name(s) for s in VIEWERS} - {landlord_name(V)}
    at = run_page("bailleurs", path)
    at.selectbox(key="b_viewer").set_value(V).run()
    assert not at.exception, [e.value for e in at.exception]
    for scope in ("region", "peers"):
        at.radio(key="b_scope").set_value(scope).run()
        for ind in LISTED:
            at.selectbox(key="b_ind").set_value(ind).run()
            open_tables(at, "b-dist")
            assert not at.exception, [e.value for e in at.exception]
            shown = set()
            for df in frames(at):
                shown.update(str(v) for v in df.to_numpy().ravel())
                shown.update(str(c) for c in df.columns)
            assert not shown & names, (scope, ind, shown & names)
            assert not any(re.fullmatch(r"\d{14}", v) for v in shown)
            for chart in at.get("plotly_chart"):
                spec = chart.proto.spec
                assert not any(n in spec for n in names), (scope, ind)
                for siret in VIEWERS:
                    assert siret not in spec
            labels = {v for v in shown if re.fullmatch(r"Rang \d+", v)}
            check = duckdb.connect(str(path), read_only=True)
            expected = {r["landlord_label"] for r in bench(check, viewer=V, scope=scope)
                        if r["indicator"] == ind and not r["is_viewer"]}
            check.close()
            assert labels == expected, (scope, ind)
            # not published (all bands or none): exit rates (01, 12) and women shares (06, 11) withheld
            if (scope, ind) in {("peers", "dynamic_exit_rate"), ("peers", "women_share")}:
                assert not expected and any("Distribution non publiée" in i.value for i in at.info)
            else:
                assert expected
