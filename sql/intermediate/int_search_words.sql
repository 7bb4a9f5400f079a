-- int_search_words: the words each searchable entity is found by (built once, at build time).
-- materialized: table (read by the mart_search macro)
-- Answers: for every entity of int_search_entities, the distinct words of its folded text
--          (name, other names, SIREN/SIRETs, code or contract id), so that a search joins the few
--          words matching what was typed instead of scanning every label.
-- Grain: one row per entity x word.
-- Columns: word, entity_id.
-- Each entity's words are made distinct within the entity (list_distinct), not by a distinct over
-- every pair: the same rows, without a hash table of all the words of the national file (16 M pairs
-- for 1,8 M contracts: it ran out of the build's 1 GB memory limit).
select w.word, e.entity_id
from int_search_entities as e,
     unnest(list_distinct(string_split(e.folded, ' '))) as w(word)
where w.word <> ''
