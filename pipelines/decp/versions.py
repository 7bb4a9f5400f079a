"""The `decp_versions` table: one row per version of a DECP record (initial data, each modification),
written by the DECP readers (ingest.py, consolidated.py) and collapsed into `contracts` (collapse.py)."""
from __future__ import annotations

import pyarrow as pa

VERSION_SCHEMA = pa.schema([
    ("buyer_siret", pa.string()), ("contract_id", pa.string()), ("buyer_name", pa.string()),
    ("siret_valid", pa.bool_()), ("nature", pa.string()), ("is_concession", pa.bool_()),
    ("object", pa.string()), ("cpv_code", pa.string()), ("cpv_division", pa.string()),
    ("procedure", pa.string()), ("notification_date", pa.date32()), ("publication_date", pa.date32()),
    ("amount_initial", pa.float64()), ("amount", pa.float64()), ("amount_flag", pa.string()),
    ("duration_months", pa.float64()), ("place_code", pa.string()), ("place_type", pa.string()),
    ("commune_code", pa.string()), ("departement_code", pa.string()), ("region_code", pa.string()),
    ("epci_code", pa.string()), ("territory_status", pa.string()), ("territory_reason", pa.string()),
    ("supplier_sirets", pa.list_(pa.string())), ("n_suppliers", pa.int32()),
    ("social_considerations", pa.list_(pa.string())), ("social_info_known", pa.bool_()),
    ("has_social_clause", pa.bool_()), ("has_social_criterion", pa.bool_()), ("is_reserved", pa.bool_()),
    ("format_version", pa.string()), ("source_format", pa.string()), ("source_file", pa.string()),
    ("record_no", pa.int64()), ("load_seq", pa.int64()),
])
_SQL_TYPES = {pa.string(): "varchar", pa.bool_(): "boolean", pa.date32(): "date", pa.float64(): "double",
              pa.int32(): "integer", pa.int64(): "bigint", pa.list_(pa.string()): "varchar[]"}
VERSIONS_DDL = ", ".join(f"{f.name} {_SQL_TYPES[f.type]}" for f in VERSION_SCHEMA)


# Written by the consolidated reader only, which inserts one row per contract already collapsed:
# how many versions and rows it stands for, and its versions' record numbers (null elsewhere: 1).
COLLAPSED_DDL = "n_versions integer, n_records integer, record_nos bigint[]"


def ensure_versions_table(con) -> None:
    con.execute(f"create temp table if not exists decp_versions ({VERSIONS_DDL}, {COLLAPSED_DDL})")
