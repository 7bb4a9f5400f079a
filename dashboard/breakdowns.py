"""Breakdown marts (docs/marts.md, "Conventions"): dimension choices in French and row labels."""
from __future__ import annotations

import pandas as pd

from dashboard import glossary

# dimension code -> French name, per mart family
CONTRACT_DIMENSIONS = {
    "year": "Année de notification",
    "buyer_type": "Type d'acheteur",
    "sector": "Secteur",
    "cpv_division": "Division CPV",
    "departement": "Département",
    "epci": "Intercommunalité (EPCI)",
    "procedure": "Procédure",
    "nature": "Nature du contrat",
    "amount_bracket": "Tranche de montant",
    "landlord": "Bailleur social",
    "format_version": "Format DECP",
    "supplier_siae": "Titulaire structure d'insertion (SIAE)",
}

HOURS_DIMENSIONS = {
    "year": "Année",
    "sector": "Secteur",
    "trade": "Corps d'état",
    "contract_kind": "Nature des prestations",
    "gender": "Sexe",
    "age_band": "Tranche d'âge",
    "public": "Public éligible",
    "qualification": "Niveau de qualification",
    "qpv_resident": "Résident QPV",
    "tenant_of_buyer": "Locataire du maître d'ouvrage",
    "modality": "Modalité de réalisation",
    "employment_contract_type": "Type de contrat de travail",
    "operation_departement": "Département de l'opération",
    "operation_epci": "EPCI de l'opération",
    "operation_commune": "Commune de l'opération",
    "residence_epci": "EPCI de résidence",
    "residence_commune": "Commune de résidence",
    "buyer_type": "Type de maître d'ouvrage",
    "buyer": "Maître d'ouvrage",
    "operation": "Opération",
}

PARTICIPANT_DIMENSIONS = {
    "year": "Année d'entrée en parcours",
    "gender": "Sexe",
    "age_band": "Tranche d'âge",
    "qualification": "Niveau de qualification",
    "public": "Public éligible",
    "qpv_resident": "Résident QPV",
    "tenant_of_buyer": "Locataire du maître d'ouvrage",
    "modality": "Modalité de réalisation",
    "residence_epci": "EPCI de résidence",
    "residence_commune": "Commune de résidence",
    "buyer": "Maître d'ouvrage",
    "operation": "Opération",
}

EXIT_DIMENSIONS = {
    "year": "Année de sortie",
    "operation": "Opération",
    "operation_departement": "Département de l'opération",
    "operation_epci": "EPCI de l'opération",
    "operation_commune": "Commune de l'opération",
    "residence_commune": "Commune de résidence",
    "public": "Public éligible",
    "gender": "Sexe",
    "age_band": "Tranche d'âge",
    "qualification": "Niveau de qualification",
    "qpv_resident": "Résident QPV",
    "modality": "Modalité (dernier contrat)",
    "buyer": "Maître d'ouvrage (dernier contrat)",
}

# dimension -> glossary kind, for a row the mart left without a label (the marts label every code
# from stg_codes: int_dimension_labels)
_KIND = {
    "buyer_type": "buyer_type",
    "sector": "sector",
    "procedure": "procedure",
    "nature": "nature",
    "format_version": "format_version",
    "amount_bracket": "amount_bracket",
    "trade": "trade",
    "contract_kind": "contract_kind",
    "gender": "gender",
    "age_band": "age_band",
    "public": "public",
    "qualification": "qualification_level",
    "modality": "modality",
    "employment_contract_type": "employment_contract_type",
    "qpv_resident": "yes_no",
    "tenant_of_buyer": "yes_no",
    "pooled": "yes_no",
    "departement": "departement",
}

NON_ADDITIVE_NOTE = ("Une personne relevant de plusieurs valeurs (plusieurs publics, opérations, "
                     "maîtres d'ouvrage ou modalités) est comptée une fois dans chacune : "
                     "les lignes ne s'additionnent pas au total.")


def _present(label) -> bool:
    return label is not None and not (isinstance(label, float) and label != label) and str(label) != ""


def row_label(dimension: str, value, label) -> str:
    """French label of one breakdown row: the mart's label (from stg_codes for codes), else the
    code table's."""
    if value == "total":
        return "Total"
    if _present(label):
        if dimension in ("departement", "operation_departement") and not str(label).startswith(str(value)):
            return f"{value} {label}"
        return str(label)
    if value is None or value == "unknown":
        return "Non renseigné"
    if value is True or value is False:
        value = "yes" if value else "no"
    if value == "other_buyers":
        return glossary.label("buyer_group", value)
    if dimension in _KIND:
        return glossary.label(_KIND[dimension], value)
    return str(value)


def labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Every row of a breakdown mart's answer, total row included, in the mart's order (`sort_key`:
    the total row last), with a `row_label` column: the table of a breakdown chart."""
    if df.empty:
        return df.assign(row_label=pd.Series(dtype=str))
    df = df.sort_values("sort_key") if "sort_key" in df.columns else df
    df = df.reset_index(drop=True)
    df["row_label"] = [row_label(d, v, lab) for d, v, lab in
                       zip(df.get("dimension", pd.Series([""] * len(df))), df["value"],
                           df["label"] if "label" in df.columns else [None] * len(df))]
    return df


def split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """(sorted non-total rows with a `row_label` column, total row or None)."""
    if df.empty:
        return labelled(df), None
    df = labelled(df)
    is_total = df["is_total"].fillna(False).astype(bool) if "is_total" in df.columns else df["value"].eq("total")
    total = df[is_total]
    rows = df[~is_total].reset_index(drop=True)
    return rows, (total.iloc[0] if len(total) else None)


def is_additive(df: pd.DataFrame) -> bool:
    if "is_additive" in df.columns and len(df):
        return bool(df["is_additive"].fillna(True).all())
    return True
