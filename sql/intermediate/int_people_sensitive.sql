-- int_people_sensitive: scalar macro, when a people cell takes the sensitive threshold.
-- Answers: is this cell sensitive (int_secrecy_threshold(true))? When `operation` is set and the
--          cell holds a sensitive value (a sensitive public); when `public` is a sensitive public
--          (flag `sensitive` of the `public` domain in stg_codes) and the cell is a place (commune, operation, QPV); and on every
--          cell when both a sensitive `public` and `operation` are set (people of a sensitive
--          public within one operation, located in a commune / QPV).
-- Grain: scalar (aggregates may be passed as arguments).
-- Parameters: has_sensitive_value (boolean), is_place (boolean), operation, public (the mart's
--             filters). Returns: boolean.
create or replace macro int_people_sensitive(has_sensitive_value, is_place, operation, public) as
    (has_sensitive_value and operation is not null)
    or ((is_place or operation is not null)
        and list_contains((select list(code) from stg_codes where domain = 'public' and is_sensitive), public))
