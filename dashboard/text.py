"""Text from files shown as text, never as markup.

Buyer, operation and contract names, target labels, file names, reject reasons and header cells of
a refused file come from the files users load (and URL values from whoever wrote the link). Two
renderers would read markup in them:

- Streamlit's Markdown widgets (st.markdown, st.caption, st.info/warning/error, metric labels...):
  links, images fetched from another host, `:red[colours]`, `:material/icons:`, `$LaTeX$`, HTML
  entities. `md(value)` backslash-escapes what starts such markup (CommonMark: any ASCII
  punctuation may be escaped and shows as itself), puts an invisible word joiner in `://`, `www.`
  and `@` (GFM turns them into links after the escapes are read), joins lines, and may cut a long
  value.
- Plotly's pseudo-HTML in tick labels, legends, hovers, titles and annotations (`<a href>`, `<b>`,
  `<br>`, `<span style>`). `plot(value)` escapes `&`, `<` and `>` (Plotly shows the entities as the
  characters). `safe_figure(fig)` applies it to every label of a figure; `dashboard.ui.chart` calls
  it, so a page passes raw labels and never puts data text in a `hovertemplate` (use `text` or
  `customdata` and `%{text}`).

st.dataframe cells, selectbox options (`format_func`) and download file names are plain text in
Streamlit 1.67 and need nothing; the committee report escapes its HTML itself (dashboard/report.py).
"""
from __future__ import annotations

import html
import re

from dashboard.formatting import MISSING, is_null

# Escaped everywhere: code spans, emphasis, strikethrough, links and images, autolinks and HTML,
# entities, LaTeX, headings, table cells, email autolinks.
_MD_ALWAYS = re.compile(r"([\\`*_~\[\]<>&$#|@])")
# A colon followed by a non-space starts a directive (`:red[`), an icon or emoji (`:material/x:`)
# or a URL scheme (`http:`); "valeur : x" stays as it is.
_MD_COLON = re.compile(r":(?=\S)")
# GFM autolink literals (`http://x`, `www.x`, `a@b.fr`) are found in the parsed text, after the
# escapes are resolved: an invisible word joiner (U+2060) breaks them instead.
JOINER = "\u2060"
_MD_SCHEME = re.compile(r"\\:(?=//)")
_MD_WWW = re.compile(r"(?i)\b(www)(?=\.)")
_MD_AT = re.compile(r"\\@")
# Block markers that only count at the start of the text: list items, ordered lists.
_MD_LEADING = re.compile(r"^([+\-])|^(\d+)([.)])")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value, limit: int | None) -> str:
    text = _SPACES.sub(" ", _CONTROL.sub("", str(value))).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def md(value, *, limit: int | None = None, missing: str = MISSING) -> str:
    """`value` as literal text inside Streamlit Markdown (one line; cut to `limit` characters)."""
    if is_null(value):
        return missing
    text = _clean(value, limit)
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_COLON.sub(r"\\:", text)
    text = _MD_SCHEME.sub("\\\\:" + JOINER, text)
    text = _MD_WWW.sub(r"\1" + JOINER, text)
    text = _MD_AT.sub("\\\\@" + JOINER, text)
    text = _MD_LEADING.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)
    return text


def plot(value):
    """A Plotly label shown as text: `&`, `<`, `>` as entities. Non-strings are returned unchanged."""
    if not isinstance(value, str):
        return value
    return html.escape(value, quote=False)


def _plot_all(values):
    """Escape the strings of a (possibly nested) sequence, keeping numbers and dates."""
    if values is None or isinstance(values, (int, float, bool)):
        return values
    if isinstance(values, str):
        return plot(values)
    if hasattr(values, "tolist"):  # numpy arrays, pandas Series
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        if not any(isinstance(v, (str, list, tuple)) or hasattr(v, "tolist") for v in values):
            return values
        return [_plot_all(v) for v in values]
    return values


# Trace attributes that carry text shown on the chart (not `locations`: geojson ids; not the
# templates: they hold the page's own markup).
_TRACE_TEXT = ("x", "y", "text", "hovertext", "name", "labels", "customdata", "legendgroup")


def _escape_title(obj) -> None:
    title = getattr(obj, "title", None)
    if title is not None and getattr(title, "text", None) is not None:
        title.text = plot(title.text)


def safe_figure(fig):
    """Escape every label of a Plotly figure in place (call once, just before drawing); returns it."""
    for trace in fig.data:
        for attr in _TRACE_TEXT:
            if attr in trace and trace[attr] is not None:
                trace[attr] = _plot_all(trace[attr])
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None:
            _escape_title(colorbar)
        marker = getattr(trace, "marker", None)
        if marker is not None and getattr(marker, "colorbar", None) is not None:
            _escape_title(marker.colorbar)
    layout = fig.layout
    _escape_title(layout)
    if layout.legend is not None:
        _escape_title(layout.legend)
    for name in [k for k in layout.to_plotly_json() if re.fullmatch(r"[xy]axis\d*", k)]:
        axis = layout[name]
        _escape_title(axis)
        if axis.ticktext is not None:
            axis.ticktext = _plot_all(axis.ticktext)
    for ann in layout.annotations or ():
        if ann.text is not None:
            ann.text = plot(ann.text)
    return fig
