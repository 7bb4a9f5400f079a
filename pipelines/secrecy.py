"""Linked complementary suppression of the figures about people (docs/secrecy.md).

Run by `sql_layer.create_sql_layer` between the intermediate layer and the marts. It reads
`int_secrecy_counts` (every publishable people cell of the bounded filter space, with its distinct
people) and writes `int_secrecy_cells`: the same cells with `is_masked`, the mask every people mart
takes. The rule, applied to a fixed point over all the sibling groups at once:

- primary: a cell of 1 to threshold - 1 people is masked (threshold 5, or 11 for a sensitive public
  crossed with a commune, a QPV or an operation: `int_secrecy_threshold`);
- a sibling group (a linked relation: parent = sum of children) is a set of cells that differ in
  one constraint only, with the cell without it (or, for exit outcomes, the level above) as
  parent: the values of one breakdown within a cut, the départements (EPCIs, buyer types,
  landlords, sectors, operations, publics) of one breakdown cell, the years of one cell, the
  outcome categories of one row; and the linking relations of each cut and row of the exits
  families: participants = leavers + ongoing (end, +6 months), leavers at the end = leavers at +6
  months + recent (ongoing and recent are derived cells, never published);
- rule: a relation with a published parent has 0 masked children or at least two whose hidden sum
  (their people) reaches the threshold; a relation with a masked parent has at least one masked
  child. A relation breaking it gets its cheapest published child masked (the parent when none is
  left): cost = people x (1 + the relations the cell is the parent of), 0 for a derived cell. The
  pass is repeated until nothing changes (`method="smallest"`: the former rule, smallest cell and
  two masked children even under a masked parent, for measurements only).
- Cells that count exactly the same people (a hash of the set of people, in any family) are one
  cell for masking, however they are reached: "filter a, dimension b" and "filter b, dimension a",
  an operation and the same operation within its landlord, a year filter and a year row.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

# parent category of an exit outcome category (the hierarchy leavers > known > dynamic > atoms)
CATEGORY_PARENT = {
    "known": None, "unknown": None,
    "dynamic": "known", "other": "known",
    "core": "dynamic", "ext": "dynamic", "trans": "dynamic", "positive": "dynamic",
}
# categories that only link tables: people (the participants of the cut, published by
# mart_participants), ongoing (participants - leavers) and recent (leavers at the end - leavers at +6
# months): never published themselves, derivable from published cells
LINK_CATEGORIES = ("people", "ongoing", "recent")
DERIVED_CATEGORIES = ("ongoing", "recent")
ALL_CATEGORIES = tuple(CATEGORY_PARENT) + LINK_CATEGORIES
_LINK_ONLY_SQL = "[" + ", ".join(f"'cat={c}'" for c in LINK_CATEGORIES) + "]"
_DERIVED_SQL = "[" + ", ".join(f"'cat={c}'" for c in DERIVED_CATEGORIES) + "]"
_CAT_SQL = "[" + ", ".join(f"'cat={c}'" for c in ALL_CATEGORIES) + "]"
MAX_PASSES = 200


def _category_parent_sql() -> str:
    cases = " ".join(f"when '{c}' then {('null' if p is None else repr(p))}" for c, p in CATEGORY_PARENT.items())
    return f"case split_part(c, '=', 2) {cases} end"


def build_cells(con, method: str = "least_cost") -> dict:
    """Create `int_secrecy_cells`; return statistics (cells, masked, passes, seconds)."""
    t0 = time.perf_counter()
    con.execute("create or replace temp table secrecy_counts as select * from int_secrecy_counts")
    con.execute("""
        create or replace temp table secrecy_canon as
        select
            family,
            year_part || '#' || array_to_string(constraints, '|') as key,
            any_value(year_part) as year_part,
            any_value(constraints) as constraints,
            max(n) as n,
            any_value(people_hash) as people_hash,
            max(int_secrecy_threshold(is_sensitive)) as thr
        from secrecy_counts
        group by family, year_part, constraints
    """)
    # identities: cells counting exactly the same people are one cell for masking, however they
    # are reached (a filter or a dimension, an operation or its landlord, the leavers of an
    # outcome and the people of a place...), in whichever family
    con.execute("""
        create or replace temp table secrecy_identity as
        select family, key, dense_rank() over (order by people_hash, n) - 1 as ident
        from secrecy_canon
    """)
    con.execute(f"""
        create or replace temp table secrecy_members as
        with generic as (
            -- the people, ongoing and recent cells of the exits families are only in the linking
            -- relations below (the people cells share the mask of the hours cell of the same people)
            select * from secrecy_canon
            where not list_has_any(constraints, {_LINK_ONLY_SQL})
        )
        -- the year siblings of a cell (parent: the same cell over all years)
        select family, family || '|year|#' || array_to_string(constraints, '|') as group_id, key,
               family as parent_family, '*#' || array_to_string(constraints, '|') as parent
        from generic
        where year_part <> '*'
        union all
        -- the siblings along each other constraint (parent: the cell without it, or the category above)
        select family,
               family || '|' || split_part(c, '=', 1)
                   || case when split_part(c, '=', 1) = 'cat' then ':' || coalesce({_category_parent_sql()}, '*') else '' end
                   || '|' || year_part || '#' || array_to_string(rest, '|') as group_id,
               key, family as parent_family,
               year_part || '#' || array_to_string(list_sort(
                   rest || case when split_part(c, '=', 1) = 'cat' and {_category_parent_sql()} is not null
                                then ['cat=' || {_category_parent_sql()}] else []::varchar[] end), '|') as parent
        from (
            select family, key, year_part, c,
                   list_filter(constraints, lambda x: x <> c) as rest
            from (select *, unnest(constraints) as c from generic)
        )
        union all
        -- linking relations of one cut and breakdown value (docs/secrecy.md): participants =
        -- leavers + ongoing, at the end of the path (exits_end) and at +6 months (exits_6m:
        -- ongoing = not counted at +6 months); leavers at the end = leavers at +6 months + recent
        select family, 'people|' || family || '|' || year_part || '#' || array_to_string(rest, '|'), key,
               'exits_end', year_part || '#' || array_to_string(list_sort(rest || ['cat=people']), '|')
        from (
            select family, key, year_part,
                   list_filter(constraints, lambda x: x <> 'cat=ongoing') as rest
            from secrecy_canon
            where family like 'exits_%' and (list_contains(constraints, 'cat=ongoing')
                                              or not list_has_any(constraints, {_CAT_SQL}))
        )
        union all
        select family, 'recent|' || year_part || '#' || array_to_string(rest, '|'), key,
               'exits_end', year_part || '#' || array_to_string(rest, '|')
        from (
            select family, key, year_part,
                   list_filter(constraints, lambda x: x <> 'cat=recent') as rest
            from secrecy_canon
            where family = 'exits_6m' and (list_contains(constraints, 'cat=recent')
                                           or not list_has_any(constraints, {_CAT_SQL}))
        )
    """)
    con.execute(f"""
        create or replace temp table secrecy_cell_ids as
        select c.family, c.key, c.n, c.thr, i.ident::bigint as idx,
               list_has_any(c.constraints, {_DERIVED_SQL}) as derived
        from secrecy_canon as c join secrecy_identity as i using (family, key)
    """)
    n_cells = con.execute("select coalesce(max(idx) + 1, 0) from secrecy_cell_ids").fetchone()[0]
    cells = con.execute("""
        select idx, max(n) as n, max(thr) as thr, bool_and(derived) as derived
        from secrecy_cell_ids group by idx order by idx
    """).fetchnumpy()
    members = con.execute("""
        select distinct (dense_rank() over (order by m.group_id) - 1)::bigint as g, c.idx as c,
               coalesce(p.idx, -1)::bigint as parent
        from secrecy_members as m
        join secrecy_cell_ids as c using (family, key)
        left join secrecy_cell_ids as p on p.family = m.parent_family and p.key = m.parent
    """).fetchnumpy()
    n = np.asarray(cells["n"], dtype=np.int64) if n_cells else np.zeros(0, dtype=np.int64)
    derived = np.asarray(cells["derived"], dtype=bool) if n_cells else np.zeros(0, dtype=bool)
    thr = np.asarray(cells["thr"], dtype=np.int64) if n_cells else np.zeros(0, dtype=np.int64)
    g = np.asarray(members["g"], dtype=np.int64)
    c = np.asarray(members["c"], dtype=np.int64)
    parent_of_member = np.asarray(members["parent"], dtype=np.int64)
    masked = (n > 0) & (n < thr)
    primary = int(masked.sum())
    passes = unresolved = 0
    unresolved_groups: list[str] = []
    if len(g):
        n_groups = int(g.max()) + 1
        group_parent = np.full(n_groups, -1, dtype=np.int64)
        group_parent[g] = parent_of_member
        # a group where one child counts the very people of its parent is no sum (its other
        # children are people counted twice, a multi-valued attribute or a path over two years):
        # the parent minus the children gives nothing, the group is left out
        same = np.zeros(n_groups, dtype=bool)
        same[g[(parent_of_member >= 0) & (c == parent_of_member)]] = True
        size = np.bincount(g, minlength=n_groups)
        dropped = same & (size > 1)
        group_parent[dropped] = -1
        keep = ~dropped[g]
        g, c, parent_of_member = g[keep], c[keep], parent_of_member[keep]
        # the cost of masking a cell (least-cost choice of the complements): its people, times
        # the number of groups it is the parent of plus one (a masked parent needs a masked child
        # in each of them: totals cost more than detail cells); a derived cell (ongoing, recent) is
        # never published and costs nothing (masking it only says it must stay underivable)
        n_parent_of = np.bincount(group_parent[group_parent >= 0], minlength=len(n))
        cost = np.where(derived, 0, n * (1 + n_parent_of))
        if method == "smallest":  # the former heuristic (measurement only: docs/secrecy.md)
            cost = n.copy()
        # members sorted by group, then by cost (cheapest first), then by cell: the pick order
        order = np.lexsort((c, cost[c], g))
        gs, cs = g[order], c[order]
        has_parent = group_parent >= 0
        while passes < MAX_PASSES:
            passes += 1
            hidden_member = masked[cs] & (n[cs] > 0)
            k = np.bincount(gs, weights=hidden_member, minlength=n_groups)
            hidden = np.bincount(gs, weights=hidden_member * n[cs], minlength=n_groups)
            thr_g = np.zeros(n_groups, dtype=np.int64)
            np.maximum.at(thr_g, gs[hidden_member], thr[cs[hidden_member]])
            parent_masked = np.zeros(n_groups, dtype=bool)
            parent_masked[has_parent] = masked[group_parent[has_parent]]
            # a published parent: 0 masked children, or at least two whose hidden sum reaches the
            # threshold (one alone is parent - siblings; their sum would be a count of few people)
            violated = (k >= 1) & ((k == 1) | (hidden < thr_g))
            if method != "smallest":
                # a masked parent: the relation has two unknowns or more as soon as one child is
                # masked (parent - masked children = shown children, nothing new)
                violated &= ~parent_masked
            # a masked parent whose children are all shown would be their sum: mask a child too
            violated |= parent_masked & (k == 0)
            if not violated.any():
                break
            open_member = violated[gs] & ~masked[cs] & (n[cs] > 0)
            groups_with, first = np.unique(gs[open_member], return_index=True)
            picks = cs[open_member][first]
            no_candidate = violated.copy()
            no_candidate[groups_with] = False
            parents = group_parent[no_candidate]
            parents = parents[parents >= 0]
            parents = parents[~masked[parents] & (n[parents] > 0)]
            new = np.unique(np.concatenate([picks, parents]))
            new = new[~masked[new]]
            if not len(new):  # nothing left to mask (groups without a parent cell)
                unresolved = int(violated.sum())
                bad = ", ".join(str(x) for x in np.flatnonzero(violated)[:5].tolist())
                unresolved_groups = [r[0] for r in con.execute(f"""
                    select group_id from (
                        select distinct group_id, dense_rank() over (order by group_id) - 1 as g
                        from secrecy_members)
                    where g in ({bad}) order by 1""").fetchall()]
                break
            masked[new] = True
        else:
            raise RuntimeError("secret statistique : la suppression complémentaire ne converge pas")
    con.execute("create or replace temp table secrecy_mask (idx bigint, masked boolean)")
    if n_cells:
        con.register("secrecy_mask_df", pd.DataFrame({"idx": np.arange(n_cells, dtype=np.int64), "masked": masked}))
        con.execute("insert into secrecy_mask select idx, masked from secrecy_mask_df")
        con.unregister("secrecy_mask_df")
    con.execute("""
        create or replace temp table secrecy_mask as
        select c.family, c.key, c.n, m.masked from secrecy_cell_ids as c join secrecy_mask as m using (idx)
    """)
    con.execute("""
        create or replace table int_secrecy_cells as
        select s.family, s.cut_year, s.cut_attr, s.cut_value, s.dim, s.value, s.category, s.n,
               s.people_hash, m.masked as is_masked
        from secrecy_counts as s
        join secrecy_mask as m
          on m.family = s.family and m.key = s.year_part || '#' || array_to_string(s.constraints, '|')
        order by s.family, s.cut_attr, s.cut_value, s.cut_year, s.dim
    """)
    stats = con.execute("select count(*), count(*) filter (where masked) from secrecy_mask").fetchone()
    for t in ("secrecy_counts", "secrecy_canon", "secrecy_identity", "secrecy_members", "secrecy_mask", "secrecy_cell_ids"):
        con.execute(f"drop table if exists {t}")
    return {"cells": stats[0], "masked": stats[1], "identities": int(n_cells), "primary": primary,
            "masked_identities": int(masked.sum()), "unresolved": unresolved, "unresolved_groups": unresolved_groups,
            "passes": passes,
            "seconds": time.perf_counter() - t0}
