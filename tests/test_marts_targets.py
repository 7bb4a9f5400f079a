"""mart_targets (hours grid + ANRU floors), mart_custom_targets, mart_hours_grid(_defaults)."""
from __future__ import annotations


import pytest

from marts_fixture import add_lines, add_lots, build, new_db, people, rows

B1_SIRET, B2_SIRET, B3_SIRET = "11111111111111", "22222222222222", "33333333333333"


@pytest.fixture(scope="module")
def con():
    con = new_db()
    add_lots(con,
             # investment: 1 M€ of masonry (50 % labour, 30 €/h) -> 16 666.67 h of work
             {"contract_id": "W1", "trade": "masonry", "contract_kind": "works",
              "contract_amount": 1e6, "planned_hours": 900.0},
             # GUP: 100 k€ of cleaning (80 %, 20 €/h) -> 4 000 h of work
             {"contract_id": "G1", "trade": "cleaning", "contract_kind": "gup",
              "contract_amount": 1e5, "planned_hours": 300.0})
    # 6 QPV residents x 150 h on W1 = 900 h; 5 others x 40 h on G1 = 200 h
    add_lines(con, *people("q", 6, contract_id="W1", hours_worked=150.0, qpv_resident=True),
              *people("n", 5, contract_id="G1", hours_worked=40.0))
    con.execute("""insert into targets values
        ('operation', 'OP1', 'Objectif NPNRU', 1000, '2024-01-01', '2025-12-31'),
        ('buyer', '11111111111111', 'Petit objectif', 500, '2025-01-01', '2025-12-31')""")
    return build(con)


def test_anru_floors(con):
    by_total = {r["is_total"]: r for r in rows(con, "select * from mart_targets()")}
    row, total = by_total[False], by_total[True]
    assert row["operation_id"] == "OP1" and row["operation_name"] == "OP1 · Opération test"  # code and name
    assert row["estimated_hours_investment"] == pytest.approx(1e6 * 0.5 / 30)
    assert row["estimated_hours_gup"] == pytest.approx(1e5 * 0.8 / 20)
    # 5 % of 16 666.67 h + 10 % of 4 000 h = 833.33 + 400
    assert row["anru_floor_hours"] == pytest.approx(833.3333 + 400, abs=1e-3)
    assert row["hours_planned"] == pytest.approx(1200)
    assert row["hours_worked"] == pytest.approx(1100) and row["hours_worked_qpv"] == pytest.approx(900)
    assert row["anru_floor_rate"] == pytest.approx(900 / 1233.3333, abs=1e-4)
    assert row["meets_anru_floor"] is False
    assert row["planned_rate"] == pytest.approx(1100 / 1200)
    assert total["n_participants"] == 11 and total["anru_floor_hours"] == pytest.approx(row["anru_floor_hours"])


def test_targets_masking_of_qpv_hours():
    con = new_db()
    add_lots(con, {"contract_id": "W1", "contract_amount": 1e6, "planned_hours": 900.0})
    # 2 QPV residents among 6 people: the row is shown, the QPV hours are not (2 < 5)
    add_lines(con, *people("q", 2, contract_id="W1", qpv_resident=True),
              *people("n", 4, contract_id="W1"))
    build(con)
    (row,) = [r for r in rows(con, "select * from mart_targets()") if not r["is_total"]]
    assert not row["is_masked"] and row["hours_worked"] == pytest.approx(600)
    assert row["hours_worked_qpv"] is None and row["anru_floor_rate"] is None
    assert row["meets_anru_floor"] is None
    assert row["anru_floor_hours"] == pytest.approx(1e6 * 0.5 / 30 * 0.05)  # procurement: shown


def test_anru_floor_counts_qpv_hours_on_investment_and_gup_lots_only():
    con = new_db()
    add_lots(con, {"contract_id": "W1", "trade": "masonry", "contract_kind": "works",
                   "contract_amount": 1e6},
             {"contract_id": "S1", "trade": "other", "contract_kind": "services",
              "contract_amount": 1e5})
    # 6 QPV residents x 100 h on the works lot, 5 QPV residents x 100 h on the services lot
    add_lines(con, *people("w", 6, contract_id="W1", qpv_resident=True),
              *people("s", 5, contract_id="S1", qpv_resident=True))
    build(con)
    (row,) = [r for r in rows(con, "select * from mart_targets()") if not r["is_total"]]
    assert row["hours_worked"] == pytest.approx(1100)
    # only the 600 h on the works lot count towards the floor of 5 % x 16 666.67 h = 833.33 h
    assert row["hours_worked_qpv"] == pytest.approx(600)
    assert row["anru_floor_rate"] == pytest.approx(600 / 833.3333, abs=1e-4)


