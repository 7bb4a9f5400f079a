"""Text normalisation shared by header matching and label matching (accents, case, spacing)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9+<>]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@lru_cache(maxsize=20000)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by one space: accents, case, punctuation and spacing removed.

    `+`, `<` and `>` are kept (they carry meaning in labels such as `50 ans +`, `< 26 ans`).
    """
    text = _CAMEL.sub(" ", str(text))
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("≥", ">=")
    text = text.replace("≤", "<=").replace("’", "'").replace("°", " ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _NON_ALNUM.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return " ".join(text.split())


def without_brackets(text: str) -> str:
    """The text with its parenthesised or bracketed parts removed (`Heures (h)` -> `Heures`)."""
    return _PAREN.sub(" ", str(text))
