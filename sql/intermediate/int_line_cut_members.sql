-- int_line_cut_members: the employment lines of every cut of the bounded people space, at build time.
-- materialized: table
-- Answers: which lines (and people) each cut of the bounded filter space (docs/secrecy.md: year
--          '*' or one year x no filter or one filter, int_line_cuts) holds: the people marts
--          publish each cut's total. Read by mart_custom_targets, which compares every target with
--          these totals (a target over a free period minus the cut of its buyer).
-- Grain: one row per line x cut_year x cut (a line with two publics is in both public cuts).
-- Columns: line_id, participant_id, cut_year ('*' or the line's year), cut_attr, cut_value,
--          cut_lines and cut_people (the cut's lines and distinct people), is_first_line (the
--          cut's smallest line_id: one row per cut to look candidates up by).
with members as (
select line_id, participant_id, cut_year, c.cut_attr as cut_attr, c.cut_value as cut_value
from (
    select l.line_id, l.participant_id, y.cut_year,
           unnest(int_line_cuts(l.operation_departement_code, l.operation_epci_code, l.buyer_type,
                                l.buyer_siren, l.sector, l.operation_id, l.publics)) as c
    from int_hours_lines as l,
    unnest(['*', coalesce(l.year::varchar, 'unknown')]) as y(cut_year)
    where l.participant_id is not null
)
)

select
    *,
    count(*) over w as cut_lines,
    count(distinct participant_id) over w as cut_people,
    line_id = min(line_id) over w as is_first_line
from members
window w as (partition by cut_year, cut_attr, cut_value)
order by line_id
