-- int_search_vocabulary: the distinct words of the search, each with the entities it finds.
-- materialized: table (read by the mart_search macro)
-- Answers: every word some entity is found by, with its length, whether it is a number and the
--          list of the entities it belongs to (a posting list), so that a typed word is compared
--          (prefix, Levenshtein, Jaro-Winkler) with each distinct word once, and the entities of
--          the matching words are read from their lists instead of scanning every entity x word.
-- Grain: one row per word.
-- Columns: word, first_char (the search compares a typed word with the words of its first
--          character only), word_length, is_number, n_entities, entity_ids (list of
--          int_search_entities.entity_id).
select
    word,
    left(word, 1) as first_char,
    length(word) as word_length,
    regexp_full_match(word, '[0-9]+') as is_number,
    count(*) as n_entities,
    list(entity_id order by entity_id) as entity_ids
from int_search_words
group by word
order by word
