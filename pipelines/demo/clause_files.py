"""Writing the facilitators' execution exports of the demo: each facilitator has its own habits
(separator, encoding, date style, decimal comma, header spelling, labels, XLSX), like real exports,
plus a separate planned-hours file for the facilitator whose export has no planned hours.

XLSX files are written by openpyxl and made byte-reproducible: fixed document properties, zip
entries re-packed with fixed timestamps and a stable order.
"""
from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from pipelines.demo.execution import Line
from pipelines.demo.procurement import Contract

FIXED_TIME = datetime(2026, 1, 5, 8, 0, 0)

LABELS = {
    "buyer_type": {"landlord": "Bailleur social", "commune": "Commune", "epci": "EPCI",
                   "departement": "Département", "region": "Région", "state": "État",
                   "hospital": "Centre hospitalier", "other": "Autre"},
    "modality": {"direct_hire": "Embauche directe", "siae_provision": "Mise à disposition (ETTI, AI)",
                 "geiq": "GEIQ", "siae_subcontracting": "Sous-traitance à une SIAE", "training": "Formation"},
    "gender": {"F": "Femme", "M": "Homme"},
    "qualification_level": {"infra_3": "Sans diplôme", "3": "CAP/BEP", "4": "Bac", "5_plus": "Bac+2 et plus"},
    "publics": {"deld": "DELD", "rsa": "RSA", "ass": "ASS", "aah": "AAH", "young_low_qualified": "Jeune peu qualifié",
                "rqth": "RQTH", "qpv_resident": "Résident QPV", "senior": "Senior", "refugee": "Réfugié"},
    "employment_contract_type": {"cdi": "CDI", "cdd": "CDD", "interim": "Intérim", "cddi": "CDDI",
                                 "apprenticeship": "Contrat d'apprentissage",
                                 "professionalisation": "Contrat de professionnalisation", "other": "Autre"},
    "outcome": {"cdi": "CDI", "cdd_6m_plus": "CDD de 6 mois et plus", "interim_6m_plus": "Intérim de 6 mois et plus",
                "civil_service": "Fonction publique", "business_creation": "Création d'entreprise",
                "cdd_under_6m": "CDD de moins de 6 mois", "interim_under_6m": "Intérim de moins de 6 mois",
                "subsidised_contract": "Contrat aidé", "qualifying_training": "Formation qualifiante",
                "siae_hire": "Embauche par une autre SIAE", "unemployment": "Demandeur d'emploi",
                "inactivity": "Inactivité", "other": "Autre", "ongoing": "En cours"},
    "trade": {"painting": "Peinture", "masonry": "Maçonnerie", "structural_work": "Gros œuvre",
              "steel_framing": "Serrurerie-métallerie", "roofing": "Couverture", "plumbing": "Plomberie",
              "electricity": "Électricité", "joinery": "Menuiserie", "road_works": "VRD",
              "green_spaces": "Espaces verts", "cleaning": "Nettoyage", "waste": "Déchets",
              "demolition": "Démolition", "engineering": "Maîtrise d'œuvre", "other": "Tous corps d'état"},
    "contract_kind": {"works": "Travaux", "gup": "GUP", "services": "Services"},
    "legal_basis": {"execution_condition": "Condition d'exécution (L2112-2)",
                    "insertion_contract": "Marché d'insertion (R2123-1)", "award_criterion": "Critère d'attribution",
                    "reserved_siae": "Marché réservé SIAE", "reserved_ea": "Marché réservé EA"},
}
# per-facilitator label habits (shorter or older spellings)
LABEL_VARIANTS = {
    "artois": {"gender": {"F": "F", "M": "H"}, "modality": {"siae_provision": "ETTI", "direct_hire": "Embauche"},
               "qualification_level": {"infra_3": "Niveau VI", "3": "Niveau V", "4": "Niveau IV", "5_plus": "Niveau III"},
               "outcome": {"unemployment": "Chômage", "cdd_6m_plus": "CDD >= 6 mois", "cdd_under_6m": "CDD < 6 mois",
                           "interim_6m_plus": "Intérim >= 6 mois", "interim_under_6m": "Intérim < 6 mois"}},
    "hainaut": {"gender": {"F": "F", "M": "M"}, "employment_contract_type": {"cddi": "CDD d'insertion",
                                                                               "interim": "Intérim"}},
    "aisne": {"modality": {"siae_provision": "Mise à disposition", "siae_subcontracting": "Sous-traitance"},
              "outcome": {"subsidised_contract": "Contrat aidé (PEC)", "siae_hire": "Embauche SIAE"}},
}

