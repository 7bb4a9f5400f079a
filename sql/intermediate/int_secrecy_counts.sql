-- int_secrecy_counts: every cell about people the marts can publish, with its distinct people.
-- Answers: for each family of people figures (hours: the people and hours of mart_hours, whose
--          masks mart_participants also takes, line semantics; exits_end / exits_6m: the leavers of
--          the total row and of the gender, age_band, qualification and qpv_resident rows of
--          mart_exits and their outcome categories, with the people of the same paths and those
--          still in their path, which link participants and leavers), each cut of the bounded
--          filter space (year '*' or one year, x no filter or one filter of int_line_cuts), each
--          breakdown dimension and value (and, for exits, each category), how many distinct people
--          the cell holds. Read once by pipelines/secrecy.py, which runs the linked complementary
--          suppression and writes int_secrecy_cells (not materialised itself).
-- Grain: one row per family x cut_year x cut_attr x cut_value x dim x value x category.
-- Columns: family, cut_year, cut_attr, cut_value, dim (the mart's dimension name), value, category ('*', or for exits: leavers '*', known,
--          unknown, dynamic, other, core (durable in both definitions), ext (durable broad,
--          transition strict), trans, positive; people (exits_end: every path of the cut and
--          row), ongoing (not a leaver; exits_6m: not counted at +6 months), recent (exits_6m:
--          leavers not counted at +6 months yet)), n (distinct people), people_hash (bit_xor of the
--          hashes of the people counted: cells counting the same people share one mask), is_sensitive (needs the
--          sensitive threshold), year_part ('*' or a year: the cell's year constraint),
--          constraints (sorted list of 'attribute=value' strings: with year_part, the canonical
--          identity of the cell; the same people set reached through a filter or a dimension gets
--          the same identity in the hours family).
with sensitive_publics as (
    -- the publics flagged `sensitive` in the code table, as one list
    select list(code) as codes from stg_codes where domain = 'public' and is_sensitive
),

hours_cut as (
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
                or (is_place_dim and c.cut_attr = 'public' and list_contains(sp.codes, c.cut_value)))
            as is_sensitive
    from hours_cut, sensitive_publics as sp
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

exit_groups as (
    -- paths per cut, breakdown value (total and the person attributes shared by mart_exits and
    -- mart_participants) and status (leaver, atom at the end, counted at +6 months, atom at +6
    -- months): counts and hashes are added up per category below (bit_xor is associative)
    select
        p.cut_year, p.cut_attr, p.cut_value, d.dim, d.dim_value,
        coalesce(p.is_leaver, false) as lv, p.atom_end, coalesce(p.is_leaver_6m, false) as lv6, p.atom_6m,
        d.dim = 'qpv_resident' and p.cut_attr = 'public' and list_contains(sp.codes, p.cut_value)
            as is_sensitive,
        count(*) as n,
        bit_xor(hash(p.participant_id)) as h
    from paths as p, sensitive_publics as sp,
    unnest([
        {'dim': 'total', 'dim_value': 'total'},
        {'dim': 'gender', 'dim_value': coalesce(p.gender, 'unknown')},
        {'dim': 'age_band', 'dim_value': coalesce(p.age_band, 'unknown')},
        {'dim': 'qualification', 'dim_value': coalesce(p.qualification, 'unknown')},
        {'dim': 'qpv_resident', 'dim_value': case p.qpv_resident when true then 'yes' when false then 'no'
                                                               else 'unknown' end}]) as u(d)
    -- the landlord cuts link their total row only (their breakdowns: within-table rule and the
    -- identity lookup; linking them withheld most landlords' shares on the benchmark)
    where d.dim = 'total' or p.cut_attr <> 'landlord'
    group by all
),

exit_members as (
    -- the linked categories each status group belongs to. exits_end: people (every path: the
    -- participants of the cut), ongoing (not a leaver), '*' (leavers), unknown, known, other,
    -- dynamic, core, ext, trans, positive; exits_6m: the same for the leavers counted at +6
    -- months, with ongoing = not counted at +6 months and recent = leavers not yet counted at +6 months
    select g.cut_year, g.cut_attr, g.cut_value, g.dim, g.dim_value, g.is_sensitive, g.n, g.h,
           unnest(list_filter([
               {'tp': 'end', 'category': 'people', 'ok': true},
               {'tp': 'end', 'category': 'ongoing', 'ok': not g.lv},
               {'tp': 'end', 'category': '*', 'ok': g.lv},
               {'tp': 'end', 'category': g.atom_end, 'ok': g.lv},
               {'tp': 'end', 'category': 'known', 'ok': g.lv and g.atom_end <> 'unknown'},
               {'tp': 'end', 'category': 'dynamic', 'ok': g.lv and g.atom_end in ('core', 'ext', 'trans', 'positive')},
               {'tp': '6m', 'category': 'ongoing', 'ok': not g.lv6},
               {'tp': '6m', 'category': 'recent', 'ok': g.lv and not g.lv6},
               {'tp': '6m', 'category': '*', 'ok': g.lv6},
               {'tp': '6m', 'category': g.atom_6m, 'ok': g.lv6},
               {'tp': '6m', 'category': 'known', 'ok': g.lv6 and g.atom_6m <> 'unknown'},
               {'tp': '6m', 'category': 'dynamic', 'ok': g.lv6 and g.atom_6m in ('core', 'ext', 'trans', 'positive')}],
               lambda x: x.ok)) as m
    from exit_groups as g
),

exit_cells as (
    select 'exits_' || m.tp as family, cut_year, cut_attr, cut_value, dim, dim_value as value,
           m.category, sum(n)::bigint as n, bit_xor(h) as people_hash, bool_or(is_sensitive) as is_sensitive
    from exit_members
    group by all
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
