"""Global sidebar filters, kept across pages and mirrored in the URL query string by code.

The widgets are drawn by `app.py` before the page runs, so they live on every page. Each filter is
written into the URL as its code (`?dep=59&epci=200093201&type_acheteur=landlord&bailleur=SIREN&
secteur=works&annee_min=2023`), so a copied link reproduces the view and the browser's back button
works; `current()` reads the filter set; `Filters.params()` gives the named parameters the marts take
(docs/marts.md).

URL keys (French, short): annee_min, annee_max, dep, epci, type_acheteur, bailleur, secteur, operation
(`acheteur` is the SIREN of the *Fiche acheteur*, dashboard/entities.py).
Reading follows dashboard/urlstate.py: a URL value is the option's code, or its shown label (links
made before the codes, `?dep=59+Nord`, any case or accents), rewritten as the code; a value the URL
changes to (a new link, the back button) wins over the widget's state, otherwise the widget's state
does. A value that names no option (a stale or hand-written link) is said in French (`url_notes()`,
shown by `dashboard.ui.header`) instead of silently showing everything. An old `?acheteur=<buyer
type>` link (before the buyer-type filter became `type_acheteur`) is read as `type_acheteur`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import streamlit as st

from dashboard import db, entities, glossary, urlstate
from dashboard import text as txt
from dashboard.formatting import is_null

ALL = "__all__"
KEYS = {
    "year_from": "annee_min",
    "year_to": "annee_max",
    "departement": "dep",
    "epci": "epci",
    "buyer_type": "type_acheteur",
    "landlord": "bailleur",
    "sector": "secteur",
    "operation": "operation",
}
LABELS = {
    "year_from": "Année de début",
    "year_to": "Année de fin",
    "departement": "Département",
    "epci": "Intercommunalité (EPCI)",
    "buyer_type": "Type d'acheteur",
    "landlord": "Bailleur social",
    "sector": "Secteur",
    "operation": "Opération",
}


@dataclass(frozen=True)
class Filters:
    """The filter set of the current view; None means "all"."""

    year_from: int | None = None
    year_to: int | None = None
    departement: str | None = None
    epci: str | None = None
    buyer_type: str | None = None
    landlord: str | None = None
    sector: str | None = None
    operation: str | None = None

    def params(self, accepted: set[str] | None = None) -> dict:
        """Named parameters for a mart (only those it accepts when `accepted` is given)."""
        out = {k: v for k, v in asdict(self).items() if v is not None}
        if accepted is not None:
            out = {k: v for k, v in out.items() if k in accepted}
        return out

    def active(self) -> dict:
        """The filters that restrict the view (not None)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def describe(self, names: dict[str, dict[str, str]] | None = None) -> str:
        """One French line describing the filter set, e.g. for a report header."""
        names = names or {}
        parts = []
        if self.year_from or self.year_to:
            parts.append(f"années {self.year_from or '…'} à {self.year_to or '…'}")
        for key in ("departement", "epci", "buyer_type", "landlord", "sector", "operation"):
            value = getattr(self, key)
            if value is None:
                continue
            if key == "buyer_type":
                shown = glossary.label("buyer_type", value)
            elif key == "sector":
                shown = glossary.label("sector", value)
            else:
                shown = names.get(key, {}).get(value, value)
            parts.append(f"{LABELS[key].lower()} : {shown}")
        return " ; ".join(parts) if parts else "toute la région, toutes années"


# --- options (from mart_filter_options) -----------------------------------------------------

@st.cache_data(show_spinner=False)
def _all_options(sig: tuple[str, int]) -> dict[str, dict[str, str]]:
    df = db.query("select filter, value, label from mart_filter_options")
    out: dict[str, dict[str, str]] = {}
    for name, value, lab in zip(df["filter"].tolist(), df["value"].tolist(), df["label"].tolist()):
        if is_null(value):
            continue
        lab = None if is_null(lab) else lab
        if name == "buyer_type":
            lab = glossary.label("buyer_type", value)
        elif name == "sector" and (lab is None or lab == value):
            lab = glossary.label("sector", value)
        elif name == "departement":
            lab = f"{value} {lab}" if lab and not str(lab).startswith(str(value)) else (lab or value)
        out.setdefault(name, {})[str(value)] = str(lab if lab is not None else value)
    return out


