"""Reference tables (ref_*) from the committed extract in data/reference/, and territory lookups."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipelines.settings import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"

FILES = {
    "ref_communes": ("communes.csv.gz", "commune_code, commune_name, departement_code, region_code, "
                     "epci_code, try_cast(population as integer)"),
    "ref_epci": ("epci.csv", "epci_code, epci_name, epci_type"),
    "ref_departements": ("departements.csv", "departement_code, departement_name, region_code"),
    "ref_regions": ("regions.csv", "region_code, region_name"),
    "ref_postcodes": ("postcodes.csv.gz", "postcode, commune_code"),
    "ref_cpv_divisions": ("cpv_divisions.csv", "cpv_division, division_label, sector"),
}


def _read(path: Path) -> str:
    return (f"read_csv('{path.as_posix()}', header = true, all_varchar = true, "
            f"delim = ',', quote = '\"')")


def load_reference_tables(con, ref_dir: Path = REFERENCE_DIR) -> None:
    """Fill the ref_* tables (created by pipelines.schema) from the extract files."""
    for table, (file, columns) in FILES.items():
        con.execute(f"delete from {table}")
        con.execute(f"insert into {table} select {columns} from {_read(ref_dir / file)}")


@dataclass
class Reference:
    """In-memory lookups used to resolve places of execution and sectors."""

    communes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code -> (dep, reg, epci)
    aliases: dict[str, str] = field(default_factory=dict)                    # old code -> commune
    postcodes: dict[str, list[str]] = field(default_factory=dict)            # postcode -> communes
    departements: dict[str, str] = field(default_factory=dict)               # dep -> region
    regions: set[str] = field(default_factory=set)
    cpv_sectors: dict[str, str] = field(default_factory=dict)                # division -> sector


def load_reference(con, ref_dir: Path = REFERENCE_DIR) -> Reference:
    """Build the lookups from the ref_* tables (call after load_reference_tables)."""
    ref = Reference()
    for code, dep, reg, epci in con.execute(
            "select commune_code, departement_code, region_code, epci_code from ref_communes").fetchall():
        ref.communes[code] = (dep or None, reg or None, epci or None)
    for alias, code in con.execute(
            f"select alias_code, commune_code from {_read(ref_dir / 'commune_aliases.csv.gz')}").fetchall():
        if alias not in ref.communes:
            ref.aliases[alias] = code
    for postcode, code in con.execute(
            "select postcode, commune_code from ref_postcodes order by all").fetchall():
        ref.postcodes.setdefault(postcode, []).append(code)
    ref.departements = dict(con.execute(
        "select departement_code, region_code from ref_departements").fetchall())
    ref.regions = {r[0] for r in con.execute("select region_code from ref_regions").fetchall()}
    ref.cpv_sectors = dict(con.execute("select cpv_division, sector from ref_cpv_divisions").fetchall())
    return ref
