"""A page's own settings in the URL, by code: a copied link reproduces the view.

`choice(st.segmented_control, "Mesure", {"count": "En nombre", ...}, key="mc_basis", url_key="mesure",
default="count", required=True)` draws the widget with the value the URL names (`?mesure=amount`),
then writes the chosen code back to the URL. A URL naming the option by its French label (an old
link, a hand-written one: `?mesure=En+montant`, any case or accents) opens the same view; an unknown
value is said under the widget and the default is used. `text()` does the same for a free text.

The URL wins when it changes (a link to the same page with other settings); otherwise the widget's
own state does. URL keys (French, short) are listed in PAGE_URL_KEYS so that
`dashboard.filters.url_notes` does not call them unknown. The sidebar filters (dashboard/filters.py)
use the same reading (`code_of`), freshness (`is_fresh`, `remember`) and writing (`write`).
"""
from __future__ import annotations


import streamlit as st

from dashboard import text as txt
from pipelines.text import fold

PAGE_URL_KEYS = frozenset({
    "consideration", "mesure", "ventilation", "statut", "recherche_marche",  # Marchés clausés (+ others)
    "echelle", "indicateur",  # Territoires
    # Sorties' committee settings (perimetre, code, moment, definition) are dashboard/committee.py's
})
_SEEN = "_obs_url_seen"


def _url_key(value) -> str:
    """The shared folding (pipelines.text.fold), `+` read as the space a URL may have made of it."""
    return fold(str(value).replace("+", " "))


def url_value(url_key: str) -> str | None:
    try:
        value = st.query_params.get(url_key)
    except Exception:  # noqa: BLE001 - outside a script run
        return None
    return None if value is None else str(value)


def code_of(raw: str | None, options: dict) -> object | None:
    """The option (code) a URL value names: its code, else its label (case and accents ignored)."""
    if raw is None:
        return None
    by_code = {str(code): code for code in options}
    if raw in by_code:
        return by_code[raw]
    by_label = {_url_key(label): code for code, label in options.items()}
    if _url_key(raw) in by_label:
        return by_label[_url_key(raw)]
    folded = {_url_key(code): code for code in options}
    return folded.get(_url_key(raw))


def write(url_key: str, value) -> None:
    """Put `value` (a code) into the URL under `url_key` (removed when None or empty)."""
    try:
        if value is None or value == "":
            if url_key in st.query_params:
                del st.query_params[url_key]
        elif st.query_params.get(url_key) != str(value):
            st.query_params[url_key] = str(value)
        st.session_state.setdefault(_SEEN, {})[url_key] = url_value(url_key)
    except Exception:  # noqa: BLE001 - outside a script run
        pass


def is_fresh(url_key: str, raw: str | None) -> bool:
    """The URL names a value this session has not written or read yet (a new link)."""
    return raw is not None and raw != st.session_state.get(_SEEN, {}).get(url_key)


def remember(url_key: str, raw: str | None) -> None:
    """This session has read the URL value `raw` of `url_key`: it is no longer a new link."""
    st.session_state.setdefault(_SEEN, {})[url_key] = raw


def choice(widget, label: str, options, *, key: str, url_key: str, default=None, **kwargs):
    """Draw `widget` (st.selectbox, st.segmented_control, st.radio) with the options `options`
    ({code: French label} or a list of codes shown as they are), bound to `?url_key=code`."""
    options = dict(options) if isinstance(options, dict) else {o: str(o) for o in options}
    if not options:  # drawn empty, as before: the visitor sees there is nothing to pick
        st.session_state.pop(key, None)
        return widget(label, [], key=key, **kwargs)
    raw = url_value(url_key)
    if key not in st.session_state or is_fresh(url_key, raw) or st.session_state.get(key) not in options:
        code = code_of(raw, options)
        if raw is not None and code is None:
            st.caption(f"Réglage de l'adresse ignoré : « {txt.md(raw, limit=80)} » n'est pas une valeur de "
                       f"« {txt.md(label)} » ; la valeur par défaut est affichée.")
        if code is None:
            code = default if default in options else next(iter(options))
        st.session_state[key] = code
        remember(url_key, raw)
    value = widget(label, list(options), format_func=lambda c: options.get(c, str(c)), key=key, **kwargs)
    write(url_key, value)
    return value


def text(label: str, *, key: str, url_key: str, **kwargs) -> str:
    """st.text_input bound to `?url_key=text` (removed from the URL when empty)."""
    raw = url_value(url_key)
    if key not in st.session_state or is_fresh(url_key, raw):
        limit = kwargs.get("max_chars")
        st.session_state[key] = (raw or "")[:limit] if limit else (raw or "")
        remember(url_key, raw)
    value = st.text_input(label, key=key, **kwargs)
    write(url_key, (value or "").strip() or None)
    return value or ""
