-- int_anonymous_label: scalar macro, the anonymous label of the n-th landlord.
-- Answers: 'Bailleur A' ... 'Bailleur Z', 'Bailleur AA', 'Bailleur AB', ... for rank 1, 2, ...
-- Grain: scalar. Parameters: n (1-based rank). Returns: varchar.
create or replace macro int_anonymous_label(n) as
    'Bailleur ' || case when n <= 26 then chr(64 + n::integer)
                        else chr(64 + ((n - 1) // 26)::integer) || chr(65 + ((n - 1) % 26)::integer) end