# one yes/no column per public (the Hainaut export's habit): code -> header suffix
PUBLIC_FLAG_HEADERS = {"deld": "deld", "rsa": "rsa", "ass": "ass", "aah": "aah", "young_low_qualified": "jeune",
                       "rqth": "rqth", "qpv_resident": "qpv", "senior": "senior", "refugee": "refugie"}
# field -> header, per facilitator
HEADERS = {
    "mel": {"operation_id": "Code opération", "operation_name": "Opération", "operation_qpv": "Quartier",
            "operation_commune_code": "Commune de l'opération", "buyer_siret": "SIRET maître d'ouvrage",
            "buyer_name": "Maître d'ouvrage", "buyer_type": "Type de maître d'ouvrage", "contract_id": "N° marché",
            "lot": "Lot", "contract_object": "Objet du marché", "trade": "Corps d'état", "contract_kind": "Type de marché",
            "legal_basis": "Base juridique", "contract_amount": "Montant HT", "planned_hours": "Heures prévues",
            "company_siret": "SIRET entreprise", "modality": "Modalité", "participant_id": "Identifiant participant",
            "gender": "Sexe", "birth_year": "Année de naissance", "qualification_level": "Niveau de qualification",
            "publics": "Publics éligibles", "residence_commune_code": "Commune de résidence",
            "qpv_resident": "Résident QPV", "tenant_of_buyer": "Locataire du bailleur",
            "employment_contract_type": "Type de contrat", "start_date": "Date de début", "end_date": "Date de fin",
            "hours_worked": "Nb heures réalisées", "outcome_end": "Situation à la sortie",
            "outcome_6m": "Situation à 6 mois"},
    "hainaut": {"operation_id": "operation_id", "operation_name": "operation", "operation_qpv": "qpv_operation",
                "operation_commune_code": "code_commune_operation", "buyer_siret": "siret_mo", "buyer_name": "mo",
                "buyer_type": "type_mo", "contract_id": "id_marche", "lot": "lot", "contract_object": "objet",
                "trade": "corps_etat", "contract_kind": "type_marche", "legal_basis": "base_juridique",
                "contract_amount": "montant_ht", "planned_hours": "heures_prevues", "company_siret": "siret_entreprise",
                "modality": "modalite", "participant_id": "id_participant", "gender": "sexe",
                "birth_date": "date_naissance", "qualification_level": "niveau",
                **{f"_pub_{code}": f"public_{label}" for code, label in PUBLIC_FLAG_HEADERS.items()},
                "residence_commune_code": "commune_residence", "qpv_resident": "qpv", "tenant_of_buyer": "locataire",
                "employment_contract_type": "type_contrat", "start_date": "date_debut", "end_date": "date_fin",
                "hours_worked": "heures_realisees", "outcome_end": "sortie", "outcome_6m": "situation_6_mois"},
    "artois": {"operation_id": "CODE OPERATION", "operation_name": "OPERATION",
               "operation_commune_code": "CODE INSEE OPERATION", "operation_qpv": "QPV OPERATION", "buyer_siret": "SIRET MO",
               "buyer_name": "MAITRE D'OUVRAGE", "buyer_type": "TYPE MO", "contract_id": "NUMERO MARCHE", "lot": "LOT",
               "trade": "CORPS D'ETAT", "contract_kind": "TYPE DE MARCHE", "planned_hours": "HEURES PREVUES",
               "company_siret": "SIRET ENTREPRISE", "modality": "MODALITE", "participant_id": "ID BENEFICIAIRE",
               "_last_name": "NOM", "_first_name": "PRENOM",
               "gender": "SEXE", "age_band": "TRANCHE D'AGE", "qualification_level": "NIVEAU",
               "publics": "PUBLIC", "residence_commune_code": "CODE INSEE RESIDENCE", "qpv_resident": "RESIDENT QPV",
               "tenant_of_buyer": "LOCATAIRE", "employment_contract_type": "CONTRAT", "start_date": "DATE DEBUT",
               "end_date": "DATE FIN", "hours_worked": "NB HEURES REALISEES", "outcome_end": "SITUATION SORTIE",
               "outcome_6m": "SITUATION A 6 MOIS", "_referent": "REFERENT"},
    "littoral": {"operation_id": "Réf. opération", "operation_name": "Nom de l'opération",
                 "operation_commune_code": "Commune des travaux", "buyer_siret": "SIRET du maître d'ouvrage",
                 "buyer_name": "Nom du maître d'ouvrage", "buyer_type": "Catégorie maître d'ouvrage",
                 "contract_id": "Identifiant DECP", "lot": "N° de lot", "contract_object": "Intitulé marché",
                 "trade": "Métier", "contract_kind": "Nature du marché", "legal_basis": "Fondement juridique",
                 "contract_amount": "Montant marché HT", "planned_hours": "Heures d'insertion prévues",
                 "company_siret": "SIRET titulaire", "modality": "Modalité de mise en œuvre",
                 "participant_id": "N° bénéficiaire", "gender": "Genre", "age": "Âge à l'entrée",
                 "qualification_level": "Niveau de formation", "publics": "Public éligible",
                 "residence_commune_code": "Code commune résidence", "qpv_resident": "Habitant QPV",
                 "tenant_of_buyer": "Locataire", "employment_contract_type": "Contrat de travail",
                 "start_date": "Date d'entrée", "end_date": "Date de sortie", "hours_worked": "Heures effectuées",
                 "outcome_end": "Situation en fin de parcours", "outcome_6m": "Situation M+6"},
    "amiens": {"operation_id": "Référence opération", "operation_name": "Projet",
               "operation_commune_code": "Commune opération", "operation_qpv": "Nom QPV", "buyer_siret": "SIRET acheteur",
               "buyer_name": "Acheteur", "contract_id": "Référence marché", "lot": "Lot", "trade": "Corps de métier",
               "contract_kind": "Type de marché", "legal_basis": "Type de clause", "planned_hours": "Objectif heures",
               "company_siret": "SIRET employeur", "modality": "Mode de réalisation",
               "participant_id": "Identifiant bénéficiaire", "gender": "Sexe", "birth_year": "Année de naissance",
               "qualification_level": "Diplôme", "publics": "Statut", "residence_commune_code": "Code INSEE résidence",
               "qpv_resident": "QPV", "tenant_of_buyer": "Locataire MO", "employment_contract_type": "Nature du contrat",
               "start_date": "Début de contrat", "end_date": "Fin de contrat",
               "hours_worked": "Nombre d'heures réalisées", "outcome_end": "Situation à l'issue",
               "outcome_6m": "Suivi à 6 mois"},
    "oise": {"operation_id": "Id opération", "operation_name": "Opération",
             "operation_commune_code": "Code commune opération", "buyer_siret": "SIRET MO", "buyer_name": "MO", "contract_id": "ID marché",
             "lot": "Lot", "company_siret": "SIRET entreprise", "modality": "Modalité",
             "participant_id": "Matricule", "gender": "Genre", "birth_year": "Année naissance",
             "qualification_level": "Qualification", "publics": "Publics", "residence_commune_code": "Commune résidence",
             "qpv_resident": "Résident QPV", "tenant_of_buyer": "Locataire", "employment_contract_type": "Type contrat",
             "start_date": "Date début", "end_date": "Date fin", "hours_worked": "Heures réalisées (h)",
             "outcome_end": "Sortie", "outcome_6m": "Situation 6 mois", "_observations": "Observations"},
    "aisne": {"operation_id": "operationId", "operation_name": "operationName",
              "operation_commune_code": "operationCommuneCode", "buyer_siret": "buyerSiret", "buyer_name": "buyerName",
              "buyer_type": "buyerType", "contract_id": "contractId", "lot": "lot", "trade": "trade",
              "contract_kind": "contractKind", "planned_hours": "plannedHours", "company_siret": "companySiret",
              "modality": "modality", "participant_id": "participantId", "gender": "gender",
              "birth_year": "birthYear", "qualification_level": "qualificationLevel", "publics": "publics",
              "residence_commune_code": "residenceCommuneCode", "qpv_resident": "qpvResident",
              "tenant_of_buyer": "tenantOfBuyer", "employment_contract_type": "employmentContractType",
              "start_date": "startDate", "end_date": "endDate", "hours_worked": "heuresRealisees",
              "outcome_end": "outcomeEnd", "outcome_6m": "outcome6m"},
}
# format, encoding, delimiter, date style, decimal comma, age band labels
STYLES = {
    "mel": ("csv", "utf-8-sig", ";", "%d/%m/%Y", True),
    "hainaut": ("csv", "utf-8", ",", "%Y-%m-%d", False),
    "artois": ("csv", "cp1252", ";", "%d/%m/%Y", True),
    "littoral": ("xlsx", None, None, None, False),
    "amiens": ("csv", "utf-8-sig", ";", "%d/%m/%Y", True),
    "oise": ("xlsx", None, None, None, False),
    "aisne": ("csv", "cp1252", ",", "%d-%m-%Y", True),
}
FILE_NAMES = {"mel": "mde_metropole_suivi_clauses", "hainaut": "plie_hainaut_export", "artois": "MDE_ARTOIS_EXPORT",
              "littoral": "plie_littoral_suivi", "amiens": "mde_grand_amienois_clauses",
              "oise": "facilitateurs_oise_suivi", "aisne": "mde_aisne_export"}
