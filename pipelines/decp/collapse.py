"""Collapse the publications of a contract (decp_versions) into one `contracts` row."""
from __future__ import annotations

import pyarrow as pa

from pipelines.buyers import buyer_type
from pipelines.context import BuildContext
from pipelines.decp.versions import ensure_versions_table

# Versions of one contract (key buyer_siret + contract_id) are ordered by publication date (else
# notification date), then by load order. The latest version gives every descriptive field; the
# amount and duration are the latest ones *stated*; the initial amount comes from the first
# version stating one.
COLLAPSE_SQL = """
create or replace temp table _collapsed as
with versions as (
    select * exclude (n_versions), coalesce(publication_date, notification_date) as order_date,
        coalesce(n_versions, 1) as weight
    from decp_versions
),
-- the contracts with several rows (a narrow count: cheaper than a window over the wide rows)
several as (
    select buyer_siret, contract_id from decp_versions group by all having count(*) > 1
),
-- most contracts have one row: it is the contract (no ordering needed)
single as (
    select buyer_siret, contract_id, buyer_name, siret_valid, nature, is_concession, object,
        cpv_code, cpv_division, procedure, notification_date, amount_initial,
        case when amount is not null or amount_flag is not null then amount end as amount,
        amount_flag, duration_months, place_code, place_type, commune_code, departement_code,
        region_code, epci_code, territory_status, territory_reason, supplier_sirets, n_suppliers,
        social_considerations, social_info_known, has_social_clause, has_social_criterion,
        is_reserved, weight as n_versions, format_version, source_format, source_file
    from versions v
    anti join several m on v.buyer_siret is not distinct from m.buyer_siret
                        and v.contract_id is not distinct from m.contract_id
),
multi as (
    -- `order by order_date desc nulls last` (latest) and `asc nulls last` (first) both put the
    -- versions without a date last: two keys
    select *, {'d': coalesce(order_date, '-infinity'::date), 's': load_seq} as latest_key,
        {'d': coalesce(order_date, 'infinity'::date), 's': load_seq} as first_key
    from versions v
    semi join several m on v.buyer_siret is not distinct from m.buyer_siret
                        and v.contract_id is not distinct from m.contract_id
),
stated as (
    select buyer_siret, contract_id, sum(weight) as n_versions,
        arg_max(load_seq, latest_key) as latest_seq,
        arg_max_null(amount, latest_key) filter (where amount is not null or amount_flag is not null) as amount,
        arg_max_null(amount_flag, latest_key) filter (where amount is not null or amount_flag is not null) as amount_flag,
        arg_min(amount_initial, first_key) filter (where amount_initial is not null) as amount_initial,
        arg_max(duration_months, latest_key) filter (where duration_months is not null) as duration_months,
        arg_max(buyer_name, latest_key) filter (where buyer_name is not null) as buyer_name,
        arg_min(notification_date, first_key) filter (where notification_date is not null) as notification_date
    from multi
    group by buyer_siret, contract_id
)
select * from single
union all
select
    r.buyer_siret, r.contract_id, s.buyer_name, r.siret_valid, r.nature, r.is_concession,
    r.object, r.cpv_code, r.cpv_division, r.procedure, s.notification_date,
    s.amount_initial, s.amount, s.amount_flag, s.duration_months, r.place_code, r.place_type,
    r.commune_code, r.departement_code, r.region_code, r.epci_code, r.territory_status,
    r.territory_reason, r.supplier_sirets, r.n_suppliers, r.social_considerations,
    r.social_info_known, r.has_social_clause, r.has_social_criterion, r.is_reserved,
    s.n_versions, r.format_version, r.source_format, r.source_file
from stated s
join multi r on r.buyer_siret = s.buyer_siret and r.contract_id = s.contract_id and r.load_seq = s.latest_seq
"""

INSERT_SQL = """
insert into contracts
select
    c.buyer_siret, c.contract_id, coalesce(b.buyer_name, c.buyer_name) as buyer_name,
    b.buyer_type, b.buyer_type_rule, c.siret_valid, c.nature, c.is_concession, c.object,
    c.cpv_code, c.cpv_division, d.sector, c.procedure, c.notification_date,
    year(c.notification_date) as year, c.amount_initial, c.amount, c.amount_flag,
    c.duration_months, c.place_code, c.place_type, c.commune_code, c.departement_code,
    c.region_code, c.epci_code, c.territory_status, c.territory_reason, c.supplier_sirets,
    c.n_suppliers, c.social_considerations, c.social_info_known, c.has_social_clause,
    c.has_social_criterion, c.is_reserved, c.n_versions, c.format_version, c.source_format,
    c.source_file
from _collapsed c
left join _buyer_types b using (buyer_siret)
left join ref_cpv_divisions d using (cpv_division)
order by c.buyer_siret, c.contract_id
"""


