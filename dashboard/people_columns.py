"""The columns of the people marts' tables (mart_hours, mart_participants, mart_exits), labelled
once for the pages that show them: a page picks its columns by mart column name."""
from __future__ import annotations

from dashboard import glossary
from dashboard.tables import Col

_ALL = [
    Col("row_label", "Valeur"),
    # hours and participants
    Col("n_participants", "Participants", "int"), Col("hours_worked", "Heures réalisées", "hours"),
    Col("hours_planned", "Heures prévues", "hours"), Col("realisation_rate", "Taux de réalisation", "pct"),
    Col("fte", "ETP", "fte"), Col("n_employment_contracts", "Contrats de travail", "int"),
    Col("hours_per_participant", "Heures par participant", "hours"),
    Col("employment_contracts_per_participant", "Contrats de travail par participant", "num2"),
    Col("procurement_contracts_per_participant", "Marchés par participant", "num2"),
    Col("pooled_share", "Parcours sur 2 marchés ou plus", "pct"),
    Col("avg_path_months", "Durée moyenne du parcours (mois)", "num1"),
    Col("women_share", "Part de femmes", "pct"), Col("qpv_share", "Part de résidents QPV", "pct"),
    Col("tenant_share", "Part de locataires du MO", "pct"), Col("under_26_share", "Part de moins de 26 ans", "pct"),
    # exits
    Col("n_leavers", "Sortants", "int"), Col("n_known", "Situation connue", "int"),
    *(Col(f"n_{code}", label, "int") for code, label in glossary.OUTCOME_CATEGORY.items()),  # n_durable...
    Col("dynamic_exit_rate", "Taux de sortie dynamique", "pct"),
    Col("ci_low", "IC 95 % bas", "pct"), Col("ci_high", "IC 95 % haut", "pct"), Col("reliability", "Fiabilité"),
]
COLUMNS = {c.key: c for c in _ALL}


def pick(*keys: str, **kinds: str) -> list[Col]:
    """The columns named `keys`, in that order; `kinds` changes a column's formatting
    (`hours_per_participant="num1"`)."""
    return [Col(k, COLUMNS[k].label, kinds[k]) if k in kinds else COLUMNS[k] for k in keys]
