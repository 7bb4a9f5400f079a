"""What of a clause-execution record may be stored outside its own row, and personal data found in
the values of accepted columns.

- `PERSONAL_FIELDS`: the fields of an execution line that describe the person (who they are, their
  situation, their job on the line). A rejected line is kept in `rejects` as file, record number,
  field and reason only: the value read is stored (`rejects.raw`) and quoted in the reason only for
  the other fields (operation, buyer, contract, lot, amounts, planned hours, company).
- `personal_kind(value)`: whether a cell looks like an email address, a French phone number or a
  social-security number (NIR, with its key checked); such a value is never stored, it is replaced
  by `MARKER` and counted in the file's log.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipelines import codes

MARKER = "[donnée personnelle retirée]"

# the `reject_field` codes flagged `personal` in data/reference/codes.csv (also read by the SQL)
PERSONAL_FIELDS = frozenset(codes.codes("reject_field", flag="personal"))

EMAIL = "courriel"
PHONE = "téléphone"
NIR = "numéro de sécurité sociale"

# local part and domain in any script (« zoé.martin@… » is withheld whole, not from « .martin »)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# +33 / 0033 / 0 then 9 digits, in pairs with one consistent separator (or none)
_PHONE_INTL = re.compile(r"(?<![\d+])(?:\+|00)33[ .\-]?(?:\(0\))?[ .\-]?[1-9](?:[ .\-]?\d{2}){4}(?!\d)")
_PHONE_SEP = re.compile(r"(?<![\d.\-])0[1-9](?P<sep>[ .\-])\d{2}(?:(?P=sep)\d{2}){3}(?![\d])")
_PHONE_BARE = re.compile(r"(?<![\d])0[1-9]\d{8}(?![\d])")
# sex digit, year, month, département (2A/2B for Corsica), commune, order number, key
_NIR = re.compile(r"(?<![\dA-Za-z])([1-478])[ .\-]?(\d{2})[ .\-]?(\d{2})[ .\-]?(\d{2}|2[ABab])[ .\-]?(\d{3})"
                  r"[ .\-]?(\d{3})[ .\-]?(\d{2})(?![\d])")


def _nir_key_ok(m: re.Match) -> bool:
    sex, year, month, dep, commune, order, key = m.groups()
    dep = dep.upper()
    if dep == "2A":
        dep = "19"
    elif dep == "2B":
        dep = "18"
    number = int(sex + year + month + dep + commune + order)
    return 97 - number % 97 == int(key)


def _plain(s: str) -> str:
    """NFKC form: no-break and narrow no-break spaces (French typography, Word and Excel copies)
    become spaces, full-width digits and « ＠ » their ASCII forms, so that they are matched too."""
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


def _find(s: str, identifier: bool) -> str | None:
    s = _plain(s)
    if "@" in s and _EMAIL.search(s):
        return EMAIL
    if sum(c.isdigit() for c in s) < 9:
        return None
    for m in _NIR.finditer(s):
        if _nir_key_ok(m):
            return NIR
    if _PHONE_INTL.search(s) or _PHONE_SEP.search(s):
        return PHONE
    # ten bare digits starting with 0 are a phone in free text; in an identifier column (contract,
    # operation, lot, SIRET) they may be the identifier itself
    if not identifier and _PHONE_BARE.search(s):
        return PHONE
    return None


@lru_cache(maxsize=50000)
def personal_kind(value: str, identifier: bool = False) -> str | None:
    """`courriel`, `téléphone` or `numéro de sécurité sociale` when the text contains one, else None.

    Not matched: SIRET (14 digits) and SIREN, postcodes and INSEE codes, dates, amounts, contract
    ids; a 15-digit number is a NIR only when its key checks (97 - the first 13 digits mod 97).
    `identifier=True` (id columns): a bare 10-digit number starting with 0 is not taken for a phone.
    """
    if not value:
        return None
    return _find(value, identifier)


def redact(text: str | None) -> str | None:
    """The text with every email, phone number or NIR in it replaced by MARKER (for messages)."""
    if not text:
        return text
    if personal_kind(text) is None:
        return text
    out = _plain(text)
    out = _EMAIL.sub(MARKER, out)
    out = _NIR.sub(lambda m: MARKER if _nir_key_ok(m) else m.group(0), out)
    out = _PHONE_INTL.sub(MARKER, out)
    out = _PHONE_SEP.sub(MARKER, out)
    out = _PHONE_BARE.sub(MARKER, out)
    return out
