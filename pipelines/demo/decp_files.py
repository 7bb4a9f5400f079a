"""Writing demo contracts in the official DECP formats: 2019 JSON (notifications 2019-2023),
2022 JSON (2024-2025), the tabular CSV export of the 2022 format and the 2022 XML format,
with a small rate of the quirks real feeds have (duplicates, bad SIRETs, zone-suffixed dates,
amounts as strings, CPV check digits)."""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from xml.sax.saxutils import escape

from pipelines.demo.procurement import Contract

NATURE_2019 = {False: "Marché", True: "Accord-cadre"}


def cpv_check_digit(cpv: str) -> str:
    """The CPV check digit (weights 2..9 modulo 11 per the CPV regulation; 10 -> 0)."""
    total = sum(int(d) * w for d, w in zip(cpv, (2, 4, 6, 8, 10, 3, 5, 7)))
    return str(total % 11 % 10)


NAMES: dict[str, str] = {}   # commune codes and company SIRETs -> names, set by write_decp


def _titulaires_2019(c: Contract) -> list[dict]:
    return [{"typeIdentifiant": "SIRET", "id": c.supplier, "denominationSociale": NAMES.get(c.supplier, "")}]


def _place(c: Contract, postcodes: dict[str, str], rng: random.Random) -> dict:
    r = rng.random()
    if r < 0.5 and c.place_commune in postcodes:
        return {"code": postcodes[c.place_commune], "typeCode": "Code postal"}
    if r < 0.9:
        return {"code": c.place_commune, "typeCode": "Code commune"}
    return {"code": c.place_commune[:2], "typeCode": "Code département"}


def _buyer_id(c: Contract) -> str:
    if "bad_siret" in c.quirks:
        return c.buyer.siret[1:]
    if "spaced_siret" in c.quirks:
        s = c.buyer.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"
    return c.buyer.siret


def record_2019(c: Contract, postcodes: dict[str, str], rng: random.Random) -> dict:
    zone = "zone_dates" in c.quirks
    d = (lambda x: x.isoformat() + "+01:00") if zone else (lambda x: x.isoformat())
    amount: object = c.amount
    if "amount_string" in c.quirks:
        amount = f"{c.amount:.1f}"
    rec = {
        "id": c.id,
        "acheteur": {"id": _buyer_id(c), "nom": c.buyer.name},
        "nature": NATURE_2019[c.framework],
        "objet": c.object,
        "codeCPV": c.cpv + ("-" + cpv_check_digit(c.cpv) if zone else ""),
        "procedure": c.procedure,
        "lieuExecution": {**_place(c, postcodes, rng), "nom": NAMES.get(c.place_commune, c.place_commune)},
        "dureeMois": c.duration,
        "dateNotification": d(c.notified),
        "datePublicationDonnees": d(c.published),
        "montant": amount,
        "formePrix": rng.choice(["Ferme", "Révisable", "Ferme et actualisable"]),
        "titulaires": _titulaires_2019(c),
        "modifications": [],
        "_type": "Marché",
    }
    if c.modified_amount is not None:
        rec["modifications"] = [{
            "objetModification": "Avenant n° 1 : travaux supplémentaires",
            "dateNotificationModification": d(c.published),
            "datePublicationDonneesModification": d(c.published),
            "montant": c.modified_amount,
        }]
    return rec


def social_values(c: Contract) -> list[str]:
    values = []
    if c.clause:
        values.append("Clause sociale")
    if c.criterion:
        values.append("Critère social")
    if c.reserved:
        values.append("Marché réservé")
    return values or ["Pas de considération sociale"]


def _ccag(c: Contract) -> str:
    return {"works": "Travaux", "engineering": "Maitrise d'œuvre", "supplies": "Fournitures courantes et services"}.get(
        c.family, "Fournitures courantes et services")


