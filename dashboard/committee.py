"""The committee's settings in the URL (Sorties, Rapport de comité): perimeter, moment and
definition are written as codes (`?perimetre=operation&code=NPNRU-59599-095&moment=6m&definition=strict`),
read back when the page opens, and put in the export file names.

URL keys: perimetre (operation, epci, departement, region, filters), code (the operation code,
EPCI SIREN or département code), moment (end, 6m), definition (broad, strict), de / a (years of
the report). A label instead of a code (old links) is read as its code; a value that is not one
of the choices is ignored with a French note.
"""
from __future__ import annotations

import streamlit as st

from dashboard import text as txt

URL_KEYS = ("perimetre", "code", "moment", "definition", "de", "a")
_NOTES = "_obs_committee_notes"


def url(key: str) -> str | None:
    try:
        v = st.query_params.get(key)
    except Exception:  # noqa: BLE001 - no query string outside a script run
        return None
    return None if v is None or v == "" else str(v)


def seed(widget_key: str, url_key: str, choices, label: str, convert=str) -> None:
    """Before the widget is drawn for the first time: take its value from the URL when it is one
    of `choices` (a note otherwise)."""
    if widget_key in st.session_state:
        return
    raw = url(url_key)
    if raw is None:
        return
    try:
        value = convert(raw)
    except ValueError:
        value = None
    if value not in list(choices) and isinstance(choices, dict):
        from dashboard import urlstate

        value = urlstate.code_of(raw, choices)      # an old link with the label ("6 mois après")
    if value in list(choices):
        st.session_state[widget_key] = value
    else:
        st.session_state.setdefault(_NOTES, {})[url_key] = (
            f"Paramètre d'adresse ignoré : {label} « {txt.md(raw, limit=60)} » n'est pas une valeur possible "
            f"(attendu : {txt.md(', '.join(map(str, list(choices)[:8])), limit=200)}"
            f"{'…' if len(list(choices)) > 8 else ''}).")


def notes() -> list[str]:
    return list(st.session_state.get(_NOTES, {}).values())


def write(**values) -> None:
    """Mirror the chosen settings in the URL (codes); None removes a key."""
    for key, value in values.items():
        try:
            if value is None:
                if key in st.query_params:
                    del st.query_params[key]
            elif st.query_params.get(key) != str(value):
                st.query_params[key] = str(value)
        except Exception:  # noqa: BLE001 - no query string outside a script run
            return


def file_name(page: str, *parts, ext: str, when=None) -> str:
    """`rapport-comite-operation-npnru-59599-095-6m-strict-2026-12-01.pdf`."""
    import datetime as dt

    from dashboard.ui import slug

    when = when or dt.date.today()
    bits = [slug(str(p)) for p in (page, *parts) if p not in (None, "")]
    return "-".join(bits + [when.isoformat()]) + f".{ext}"


def unique_labels(options: dict[str, str]) -> dict[str, str]:
    """Picker labels with the code added to a label that several codes share (Streamlit tells the
    options of a selectbox apart by their shown label)."""
    seen: dict[str, int] = {}
    for lab in options.values():
        seen[lab] = seen.get(lab, 0) + 1
    return {c: (f"{lab} ({c})" if seen[lab] > 1 else lab) for c, lab in options.items()}
