-- int_secrecy_counts: every cell about people the marts can publish, with its distinct people.
-- Answers: for each family of people figures (hours: the people and hours of mart_hours, whose
--          masks mart_participants also takes, line semantics; exits_end / exits_6m: the leavers of
--          the total row of mart_exits and their outcome categories), each cut of the bounded filter space (year '*' or one year, x no
--          filter or one filter of int_line_cuts), each breakdown dimension and value (and, for
--          exits, each outcome category), how many distinct people the cell holds. Read once by
--          pipelines/secrecy.py, which runs the linked complementary suppression and writes
--          int_secrecy_cells (not materialised itself).
-- Grain: one row per family x cut_year x cut_attr x cut_value x dim x value x category.
-- Columns: family, cut_year, cut_attr, cut_value, dim (the mart's dimension name), value, category ('*', or for exits: leavers '*', known,
--          unknown, dynamic, other, core (durable in both definitions), ext (durable broad,
--          transition strict), trans, positive), n (distinct people), people_hash (bit_xor of the
--          hashes of the people counted: cells counting the same people share one mask), is_sensitive (needs the
--          sensitive threshold), year_part ('*' or a year: the cell's year constraint),
--          constraints (sorted list of 'attribute=value' strings: with year_part, the canonical
--          identity of the cell; the same people set reached through a filter or a dimension gets
--          the same identity in the hours family).
with hours_cut as (
    select
        h.participant_id, h.dim, h.dim_value, h.is_sensitive_value, h.is_place_dim,
        y.cut_year, unnest(int_line_cuts(h.f_departement, h.f_epci, h.f_buyer_type, h.f_buyer_siren,
                                         h.f_sector, h.f_operation, l.publics)) as c
    from int_hours_dimensions as h
    join int_hours_lines as l using (line_id),
    unnest(['*', coalesce(h.f_year::varchar, 'unknown')]) as y(cut_year)
    where h.participant_id is not null
),

hours_people as (
    -- one row per person and cell first: the counts below need no distinct
    select
        cut_year, c.cut_attr as cut_attr, c.cut_value as cut_value, dim, dim_value, participant_id,
        bool_or((is_sensitive_value and c.cut_attr = 'operation')
                or (is_place_dim and c.cut_attr = 'public' and c.cut_value in ('rqth', 'rsa', 'ass', 'aah')))
            as is_sensitive
    from hours_cut
    group by all
),

hours_cells as (
    select
        'hours' as family, cut_year, cut_attr, cut_value, dim, dim_value as value, '*' as category,
        count(*) as n,
        bit_xor(hash(participant_id)) as people_hash,
        bool_or(is_sensitive) as is_sensitive
    from hours_people
    group by all
),

paths as (
    -- one path per participant and cut (cut_year, cut_attr, cut_value)
    select
        p.*,
        case when o.category_broad is null or o.category_broad not in ('durable', 'transition', 'positive', 'other')
             then 'unknown' when o.category_strict = 'durable' then 'core' when o.category_broad = 'durable' then 'ext'
             when o.category_broad = 'transition' then 'trans' else o.category_broad end as atom_end,
        case when o6.category_broad is null or o6.category_broad not in ('durable', 'transition', 'positive', 'other')
             then 'unknown' when o6.category_strict = 'durable' then 'core' when o6.category_broad = 'durable' then 'ext'
             when o6.category_broad = 'transition' then 'trans' else o6.category_broad end as atom_6m,
        p.is_leaver and (p.last_outcome_6m is not null
            or p.last_end_date <= (select s.built_on from stg_settings as s) - interval 6 month) as is_leaver_6m
    from int_participant_paths(cuts := true) as p
    left join stg_outcome_categories as o on o.outcome = p.last_outcome_end
    left join stg_outcome_categories as o6 on o6.outcome = p.last_outcome_6m
),

path_agg as (
    -- leavers per outcome atom at both timepoints, per cut (total rows of mart_exits)
    select
        cut_year, cut_attr, cut_value, 'total' as dim, 'total' as dim_value,
        false as is_sensitive,
        count(*) filter (where is_leaver) as end_all,
        count(*) filter (where is_leaver and atom_end = 'unknown') as end_unknown,
        count(*) filter (where is_leaver and atom_end = 'other') as end_other,
        count(*) filter (where is_leaver and atom_end = 'core') as end_core,
        count(*) filter (where is_leaver and atom_end = 'ext') as end_ext,
        count(*) filter (where is_leaver and atom_end = 'trans') as end_trans,
        count(*) filter (where is_leaver and atom_end = 'positive') as end_positive,
        count(*) filter (where is_leaver_6m) as m6_all,
        count(*) filter (where is_leaver_6m and atom_6m = 'unknown') as m6_unknown,
        count(*) filter (where is_leaver_6m and atom_6m = 'other') as m6_other,
        count(*) filter (where is_leaver_6m and atom_6m = 'core') as m6_core,
        count(*) filter (where is_leaver_6m and atom_6m = 'ext') as m6_ext,
        count(*) filter (where is_leaver_6m and atom_6m = 'trans') as m6_trans,
        count(*) filter (where is_leaver_6m and atom_6m = 'positive') as m6_positive,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver) as end_h_all,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end = 'unknown') as end_h_unknown,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end = 'other') as end_h_other,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end = 'core') as end_h_core,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end = 'ext') as end_h_ext,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end = 'trans') as end_h_trans,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end = 'positive') as end_h_positive,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end <> 'unknown') as end_h_known,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver and atom_end in ('core', 'ext', 'trans', 'positive')) as end_h_dynamic,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m) as m6_h_all,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m = 'unknown') as m6_h_unknown,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m = 'other') as m6_h_other,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m = 'core') as m6_h_core,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m = 'ext') as m6_h_ext,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m = 'trans') as m6_h_trans,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m = 'positive') as m6_h_positive,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m <> 'unknown') as m6_h_known,
        bit_xor(distinct hash(participant_id)) filter (where is_leaver_6m and atom_6m in ('core', 'ext', 'trans', 'positive')) as m6_h_dynamic
    from paths
    group by cut_year, cut_attr, cut_value
),

