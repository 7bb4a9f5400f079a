-- int_search_entities: every entity the search finds, with the text it is found by.
-- materialized: table (read by the mart_search macro)
-- Answers: which buyers (organisations: SIREN, the first 9 digits of the SIRET), operations
--          (operation code = the clause data's operation_id) and DECP contracts exist, under which
--          name, and whether only execution data (clause exports) know them.
-- Grain: one row per entity (kind, key; a contract is buyer SIRET + contract id).
-- Columns: entity_id (kind_order x 10^9 + 10^8 when execution-only + the rank within them: more
--          weight first, then label), kind (buyer, operation, contract), kind_order (buyer 1, operation 2,
--          contract 3), key (SIREN, operation code, contract id), buyer_siret (contracts),
--          buyer_siren (buyers, contracts), label (buyer: name from the buyers register, else
--          the most frequent name; operation: most frequent name; contract: object), detail
--          (short French context: SIRETs, commune, buyer and year), ids (SIREN, SIRETs, code or
--          contract id, space-separated), folded (int_search_fold of label, other names and ids),
--          execution_only (true when no DECP contract names the entity: operations, buyers seen
--          in clause exports only), weight (contracts or employment lines: the tie-break).
with valid_contracts as (
    select *, left(buyer_siret, 9) as siren
    from stg_contracts
    where regexp_full_match(buyer_siret, '[0-9]{14}')
),

register as (
    select left(buyer_id, 9) as siren, min(buyer_name) as buyer_name
    from buyers_register
    where regexp_full_match(buyer_id, '[0-9]{9}([0-9]{5})?') and buyer_name is not null
    group by all
),

decp_buyers as (
    select
        siren,
        mode(buyer_name) as frequent_name,
        string_agg(distinct buyer_name, ' ') as all_names,
        list(distinct buyer_siret order by buyer_siret) as sirets,
        count(*) as weight
    from valid_contracts
    group by all
),

clause_buyers as (
    select
        left(buyer_siret, 9) as siren,
        mode(buyer_name) as frequent_name,
        string_agg(distinct buyer_name, ' ') as all_names,
        list(distinct buyer_siret order by buyer_siret) as sirets,
        count(*) as weight
    from stg_clause_hours
    where regexp_full_match(buyer_siret, '[0-9]{14}')
      and left(buyer_siret, 9) not in (select siren from decp_buyers)
    group by all
),

buyers as (
    select
        'buyer' as kind,
        1 as kind_order,
        b.siren as key,
        null::varchar as buyer_siret,
        b.siren as buyer_siren,
        coalesce(r.buyer_name, b.frequent_name, b.siren) as label,
        'SIREN ' || b.siren || case when len(b.sirets) = 1 then ' · SIRET ' || b.sirets[1]
                                    else ' · ' || len(b.sirets) || ' établissements' end as detail,
        b.siren || ' ' || array_to_string(b.sirets, ' ') as ids,
        coalesce(r.buyer_name, '') || ' ' || coalesce(b.all_names, '') as names,
        b.execution_only,
        b.weight
    from (select *, false as execution_only from decp_buyers
          union all
          select *, true from clause_buyers) as b
    left join register as r on r.siren = b.siren
),

operations as (
    select
        'operation' as kind,
        2 as kind_order,
        h.operation_id as key,
        null::varchar as buyer_siret,
        null::varchar as buyer_siren,
        coalesce(mode(h.operation_name), h.operation_id) as label,
        'Opération ' || h.operation_id
            || coalesce(' · ' || any_value(c.commune_name), '') as detail,
        h.operation_id as ids,
        coalesce(string_agg(distinct h.operation_name, ' '), '') as names,
        true as execution_only,
        count(*) as weight
    from stg_clause_hours as h
    left join ref_communes as c on c.commune_code = h.operation_commune_code
    where h.operation_id is not null
    group by h.operation_id
),

contracts as (
    select
        'contract' as kind,
        3 as kind_order,
        contract_id as key,
        buyer_siret,
        siren as buyer_siren,
        coalesce(nullif(trim(object), ''), contract_id) as label,
        coalesce(buyer_name, buyer_siret) || coalesce(' · ' || year, '') || ' · n° ' || contract_id as detail,
        contract_id || ' ' || replace(replace(replace(contract_id, '/', ''), '-', ''), ' ', '') as ids,
        '' as names,
        false as execution_only,
        1 as weight
    from valid_contracts
    where contract_id is not null
)

select
    -- the id carries the kind, whether execution-only and the tie-break order (more contracts or
    -- lines first, then the label), so that mart_search ranks from the posting lists alone
    kind_order::bigint * 1000000000 + (case when execution_only then 100000000 else 0 end)
        + row_number() over (partition by kind_order, execution_only
                             order by weight desc, label, key, buyer_siret) as entity_id,
    kind,
    kind_order,
    key,
    buyer_siret,
    buyer_siren,
    label,
    detail,
    ids,
    int_search_fold(label || ' ' || names || ' ' || ids) as folded,
    execution_only,
    weight
from (select * from buyers union all select * from operations union all select * from contracts)
