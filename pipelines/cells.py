"""Parsing of the cells of the tabular inputs (clause-execution exports, targets file): numbers with
decimal commas, French and ISO dates, yes/no, identifiers. Shared by every tabular reader; the
vocabulary of coded fields (French labels -> codes) is pipelines/clauses/values.py.

Parsers return a value or raise `BadValue` with a French reason; an empty cell is None.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from pipelines.text import fold, identifier, key_text, siret_shape_ok


class BadValue(ValueError):
    """A cell that cannot be read as what its column expects (message in French).

    `str(e)` may quote the value read; `e.bare` says the same without the value, for fields about a
    person whose values are never written to `rejects` (pipelines/clauses/privacy.py).
    """

    def __init__(self, message: str, bare: str | None = None):
        super().__init__(message)
        self.bare = bare or message


EMPTY = {"", "nc", "nr", "non renseigne", "non renseignee", "inconnu", "inconnue", "ne sait pas",
         "na", "n a", "nan", "none", "null", "sans objet", "so", "ns", "non connu", "non communique",
         "?", "-"}


def text(value) -> str | None:
    """The cell as stripped text, None when empty. Integral floats (Excel) lose their `.0`."""
    if value is None:
        return None
    if type(value) is str:
        s = value.strip()
        return s or None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10] if isinstance(value, datetime) and not value.time() else value.isoformat()
    s = str(value).strip()
    return s or None


def is_empty(s: str | None) -> bool:
    """True for a missing value: empty, or a marker such as `NC`, `non renseigné`, `?`."""
    if s is None or s == "":
        return True
    if len(s) > 20 or s[0].isdigit() and s[-1].isdigit():   # ids, dates, numbers: never a marker
        return False
    return fold(s) in EMPTY or s.strip() in EMPTY


# --- numbers ------------------------------------------------------------------------------------
_SPACES = re.compile(r"[\s\u00a0\u202f']")


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity",
               "infini", "+infini", "-infini", "∞", "+∞", "-∞", "\u2212∞", "#num!", "#div/0!", "#valeur!",
               "#value!", "#null!", "#nul!"}
NOT_FINITE = "valeur non finie (NaN ou infini), nombre attendu"
_HOURS_MINUTES = re.compile(r"^(\d+)[hH](\d{2})$")


@lru_cache(maxsize=50000)
def _number_text(s: str) -> float:
    t = _SPACES.sub("", s)
    if t.lower() in _NON_FINITE:
        raise BadValue(f"{NOT_FINITE}, lu « {s} »", NOT_FINITE)
    m = _HOURS_MINUTES.match(t)
    if m:   # `12h30` is 12,5 h, not 1 230 h
        if int(m.group(2)) >= 60:
            raise BadValue(f"nombre attendu, lu « {s} »", "nombre attendu")
        return int(m.group(1)) + int(m.group(2)) / 60
    t = t.replace("€", "").replace("h", "").replace("H", "")
    if "," in t and "." in t:
        if t.rfind(",") > t.rfind("."):
            t = t.replace(".", "").replace(",", ".")
        else:
            t = t.replace(",", "")
    elif "," in t:
        if t.count(",") > 1:
            raise BadValue(f"nombre illisible « {s} »", "nombre illisible")
        t = t.replace(",", ".")
    # strict syntax: Python's float() would also take `1_000`, `nan`, `infinity`
    if not _NUMBER.match(t):
        raise BadValue(f"nombre attendu, lu « {s} »", "nombre attendu")
    x = float(t)
    if x != x or x in (float("inf"), float("-inf")):
        raise BadValue(f"{NOT_FINITE}, lu « {s} »", NOT_FINITE)
    return x


def number(value) -> float | None:
    """A finite number: `1 234,5`, `1234.5`, `1.234,5`, Excel numbers. `NaN`, `inf`, `-Infinity`
    (any case), `1_000` and other spellings Python alone would accept raise BadValue."""
    if value is None:
        return None
    if isinstance(value, bool):   # an Excel VRAI/FAUX cell: not a number (was read as an empty cell)
        raise BadValue(f"nombre attendu, lu « {'VRAI' if value else 'FAUX'} »", "nombre attendu")
    if isinstance(value, timedelta):   # an Excel duration cell ([h]:mm): 35:30 is 35,5 hours
        return value.total_seconds() / 3600
    if isinstance(value, time):        # an Excel time-of-day cell (h:mm) under 24 h
        return value.hour + value.minute / 60 + value.second / 3600
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(f"{NOT_FINITE}, lu « {value} »", NOT_FINITE)
        return float(value)
    s = str(value).strip()
    if s[:1].isdigit():   # the usual case: neither an empty marker nor a non-finite spelling
        return _number_text(s)
    if _SPACES.sub("", s).lower() in _NON_FINITE:   # before is_empty: `nan` is an empty marker in text
        raise BadValue(f"{NOT_FINITE}, lu « {s} »", NOT_FINITE)
    if is_empty(s):
        return None
    return _number_text(s)


# --- dates --------------------------------------------------------------------------------------
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+)?(?:Z|[+-]\d{2}:?\d{2})?$")
_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?: [0-9:]+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1990, 2100


@lru_cache(maxsize=50000)
def _date_text(s: str) -> date:
    m = _ISO.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _FR.match(s)
        if not m:
            raise BadValue(f"date attendue (jj/mm/aaaa ou aaaa-mm-jj), lu « {s} »",
                           "date attendue (jj/mm/aaaa ou aaaa-mm-jj)")
        d, mo, y = (int(g) for g in m.groups())
        if y < 100:
            y += 2000 if y < 70 else 1900
    try:
        return date(y, mo, d)
    except ValueError:
        raise BadValue(f"date impossible « {s} »", "date impossible") from None


def a_date(value) -> date | None:
    """A date from `dd/mm/yyyy`, `dd-mm-yyyy`, ISO (zone suffix accepted), Excel dates or serials."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise BadValue(f"date attendue, lu « {value} »", "date attendue")
    s = str(value).strip()
    if is_empty(s):
        return None
    return _date_text(s)