exit_cells as (
    select 'exits_' || x.tp as family, cut_year, cut_attr, cut_value, dim, dim_value as value,
           x.category, x.n, x.h as people_hash, is_sensitive
    from path_agg,
    unnest([
        {'tp': 'end', 'category': '*', 'n': end_all, 'h': end_h_all},
        {'tp': 'end', 'category': 'unknown', 'n': end_unknown, 'h': end_h_unknown},
        {'tp': 'end', 'category': 'known', 'n': end_all - end_unknown, 'h': end_h_known},
        {'tp': 'end', 'category': 'other', 'n': end_other, 'h': end_h_other},
        {'tp': 'end', 'category': 'dynamic', 'n': end_core + end_ext + end_trans + end_positive, 'h': end_h_dynamic},
        {'tp': 'end', 'category': 'core', 'n': end_core, 'h': end_h_core},
        {'tp': 'end', 'category': 'ext', 'n': end_ext, 'h': end_h_ext},
        {'tp': 'end', 'category': 'trans', 'n': end_trans, 'h': end_h_trans},
        {'tp': 'end', 'category': 'positive', 'n': end_positive, 'h': end_h_positive},
        {'tp': '6m', 'category': '*', 'n': m6_all, 'h': m6_h_all},
        {'tp': '6m', 'category': 'unknown', 'n': m6_unknown, 'h': m6_h_unknown},
        {'tp': '6m', 'category': 'known', 'n': m6_all - m6_unknown, 'h': m6_h_known},
        {'tp': '6m', 'category': 'other', 'n': m6_other, 'h': m6_h_other},
        {'tp': '6m', 'category': 'dynamic', 'n': m6_core + m6_ext + m6_trans + m6_positive, 'h': m6_h_dynamic},
        {'tp': '6m', 'category': 'core', 'n': m6_core, 'h': m6_h_core},
        {'tp': '6m', 'category': 'ext', 'n': m6_ext, 'h': m6_h_ext},
        {'tp': '6m', 'category': 'trans', 'n': m6_trans, 'h': m6_h_trans},
        {'tp': '6m', 'category': 'positive', 'n': m6_positive, 'h': m6_h_positive}]) as u(x)
    where x.n > 0
),

all_cells as (
    select * from hours_cells
    union all by name
    select * from exit_cells
),

constrained as (
    select
        *,
        -- the hours family's dimensions that are also filters name the same people set
        case when family = 'hours' then
                 case dim when 'operation_departement' then 'departement' when 'operation_epci' then 'epci'
                          when 'buyer' then 'landlord' when 'buyer_type' then 'buyer_type' when 'sector' then 'sector'
                          when 'operation' then 'operation' when 'public' then 'public' else 'd:' || dim end
             else 'd:' || dim end as dim_attr
    from all_cells
)

select
    family, cut_year, cut_attr, cut_value, dim, value, category, n, people_hash, is_sensitive,
    case when family = 'hours' and dim = 'year' then value else cut_year end as year_part,
    list_sort(list_distinct(list_filter([
        case when cut_attr <> '*' then cut_attr || '=' || cut_value end,
        case when dim not in ('total') and not (family = 'hours' and dim = 'year') then dim_attr || '=' || value end,
        case when category <> '*' then 'cat=' || category end], lambda x: x is not null))) as constraints
from constrained
