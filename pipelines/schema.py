"""Every table of docs/data_model.md, created empty in one place before any reader runs."""
from __future__ import annotations

TABLES: dict[str, str] = {
    "ref_communes": """commune_code varchar, commune_name varchar, departement_code varchar,
        region_code varchar, epci_code varchar, population integer""",
    "ref_epci": "epci_code varchar, epci_name varchar, epci_type varchar",
    "ref_departements": "departement_code varchar, departement_name varchar, region_code varchar",
    "ref_regions": "region_code varchar, region_name varchar",
    "ref_postcodes": "postcode varchar, commune_code varchar",
    "ref_cpv_divisions": "cpv_division varchar, division_label varchar, sector varchar",
    "buyers_register": "buyer_id varchar, buyer_name varchar, buyer_type varchar",
    "contracts": """buyer_siret varchar, contract_id varchar, buyer_name varchar, buyer_type varchar,
        buyer_type_rule varchar, siret_valid boolean, nature varchar, is_concession boolean,
        object varchar, cpv_code varchar, cpv_division varchar, sector varchar, procedure varchar,
        notification_date date, year integer, amount_initial double, amount double,
        amount_flag varchar, duration_months double, place_code varchar, place_type varchar,
        commune_code varchar, departement_code varchar, region_code varchar, epci_code varchar,
        territory_status varchar, territory_reason varchar, supplier_sirets varchar[],
        n_suppliers integer, social_considerations varchar[], social_info_known boolean,
        has_social_clause boolean, has_social_criterion boolean, is_reserved boolean,
        n_versions integer, format_version varchar, source_format varchar, source_file varchar""",
    "rejects": "source_file varchar, record_no bigint, field varchar, reason varchar, raw varchar",
    "ingest_log": """source_file varchar, sha256 varchar, kind varchar, format varchar,
        n_read bigint, n_loaded bigint, n_rejected bigint, n_duplicates bigint,
        n_out_of_region bigint, started_at timestamp, finished_at timestamp, status varchar,
        message varchar, n_contracts bigint""",
    # written by the consolidated national file only (pipelines/decp/consolidated.py): whether a
    # contract's current titulaires include an insertion structure (label SIAE)
    "contract_labels": "buyer_siret varchar, contract_id varchar, supplier_siae boolean, source_file varchar",
    "clause_hours": """source_file varchar, record_no bigint, operation_id varchar,
        operation_name varchar, operation_qpv varchar, operation_commune_code varchar,
        buyer_siret varchar, buyer_name varchar, buyer_type varchar, contract_id varchar,
        lot varchar, company_siret varchar, modality varchar, participant_id varchar,
        gender varchar, birth_year integer, age_band varchar, qualification_level varchar,
        publics varchar[], residence_commune_code varchar, qpv_resident boolean,
        tenant_of_buyer boolean, employment_contract_type varchar, start_date date,
        end_date date, hours_worked double, outcome_end varchar, outcome_6m varchar""",
    "clause_planned": """source_file varchar, record_no bigint, operation_id varchar,
        operation_name varchar, operation_qpv varchar, operation_commune_code varchar,
        buyer_siret varchar, buyer_name varchar, buyer_type varchar, contract_id varchar,
        lot varchar, contract_object varchar, trade varchar, contract_kind varchar,
        legal_basis varchar, contract_amount double, planned_hours double""",
    "targets": """scope_type varchar, scope_id varchar, label varchar, target_hours double,
        period_start date, period_end date""",
    "build_info": "key varchar, value varchar",
}


def create_all_tables(con) -> None:
    """Create every table of the data model (empty) if it does not exist yet."""
    for name, columns in TABLES.items():
        con.execute(f"create table if not exists {name} ({columns})")