def options(name: str) -> dict[str, str]:
    """{value: French label} of one filter, in the mart's order (empty when unavailable)."""
    if not db.has("mart_filter_options"):
        return {}
    return dict(_all_options(db.signature()).get(name, {}))


def years() -> list[int]:
    """Years present in the data, ascending."""
    ys = []
    for v in options("year"):
        try:
            ys.append(int(float(v)))
        except ValueError:
            continue
    return sorted(set(ys))


def departements() -> dict[str, str]:
    return options("departement") or dict(glossary.DEPARTEMENT)


def epcis() -> dict[str, str]:
    """EPCI a picker may offer (none to the public: people figures stop at the département). Every
    EPCI of the data, whatever the département chosen: the filters combine with AND, and an EPCI
    may lie in two départements (mart_filter_options holds no EPCI -> département link)."""
    scope = _scope()
    if scope is not None and scope.role == "public":
        return {}
    return options("epci")


def _scope():
    from dashboard import access

    return access.current()


def landlords() -> dict[str, str]:
    """Landlords (organisations, SIREN) a picker may offer: a bailleur's own only (dashboard/access.py)."""
    opts = options("landlord")
    scope = _scope()
    if scope is not None and scope.role == "bailleur":
        return {k: v for k, v in opts.items() if k in scope.landlords}
    return opts


def largest(name: str) -> str | None:
    """The value of a filter with the most rows (a sensible default for a picker)."""
    if not db.has("mart_filter_options"):
        return None
    df = db.query("select filter, value, n_rows from mart_filter_options")
    df = df[df["filter"] == name].sort_values("n_rows", ascending=False)
    allowed = {"landlord": landlords, "operation": operations}.get(name)
    if allowed is not None:  # a default must be one the role may pick
        df = df[df["value"].astype(str).isin(set(allowed()))]
    return None if df.empty else str(df.iloc[0]["value"])


def sectors() -> dict[str, str]:
    return options("sector")


def operations() -> dict[str, str]:
    """Operations a picker may offer: a committee's own operations only, none to the public."""
    opts = options("operation")
    scope = _scope()
    if scope is not None and scope.role == "comite":
        return {k: v for k, v in opts.items() if k in scope.operations}
    if scope is not None and scope.role == "public":
        return {}
    return opts


# --- values from the URL ---------------------------------------------------------------------

_NOTES = "_obs_url_notes"
ALL_LABEL = "Tous"
_FEMININE = {"year_from", "year_to", "epci", "operation"}


def _url_value(key: str) -> str | None:
    try:
        value = st.query_params.get(KEYS[key])
    except Exception:  # noqa: BLE001 - no query string outside a script run
        return None
    return None if value is None else str(value)


def _note(key: str, value: str, why: str) -> None:
    """Remember that the URL value of filter `key` was ignored (until the filter is set)."""
    label = LABELS[key][0].lower() + LABELS[key][1:]
    st.session_state.setdefault(_NOTES, {})[key] = (
        f"Filtre ignoré : {label} « {txt.md(value, limit=80)} » {why} ; "
        "ce filtre de l'adresse de la page n'est pas appliqué.")


def _resolved(key: str) -> None:
    """The filter has a value of its own: forget its ignored URL value."""
    st.session_state.get(_NOTES, {}).pop(key, None)


def _from_url(key: str, raw: str | None, labels: dict, unknown: str):
    """The choice (code) the URL value `raw` of filter `key` names, by code or by label (None when
    absent; noted when it names no choice)."""
    if raw is None:
        return None
    code = urlstate.code_of(raw, labels)
    if code is None:
        _note(key, raw, unknown)
    return code


# query parameters the app reads besides the filters: the demo-mode chooser (dashboard/audience.py),
# the Fiche acheteur's subject and Streamlit's own embedding options
OTHER_URL_KEYS = {"role", "organisme", "comite_operations", "comite_territoires", "embed", "embed_options",
                  "recherche",  # the search box
                  "acheteur"} | urlstate.PAGE_URL_KEYS  # acheteur: the SIREN of the Fiche acheteur
# the committee settings of Sorties and Rapport de comité (dashboard/committee.py)
OTHER_URL_KEYS |= {"perimetre", "code", "moment", "definition", "de", "a"}


