"""Normalisation rules for DECP fields. Each function returns (value, problem) where problem is
None or a readable French reason; callers put the field to null and quarantine the reason."""
from __future__ import annotations

import ast
import re
from decimal import Decimal
from functools import lru_cache
from datetime import date

from pipelines import codes
from pipelines.text import ID_SPACES, MISSING_MARKERS, ascii_key, key_text, name_key

PLACEHOLDER_MAX_SYMBOLIC = 1.0  # 1 euro or less is a symbolic value, not a contract amount
PLACEHOLDER_MIN = 1e10          # amounts from 10 billion euros up are placeholders (1e17, 9999999999...)
YEAR_MIN, YEAR_MAX = 2000, date.today().year + 1

_date = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]|[+-]\d{2}:?\d{2}$|Z$)")
_date_fr = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

# Bare NaN / Infinity / -Infinity tokens (Python writes them, JSON forbids them) are replaced by
# the JSON reader with these sentinel numbers (tiny negative subnormals no producer writes), so
# that the normalisation can tell "not a finite number" from "missing" and give a reason.
JSON_SENTINELS = {"NaN": "-1.234e-310", "Infinity": "-2.345e-310", "-Infinity": "-3.456e-310"}
SENTINEL_LABELS = {float(v): k for k, v in JSON_SENTINELS.items()}
NON_FINITE_TEXT = {"NAN", "-NAN", "+NAN", "INF", "+INF", "-INF", "INFINITY", "+INFINITY", "-INFINITY",
                   "INFINI", "-INFINI", "+INFINI"}


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().upper() in MISSING_MARKERS
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


def text(value) -> str | None:
    """A non-empty stripped string, or None (markers MQ/CDL count as missing; `INX ` prefix removed)."""
    if type(value) is str:
        s = value.strip()
    elif value is None or isinstance(value, (dict, list)):
        return None
    elif sentinel_label(value) is not None:
        return None
    else:
        s = str(value).strip()
    return key_text(s)


def enum_lookup(mapping: dict[str, str]):
    """Build a lookup tolerant to case, accents, lost accents (U+FFFD) and punctuation."""
    table = {}
    for label, code in mapping.items():
        table[name_key(label)] = code
        table.setdefault(ascii_key(label), code)

    memo: dict[str, str | None] = {}

    def lookup(value: str | None) -> str | None:
        if not value:
            return None
        hit = memo.get(value, memo)
        if hit is memo:
            hit = table.get(name_key(value)) or table.get(ascii_key(value))
            if len(memo) < 10_000:
                memo[value] = hit
        return hit
    return lookup


# ---- identifiers -------------------------------------------------------------------------------

def clean_identifier(value) -> str | None:
    """Spaces, dots and non-breaking spaces removed; `INX ` prefix removed; None when missing."""
    if type(value) is str and value.isdigit():
        return value
    s = text(value)
    if s is None:
        return None
    if (type(value) is float and value.is_integer()) or (     # a SIRET read as a number
            type(value) is Decimal and value.is_finite() and value == value.to_integral_value()):
        s = str(int(value))
    return ID_SPACES.sub("", s)


# ---- CPV ---------------------------------------------------------------------------------------

def parse_cpv(value) -> tuple[str | None, str | None]:
    """8-digit CPV code: check digit (`-7`) removed, lost leading zero restored (7 digits)."""
    if type(value) is str:
        return _parse_cpv_text(value)
    return _parse_cpv_uncached(value)


@lru_cache(maxsize=50_000)
def _parse_cpv_text(value: str):
    return _parse_cpv_uncached(value)


def _parse_cpv_uncached(value):
    s = text(value)
    if s is None:
        return None, None
    core = s.split("-")[0].strip().replace(" ", "")
    if not core.isdigit():
        return None, f"code CPV non numérique : {s!r}"
    if len(core) == 7:
        core = "0" + core
    elif len(core) == 9:        # check digit glued on without its dash
        core = core[:8]
    if len(core) != 8:
        return None, f"code CPV de {len(core)} chiffres, 8 attendus : {s!r}"
    if core[:2] == "00":
        return None, f"division CPV 00 inexistante : {s!r}"
    return core, None


# ---- dates -------------------------------------------------------------------------------------

def parse_date(value) -> tuple[date | None, str | None]:
    """ISO date with or without zone suffix (`2018-12-31+01:00`, `Z`) or time, or `31/12/2018`.
    Years outside 2000..next year are impossible (e.g. `0218`)."""
    if type(value) is str:
        return _parse_date_text(value)
    return _parse_date_uncached(value)


@lru_cache(maxsize=50_000)
def _parse_date_text(value: str):
    return _parse_date_uncached(value)


def _parse_date_uncached(value):
    s = text(value)
    if s is None:
        return None, None
    m = _date.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _date_fr.match(s)
        if not m:
            return None, f"date illisible : {s!r} (attendu AAAA-MM-JJ)"
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not YEAR_MIN <= y <= YEAR_MAX:
        return None, f"année impossible {y:04d} dans {s!r}"
    try:
        return date(y, mo, d), None
    except ValueError:
        return None, f"date inexistante : {s!r}"


