"""French labels for every code stored in the tables (docs/data_model.md).

`label(kind, code)` gives the label a user reads; unknown codes come back as they are so nothing
is hidden. `GLOSSARY` lists every kind with its codes for the "Méthode" page.
"""
from __future__ import annotations

BUYER_TYPE = {
    "landlord": "Bailleur social",
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "departement": "Département",
    "region": "Région",
    "state": "État",
    "hospital": "Établissement hospitalier",
    "other": "Autre acheteur",
}

BUYER_TYPE_RULE = {
    "register": "Registre des acheteurs",
    "default": "Par défaut",
}

NATURE = {
    "marche": "Marché",
    "marche_partenariat": "Marché de partenariat",
    "marche_defense": "Marché de défense ou de sécurité",
    "accord_cadre": "Accord-cadre",
    "marche_subsequent": "Marché subséquent",
    "concession_travaux": "Concession de travaux",
    "concession_service": "Concession de service",
    "concession_service_public": "Concession de service public",
    "delegation_service_public": "Délégation de service public",
    "other": "Autre",
}

PROCEDURE = {
    "adapted": "Procédure adaptée",
    "open_tender": "Appel d'offres ouvert",
    "restricted_tender": "Appel d'offres restreint",
    "negotiated": "Procédure avec négociation",
    "no_competition": "Sans publicité ni mise en concurrence",
    "competitive_dialogue": "Dialogue compétitif",
    "design_contest": "Concours",
    "innovation_partnership": "Partenariat d'innovation",
    "concession_negotiated_open": "Concession : procédure négociée ouverte",
    "concession_open": "Concession : procédure non négociée ouverte",
    "concession_negotiated_restricted": "Concession : procédure négociée restreinte",
    "concession_restricted": "Concession : procédure non négociée restreinte",
    "other": "Autre procédure",
    "unknown": "Procédure inconnue",
}

SECTOR = {
    "works": "Travaux (BTP)",
    "cleaning_waste": "Propreté et déchets",
    "green_spaces": "Espaces verts",
    "intellectual_services": "Prestations intellectuelles",
    "other_services": "Autres services",
    "supplies": "Fournitures",
    "construction": "Bâtiment et travaux publics",
    "cleaning": "Propreté et nettoyage",
    "waste": "Déchets",
    "services": "Services",
    "other": "Autres secteurs",
    "unknown": "Secteur inconnu",
}

TERRITORY_STATUS = {
    "resolved": "Commune identifiée",
    "departement_only": "Département seulement",
    "region_only": "Région seulement",
    "unknown": "Territoire inconnu",
}

AMOUNT_FLAG = {
    "zero": "Montant nul",
    "placeholder": "Montant fictif (valeur de remplissage)",
    "unparsable": "Montant illisible",
}

PLACE_TYPE = {
    "code_postal": "Code postal",
    "code_commune": "Code commune",
    "code_arrondissement": "Code arrondissement",
    "code_canton": "Code canton",
    "code_departement": "Code département",
    "code_region": "Code région",
    "code_pays": "Code pays",
}

FORMAT_VERSION = {"2019": "Format 2019 (sans information sociale)", "2022": "Format 2022"}
SOURCE_FORMAT = {"json": "JSON", "xml": "XML", "csv": "CSV", "xlsx": "XLSX", "parquet": "Parquet"}

INGEST_KIND = {
    "decp": "Données essentielles (DECP)",
    "clauses": "Exécution des clauses",
    "planned": "Heures prévues",
    "buyers": "Registre des acheteurs",
    "targets": "Objectifs",
}

INGEST_STATUS = {"ok": "OK", "warnings": "Avec avertissements", "failed": "Échec"}

MODALITY = {
    "direct_hire": "Embauche directe",
    "siae_provision": "Mise à disposition (ETTI, AI)",
    "geiq": "GEIQ",
    "siae_subcontracting": "Sous-traitance à une SIAE",
    "training": "Formation",
    "other": "Autre modalité",
}

GENDER = {"F": "Femmes", "M": "Hommes"}

AGE_BAND = {"<26": "Moins de 26 ans", "26-49": "26 à 49 ans", "50+": "50 ans et plus"}

QUALIFICATION_LEVEL = {
    "infra_3": "Sans diplôme (infra 3)",
    "3": "Niveau 3 (CAP, BEP)",
    "4": "Niveau 4 (bac)",
    "5_plus": "Niveau 5 et plus",
}

PUBLIC = {
    "deld": "Demandeur d'emploi de longue durée",
    "rsa": "Bénéficiaire du RSA",
    "ass": "Bénéficiaire de l'ASS",
    "aah": "Bénéficiaire de l'AAH",
    "young_low_qualified": "Jeune de moins de 26 ans peu qualifié",
    "rqth": "Travailleur handicapé (RQTH)",
    "qpv_resident": "Résident d'un QPV",
    "senior": "Senior",
    "refugee": "Réfugié",
    "other": "Autre public",
}

