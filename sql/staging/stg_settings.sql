-- stg_settings: the observatory's settings at build time, as one typed row.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: which thresholds and defaults the SQL layer applies (written by the build from
--          pipelines/settings.py into the `settings` table).
-- Grain: exactly one row (defaults apply when a setting is absent).
-- Columns: fte_hours, secrecy_threshold, secrecy_threshold_sensitive, durable_definition, region_code,
--          built_on (the build date).
with source as (
    select name, value from settings
)

select
    coalesce(max(case when name = 'fte_hours' then try_cast(value as double) end), 1607)
        as fte_hours,
    coalesce(max(case when name = 'secrecy_threshold' then try_cast(value as integer) end), 5)
        as secrecy_threshold,
    coalesce(max(case when name = 'secrecy_threshold_sensitive' then try_cast(value as integer) end), 11)
        as secrecy_threshold_sensitive,
    coalesce(max(case when name = 'durable_definition' then value end), 'broad')
        as durable_definition,
    max(case when name = 'region_code' then value end)
        as region_code,
    -- the build date (this table is materialised at build time): "today" for leavers and paths,
    -- so that the materialised and the filtered routes agree after the build day
    current_date as built_on
from source