def _url_keys() -> dict[str, list[str]]:
    try:
        return {k: [str(v) for v in st.query_params.get_all(k)] for k in st.query_params.keys()}
    except Exception:  # noqa: BLE001 - no query string outside a script run
        return {}


def _url_shape_notes() -> list[str]:
    """Notes for URL parameters that no filter reads, and for a filter given several times."""
    known = set(KEYS.values()) | OTHER_URL_KEYS
    notes = []
    params = _url_keys()
    for key in sorted(k for k in params if k not in known):
        notes.append(f"Paramètre d'adresse ignoré : « {txt.md(key, limit=40)} » n'est pas un filtre du tableau "
                     "de bord (filtres reconnus : " + ", ".join(KEYS.values()) + ").")
    for name, key in KEYS.items():
        values = params.get(key, [])
        if len(values) > 1:
            label = LABELS[name][0].lower() + LABELS[name][1:]
            notes.append(f"Filtre {label} donné {len(values)} fois dans l'adresse : seule la dernière valeur "
                         f"(« {txt.md(values[-1], limit=80)} ») est appliquée, les autres sont ignorées "
                         "(une seule valeur par filtre).")
    return notes


_SHAPE = "_obs_url_shape_notes"


def url_notes() -> list[str]:
    """French messages (Markdown, values escaped) for the URL filter values ignored in this session,
    the URL parameters no filter reads and the filters given several times in the URL (as the URL
    was before the sidebar rewrote it with codes)."""
    shape = st.session_state.pop(_SHAPE, None)
    return list(st.session_state.get(_NOTES, {}).values()) + (_url_shape_notes() if shape is None else shape)


# --- widgets --------------------------------------------------------------------------------

_UNSET = object()


def _bound(key: str, choices: list, labels: dict, default, unknown: str, *, help: str | None = None):
    """A sidebar selectbox of `choices` (shown by `labels`) bound to `?KEYS[key]=code`: it starts on
    the value a new URL names, then writes its code back (removed from the URL at `default`)."""
    url_key = KEYS[key]
    raw = _url_value(key)
    if st.session_state.get(url_key, _UNSET) not in choices or urlstate.is_fresh(url_key, raw):
        code = _from_url(key, raw, labels, unknown)
        st.session_state[url_key] = default if code is None else code
        urlstate.remember(url_key, raw)
    value = st.selectbox(LABELS[key], choices, key=url_key, format_func=lambda c: labels.get(c, str(c)), help=help)
    urlstate.write(url_key, None if value == default else value)
    # chosen, or named by the URL (a bailleur's own landlord, which has no "Tous"): nothing ignored
    if value != default or (raw is not None and urlstate.code_of(raw, labels) == value):
        _resolved(key)
    return value


def _select(key: str, options: dict[str, str], *, help: str | None = None, allow_all: bool = True):
    # labels made unique (a label names one option: old links name options by their label)
    seen: dict[str, int] = {}
    for lab in options.values():
        seen[lab] = seen.get(lab, 0) + 1
    options = {c: (f"{lab} ({c})" if seen[lab] > 1 else lab) for c, lab in options.items()}
    unknown = "inconnue" if key in _FEMININE else "inconnu"
    if not options:
        raw = _url_value(key)
        if raw is not None and raw != ALL_LABEL:
            _note(key, raw, f"{unknown} (aucune valeur de ce filtre dans la base)")
        return None
    choices = ([ALL] if allow_all else []) + list(options)
    labels = {ALL: ALL_LABEL, **options} if allow_all else options
    value = _bound(key, choices, labels, choices[0], unknown, help=help)
    return None if value in (None, ALL) else value


_LEGACY_BUYER_TYPE = "_obs_legacy_buyer_type"


def _legacy_buyer_type(options: dict[str, str]) -> None:
    """`?acheteur=<buyer type>` (a link from before the buyer-type filter became `type_acheteur`, when
    `acheteur` was that filter): read as `?type_acheteur=<code>`. A SIREN or SIRET is the *Fiche
    acheteur*'s subject and is left alone, as is a link that also gives `type_acheteur`."""
    raw = urlstate.url_value(entities.BUYER_PARAM)
    if raw is None or entities.siren(raw) is not None or _url_value("buyer_type") is not None:
        return
    code = urlstate.code_of(raw, {**options, **glossary.BUYER_TYPE})
    if code is None or code not in options:
        return
    try:
        del st.query_params[entities.BUYER_PARAM]
        st.query_params[KEYS["buyer_type"]] = code
    except Exception:  # noqa: BLE001 - no query string outside a script run
        return
    st.session_state[_LEGACY_BUYER_TYPE] = code