def test_targets_secondary_masking_of_qpv_hours():
    con = new_db()
    for op in ("OP1", "OP2", "OP3"):
        add_lots(con, {"operation_id": op, "contract_id": "W" + op, "contract_amount": 1e6})
    # OP1: 2 QPV residents among 6 (primary); OP2: 6 QPV residents, the smallest other row
    # (secondary); OP3: 7 QPV residents, shown. All lines 100 h; the total shows 1 500 h.
    add_lines(con, *people("a", 2, operation_id="OP1", contract_id="WOP1", qpv_resident=True),
              *people("b", 4, operation_id="OP1", contract_id="WOP1"),
              *people("c", 6, operation_id="OP2", contract_id="WOP2", qpv_resident=True),
              *people("d", 7, operation_id="OP3", contract_id="WOP3", qpv_resident=True))
    build(con)
    by_op = {r["operation_id"]: r for r in rows(con, "select * from mart_targets()")}
    assert by_op["OP1"]["hours_worked_qpv"] is None
    # without masking OP2, OP1's 200 h would be 1 500 - 600 - 700
    assert by_op["OP2"]["hours_worked_qpv"] is None and by_op["OP2"]["anru_floor_rate"] is None
    # the linked suppression (docs/secrecy.md) also masks the OP1 and OP2 rows: OP2's 6 people are
    # its 6 QPV residents, the cell hidden to protect OP1's 2; OP1 is then the lone masked
    # operation beside it (a conservative pattern: the heuristic protects each group on its own)
    assert by_op["OP1"]["is_masked"] and by_op["OP2"]["is_masked"]
    assert by_op["OP3"]["hours_worked_qpv"] == pytest.approx(700)
    # the total's QPV hours are withheld: 1 900 h worked - 1 500 would be the 400 h of the 4 people
    # of OP1 who do not live in a QPV (masked in mart_hours('qpv_resident'))
    assert by_op[None]["hours_worked"] == pytest.approx(1900) and by_op[None]["hours_worked_qpv"] is None


def test_custom_targets(con):
    by = {r["label"]: r for r in rows(con, "select * from mart_custom_targets(as_of := date '2024-12-31')")}
    npnru = by["Objectif NPNRU"]
    assert npnru["scope_label"] == "OP1 · Opération test"
    assert npnru["hours_worked"] == pytest.approx(1100) and npnru["n_participants"] == 11
    assert npnru["progress_rate"] == pytest.approx(1.1)
    assert npnru["elapsed_share"] == pytest.approx(365 / 730)
    assert npnru["on_track"] is True
    # the buyer's 2025 target: no line starts in 2025 -> 0 h by 0 people, not masked
    small = by["Petit objectif"]
    assert small["hours_worked"] == pytest.approx(0) and not small["is_masked"]
    assert small["elapsed_share"] == pytest.approx(0.0) and small["on_track"] is True


def test_custom_targets_filtered_by_landlord_or_operation(con):
    everything = rows(con, "select label, scope_type, scope_id from mart_custom_targets()")
    (op,) = [r for r in everything if r["label"] == "Objectif NPNRU"]
    (buyer,) = [r for r in everything if r["label"] == "Petit objectif"]
    got = rows(con, f"select label from mart_custom_targets(operation := '{op['scope_id']}')")
    assert [r["label"] for r in got] == ["Objectif NPNRU"]
    got = rows(con, f"select label from mart_custom_targets(landlord := '{buyer['scope_id']}')")
    assert "Objectif NPNRU" not in [r["label"] for r in got] and "Petit objectif" in [r["label"] for r in got]
    # both filters: a target is scoped to one or the other, never both
    both = f"landlord := '{buyer['scope_id']}', operation := '{op['scope_id']}'"
    assert rows(con, f"select * from mart_custom_targets({both})") == []


def test_hours_grid_domain_example(con):
    (g,) = rows(con, "select * from mart_hours_grid(1000000, 'masonry', 0.05)")
    # domain brief: 1 000 000 x 50 % x 5 % / 30 = 833 h
    assert g["estimated_insertion_hours"] == pytest.approx(833.33, abs=0.01)
    assert g["estimated_total_hours"] == pytest.approx(16666.67, abs=0.01)
    # realised in the region on masonry lots: 900 h on 1 M€
    assert g["realised_hours_per_million"] == pytest.approx(900)
    assert g["realised_hours_estimate"] == pytest.approx(900)
    assert g["n_lots"] == 1 and g["n_participants"] == 6


def test_hours_grid_fte_from_the_build_setting(con):
    (g,) = rows(con, "select * from mart_hours_grid(1000000, 'masonry', 0.05)")
    # 833.33 h / 1 607 h per FTE (the fixture's fte_hours setting) = 0.5186 FTE
    assert g["fte_hours"] == 1607
    assert g["estimated_insertion_fte"] == pytest.approx(833.333 / 1607, abs=1e-5)


