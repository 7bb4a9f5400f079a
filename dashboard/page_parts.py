"""Blocks several pages share: the opening of a page, the total row of a people mart that a page
stops on, a row of KPI tiles read from one mart row, a mart block with its empty state, and the
"Ventiler par" choice of a breakdown page. Each used to be re-typed page by page (issue 13)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import access, breakdowns, db, filters, policy, ui, urlstate
from dashboard.tables import cell


def open_page(title: str, intro: str | None = None) -> dict[str, str]:
    """Hand over to app.py when Streamlit runs the page file alone, then the page's header;
    returns build_info."""
    ui.route_through_app()
    return ui.header(title, intro)


def mart_page(title: str, intro: str, *marts: str) -> filters.Filters:
    """A page reading `marts` with the sidebar's filters: header, the filters, a stop when a mart is
    missing, the filters without effect on the first mart. Returns the filters."""
    open_page(title, intro)
    f = filters.current()
    if not ui.need(*marts):
        st.stop()
    ui.ignored_filters_note(marts[0], f)
    return f


def total_or_stop(frame: pd.DataFrame, nobody: str) -> pd.Series:
    """The total row of a people mart's answer; the page stops with an empty state when there is
    none or when it counts nobody (`nobody`: why), and says why figures are masked when they are."""
    _, total = breakdowns.split(frame)
    if total is None:
        ui.empty()
        st.stop()
    if ui.no_people(total):
        ui.empty(nobody)
        st.stop()
    ui.people_scope_note(total)
    return total


@dataclass(frozen=True)
class Tile:
    """A KPI tile: `column` of the row formatted as `kind` (tables.cell), or `value` as given."""
    label: str
    column: str | None = None
    kind: str = "int"
    help: str | None = None
    caption: str | None = None
    value: str | None = None


def tiles(row, specs: list[Tile], n_columns: int | None = None) -> None:
    """One row of KPI tiles, one column each (`n_columns` to leave room on the right)."""
    for column, t in zip(st.columns(n_columns or len(specs)), specs):
        with column:
            ui.kpi(t.label, t.value if t.value is not None else cell(row, t.column, t.kind), help=t.help)
            if t.caption:
                st.caption(t.caption)


def mart_rows(mart: str, *, empty: str | None = None, success: str | None = None,
              **params) -> pd.DataFrame | None:
    """The rows of a mart for one block, or None when the mart is missing (said) or has no row:
    then `success` is shown as good news, else `empty` as an empty state (nothing when neither)."""
    if not ui.need(mart):
        return None
    rows = db.mart(mart, **params)
    if not rows.empty:
        return rows
    if success:
        st.success(success)
    elif empty:
        ui.empty(empty)
    return None


def fragment(func):
    """`st.fragment` for a page block whose own widgets rerun it alone, read with the run's access scope.

    A fragment rerun runs the block only, not app.py, which decides the visitor's scope on each full
    run (audience.setup -> access.set_current): without it every mart of the block would be read as
    the public's (dashboard/policy.py), or with no scope at all. The scope of the full run that drew
    the block, decided on the server, is passed to the fragment as its first argument, which
    Streamlit keeps for the fragment's own reruns. A mart refused to the visitor's role
    (`policy.Denied`) is said in the block, as app.py says it for a whole page (an exception does
    not leave a fragment)."""
    @st.fragment
    @functools.wraps(func)
    def scoped(scope, *args, **kwargs):
        previous = access.set_current(scope)
        try:
            return func(*args, **kwargs)
        except policy.Denied as exc:
            st.warning(exc.message, icon=":material/lock:")
        finally:
            access.set_current(previous)

    @functools.wraps(func)
    def call(*args, **kwargs):
        return scoped(access.current(), *args, **kwargs)

    return call


@fragment
def breakdown(dims: dict[str, str], key: str, fetch, draw, default: str | None = None) -> None:
    """The "Ventiler par" block of a breakdown page, as a fragment: changing the dimension reruns
    this block only (the sidebar's filters still rerun the page). The selectbox is bound to
    `?ventilation=` (dashboard/urlstate.py); `fetch(dimension)` reads the mart, `draw(dimension,
    raw, rows, total_row)` shows the rows (`breakdowns.split` of `raw`), an empty state when none."""
    dim = urlstate.choice(st.selectbox, "Ventiler par", dims, key=key, url_key="ventilation",
                          default=default, width=360)
    raw = fetch(dim)
    rows, total_row = breakdowns.split(raw)
    if rows.empty:
        ui.empty()
    else:
        draw(dim, raw, rows, total_row)


def table_name(prefix: str, dims: dict[str, str], dim: str, *tail) -> str:
    """The export name of a breakdown: `prefix-<dimension's French name>[-tail...]`."""
    return "-".join([prefix, ui.slug(dims[dim]), *filter(None, tail)])


def additivity_note(raw: pd.DataFrame) -> str:
    """" " + the non-additive note when the breakdown's rows do not add up to its total, else ""."""
    return "" if breakdowns.is_additive(raw) else " " + breakdowns.NON_ADDITIVE_NOTE