def record_2022(c: Contract, postcodes: dict[str, str], rng: random.Random) -> dict:
    amount: object = c.amount
    if "amount_string" in c.quirks:
        amount = f"{c.amount:.1f}"
    rec = {
        "id": c.id,
        "acheteur": {"id": _buyer_id(c)},
        "nature": "Marché",
        "objet": c.object,
        "codeCPV": f"{c.cpv}-{cpv_check_digit(c.cpv)}",
        "procedure": c.procedure,
        "lieuExecution": _place(c, postcodes, rng),
        "dureeMois": c.duration,
        "dateNotification": c.notified.isoformat(),
        "datePublicationDonnees": c.published.isoformat(),
        "montant": amount,
        "formePrix": rng.choice(["Forfaitaire", "Unitaire", "Mixte"]),
        "offresRecues": rng.randint(1, 9),
        "ccag": _ccag(c),
        "typeGroupementOperateurs": "Pas de groupement",
        "sousTraitanceDeclaree": False,
        "attributionAvance": False,
        "marcheInnovant": False,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": c.supplier}}],
        "considerationsSociales": {"considerationSociale": social_values(c)},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
        "modalitesExecution": {"modaliteExecution": ["Bons de commande" if c.framework else "Sans objet"]},
        "techniques": {"technique": ["Accord-cadre" if c.framework else "Sans objet"]},
        "typesPrix": {"typePrix": ["Définitif révisable"]},
        "modifications": [],
        "_type": "Marché",
    }
    if c.modified_amount is not None:
        rec["modifications"] = [{"modification": {
            "id": 1, "montant": c.modified_amount,
            "dateNotificationModification": c.published.isoformat(),
            "datePublicationDonneesModification": c.published.isoformat()}}]
    return rec


