-- mart_search: the search box (Accueil and the sidebar): buyers, operations and contracts by name,
--              SIREN/SIRET, operation code or contract id.
-- Answers: which entities match what the visitor typed, accent- and case-insensitive, tolerant of a
--          typo after the first letter, best first. Every typed word must match a word of the
--          entity (compared with the words of the same first character only: fast at scale): the same word (score
--          1), a word it begins (0,9; from 2 characters), a word at Levenshtein distance 1 (4 to 7
--          characters) or 2 (8 and more) (0,75), or a Jaro-Winkler similarity of 0,9 and more (5
--          characters and more; 0,7); numbers match exactly or as a beginning only. An entity's
--          score is the mean over the typed words, + 0,05 when the whole folded text typed is in
--          its folded text. Digits typed with separators only (SIREN "278 321 161", id "2019/0020")
--          are one number.
-- Grain: one row per entity found, at most max_per_kind per kind (ties: more contracts or lines
--        first, then the label; the whole-text bonus re-ranks the best 10 x max_per_kind by words).
-- Parameters: q (text typed; at most its first 8 words are used), max_per_kind (default 5),
--             execution_keys (null: every entity; else a list: entities known only from execution
--             data are found only when their key, SIREN or operation code, is in the list; set by
--             dashboard/policy.py from the visitor's role, [] for the public).
-- Columns: kind (buyer, operation, contract), key (SIREN, operation code, contract id),
--          buyer_siret (contracts), buyer_siren, label, detail, score, execution_only.
create or replace macro mart_search(q, max_per_kind := 5, execution_keys := null) as table
with typed as (
    -- a number typed with separators (SIREN "278 321 161", id "2019/0020") is one number
    select case when regexp_full_match(f, '[0-9 ]+') then replace(f, ' ', '') else f end as folded
    from (select int_search_fold(q) as f)
),

tokens as (
    select distinct t.token
    from typed, unnest(list_slice(string_split(typed.folded, ' '), 1, 8)) as t(token)
    where t.token <> ''
),

word_matches as (
    select token, entity_ids, score
    from (
        select
            t.token,
            v.entity_ids,
            case
                when v.word = t.token then 1.0
                when length(t.token) >= 2 and starts_with(v.word, t.token) then 0.9
                when v.is_number or regexp_full_match(t.token, '[0-9]+') then null
                when length(t.token) >= 4 and abs(v.word_length - length(t.token)) <= 2
                     and levenshtein(v.word, t.token) <= case when length(t.token) >= 8 then 2 else 1 end
                    then 0.75
                when length(t.token) >= 5 and abs(v.word_length - length(t.token)) <= 3
                     and jaro_winkler_similarity(v.word, t.token) >= 0.9
                    then 0.7
            end as score
        from tokens as t
        join int_search_vocabulary as v
            on v.first_char = left(t.token, 1) and v.word_length >= length(t.token) - 2
    )
    where score is not null
),

entity_tokens as (
    select e.entity_id, m.token, max(m.score) as score
    from word_matches as m, unnest(m.entity_ids) as e(entity_id)
    group by all
),

entity_scores as (
    select entity_id, avg(score) as score
    from entity_tokens
    group by entity_id
    having count(*) = (select count(*) from tokens)
),

candidates as (
    -- kind and execution-only are in the id (int_search_entities): no entity is read yet
    select entity_id, score, entity_id // 1000000000 as kind_order,
           (entity_id // 100000000) % 10 = 1 as execution_only
    from entity_scores
),

allowed as (
    select *
    from candidates
    where not execution_only
       or execution_keys is null
       or entity_id in (select entity_id from int_search_entities
                        where execution_only and list_contains(execution_keys::varchar[], key))
),

shortlist as (
    -- the best 10 x max_per_kind of each kind by word score (ties: the id's order), re-ranked below
    select *
    from allowed
    qualify row_number() over (partition by kind_order order by score desc, entity_id) <= 10 * max_per_kind
),

found as (
    select
        e.kind,
        e.kind_order,
        e.entity_id,
        e.key,
        e.buyer_siret,
        e.buyer_siren,
        e.label,
        e.detail,
        s.score + case when contains(e.folded, typed.folded) then 0.05 else 0 end as score,
        e.execution_only
    from shortlist as s
    join int_search_entities as e on e.entity_id = s.entity_id
    cross join typed
)

select kind, key, buyer_siret, buyer_siren, label, detail, score, execution_only
from found
qualify row_number() over (partition by kind order by score desc, entity_id) <= max_per_kind
order by kind_order, score desc, entity_id
