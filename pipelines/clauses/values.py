"""Parsing of cell values: numbers with decimal commas, French and ISO dates, yes/no, and the
French labels of every coded field mapped to the codes of docs/data_model.md.

Parsers return a value or raise `BadValue` with a French reason; an empty cell is None.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from pipelines import codes
from pipelines.clauses.text import fold


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


# --- coded fields -------------------------------------------------------------------------------
# Each code -> accepted French labels (folded before comparison). The code itself is accepted too.
LABELS: dict[str, dict[str, list[str]]] = {
    "gender": {
        "F": ["f", "femme", "femmes", "feminin", "female", "w", "2", "mme", "madame", "mlle"],
        "M": ["m", "h", "homme", "hommes", "masculin", "male", "1", "mr", "monsieur", "m."],
    },
    "age_band": {
        "<26": ["<26", "< 26", "< 26 ans", "moins de 26 ans", "- de 26 ans", "-26", "-26 ans",
                "jeune", "16-25", "16-25 ans", "18-25 ans", "15-25 ans", "moins de 26"],
        "26-49": ["26-49", "26-49 ans", "26 a 49 ans", "26 49", "de 26 a 49 ans", "26-50"],
        "50+": ["50+", "50 +", "50 ans et plus", "50 ans +", "+50", "+ de 50 ans", "plus de 50 ans",
                "50 et plus", ">=50", "senior"],
    },
    "qualification_level": {
        "infra_3": ["infra 3", "infra_3", "infra3", "sans diplome", "aucun diplome", "aucun",
                    "niveau vi", "vi", "niveau v bis", "v bis", "vbis", "infra v", "niveau infra 3",
                    "1", "2", "niveau 1", "niveau 2", "cfg", "brevet", "sans qualification"],
        "3": ["3", "niveau 3", "niveau v", "v", "cap", "bep", "cap bep", "cap/bep",
              "niveau 3 (cap, bep)"],
        "4": ["4", "niveau 4", "niveau iv", "iv", "bac", "baccalaureat", "bac pro",
              "niveau 4 (bac)"],
        "5_plus": ["5_plus", "5+", "5 et plus", "niveau 5 et plus", "niveau 5", "5", "6", "7", "8",
                   "niveau 6", "niveau 7", "niveau 8", "niveau iii", "iii", "niveau ii", "ii",
                   "niveau i", "bac+2", "bac +2", "bac+3", "bac +3", "bac+5", "superieur",
                   "bac+2 et plus", "bts", "dut", "licence", "master"],
    },
    "publics": {
        "deld": ["deld", "de ld", "demandeur d'emploi de longue duree", "demandeur d'emploi longue duree",
                 "chomeur de longue duree", "de longue duree", "delD", "detld", "de tld",
                 "demandeur d emploi de longue duree (deld)"],
        "rsa": ["rsa", "brsa", "beneficiaire du rsa", "allocataire rsa", "beneficiaire rsa"],
        "ass": ["ass", "beneficiaire de l'ass", "allocataire ass"],
        "aah": ["aah", "beneficiaire de l'aah", "allocataire aah"],
        "young_low_qualified": ["young_low_qualified", "jeune", "jeunes", "jeune peu qualifie",
                                "jeune de moins de 26 ans peu qualifie", "jeune -26 ans",
                                "jeune < 26 ans", "jeune moins de 26 ans", "jeune sans qualification",
                                "jeune niveau infra 4", "jeune -26 ans peu qualifie"],
        "rqth": ["rqth", "th", "travailleur handicape", "travailleur handicape (rqth)", "boeth",
                 "personne handicapee"],
        "qpv_resident": ["qpv_resident", "qpv", "resident qpv", "residant qpv", "habitant qpv",
                         "resident d'un qpv", "issu qpv"],
        "senior": ["senior", "seniors", "+50 ans", "plus de 50 ans", "senior +50 ans",
                   "senior 50 ans et plus", "50 ans et plus", "senior (50 ans et plus)"],
        "refugee": ["refugee", "refugie", "refugies", "bpi", "beneficiaire de la protection internationale"],
        "other": ["other", "autre", "autres", "autre public"],
    },
    "employment_contract_type": {
        "cdi": ["cdi", "contrat a duree indeterminee", "cdi interimaire"],
        "cdd": ["cdd", "contrat a duree determinee", "cdd classique"],
        "interim": ["interim", "interimaire", "travail temporaire", "ctt", "mission d'interim",
                    "mission interim"],
        "cddi": ["cddi", "cdd d'insertion", "cdd insertion", "contrat a duree determinee d'insertion",
                 "cdd siae"],
        "apprenticeship": ["apprenticeship", "apprentissage", "contrat d'apprentissage", "apprenti"],
        "professionalisation": ["professionalisation", "professionnalisation",
                                "contrat de professionnalisation", "contrat de pro", "contrat pro"],
        "other": ["other", "autre", "autre contrat", "stage", "pmsmp"],
    },
    "modality": {
        "direct_hire": ["direct_hire", "embauche directe", "recrutement direct", "embauche",
                        "embauche par l'entreprise", "recrutement"],
        "siae_provision": ["siae_provision", "mise a disposition", "mise a disposition (etti, ai)",
                           "mise a disposition etti", "mise a disposition ai", "etti", "ai",
                           "interim d'insertion", "association intermediaire", "mad", "mad etti",
                           "mad ai"],
        "geiq": ["geiq", "mise a disposition geiq", "mad geiq"],
        "siae_subcontracting": ["siae_subcontracting", "sous-traitance", "sous traitance",
                                "sous-traitance siae", "sous-traitance a une siae", "cotraitance",
                                "co-traitance siae", "sous-traitance ei", "sous-traitance aci"],
        "training": ["training", "formation", "action de formation", "formation prealable"],
        "other": ["other", "autre", "autre modalite"],
    },
    "buyer_type": {
        "landlord": ["landlord", "bailleur social", "bailleur", "oph", "esh", "office public de l'habitat",
                     "entreprise sociale pour l'habitat", "logeur social", "sem immobiliere"],
        "commune": ["commune", "ville", "mairie"],
        "epci": ["epci", "intercommunalite", "intercommunalite (epci)", "communaute d'agglomeration",
                 "communaute de communes", "communaute urbaine", "metropole", "ca", "cc", "cu"],
        "departement": ["departement", "conseil departemental", "conseil general"],
        "region": ["region", "conseil regional"],
        "state": ["state", "etat", "services de l'etat", "etat (services deconcentres)", "prefecture",
                  "ministere"],
        "hospital": ["hospital", "hopital", "centre hospitalier", "chu", "etablissement hospitalier",
                     "ch", "ghT"],
        "other": ["other", "autre", "autre acheteur", "sem", "spl", "association"],
    },
    "trade": {
        "painting": ["painting", "peinture", "peinture revetements", "peinture et revetements muraux"],
        "masonry": ["masonry", "maconnerie", "maconnerie beton"],
        "structural_work": ["structural_work", "gros oeuvre", "gros-oeuvre", "go", "gros oeuvre maconnerie"],
        "steel_framing": ["steel_framing", "charpente metallique", "serrurerie", "metallerie",
                          "serrurerie metallerie", "serrurerie-metallerie"],
        "roofing": ["roofing", "couverture", "couverture etancheite", "etancheite", "charpente couverture"],
        "plumbing": ["plumbing", "plomberie", "chauffage", "cvc", "plomberie chauffage",
                     "plomberie sanitaires", "chauffage ventilation", "plomberie cvc"],
        "electricity": ["electricity", "electricite", "courants forts", "courants faibles",
                        "electricite courants forts et faibles"],
        "joinery": ["joinery", "menuiserie", "menuiseries", "menuiseries exterieures",
                    "menuiseries interieures", "menuiserie bois"],
        "road_works": ["road_works", "vrd", "voirie", "voirie et reseaux divers", "voirie vrd",
                       "travaux publics", "terrassement"],
        "green_spaces": ["green_spaces", "espaces verts", "entretien des espaces verts", "paysage"],
        "cleaning": ["cleaning", "nettoyage", "proprete", "entretien menager", "nettoyage des parties communes"],
        "waste": ["waste", "dechets", "collecte des dechets", "encombrants"],
        "demolition": ["demolition", "desamiantage", "demolition desamiantage", "curage"],
        "engineering": ["engineering", "ingenierie", "etudes", "maitrise d'oeuvre", "moe",
                        "prestations intellectuelles", "bureau d'etudes"],
        "other": ["other", "autre", "autres", "tous corps d'etat", "tce", "divers"],
    },
    "contract_kind": {
        "works": ["works", "travaux", "marche de travaux", "investissement", "renovation",
                  "construction", "rehabilitation"],
        "gup": ["gup", "gusp", "gestion urbaine de proximite", "gestion urbaine et sociale de proximite",
                "gestion urbaine", "entretien gup"],
        "services": ["services", "service", "prestations de services", "prestation de services",
                     "marche de services", "fournitures et services"],
    },
    "legal_basis": {
        "execution_condition": ["execution_condition", "condition d'execution", "clause d'execution",
                                "l2112-2", "art 14", "article 14", "art. 14", "art l2112-2",
                                "article l2112-2"],
        "award_criterion": ["award_criterion", "critere d'attribution", "critere social",
                            "l2152-7", "r2152-7", "article 52", "art 52", "critere d'attribution social"],
        "insertion_contract": ["insertion_contract", "marche d'insertion", "marche d'insertion et de qualification",
                               "r2123-1", "art 30", "article 30", "art. 30", "marche de qualification"],
        "reserved_siae": ["reserved_siae", "marche reserve siae", "l2113-13", "reserve siae",
                          "marche reserve aux siae", "article 36-2"],
        "reserved_ea": ["reserved_ea", "marche reserve ea", "marche reserve ea/esat", "l2113-12",
                        "reserve ea", "reserve esat", "marche reserve aux ea et esat", "article 36-1"],
    },
    "outcome": {
        "cdi": ["cdi", "emploi durable cdi", "embauche en cdi"],
        "cdd_6m_plus": ["cdd_6m_plus", "cdd >= 6 mois", "cdd de 6 mois et plus", "cdd 6 mois et plus",
                        "cdd + 6 mois", "cdd plus de 6 mois", "cdd > 6 mois", "cdd de plus de 6 mois",
                        "cdd 6 mois +", "cdd long"],
        "interim_6m_plus": ["interim_6m_plus", "interim >= 6 mois", "interim de 6 mois et plus",
                            "interim 6 mois et plus", "interim + 6 mois", "interim plus de 6 mois",
                            "interim > 6 mois", "interim de plus de 6 mois", "interim long"],
        "civil_service": ["civil_service", "fonction publique", "emploi public", "titularisation"],
        "business_creation": ["business_creation", "creation d'entreprise", "creation d'activite",
                              "creation entreprise"],
        "cdd_under_6m": ["cdd_under_6m", "cdd < 6 mois", "cdd de moins de 6 mois", "cdd moins de 6 mois",
                         "cdd - 6 mois", "cdd -6 mois", "cdd court"],
        "interim_under_6m": ["interim_under_6m", "interim < 6 mois", "interim de moins de 6 mois",
                             "interim moins de 6 mois", "interim - 6 mois", "interim -6 mois",
                             "interim court", "missions d'interim"],
        "subsidised_contract": ["subsidised_contract", "contrat aide", "contrat aide (pec)", "pec",
                                "parcours emploi competences", "cui", "contrat aide secteur marchand"],
        "qualifying_training": ["qualifying_training", "formation qualifiante", "formation", "entree en formation",
                                "formation certifiante"],
        "siae_hire": ["siae_hire", "embauche siae", "embauche par une autre siae", "embauche en siae",
                      "siae", "structure d'insertion"],
        "unemployment": ["unemployment", "chomage", "demandeur d'emploi", "recherche d'emploi",
                         "retour au chomage", "sans emploi"],
        "inactivity": ["inactivity", "inactivite", "inactif", "maladie", "conge parental", "retraite",
                       "demenagement"],
        "other": ["other", "autre", "autre situation", "abandon", "perdu de vue", "deces"],
        "ongoing": ["ongoing", "en cours", "parcours en cours", "toujours en poste", "en poste",
                    "contrat en cours", "pas encore sorti"],
    },
}

# The French labels of the code table (data/reference/codes.csv, shown by the dashboard) are
# accepted too: a file exported from the observatory can be read back. kind -> code domain.
_DOMAIN = {"publics": "public"}


def _index(kind: str) -> dict[str, str]:
    idx: dict[str, str] = {}
    table = codes.labels(_DOMAIN.get(kind, kind))
    unknown = sorted(set(LABELS[kind]) - set(table))
    if unknown:   # a reader may only produce codes of the table
        raise ValueError(f"codes absents de data/reference/codes.csv ({kind}) : {', '.join(unknown)}")
    for code, spellings in LABELS[kind].items():
        for s in [code, *spellings]:
            idx.setdefault(fold(s), code)
    for code, label in table.items():
        if code in LABELS[kind]:
            idx.setdefault(fold(label), code)
    return idx


_INDEXES = {kind: _index(kind) for kind in LABELS}


@lru_cache(maxsize=20000)
def _code_text(kind: str, s: str) -> str:
    f = fold(s)
    code = _INDEXES[kind].get(f)
    if code is None:
        # "CDD de 6 mois ou plus", "CDI (temps plein)": try without the bracketed part
        code = _INDEXES[kind].get(fold(re.sub(r"\(.*?\)", " ", s)))
    if code is None:
        raise BadValue(f"valeur inconnue « {s} »", "valeur inconnue")
    return code


def code(kind: str, value) -> str | None:
    """The code of a French label (`Embauche directe` -> `direct_hire`), None when empty."""
    s = text(value)
    if is_empty(s):
        return None
    return _code_text(kind, s)


_LIST_SEP = re.compile(r"\s*[,;|/\n]\s*|\s+-\s+|\s+et\s+")


def codes(kind: str, value) -> tuple[list[str], list[str]]:
    """Several codes in one cell (`DELD, RSA / QPV`): (known codes without repeats, unknown labels)."""
    s = text(value)
    if is_empty(s):
        return [], []
    s = s.strip("[]")
    found: list[str] = []
    unknown: list[str] = []
    for part in _LIST_SEP.split(s):
        part = part.strip().strip("'\"")
        if is_empty(part):
            continue
        try:
            c = _code_text(kind, part)
        except BadValue:
            unknown.append(part)
            continue
        if c not in found:
            found.append(c)
    return found, unknown


def age_band_of_age(age: float) -> str:
    if age < 26:
        return "<26"
    if age < 50:
        return "26-49"
    return "50+"


# --- identifiers --------------------------------------------------------------------------------
_DIGITS_ONLY = re.compile(r"\d+")


def siret(value) -> str | None:
    """A SIRET normalised exactly as `contracts.buyer_siret` (pipelines.decp.normalise.clean_identifier:
    spaces, dots and non-breaking spaces removed); None when empty."""
    from pipelines.decp.normalise import clean_identifier

    s = text(value)
    if is_empty(s):
        return None
    return clean_identifier(s)


def is_valid_siret(s: str | None) -> bool:
    return s is not None and len(s) == 14 and s.isdigit()


def contract_id(value) -> str | None:
    """A DECP contract id normalised exactly as `contracts.contract_id` (pipelines.decp.normalise.text:
    surrounding spaces and the `INX ` prefix removed); Excel's integral numbers lose their `.0`."""
    from pipelines.decp.normalise import text as decp_text

    s = text(value)
    if s is None or is_empty(s):
        return None
    return decp_text(s)


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
