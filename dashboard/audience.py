"""The access layer in the app: scope of the run, demo chooser, sidebar panel, banner, pages per role.

`setup(info)` (called by app.py at every run, before the filters) resolves the visitor's scope with
`dashboard.access.resolve` and makes it the run's scope (`access.set_current`), which
`dashboard.db.mart` hands to `dashboard.policy.enforce`. The sidebar panel shows the role, the scope
and the sign-in / sign-out button; the banner under each page title says when the view is a demo
or a restricted public view.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import streamlit as st

from dashboard import access, db
from dashboard import text as txt
from dashboard.access import ROLES, Known, Scope

_SCOPE_KEY = "_obs_scope_shown"

# url_path of the pages each role may open (the others are left out of the navigation).
# The Fiche acheteur is public (its DECP figures; its execution figures only for the observatory, the
# landlord itself and a committee within its scope, dashboard/policy.py); the Fiche opération has
# no public figure (an operation's lots and people are detail).
PUBLIC_PAGES = {"accueil", "marches_clauses", "heures", "publics", "sorties", "territoires", "calculateur",
                "methode", "vide", "acheteur"}
PAGES_BY_ROLE = {
    "observatoire": None,  # every page
    "bailleur": PUBLIC_PAGES | {"bailleurs", "objectifs", "rapport", "operation"},
    "comite": PUBLIC_PAGES | {"objectifs", "rapport", "operation"},
    "public": PUBLIC_PAGES,
}


@st.cache_data(show_spinner=False)
def _known(sig: tuple[str, int]) -> Known:
    return access.known_from_db(db.connection())


def known() -> Known:
    """Landlords, operations and territories of the served database (empty without a database)."""
    try:
        if not db.has("mart_filter_options"):
            return Known()
        return _known(db.signature())
    except db.DatabaseMissing:
        return Known()


@st.cache_data(show_spinner=False, max_entries=8)
def _table(path: str, mtime_ns: int, size: int, sig: tuple) -> access.AccessTable:
    table = access.load(Path(path), known())
    access.log_problems(table)  # once per version of the file: the server log
    return table


def access_table() -> access.AccessTable:
    """The access file, validated; read again when its modification time or size changes."""
    path = access.access_path()
    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, -1)
    try:
        sig = db.signature()
    except db.DatabaseMissing:
        sig = ()
    return _table(str(path), *key, sig)


def organisations(k: Known) -> dict[str, str]:
    """{SIREN: name} of the landlord organisations of the data."""
    out = {s: name for s, name in k.landlords.items() if len(s) == 9 and s.isdigit()}
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def demo_choice(k: Known, where=None) -> Scope:
    """Role and scope picked by the visitor (demo mode only), drawn in `where` (default: the sidebar)."""
    with (where or st.sidebar).container(border=True, key="obs-demo"):
        st.markdown("**Mode démonstration** · voir le tableau de bord comme :")
        # bound to the URL like the filters: the choice survives the first run and a copied link
        role = st.selectbox("Rôle", list(ROLES), format_func=ROLES.get, key="role", bind="query-params")
        if role == "bailleur":
            orgs = organisations(k)
            if not orgs:
                return Scope(role="bailleur", who="démonstration")
            siren = st.selectbox("Organisme", list(orgs), key="organisme", bind="query-params",
                                 format_func=lambda s: f"{orgs.get(s, s)} ({s})")
            return Scope(role="bailleur", sirens=(siren,), landlords=k.establishments([siren]), who="démonstration")
        if role == "comite":
            ops = list(k.operations)
            terrs = list(k.territories)
            chosen_ops = st.multiselect("Opérations du comité", ops, default=ops[:1], key="comite_operations",
                                        format_func=lambda o: k.operations.get(o, o), bind="query-params")
            chosen_terrs = st.multiselect("Territoires du comité", terrs, key="comite_territoires",
                                          format_func=lambda t: f"{t} {k.territories.get(t, '')}".strip(),
                                          bind="query-params")
            return Scope(role="comite", operations=tuple(chosen_ops), territories=tuple(chosen_terrs),
                         who="démonstration")
        return Scope(role=role, who="démonstration")


def setup(info: dict, where=None) -> Scope:
    """Resolve and install the scope of this run (draws the demo chooser in `where` in demo mode)."""
    k = known()
    if access.auth_configured():
        access_table()  # validated (and its problems logged) from the first page view, then on change
    scope = access.resolve(info, k, table_loader=access_table,
                           demo_choice=lambda known_: demo_choice(known_, where))
    access.set_current(scope)
    return scope


def set_landlord(landlord: str | None) -> None:
    """The bailleur's organisation chosen in the sidebar becomes the default of its marts."""
    scope = access.current()
    if scope is not None and scope.role == "bailleur" and landlord in scope.landlords:
        access.set_current(replace(scope, default_landlord=landlord))


