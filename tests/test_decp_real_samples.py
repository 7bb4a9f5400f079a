"""Reconciliation on the real DECP samples of ../shared/decp-samples (skipped when absent)."""
from __future__ import annotations

import pytest

from conftest import SHARED_SAMPLES
from decp_helpers import new_db, rows
from pipelines.decp import build_contracts, ingest_decp_file

pytestmark = pytest.mark.skipif(not SHARED_SAMPLES.is_dir(),
                                reason=f"real DECP samples not available ({SHARED_SAMPLES} is absent)")


def ingest(relpath: str, region="32"):
    con, ctx = new_db(region)
    result = ingest_decp_file(con, SHARED_SAMPLES / relpath, ctx)
    return con, ctx, result


@pytest.mark.parametrize("relpath, fmt, n_read", [
    ("2019/e-marchespublics.json", "json 2019", 470),
    ("2019/data.gouv.fr_pes.json", "json 2019", 1148),
    ("2022/decp_test_2022_fixture.json", "json 2022", 5),
    ("2022/decp_2022_tabular_extract.csv", "csv 2022", 9),
])
@pytest.mark.parametrize("region", ["32", None])
def test_counts_reconcile(relpath, fmt, n_read, region):
    con, ctx, r = ingest(relpath, region)
    assert (r.format, r.n_read) == (fmt, n_read)
    assert r.n_read == r.n_loaded + r.n_rejected + r.n_duplicates + r.n_out_of_region
    assert con.execute("select count(*) from decp_versions").fetchall()[0][0] == r.n_loaded
    if region is None:
        assert r.n_out_of_region == 0


def test_e_marchespublics_duplicates_and_region():
    con, ctx, r = ingest("2019/e-marchespublics.json")
    assert r.n_duplicates == 2
    # 61 records executed in Hauts-de-France (README of the samples), plus the unknown places kept
    assert con.execute("select count(*) from decp_versions where region_code = '32'").fetchall() == [(61,)]
    [(unknown,)] = con.execute("select count(*) from decp_versions where region_code is null").fetchall()
    assert r.n_loaded == 61 + unknown


def test_pes_feed_quirks():
    con, ctx, r = ingest("2019/data.gouv.fr_pes.json", region=None)
    # zone suffixes never make a date unreadable; check digits are removed from every CPV
    assert con.execute("select count(*) from rejects where field = 'dateNotification'").fetchall() == [(0,)]
    assert con.execute("select count(*) from decp_versions where length(cpv_code) <> 8").fetchall() == [(0,)]
    reasons = [x["reason"] for x in rows(con, "select reason from rejects where field = 'lieuExecution'")]
    assert any("'DEP'" in x for x in reasons) and any("'FRK26'" in x for x in reasons)
    build_contracts(con, ctx)
    # the same id reused by different buyers stays two contracts
    [(n_ids, n_keys)] = con.execute(
        "select count(distinct contract_id), count(*) from contracts").fetchall()
    assert n_keys > n_ids


def test_2022_fixture_quirks():
    con, ctx, r = ingest("2022/decp_test_2022_fixture.json", region=None)
    assert r.n_loaded == 5
    fields = {x["field"] for x in rows(con, "select field from rejects")}
    assert {"dureeMois", "montant"} <= fields
    build_contracts(con, ctx)
    got = {x["contract_id"]: x for x in rows(con, "select * from contracts")}
    # initial 1e17 is a placeholder; modifications 1..4 state 1, 22545, 22540, then only a duration
    c = got["2020F00075"]
    assert (c["amount_initial"], c["amount"], c["amount_flag"], c["duration_months"]) == (
        None, 22540.0, None, 100.0)
    both = [c for c in got.values() if c["has_social_clause"] and c["has_social_criterion"]]
    assert len(both) == 1
    assert all(c["social_info_known"] for c in got.values())
    assert all(c["n_suppliers"] >= 1 for c in got.values() if c["contract_id"] == "2022VI2022.242")


def test_tabular_extract_arras_commune_typed_as_departement():
    con, ctx, r = ingest("2022/decp_2022_tabular_extract.csv", region="32")
    assert r.n_loaded == 1
    build_contracts(con, ctx)
    [c] = rows(con, "select commune_code, departement_code, territory_status, territory_reason from contracts")
    assert c["commune_code"] == "62041" and c["territory_status"] == "resolved"
    assert "saisi comme code département" in c["territory_reason"]


@pytest.mark.parametrize("relpath", ["2019/e-marchespublics.json", "2019/data.gouv.fr_pes.json"])
def test_every_procedure_label_of_the_2019_feeds_is_known(relpath):
    # older wordings ("Marché négocié sans publicité…", "Procédure concurrentielle avec négociation")
    con, ctx, r = ingest(relpath, region=None)
    assert con.execute("select count(*) from rejects where field = 'procedure'").fetchall() == [(0,)]
    assert con.execute("select count(*) from decp_versions where procedure = 'other'").fetchall() == [(0,)]


def test_bare_nan_of_the_2022_fixture_is_not_a_reject():
    # `"concessionnaires": NaN` is not a numeric field: read as missing, no reject row for it
    con, ctx, r = ingest("2022/decp_test_2022_fixture.json", region=None)
    fields = {x["field"] for x in rows(con, "select field from rejects")}
    assert fields == {"dureeMois", "montant", "modifications.montant"}