def event_date(value) -> date | None:
    """A date of the path (start, end): must fall between 1990 and 2100."""
    d = a_date(value)
    if d is not None and not (MIN_YEAR <= d.year <= MAX_YEAR):
        raise BadValue(f"date hors de la période plausible (1990-2100) : {d.strftime('%d/%m/%Y')}",
                       "date hors de la période plausible (1990-2100)")
    return d


# --- booleans -----------------------------------------------------------------------------------
_TRUE = {"oui", "o", "yes", "y", "1", "true", "vrai", "x", "v"}
_FALSE = {"non", "n", "no", "0", "false", "faux"}


def yes_no(value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise BadValue(f"oui/non attendu, lu « {value} »", "oui/non attendu")
    s = str(value).strip()
    if is_empty(s):
        return None
    f = fold(s)
    if f in _TRUE or f.startswith("oui"):
        return True
    if f in _FALSE or f.startswith("non"):
        return False
    raise BadValue(f"oui/non attendu, lu « {s} »", "oui/non attendu")


# --- identifiers --------------------------------------------------------------------------------
def siret(value) -> str | None:
    """A SIRET normalised exactly as `contracts.buyer_siret` (pipelines.text.identifier: spaces, dots
    and non-breaking spaces removed); None when empty."""
    s = text(value)
    if is_empty(s):
        return None
    return identifier(s)


def siret_problem(s: str | None) -> str | None:
    """Why a SIRET read cannot be a SIRET (pipelines.text.siret_shape_ok: 14 digits), None when it
    can or is absent. The key (Luhn) is not checked here: the DECP reader keeps a SIRET whose key is
    wrong and flags it (`contracts.siret_valid`), so a clause row with the same SIRET still links to
    its contract; only a value that is no SIRET at all is reported."""
    if s is None or siret_shape_ok(s):
        return None
    return "14 chiffres attendus"


def contract_id(value) -> str | None:
    """A DECP contract id normalised exactly as `contracts.contract_id` (pipelines.text.key_text:
    surrounding spaces and the `INX ` prefix removed); Excel's integral numbers lose their `.0`."""
    s = text(value)
    if s is None or is_empty(s):
        return None
    return key_text(s)


_COMMUNE = re.compile(r"^(\d[\dAB]\d{3})$")


def commune_code(value) -> str | None:
    """An INSEE commune code (5 characters, Corsica 2A/2B); 4 digits get their lost leading zero."""
    s = text(value)
    if is_empty(s):
        return None
    s = s.upper().replace(" ", "")
    if s.isdigit() and len(s) == 4:
        s = "0" + s
    if not _COMMUNE.match(s):
        raise BadValue(f"code commune INSEE attendu (5 caractères), lu « {s} »",
                       "code commune INSEE attendu (5 caractères)")
    return s
