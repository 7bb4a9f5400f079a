"""The attacker on a full build (the demo: 16 000 people), run once by hand (docs/secrecy.md).

    python tests/secrecy_audit_demo.py /tmp/demo.duckdb [--crossings]

The suite's auditor (tests/secrecy_auditor.py) searches the whole row space of the published
equations for any group of 1 to 4 people, on small builds; on 16 000 people and 24 000 lines that
search (dense SVD, every group) is out of reach. This script runs the auditor's collection
(`secrecy_auditor.collect`: every breakdown of mart_hours, mart_participants and mart_exits at both
timepoints and definitions, mart_headlines and the report CLI, with the people and lines behind
each figure) on a bounded grid of filter sets (no filter, each year, each département; with --crossings each
year x département too: about 80 mart calls per filter set, 0,5 to 1 s each on a loaded machine) and tries the named one-step attacks on sets of people:

- total - siblings: in an additive breakdown whose total is shown, the people of the masked rows
  (total minus the shown rows) must be 0 or at least the threshold, and never one masked row alone;
- difference of two filter sets: a figure shown for a filter set and for a narrower one (no filter
  vs a département or a year, a département vs the same département in one year): the people in
  the wider and not in the narrower must be 0 or at least the threshold;
- the same for two figures of one filter set whose sets nest (participants - leavers, leavers -
  leavers at +6 months, the leavers of a row - its known exits...);
- rate x base and share x total are in the collection as the counts they give back.

It also reports the collection's own findings (a masked total listing rows, headline or report
values that differ from the marts). Combinations of more than two figures are not searched here
(the suite's auditor does that on the small builds).
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict

import duckdb

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import secrecy_auditor as sa  # noqa: E402


def grid(con, crossings: bool = False) -> list[dict]:
    years = [r[0] for r in con.execute(
        "select distinct year from int_hours_lines where year is not null order by 1").fetchall()]
    deps = [r[0] for r in con.execute(
        "select distinct operation_departement_code from int_hours_lines "
        "where operation_departement_code is not null order by 1").fetchall()]
    out = [{}] + [{"year_from": y, "year_to": y} for y in years] + [{"departement": d} for d in deps]
    if crossings:
        out += [{"year_from": y, "year_to": y, "departement": d} for y in years for d in deps]
    return out


class Ids:
    """A figure's people (or lines) as a set; a combination (share x base, rate x base) is opaque."""

    def __init__(self, kind, ids):
        self.kind, self.ids = kind, frozenset(ids)

    def any(self):
        return bool(self.ids)

    def __sub__(self, other):
        return Ids("combination", ())

    def __rmul__(self, other):
        return self

    __mul__ = __rmul__


class SparseAudit(sa.Audit):
    """The auditor's collection, keeping each figure as the set of people (lines) it is about."""

    def person_vec(self, ids, weight=1.0):
        return Ids("p", ids)

    def line_vec(self, ids):
        return Ids("l", ids)


# breakdowns whose rows are disjoint (one value per person, or the last line for exits)
ADDITIVE = {"gender", "age_band", "qualification", "qpv_resident", "tenant_of_buyer"}
EXIT_ADDITIVE = set(sa.EXIT_DIMS) - {"public", "total"}


def run(con, crossings: bool = False) -> tuple[list[sa.Finding], dict]:
    t0 = time.perf_counter()
    filter_sets = grid(con, crossings)
    original = sa.Audit
    sa.Audit = SparseAudit
    try:
        a = sa.collect(con, filter_sets)
    finally:
        sa.Audit = original
    thr = sa._threshold(con)
    findings = list(a.findings)
    # published sets (the share rows are combinations, not sets: left out) and masked sets
    shown = defaultdict(list)  # (system, label without filters) -> [(filters, set)]
    by_filters = defaultdict(list)  # filters -> [(label, system, set)]
    for system, rows, labels in (("p", a.person_rows, a.person_labels), ("l", a.line_rows, a.line_labels)):
        for vec, label in zip(rows, labels):
            if vec.kind == "combination" or not vec.ids:
                continue
            name, _, rest = label.partition("(")
            args, _, cell = rest.partition(")")
            dim, _, fkey = args.partition("; ")
            shown[(system, name, dim, cell)].append((fkey, vec.ids))
            by_filters[(system, fkey)].append((label, vec.ids))

    def people_of(system, ids):
        return {a.line_owner[x] for x in ids} if system == "l" else set(ids)

    def nested(wide, narrow):
        w = dict(x.split("=", 1) for x in wide.split(",")) if wide != "no filter" else {}
        n = dict(x.split("=", 1) for x in narrow.split(",")) if narrow != "no filter" else {}
        return set(w.items()) < set(n.items())

    seen = set()

    def flag(what, group, how):
        key = frozenset(group)
        if key in seen:
            return
        seen.add(key)
        findings.append(sa.Finding("disclosure", f"{what} about {sorted(group)}: {how}"))

    # difference of two filter sets, same figure
    for (system, name, dim, cell), items in shown.items():
        for fw, sw in items:
            for fn, sn in items:
                if fw != fn and nested(fw, fn) and sn <= sw:
                    group = people_of(system, sw - sn)
                    if 0 < len(group) < thr:
                        flag("count" if system == "p" else "hours", group,
                             f"{name}({dim}){cell} [{fw}] - [{fn}]")
    # two nested figures of one filter set (participants - leavers, total - one row...)
    for (system, fkey), items in by_filters.items():
        sets = sorted({s for _, s in items}, key=len)
        label_of = {s: lab for lab, s in items}
        for i, small in enumerate(sets):
            for big in sets[i + 1:]:
                if small < big:
                    group = people_of(system, big - small)
                    if 0 < len(group) < thr:
                        flag("count" if system == "p" else "hours", group,
                             f"{label_of[big]} - {label_of[small]}")
    # total - siblings within one table: the masked rows of a breakdown with disjoint rows whose
    # total is shown hold 0 or at least threshold people, and are never one alone
    for system, masked_list in (("p", a.masked_person), ("l", a.masked_line)):
        tables = defaultdict(list)
        for label, vec in masked_list:
            name, _, rest = label.partition("(")
            dim = rest.split(",")[0].split(";")[0]
            if "[total]" in label or not (dim in ADDITIVE or (name == "mart_exits" and dim in EXIT_ADDITIVE)):
                continue
            tables[(label.split("[")[0], label.rsplit(".", 1)[1])].append(vec.ids)
        for (table, col), sets in tables.items():
            fkey = table.split("; ", 1)[1][:-1]
            if not any(lab.startswith(table + "[") and lab.endswith("." + col) and "[total]" in lab
                       for lab, _ in by_filters[(system, fkey)]):
                continue
            group = people_of(system, frozenset().union(*sets))
            if len(sets) == 1:
                findings.append(sa.Finding("masked", f"{table}.{col}: one masked row under a shown total"))
            elif 0 < len(group) < thr:
                flag("count" if system == "p" else "hours", group, f"{table}.{col}: total - shown rows")
    stats = {"filter sets": len(filter_sets), "figures": a.n_figures,
             "masked figures": len(a.masked_person) + len(a.masked_line),
             "seconds": round(time.perf_counter() - t0, 1)}
    return findings, stats


if __name__ == "__main__":
    con = duckdb.connect(sys.argv[1], read_only=True)
    found, stats = run(con, "--crossings" in sys.argv)
    print(stats)
    for f in found[:80]:
        print(f"{f.kind}: {f.detail}")
    print(f"{len(found)} finding(s)")
