"""Execution records link to DECP contracts on buyer SIRET + contract id, normalised the same way
on both sides; the match status shows executed-but-not-declared and declared-but-not-tracked."""
from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.build import main as build_main

BUYER = "21590350000013"
OTHER_BUYER = "21620041000018"


def decp_record(buyer, cid, social):
    return {
        "id": cid, "acheteur": {"id": buyer}, "nature": "Marché", "objet": f"Travaux {cid}",
        "codeCPV": "45453000-7", "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "59350", "typeCode": "Code commune"}, "dureeMois": 12,
        "dateNotification": "2024-03-01", "datePublicationDonnees": "2024-03-10", "montant": 500000,
        "formePrix": "Forfaitaire", "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "40483304800022"}}],
        "considerationsSociales": {"considerationSociale": social},
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linkage")
    (tmp / "decp").mkdir()
    (tmp / "decp" / "decp.json").write_text(json.dumps({"marches": {"marche": [
        decp_record(BUYER, "2024-001", ["Clause sociale"]),               # executed and tracked
        decp_record(BUYER, "2024-002", ["Clause sociale", "Critère social"]),  # declared, no execution
        decp_record(BUYER, "2024-003", ["Pas de considération sociale"]),   # executed, not declared
        decp_record(OTHER_BUYER, "2024-001", ["Clause sociale"]),          # same id, another buyer
    ]}}, ensure_ascii=False), encoding="utf-8")
    (tmp / "clauses").mkdir()
    (tmp / "clauses" / "suivi.csv").write_text(
        "SIRET maître d'ouvrage;N° marché;Lot;ID participant;Date de début;Date de fin;Heures réalisées\n"
        f"215 903 500 00013;2024-001;;A;01/04/2024;30/06/2024;200\n"   # spaces in the SIRET
        f"{BUYER}; 2024-001 ;;B;01/05/2024;30/06/2024;150\n"           # spaces around the id
        f"{BUYER};2024-003;;C;01/05/2024;30/06/2024;100\n"
        f"{BUYER};2024-999;;D;01/05/2024;30/06/2024;90\n",           # never published
        encoding="utf-8")
    path = tmp / "obs.duckdb"
    import os
    os.environ["OBSERVATOIRE_SALT_FILE"] = str(tmp / "salt")
    try:
        assert build_main(["--db", str(path), "--decp", str(tmp / "decp"), "--clauses", str(tmp / "clauses"),
                           "--no-progress"]) == 0
    finally:
        del os.environ["OBSERVATOIRE_SALT_FILE"]
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_keys_are_normalised_like_contracts(db):
    assert db.execute("select distinct buyer_siret, contract_id from clause_hours order by 2").fetchall() == [
        (BUYER, "2024-001"), (BUYER, "2024-003"), (BUYER, "2024-999")]


def test_records_match_contracts_of_the_same_buyer_only(db):
    got = db.execute("""
        select h.contract_id, count(c.contract_id)
        from clause_hours h left join contracts c using (buyer_siret, contract_id)
        group by all order by 1""").fetchall()
    # 2 lines on 2024-001 each match exactly one contract (not the other buyer's 2024-001)
    assert got == [("2024-001", 2), ("2024-003", 1), ("2024-999", 0)]


def test_match_status_view(db):
    tables = {r[0] for r in db.execute("select table_name from information_schema.tables").fetchall()}
    if "int_clause_contract_match" not in tables:
        pytest.skip("int_clause_contract_match is not built yet (SQL layer of issue 4)")
    got = dict(db.execute("select buyer_siret || '/' || contract_id, status from int_clause_contract_match "
                          "where buyer_siret in (?, ?)", [BUYER, OTHER_BUYER]).fetchall())
    assert got[f"{BUYER}/2024-001"] == "matched"
    assert got[f"{BUYER}/2024-002"] == "declared_no_execution"
    assert got[f"{BUYER}/2024-003"] == "execution_not_declared"
    assert got[f"{BUYER}/2024-999"] == "execution_not_in_decp"
    assert got[f"{OTHER_BUYER}/2024-001"] == "declared_no_execution"
