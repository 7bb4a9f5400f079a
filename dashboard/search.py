"""The search box: buyers (SIREN), operations (code) and contracts by name, SIREN/SIRET or id.

Drawn in the main area of *Accueil* (`box(main=True)`) and at the top of the sidebar on every other
page; the text typed is in the URL (`?recherche=...`), so a copied link shows the same results. The
matching itself (accent- and case-insensitive, typo-tolerant) is `mart_search` (docs/marts.md); what
a role may find is decided by `dashboard/policy.py` (the public never finds operations or other
entities known only from execution data). Each result links to the page that shows it: the fiche
acheteur (`acheteur?acheteur=SIREN`), the fiche opération (`operation?operation=CODE`), a contract
to the *Marchés clausés* list filtered on its id.
"""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from dashboard import access, audience, db, urlstate
from dashboard import formatting as fmt
from dashboard import text as txt
from pipelines.settings import PROJECT_ROOT

URL_KEY = "recherche"
CONTRACT_URL_KEY = "recherche_marche"  # the Marchés clausés list search (pages/marches_clauses.py)
KINDS = {"buyer": "Acheteurs", "operation": "Opérations", "contract": "Marchés"}
ICONS = {"buyer": ":material/account_balance:", "operation": ":material/construction:",
         "contract": ":material/description:"}
MAX_CHARS = 100


def target(row) -> tuple[str, dict] | None:
    """(url_path of the page that shows this result, its query parameters)."""
    kind = row["kind"]
    if kind == "buyer":
        return "acheteur", {"acheteur": str(row["key"])}
    if kind == "operation":
        return "operation", {"operation": str(row["key"])}
    if kind == "contract":
        return "marches_clauses", {CONTRACT_URL_KEY: str(row["key"])}
    return None


def _page_exists(path: str) -> bool:
    return (PROJECT_ROOT / "pages" / f"{path}.py").exists()


def find(q: str | None, max_per_kind: int = 5) -> pd.DataFrame:
    """The results of `q` for the visitor's role (empty frame for an empty text or without the mart)."""
    q = (q or "").strip()[:MAX_CHARS]
    if not q or not db.has("mart_search"):
        return pd.DataFrame(columns=["kind", "key", "buyer_siret", "buyer_siren", "label", "detail", "score"])
    started = time.perf_counter()
    found = db.mart("mart_search", q=q, max_per_kind=max_per_kind)
    st.session_state["_obs_search_ms"] = (time.perf_counter() - started) * 1000
    return found


def _result(row, compact: bool) -> None:
    label = str(row["label"])
    detail = "" if pd.isna(row["detail"]) else str(row["detail"])
    dest = target(row)
    scope = access.current()
    if dest is not None and _page_exists(dest[0]) and audience.may_open(dest[0], scope):
        shown = label if len(label) <= 60 or not compact else label[:57] + "…"
        st.page_link(f"pages/{dest[0]}.py", label=shown, icon=ICONS[row["kind"]], query_params=dest[1],
                     help=detail or None)
        if not compact and detail:
            st.caption(txt.md(detail))
    else:
        st.markdown(f"{txt.md(label)}" + (f"  \n{txt.md(detail)}" if detail else ""))


def results(q: str | None, *, compact: bool = False) -> None:
    """The results of `q`, grouped by kind, each linking to its page."""
    q = (q or "").strip()
    if not q:
        return
    found = find(q, max_per_kind=3 if compact else 5)
    # the search's own time (read by the page benchmark, pipelines/bench/pages.py)
    if not compact:
        with st.container(key="obs-search-ms"):
            st.caption(f"Recherche en {fmt.number(st.session_state.get('_obs_search_ms', 0), 1)} ms")
    if found.empty:
        st.caption(f"Aucun résultat pour « {txt.md(q, limit=MAX_CHARS)} ».")
        return
    for kind, title in KINDS.items():
        part = found[found["kind"] == kind]
        if part.empty:
            continue
        st.markdown(f"**{title}**")
        for _, row in part.iterrows():
            _result(row, compact)
    scope = access.current()
    if scope is not None and scope.role == "public":
        st.caption("Vue publique : les opérations et les données d'exécution des clauses ne sont pas "
                   "dans la recherche.")


def box(*, main: bool = False) -> str | None:
    """The search field (text bound to `?recherche=`) and its results; returns the text typed."""
    if not db.has("mart_search"):
        return None
    q = urlstate.text(
        "Rechercher un acheteur, une opération, un marché",
        key=URL_KEY, url_key=URL_KEY, max_chars=MAX_CHARS,
        placeholder="Nom, SIREN ou SIRET, code d'opération, n° de marché",
        help="Sans tenir compte des accents ni des majuscules ; une faute de frappe est tolérée.",
        label_visibility="visible" if main else "collapsed", icon=":material/search:",
    )
    results(q, compact=not main)
    return q


def sidebar(where, page_path: str | None) -> None:
    """The search at the top of the sidebar, on every page but Accueil (which has its own, larger)."""
    if (page_path or "accueil") == "accueil":
        return
    try:
        with where:
            box(main=False)
    except db.DatabaseMissing:
        pass
