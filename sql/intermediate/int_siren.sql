-- int_siren: scalar macro, the organisation (SIREN) a buyer filter value designates.
-- Answers: a `landlord` / `viewer` / target scope given as a SIRET (14 digits) designates its
--          organisation, the first 9 digits; a SIREN (or any other value) is kept as given (a
--          malformed value then matches no organisation).
-- Grain: scalar. Parameters: id (varchar). Returns: varchar.
create or replace macro int_siren(id) as
    case when regexp_full_match(id::varchar, '[0-9]{14}') then left(id::varchar, 9) else id::varchar end