# ---- amounts and durations ---------------------------------------------------------------------

def sentinel_label(value) -> str | None:
    """The bare JSON token (`NaN`, `Infinity`, `-Infinity`) a sentinel number stands for, else None."""
    t = type(value)
    if t is float:
        return SENTINEL_LABELS.get(value) if value < 0 else None
    if t is Decimal and value.is_signed() and value.is_finite():
        return SENTINEL_LABELS.get(float(value))
    return None


def non_finite(value) -> str | None:
    """How a value that is not a finite number was written (`NaN`, `inf`, `1e400`...), else None.
    Text markers `NaN`, `inf`, `Infinity` and numbers too large for a double (overflow to infinity)
    count; missing values and ordinary text do not."""
    t = type(value)
    if t is int or t is bool or value is None:
        if t is int and not -1e308 < value < 1e308:
            return str(value)
        return None
    label = sentinel_label(value)
    if label is not None:
        return label
    if t is float or t is Decimal:
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value) if t is float else str(value)
        if t is Decimal and float(value) in (float("inf"), float("-inf")):
            return str(value)
        return None
    if t is str:
        s = value.strip()
        if s.upper() in NON_FINITE_TEXT:
            return s
        if "e" in s or "E" in s or len(s) > 300:       # only these can overflow a double
            n = parse_number(s)
            if n is not None and (n != n or n in (float("inf"), float("-inf"))):
                return s
    return None


def non_finite_reason(what: str, written: str, expected: str = "nombre fini attendu") -> str:
    """`montant : valeur non finie 'NaN', nombre fini attendu`; `hors limites` for an overflow."""
    kind = "valeur non finie" if written.strip().lstrip("+-").upper() in NON_FINITE_TEXT else \
        "valeur hors limites (dépassement de capacité)"
    shown = written if len(written) <= 40 else f"{written[:20]}… ({len(written)} caractères)"
    return f"{what} : {kind} {shown!r}, {expected}"


def parse_number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            return float(value)
        except OverflowError:           # an integer beyond the double range
            return float("inf") if value > 0 else float("-inf")
    s = text(value)
    if s is None:
        return None
    s = s.replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def parse_amount(value) -> tuple[float | None, str | None, str | None]:
    """(amount, flag, reason): flag `zero`, `placeholder` or `unparsable` keeps it out of sums."""
    t = type(value)
    if (t is float or t is int) and PLACEHOLDER_MAX_SYMBOLIC < value < 9_999_999:
        return float(value), None, None       # the common case, no further check needed
    written = non_finite(value)
    if written is not None:
        return None, "unparsable", non_finite_reason("montant", written)
    if is_missing(value) or text(value) is None and not isinstance(value, (int, float)):
        return None, None, None
    n = parse_number(value)
    if n is None or n != n or n in (float("inf"), float("-inf")):
        return None, "unparsable", f"montant illisible : {value!r}"
    if n < 0:
        return None, "unparsable", f"montant négatif : {value!r}"
    if n == 0:
        return None, "zero", "montant nul (0), exclu des sommes"
    digits = str(int(n)) if n == int(n) else ""
    if n <= PLACEHOLDER_MAX_SYMBOLIC:
        return None, "placeholder", f"montant symbolique {value!r}, exclu des sommes"
    if n >= PLACEHOLDER_MIN or (len(digits) >= 7 and set(digits) == {"9"}):
        return None, "placeholder", f"montant fictif {value!r}, exclu des sommes"
    return n, None, None


def parse_duration(value) -> tuple[float | None, str | None]:
    """Duration in months (number or numeric text); `NC` and negatives are rejected."""
    t = type(value)
    if (t is int or t is float) and 0 <= value <= 1200:
        return float(value), None
    written = non_finite(value)
    if written is not None:
        return None, non_finite_reason("durée", written, "nombre de mois attendu")
    if value is None or (isinstance(value, str) and value.strip() in ("", "MQ", "CDL")):
        return None, None
    n = parse_number(value)
    if n is None:
        return None, f"durée illisible : {value!r} (attendu un nombre de mois)"
    if n < 0 or n > 1200:
        return None, f"durée impossible : {value!r} mois"
    return n, None


# ---- booleans and lists ------------------------------------------------------------------------

_TRUE = {"OUI", "TRUE", "1", "VRAI", "O", "Y", "YES"}
_FALSE = {"NON", "FALSE", "0", "FAUX", "N", "NO"}


