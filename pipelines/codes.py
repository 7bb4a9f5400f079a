"""The one code table: every code the product stores or shows, with its French label.

`data/reference/codes.csv` (project-authored, columns domain, code, label, sort_order, flags) is
the only place where a code list, its French labels, its display order and its flags (`sensitive`
publics, `personal` fields, `broad=` / `strict=` outcome categories) are written. The build copies
it into the `ref_codes` table (read by `sql/staging/stg_codes.sql`); the readers and the dashboard
read it through this module.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CODES_PATH = Path(__file__).resolve().parent.parent / "data" / "reference" / "codes.csv"
COLUMNS = ("domain", "code", "label", "sort_order", "flags")


@dataclass(frozen=True)
class Code:
    domain: str
    code: str
    label: str
    sort_order: int
    flags: tuple[str, ...]

    def flag(self, name: str) -> str | None:
        """`"sensitive"` -> "sensitive" when set; `"broad"` -> the value of `broad=...`; else None."""
        for f in self.flags:
            key, _, value = f.partition("=")
            if key == name:
                return value or key
        return None


@lru_cache(maxsize=1)
def table() -> tuple[Code, ...]:
    """Every row of codes.csv, in file order (checked: no repeated domain x code)."""
    rows: list[Code] = []
    seen: set[tuple[str, str]] = set()
    with open(CODES_PATH, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{CODES_PATH.name} : colonnes {', '.join(COLUMNS)} attendues, "
                             f"lu {', '.join(reader.fieldnames or [])}")
        for line_no, r in enumerate(reader, start=2):
            key = (r["domain"], r["code"])
            if key in seen:
                raise ValueError(f"{CODES_PATH.name}, ligne {line_no} : code répété {key[0]}/{key[1]}")
            seen.add(key)
            flags = tuple(x.strip() for x in (r["flags"] or "").split(";") if x.strip())
            rows.append(Code(r["domain"], r["code"], r["label"], int(r["sort_order"]), flags))
    return tuple(rows)


def domains() -> list[str]:
    out: list[str] = []
    for c in table():
        if c.domain not in out:
            out.append(c.domain)
    return out


def rows(domain: str) -> list[Code]:
    """The codes of `domain` by sort order (KeyError for a domain absent from the table)."""
    found = sorted((c for c in table() if c.domain == domain), key=lambda c: c.sort_order)
    if not found:
        raise KeyError(domain)
    return found


def labels(domain: str) -> dict[str, str]:
    """code -> French label, in sort order."""
    return {c.code: c.label for c in rows(domain)}


def codes(domain: str, flag: str | None = None) -> tuple[str, ...]:
    """The codes of `domain` in sort order; with `flag`, only those carrying it."""
    return tuple(c.code for c in rows(domain) if flag is None or c.flag(flag) is not None)


def flag_values(domain: str, flag: str) -> dict[str, str]:
    """code -> value of the `flag=value` flag, for the codes that carry it."""
    return {c.code: c.flag(flag) for c in rows(domain) if c.flag(flag) is not None}


def write_table(con) -> None:
    """(Re)write `ref_codes` in a DuckDB database (done by the SQL layer before staging)."""
    con.execute("create or replace table ref_codes (domain varchar, code varchar, label varchar, "
                "sort_order integer, flags varchar[])")
    con.executemany("insert into ref_codes values (?, ?, ?, ?, ?)",
                    [(c.domain, c.code, c.label, c.sort_order, list(c.flags)) for c in table()])
