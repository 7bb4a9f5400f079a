"""Bounds on what a message cites: the names it lists and its total length (`ingest_log.message`)."""
from __future__ import annotations

MESSAGE_MAX_CHARS = 4000   # an ingest_log message longer than this is cut (the page shows it whole)
CITE_MAX_NAMES = 10        # a message lists at most this many names, then "… et N autres"


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def cite(names, limit: int = CITE_MAX_NAMES, *, quote: bool = True, max_chars: int = 80) -> str:
    """The first `limit` names, comma-separated (each in « », each cut at `max_chars` characters),
    then "… et N autres" when there are more."""
    names = list(names)
    shown = []
    for n in names[:limit]:
        t = str(n)
        if len(t) > max_chars:
            t = t[:max_chars] + "…"
        shown.append(f"« {t} »" if quote else t)
    text = ", ".join(shown)
    more = len(names) - len(shown)
    if more > 0:
        text += f" … et {_fmt_int(more)} autre{'s' if more > 1 else ''}"
    return text


def bound_message(message: str | None, limit: int = MESSAGE_MAX_CHARS) -> str | None:
    """The text, cut to `limit` characters with its full size said (`… (1 289 773 caractères au total)`)."""
    if message is None or len(message) <= limit:
        return message
    return message[:limit].rstrip() + f"… ({_fmt_int(len(message))} caractères au total)"