AGE_BAND_LABELS = {"<26": "- de 26 ans", "26-49": "26-49 ans", "50+": "50 ans et plus"}
FIRST_NAMES = ["Karim", "Julie", "Kevin", "Sabrina", "Mehdi", "Aurélie", "Dylan", "Nadia", "Jordan", "Sandrine",
               "Mathieu", "Fatou", "Anthony", "Céline", "Yacine", "Laetitia", "Bruno", "Inès"]
LAST_NAMES = ["Lefebvre-Demo", "Dubois-Fictif", "Martin-Exemple", "Leroy-Test", "Moreau-Demo", "Petit-Fictif",
              "Lambert-Exemple", "Dupont-Test", "Fontaine-Demo", "Carpentier-Fictif"]


def _label(fac: str, kind: str, value: str | None) -> str:
    if value is None:
        return ""
    return LABEL_VARIANTS.get(fac, {}).get(kind, {}).get(value) or LABELS[kind][value]


def _number(x: float, comma: bool) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if comma else s


def _spaced(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def _row_values(fac: str, ln: Line, rng: random.Random) -> dict:
    """Field -> value (Python objects; dates and numbers formatted later by the writer)."""
    c: Contract = ln.contract
    p = ln.participant
    op = c.operation
    publics = ", ".join(_label(fac, "publics", x) for x in p.publics)
    age = ln.start.year - p.birth_year
    band = "<26" if age < 26 else ("26-49" if age < 50 else "50+")
    return {
        "operation_id": op.id if op else "", "operation_name": op.name if op else c.object.split(" — ")[-1],
        "operation_qpv": (op.qpv or "") if op else "", "operation_commune_code": op.commune if op else c.place_commune,
        "buyer_siret": c.buyer.siret, "buyer_name": c.buyer.name, "buyer_type": _label(fac, "buyer_type", c.buyer.type),
        "contract_id": c.id, "lot": c.lot or "", "contract_object": c.object, "trade": _label(fac, "trade", c.trade),
        "contract_kind": _label(fac, "contract_kind", c.kind),
        "legal_basis": _label(fac, "legal_basis", c.legal_basis) if c.legal_basis else "",
        "contract_amount": c.amount, "planned_hours": c.planned_hours, "company_siret": ln.company,
        "modality": _label(fac, "modality", ln.modality), "participant_id": p.key,
        "gender": _label(fac, "gender", p.gender), "birth_year": p.birth_year,
        "birth_date": date(p.birth_year, 1 + rng.randrange(12), 1 + rng.randrange(28)),
        "age": age, "age_band": AGE_BAND_LABELS[band],
        "qualification_level": _label(fac, "qualification_level", p.qualification), "publics": publics,
        "residence_commune_code": p.residence, "qpv_resident": "Oui" if p.qpv_resident else "Non",
        "tenant_of_buyer": ("Oui" if ln.tenant else "Non") if c.buyer.type == "landlord" else "",
        "employment_contract_type": _label(fac, "employment_contract_type", ln.contract_type),
        "start_date": ln.start, "end_date": ln.end, "hours_worked": ln.hours,
        "outcome_end": _label(fac, "outcome", ln.outcome_end), "outcome_6m": _label(fac, "outcome", ln.outcome_6m),
        "_last_name": rng.choice(LAST_NAMES), "_first_name": rng.choice(FIRST_NAMES), "_referent": f"R{rng.randrange(1, 9)}",
        "_observations": "",
        **{f"_pub_{code}": "1" if code in p.publics else "0" for code in PUBLIC_FLAG_HEADERS},
    }


def _quirk(row: dict, rng: random.Random) -> list[dict]:
    """A small rate of the errors real exports carry; returns the row(s) to write."""
    r = rng.random()
    if r < 0.005:
        return [row, dict(row)]                               # exact duplicate line
    if r < 0.008:
        row["buyer_siret"] = row["buyer_siret"][:13]          # SIRET with a digit lost
    elif r < 0.0095 and isinstance(row["start_date"], date):
        row["start_date"] = f"31/02/{row['start_date'].year}"  # impossible date
    elif r < 0.011 and row["end_date"] is not None:
        row["end_date"] = row["start_date"] - timedelta(days=rng.randrange(5, 60))  # end before start
    elif r < 0.0118:
        row["hours_worked"] = -row["hours_worked"]
    elif r < 0.0126:
        row["hours_worked"] = 9999.0 if row["end_date"] is not None else 99999.0
    elif r < 0.0145:
        row["modality"] = "Clause mutualisée"                  # unknown code
    elif r < 0.016:
        row["gender"] = "Autre"
    return [row]


def _fmt(value, date_fmt: str, comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_fmt)
    if isinstance(value, float):
        return _number(value, comma)
    return str(value)


def write_csv(path: Path, fac: str, rows: list[dict]) -> None:
    fmt, encoding, delim, date_fmt, comma = STYLES[fac]
    fields = list(HEADERS[fac])
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=delim, lineterminator="\r\n" if encoding == "cp1252" else "\n")
    w.writerow([HEADERS[fac][f] for f in fields])
    for row in rows:
        w.writerow([_fmt(row.get(f), date_fmt, comma) for f in fields])
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))