def sidebar(where=None) -> Filters:
    """Draw the filters in the sidebar (or the sidebar container `where`) and return the filter set."""
    sb = where if where is not None else st.sidebar
    st.session_state[_SHAPE] = _url_shape_notes()  # the URL as it came, before its values become codes
    with sb:
        st.markdown("**Filtres**")
        ys = years()
        year_from = year_to = None
        if ys:
            lo, hi = min(ys), max(ys)
            labels = {y: str(y) for y in ys}
            c1, c2 = st.columns(2)
            with c1:
                year_from = _bound("year_from", ys, labels, lo, f"absente des données ({lo} à {hi})")
            with c2:
                year_to = _bound("year_to", ys, labels, hi, f"absente des données ({lo} à {hi})")
            if year_from is not None and year_to is not None and year_from > year_to:
                st.warning("L'année de début est postérieure à l'année de fin : elles sont inversées.")
                year_from, year_to = year_to, year_from
            year_from = None if year_from == lo else year_from
            year_to = None if year_to == hi else year_to
        scope = _scope()
        role = scope.role if scope is not None else "observatoire"
        dep = _select("departement", departements())
        # the public sees people figures at region and département level only: no finer filter
        epci = None if role == "public" else _select("epci", epcis())
        buyer_types = options("buyer_type") or dict(glossary.BUYER_TYPE)
        _legacy_buyer_type(buyer_types)
        buyer_type = _select("buyer_type", buyer_types)
        if buyer_type is not None and st.session_state.get(_LEGACY_BUYER_TYPE) == buyer_type:
            st.caption("Lien ancien : « acheteur » y désignait le type d'acheteur, lu comme tel.")
        else:
            st.session_state.pop(_LEGACY_BUYER_TYPE, None)
        landlord = None
        if role == "bailleur":  # always one of its own establishments, never "Tous"
            landlord = _select("landlord", landlords(), allow_all=False,
                               help="Votre organisme : les indicateurs couvrent tous ses établissements (SIRET de ce SIREN).")
            from dashboard import audience

            audience.set_landlord(landlord)
        elif role != "public":
            landlord = _select("landlord", landlords(),
                               help="Les indicateurs se limitent aux marchés et aux heures de ce bailleur.")
        sector = _select("sector", sectors())
        operation = None if role == "public" else _select("operation", operations())
        if role == "public":
            st.caption("Filtres par intercommunalité, bailleur et opération : réservés aux personnes connectées.")
            for key in ("epci", "landlord", "operation"):
                value = _url_value(key)
                if value is not None and value != ALL_LABEL:
                    _note(key, value, "n'est pas accessible à la vue publique (chiffres sur les personnes "
                                      "publiés par région et département seulement)")
        f = Filters(year_from, year_to, dep, epci, buyer_type, landlord, sector, operation)
        if f.active():
            st.button("Effacer les filtres", on_click=clear, width="stretch")
    st.session_state["_obs_filters"] = f
    return f


def clear() -> None:
    """Reset every filter to "all" (callback of the clear button)."""
    st.session_state.pop(_NOTES, None)
    ys = years()
    scope = _scope()
    for name, key in KEYS.items():
        if name == "landlord" and scope is not None and scope.role == "bailleur":
            continue  # a bailleur always looks at one of its own establishments
        if name == "year_from":
            st.session_state[key] = ys[0] if ys else None
        elif name == "year_to":
            st.session_state[key] = ys[-1] if ys else None
        else:
            st.session_state[key] = ALL


def current() -> Filters:
    """The filter set drawn in the sidebar during this run (empty when not drawn)."""
    return st.session_state.get("_obs_filters", Filters())


def names() -> dict[str, dict[str, str]]:
    """Labels of the ids used by filters (for report headers)."""
    return {
        "departement": departements(),
        "landlord": landlords(),
        "operation": operations(),
        "epci": epcis(),
    }
