-- int_search_vocabulary: the distinct words of the search (the typo-tolerant match runs on it).
-- materialized: table (read by the mart_search macro)
-- Answers: every word some entity is found by, with its length and whether it is a number, so
--          that a typed word is compared (prefix, Levenshtein, Jaro-Winkler) with each distinct
--          word once rather than with every entity.
-- Grain: one row per word.
-- Columns: word, word_length, is_number, n_entities.
select
    word,
    length(word) as word_length,
    regexp_full_match(word, '[0-9]+') as is_number,
    count(*) as n_entities
from int_search_words
group by word
