"""st.fragment blocks (issue 15 item 3): on Marchés clausés the « Ventiler par » choice and the
contract list's status and search rerun their block only, on Bailleurs the indicator choice only
the distribution; the sidebar's filters still rerun the whole page, and the URL keeps mirroring
each setting (dashboard/urlstate.py).

AppTest reruns the whole script on every widget change (it does not rerun a fragment alone), so
the tests record in which fragment each widget is drawn (Streamlit reruns a fragment alone when
one of its widgets changes), and check that each widget still changes its block's content."""
from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from tests.dashboard_apptest import run_page, tiny_db


@pytest.fixture
def fragment_of(monkeypatch) -> dict:
    """{widget key: id of the st.fragment it is drawn in, None outside any}, for the widgets below."""
    seen = {}

    def recording(real):
        def widget(*args, **kwargs):
            if kwargs.get("key") is not None:
                seen[kwargs["key"]] = ThreadState.get().fragment_id
            return real(*args, **kwargs)
        return widget

    for name in ("selectbox", "segmented_control", "radio", "text_input"):
        monkeypatch.setattr(st, name, recording(getattr(st, name)))
    return seen


def _values(v) -> list:
    """A Plotly array as a list (Plotly sends numeric arrays as base64 typed arrays)."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def _bars(at) -> list[list]:
    """The y labels of every horizontal bar trace on the page."""
    return [list(t["y"]) for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]
            if t.get("orientation") == "h"]


def test_marches_clauses_blocks_are_fragments_and_the_page_settings_are_not(fragment_of):
    at = run_page("marches_clauses", tiny_db())
    assert not at.exception, [e.value for e in at.exception]
    breakdown, contracts = fragment_of["mc_dim"], fragment_of["mc_search"]
    assert breakdown and contracts and breakdown != contracts  # two fragments: each reruns alone
    assert fragment_of["mc_status"] == contracts
    # the page's own settings and the sidebar's filters rerun the whole page
    assert fragment_of["mc_measure"] is None and fragment_of["mc_basis"] is None and fragment_of["dep"] is None


def test_ventiler_par_still_changes_the_breakdown_and_the_url():
    at = run_page("marches_clauses", tiny_db())
    # the default breakdown, by buyer type (tests/tiny_build.py, share of the contracts of known status
    # with a social consideration): landlords L1 3/4 + L4 1/2 + L3 1/2 + L5 1/1 + L2 1/2 = 7 / 11 = 63,6 %,
    # communes (C1: clause, criterion, reserved, none) 3 / 4 = 75,0 %: ascending
    assert _bars(at) == [["Bailleur social", "Commune"]]
    at.selectbox(key="mc_dim").select("departement").run()
    assert not at.exception, [e.value for e in at.exception]
    # Pas-de-Calais (L3 1/2, L5 1/1, L2 1/2) 3 / 5 = 60,0 %, Nord (L1 3/4, L4 1/2, C1 3/4) 7 / 10 = 70,0 %
    assert _bars(at) == [["62 Pas-de-Calais", "59 Nord"]]
    assert at.query_params["ventilation"] == "departement"


def test_the_contract_list_keeps_its_settings_in_the_url():
    at = run_page("marches_clauses", tiny_db())
    # all 19 contracts of the tiny build (15 of known status + 4 of the 2019 format)
    assert any("19 marchés affichés" in c.value for c in at.caption)
    at.selectbox(key="mc_status").select("clause").run()
    at.text_input(key="mc_search").input("habitat").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["statut"] == "clause" and at.query_params["recherche_marche"] == "habitat"
    # both settings apply: 8 contracts have a clause, L1 (« Habitat du Nord (fictif) ») has 4 contracts,
    # 3 of them with a clause (L1-24-01, L1-24-02, L1-25-03)
    assert any("3 marchés affichés" in c.value for c in at.caption)


def test_the_indicator_of_bailleurs_is_in_the_distribution_fragment_and_changes_it(fragment_of):
    at = run_page("bailleurs", tiny_db(), query={"bailleur": "Habitat du Nord (fictif)"})
    assert not at.exception
    assert fragment_of["b_ind"] and fragment_of["b_scope"] == fragment_of["b_ind"]
    assert fragment_of["b_viewer"] is None  # the landlord itself: the whole page
    at.selectbox(key="b_ind").select("hours_per_participant").run()
    assert not at.exception, [e.value for e in at.exception]
    # hours per participant of the landlords with execution lines (tests/tiny_build.py), ascending:
    # L4 (D) 500 / 5 = 100, L1 (A, B, W, C) (750 + 750 + 500 + 200) / 20 = 110 (the landlord, in red),
    # L3 (F) 600 / 5 = 120, L5 (G) 750 / 5 = 150; L2 has no execution line
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    dist = next(s for s in specs if s["data"][0].get("x", [None])[0] == "Rang 1")
    assert _values(dist["data"][0]["y"]) == [100.0, 110.0, 120.0, 150.0]
    assert [c == "#E1000F" for c in dist["data"][0]["marker"]["color"]] == [False, True, False, False]
    assert "Heures par participant" in dist["layout"]["yaxis"]["title"]["text"]


def test_a_fragment_rerun_reads_with_the_scope_of_the_run_that_drew_it(monkeypatch):
    # A fragment rerun runs the block only, not app.py (which sets the scope of a full run): the block
    # reads its marts with the scope decided by the full run that drew it, then leaves none behind.
    from dashboard import access
    from dashboard import market_parts as parts

    kept = []
    monkeypatch.setattr(st, "fragment", lambda f: kept.append(f) or f)  # what Streamlit reruns
    seen = []
    block = parts.fragment(lambda label: seen.append((label, access.current())))
    landlord = access.Scope(role="bailleur", sirens=("111111111",), landlords=("111111111",))
    previous = access.set_current(landlord)
    try:
        block("full run")  # drawn by a full run: the run's own scope
    finally:
        access.set_current(previous)
    assert access.current() is None  # outside a run: no scope left behind
    (rerun,) = kept
    rerun(landlord, "fragment rerun")  # Streamlit reruns it alone with the arguments of the full run
    assert seen == [("full run", landlord), ("fragment rerun", landlord)]
    assert access.current() is None