def place_from_buyer(con, ctx: BuildContext) -> dict[str, int]:
    """Publications whose own place is unknown take their buyer's territory when every other
    record of that buyer (any file, out-of-region ones included) is in one région (and one
    département, when so). In a regional build, those placed in another région are moved from
    loaded to out of region (with their field rejects), and ingest_log is corrected.
    Returns {source_file: number moved out of region}."""
    unknown = con.execute("select load_seq, buyer_siret, source_file, record_no, territory_reason, "
                          "coalesce(n_records, 1), coalesce(record_nos, [record_no]) "
                          "from decp_versions where region_code is null").fetchall()
    updates = {"load_seq": [], "region_code": [], "departement_code": [], "territory_status": [],
               "territory_reason": []}
    removed: list[tuple[int, str, int, int]] = []
    for load_seq, buyer, source_file, _, reason, n_records, record_nos in unknown:
        places = ctx.buyer_places.get(buyer)
        if not places:
            continue
        regions = {r for r, _ in places}
        if len(regions) != 1:
            continue
        region = regions.pop()
        if ctx.region_code is not None and region != ctx.region_code:
            removed.extend((load_seq, source_file, record_no, n_records if i == 0 else 0)
                           for i, record_no in enumerate(record_nos))
            continue
        deps = {d for _, d in places}
        dep = deps.pop() if len(deps) == 1 else None
        n = sum(places.values())
        updates["load_seq"].append(load_seq)
        updates["region_code"].append(region)
        updates["departement_code"].append(dep)
        updates["territory_status"].append("departement_only" if dep else "region_only")
        updates["territory_reason"].append(
            f"{reason or 'lieu inconnu'} ; territoire déduit des {n} autre(s) marché(s) de l'acheteur")
    if updates["load_seq"]:
        con.register("_placed", pa.Table.from_pydict(updates))
        con.execute("""update decp_versions set region_code = p.region_code,
                           departement_code = p.departement_code, territory_status = p.territory_status,
                           territory_reason = p.territory_reason
                       from _placed p where decp_versions.load_seq = p.load_seq""")
        con.unregister("_placed")
    moved: dict[str, int] = {}
    if removed:
        con.register("_removed", pa.Table.from_pydict({
            "load_seq": [r[0] for r in removed], "source_file": [r[1] for r in removed],
            "record_no": [r[2] for r in removed]}))
        con.execute("delete from decp_versions where load_seq in (select load_seq from _removed)")
        con.execute("delete from rejects where (source_file, record_no) in "
                    "(select (source_file, record_no) from _removed)")
        con.unregister("_removed")
        for _, source_file, _, n_records in removed:
            moved[source_file] = moved.get(source_file, 0) + n_records
        for source_file, n in moved.items():
            con.execute("update ingest_log set n_loaded = n_loaded - ?, n_out_of_region = n_out_of_region + ? "
                        "where kind = 'decp' and source_file = ?", [n, n, source_file])
    for source_file, n in moved.items():
        ctx.moved_out_of_region[source_file] = ctx.moved_out_of_region.get(source_file, 0) + n
    return moved


def build_contracts(con, ctx: BuildContext) -> int:
    """Fill `contracts` from every loaded version; returns the number of contracts."""
    ensure_versions_table(con)
    place_from_buyer(con, ctx)
    con.execute(COLLAPSE_SQL)
    # One name and type per buyer: the register's name, else the latest name given in any of its
    # contracts (2022 files give none), so that a buyer has the same name on all its contracts.
    buyers = con.execute("""
        select buyer_siret, first(buyer_name order by notification_date desc nulls last, contract_id)
               filter (where buyer_name is not null)
        from _collapsed group by buyer_siret order by buyer_siret""").fetchall()
    sirets, names, types, rules = [], [], [], []
    register = ctx.buyers
    for siret, name in buyers:
        hit = register.lookup(siret) if register is not None else None
        if hit is not None and hit[0]:
            name = hit[0]          # the observatory's register is curated: its name comes first
        btype, rule = buyer_type(ctx, siret, name)
        sirets.append(siret)
        names.append(name)
        types.append(btype)
        rules.append(rule)
    con.register("_buyer_types", pa.Table.from_pydict(
        {"buyer_siret": sirets, "buyer_name": names, "buyer_type": types, "buyer_type_rule": rules},
        schema=pa.schema([("buyer_siret", pa.string()), ("buyer_name", pa.string()),
                          ("buyer_type", pa.string()), ("buyer_type_rule", pa.string())])))
    try:
        con.execute("delete from contracts")
        con.execute(INSERT_SQL)
    finally:
        con.unregister("_buyer_types")
    con.execute("drop table if exists _collapsed")
    con.execute("drop table if exists decp_versions")
    return con.execute("select count(*) from contracts").fetchall()[0][0]
