"""An attacker for the people figures, in the manner of tau-argus / sdcTable's audit (docs/secrecy.md).

`audit(con, filter_sets)` collects everything the people marts publish for a grid of filter sets
(every breakdown of mart_hours, mart_participants and mart_exits at both timepoints and both
durable definitions, mart_headlines and the report CLI's function) and knows, from the unmasked
intermediate tables, which people (and which employment lines) each published figure is about.
Every published figure is a linear equation over those unknowns:

- a count of people is the sum of the person indicators of its set (person system);
- hours are the sum of the hours of its lines (line system: one unknown per line);
- a share s = numerator / base is the equation numerator - s x base = 0 (share x total);
- a rate r = dynamic / known is dynamic - r x known = 0 (rate x base); a published confidence
  interval reveals its base, so it counts as publishing the numerator and the base;
- totals, siblings and filtered views are just more equations, so total - siblings and the
  difference of two filter sets are linear combinations like any other.

A disclosure is a combination of published equations that concerns 1 to threshold - 1 people only
(a nonzero vector of the row space supported on their persons, or on their lines, with all its
coefficients of one sign: their count, their hours, how many of them are women...): the auditor
looks for one for every group of up to threshold - 1 people. It also checks that no masked cell
can be recomputed (its own vector in the row space) and that a masked total lists no row.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from pipelines import report as report_cli

HOURS_DIMS = ["total", "year", "trade", "contract_kind", "sector", "gender", "age_band", "public", "qualification",
              "qpv_resident", "tenant_of_buyer", "residence_commune", "residence_epci", "operation_commune",
              "operation_epci", "operation_departement", "modality", "employment_contract_type", "buyer",
              "buyer_type", "operation"]
PARTICIPANT_DIMS = ["total", "year", "gender", "age_band", "qualification", "qpv_resident", "tenant_of_buyer",
                    "residence_commune", "residence_epci", "public", "modality", "buyer", "operation"]
EXIT_DIMS = ["total", "year", "operation", "operation_commune", "operation_epci", "operation_departement",
             "residence_commune", "public", "gender", "age_band", "qualification", "qpv_resident", "modality", "buyer"]
EXIT_INTERNAL = {"year": "exit_year", "modality": "last_modality", "buyer": "last_buyer", "operation": "last_operation"}
# every breakdown at the end of the path (broad); the first three (total, year, operation) also
# with the strict definition and at +6 months
EXIT_VARIANTS = [("end", "broad"), ("end", "strict"), ("6m", "broad")]
FILTERS = ["year_from", "year_to", "departement", "epci", "buyer_type", "landlord", "sector", "operation", "public"]
LINE_FILTER_SQL = {
    "departement": "l.operation_departement_code = ?", "epci": "l.operation_epci_code = ?",
    "buyer_type": "l.buyer_type = ?", "landlord": "l.buyer_siren = int_siren(?)", "sector": "l.sector = ?",
    "operation": "l.operation_id = ?", "public": "list_contains(l.publics, ?)",
    "year_from": "l.year >= ?", "year_to": "l.year <= ?",
}


@dataclass
class Finding:
    kind: str
    detail: str


@dataclass
class Audit:
    persons: list[str]
    lines: list[int]
    person_rows: list[np.ndarray] = field(default_factory=list)
    line_rows: list[np.ndarray] = field(default_factory=list)
    person_labels: list[str] = field(default_factory=list)
    line_labels: list[str] = field(default_factory=list)
    masked_person: list[tuple[str, np.ndarray]] = field(default_factory=list)
    masked_line: list[tuple[str, np.ndarray]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    n_figures: int = 0

    def person_vec(self, ids, weight=1.0) -> np.ndarray:
        v = np.zeros(len(self.persons))
        for p in ids:
            v[self.p_index[p]] += weight
        return v

    def line_vec(self, ids) -> np.ndarray:
        v = np.zeros(len(self.lines))
        for i in ids:
            v[self.l_index[i]] = 1.0
        return v


def _rows(con, sql, params=()):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _call(name, first, filters, extra=None):
    args = [] if first is None else [f"'{first}'"]
    params = []
    for k, v in {**filters, **(extra or {})}.items():
        args.append(f"{k} := ?")
        params.append(v)
    return f"select * from {name}({', '.join(args)})", params


def _line_where(filters):
    conds, params = ["l.participant_id is not null"], []
    for k, v in filters.items():
        conds.append(LINE_FILTER_SQL[k])
        params.append(v)
    return " and ".join(conds), params


def _threshold(con) -> int:
    return int(con.execute("select secrecy_threshold from stg_settings").fetchone()[0])


def collect(con, filter_sets) -> Audit:
    """Every published people figure of the grid, as equations over persons and lines."""
    persons = [r[0] for r in con.execute(
        "select distinct participant_id from int_hours_lines where participant_id is not null order by 1").fetchall()]
    lines = [r[0] for r in con.execute(
        "select line_id from int_hours_lines where participant_id is not null order by 1").fetchall()]
    a = Audit(persons, lines)
    a.p_index = {p: i for i, p in enumerate(persons)}
    a.l_index = {x: i for i, x in enumerate(lines)}
    line_owner = dict(con.execute("select line_id, participant_id from int_hours_lines").fetchall())
    a.line_owner = line_owner

    policy_now = [False]

    def publish_person(label, ids, value, masked, weight_rows=None):
        vec = a.person_vec(ids) if weight_rows is None else weight_rows
        if value is not None:
            a.person_rows.append(vec)
            a.person_labels.append(label)
            a.n_figures += 1
        elif masked and vec.any() and not policy_now[0]:
            a.masked_person.append((label, vec))

    def publish_lines(label, ids, value, masked):
        vec = a.line_vec(ids)
        if value is not None:
            a.line_rows.append(vec)
            a.line_labels.append(label)
            a.n_figures += 1
        elif masked and vec.any() and not policy_now[0]:
            a.masked_line.append((label, vec))

    def check_presence(label, got):
        totals = [r for r in got if r["is_total"]]
        if totals and totals[0]["is_masked"] and len(got) > 1:
            a.findings.append(Finding("presence", f"{label}: masked total but {len(got) - 1} rows listed"))

    # a dimension with one value in the whole build publishes its total again: left out (speed)
    varied = {r[0] for r in con.execute(
        "select dim from int_hours_dimensions group by dim having count(distinct dim_value) > 1").fetchall()}
    pvaried = {r[0] for r in con.execute(
        "select dim from int_participant_dimensions_all group by dim having count(distinct dim_value) > 1").fetchall()}
    hours_dims = [d for d in HOURS_DIMS if d == "total" or d in varied]
    participant_dims = [d for d in PARTICIPANT_DIMS if d == "total" or d in pvaried]
    exit_dims = [d for d in EXIT_DIMS if d == "total" or EXIT_INTERNAL.get(d, d) in pvaried]

    for filters in filter_sets:
        where, wparams = _line_where(filters)
        path_lines = {}
        for r in _rows(con, f"select l.line_id, l.participant_id from int_hours_lines as l where {where}", wparams):
            path_lines.setdefault(r["participant_id"], []).append(r["line_id"])
        fkey = ",".join(f"{k}={v}" for k, v in filters.items()) or "no filter"
        hours_truth = {}
        for r in _rows(con, f"""select h.dim, h.dim_value, h.line_id, h.participant_id
                                from int_hours_dimensions as h join int_hours_lines as l using (line_id)
                                where {where}""", wparams):
            hours_truth.setdefault(r["dim"], []).append(r)
        psql, pparams = _call("int_participant_dimensions", None, filters)
        path_truth = {}
        for r in _rows(con, psql, pparams):
            path_truth.setdefault(r["dim"], []).append(r)
        # a filter set outside the bounded space is masked by policy, not because of small cells
        policy_now[0] = _rows(con, *_call("mart_hours", "total", filters))[0]["mask_reason"] is not None
        # mart_hours
        for dim in hours_dims:
            sql, params = _call("mart_hours", dim, filters)
            got = _rows(con, sql, params)
            check_presence(f"mart_hours({dim}; {fkey})", got)
            truth = {}
            rows_truth = hours_truth.get(dim, []) + (hours_truth.get("total", []) if dim != "total" else [])
            for r in rows_truth:
                key = "total" if r["dim"] == "total" else r["dim_value"]
                if r["dim"] == "total" and dim != "total":
                    key = "__total__"
                truth.setdefault(key, ([], set()))
                truth[key][0].append(r["line_id"])
                truth[key][1].add(r["participant_id"])
            for row in got:
                key = ("__total__" if dim != "total" else "total") if row["is_total"] else row["value"]
                line_ids, pids = truth.get(key, ([], set()))
                label = f"mart_hours({dim}; {fkey})[{row['value']}]"
                publish_person(label + ".n", pids, row["n_participants"], row["is_masked"])
                publish_lines(label + ".hours", line_ids, row["hours_worked"], row["is_masked"])
        # mart_participants
        for dim in participant_dims:
            sql, params = _call("mart_participants", dim, filters)
            got = _rows(con, sql, params)
            check_presence(f"mart_participants({dim}; {fkey})", got)
            truth = {}
            for r in path_truth.get(dim, []) + (path_truth.get("total", []) if dim != "total" else []):
                if r["dim"] not in (dim, "total"):
                    continue
                key = "__total__" if r["dim"] == "total" else r["dim_value"]
                if dim == "total":
                    key = "__total__"
                truth.setdefault(key, []).append(r)
            for row in got:
                key = "__total__" if row["is_total"] else row["value"]
                people = truth.get(key, [])
                pids = [p["participant_id"] for p in people]
                label = f"mart_participants({dim}; {fkey})[{row['value']}]"
                publish_person(label + ".n", pids, row["n_participants"], row["is_masked"])
                publish_lines(label + ".hours", [x for p in pids for x in path_lines.get(p, [])],
                              row["hours_worked"], row["is_masked"])
                shares = {
                    "women_share": (lambda p: p["gender"] == "F", lambda p: p["gender"] in ("F", "M")),
                    "qpv_share": (lambda p: p["qpv_resident"] is True, lambda p: p["qpv_resident"] is not None),
                    "tenant_share": (lambda p: p["tenant_of_buyer"] is True, lambda p: p["tenant_of_buyer"] is not None),
                    "under_26_share": (lambda p: p["age_band"] == "<26", lambda p: p["age_band"] is not None),
                    "pooled_share": (lambda p: p["n_procurement_contracts"] >= 2, lambda p: True),
                }
                for name, (num, base) in shares.items():
                    s = row.get(name)
                    if s is None:
                        continue
                    vec = a.person_vec([p["participant_id"] for p in people if num(p)]) \
                        - s * a.person_vec([p["participant_id"] for p in people if base(p)])
                    publish_person(f"{label}.{name}", [], s, False, weight_rows=vec)
        # mart_exits
        categories = {r["outcome"]: (r["category_broad"], r["category_strict"])
                      for r in _rows(con, "select * from stg_outcome_categories")}
        built_on = con.execute("select built_on from stg_settings").fetchone()[0]
        for timepoint, definition in EXIT_VARIANTS:
            for dim in (exit_dims if (timepoint, definition) == ("end", "broad") else exit_dims[:3]):
                internal = EXIT_INTERNAL.get(dim, dim)
                sql, params = _call("mart_exits", dim, filters, {"timepoint": timepoint,
                                                                 "durable_definition": definition})
                got = _rows(con, sql, params)
                check_presence(f"mart_exits({dim}, {timepoint}, {definition}; {fkey})", got)
                truth = {}
                for r in path_truth.get(internal, []) + (path_truth.get("total", []) if internal != "total" else []):
                    if r["dim"] not in (internal, "total") or not r["is_leaver"]:
                        continue
                    if timepoint == "6m" and r["last_outcome_6m"] is None and not (
                            r["last_end_date"] <= _minus_6_months(built_on)):
                        continue
                    outcome = r["last_outcome_6m"] if timepoint == "6m" else r["last_outcome_end"]
                    broad, strict = categories.get(outcome, (None, None))
                    cat = (broad if definition == "broad" else strict)
                    if cat not in ("durable", "transition", "positive", "other"):
                        cat = "unknown"
                    key = "__total__" if (r["dim"] == "total") else r["dim_value"]
                    if internal == "total":
                        key = "__total__"
                    truth.setdefault(key, []).append((r["participant_id"], cat))
                for row in got:
                    key = "__total__" if row["is_total"] else row["value"]
                    people = truth.get(key, [])
                    label = f"mart_exits({dim}, {timepoint}, {definition}; {fkey})[{row['value']}]"

                    def ids(cats):
                        return [p for p, c in people if c in cats]
                    known = ("durable", "transition", "positive", "other")
                    dynamic = ("durable", "transition", "positive")
                    publish_person(label + ".leavers", [p for p, _ in people], row["n_leavers"], row["is_masked"])
                    publish_person(label + ".known", ids(known), row["n_known"], row["is_masked"])
                    publish_person(label + ".unknown", ids(("unknown",)), row["n_unknown"], row["is_masked"])
                    for col, cat in (("n_durable", "durable"), ("n_transition", "transition"),
                                     ("n_positive", "positive"), ("n_other", "other")):
                        publish_person(f"{label}.{cat}", ids((cat,)), row[col], row["is_masked"])
                    publish_person(label + ".dynamic", ids(dynamic), row["n_dynamic"], row["is_masked"])
                    if row["dynamic_exit_rate"] is not None:
                        vec = a.person_vec(ids(dynamic)) - row["dynamic_exit_rate"] * a.person_vec(ids(known))
                        publish_person(label + ".rate", [], 1, False, weight_rows=vec)
                    if row["ci_low"] is not None:  # the interval's width gives its base away
                        publish_person(label + ".ci_known", ids(known), 1, False)
                        publish_person(label + ".ci_dynamic", ids(dynamic), 1, False)
        # mart_headlines and the report CLI: the total rows above, nothing else
        accepted = {"year_from", "year_to", "departement", "epci", "buyer_type", "landlord", "sector"}
        if set(filters) <= accepted:
            sql, params = _call("mart_headlines", None, filters)
            (h,) = _rows(con, sql, params)
            _same(a, f"mart_headlines({fkey})", h, con, filters)
            if set(filters) <= {"year_from", "year_to", "departement", "landlord"} and \
                    filters.get("year_from") == filters.get("year_to"):
                rep = report_cli.headline_report(con, filters.get("year_from"), filters.get("departement"),
                                                 filters.get("landlord"))
                for key in ("participants", "hours_worked", "women_share", "qpv_share", "tenant_share",
                            "dynamic_exit_rate", "exits_known", "exits_unknown"):
                    if rep[key] != h[key] and not (rep[key] is None and h[key] is None):
                        a.findings.append(Finding("report", f"report({fkey}).{key} = {rep[key]} != headlines {h[key]}"))
    return a


def _minus_6_months(d):
    import datetime as dt
    month = d.month - 6
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(d.day, [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31,
                      30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)


def _same(a, label, h, con, filters):
    """The headline figures must be the total rows of the marts (nothing more is published)."""
    sql, params = _call("mart_participants", "total", filters)
    (p,) = _rows(con, sql, params)
    sql, params = _call("mart_exits", "total", filters)
    (x,) = _rows(con, sql, params)
    sql, params = _call("mart_hours", "total", filters)
    (t,) = _rows(con, sql, params)
    pairs = [("participants", p["n_participants"]), ("women_share", p["women_share"]),
             ("qpv_share", p["qpv_share"]), ("tenant_share", p["tenant_share"]),
             ("hours_worked", t["hours_worked"]), ("dynamic_exit_rate", x["dynamic_exit_rate"]),
             ("exits_known", x["n_known"]), ("exits_unknown", x["n_unknown"])]
    for key, expected in pairs:
        if h[key] != expected and not (h[key] is None and expected is None):
            a.findings.append(Finding("headlines", f"{label}.{key} = {h[key]} but the marts show {expected}"))


def _basis(rows: list[np.ndarray], width: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, width))
    m = np.vstack(rows)
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    rank = int((s > 1e-9 * max(1.0, s[0] if len(s) else 1.0)).sum())
    return vt[:rank]


def _derivable_on(basis: np.ndarray, columns: np.ndarray) -> np.ndarray | None:
    """A vector of the row space supported on `columns` with coefficients of one sign, if any."""
    if basis.shape[0] == 0 or not columns.any():
        return None
    rest = basis[:, ~columns]
    # z with z @ rest = 0: the left null space of `rest`
    if rest.shape[1] == 0:
        null = np.eye(basis.shape[0])
    else:
        u, s, _ = np.linalg.svd(rest, full_matrices=True)
        rank = int((s > 1e-9).sum())
        null = u[:, rank:].T
    if null.shape[0] == 0:
        return None
    vectors = null @ basis[:, columns]
    for v in vectors:
        if np.abs(v).max() < 1e-9:
            continue
        v = v / np.abs(v).max()
        if (v > -1e-7).all() or (v < 1e-7).all() or vectors.shape[0] > 1:
            return v
    return None


def check(a: Audit, threshold: int) -> list[Finding]:
    """Findings: disclosed groups of 1 to threshold - 1 people, recomputable masked cells."""
    findings = list(a.findings)
    pb = _basis(a.person_rows, len(a.persons))
    lb = _basis(a.line_rows, len(a.lines))
    owner = np.array([a.p_index[a.line_owner[x]] for x in a.lines]) if a.lines else np.zeros(0, dtype=int)
    disclosed: list[frozenset] = []
    for size in range(1, threshold):
        for group in itertools.combinations(range(len(a.persons)), size):
            g = frozenset(group)
            if any(d <= g for d in disclosed):
                continue
            pcols = np.zeros(len(a.persons), dtype=bool)
            pcols[list(group)] = True
            hit = _derivable_on(pb, pcols)
            what = "count"
            if hit is None and len(a.lines):
                hit = _derivable_on(lb, np.isin(owner, list(group)))
                what = "hours"
            if hit is not None:
                disclosed.append(g)
                names = [a.persons[i] for i in group]
                findings.append(Finding("disclosure", f"a {what} about {names} is derivable"))
    for masked, basis, rows, labels in ((a.masked_person, pb, a.person_rows, a.person_labels),
                                        (a.masked_line, lb, a.line_rows, a.line_labels)):
        for label, vec in masked:
            if basis.shape[0] and np.linalg.norm(vec - basis.T @ (basis @ vec)) < 1e-7 * max(1.0, np.linalg.norm(vec)):
                # a masked figure about exactly the people of one published figure is reported
                # apart: the vectors coincide in the data (an empty sibling: no woman among the
                # "other" exits), which the reader cannot know unless it is derivable elsewhere
                same = [lab for row, lab in zip(rows, labels) if row.shape == vec.shape and np.array_equal(row, vec)]
                if same:
                    findings.append(Finding("same_people", f"{label} counts exactly the people of {same[0]}"))
                else:
                    findings.append(Finding("masked", f"{label} can be recomputed"))
    return findings


def explain(a: Audit, label: str) -> list[tuple[str, float]]:
    """The published equations whose combination recomputes the masked cell `label` (debugging)."""
    for system, rows, labels in ((a.masked_person, a.person_rows, a.person_labels),
                                 (a.masked_line, a.line_rows, a.line_labels)):
        for lab, vec in system:
            if lab == label and rows:
                coef, *_ = np.linalg.lstsq(np.vstack(rows).T, vec, rcond=None)
                order = np.argsort(-np.abs(coef))[:8]
                return [(labels[i], round(float(coef[i]), 3)) for i in order if abs(coef[i]) > 1e-6]
    return []


def filter_grid(con, *, with_years: bool = True, year_crossings=True,
                limit_per_filter: int | None = None) -> list[dict]:
    """No filter, each single filter value, each year, each year x single filter value
    (`year_crossings`: True for every filter, or a set of filter names, or False), and one
    combination outside the bounded space."""
    values = {
        "departement": "operation_departement_code", "epci": "operation_epci_code", "buyer_type": "buyer_type",
        "landlord": "buyer_siren", "sector": "sector", "operation": "operation_id",
    }
    singles = []
    for name, col in values.items():
        vs = [r[0] for r in con.execute(
            f"select distinct {col} from int_hours_lines where {col} is not null order by 1").fetchall()]
        singles += [{name: v} for v in vs[:limit_per_filter]]
    pubs = [r[0] for r in con.execute(
        "select distinct unnest(publics) from int_hours_lines order by 1").fetchall()]
    singles += [{"public": p} for p in pubs[:limit_per_filter]]
    years = [r[0] for r in con.execute(
        "select distinct year from int_hours_lines where year is not null order by 1").fetchall()]
    grid = [{}] + singles
    if with_years:
        for y in years:
            grid.append({"year_from": y, "year_to": y})
            if year_crossings:
                grid += [{"year_from": y, "year_to": y, **s} for s in singles
                         if year_crossings is True or set(s) <= set(year_crossings)]
    if len(singles) >= 2:
        grid.append({**singles[0], **singles[-1]})
    return grid


def audit(con, filter_sets=None, **grid) -> list[Finding]:
    """Collect the grid's published figures and return every finding (empty: nothing derivable)."""
    filter_sets = filter_grid(con, **grid) if filter_sets is None else filter_sets
    return check(collect(con, filter_sets), _threshold(con))
