"""The vocabulary of the clause-execution exports: the French labels of every coded field mapped to
the codes of docs/data_model.md, and the lookups `code` / `codes`. The cell parsers (numbers,
dates, yes/no, identifiers) are pipelines/cells.py.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipelines import codes as code_table
from pipelines.cells import BadValue, is_empty, text
from pipelines.text import fold


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
    table = code_table.labels(_DOMAIN.get(kind, kind))
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


def folded_code(kind: str, folded: str) -> str | None:
    """The code whose label folds (pipelines.text.fold) to `folded`, None when there is none."""
    return _INDEXES[kind].get(folded)


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
