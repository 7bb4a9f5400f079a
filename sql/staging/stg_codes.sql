-- stg_codes: every code the product stores or shows, with its French label, order and flags.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: the French label and display order of a code of any domain (buyer_type, sector,
--          public, outcome, yes_no, ...), which publics are sensitive (secrecy threshold 11 when
--          crossed with a place), which rejected fields describe a person, which category an
--          outcome falls in. Source: data/reference/codes.csv (project-authored), copied into
--          `ref_codes` by pipelines/codes.py before the SQL layer; the only code list of the SQL.
-- Grain: one row per domain x code.
-- Columns: domain, code, label, sort_order, flags (list), is_sensitive (public flagged
--          `sensitive`), is_personal (reject_field flagged `personal`), category_broad,
--          category_strict (outcome: values of the `broad=` / `strict=` flags).
with source as (
    select *, ';' || array_to_string(flags, ';') || ';' as flag_text from ref_codes
)

select
    domain,
    code,
    label,
    sort_order,
    flags,
    list_contains(flags, 'sensitive') as is_sensitive,
    list_contains(flags, 'personal') as is_personal,
    nullif(regexp_extract(flag_text, ';broad=([^;]*);', 1), '') as category_broad,
    nullif(regexp_extract(flag_text, ';strict=([^;]*);', 1), '') as category_strict
from source
