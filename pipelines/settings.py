"""Every tunable setting of the observatory, in one place.

Each setting has a default, an environment variable that overrides it, and a French description.
`docs/settings.md` documents them all; a test fails when one is missing there.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    description: str

    def value(self):
        raw = os.environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        if isinstance(self.default, bool):
            return raw.strip().lower() in ("1", "true", "oui", "yes")
        if isinstance(self.default, int):
            return int(raw)
        if isinstance(self.default, float):
            return float(raw)
        return raw


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("db_path", "OBSERVATOIRE_DB", str(PROJECT_ROOT / "data" / "observatoire.duckdb"),
                "Chemin de la base DuckDB lue par le tableau de bord et écrite par le build."),
        Setting("region_code", "OBSERVATOIRE_REGION", "32",
                "Code INSEE de la région observée (32 = Hauts-de-France)."),
        Setting("salt_path", "OBSERVATOIRE_SALT_FILE", str(PROJECT_ROOT / "data" / "secret" / "salt"),
                "Fichier du sel secret utilisé pour pseudonymiser les identifiants des participants ; "
                "créé au premier usage, jamais stocké dans la base."),
        Setting("failed_builds_kept", "OBSERVATOIRE_FAILED_BUILDS_KEPT", 3,
                "Nombre de bases candidates en échec gardées à côté de la base pour inspection "
                "(`CHEMIN.failed-<date>`) ; les plus anciennes sont supprimées, 0 n'en garde aucune."),
        Setting("build_memory_limit", "OBSERVATOIRE_BUILD_MEMORY_LIMIT", "1GB",
                "Mémoire maximale de DuckDB pendant le build (au-delà, DuckDB écrit sur disque) ; "
                "garde le build sous 2 Go même sur un fichier national."),
        Setting("clause_max_cell_chars", "OBSERVATOIRE_CLAUSE_MAX_CELL_CHARS", 32767,
                "Longueur maximale d'une cellule d'un export de clauses (32 767 = limite d'Excel) ; "
                "au-delà, la valeur est rejetée (colonne lue) ou écartée (colonne ignorée), "
                "le reste de la ligne est gardé."),
        Setting("clause_max_columns", "OBSERVATOIRE_CLAUSE_MAX_COLUMNS", 1000,
                "Nombre maximal de colonnes lues d'un export de clauses ; les suivantes sont ignorées "
                "avec un avertissement."),
        Setting("fte_hours", "OBSERVATOIRE_FTE_HOURS", 1607,
                "Heures annuelles d'un équivalent temps plein (1 607 ; 1 600 et 1 820 sont aussi en usage)."),
        Setting("secrecy_threshold", "OBSERVATOIRE_SECRECY_THRESHOLD", 5,
                "Nombre minimal de personnes sous lequel une cellule est masquée (secret statistique)."),
        Setting("secrecy_threshold_sensitive", "OBSERVATOIRE_SECRECY_THRESHOLD_SENSITIVE", 11,
                "Seuil de masquage quand un public sensible (RQTH, minima sociaux) est croisé avec une "
                "commune ou un QPV."),
        Setting("ranking_min_contracts", "OBSERVATOIRE_RANKING_MIN_CONTRACTS", 10,
                "Nombre minimal de marchés au statut connu pour qu'une ligne (acheteur, territoire...) soit "
                "classée, nommée dans une phrase de synthèse ou colorée sur une carte."),
        Setting("durable_definition", "OBSERVATOIRE_DURABLE_DEFINITION", "broad",
                "Définition de l'emploi durable : « broad » (CDI, CDD ou intérim de 6 mois et plus, "
                "fonction publique, création d'entreprise) ou « strict » (CDI ou CDD de 6 mois et plus)."),
        Setting("access_path", "OBSERVATOIRE_ACCESS_FILE", str(PROJECT_ROOT / "data" / "secret" / "acces.csv"),
                "Fichier d'accès (CSV : identifiant;role;siren;operations;territoires) : qui a quel rôle "
                "une fois connecté ; relu dès qu'il change."),
        Setting("demo_mode", "OBSERVATOIRE_DEMO_MODE", "auto",
                "Mode démonstration (choix du rôle sans connexion) : « auto » sur la base de démonstration "
                "quand la connexion n'est pas configurée, « on » le demande (refusé sur une autre base), "
                "« off » l'interdit."),
        Setting("access_contact", "OBSERVATOIRE_ACCESS_CONTACT",
                "l'équipe de l'observatoire (DREETS Hauts-de-France)",
                "À qui une personne connectée sans accès doit écrire (texte affiché)."),
        Setting("run_log_path", "OBSERVATOIRE_RUN_LOG", "",
                "Fichier où le tableau de bord ajoute une ligne JSON par exécution de page (durée, temps "
                "CPU) pour le banc d'essai de charge ; vide (par défaut) : rien n'est écrit."),
    ]
}


def get(name: str):
    """Current value of a setting (environment variable first, then default)."""
    return SETTINGS[name].value()
