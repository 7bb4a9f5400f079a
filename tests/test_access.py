"""Access by audience (issue 10): the access file, the scope of each role, the demo mode.

The pages run (AppTest) on the hand-made build of tests/access_fixture.py, where every landlord's
and operation's hours are a number found nowhere else. The signed-in identity is replaced at the one
place the app reads it (`dashboard.access.signed_in_identity`); the real sign-in through a browser
and an OpenID Connect provider is tests/test_access_browser.py. For each role the tests try what it
must not reach (another landlord in `?bailleur=` or in the sidebar key, an operation outside the
committee, a per-landlord breakdown, the report, the downloads) and look for the forbidden figures
in everything the page holds: texts, tables, charts, widget options, the report and the files.
"""
from __future__ import annotations

import base64
import io
import json
import time

import numpy as np
from google.protobuf import text_format

import pandas as pd
import pytest
import streamlit as st

from access_fixture import (A1, A2, B, C, DEP_HOURS, HOURS, NAMES, ORG_A, ORG_HOURS_A, REGION_HOURS, SIREN_A,
                            SIREN_B, build_access_db, shows)
from dashboard import access, policy
from dashboard.access import Known, Scope
from tests.dashboard_apptest import run_page

HEADER = "identifiant;role;siren;operations;territoires\n"
FILE = (HEADER
        + "obs@dreets.gouv.fr;observatoire;;;\n"
        + f"alice@alpha.fr;bailleur;{SIREN_A};;\n"
        + "comite@arras.fr;comite;;OPB;\n"
        + "voisin@exemple.fr;public;;;\n")


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    return build_access_db(tmp_path_factory.mktemp("access") / "real.duckdb")


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory):
    return build_access_db(tmp_path_factory.mktemp("access-demo") / "demo.duckdb", demo=True)


@pytest.fixture()
def downloads(monkeypatch):
    """The bytes of every download button the pages draw (files are made on click: made here)."""
    files: list[bytes] = []
    real = st.download_button

    def recording(label, data=None, *args, **kwargs):
        files.append(data() if callable(data) else data)
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return files


