"""Every code of docs/data_model.md (and of the readers' code lists) has a French label."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from dashboard import glossary

ROOT = Path(__file__).resolve().parent.parent
MODEL = (ROOT / "docs" / "data_model.md").read_text(encoding="utf-8")


def _row_codes(column: str) -> list[str]:
    """Codes listed in the description of `column` in a data_model.md table."""
    m = re.search(rf"^\| {re.escape(column)} \|(.*)\|\s*$", MODEL, re.M)
    assert m, f"{column} not in docs/data_model.md"
    last = [c for c in m.group(1).split("|") if c.strip()][-1]
    desc = last.split("(")[0] if column not in ("qualification_level", "age_band", "trade") else last
    ticked = re.findall(r"`([^`]+)`", desc)
    if ticked:
        return [t for t in ticked if not t.startswith("name:")]
    return [c.strip() for c in desc.split(",") if re.fullmatch(r"[a-z0-9_+<>-]+", c.strip())]


@pytest.mark.parametrize("column,kind", [
    ("buyer_type", "buyer_type"), ("nature", "nature"), ("modality", "modality"), ("publics", "public"),
    ("employment_contract_type", "employment_contract_type"), ("qualification_level", "qualification_level"),
    ("age_band", "age_band"), ("trade", "trade"), ("contract_kind", "contract_kind"),
    ("legal_basis", "legal_basis"), ("amount_flag", "amount_flag"), ("territory_status", "territory_status"),
])
def test_table_codes_have_labels(column, kind):
    codes = _row_codes(column)
    assert codes, column
    mapping = glossary.GLOSSARY[kind][1]
    assert [c for c in codes if c not in mapping] == []


def test_outcome_codes_have_labels():
    line = next(ln for ln in MODEL.splitlines() if ln.startswith("Outcome codes:"))
    block = MODEL[MODEL.index(line):MODEL.index("`clause_planned`")]
    codes = re.findall(r"`([a-z0-9_]+)`", block)
    assert "cdi" in codes and "ongoing" in codes
    assert [c for c in codes if c not in glossary.OUTCOME] == []


def test_sector_codes_of_the_reference_have_labels():
    with open(ROOT / "data" / "reference" / "cpv_divisions.csv", encoding="utf-8") as f:
        sectors = {r["sector"] for r in csv.DictReader(f)}
    assert sectors
    assert sorted(s for s in sectors if s not in glossary.SECTOR) == []


def test_procedure_codes_of_the_reader_have_labels():
    normalise = pytest.importorskip("pipelines.decp.normalise")
    codes = set(normalise.PROCEDURES.values())
    assert sorted(c for c in codes if c not in glossary.PROCEDURE) == []


def test_label_falls_back_to_the_code_and_names_nulls():
    assert glossary.label("buyer_type", "landlord") == "Bailleur social"
    assert glossary.label("buyer_type", "martian") == "martian"
    assert glossary.label("gender", None) == "Non renseigné"
    assert glossary.label("buyer_type_rule", "name:HABITAT") == "Nom de l'acheteur (« HABITAT »)"


def test_yes_no_breakdown_rows_are_french_for_every_value_the_marts_emit():
    # before: the QPV and tenant breakdowns showed "yes" / "no" (SQL emits yes/no, the page mapped true/false)
    from marts_fixture import add_lines, build, new_db, people, rows

    from dashboard.breakdowns import row_label

    con = new_db()
    add_lines(con, *people("q", 6, qpv_resident=True, tenant_of_buyer=False),
              *people("n", 6, qpv_resident=False, tenant_of_buyer=True))
    build(con)
    for dim in ("qpv_resident", "tenant_of_buyer"):
        emitted = {r["value"] for r in rows(con, f"select value from mart_participants('{dim}') where not is_total")}
        assert emitted == {"yes", "no"}
        assert {row_label(dim, v, None) for v in emitted} == {"Oui", "Non"}
    assert row_label("qpv_resident", "unknown", None) == "Non renseigné"
