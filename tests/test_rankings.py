"""Rankings and maps you can trust: a share on a handful of contracts is neither ranked, named in a
summary sentence nor coloured (setting `ranking_min_contracts`, default 10); coverage is said.

Fixture (built through the real SQL layer), every contract of the 2022 format unless said:
- EPCI 246000848 CC de la Picardie Verte: buyer "Commune Petite", 1 contract, with a clause: 100 %.
- EPCI 200093201 MEL: buyer "Bailleur Nord", 12 contracts, 6 with a clause (50,0 %), + 2 contracts
  of the 2019 format (unknown status).
- EPCI 200033579 CU d'Arras: buyer "Ville d'Arras", 20 contracts, 5 with a clause (25,0 %); the same
  buyer has 3 contracts without EPCI nor commune, none with a clause (buyer: 5 / 23 = 21,7 %).
Totals: 38 contracts, 3 without EPCI (7,9 %), 2 of unknown status (5,3 %), 36 known.
"""
from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import duckdb

from dashboard import rankings
from pipelines import schema
from tests.dashboard_apptest import frames, restore_db_env, run_page  # noqa: F401
from tests.marts_fixture import add_contracts, build

SMALL, MEL, ARRAS = "21800000100011", "11111111111111", "21620000100011"


@functools.lru_cache(maxsize=None)
def ranking_db() -> Path:
    path = Path(tempfile.mkdtemp(prefix="obs-rank-")) / "rank.duckdb"
    con = duckdb.connect(str(path))
    schema.create_all_tables(con)
    con.execute("""insert into ref_communes values
        ('59350', 'Lille', '59', '32', '200093201', 230000),
        ('62041', 'Arras', '62', '32', '200033579', 41000),
        ('60057', 'Blargies', '60', '32', '246000848', 200)""")
    con.execute("insert into ref_departements values ('59', 'Nord', '32'), ('62', 'Pas-de-Calais', '32'),"
                " ('60', 'Oise', '32')")
    con.execute("insert into ref_epci values ('200093201', 'Métropole Européenne de Lille', 'METRO'),"
                " ('200033579', 'CU d''Arras', 'CU'), ('246000848', 'CC de la Picardie Verte', 'CC')")
    con.execute("insert into build_info values ('data_label', 'données de démonstration')")
    rows = [{"buyer_siret": SMALL, "buyer_name": "Commune Petite", "buyer_type": "commune", "contract_id": "S1",
             "commune_code": "60057", "departement_code": "60", "epci_code": "246000848", "has_social_clause": True}]
    for i in range(12):
        rows.append({"contract_id": f"M{i}", "has_social_clause": i < 6})
    for i in range(2):
        rows.append({"contract_id": f"M-old{i}", "format_version": "2019", "social_info_known": False,
                     "notification_date": None, "year": 2024})
    for i in range(20):
        rows.append({"buyer_siret": ARRAS, "buyer_name": "Ville d'Arras", "buyer_type": "commune",
                     "contract_id": f"A{i}", "commune_code": "62041", "departement_code": "62",
                     "epci_code": "200033579", "has_social_clause": i < 5})
    for i in range(3):
        rows.append({"buyer_siret": ARRAS, "buyer_name": "Ville d'Arras", "buyer_type": "commune",
                     "contract_id": f"AX{i}", "commune_code": None, "departement_code": "62", "epci_code": None,
                     "territory_status": "unresolved"})
    add_contracts(con, *rows)
    build(con)
    con.close()
    return path


def _texts(at) -> str:
    """Markdown and captions, with the non-breaking spaces of French numbers as plain spaces."""
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _buyer_tables(at):
    return [df for df in frames(at) if "Acheteur" in df.columns]


def test_fixture_has_the_expected_cells():
    con = duckdb.connect(str(ranking_db()), read_only=True)
    r = {row[0]: row[1:] for row in con.execute(
        "select value, n_contracts, n_known, share_clause from mart_contract_share('epci')").fetchall()}
    assert r["246000848"] == (1, 1, 1.0)
    assert r["200093201"] == (14, 12, 0.5)
    assert r["200033579"] == (20, 20, 0.25)
    assert r["unknown"][0] == 3 and r["total"][:2] == (38, 36)


def test_min_contracts_setting(monkeypatch):
    assert rankings.min_contracts() == 10
    monkeypatch.setenv("OBSERVATOIRE_RANKING_MIN_CONTRACTS", "3")
    assert rankings.min_contracts() == 3


def test_territoires_summary_and_colours_ignore_the_one_contract_epci():
    at = run_page("territoires", ranking_db(), query={"echelle": "epci", "indicateur": "clause_share"})
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert "la plus haute à Métropole Européenne de Lille (50,0 %)" in text
    assert "la plus basse à CU d'Arras (25,0 %)" in text
    assert "la plus haute à CC de la Picardie Verte" not in text
    # marked as too small, on the map and in the caption
    assert "en beige au contour brun : CC de la Picardie Verte" in text
    # coverage: contracts without an EPCI, share of unknown status
    assert "3 marchés sur 38 (7,9 %) sans intercommunalité (EPCI) connue ne sont pas sur la carte" in text
    assert "2 (5,3 %) ont un statut inconnu" in text
    chart = at.get("plotly_chart")[0]
    import json

    fig = json.loads(chart.proto.spec)
    coloured = [t for t in fig["data"] if t.get("showscale", True) is not False]
    assert "246000848" not in coloured[0]["locations"]  # not the darkest: not coloured at all
    small = [t for t in fig["data"] if t.get("name") == "Trop peu de marchés"]
    assert small and list(small[0]["locations"]) == ["246000848"]


def test_the_setting_changes_what_is_named(monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_RANKING_MIN_CONTRACTS", "1")
    at = run_page("territoires", ranking_db(), query={"echelle": "epci", "indicateur": "clause_share"})
    assert "la plus haute à CC de la Picardie Verte (100,0 %)" in _texts(at)


def test_marches_clauses_breakdown_summary_and_coverage():
    at = run_page("marches_clauses", ranking_db(), query={"ventilation": "epci", "consideration": "clause"})
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert ("Part la plus haute : Métropole Européenne de Lille (50,0 %, 12 marchés au statut connu) ; "
            "la plus basse : CU d'Arras (25,0 %, 20 marchés)") in text
    assert "1 ligne de moins de 10 marchés au statut connu ne sont ni classées ni colorées" in text
    assert "3 marchés sur 38 (7,9 %) sans intercommunalité (EPCI) connue ne sont dans aucun territoire" in text


def test_buyers_that_clause_the_most_and_the_least_with_a_minimum():
    at = run_page("marches_clauses", ranking_db(), query={"consideration": "clause"})
    assert not at.exception, [e.value for e in at.exception]
    top, bottom = _buyer_tables(at)[:2]
    assert list(top["Acheteur"]) == ["Bailleur Nord", "Ville d'Arras"]  # 50,0 % then 21,7 %
    assert list(bottom["Acheteur"]) == ["Ville d'Arras", "Bailleur Nord"]
    assert "Commune Petite" not in set(top["Acheteur"]) | set(bottom["Acheteur"])  # 1 contract at 100 %
    assert list(top["Statut connu"]) == ["12", "23"]  # the count is shown
    assert "Acheteurs qui clausent le moins" in [s.value for s in at.subheader]
    assert "1 acheteurs de moins de 10 marchés au statut connu ne sont pas classés" in _texts(at)