@pytest.fixture()
def sign_in(monkeypatch, tmp_path, observatoire_view):
    """sign_in(email, text=FILE): the real resolution, `[auth]` configured, `email` signed in
    (None: nobody), the access file `text`."""
    def _sign_in(email, text=FILE):
        monkeypatch.setattr(access, "resolve", observatoire_view)
        monkeypatch.setattr(access, "auth_configured", lambda: True)
        monkeypatch.setattr(access, "provider", lambda: None)
        ident = access.Identity(email=email, subject=f"sub-{email}") if email else None
        monkeypatch.setattr(access, "signed_in_identity", lambda: ident)
        path = tmp_path / "acces.csv"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("OBSERVATOIRE_ACCESS_FILE", str(path))
        return path
    return _sign_in


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _decoded(obj):
    """A Plotly spec with its binary arrays (`{"dtype", "bdata"}`) turned into plain lists."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            return np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"]).tolist()
        return {k: _decoded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decoded(v) for v in obj]
    return obj


def everything(at, files=()) -> str:
    """All the page holds: every element (texts, options, charts with their data, the report's
    HTML), the tables as CSV, and the downloaded files (CSV, HTML, XLSX read back)."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or type(node).__name__ == "Dataframe":
            continue
        spec = getattr(proto, "spec", "") if type(proto).__name__ == "PlotlyChart" else ""
        if spec:
            parts.append(json.dumps(_decoded(json.loads(spec)), ensure_ascii=False))
        else:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
    parts += [d.value.to_csv() for d in at.dataframe]
    for f in files:
        if isinstance(f, str):
            parts.append(f)
        elif f[:2] == b"PK":
            parts.append(pd.read_excel(io.BytesIO(f)).to_csv())
        elif f[:5] == b"%PDF-":  # the committee report's PDF: its text
            import pypdf

            parts.append("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(f)).pages))
        else:
            parts.append(f.decode("utf-8", "replace"))
    return "\n".join(parts)


def sidebar_text(at) -> str:
    return "\n".join(text_format.MessageToString(n.proto, as_utf8=True) for n in _walk(at.sidebar)
                     if getattr(n, "proto", None) is not None)


def options(at, key) -> list[str]:
    return list(at.selectbox(key=key).options)


def warnings(at) -> str:
    return "\n".join(w.value for w in at.warning) + "\n".join(i.value for i in at.info)


# --- the access file ---------------------------------------------------------------------------

KNOWN = Known(landlords={SIREN_A: "Alpha Habitat", SIREN_B: "Beta Logis"},
              operations={"OPA1": "a", "OPB": "b"}, territories={"59": "Nord", "200093201": "MEL"})


def test_access_file_lines_are_checked_with_french_messages():
    text = (HEADER
            + f"alice@alpha.fr;bailleur;{SIREN_A};;\n"          # 2 valid
            + "bob@x.fr;bailleur;999999999;;\n"                  # 3 unknown SIREN
            + "carl@x.fr;bailleur;1234;;\n"                      # 4 malformed SIREN
            + "dan@x.fr;comite;;OPZ;\n"                          # 5 unknown operation
            + "eve@x.fr;comite;;;75\n"                           # 6 unknown territory
            + "fay@x.fr;admin;;;\n"                              # 7 unknown role
            + "gus@x.fr;comite;;;\n"                             # 8 committee without scope
            + "Hal@X.fr;comite;;OPB;59 200093201\n"              # 9 duplicate (case-insensitive)
            + "hal@x.fr;observatoire;;;\n"                       # 10
            + ";public;;;\n"                                     # 11 no identifier
            + "ivy@x.fr;observatoire;222222222;;\n"              # 12 observatory with a scope
            + "sub-42;comite;;OPA1|OPB;59\n")                    # 13 valid, by subject
    t = access.validate(text, KNOWN, "acces.csv")
    msgs = "\n".join(t.problems)
    assert set(t.entries) == {"alice@alpha.fr", "sub-42"}
    assert t.entries["sub-42"].operations == ("OPA1", "OPB") and t.entries["sub-42"].territories == ("59",)
    assert t.entries["alice@alpha.fr"].sirens == (SIREN_A,)
    assert "acces.csv, ligne 3 : SIREN « 999999999 » inconnu" in msgs
    assert "ligne 4 : SIREN « 1234 » invalide (9 chiffres attendus)" in msgs
    assert "ligne 5 : opération « OPZ » inconnue dans la base" in msgs
    assert "ligne 6 : territoire « 75 » inconnu" in msgs
    assert "ligne 7 : rôle « admin » inconnu (attendu : observatoire, bailleur, comite, public)" in msgs
    assert "ligne 8 : un comité doit avoir au moins une opération ou un territoire" in msgs
    assert "lignes 9, 10 : même personne « hal@x.fr » plusieurs fois" in msgs
    assert "ligne 11 : identifiant vide" in msgs
    assert "ligne 12 : le rôle observatoire ne prend ni SIREN" in msgs
    assert len(t.problems) == 9
    # a SIREN is one organisation, whatever its establishments
    assert access.scope_of(t.entries["alice@alpha.fr"], KNOWN).landlords == (SIREN_A,)


def test_access_file_header_and_delimiter():
    t = access.validate("email,role\nx@y.fr,public\n", KNOWN, "f.csv")
    assert t.problems == ["f.csv : colonne(s) absente(s) : identifiant, siren, operations, territoires "
                          "(en-tête attendu : identifiant;role;siren;operations;territoires)."]
    t = access.validate("\ufeffidentifiant,role,siren,operations,territoires\nx@y.fr,comite,,OPB,\n", KNOWN)
    assert not t.problems and t.entries["x@y.fr"].operations == ("OPB",)


def test_lookup_by_subject_then_verified_email():
    t = access.validate(HEADER + "sub-1;observatoire;;;\nann@x.fr;comite;;OPB;\n", KNOWN)
    assert t.lookup("nobody@x.fr", "sub-1").role == "observatoire"
    assert t.lookup("ANN@x.fr", "other").role == "comite"
    assert t.lookup("ann@x.fr", "other", email_verified=False) is None  # an unverified email proves nothing


def test_access_file_problems_are_shown_and_the_file_is_reloaded_when_it_changes(sign_in, real_db, monkeypatch):
    path = sign_in("alice@alpha.fr", HEADER + "alice@alpha.fr;public;;;\nobs@dreets.gouv.fr;observatoire;;;\n"
                   + "bob@x.fr;bailleur;999999999;;\n")
    at = run_page("heures", real_db)
    assert not at.exception
    assert "Accès** : Public" in sidebar_text(at)
    # the observatory sees the file's problems in the sidebar
    monkeypatch.setattr(access, "signed_in_identity", lambda: access.Identity("obs@dreets.gouv.fr", "s"))
    at.run()
    assert "Fichier d'accès : 1 problème(s)" in [e.label for e in at.expander]
    assert any("SIREN « 999999999 » inconnu" in c.value for c in at.caption)
    # the file changes: alice becomes a landlord on the next page view, without a restart
    monkeypatch.setattr(access, "signed_in_identity", lambda: access.Identity("alice@alpha.fr", "s"))
    time.sleep(0.01)
    path.write_text(FILE, encoding="utf-8")
    at.run()
    assert "Accès** : Bailleur social" in sidebar_text(at)
    assert options(at, "bailleur") == [ORG_A]


def test_a_missing_access_file_grants_nothing(sign_in, real_db, tmp_path, monkeypatch):
    sign_in("obs@dreets.gouv.fr")
    monkeypatch.setenv("OBSERVATOIRE_ACCESS_FILE", str(tmp_path / "absent.csv"))
    at = run_page("accueil", real_db)
    assert "Accès** : Public" in sidebar_text(at)
    assert "pas d'accès particulier" in warnings(at)


def test_a_signed_in_person_not_in_the_file_gets_the_public_view_and_whom_to_ask(sign_in, real_db, monkeypatch):
    sign_in("inconnu@exemple.fr")
    monkeypatch.setenv("OBSERVATOIRE_ACCESS_CONTACT", "clauses@dreets.gouv.fr")
    at = run_page("heures", real_db)
    assert not at.exception
    assert "Accès** : Public" in sidebar_text(at)
    info = warnings(at)
    assert "pas d'accès particulier" in info and "clauses" in info and "dreets.gouv.fr" in info
    assert any(b.label == "Se déconnecter" for b in at.button)


# --- bailleur ----------------------------------------------------------------------------------

FORBIDDEN_FOR_A = [HOURS[B], HOURS[C], REGION_HOURS, DEP_HOURS["62"]]


def test_bailleur_sees_its_own_organisation_only(sign_in, real_db, downloads):
    sign_in("alice@alpha.fr")
    at = run_page("heures", real_db, query={"bailleur": NAMES[B]})  # another landlord in the URL
    assert not at.exception
    assert options(at, "bailleur") == [ORG_A]  # no "Tous", no other landlord, one entry per organisation
    assert at.selectbox(key="bailleur").value == SIREN_A
    assert any("Filtre ignoré" in w.value for w in at.warning)
    at.selectbox(key="h_dim").set_value("buyer").run()
    shown = everything(at, downloads)
    assert shows(shown, ORG_HOURS_A)
    for v in FORBIDDEN_FOR_A:
        assert not shows(shown, v), v
    assert NAMES[B] not in shown.replace(f"« {NAMES[B]} »", "")  # only echoed in the ignored-filter note


def test_bailleur_sees_all_the_establishments_of_its_organisation_together(sign_in, real_db):
    """Issue 11: a landlord is its SIREN; its two SIRETs are one organisation, never one at a time."""
    sign_in("alice@alpha.fr")
    at = run_page("heures", real_db)
    assert not at.exception
    m = {x.label: x.value for x in at.metric}
    assert m["Heures réalisées"] == "1\u202f949\u00a0h"  # 1 313 (11111111100011) + 636 (11111111100029)
    assert m["Participants"] == "25"  # 13 + 12
    scope = access.current() or Scope(role="bailleur", sirens=(SIREN_A,), landlords=(SIREN_A,))
    # a SIRET of its own organisation is accepted (it designates the organisation), another one is not
    assert policy.enforce("mart_hours", {"landlord": A2}, scope)["landlord"] == A2
    with pytest.raises(policy.Denied):
        policy.enforce("mart_hours", {"landlord": B}, Scope(role="bailleur", sirens=(SIREN_A,), landlords=(SIREN_A,)))


def test_bailleur_cannot_reach_another_landlord_by_its_siret_or_a_forged_filter(sign_in, real_db, monkeypatch):
    sign_in("alice@alpha.fr")
    at = run_page("heures", real_db, query={"bailleur": B})  # the SIRET itself in the URL
    assert not at.exception
    assert at.selectbox(key="bailleur").value == SIREN_A
    assert not shows(everything(at), HOURS[B])
    # whatever the widgets send, the server decides: a filter set naming another landlord is refused
    from dashboard import db, filters

    monkeypatch.setenv("OBSERVATOIRE_DB", str(real_db))
    access.set_current(Scope(role="bailleur", sirens=(SIREN_A,), landlords=(SIREN_A,)))
    try:
        with pytest.raises(policy.Denied):
            db.mart("mart_hours", filters=filters.Filters(landlord=B), dimension="total")
        total = db.mart("mart_hours", filters=filters.Filters(), dimension="total")
        assert total["hours_worked"].tolist() == [ORG_HOURS_A]
        with pytest.raises(policy.Denied):
            db.mart("mart_landlord_position", viewer=B)
    finally:
        access.set_current(None)


def test_bailleur_benchmark_names_only_itself(sign_in, real_db, downloads):
    sign_in("alice@alpha.fr")
    at = run_page("bailleurs", real_db, query={"bailleur": NAMES[B]})
    assert not at.exception
    assert options(at, "b_viewer") == [ORG_A]
    shown = everything(at, downloads)
    for name in (NAMES[B], NAMES[C]):
        assert name not in shown.replace(f"« {NAMES[B]} »", "")
    assert not shows(shown, HOURS[B]) and not shows(shown, HOURS[C])


def test_bailleur_report_and_objectives_cover_its_own_figures_only(sign_in, real_db, downloads):
    sign_in("alice@alpha.fr")
    at = run_page("rapport", real_db)
    assert not at.exception
    at.selectbox(key="r_scope").set_value("region").run()
    shown = everything(at, downloads)
    # its organisation's hours (the ANRU section now lists mart_anru_floors, without the hours worked
    # per establishment that the mart_targets table gave)
    assert shows(shown, ORG_HOURS_A)
    for v in FORBIDDEN_FOR_A:
        assert not shows(shown, v), v
    at = run_page("objectifs", real_db)
    assert not at.exception
    assert not shows(everything(at), HOURS[B])


def test_bailleur_pages_and_policy(sign_in, real_db):
    sign_in("alice@alpha.fr")
    at = run_page("accueil", real_db)
    with pytest.raises(ValueError):  # not in its navigation
        at.switch_page("pages/qualite.py")
    scope = Scope(role="bailleur", sirens=(SIREN_A,), landlords=(SIREN_A,), default_landlord=SIREN_A)
    assert policy.enforce("mart_hours", {"dimension": "total"}, scope)["landlord"] == SIREN_A
    assert policy.enforce("mart_landlord_benchmark", {"scope": "peers"}, scope)["viewer"] == SIREN_A
    with pytest.raises(policy.Denied):
        policy.enforce("mart_hours", {"dimension": "total", "landlord": B}, scope)
    with pytest.raises(policy.Denied):
        policy.enforce("mart_landlord_position", {"viewer": B}, scope)
    with pytest.raises(policy.Denied):
        policy.enforce("mart_new_people_figure", {}, scope)  # unclassified marts are closed
    assert policy.enforce("mart_contract_share", {"dimension": "buyer"}, scope) == {"dimension": "buyer"}


# --- comite ------------------------------------------------------------------------------------

def test_committee_sees_its_operation_in_detail(sign_in, real_db, downloads):
    sign_in("comite@arras.fr")
    at = run_page("heures", real_db, query={"operation": "OPB · Beta Arras"})
    assert not at.exception
    assert options(at, "operation") == ["Tous", "OPB · Beta Arras"]  # an operation is its code (issue 11)
    at.selectbox(key="h_dim").set_value("buyer").run()
    shown = everything(at, downloads)
    assert shows(shown, HOURS[B])
    for v in (HOURS[A1], HOURS[A2], HOURS[C]):
        assert not shows(shown, v), v


def test_committee_cannot_reach_another_operation_or_landlord(sign_in, real_db, downloads):
    sign_in("comite@arras.fr")
    at = run_page("heures", real_db, query={"operation": "Gamma Arras"})  # not its operation
    assert not at.exception
    assert at.selectbox(key="operation").value == "__all__"
    shown = everything(at)
    assert shows(shown, REGION_HOURS)  # the region in aggregate
    at.selectbox(key="h_dim").set_value("operation").run()
    assert "Choisissez une autre répartition" in warnings(at)
    assert not shows(everything(at), HOURS[C])
    at = run_page("heures", real_db, query={"bailleur": NAMES[C]})
    assert "Retirez le filtre « bailleur »" in warnings(at)
    assert not shows(everything(at, downloads), HOURS[C])


def test_committee_report_offers_its_operations_only(sign_in, real_db, downloads):
    sign_in("comite@arras.fr")
    at = run_page("rapport", real_db)
    assert not at.exception
    assert options(at, "r_value_operation") == ["OPB · Beta Arras"]
    shown = everything(at, downloads)
    assert shows(shown, HOURS[B])
    for v in (HOURS[A1], HOURS[A2], HOURS[C]):
        assert not shows(shown, v), v


# --- public ------------------------------------------------------------------------------------

def test_public_sees_region_and_departement_only(sign_in, real_db, downloads):
    sign_in(None)  # sign-in configured, nobody signed in
    at = run_page("heures", real_db, query={"bailleur": NAMES[B], "operation": "Beta Arras",
                                            "role": "Observatoire (DREETS)"})  # the demo chooser's key
    assert not at.exception
    keys = {s.key for s in at.selectbox}
    assert not {"bailleur", "operation", "epci", "role"} & keys
    assert "Accès** : Public" in sidebar_text(at)
    assert sum("n'est pas accessible à la vue publique" in w.value for w in at.warning) == 2
    assert any(b.label == "Se connecter" for b in at.button)
    assert shows(everything(at), REGION_HOURS)
    at.selectbox(key="h_dim").set_value("operation_departement").run()
    shown = everything(at, downloads)
    assert shows(shown, DEP_HOURS["59"]) and shows(shown, DEP_HOURS["62"])
    for dim in ("buyer", "operation", "operation_epci"):
        at.selectbox(key="h_dim").set_value(dim).run()
        assert not at.exception
        assert "Choisissez une autre répartition" in warnings(at)
        shown = everything(at, downloads)
        for v in HOURS.values():
            assert not shows(shown, v), (dim, v)


def test_public_page_pickers_offer_no_operation_or_epci(sign_in, real_db, downloads):
    sign_in(None)
    at = run_page("sorties", real_db)
    assert not at.exception
    for scope, key in (("operation", "s_scope_operation"), ("epci", "s_scope_epci")):
        at.selectbox(key="s_scope").set_value(scope).run()
        assert not at.exception
        assert options(at, key) == []
    at = run_page("territoires", real_db)
    at.segmented_control(key="t_level").set_value("epci").run()
    at.selectbox(key="t_ind").set_value("hours_worked").run()
    assert not at.exception
    assert "Choisissez une autre répartition" in warnings(at)
    shown = everything(at, downloads)
    for v in HOURS.values():
        assert not shows(shown, v), v


def test_public_navigation_has_no_landlord_objective_report_or_quality_page(sign_in, real_db):
    sign_in(None)
    at = run_page("accueil", real_db)
    for page in ("bailleurs", "objectifs", "rapport", "qualite"):
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")
    scope = Scope()
    for name, params in [("mart_landlord_benchmark", {}), ("mart_targets", {}), ("mart_custom_targets", {}),
                         ("mart_hours", {"dimension": "total", "operation": "OPB"}),
                         ("mart_exits", {"dimension": "residence_commune"}),
                         ("mart_headlines", {"epci": "200093201"}), ("mart_declared_vs_executed", {})]:
        with pytest.raises(policy.Denied):
            policy.enforce(name, params, scope)
    assert policy.enforce("mart_headlines", {"departement": "62"}, scope) == {"departement": "62"}


def test_observatoire_sees_every_landlord(sign_in, real_db):
    """The figures the other roles must not see are on the page for the observatory."""
    sign_in("obs@dreets.gouv.fr")
    at = run_page("heures", real_db)
    at.selectbox(key="h_dim").set_value("buyer").run()
    shown = everything(at)
    # by organisation (issue 11): Alpha Habitat's two establishments are one row of 1 313 + 636 h
    assert all(shows(shown, v) for v in (ORG_HOURS_A, HOURS[B], HOURS[C]))
    assert "Accès** : Observatoire" in sidebar_text(at)


# --- demo mode ---------------------------------------------------------------------------------

def test_demo_mode_on_the_demo_database(observatoire_view, monkeypatch, demo_build):
    monkeypatch.setattr(access, "resolve", observatoire_view)
    at = run_page("heures", demo_build)
    assert not at.exception
    assert at.selectbox(key="role").value == "observatoire"
    assert any("Mode démonstration" in w.value for w in at.warning)
    at.selectbox(key="role").set_value("bailleur").run()
    assert at.selectbox(key="organisme").value == SIREN_A
    assert options(at, "bailleur") == [ORG_A]
    assert any("comme « Bailleur social »" in w.value for w in at.warning)
    at.selectbox(key="h_dim").set_value("buyer").run()
    assert not shows(everything(at), HOURS[B])
    # `off` forbids it even on the demo database; a configured sign-in replaces it
    monkeypatch.setenv("OBSERVATOIRE_DEMO_MODE", "off")
    at = run_page("heures", demo_build)
    assert not [s for s in at.selectbox if s.key == "role"] and "Connexion non configurée" in warnings(at)
    monkeypatch.setenv("OBSERVATOIRE_DEMO_MODE", "auto")
    monkeypatch.setattr(access, "auth_configured", lambda: True)
    monkeypatch.setattr(access, "signed_in_identity", lambda: None)
    at = run_page("heures", demo_build)
    assert not [s for s in at.selectbox if s.key == "role"]
    assert any(b.label == "Se connecter" for b in at.button)


def test_demo_mode_is_refused_on_a_real_database(observatoire_view, monkeypatch, real_db):
    monkeypatch.setattr(access, "resolve", observatoire_view)
    monkeypatch.setattr(access, "auth_configured", lambda: False)
    monkeypatch.setenv("OBSERVATOIRE_DEMO_MODE", "on")
    at = run_page("heures", real_db)
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "role"]
    assert "Mode démonstration refusé" in warnings(at)
    assert "Accès** : Public" in sidebar_text(at)
    with pytest.raises(ValueError):
        at.switch_page("pages/bailleurs.py")
    # without the request: the public view, and how to enable sign-in
    monkeypatch.setenv("OBSERVATOIRE_DEMO_MODE", "auto")
    at = run_page("accueil", real_db)
    assert "Connexion non configurée" in warnings(at) and "Déploiement" in warnings(at)
    assert not [s for s in at.selectbox if s.key == "role"]


