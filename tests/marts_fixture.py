"""Tiny hand-built databases for the mart tests: empty data-model tables + rows given in the test."""
from __future__ import annotations

import datetime as dt

import duckdb

from pipelines import schema, sql_layer

LINE_DEFAULTS = {
    "source_file": "test.csv", "operation_id": "OP1", "operation_name": "Opération test",
    "operation_commune_code": "59350", "buyer_siret": "11111111111111", "buyer_name": "Bailleur Nord",
    "buyer_type": "landlord", "contract_id": "C1", "lot": None, "modality": "direct_hire",
    "gender": "M", "age_band": "26-49", "qualification_level": "3", "publics": [],
    "residence_commune_code": "59350", "qpv_resident": False, "tenant_of_buyer": False,
    "employment_contract_type": "cddi", "start_date": dt.date(2024, 1, 1),
    "end_date": dt.date(2024, 6, 30), "hours_worked": 100.0, "outcome_end": None, "outcome_6m": None,
}

CONTRACT_DEFAULTS = {
    "buyer_siret": "11111111111111", "buyer_name": "Bailleur Nord", "buyer_type": "landlord",
    "nature": "marche", "object": "Travaux", "cpv_code": "45000000", "cpv_division": "45",
    "sector": "works", "procedure": "open", "notification_date": dt.date(2024, 3, 1), "year": 2024,
    "amount": 100000.0, "departement_code": "59", "commune_code": "59350", "epci_code": "200093201",
    "region_code": "32", "territory_status": "resolved", "social_info_known": True,
    "has_social_clause": False, "has_social_criterion": False, "is_reserved": False,
    "format_version": "2022", "source_file": "decp.json",
}

LOT_DEFAULTS = {
    "source_file": "test.csv", "operation_id": "OP1", "operation_name": "Opération test",
    "operation_commune_code": "59350", "buyer_siret": "11111111111111", "buyer_name": "Bailleur Nord",
    "buyer_type": "landlord", "contract_id": "C1", "lot": None, "trade": "masonry",
    "contract_kind": "works", "legal_basis": "execution_condition", "contract_amount": 100000.0,
    "planned_hours": 100.0,
}


def add_two_communes(con) -> None:
    """The reference rows of the small fixtures: Lille (59, MEL) and Arras (62, CU d'Arras)."""
    con.execute("""insert into ref_communes values
        ('59350', 'Lille', '59', '32', '200093201', 230000),
        ('62041', 'Arras', '62', '32', '200033579', 41000)""")
    con.execute("insert into ref_departements values ('59', 'Nord', '32'), ('62', 'Pas-de-Calais', '32')")
    con.execute("insert into ref_epci values ('200093201', 'Métropole Européenne de Lille', 'METRO'),"
                " ('200033579', 'CU d''Arras', 'CU')")


def finish_build(con, *, demo: bool, built_at: str, n_files: int) -> None:
    """The SQL layer over the rows added to `con`, then the build information a page reads (the demo
    label or not); closes `con`."""
    from pipelines import sql_layer

    sql_layer.create_sql_layer(con)
    label = "données de démonstration" if demo else "données réelles"
    con.execute("insert into build_info values ('data_label', ?), ('built_at', ?), ('n_files', ?), "
                "('app_version', 'test')", [label, built_at, str(n_files)])
    con.close()


def new_db():
    """An in-memory database holding every table of docs/data_model.md, empty, and two communes."""
    con = duckdb.connect()
    schema.create_all_tables(con)
    add_two_communes(con)
    return con


def insert(con, table: str, defaults: dict, rows: list[dict]) -> None:
    """Insert rows (dicts overriding `defaults`) into `table`; record_no is the row's position."""
    for i, row in enumerate(rows, start=1):
        values = {**defaults, **row}
        if table in ("clause_hours", "clause_planned") and "record_no" not in values:
            values["record_no"] = con.execute(f"select count(*) + 1 from {table}").fetchone()[0]
        cols = list(values)
        con.execute(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
                    [values[c] for c in cols])


def add_lines(con, *rows: dict) -> None:
    insert(con, "clause_hours", LINE_DEFAULTS, list(rows))


def add_contracts(con, *rows: dict) -> None:
    insert(con, "contracts", CONTRACT_DEFAULTS, list(rows))


def add_lots(con, *rows: dict) -> None:
    insert(con, "clause_planned", LOT_DEFAULTS, list(rows))


def people(prefix: str, n: int, **attrs) -> list[dict]:
    """n employment lines of n distinct participants named prefix1..prefixN with the same attributes."""
    return [{"participant_id": f"{prefix}{i}", **attrs} for i in range(1, n + 1)]


def build(con):
    """Create the SQL layer and return the connection."""
    sql_layer.create_sql_layer(con)
    return con


def rows(con, sql: str, params=None) -> list[dict]:
    """Query result as a list of dicts."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def by_value(con, sql: str, params=None) -> dict:
    """Breakdown mart result keyed by its `value` column."""
    return {r["value"]: r for r in rows(con, sql, params)}
