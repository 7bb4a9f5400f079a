"""The search (mart_search, dashboard/search.py): buyers by SIREN, operations by code, contracts by id;
accent- and case-insensitive, tolerant of a typo; execution-only entities kept from roles that may not
open them; the text typed in the URL (`?recherche=`).

Fixture (by hand): buyer SIREN 278321161 "Aubépine Habitat" with two establishments (SIRETs
27832116100011, 27832116100029: one organisation, one result), buyer 394054431 "Clair Foyer", buyer
555666777 "Logis Caché" known only from a clause export (execution-only), operation NPNRU-80021-005
"NPNRU Amiens — Étouvie" (execution-only), contracts 2024/17 "Réhabilitation de 36 logements" and
2024-18 "Espaces verts".
"""
from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import duckdb
import pytest

from dashboard import policy
from dashboard.access import Scope
from pipelines import schema
from tests.dashboard_apptest import restore_db_env, run_page  # noqa: F401
from tests.marts_fixture import add_contracts, add_lines, build, rows

AUBEPINE_1, AUBEPINE_2 = "27832116100011", "27832116100029"
CLAIR = "39405443100017"
HIDDEN = "55566677700012"
OPERATION = "NPNRU-80021-005"


def _fill(con) -> None:
    schema.create_all_tables(con)
    con.execute("insert into ref_communes values ('80021', 'Amiens', '80', '32', '248000531', 133000),"
                " ('59350', 'Lille', '59', '32', '200093201', 230000)")
    con.execute("insert into ref_departements values ('80', 'Somme', '32'), ('59', 'Nord', '32')")
    con.execute("insert into build_info values ('data_label', 'données de démonstration'), ('built_at', '2026-12-01')")
    con.execute("insert into buyers_register values (?, 'Aubépine Habitat', 'landlord')", [AUBEPINE_1])
    add_contracts(
        con,
        {"buyer_siret": AUBEPINE_1, "buyer_name": "AUBEPINE HABITAT", "contract_id": "2024/17",
         "object": "Réhabilitation de 36 logements — Les Tilleuls"},
        {"buyer_siret": AUBEPINE_2, "buyer_name": "Aubépine Habitat (agence Sud)", "contract_id": "2024-18",
         "object": "Espaces verts"},
        {"buyer_siret": CLAIR, "buyer_name": "Clair Foyer", "contract_id": "C9", "object": "Peinture"},
    )
    add_lines(
        con,
        {"participant_id": "p1", "buyer_siret": AUBEPINE_1, "buyer_name": "Aubépine Habitat",
         "contract_id": "2024/17", "operation_id": OPERATION, "operation_name": "NPNRU Amiens — Étouvie",
         "operation_commune_code": "80021"},
        {"participant_id": "p2", "buyer_siret": HIDDEN, "buyer_name": "Logis Caché", "contract_id": "X1",
         "operation_id": OPERATION, "operation_name": "NPNRU Amiens — Étouvie", "operation_commune_code": "80021"},
    )
    build(con)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    _fill(c)
    yield c
    c.close()


@functools.lru_cache(maxsize=None)
def search_db() -> Path:
    path = Path(tempfile.mkdtemp(prefix="obs-search-")) / "search.duckdb"
    c = duckdb.connect(str(path))
    _fill(c)
    c.close()
    return path


def found(con, q, **params):
    args = "".join(f", {k} := ?" for k in params)
    return [(r["kind"], r["key"]) for r in rows(con, f"select * from mart_search(?{args})", [q, *params.values()])]


def test_buyer_is_one_organisation_found_without_accents_case_or_with_a_typo(con):
    for q in ("aubepine habiat", "AUBÉPINE", "Aubepine  Habitat", "aubépine-habitat"):
        assert ("buyer", "278321161") in found(con, q), q
        # two establishments, one organisation: one buyer result
        assert [k for k in found(con, q) if k[0] == "buyer"] == [("buyer", "278321161")], q
    r = rows(con, "select * from mart_search('aubepine')")
    buyer = next(x for x in r if x["kind"] == "buyer")
    assert buyer["label"] == "Aubépine Habitat"  # the register's name, not the upper-case DECP one
    assert "2 établissements" in buyer["detail"]


