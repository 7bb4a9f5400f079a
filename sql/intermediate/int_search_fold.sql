-- int_search_fold: scalar macro, the folded form of a text the search compares.
-- Answers: the text in lower case, without accents or ligatures (é -> e, œ -> oe), every run of
--          other characters (punctuation, dashes, slashes, spaces) as one space, trimmed: what
--          the search stores for every entity and applies to what the visitor types.
-- Grain: scalar. Parameters: s (varchar). Returns: varchar ('' for null).
create or replace macro int_search_fold(s) as
    trim(regexp_replace(
        replace(replace(replace(replace(lower(strip_accents(coalesce(s, ''))), 'œ', 'oe'), 'æ', 'ae'), 'ß', 'ss'), '''', ' '),
        '[^a-z0-9]+', ' ', 'g'))
