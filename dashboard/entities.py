"""Links to the entity pages: *Fiche acheteur* (`/acheteur?acheteur=SIREN`) and *Fiche opération*
(`/operation?operation=CODE`).

A buyer is an organisation (SIREN, docs/data_model.md): a SIRET given in a link designates its
organisation. `link_column(df)` gives, for a mart's rows naming buyers or operations (a breakdown
by `buyer` / `landlord` / `operation`, or rows with `buyer_siren` / `operation_id` / `buyer_siret`), the URL of
each row's fiche, shown by `dashboard.ui.table` as a link column.

The subject of a fiche comes from its URL parameter: `acheteur` is read by the fiche itself; the
`operation` parameter is the sidebar's operation filter (bound to the URL by its label), so
`operation_code_to_label()` (called by app.py before the filters are drawn) sets that filter to the
operation of a code, and the fiche opération shows the operation of the filter.
"""
from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

BUYER_PAGE, OPERATION_PAGE = "acheteur", "operation"
BUYER_PARAM, OPERATION_PARAM = "acheteur", "operation"

BUYER_DIMENSIONS = {"buyer", "landlord", "last_buyer"}
OPERATION_DIMENSIONS = {"operation", "last_operation"}


def siren(value) -> str | None:
    """The organisation a buyer identifier designates: a SIRET's first 9 digits; None when not one."""
    if value is None:
        return None
    v = str(value).strip().replace(" ", "")
    if len(v) == 14 and v.isdigit():
        return v[:9]
    if len(v) == 9 and v.isdigit():
        return v
    return None


def buyer_url(value) -> str | None:
    s = siren(value)
    return f"{BUYER_PAGE}?{BUYER_PARAM}={s}" if s else None


def operation_url(code) -> str | None:
    if code is None or (isinstance(code, float) and pd.isna(code)) or str(code) in ("", "unknown", "total"):
        return None
    return f"{OPERATION_PAGE}?{OPERATION_PARAM}={quote(str(code), safe='')}"


def link_column(df: pd.DataFrame) -> pd.Series | None:
    """URL of the fiche each row names (None for rows naming none), or None when the rows name no
    buyer nor operation."""
    if df is None or df.empty:
        return None
    from dashboard import access, audience

    if not audience.may_open(OPERATION_PAGE, access.current()):
        df = df[[c for c in df.columns if c != "operation_id"]]
        if "dimension" in df.columns:
            df = df.assign(dimension=df["dimension"].where(~df["dimension"].isin(OPERATION_DIMENSIONS)))
    if "dimension" in df.columns and "value" in df.columns:
        dims = set(df["dimension"].dropna().astype(str))
        if dims & BUYER_DIMENSIONS:
            return pd.Series([buyer_url(v) if d in BUYER_DIMENSIONS else None
                              for d, v in zip(df["dimension"], df["value"])], index=df.index)
        if dims & OPERATION_DIMENSIONS:
            return pd.Series([operation_url(v) if d in OPERATION_DIMENSIONS else None
                              for d, v in zip(df["dimension"], df["value"])], index=df.index)
        return None
    if "buyer_siren" in df.columns:
        return df["buyer_siren"].map(buyer_url)
    if "operation_id" in df.columns:
        return df["operation_id"].map(operation_url)
    if "buyer_siret" in df.columns:  # a contract's establishment: its organisation's fiche
        return df["buyer_siret"].map(buyer_url)
    return None


def link_config(label: str = "Fiche") -> st.column_config.LinkColumn:
    return st.column_config.LinkColumn(label, display_text="Ouvrir la fiche",
                                       help="La fiche de cet acheteur ou de cette opération")


def operation_code_to_label(page=None) -> None:
    """`?operation=CODE` (the fiche's link) becomes the label the sidebar's operation filter is
    bound to, before the filters are drawn (app.py): the filter, and so the fiche, get that operation
    instead of dropping the code, and the address bar keeps it.

    On the first run of a session Streamlit seeds a bound widget from the URL it was opened with: a
    code is not one of the widget's labels, so Streamlit would drop it from the address bar (a copied
    link would lose the operation). `page` given (app.py's current page): the run starts again on
    that page with the URL naming the operation by its label, which the widget then reads."""
    try:
        value = st.query_params.get(OPERATION_PARAM)
    except Exception:  # noqa: BLE001 - no query string outside a script run
        return
    if not value:
        return
    from dashboard import filters

    labels = filters.operations()
    if value in labels and value not in labels.values():
        # the label as the widget shows it (made unique with the code, as dashboard.filters._select does)
        label = labels[value]
        if sum(lab == label for lab in labels.values()) > 1:
            label = f"{label} ({value})"
        key = filters.KEYS["operation"]
        if page is not None and key not in st.session_state:  # the widget not drawn yet: first run
            params = {k: st.query_params.get_all(k)[-1] for k in st.query_params.keys()}
            st.switch_page(page, query_params={**params, OPERATION_PARAM: label})
        # the widget already drawn in this session: it starts on that operation
        st.session_state[key] = value


def buyer_subject() -> str | None:
    """The SIREN of `?acheteur=` (a SIRET designates its organisation; None when absent or not one)."""
    try:
        value = st.query_params.get(BUYER_PARAM)
    except Exception:  # noqa: BLE001
        return None
    return siren(value)


def set_buyer_subject(value: str | None) -> None:
    """The buyer chosen on the fiche: into the URL (a copied link reopens it)."""
    if value and st.query_params.get(BUYER_PARAM) != value:
        st.query_params[BUYER_PARAM] = value
