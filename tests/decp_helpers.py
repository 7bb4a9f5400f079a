"""Small helpers shared by the DECP tests: an in-memory database with the reference tables,
and functions that write a fixture file and read it through the real reader."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import duckdb

from pipelines.buyers import BuyersRegister
from pipelines.context import BuildContext
from pipelines.decp import build_contracts, ingest_decp_file
from pipelines.reference import load_reference, load_reference_tables
from pipelines.schema import create_all_tables


@lru_cache(maxsize=1)
def _reference():
    con = duckdb.connect()
    create_all_tables(con)
    load_reference_tables(con)
    return load_reference(con)


def new_db(region: str | None = "32", buyers: BuyersRegister | None = None):
    """(connection, context) on a fresh in-memory database with every table created."""
    con = duckdb.connect()
    create_all_tables(con)
    load_reference_tables(con)
    ctx = BuildContext(region_code=region, reference=_reference(), buyers=buyers or BuyersRegister())
    return con, ctx


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, (dict, list)):
        content = json.dumps(content, ensure_ascii=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load(tmp_path: Path, files: dict, region: str | None = "32", buyers=None):
    """Ingest each {name: content} in order, collapse; returns (con, {name: FileResult})."""
    con, ctx = new_db(region, buyers)
    results = {}
    for name, content in files.items():
        results[name] = ingest_decp_file(con, write(tmp_path, name, content), ctx)
    build_contracts(con, ctx)
    return con, results


def rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def marche_2019(**over) -> dict:
    """A clean 2019-format record executed in Lille (59350); override any field."""
    rec = {
        "id": "2019-001", "_type": "Marché",
        "acheteur": {"id": "21590350100017", "nom": "COMMUNE DE LILLE"},
        "nature": "Marché", "objet": "Travaux de peinture", "codeCPV": "45442100-8",
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "59350", "typeCode": "Code commune", "nom": "Lille"},
        "dureeMois": 12, "dateNotification": "2019-05-02", "datePublicationDonnees": "2019-05-10",
        "montant": 120000, "formePrix": "Ferme",
        "titulaires": [{"typeIdentifiant": "SIRET", "id": "73282932000074", "denominationSociale": "X"}],
        "modifications": [],
    }
    rec.update(over)
    return rec


def marche_2022(**over) -> dict:
    """A clean 2022-format record executed in Arras (postcode 62000 -> commune 62041 via code)."""
    rec = {
        "id": "2024-042", "acheteur": {"id": "27620001900012"},
        "nature": "Marché", "objet": "Nettoyage des parties communes", "codeCPV": "90910000-9",
        "procedure": "Appel d'offres ouvert",
        "lieuExecution": {"code": "62041", "typeCode": "Code commune"},
        "dureeMois": 24, "dateNotification": "2024-03-01", "datePublicationDonnees": "2024-03-15",
        "montant": 250000.0, "formePrix": "Forfaitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "modifications": [],
    }
    rec.update(over)
    return rec
