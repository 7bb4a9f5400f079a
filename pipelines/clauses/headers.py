"""Mapping of facilitators' column headers to the columns of `clause_hours` / `clause_planned`.

Headers are compared as sets of folded, lightly stemmed words with filler words dropped, so
"Nb heures réalisées", "nombre_d'heures_realisees" and "HeuresRealisees" are the same header.
Columns that carry direct identifiers (names, addresses, emails, phones, social-security numbers)
are recognised and refused before any value is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pipelines import codes
from pipelines.text import fold, without_brackets

# Canonical input fields -> French description (used in messages and in docs/clause_export_format.md):
# the `reject_field` domain of data/reference/codes.csv.
FIELDS: dict[str, str] = codes.labels("reject_field")

# Accepted header spellings (any case, accents, spacing, `_`, word order; filler words ignored).
SYNONYMS: dict[str, list[str]] = {
    "operation_id": ["operation_id", "id opération", "code opération", "référence opération",
                     "identifiant opération"],
    "operation_name": ["operation_name", "opération", "nom opération", "libellé opération",
                       "projet", "nom du projet", "programme", "intitulé opération"],
    "operation_qpv": ["operation_qpv", "QPV opération", "quartier", "quartier prioritaire",
                      "nom QPV", "code QPV", "quartier de l'opération"],
    "operation_commune_code": ["operation_commune_code", "commune opération",
                               "code commune opération", "code INSEE opération",
                               "commune de l'opération", "lieu d'exécution", "commune des travaux"],
    "buyer_siret": ["buyer_siret", "SIRET maître d'ouvrage", "SIRET MO", "SIRET MOA",
                    "SIRET acheteur", "SIRET donneur d'ordre", "acheteur.id", "id acheteur",
                    "SIRET bailleur"],
    "buyer_name": ["buyer_name", "maître d'ouvrage", "MO", "MOA", "nom maître d'ouvrage",
                   "acheteur", "nom acheteur", "donneur d'ordre", "raison sociale maître d'ouvrage",
                   "acheteur.nom", "bailleur", "nom bailleur"],
    "buyer_type": ["buyer_type", "type maître d'ouvrage", "type MO", "type acheteur",
                   "catégorie maître d'ouvrage", "type donneur d'ordre", "catégorie acheteur"],
    "contract_id": ["contract_id", "id marché", "numéro marché", "n° marché", "référence marché",
                    "id DECP", "identifiant DECP", "marché id", "code marché", "identifiant marché"],
    "lot": ["lot", "n° lot", "numéro de lot", "lot n°"],
    "contract_object": ["contract_object", "objet", "objet marché", "intitulé marché",
                        "libellé marché"],
    "trade": ["trade", "corps d'état", "corps de métier", "métier", "lot métier"],
    "contract_kind": ["contract_kind", "type de marché", "nature marché", "catégorie de marché",
                      "type marché"],
    "legal_basis": ["legal_basis", "base juridique", "fondement juridique", "article",
                    "type de clause", "base légale", "dispositif"],
    "contract_amount": ["contract_amount", "montant", "montant HT", "montant marché",
                        "montant marché HT", "montant HT marché"],
    "planned_hours": ["planned_hours", "heures prévues", "heures d'insertion prévues",
                      "objectif heures", "objectif d'heures", "volume horaire prévu",
                      "heures à réaliser", "engagement heures", "heures contractuelles",
                      "heures prévues clause"],
    "company_siret": ["company_siret", "SIRET entreprise", "SIRET titulaire", "SIRET employeur",
                      "SIRET attributaire", "titulaire.id", "SIRET de l'entreprise"],
    "modality": ["modality", "modalité", "modalité de mise en œuvre", "modalité de réalisation",
                 "mode de réalisation", "modalité d'exécution", "type de mise en œuvre"],
    "participant_id": ["participant_id", "id participant", "identifiant participant", "participant",
                       "id bénéficiaire", "identifiant bénéficiaire", "n° bénéficiaire",
                       "code bénéficiaire", "id personne", "id salarié", "identifiant salarié",
                       "matricule", "référence participant", "bénéficiaire"],
    "gender": ["gender", "genre", "sexe", "sex", "H/F", "F/H", "civilité"],
    "birth_year": ["birth_year", "année de naissance", "année naissance"],
    "birth_date": ["birth_date", "date de naissance", "date naissance", "DDN", "né le"],
    "age": ["age", "âge", "âge à l'entrée", "âge à l'embauche", "âge début"],
    "age_band": ["age_band", "tranche d'âge", "tranche âge", "classe d'âge"],
    "qualification_level": ["qualification_level", "niveau de qualification", "niveau qualification",
                            "niveau", "niveau de formation", "niveau d'études", "diplôme",
                            "qualification", "niveau de diplôme"],
    "publics": ["publics", "public", "public éligible", "publics éligibles", "statut",
                "type de public", "catégorie de public", "éligibilité", "critère d'éligibilité"],
    "residence_commune_code": ["residence_commune_code", "commune de résidence",
                               "code commune résidence", "code INSEE résidence",
                               "commune résidence", "code commune domicile"],
    "qpv_resident": ["qpv_resident", "QPV", "résident QPV", "habitant QPV", "issu QPV",
                     "résidant QPV", "résident d'un QPV"],
    "tenant_of_buyer": ["tenant_of_buyer", "locataire", "locataire du bailleur",
                        "locataire maître d'ouvrage", "locataire MO", "locataire du parc"],
    "employment_contract_type": ["employment_contract_type", "type de contrat", "contrat",
                                 "contrat de travail", "nature du contrat",
                                 "type de contrat de travail"],
    "start_date": ["start_date", "date de début", "début", "date d'entrée", "entrée",
                   "date début contrat", "début de contrat", "date d'embauche"],
    "end_date": ["end_date", "date de fin", "fin", "date de sortie", "sortie date",
                 "date fin contrat", "fin de contrat"],
    "hours_worked": ["hours_worked", "heures réalisées", "Nb heures réalisées",
                     "nombre d'heures réalisées", "heures effectuées", "heures travaillées",
                     "heures d'insertion réalisées", "volume horaire réalisé", "heures",
                     "total heures", "heures insertion"],
    "outcome_end": ["outcome_end", "situation à la sortie", "sortie", "situation sortie",
                    "type de sortie", "situation en fin de parcours", "sortie fin de parcours",
                    "situation à l'issue", "résultat sortie"],
    "outcome_6m": ["outcome_6m", "situation à 6 mois", "sortie à 6 mois", "situation 6 mois",
                   "suivi à 6 mois", "situation M+6", "situation à +6 mois"],
}

# Words that carry no meaning in a header, and spellings folded to one word.
_FILLER = {"de", "d", "du", "des", "la", "le", "les", "l", "a", "au", "aux", "en", "of", "the",
           "nb", "nbre", "nombre", "total", "et", "par", "pour", "un", "une"}
_SAME = {"n": "id", "no": "id", "num": "id", "numero": "id", "identifiant": "id", "ref": "id",
         "reference": "id", "moa": "mo", "beneficiaire": "participant", "salarie": "participant",
         "participant": "participant", "heure": "heure", "h": "heure"}

HOURS_REQUIRED = ("participant_id", "hours_worked", "start_date")
PLANNED_REQUIRED = ("contract_id", "planned_hours")


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _key(header: str) -> frozenset:
    words = []
    for w in fold(header).replace("+", " plus ").replace("<", " ").replace(">", " ").split():
        if w in _FILLER:
            continue
        w = _SAME.get(w, w)
        words.append(_stem(w))
    return frozenset(words)


def _build_index() -> dict[frozenset, str]:
    index: dict[frozenset, str] = {}
    for name, spellings in SYNONYMS.items():
        for s in spellings:
            k = _key(s)
            if k in index and index[k] != name:
                raise ValueError(f"header synonym {s!r} maps to both {index[k]} and {name}")
            index[k] = name
    return index


_INDEX = _build_index()


@lru_cache(maxsize=4096)
def field_for(header: str) -> str | None:
    """The canonical field a header maps to, or None."""
    if header is None or not str(header).strip():
        return None
    name = _INDEX.get(_key(header))
    if name is None:
        name = _INDEX.get(_key(without_brackets(header)))
    return name


# --- privacy: direct identifiers refused at the door --------------------------------------------
_NAME_CONTEXT = {"operation", "operations", "maitre", "ouvrage", "mo", "moa", "acheteur", "entreprise",
                 "marche", "projet", "qpv", "commune", "quartier", "employeur", "structure", "siae",
                 "titulaire", "lot", "programme", "bailleur", "organisme", "societe", "raison",
                 "sociale", "ville", "communes", "operateur", "chantier", "metier", "client"}
_PRIVATE_WORDS = {
    "prenom": "prénom", "prenoms": "prénom", "firstname": "prénom", "surname": "nom",
    "lastname": "nom", "patronyme": "nom", "adresse": "adresse", "adresses": "adresse",
    "address": "adresse", "rue": "adresse", "voie": "adresse", "domicile": "adresse",
    "email": "courriel", "mail": "courriel", "courriel": "courriel", "mel": "courriel",
    "telephone": "téléphone", "tel": "téléphone", "portable": "téléphone", "mobile": "téléphone",
    "phone": "téléphone", "gsm": "téléphone", "nir": "numéro de sécurité sociale",
    "secu": "numéro de sécurité sociale", "nss": "numéro de sécurité sociale",
    "ssn": "numéro de sécurité sociale",
}


def private_kind(header: str) -> str | None:
    """What kind of direct identifier an (unmapped) header carries, or None."""
    words = fold(header).split()
    for w in words:
        if w in _PRIVATE_WORDS:
            return _PRIVATE_WORDS[w]
    ws = set(words)
    if {"securite", "sociale"} <= ws or ({"social", "security"} <= ws):
        return "numéro de sécurité sociale"
    if ws in ({"insee", "numero"}, {"n", "insee"}, {"no", "insee"}, {"num", "insee"}):
        return "numéro de sécurité sociale"
    if ({"nom", "name", "noms", "names"} & ws) and not (ws & _NAME_CONTEXT):
        return "nom"
    if {"first", "name"} <= ws or {"last", "name"} <= ws:
        return "nom"
    return None


@dataclass
class HeaderMap:
    """Result of reading a header row: which column index feeds which field, what was refused."""

    columns: dict[str, int] = field(default_factory=dict)   # field -> column index
    refused: list[tuple[str, str]] = field(default_factory=list)  # (header, kind)
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    cells: list = field(default_factory=list)  # the header row as read
    public_flags: dict[str, int] = field(default_factory=dict)  # public code -> yes/no column index

    @property
    def kind(self) -> str:
        """`clauses` for execution records, `planned` for a contracts/lots file."""
        if "planned_hours" in self.columns and not (
                {"participant_id", "hours_worked"} & self.columns.keys()):
            return "planned"
        return "clauses"

    def missing_required(self) -> list[str]:
        required = PLANNED_REQUIRED if self.kind == "planned" else HOURS_REQUIRED
        return [f for f in required if f not in self.columns]


def public_flag(header: str) -> str | None:
    """The public code of a yes/no column such as « RSA », « Public DELD » or « Bénéficiaire RQTH »."""
    from pipelines.clauses.values import folded_code

    words = [w for w in fold(header).split() if w not in ("public", "publics", "eligible", "critere")]
    return folded_code("publics", " ".join(words)) if words else None


def map_headers(headers: list) -> HeaderMap:
    """Map a header row; the first column wins when two headers map to the same field."""
    hm = HeaderMap(cells=list(headers))
    for i, h in enumerate(headers):
        text = "" if h is None else str(h).strip()
        if not text:
            continue
        name = field_for(text)
        if name is not None:
            if name in hm.columns:
                hm.repeated.append(text)
            else:
                hm.columns[name] = i
            continue
        public = public_flag(text)
        if public is not None and public not in hm.public_flags:
            hm.public_flags[public] = i
            continue
        kind = private_kind(text)
        if kind is not None:
            hm.refused.append((text, kind))
        else:
            hm.unknown.append(text)
    return hm


def score(headers: list) -> int:
    """How many cells of a row look like known headers (to find the header row)."""
    return sum(1 for h in headers if h is not None and str(h).strip() and field_for(str(h).strip()))


def required_columns_text(kind: str) -> str:
    """French list of the required columns of a file kind."""
    required = PLANNED_REQUIRED if kind == "planned" else HOURS_REQUIRED
    return ", ".join(f"« {FIELDS[f]} »" for f in required)


def accepted_columns_text() -> str:
    """French list of every recognised column, for error messages."""
    return "colonnes reconnues : " + ", ".join(FIELDS.values()) + " (voir docs/clause_export_format.md)"


def expected_columns_text(kind: str) -> str:
    """French list of the required and accepted columns, for error messages."""
    return f"colonnes obligatoires {required_columns_text(kind)} ; {accepted_columns_text()}"
