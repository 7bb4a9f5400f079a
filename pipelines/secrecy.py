"""Linked complementary suppression of the figures about people (docs/secrecy.md).

Run by `sql_layer.create_sql_layer` between the intermediate layer and the marts. It reads
`int_secrecy_counts` (every publishable people cell of the bounded filter space, with its distinct
people) and writes `int_secrecy_cells`: the same cells with `is_masked`, the mask every people mart
takes. The rule, applied to a fixed point over all the sibling groups at once:

- primary: a cell of 1 to threshold - 1 people is masked (threshold 5, or 11 for a sensitive public
  crossed with a commune, a QPV or an operation: `int_secrecy_threshold`);
- a sibling group is a set of cells that differ in one constraint only, with the cell without it
  (or, for exit outcomes, the level above) as parent: the values of one breakdown within a cut,
  the départements (EPCIs, buyer types, landlords, sectors, operations, publics) of one
  breakdown cell, the years of one cell, the outcome categories of one row. In every group that
  holds masked cells, the hidden sum (people of its masked cells) must reach the threshold and at
  least two cells must be masked; else the unmasked cell with the fewest people is masked too
  (the parent when no sibling is left); a masked parent whose children are all shown gets its
  smallest child masked (it would be their sum). The pass is repeated until nothing changes.
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
MAX_PASSES = 200


def _category_parent_sql() -> str:
    cases = " ".join(f"when '{c}' then {('null' if p is None else repr(p))}" for c, p in CATEGORY_PARENT.items())
    return f"case split_part(c, '=', 2) {cases} end"


def build_cells(con) -> dict:
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
        -- the year siblings of a cell (parent: the same cell over all years)
        select family, family || '|year|#' || array_to_string(constraints, '|') as group_id, key,
               '*#' || array_to_string(constraints, '|') as parent
        from secrecy_canon
        where year_part <> '*'
        union all
        -- the siblings along each other constraint (parent: the cell without it, or the category above)
        select family,
               family || '|' || split_part(c, '=', 1)
                   || case when split_part(c, '=', 1) = 'cat' then ':' || coalesce({_category_parent_sql()}, '*') else '' end
                   || '|' || year_part || '#' || array_to_string(rest, '|') as group_id,
               key,
               year_part || '#' || array_to_string(list_sort(
                   rest || case when split_part(c, '=', 1) = 'cat' and {_category_parent_sql()} is not null
                                then ['cat=' || {_category_parent_sql()}] else []::varchar[] end), '|') as parent
        from (
            select family, key, year_part, c,
                   list_filter(constraints, lambda x: x <> c) as rest
            from (select *, unnest(constraints) as c from secrecy_canon)
        )
    """)
    con.execute("""
        create or replace temp table secrecy_cell_ids as
        select c.family, c.key, c.n, c.thr, i.ident::bigint as idx
        from secrecy_canon as c join secrecy_identity as i using (family, key)
    """)
    n_cells = con.execute("select coalesce(max(idx) + 1, 0) from secrecy_cell_ids").fetchone()[0]
    cells = con.execute("select idx, max(n) as n, max(thr) as thr from secrecy_cell_ids group by idx order by idx").fetchnumpy()
    members = con.execute("""
        select distinct (dense_rank() over (order by m.group_id) - 1)::bigint as g, c.idx as c,
               coalesce(p.idx, -1)::bigint as parent
        from secrecy_members as m
        join secrecy_cell_ids as c using (family, key)
        left join secrecy_cell_ids as p on p.family = m.family and p.key = m.parent
    """).fetchnumpy()
    n = np.asarray(cells["n"], dtype=np.int64) if n_cells else np.zeros(0, dtype=np.int64)
    thr = np.asarray(cells["thr"], dtype=np.int64) if n_cells else np.zeros(0, dtype=np.int64)
    g = np.asarray(members["g"], dtype=np.int64)
    c = np.asarray(members["c"], dtype=np.int64)
    parent_of_member = np.asarray(members["parent"], dtype=np.int64)
    masked = (n > 0) & (n < thr)
    passes = 0
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
        # members sorted by group, then by people (smallest first), then by cell: the pick order
        order = np.lexsort((c, n[c], g))
        gs, cs = g[order], c[order]
        while passes < MAX_PASSES:
            passes += 1
            hidden_member = masked[cs] & (n[cs] > 0)
            k = np.bincount(gs, weights=hidden_member, minlength=n_groups)
            hidden = np.bincount(gs, weights=hidden_member * n[cs], minlength=n_groups)
            thr_g = np.zeros(n_groups, dtype=np.int64)
            np.maximum.at(thr_g, gs[hidden_member], thr[cs[hidden_member]])
            violated = (k >= 1) & ((k == 1) | (hidden < thr_g))
            # a masked parent whose children are all shown would be their sum: mask a child too
            parent_masked = np.zeros(n_groups, dtype=bool)
            has_parent = group_parent >= 0
            parent_masked[has_parent] = masked[group_parent[has_parent]]
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
            if not len(new):
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
    return {"cells": stats[0], "masked": stats[1], "passes": passes, "seconds": time.perf_counter() - t0}