ZIP_TIME = FIXED_TIME.timetuple()[:6]
DATE_FORMAT = "DD/MM/YYYY"


def reproducible_zip(data: bytes) -> bytes:
    """The same zip archive with fixed entry timestamps and attributes, `[Content_Types].xml` first
    then the other entries in name order, so equal contents give equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        parts = [(n, src.read(n)) for n in names]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts:
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3                  # Unix, whatever the machine
            zi.external_attr = 0o644 << 16
            z.writestr(zi, content)
    return buf.getvalue()


def write_xlsx(path: Path, title: str, title_row: list[str] | None, header: list[str], rows: list[list]) -> None:
    """One sheet (optional bold title row and a blank row, bold header, rows) written by openpyxl in
    write-only mode (a styles part with fonts and number formats, dates as Excel serials shown
    `DD/MM/YYYY`; openpyxl 3.1 writes strings inline, not as shared strings), made
    byte-reproducible: fixed document properties, then `reproducible_zip`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook(write_only=True)
    wb.properties.creator = "Observatoire des clauses — démonstration"
    wb.properties.title = "Données de démonstration"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.create_sheet(title)

    def styled(value, **style):
        cell = WriteOnlyCell(ws, value=value)
        for key, v in style.items():
            setattr(cell, key, v)
        return cell

    if title_row:
        ws.append([styled(v, font=Font(bold=True, size=13)) for v in title_row])
        ws.append([])
    bold = Font(bold=True)
    ws.append([styled(v, font=bold) for v in header])
    for values in rows:
        ws.append([styled(v, number_format=DATE_FORMAT) if isinstance(v, date) else v for v in values])
    buf = io.BytesIO()
    # ExcelWriter rather than wb.save(): save() stamps the modification date with the clock
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(reproducible_zip(buf.getvalue()))