def test_every_role_keeps_the_home_page_in_its_navigation():
    # before: Accueil (the default page, whose URL path Streamlit makes empty at run time) was
    # dropped from the navigation of every role but the observatoire
    from types import SimpleNamespace as Page

    from dashboard import audience

    sections = {"": [Page(title="Accueil", url_path="")],
                "Pilotage": [Page(title="Bailleurs", url_path="bailleurs"), Page(title="Méthode", url_path="methode")]}
    for role, expected in [("public", ["Accueil", "Méthode"]), ("bailleur", ["Accueil", "Bailleurs", "Méthode"]),
                           ("comite", ["Accueil", "Méthode"])]:
        kept = [p.title for items in audience.pages(sections, Scope(role=role)).values() for p in items]
        assert kept == expected, role


def test_home_page_links_only_to_pages_the_role_may_open(sign_in, real_db):
    # before: Accueil linked every page; st.page_link to a page outside the public navigation
    # broke the public home page with an error box ("This app has encountered an error")
    sign_in(None)
    at = run_page("accueil", real_db)
    assert not at.exception
    from dashboard import audience

    assert audience.may_open("bailleurs", Scope(role="public")) is False
    assert audience.may_open("calculateur", Scope(role="public")) is True
    assert audience.may_open("bailleurs", Scope(role="bailleur")) is True
    assert audience.may_open("qualite", None) is True
