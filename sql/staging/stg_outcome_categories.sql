-- stg_outcome_categories: outcome codes of clause_hours mapped to exit categories.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: which category (durable, transition, positive, other) an outcome falls in, under the
--          broad and the strict definition of durable employment. Under the strict definition
--          (CDI or CDD >= 6 months only) the other durable outcomes count as transition employment,
--          so the dynamic exit rate is the same under both definitions; only the split changes.
--          `ongoing` means the path is not finished (not a leaver). A null outcome is unknown.
-- Grain: one row per outcome code.
-- Columns: outcome, category_broad, category_strict.
select * from (values
    ('cdi',                'durable',    'durable'),
    ('cdd_6m_plus',        'durable',    'durable'),
    ('interim_6m_plus',    'durable',    'transition'),
    ('civil_service',      'durable',    'transition'),
    ('business_creation',  'durable',    'transition'),
    ('cdd_under_6m',       'transition', 'transition'),
    ('interim_under_6m',   'transition', 'transition'),
    ('subsidised_contract','transition', 'transition'),
    ('qualifying_training','positive',   'positive'),
    ('siae_hire',          'positive',   'positive'),
    ('unemployment',       'other',      'other'),
    ('inactivity',         'other',      'other'),
    ('other',              'other',      'other'),
    ('ongoing',            'ongoing',    'ongoing')
) as t(outcome, category_broad, category_strict)