EMPLOYMENT_CONTRACT_TYPE = {
    "cdi": "CDI",
    "cdd": "CDD",
    "interim": "Intérim",
    "cddi": "CDD d'insertion",
    "apprenticeship": "Apprentissage",
    "professionalisation": "Contrat de professionnalisation",
    "other": "Autre contrat",
}

OUTCOME = {
    "cdi": "CDI",
    "cdd_6m_plus": "CDD de 6 mois ou plus",
    "interim_6m_plus": "Intérim de 6 mois ou plus",
    "civil_service": "Emploi dans la fonction publique",
    "business_creation": "Création d'entreprise",
    "cdd_under_6m": "CDD de moins de 6 mois",
    "interim_under_6m": "Intérim de moins de 6 mois",
    "subsidised_contract": "Contrat aidé",
    "qualifying_training": "Formation qualifiante",
    "siae_hire": "Embauche en SIAE",
    "unemployment": "Chômage",
    "inactivity": "Inactivité",
    "other": "Autre situation",
    "ongoing": "Parcours en cours",
    "unknown": "Situation inconnue",
}

OUTCOME_CATEGORY = {
    "durable": "Emploi durable",
    "transition": "Emploi de transition",
    "positive": "Sortie positive",
    "other": "Autre sortie",
    "unknown": "Inconnue",
    "ongoing": "Parcours en cours",
}

TRADE = {
    "painting": "Peinture",
    "masonry": "Maçonnerie",
    "structural_work": "Gros œuvre",
    "steel_framing": "Charpente métallique",
    "roofing": "Couverture",
    "plumbing": "Plomberie",
    "electricity": "Électricité",
    "joinery": "Menuiserie",
    "road_works": "Voirie et réseaux",
    "green_spaces": "Espaces verts",
    "cleaning": "Nettoyage",
    "waste": "Déchets",
    "demolition": "Démolition",
    "engineering": "Ingénierie",
    "other": "Autre corps d'état",
}

CONTRACT_KIND = {
    "works": "Travaux (investissement)",
    "gup": "Gestion urbaine de proximité (GUP)",
    "services": "Services",
}

LEGAL_BASIS = {
    "execution_condition": "Condition d'exécution (L2112-2)",
    "award_criterion": "Critère d'attribution (R2152-7)",
    "insertion_contract": "Marché d'insertion et de qualification (R2123-1)",
    "reserved_siae": "Marché réservé aux SIAE (L2113-13)",
    "reserved_ea": "Marché réservé aux EA/ESAT (L2113-12)",
}

SCOPE_TYPE = {"operation": "Opération", "buyer": "Maître d'ouvrage"}

SOCIAL_STATUS = {
    "social": "Avec considération sociale",
    "no_social": "Sans considération sociale",
    "unknown": "Statut inconnu (format 2019)",
}

MATCH_STATUS = {
    "matched": "Rapproché d'un marché DECP",
    "declared_not_executed": "Clause déclarée, aucune exécution suivie",
    "executed_not_declared": "Exécution suivie, clause non déclarée",
    "not_in_decp": "Marché absent des DECP",
    "no_contract_id": "Sans identifiant de marché",
    "unmatched": "Non rapproché",
}

DEPARTEMENT = {
    "02": "Aisne",
    "59": "Nord",
    "60": "Oise",
    "62": "Pas-de-Calais",
    "80": "Somme",
}

GLOSSARY: dict[str, tuple[str, dict[str, str]]] = {
    "buyer_type": ("Type d'acheteur", BUYER_TYPE),
    "buyer_type_rule": ("Règle de typage de l'acheteur", BUYER_TYPE_RULE),
    "nature": ("Nature du contrat", NATURE),
    "procedure": ("Procédure", PROCEDURE),
    "sector": ("Secteur", SECTOR),
    "territory_status": ("Territoire d'exécution", TERRITORY_STATUS),
    "amount_flag": ("Anomalie de montant", AMOUNT_FLAG),
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
    "trade": ("Corps d'état", TRADE),
    "contract_kind": ("Nature des prestations", CONTRACT_KIND),
    "legal_basis": ("Fondement juridique de la clause", LEGAL_BASIS),
    "scope_type": ("Périmètre d'objectif", SCOPE_TYPE),
    "social_status": ("Statut social du marché", SOCIAL_STATUS),
    "match_status": ("Rapprochement déclaré / exécuté", MATCH_STATUS),
    "departement": ("Département", DEPARTEMENT),
}


def label(kind: str, code) -> str:
    """French label of `code` in the glossary `kind`; the code itself when unknown, "Non renseigné" when null."""
    if code is None or (isinstance(code, float) and code != code):
        return "Non renseigné"
    if kind == "buyer_type_rule" and str(code).startswith("name:"):
        return f"Nom de l'acheteur (« {str(code)[5:]} »)"
    mapping = GLOSSARY.get(kind, ("", {}))[1]
    return mapping.get(str(code), str(code))


def labeller(kind: str):
    """A one-argument function for `format_func` of Streamlit widgets."""
    return lambda code: label(kind, code)
