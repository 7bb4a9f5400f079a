"""A small hand-made build for the access tests: four landlords, four operations, two départements.

Every landlord has its own operation and a number of participants well above the secrecy
thresholds, with hours per person chosen so that each figure below is unique on any page:

| landlord (SIREN)            | SIRET          | operation | commune (dép., EPCI)          | people x hours | hours |
|-----------------------------|----------------|-----------|-------------------------------|----------------|-------|
| Alpha Habitat (111111111)   | 11111111100011 | OPA1      | Lille 59350 (59, 200093201)   | 13 x 101       | 1 313 |
| Alpha Habitat (111111111)   | 11111111100029 | OPA2      | Lille 59350 (59, 200093201)   | 12 x 53        |   636 |
| Beta Logis (222222222)      | 22222222200018 | OPB       | Arras 62041 (62, 200033579)   | 14 x 137       | 1 918 |
| Gamma Résidences (333333333)| 33333333300013 | OPC       | Arras 62041 (62, 200033579)   | 15 x 71        | 1 065 |

Region: 4 932 h; département 59: 1 949 h; département 62: 2 983 h (Beta + Gamma, not one landlord).
An organisation is its SIREN (issue 11): Alpha Habitat is one landlord of 1 313 + 636 = 1 949 h, named
« Alpha Habitat » (its most frequent name: 1 contract + 13 lines against 1 + 12 for « Alpha Habitat Sud »).
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from marts_fixture import finish_build, add_contracts, add_lines, add_two_communes, people
from pipelines import schema

A1, A2, B, C = "11111111100011", "11111111100029", "22222222200018", "33333333300013"
SIREN_A, SIREN_B, SIREN_C = "111111111", "222222222", "333333333"
ORG_A = "Alpha Habitat"  # the organisation's name
NAMES = {A1: "Alpha Habitat", A2: "Alpha Habitat Sud", B: "Beta Logis", C: "Gamma Résidences"}
OPS = {A1: ("OPA1", "Alpha Lille Centre"), A2: ("OPA2", "Alpha Lille Sud"), B: ("OPB", "Beta Arras"),
       C: ("OPC", "Gamma Arras")}
PEOPLE = {A1: (13, 101.0, "59350"), A2: (12, 53.0, "59350"), B: (14, 137.0, "62041"), C: (15, 71.0, "62041")}
HOURS = {s: int(n * h) for s, (n, h, _) in PEOPLE.items()}  # 1313, 636, 1918, 1065
REGION_HOURS = sum(HOURS.values())  # 4932
DEP_HOURS = {"59": HOURS[A1] + HOURS[A2], "62": HOURS[B] + HOURS[C]}  # 1949, 2983
ORG_HOURS_A = HOURS[A1] + HOURS[A2]  # 1949: Alpha Habitat's two establishments


def build_access_db(path: Path | str, *, demo: bool = False) -> Path:
    """Write the build at `path` (real data unless `demo`)."""
    path = Path(path)
    con = duckdb.connect(str(path))
    schema.create_all_tables(con)
    add_two_communes(con)
    for i, (siret, (n, hours, commune)) in enumerate(PEOPLE.items()):
        op, op_name = OPS[siret]
        dep = commune[:2]
        epci = "200093201" if dep == "59" else "200033579"
        add_contracts(con, {"buyer_siret": siret, "buyer_name": NAMES[siret], "contract_id": f"C{i}",
                            "commune_code": commune, "departement_code": dep, "epci_code": epci,
                            "has_social_clause": True, "amount": 100000.0 * (i + 1)})
        add_lines(con, *[{**p, "buyer_siret": siret, "buyer_name": NAMES[siret], "contract_id": f"C{i}",
                          "operation_id": op, "operation_name": op_name, "operation_commune_code": commune,
                          "residence_commune_code": commune, "hours_worked": hours}
                         for p in people(f"p{i}-", n)])
    finish_build(con, demo=demo, built_at="2026-11-30T10:00:00", n_files=2)
    return path


def digits(text: str) -> str:
    """Page text with the group separators between digits removed (`1 313 h` -> `1313 h`)."""
    return re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)", "", text)


def shows(text: str, value: int) -> bool:
    """Whether the whole number `value` appears in `text` (not inside a longer number)."""
    return re.search(rf"(?<![\d,.]){value}(?![\d])", digits(text)) is not None