def may_open(url_path: str, scope: Scope | None) -> bool:
    """True when the role of `scope` (None: the observatoire of tests and tools) may open the page."""
    allowed = PAGES_BY_ROLE.get(scope.role, PUBLIC_PAGES) if scope is not None else None
    return allowed is None or url_path in allowed


def pages(sections: dict, scope: Scope) -> dict:
    """The navigation with only the pages the role may open."""
    allowed = PAGES_BY_ROLE.get(scope.role, PUBLIC_PAGES)
    if allowed is None:
        return sections
    out = {}
    for name, items in sections.items():
        # the default page (Accueil) has the empty URL path in Streamlit, whatever url_path says
        kept = [p for p in items if (p.url_path or "accueil") in allowed]
        if kept:
            out[name] = kept
    return out


def describe(scope: Scope, k: Known | None = None) -> str:
    """French Markdown: the scope, for the sidebar (names escaped)."""
    k = k or known()
    if scope.role == "bailleur":
        names = sorted({k.landlords.get(s, s) for s in scope.landlords})
        return f"organisme {', '.join(txt.md(n) for n in names) or '—'} (SIREN {', '.join(scope.sirens)})"
    if scope.role == "comite":
        parts = []
        if scope.operations:
            parts.append("opérations : " + ", ".join(txt.md(k.operations.get(o, o)) for o in scope.operations))
        if scope.territories:
            parts.append("territoires : " + ", ".join(txt.md(k.territories.get(t, t)) for t in scope.territories))
        return " ; ".join(parts) or "aucune opération ni aucun territoire"
    if scope.role == "observatoire":
        return "toute la région"
    return "chiffres publics (marchés publics, région et départements)"


def panel(scope: Scope, where=None) -> None:
    """Role, scope and sign-in / sign-out, in `where` (default: the sidebar)."""
    with (where or st.sidebar).container(border=True, key="obs-access"):
        st.markdown(f"**Accès** : {ROLES.get(scope.role, scope.role)}")
        st.caption("Périmètre : " + describe(scope))
        if scope.who and scope.source in ("signed_in", "not_in_file"):
            st.caption(f"Connecté(e) : {txt.md(scope.who)}")
        if scope.source in ("signed_in", "not_in_file"):
            st.button("Se déconnecter", on_click=st.logout, key="obs-logout", icon=":material/logout:",
                      width="stretch")
        elif scope.source == "anonymous":
            prov = access.provider()
            st.button("Se connecter", on_click=st.login, args=(prov,) if prov else (), key="obs-login",
                      icon=":material/login:", width="stretch", type="primary")
        if scope.role == "observatoire" and not scope.demo and access.auth_configured():
            table = access_table()
            if table.problems:
                with st.expander(f"Fichier d'accès : {len(table.problems)} problème(s)"):
                    for p in table.problems:
                        st.caption(txt.md(p))


def banner(scope: Scope | None) -> None:
    """Under the page title: the demo-mode banner, or the message of a restricted view."""
    if scope is None:
        return
    if scope.demo:
        st.warning(f"**Mode démonstration** : vous voyez le tableau de bord comme « {ROLES[scope.role]} » "
                   f"({describe(scope)}). Changez de rôle en bas du panneau de gauche. Sur une base réelle, le "
                   "rôle vient de la connexion et du fichier d'accès.", icon=":material/visibility:")
    elif scope.message:
        st.info(scope.message, icon=":material/lock:")
