"""Definitions of the columns users download (the "À propos" sheet of every XLSX), in French.

Keyed by the mart column (`Col.key`); a column without an entry gets the definition of its kind
(`KIND`). The words follow the *Méthode* page and docs/indicators.md.
"""
from __future__ import annotations

COLUMNS = {
    "n_participants": "Personnes distinctes (identifiant pseudonyme) ayant au moins une ligne d'exécution "
                      "dans le périmètre.",
    "hours_planned": "Heures d'insertion prévues par les clauses des marchés (lots) du périmètre.",
    "hours_worked": "Heures d'insertion réalisées, déclarées par les facilitateurs dans leurs suivis d'exécution.",
    "realisation_rate": "Heures réalisées / heures prévues, en pourcentage.",
    "fte": "Équivalents temps plein : heures réalisées / 1 607 heures.",
    "hours_per_participant": "Heures réalisées / participants.",
    "women_share": "Part de femmes parmi les participants, en pourcentage.",
    "qpv_share": "Part de résidents d'un quartier prioritaire de la politique de la ville (QPV), en pourcentage.",
    "tenant_share": "Part de participants locataires du maître d'ouvrage, en pourcentage.",
    "under_26_share": "Part de participants de moins de 26 ans, en pourcentage.",
    "n_leavers": "Participants sortis : le parcours a une date de fin passée et n'est pas en cours.",
    "n_known": "Sortants dont la situation (fin de parcours ou 6 mois après) est renseignée.",
    "n_unknown": "Sortants dont la situation n'est pas renseignée : ils n'entrent pas dans le taux.",
    "n_durable": "Sortants en emploi durable (selon la définition choisie : large ou stricte).",
    "n_transition": "Sortants en emploi de transition (CDD ou intérim de moins de 6 mois, contrats aidés).",
    "n_positive": "Sortants en sortie positive (formation qualifiante, autre structure d'insertion...).",
    "n_other": "Autres sorties (sans emploi ni formation, abandon...).",
    "n_dynamic": "Sorties dynamiques : emploi durable + emploi de transition + sortie positive.",
    "dynamic_exit_rate": "Taux de sortie dynamique = sorties dynamiques / sortants de situation connue, en "
                         "pourcentage.",
    "ci_low": "Borne basse de l'intervalle de confiance à 95 % du taux (méthode de Wilson), en pourcentage.",
    "ci_high": "Borne haute de l'intervalle de confiance à 95 % du taux (méthode de Wilson), en pourcentage.",
    "reliability": "« fragile » : taux calculé sur moins de 30 sortants de situation connue ; « inconnus > "
                   "30 % » : plus de 30 % des sortants ont une situation inconnue.",
    "anru_floor_hours": "Plancher ANRU : heures réservées aux habitants des QPV (5 % des heures estimées des "
                        "travaux d'investissement, 10 % de celles des contrats de GUP).",
    "hours_worked_qpv": "Heures réalisées par des résidents d'un QPV.",
    "anru_floor_rate": "Heures réalisées par des résidents QPV / plancher ANRU, en pourcentage.",
    "n_contracts": "Marchés publics (DECP) du périmètre.",
    "n_clause": "Marchés dont les considérations sociales déclarent une clause sociale.",
    "n_social": "Marchés avec au moins une considération sociale (clause, critère ou marché réservé).",
    "n_unknown_status": "Marchés au format 2019, sans information sociale : statut inconnu (jamais compté "
                        "« sans clause »).",
    "share_clause": "Marchés avec clause / marchés au statut connu, en pourcentage.",
    "share_social": "Marchés avec considération sociale / marchés au statut connu, en pourcentage.",
    "amount": "Montant du marché en euros hors taxes (DECP).",
    "notification_date": "Date de notification du marché (jj/mm/aaaa).",
    "year": "Année (notification des marchés, début des contrats de travail, ou sortie pour les sorties).",
    "row_label": "Valeur de la ventilation choisie (« Total » : l'ensemble du périmètre).",
}

KIND = {
    "int": "Nombre.",
    "num1": "Nombre (une décimale).",
    "num2": "Nombre (deux décimales).",
    "pct": "Pourcentage.",
    "eur": "Montant en euros.",
    "hours": "Nombre d'heures.",
    "fte": "Équivalents temps plein.",
    "date": "Date (jj/mm/aaaa).",
    "year": "Année.",
    "text": "Texte.",
}


def of(col) -> str:
    """The definition of a `dashboard.tables.Col`."""
    if col.key in COLUMNS:
        return COLUMNS[col.key]
    if col.kind.startswith("code:"):
        return "Libellé (nomenclature de la page Méthode)."
    return KIND.get(col.kind, "")