def parse_bool(value) -> tuple[bool | None, str | None]:
    """`oui`/`non`, `1`/`0`, `True`/`False`, JSON booleans."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    s = text(value)
    if s is None:
        return None, None
    f = name_key(s)
    if f in _TRUE:
        return True, None
    if f in _FALSE:
        return False, None
    return None, f"booléen illisible : {value!r} (attendu oui/non)"


def parse_list_text(value):
    """A list written as text in tabular exports (`['Clause sociale']`) -> list of strings."""
    if isinstance(value, list):
        return value
    s = text(value)
    if s is None:
        return []
    if s.startswith("[") and s.endswith("]"):
        try:
            parsed = ast.literal_eval(s)
            if isinstance(parsed, (list, tuple)):
                return [str(x) for x in parsed]
        except (ValueError, SyntaxError):
            pass
        return [x.strip().strip("'\"") for x in s[1:-1].split(",") if x.strip()]
    return [x.strip() for x in s.split("|") if x.strip()] if "|" in s else [s]


def unwrap_list(value, wrapper: str) -> list:
    """Items of a DECP list in any of its shapes: a list, `{wrapper: item or list}`, a list of
    `{wrapper: item}`, lists of lists, a single object instead of a list."""
    t = type(value)
    if t is list:
        out = []
        for item in value:
            ti = type(item)
            if ti is dict:
                if len(item) == 1 and wrapper in item:
                    inner = item[wrapper]
                    if type(inner) is dict:
                        out.append(inner)
                    else:
                        out.extend(unwrap_list(inner, wrapper))
                else:
                    out.append(item)
            elif ti is list:
                out.extend(unwrap_list(item, wrapper))
            elif item is not None:
                out.append(item)
        return out
    if t is dict:
        if len(value) == 1 and wrapper in value:
            return unwrap_list(value[wrapper], wrapper)
        return [value]
    if value is None or t is str and is_missing(value):
        return []
    return [value]


# ---- enumerations ------------------------------------------------------------------------------

NATURES = {
    "Marché": "marche", "Marché public": "marche", "Marché hors accord cadre": "marche",
    "Marché de partenariat": "marche_partenariat",
    "Marché de défense ou de sécurité": "marche_defense", "Marché de sécurité": "marche_defense",
    "Accord-cadre": "accord_cadre", "Marché subséquent": "marche_subsequent",
    "Concession de travaux": "concession_travaux", "Concession de service": "concession_service",
    "Concession de services": "concession_service",
    "Concession de service public": "concession_service_public",
    "Délégation de service public": "delegation_service_public",
}
CONCESSION_NATURES = frozenset(codes.codes("nature", flag="concession"))   # data/reference/codes.csv
PROCEDURES = {
    "Procédure adaptée": "adapted",
    "Appel d'offres ouvert": "open_tender",
    "Appel d'offres restreint": "restricted_tender",
    "Procédure avec négociation": "negotiated",
    "Procédure concurrentielle avec négociation": "negotiated",
    "Procédure négociée avec mise en concurrence préalable": "negotiated",
    "Marché passé sans publicité ni mise en concurrence préalable": "no_competition",
    "Marché négocié sans publicité ni mise en concurrence préalable": "no_competition",
    # wordings of older feeds (decree 2016-360 and the 2017 order): "public" and "procédure"
    # variants of the same procedure
    "Marché public négocié sans publicité ni mise en concurrence préalable": "no_competition",
    "Marché public passé sans publicité ni mise en concurrence préalable": "no_competition",
    "Procédure négociée sans publicité ni mise en concurrence préalable": "no_competition",
    "Dialogue compétitif": "competitive_dialogue",
    "Concours": "design_contest",
    "Procédure négociée ouverte": "concession_negotiated_open",
    "Procédure non négociée ouverte": "concession_open",
    "Procédure négociée restreinte": "concession_negotiated_restricted",
    "Procédure non négociée restreinte": "concession_restricted",
}
PLACE_TYPES = {
    "Code postal": "code_postal", "CP": "code_postal",
    "Code commune": "code_commune", "Code INSEE": "code_commune",
    "Code arrondissement": "code_arrondissement", "Code canton": "code_canton",
    "Code département": "code_departement", "Code région": "code_region", "Code pays": "code_pays",
}
SOCIAL = {
    "Clause sociale": "Clause sociale", "Critère social": "Critère social",
    "Marché réservé": "Marché réservé", "Concession réservée": "Concession réservée",
    "Pas de considération sociale": "Pas de considération sociale",
}
NO_SOCIAL = "Pas de considération sociale"

nature_code = enum_lookup(NATURES)
procedure_code = enum_lookup(PROCEDURES)
place_type_code = enum_lookup(PLACE_TYPES)
social_value = enum_lookup(SOCIAL)


def parse_social(values: list) -> tuple[list[str] | None, list[str]]:
    """Social considerations -> (canonical values or None when the field is rejected, problems)."""
    if all(type(v) is str for v in values):
        out, problems = _parse_social_cached(tuple(values))
        return (list(out) if out is not None else None), list(problems)
    return _parse_social_uncached(values)


@lru_cache(maxsize=1024)
def _parse_social_cached(values: tuple):
    out, problems = _parse_social_uncached(values)
    return (tuple(out) if out is not None else None), tuple(problems)


def _parse_social_uncached(values) -> tuple[list[str] | None, list[str]]:
    out, problems = [], []
    for v in values:
        s = text(v) if not isinstance(v, dict) else None
        if s is None:
            continue
        canon = social_value(s)
        if canon is None:
            problems.append(f"considération sociale inconnue : {s!r}")
        elif canon not in out:
            out.append(canon)
    if NO_SOCIAL in out and len(out) > 1:
        return None, problems + ["« Pas de considération sociale » avec une autre valeur : "
                                 "valeurs contradictoires"]
    return (out or None), problems
