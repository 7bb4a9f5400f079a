"""French labels for every code stored in the tables (docs/data_model.md), read from the one code
table (data/reference/codes.csv through pipelines/codes.py): nothing here defines a code.

`label(kind, code)` gives the label a user reads; unknown codes come back as they are so nothing
is hidden. `GLOSSARY` lists every kind with its labels for the "Méthode" page.
"""
from __future__ import annotations

from pipelines import codes
from pipelines.reference import REFERENCE_DIR

# Every list below is a domain of the one code table (data/reference/codes.csv, pipelines/codes.py).
BUYER_TYPE = codes.labels("buyer_type")
BUYER_TYPE_RULE = codes.labels("buyer_type_rule")
NATURE = codes.labels("nature")
PROCEDURE = codes.labels("procedure")
SECTOR = codes.labels("sector")
TERRITORY_STATUS = codes.labels("territory_status")
AMOUNT_FLAG = codes.labels("amount_flag")
AMOUNT_BRACKET = codes.labels("amount_bracket")
PLACE_TYPE = codes.labels("place_type")
FORMAT_VERSION = codes.labels("format_version")
SOURCE_FORMAT = codes.labels("source_format")
INGEST_KIND = codes.labels("ingest_kind")
INGEST_STATUS = codes.labels("ingest_status")
MODALITY = codes.labels("modality")
GENDER = codes.labels("gender")
AGE_BAND = codes.labels("age_band")
QUALIFICATION_LEVEL = codes.labels("qualification_level")
PUBLIC = codes.labels("public")
EMPLOYMENT_CONTRACT_TYPE = codes.labels("employment_contract_type")
OUTCOME = codes.labels("outcome")
OUTCOME_CATEGORY = codes.labels("outcome_category")
DURABLE_DEFINITION = codes.labels("durable_definition")
TRADE = codes.labels("trade")
CONTRACT_KIND = codes.labels("contract_kind")
LEGAL_BASIS = codes.labels("legal_basis")
SCOPE_TYPE = codes.labels("scope_type")
SOCIAL_STATUS = codes.labels("social_status")
SOCIAL_FILTER = codes.labels("social_filter")
MATCH_STATUS = codes.labels("match_status")
YES_NO = codes.labels("yes_no")
REJECT_FIELD = codes.labels("reject_field")
SETTING = codes.labels("setting")


def _departements() -> dict[str, str]:
    """Names of the observed region's départements (reference extract, not a code list)."""
    import csv

    with open(REFERENCE_DIR / "departements.csv", encoding="utf-8") as f:
        return {r["departement_code"]: r["departement_name"] for r in csv.DictReader(f)
                if r["region_code"] == "32"}


DEPARTEMENT = _departements()

GLOSSARY: dict[str, tuple[str, dict[str, str]]] = {
    "buyer_type": ("Type d'acheteur", BUYER_TYPE),
    "buyer_type_rule": ("Règle de typage de l'acheteur", BUYER_TYPE_RULE),
    "nature": ("Nature du contrat", NATURE),
    "procedure": ("Procédure", PROCEDURE),
    "sector": ("Secteur", SECTOR),
    "territory_status": ("Territoire d'exécution", TERRITORY_STATUS),
    "amount_flag": ("Anomalie de montant", AMOUNT_FLAG),
    "amount_bracket": ("Tranche de montant", AMOUNT_BRACKET),
    "place_type": ("Type de code de lieu", PLACE_TYPE),
    "format_version": ("Format DECP", FORMAT_VERSION),
    "source_format": ("Format de fichier", SOURCE_FORMAT),
    "kind": ("Type de fichier chargé", INGEST_KIND),
    "status": ("Statut de chargement", INGEST_STATUS),
    "modality": ("Modalité de réalisation", MODALITY),
    "gender": ("Sexe", GENDER),
    "age_band": ("Tranche d'âge", AGE_BAND),
    "qualification_level": ("Niveau de qualification", QUALIFICATION_LEVEL),
    "public": ("Public éligible", PUBLIC),
    "employment_contract_type": ("Type de contrat de travail", EMPLOYMENT_CONTRACT_TYPE),
    "outcome": ("Situation à la sortie", OUTCOME),
    "outcome_category": ("Catégorie de sortie", OUTCOME_CATEGORY),
    "durable_definition": ("Définition de l'emploi durable", DURABLE_DEFINITION),
    "trade": ("Corps d'état", TRADE),
    "contract_kind": ("Nature des prestations", CONTRACT_KIND),
    "legal_basis": ("Fondement juridique de la clause", LEGAL_BASIS),
    "scope_type": ("Périmètre d'objectif", SCOPE_TYPE),
    "social_status": ("Statut social du marché", SOCIAL_STATUS),
    "match_status": ("Rapprochement déclaré / exécuté", MATCH_STATUS),
    "yes_no": ("Oui / non", YES_NO),
    "reject_field": ("Champ d'un export de clauses", REJECT_FIELD),
    "departement": ("Département", DEPARTEMENT),
}


def label(kind: str, code) -> str:
    """French label of `code` in the glossary `kind`; the code itself when unknown, "Non renseigné" when null."""
    if code is None or (isinstance(code, float) and code != code):
        return "Non renseigné"
    if kind == "buyer_type_rule" and str(code).startswith("name:"):
        return f"Nom de l'acheteur (« {str(code)[5:]} »)"
    if kind == "buyer_type_rule" and str(code).startswith("categorie:"):
        return f"Catégorie de l'acheteur (« {str(code)[10:]} »)"
    if kind == "buyer_type_rule" and str(code).startswith("siren:"):
        return f"Début du SIREN ({str(code)[6:]})"
    if kind in GLOSSARY:
        mapping = GLOSSARY[kind][1]
    else:
        mapping = codes.labels(kind) if kind in codes.domains() else {}
    return mapping.get(str(code), str(code))


def labeller(kind: str):
    """A one-argument function for `format_func` of Streamlit widgets."""
    return lambda code: label(kind, code)