def test_buyer_by_siren_or_any_siret(con):
    for q in ("278321161", AUBEPINE_1, AUBEPINE_2, "278 321 161"):
        assert found(con, q)[:1] == [("buyer", "278321161")], q
    assert found(con, "394054431") == [("buyer", "394054431")]


def test_contract_by_id_and_by_object_with_a_typo(con):
    assert ("contract", "2024/17") in found(con, "2024/17")
    assert ("contract", "2024-18") in found(con, "2024-18")
    assert found(con, "rehabilitaton logements tilleuls") == [("contract", "2024/17")]
    assert found(con, "espaces vert") == [("contract", "2024-18")]


def test_operation_by_name_or_code(con):
    assert found(con, "etouvie") == [("operation", OPERATION)]
    assert found(con, "npnru-80021-005") == [("operation", OPERATION)]
    assert found(con, "nothing like this") == []
    assert found(con, "") == [] and found(con, "  - ") == []


def test_execution_only_entities_follow_execution_keys(con):
    assert found(con, "logis cache") == [("buyer", "555666777")]
    assert found(con, "logis cache", execution_keys=[]) == []
    assert found(con, "etouvie", execution_keys=[]) == []
    assert found(con, "etouvie", execution_keys=[OPERATION]) == [("operation", OPERATION)]
    assert found(con, "logis cache", execution_keys=["555666777"]) == [("buyer", "555666777")]
    # DECP buyers and contracts are public data: found by every role
    assert ("buyer", "278321161") in found(con, "aubepine", execution_keys=[])


def test_policy_narrows_the_search_by_role():
    params = {"q": "x", "execution_keys": None}
    assert policy.enforce("mart_search", params, Scope(role="observatoire")) == params
    assert policy.enforce("mart_search", params, Scope(role="public"))["execution_keys"] == []
    assert policy.enforce("mart_search", params, Scope(role="bailleur", sirens=("278321161",)))[
        "execution_keys"] == ["278321161"]
    assert policy.enforce("mart_search", params, Scope(role="comite", operations=(OPERATION,)))[
        "execution_keys"] == [OPERATION]


def _shown(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for el in at.get("page_link"):
        parts.append(str(el.proto.label))
    return "\n".join(parts)


def _links(at) -> list[tuple[str, str]]:
    return [(el.proto.label, el.proto.page) for el in at.get("page_link")]


def test_accueil_search_from_the_url_lists_results():
    at = run_page("accueil", search_db(), query={"recherche": "aubepine habiat"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="recherche").value == "aubepine habiat"
    shown = _shown(at)
    assert "**Acheteurs**" in shown and "Aubépine Habitat" in shown
    assert "Réhabilitation" not in shown  # "habiat" is not a word of the contract


def test_contract_result_links_to_the_filtered_contract_list():
    at = run_page("accueil", search_db(), query={"recherche": "2024/17"})
    assert not at.exception, [e.value for e in at.exception]
    links = [(label, page) for label, page in _links(at) if "Réhabilitation" in label]
    assert links and links[0][1].endswith("marches_clauses"), _links(at)


def test_public_role_does_not_find_operations(observatoire_view, monkeypatch):
    from dashboard import access

    monkeypatch.setattr(access, "resolve", observatoire_view)  # the demo chooser's role, from the URL
    monkeypatch.setattr(access, "auth_configured", lambda: False)
    at = run_page("accueil", search_db(), query={"recherche": "etouvie", "role": "Public"})
    assert not at.exception, [e.value for e in at.exception]
    shown = _shown(at)
    assert "Étouvie" not in shown
    assert "Aucun résultat" in shown
    at = run_page("accueil", search_db(), query={"recherche": "etouvie", "role": "Observatoire (DREETS)"})
    assert "NPNRU Amiens — Étouvie" in _shown(at)


def test_sidebar_search_on_another_page():
    at = run_page("heures", search_db())
    assert not at.exception, [e.value for e in at.exception]
    at.sidebar.text_input(key="recherche").input("clair foyé").run()
    assert not at.exception, [e.value for e in at.exception]
    # a plain line, or (now that the Fiche acheteur exists) a link to it
    side = "\n".join([m.value for m in at.sidebar.markdown] + [label for label, _ in _links(at)])
    assert "Clair Foyer" in side