def dump_json(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


TABULAR_COLUMNS = [
    "titulaire_id_1", "titulaire_typeIdentifiant_1", "titulaire_id_2", "titulaire_typeIdentifiant_2",
    "id", "nature", "objet", "codeCPV", "procedure", "dureeMois", "dateNotification",
    "datePublicationDonnees", "montant", "formePrix", "attributionAvance", "offresRecues",
    "marcheInnovant", "ccag", "sousTraitanceDeclaree", "typeGroupementOperateurs", "idAccordCadre",
    "source", "acheteur.id", "lieuExecution.code", "lieuExecution.typeCode", "considerationsSociales",
    "considerationsEnvironnementales", "modalitesExecution", "techniques", "typesPrix",
]


def tabular_csv(records: list[dict]) -> bytes:
    """The 2022 tabular export: `;`, UTF-8 with BOM, dotted headers, lists as Python list text."""
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(TABULAR_COLUMNS)
    for r in records:
        t = r["titulaires"]
        row = {
            "titulaire_id_1": t[0]["titulaire"]["id"], "titulaire_typeIdentifiant_1": "SIRET",
            "titulaire_id_2": "CDL", "titulaire_typeIdentifiant_2": "CDL",
            "id": r["id"], "nature": r["nature"], "objet": r["objet"], "codeCPV": r["codeCPV"],
            "procedure": r["procedure"], "dureeMois": r["dureeMois"], "dateNotification": r["dateNotification"],
            "datePublicationDonnees": r["datePublicationDonnees"], "montant": r["montant"],
            "formePrix": r["formePrix"], "attributionAvance": "MQ", "offresRecues": r["offresRecues"],
            "marcheInnovant": "MQ", "ccag": r["ccag"], "sousTraitanceDeclaree": "CDL",
            "typeGroupementOperateurs": r["typeGroupementOperateurs"], "idAccordCadre": "CDL",
            "source": "demo_profil_acheteur", "acheteur.id": r["acheteur"]["id"],
            "lieuExecution.code": r["lieuExecution"]["code"], "lieuExecution.typeCode": r["lieuExecution"]["typeCode"],
            "considerationsSociales": str(r["considerationsSociales"]["considerationSociale"]),
            "considerationsEnvironnementales": str(r["considerationsEnvironnementales"]["considerationEnvironnementale"]),
            "modalitesExecution": str(r["modalitesExecution"]["modaliteExecution"]),
            "techniques": str(r["techniques"]["technique"]),
            "typesPrix": str(r["typesPrix"]["typePrix"]),
        }
        w.writerow([row[c] for c in TABULAR_COLUMNS])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _x(tag: str, value) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def xml_2022(records: list[dict]) -> bytes:
    """The 2022 XML format (schema_decp_v2.0.x.xsd element order)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<marches>"]
    for r in records:
        m = ["<marche>", _x("id", r["id"]), f"<acheteur>{_x('id', r['acheteur']['id'])}</acheteur>",
             _x("nature", r["nature"]), _x("objet", r["objet"]), _x("codeCPV", r["codeCPV"]),
             _x("procedure", r["procedure"]),
             f"<lieuExecution>{_x('code', r['lieuExecution']['code'])}{_x('typeCode', r['lieuExecution']['typeCode'])}</lieuExecution>",
             _x("dureeMois", r["dureeMois"]), _x("dateNotification", r["dateNotification"]),
             _x("datePublicationDonnees", r["datePublicationDonnees"]), _x("montant", r["montant"]),
             _x("formePrix", r["formePrix"]),
             "<titulaires>" + "".join(f"<titulaire>{_x('typeIdentifiant', t['titulaire']['typeIdentifiant'])}"
                                      f"{_x('id', t['titulaire']['id'])}</titulaire>" for t in r["titulaires"])
             + "</titulaires>",
             "<considerationsSociales>" + "".join(_x("considerationSociale", v) for v in
                                                  r["considerationsSociales"]["considerationSociale"])
             + "</considerationsSociales>",
             "<considerationsEnvironnementales>" + "".join(
                 _x("considerationEnvironnementale", v) for v in
                 r["considerationsEnvironnementales"]["considerationEnvironnementale"]) + "</considerationsEnvironnementales>",
             "<techniques>" + "".join(_x("technique", v) for v in r["techniques"]["technique"]) + "</techniques>",
             "<modalitesExecution>" + "".join(_x("modaliteExecution", v) for v in
                                              r["modalitesExecution"]["modaliteExecution"]) + "</modalitesExecution>",
             "<typesPrix>" + "".join(_x("typePrix", v) for v in r["typesPrix"]["typePrix"]) + "</typesPrix>",
             _x("marcheInnovant", r["marcheInnovant"]), _x("ccag", r["ccag"]),
             _x("offresRecues", r["offresRecues"]), _x("attributionAvance", r["attributionAvance"]),
             _x("typeGroupementOperateurs", r["typeGroupementOperateurs"]),
             _x("sousTraitanceDeclaree", r["sousTraitanceDeclaree"])]
        mods = r.get("modifications") or []
        if mods:
            m.append("<modifications>" + "".join(
                "<modification>" + _x("id", mo["modification"]["id"])
                + _x("dateNotificationModification", mo["modification"]["dateNotificationModification"])
                + _x("datePublicationDonneesModification", mo["modification"]["datePublicationDonneesModification"])
                + _x("montant", mo["modification"]["montant"]) + "</modification>" for mo in mods)
                + "</modifications>")
        m.append("</marche>")
        parts.append("".join(m))
    parts.append("</marches>")
    return ("\n".join(parts) + "\n").encode("utf-8")


def write_decp(out: Path, contracts: list[Contract], postcodes: dict[str, str], rng: random.Random,
               names: dict[str, str] | None = None) -> list[str]:
    """Write the DECP files under out/decp/; return their paths relative to out. `names` gives
    commune and company names (commune code or SIRET -> name) for the 2019 format's name fields."""
    NAMES.clear()
    NAMES.update(names or {})
    decp = out / "decp"
    decp.mkdir(parents=True, exist_ok=True)
    written = []
    published = [c for c in contracts if c.declared]
    for c in published:
        r = rng.random()
        if r < 0.003:
            c.quirks.append("bad_siret")
        elif r < 0.010:
            c.quirks.append("spaced_siret")
        if rng.random() < 0.01:
            c.quirks.append("amount_string")
        if c.buyer.type in ("commune", "epci") and c.buyer.id_style == 2 and c.year <= 2023:
            c.quirks.append("zone_dates")
    for year in range(2019, 2024):
        recs = []
        for c in published:
            if c.year == year:
                rec = record_2019(c, postcodes, rng)
                recs.append(rec)
                if rng.random() < 0.006:
                    recs.append(json.loads(json.dumps(rec)))   # exact duplicate publication
        path = decp / f"decp_{year}.json"
        path.write_bytes(dump_json({"marches": recs}))
        written.append(f"decp/{path.name}")
    tabular, xml_recs = [], []
    for year in (2024, 2025):
        recs = []
        for c in published:
            if c.year != year:
                continue
            rec = record_2022(c, postcodes, rng)
            if c.buyer.type in ("hospital", "state"):
                tabular.append(rec)
            elif year == 2025 and c.buyer.type in ("region", "departement"):
                xml_recs.append(rec)
            else:
                recs.append(rec)
                if rng.random() < 0.006:
                    recs.append(json.loads(json.dumps(rec)))
        path = decp / f"decp_{year}.json"
        path.write_bytes(dump_json({"marches": {"marche": recs}}))
        written.append(f"decp/{path.name}")
    (decp / "decp_2024_2025_etat_hopitaux.csv").write_bytes(tabular_csv(tabular))
    written.append("decp/decp_2024_2025_etat_hopitaux.csv")
    (decp / "decp_2025_departements_region.xml").write_bytes(xml_2022(xml_recs))
    written.append("decp/decp_2025_departements_region.xml")
    return written
