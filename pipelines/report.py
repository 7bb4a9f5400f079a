"""`python -m pipelines report --db PATH [--year Y] [--departement D] [--landlord SIREN] --format json|csv`

Prints the headline indicators of a built database under stable keys (the scripted way to feed an
annual report). It reads the `mart_headlines` mart, and `mart_exits` for durable jobs and the exits
6 months after; masked values (statistical secrecy) are
null in JSON and empty in CSV. Keys are documented in docs/marts.md ("Report CLI").
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.text import fold

# Stable keys, in print order. Never rename or remove one: add new keys at the end.
FILTER_KEYS = ["year", "departement", "landlord"]
INDICATOR_KEYS = [
    "contracts_known",
    "contracts_unknown_status",
    "contracts_with_social_consideration",
    "share_social_consideration",
    "contracts_with_clause",
    "share_clause",
    "amount_known",
    "amount_with_social_consideration",
    "hours_planned",
    "hours_worked",
    "realisation_rate",
    "fte",
    "participants",
    "hours_per_participant",
    "women_share",
    "qpv_share",
    "tenant_share",
    "dynamic_exit_rate",
    "exits_known",
    "exits_unknown",
    "is_masked",
]
META_KEYS = ["data_label", "built_at"]
# added later, so at the end: why the people figures are masked (filters outside the bounded space)
LATER_KEYS = ["mask_reason"]
# added for the committees: durable jobs at the end, and the exits 6 months after (mart_exits, total
# row at timepoint '6m', the default definition of durable employment)
EXIT_KEYS = {"durable_end": ("end", "n_durable"), "exits_leavers_6m": ("6m", "n_leavers"),
             "exits_known_6m": ("6m", "n_known"), "exits_unknown_6m": ("6m", "n_unknown"),
             "durable_6m": ("6m", "n_durable"), "dynamic_exit_rate_6m": ("6m", "dynamic_exit_rate"),
             "dynamic_exit_rate_6m_ci_low": ("6m", "ci_low"), "dynamic_exit_rate_6m_ci_high": ("6m", "ci_high")}
LATER_KEYS += list(EXIT_KEYS)
KEYS = FILTER_KEYS + INDICATOR_KEYS + META_KEYS + LATER_KEYS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines report",
                                description="Indicateurs clés d'une base construite (JSON ou CSV).")
    p.add_argument("--db", default=settings.get("db_path"), help="base DuckDB construite par le build")
    p.add_argument("--year", type=int, help="année (notification des marchés, début des contrats de travail)")
    p.add_argument("--departement", help="code du département (ex. 59)")
    p.add_argument("--landlord", help="SIREN de l'organisme bailleur (ou de tout acheteur), 9 chiffres ; "
                                       "un SIRET (14 chiffres) désigne son organisme")
    p.add_argument("--format", choices=["json", "csv"], default="json", help="format de sortie")
    return p


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def headline_report(con, year: int | None = None, departement: str | None = None,
                    landlord: str | None = None) -> dict:
    """The report's keys and values for the given filters, from `mart_headlines`."""
    cur = con.execute(
        "select * from mart_headlines(year_from := ?, year_to := ?, departement := ?, landlord := ?)",
        [year, year, departement, landlord])
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    info = dict(con.execute("select key, value from mart_build_info").fetchall())
    report = {"year": year, "departement": departement, "landlord": landlord}
    report.update({key: _clean(row.get(key)) for key in INDICATOR_KEYS})
    report["data_label"] = info.get("data_label")
    report["built_at"] = info.get("built_at")
    report["mask_reason"] = _clean(row.get("mask_reason"))
    exits = {}
    for tp in ("end", "6m"):
        cur = con.execute(
            "select * from mart_exits('total', timepoint := ?, year_from := ?, year_to := ?, departement := ?, "
            "landlord := ?)", [tp, year, year, departement, landlord])
        exits[tp] = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    for key, (tp, column) in EXIT_KEYS.items():
        report[key] = _clean(exits[tp].get(column))  # masked: null (the mart withholds it)
    return report


def write_report(report: dict, fmt: str, out=None) -> None:
    """Print `report` as one JSON object or as a CSV header + one row."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=KEYS, lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: ("" if report.get(k) is None else report[k]) for k in KEYS})


class BadFilter(ValueError):
    """A filter value that names nothing in the database: one French line, exit code 2."""


def check_filters(con, departement: str | None, landlord: str | None) -> tuple[str | None, str | None]:
    """The filters as the marts take them; BadFilter for a département the data do not hold (a name
    such as `Nord`, a bare typo) or a landlord that is neither a SIREN nor a SIRET: before, they gave
    zeros, exit 0. The landlord is an organisation: a SIRET is reduced to its SIREN."""
    options: dict[str, dict[str, str]] = {}
    for name, value, label in con.execute("select filter, value, label from mart_filter_options").fetchall():
        if value is not None:
            options.setdefault(name, {})[str(value)] = "" if label is None else str(label)
    if departement is not None:
        departement = departement.strip()
        deps = options.get("departement", {})
        if departement not in deps:
            by_name = [code for code, label in deps.items() if fold(label) == fold(departement)]
            hint = (f"écrire le code « {by_name[0]} »" if by_name else
                    "départements des données : " + (", ".join(f"{c} {lab}".strip() for c, lab in deps.items())
                                                     or "aucun"))
            raise BadFilter(f"--departement « {departement} » : code de département absent des données ; {hint}")
    if landlord is not None:
        digits = "".join(landlord.split())
        if not (len(digits) in (9, 14) and digits.isdigit()):
            raise BadFilter(f"--landlord « {landlord} » : SIREN de l'organisme attendu (9 chiffres, "
                            "ou un SIRET de 14 chiffres)")
        landlord = digits[:9]  # a SIRET designates its organisation (its first 9 digits)
    return departement, landlord


def empty_note(report: dict) -> str | None:
    """A line for stderr when the filters select no contract and no participant."""
    if report.get("contracts_known") == 0 and report.get("participants") == 0:
        given = ", ".join(f"{k} = {report[k]}" for k in FILTER_KEYS if report.get(k) is not None)
        return f"report : aucun marché ni participant pour ces filtres ({given or 'aucun filtre'})"
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = Path(args.db)
    if not path.exists():
        print(f"report : base introuvable : {path} (lancer d'abord python -m pipelines build --db {path})",
              file=sys.stderr)
        return 2
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        print(f"report : impossible d'ouvrir {path} : {exc}", file=sys.stderr)
        return 2
    try:
        try:
            departement, landlord = check_filters(con, args.departement, args.landlord)
            report = headline_report(con, args.year, departement, landlord)
        except BadFilter as exc:
            print(f"report : {exc}", file=sys.stderr)
            return 2
        except duckdb.CatalogException as exc:
            print(f"report : {path} n'a pas de couche d'indicateurs (mart_headlines) : {exc}", file=sys.stderr)
            return 2
    finally:
        con.close()
    note = empty_note(report)
    if note:
        print(note, file=sys.stderr)
    write_report(report, args.format)
    return 0


if __name__ == "__main__":
    sys.exit(main())
