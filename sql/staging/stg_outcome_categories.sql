-- stg_outcome_categories: outcome codes of clause_hours mapped to exit categories.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: which category (durable, transition, positive, other) an outcome falls in, under the
--          broad and the strict definition of durable employment. Under the strict definition
--          (CDI or CDD >= 6 months only) the other durable outcomes count as transition employment,
--          so the dynamic exit rate is the same under both definitions; only the split changes.
--          `ongoing` means the path is not finished (not a leaver). A null outcome is unknown.
--          The mapping is the `broad=` / `strict=` flags of the `outcome` domain of stg_codes.
-- Grain: one row per outcome code.
-- Columns: outcome, category_broad, category_strict.
select code as outcome, category_broad, category_strict
from stg_codes
where domain = 'outcome' and category_broad is not null
