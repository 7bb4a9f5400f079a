-- mart_national_references: national reference points for the share of contracts with a social
--          consideration (domain brief §3.1), to draw beside the region's yearly share.
-- Answers: which national figure stands for each of the given notification years, and the national
--          target.
-- Grain: one row per reference year among `years` (is_target false) + one row for the national
--          target (is_target true, year null).
-- Parameters: years (list of notification years shown; null: every reference year).
-- Columns: is_target, year, share (0-1), label (French text written by the point, null: none; the
--          target's caption for the target row).
create or replace macro mart_national_references(years := null) as table
with points as (
    select * from (values
        (2015, 0.10, '≈ 10 % (2015)'), (2019, 0.125, '12-13 %'), (2020, 0.125, null), (2021, 0.125, null),
        (2022, 0.205, '19-22 % (≥ 90 k€)'), (2023, 0.205, null)
    ) as t(year, share, label)
),

target as (
    select * from (values (0.30, 'Objectif national : 30 %')) as t(share, label)
)

select false as is_target, p.year::integer as year, p.share::double as share, p.label
from points as p
where years is null or list_contains(years, p.year)
union all
select true, null, t.share::double, t.label
from target as t
order by is_target, year