def test_hours_grid_overrides_and_unknown_trade(con):
    (g,) = rows(con, "select * from mart_hours_grid(1000000, 'masonry', 0.05, hourly_cost := 25)")
    assert g["estimated_insertion_hours"] == pytest.approx(1000)
    (g,) = rows(con, "select * from mart_hours_grid(200000, 'painting', 0.1, labour_share := 0.5)")
    assert g["estimated_insertion_hours"] == pytest.approx(200000 * 0.5 * 0.1 / 30)
    (g,) = rows(con, "select * from mart_hours_grid(300000, 'no_such_trade', 0.05)")
    # 'other' defaults: 40 %, 30 €/h; no realised figures
    assert g["estimated_insertion_hours"] == pytest.approx(300000 * 0.4 * 0.05 / 30)
    assert g["realised_hours_per_million"] is None and g["n_lots"] == 0


def test_hours_grid_defaults(con):
    by = {r["trade"]: r for r in rows(con, "select * from mart_hours_grid_defaults")}
    assert by["painting"]["labour_share"] == pytest.approx(0.70)
    assert by["cleaning"]["hourly_cost"] == pytest.approx(20)
    assert by["masonry"]["grid_hours_per_million_at_5pct"] == pytest.approx(833.33, abs=0.01)
    assert by["cleaning"]["realised_hours_per_million"] == pytest.approx(2000)  # 200 h on 100 k€
    assert by["masonry"]["realised_hours_per_million"] == pytest.approx(900)


def test_custom_targets_filtered_by_territory():
    """A target is in a territory when every line and lot of its scope is on an operation there."""
    con = new_db()
    arras = {"operation_commune_code": "62041"}  # Arras: département 62, CU d'Arras
    # OP1 (Lille, 59): buyer B1 6 people x 100 h, buyer B3 6 people x 100 h.
    # OP2 (Arras, 62): buyer B2 5 people x 100 h, buyer B3 5 people x 100 h.
    # OP3 (Arras): one planned lot of B2, no line yet.
    add_lines(con, *people("a", 6, buyer_siret=B1_SIRET),
              *people("b", 6, buyer_siret=B3_SIRET, buyer_name="Bailleur deux départements"),
              *people("c", 5, operation_id="OP2", buyer_siret=B2_SIRET, buyer_name="Bailleur Arras", **arras),
              *people("d", 5, operation_id="OP2", buyer_siret=B3_SIRET, buyer_name="Bailleur deux départements",
                      **arras))
    add_lots(con, {"operation_id": "OP3", "buyer_siret": B2_SIRET, "contract_id": "L3", **arras})
    con.execute("""insert into targets values
        ('operation', 'OP1', 'T-OP1', 2000, '2024-01-01', '2025-12-31'),
        ('operation', 'OP2', 'T-OP2', 2000, '2024-01-01', '2025-12-31'),
        ('operation', 'OP3', 'T-OP3', 2000, '2024-01-01', '2025-12-31'),
        ('operation', 'OP9', 'T-OP9 sans ligne ni lot', 2000, '2024-01-01', '2025-12-31'),
        ('buyer', '111111111', 'T-B1', 1000, '2024-01-01', '2025-12-31'),
        ('buyer', '333333333', 'T-B3 deux départements', 2000, '2024-01-01', '2025-12-31')""")
    build(con)

    def labels(args=""):
        return sorted(r["label"] for r in rows(con, f"select label from mart_custom_targets({args})"))

    everything = {r["label"]: r for r in rows(con, "select * from mart_custom_targets()")}
    assert len(everything) == 6
    # Nord: OP1 (all its lines in 59) and B1 (only on OP1); B3 works in both départements: not kept
    assert labels("departement := '59'") == ["T-B1", "T-OP1"]
    # Pas-de-Calais: OP2, and OP3 by its planned lot
    assert labels("departement := '62'") == ["T-OP2", "T-OP3"]
    assert labels("epci := '200033579'") == ["T-OP2", "T-OP3"]  # CU d'Arras
    assert labels("epci := '200093201'") == ["T-B1", "T-OP1"]  # Métropole Européenne de Lille
    assert labels("departement := '62', epci := '200093201'") == []  # filters combine with AND
    assert labels("departement := '59', landlord := '11111111111111'") == ["T-B1"]  # a SIRET: its SIREN
    assert labels("departement := '59', operation := 'OP1'") == ["T-OP1"]
    # the figures of a kept target are those without a territory filter (hand-worked: 12 x 100 h)
    (op1,) = [r for r in rows(con, "select * from mart_custom_targets(departement := '59')") if r["label"] == "T-OP1"]
    assert op1 == everything["T-OP1"]
    assert op1["hours_worked"] == pytest.approx(1200) and op1["n_participants"] == 12
    assert everything["T-OP2"]["hours_worked"] == pytest.approx(1000)
    assert everything["T-OP3"]["hours_worked"] == pytest.approx(0) and everything["T-OP3"]["n_participants"] == 0