def write_exports(out: Path, lines: list[Line], tracked: list[Contract], rng: random.Random) -> list[str]:
    """All facilitator exports under out/clauses/; returns their paths relative to out."""
    folder = out / "clauses"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    by_fac: dict[str, list[dict]] = {f: [] for f in HEADERS}
    for ln in lines:
        fac = ln.contract.facilitator
        row = _row_values(fac, ln, rng)
        if fac == "mel" and rng.random() < 0.3:
            row["buyer_siret"] = _spaced(row["buyer_siret"])
        by_fac[fac].extend(_quirk(row, rng))
    for fac, rows in by_fac.items():
        fmt = STYLES[fac][0]
        base = FILE_NAMES[fac]
        if fac == "mel":
            # two exports that overlap on December 2022 (lines exported twice: duplicates)
            def start_of(r):
                return r["start_date"] if isinstance(r["start_date"], date) else date(2022, 6, 1)
            first = [r for r in rows if start_of(r) < date(2023, 1, 1)]
            second = [r for r in rows if start_of(r) >= date(2022, 12, 1)]
            for name, part in ((f"{base}_2019_2022.csv", first), (f"{base}_2022_2025.csv", second)):
                write_csv(folder / name, fac, part)
                written.append(f"clauses/{name}")
        elif fmt == "csv":
            write_csv(folder / f"{base}.csv", fac, rows)
            written.append(f"clauses/{base}.csv")
        else:
            fields = list(HEADERS[fac])
            data = [[None if r.get(f) == "" else r.get(f) for f in fields] for r in rows]
            title_row = ["Suivi des clauses sociales — export du " + FIXED_TIME.strftime("%d/%m/%Y")] if fac == "oise" else None
            write_xlsx(folder / f"{base}.xlsx", "Suivi", title_row, [HEADERS[fac][f] for f in fields], data)
            written.append(f"clauses/{base}.xlsx")
    # the Oise export has no planned hours: they come in a separate contracts/lots file
    planned = [c for c in tracked if c.facilitator == "oise"]
    planned.sort(key=lambda c: (c.buyer.siret, c.id, c.lot or ""))
    out_csv = io.StringIO(newline="")
    w = csv.writer(out_csv, delimiter=";", lineterminator="\n")
    w.writerow(["Id opération", "Opération", "Quartier", "Commune de l'opération", "SIRET maître d'ouvrage", "Maître d'ouvrage", "Type de maître d'ouvrage",
                "N° marché", "Lot", "Objet", "Corps d'état", "Type de marché", "Base juridique", "Montant HT",
                "Heures d'insertion prévues"])
    for c in planned:
        op = c.operation
        w.writerow([op.id if op else "", op.name if op else c.object.split(" — ")[-1], (op.qpv or "") if op else "",
                    op.commune if op else c.place_commune, c.buyer.siret,
                    c.buyer.name, LABELS["buyer_type"][c.buyer.type], c.id, c.lot or "", c.object,
                    LABELS["trade"][c.trade], LABELS["contract_kind"][c.kind],
                    LABELS["legal_basis"][c.legal_basis] if c.legal_basis else "",
                    _number(c.amount, True), _number(c.planned_hours, True)])
    (folder / "facilitateurs_oise_heures_prevues.csv").write_bytes(out_csv.getvalue().encode("utf-8-sig"))
    written.append("clauses/facilitateurs_oise_heures_prevues.csv")
    return written
