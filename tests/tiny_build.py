"""A tiny real build for the page tests: input rows written here as files, run through the real
`python -m pipelines build` (in process), once per test session.

Every page test reads marts the real SQL produced from these rows (masking, yes/no rows, sector
codes, labels), so the tests follow the SQL instead of a re-faked copy of it. The figures below are
the ones the tests use; each is worked out by hand from the rows of this file.

Places (real INSEE codes of data/reference): Lille 59350 and Roubaix 59512 (Nord, Métropole
Européenne de Lille 200093201), Arras 62041 (Pas-de-Calais, CU d'Arras 200033579) and Lens 62498
(Pas-de-Calais, CA de Lens-Liévin 246200364). No data in Aisne, Oise, Somme.

Buyers (acheteurs.csv): five social landlords L1..L5 and the commune C1.

Contracts (DECP): 15 of known status (2022 format, 2024-2025) + 4 of unknown status (2019 format,
2023), one record rejected whole (it has no identifier):

| buyer | dép. | known | clause | criterion | reserved | none |
|-------|------|-------|--------|-----------|----------|------|
| L1    | 59   | 4     | 3      |           |          | 1    |
| L4    | 59   | 2     | 1      |           |          | 1    |
| C1    | 59   | 4     | 1      | 1         | 1        | 1    |
| L3    | 62   | 2     | 1      |           |          | 1    |
| L5    | 62   | 1     | 1      |           |          |      |
| L2    | 62   | 2     | 1      |           |          | 1    |

Region: social 10 / 15 = 66,7 %, clause 8 / 15 = 53,3 %, unknown status 4 (C1 x 3 in 59, L3 in 62).
Nord: social 7 / 10 = 70,0 %, clause 5 / 10 = 50,0 %. Pas-de-Calais: clause 3 / 5 = 60,0 %.
Landlords: social 7 / 11 = 63,6 %; communes: 3 / 4 = 75,0 %.

Execution lines (one clause export, the Métropole's format): blocks of 5 people alike, one line each:

| block | buyer / contract     | op. | h each | women | QPV | tenant    | public | exit                 |
|-------|----------------------|-----|--------|-------|-----|-----------|--------|----------------------|
| A     | L1 / L1-24-01        | OPA | 150    |       | yes | yes       | DELD   | CDI                  |
| B     | L1 / L1-24-01        | OPA | 150    |       | no  | no        | DELD   | left, unknown        |
| W     | L1 / L1-24-02        | OPA | 100    | 5     | no  | yes       | DELD   | formation qualifiante|
| C     | L1 / L1-GUP-9 (GUP)  | OPA | 40     |       | yes | no        | Senior | still working        |
| D     | L4 / L4-24-01        |     | 100    |       | no  | yes       | DELD   | demandeur d'emploi   |
| E     | C1 / C1-24-01        |     | 200    |       | yes | (commune) | DELD   | CDD de 6 mois et plus|
| F     | L3 / L3-24-01        |     | 120    |       | no  | no        | DELD   | CDI                  |
| G     | L5 / L5-24-01        | OPB | 150    |       | yes | yes       | Jeune  | demandeur d'emploi   |

40 people, 5 050 h (750 + 750 + 500 + 200 + 500 + 1 000 + 600 + 750); Nord (A-E): 30 people, 3 700 h;
Pas-de-Calais (F, G): 10 people, 1 350 h. Planned (« Heures prévues » of the lots): L1-24-01 1 000,
L1-24-02 500, L1-GUP-9 500, L4-24-01 800, C1-24-01 1 000, L3-24-01 1 200, L5-24-01 1 000 = 6 000 h
(realisation 5 050 / 6 000 = 84,2 %); Nord 3 800 h (3 700 / 3 800 = 97,4 %).
QPV residents: A, C, E, G = 20 people, 2 700 h; not: 20 people, 2 350 h. Tenants: A, W, D, G = 20
people, 2 500 h; not: B, C, F = 15 people, 1 550 h; unknown (a commune's lines): 5 people, 1 000 h.
Women: 5 (W), 12,5 %. Leavers: 35 (all but C), known exit 30 (B unknown), dynamic exits (CDI,
formation, CDD of 6 months and more) A + W + E + F = 20: 20 / 30 = 66,7 %; Nord: 25 leavers,
20 known, 15 dynamic (A, W, E): 75,0 %.
Nothing is masked in this build: every cell of every crossing holds 0 or at least 5 people. The
masked variant (`tiny_db(masked=True)`) adds 3 people for L2 (block H).

Targets (objectifs.csv): L1 10 000 h over 2024-2026; L2 2 000 h over 2024-2026 (masked in the masked variant).
"""
from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.text import luhn_ok


def siret(head: str) -> str:
    """The Luhn-valid 14-digit SIRET starting with the 13 digits `head`."""
    return next(head + d for d in "0123456789" if luhn_ok(head + d))


L1, L2, L3 = siret("1111111110001"), siret("2222222220001"), siret("3333333330001")
L4, L5, C1 = siret("4444444440001"), siret("5555555550001"), siret("2159035010001")
COMPANY = siret("7328293200007")
NAMES = {L1: "Habitat du Nord (fictif)", L2: "Logis de la Côte (fictif)", L3: "Toits de l'Artois (fictif)",
         L4: "Maisons de Flandre (fictif)", L5: "Cités du Bassin (fictif)", C1: "Commune de Lille (fictif)"}
TYPES = {C1: "Commune"}  # the others: Bailleur social
COMMUNE = {L1: "59350", L4: "59512", C1: "59350", L3: "62498", L5: "62041", L2: "62041"}
OPA, OPB = "NPNRU-59350-001", "NPNRU-62041-002"
OPERATIONS = {OPA: "NPNRU Lille — Les Acacias (fictif)", OPB: "NPNRU Arras — Le Val (fictif)"}

# (contract id, buyer, CPV, amount, notification date, social considerations (2022 format))
CONTRACTS = [
    ("L1-24-01", L1, "45000000-7", 1_000_000, "2024-02-01", ["Clause sociale"]),
    ("L1-24-02", L1, "45442100-8", 400_000, "2024-03-01", ["Clause sociale"]),
    ("L1-25-03", L1, "90910000-9", 200_000, "2025-01-15", ["Clause sociale"]),
    ("L1-25-04", L1, "45000000-7", 300_000, "2025-02-01", ["Pas de considération sociale"]),
    ("L4-24-01", L4, "45000000-7", 600_000, "2024-04-01", ["Clause sociale"]),
    ("L4-25-02", L4, "77310000-6", 100_000, "2025-03-01", ["Pas de considération sociale"]),
    ("C1-24-01", C1, "90910000-9", 250_000, "2024-05-01", ["Clause sociale"]),
    ("C1-24-02", C1, "71000000-8", 80_000, "2024-06-01", ["Critère social"]),
    ("C1-25-03", C1, "30190000-7", 50_000, "2025-01-10", ["Pas de considération sociale"]),
    ("C1-25-04", C1, "45000000-7", 150_000, "2025-04-01", ["Marché réservé"]),
    ("L3-24-01", L3, "45000000-7", 500_000, "2024-05-01", ["Clause sociale"]),
    ("L3-25-02", L3, "45000000-7", 200_000, "2025-05-01", ["Pas de considération sociale"]),
    ("L5-24-01", L5, "45000000-7", 700_000, "2024-06-01", ["Clause sociale"]),
    ("L2-24-01", L2, "45000000-7", 300_000, "2024-07-01", ["Clause sociale"]),
    ("L2-25-02", L2, "45000000-7", 100_000, "2025-06-01", ["Pas de considération sociale"]),
]
# 2019 format (no social field: unknown status), notified in 2023
CONTRACTS_2019 = [("C1-23-01", C1, 100_000), ("C1-23-02", C1, 100_000), ("C1-23-03", C1, 100_000),
                  ("L3-23-01", L3, 100_000)]

MEL_HEADER = ["Code opération", "Opération", "Quartier", "Commune de l'opération", "SIRET maître d'ouvrage",
              "Maître d'ouvrage", "Type de maître d'ouvrage", "N° marché", "Lot", "Objet du marché",
              "Corps d'état", "Type de marché", "Base juridique", "Montant HT", "Heures prévues",
              "SIRET entreprise", "Modalité", "Identifiant participant", "Sexe", "Année de naissance",
              "Niveau de qualification", "Publics éligibles", "Commune de résidence", "Résident QPV",
              "Locataire du bailleur", "Type de contrat", "Date de début", "Date de fin",
              "Nb heures réalisées", "Situation à la sortie", "Situation à 6 mois"]

# the lots: contract -> (operation, trade, kind, export amount ('' = none), planned hours)
LOTS = {
    "L1-24-01": (OPA, "Maçonnerie", "Travaux", "1000000", 1000),
    "L1-24-02": (OPA, "Peinture", "Travaux", "", 500),        # amount of the linked DECP contract
    "L1-GUP-9": (OPA, "Nettoyage", "GUP", "", 500),           # not in the DECP: no amount anywhere
    "L4-24-01": ("", "Maçonnerie", "Travaux", "600000", 800),
    "C1-24-01": ("", "Nettoyage", "Services", "250000", 1000),
    "L3-24-01": ("", "Maçonnerie", "Travaux", "500000", 1200),
    "L5-24-01": (OPB, "Maçonnerie", "Travaux", "700000", 1000),
    "L2-24-01": ("", "Maçonnerie", "Travaux", "300000", 400),
}

CDI, FORMATION, DE, CDD6 = "CDI", "Formation qualifiante", "Demandeur d'emploi", "CDD de 6 mois et plus"


def block(key, contract, buyer, hours, start, end="", *, n=5, woman=False, qpv=False, tenant=False,
          public="DELD", outcome=""):
    """n people alike (one line each): same contract, hours, dates, attributes and exit. Blocks of
    5 keep every cell of every crossing at 0 or at least 5 people (the secrecy threshold): nothing
    is masked but what a test adds on purpose (see MASKED_BLOCK)."""
    return [dict(key=key, contract=contract, buyer=buyer, person=f"{key}{i + 1:02d}", hours=hours, start=start,
                 end=end, gender="Femme" if woman else "Homme", birth=1985, qpv="Oui" if qpv else "Non",
                 tenant="" if TYPES.get(buyer) == "Commune" else ("Oui" if tenant else "Non"),
                 publics=public, outcome=outcome if end else "", residence=COMMUNE[buyer])
            for i in range(n)]


LINES = [
    *block("A", "L1-24-01", L1, 150, "01/03/2024", "30/09/2024", qpv=True, tenant=True, outcome=CDI),
    *block("B", "L1-24-01", L1, 150, "01/03/2024", "30/09/2024"),   # left, outcome unknown
    *block("W", "L1-24-02", L1, 100, "01/06/2024", "31/10/2024", woman=True, tenant=True, outcome=FORMATION),
    *block("C", "L1-GUP-9", L1, 40, "01/02/2025", qpv=True, public="Senior"),   # still working
    *block("D", "L4-24-01", L4, 100, "01/05/2024", "31/12/2024", tenant=True, outcome=DE),
    *block("E", "C1-24-01", C1, 200, "01/06/2024", "31/01/2025", qpv=True, outcome=CDD6),
    *block("F", "L3-24-01", L3, 120, "01/06/2024", "31/12/2024", outcome=CDI),
    *block("G", "L5-24-01", L5, 150, "01/07/2024", "28/02/2025", qpv=True, tenant=True, public="Jeune peu qualifié",
           outcome=DE),
]
# the masked variant adds 3 people for L2 (fewer than 5): their cells are masked, and the linked
# suppression masks with them every cell they could be recomputed from (in so small a build:
# nearly every cell but the region's total)
MASKED_BLOCK = block("H", "L2-24-01", L2, 100, "01/09/2024", n=3)


def _contract_2022(cid, buyer, cpv, amount, date, social) -> dict:
    return {"id": cid, "acheteur": {"id": buyer}, "nature": "Marché", "objet": f"Marché {cid}",
            "codeCPV": cpv, "procedure": "Appel d'offres ouvert",
            "lieuExecution": {"code": COMMUNE[buyer], "typeCode": "Code commune"},
            "dureeMois": 12, "dateNotification": date, "datePublicationDonnees": date,
            "montant": float(amount), "formePrix": "Forfaitaire",
            "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": COMPANY}}],
            "considerationsSociales": {"considerationSociale": social}, "modifications": []}


def _contract_2019(cid, buyer, amount, date="2023-05-02") -> dict:
    return {"id": cid, "_type": "Marché", "acheteur": {"id": buyer, "nom": NAMES[buyer]}, "nature": "Marché",
            "objet": f"Marché {cid}", "codeCPV": "45442100-8", "procedure": "Procédure adaptée",
            "lieuExecution": {"code": COMMUNE[buyer], "typeCode": "Code commune"},
            "dureeMois": 12, "dateNotification": date, "datePublicationDonnees": date,
            "montant": amount, "formePrix": "Ferme",
            "titulaires": [{"typeIdentifiant": "SIRET", "id": COMPANY, "denominationSociale": "Entreprise"}],
            "modifications": []}


def _csv(rows: list[list], bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def write_inputs(folder: Path, *, demo: bool = True, masked: bool = False) -> dict[str, Path]:
    """Write the input files of the tiny build under `folder`; {option: path}."""
    (folder / "decp").mkdir(parents=True, exist_ok=True)
    (folder / "clauses").mkdir(exist_ok=True)
    records = [_contract_2022(*c) for c in CONTRACTS]
    bad = _contract_2022("C1-25-99", C1, "45000000-7", 10_000, "2025-02-01", ["Clause sociale"])
    del bad["id"]   # a record without its identifier: rejected whole
    (folder / "decp" / "decp_2024_2025.json").write_text(
        json.dumps({"marches": {"marche": records + [bad]}}, ensure_ascii=False), encoding="utf-8")
    (folder / "decp" / "decp_2023.json").write_text(
        json.dumps({"marches": [_contract_2019(*c) for c in CONTRACTS_2019]}, ensure_ascii=False), encoding="utf-8")
    rows = [MEL_HEADER]
    for r in LINES + (MASKED_BLOCK if masked else []):
        op, trade, kind, amount, planned = LOTS[r["contract"]]
        b = r["buyer"]
        rows.append([op, OPERATIONS.get(op, f"Résidence {r['contract']}"), "", COMMUNE[b], b, NAMES[b],
                     TYPES.get(b, "Bailleur social"), r["contract"], "", f"{trade} — {r['contract']}", trade, kind,
                     "Condition d'exécution (L2112-2)", amount, planned, COMPANY, "Embauche directe",
                     f"MEL-{r['person']}", r["gender"], r["birth"], "CAP/BEP", r["publics"], r["residence"],
                     r["qpv"], r["tenant"], "CDDI", r["start"], r["end"], r["hours"],
                     r["outcome"], ""])
    (folder / "clauses" / "mde_metropole_suivi_clauses.csv").write_bytes(_csv(rows, bom=True))
    (folder / "acheteurs.csv").write_bytes(_csv(
        [["siret", "nom", "type"]] + [[s, n, TYPES.get(s, "Bailleur social")] for s, n in NAMES.items()]))
    (folder / "objectifs.csv").write_bytes(_csv([
        ["type_perimetre", "identifiant", "libelle", "heures_objectif", "date_debut", "date_fin"],
        ["maître d'ouvrage", L1, "10 000 heures sur le programme", "10000", "01/01/2024", "31/12/2026"],
        ["maître d'ouvrage", L2, "2 000 heures pour Logis de la Côte", "2000", "01/01/2024", "31/12/2026"]]))
    if demo:
        (folder / "demo.json").write_text(json.dumps({"label": "données de démonstration"}), encoding="utf-8")
    return {"--decp": folder / "decp", "--clauses": folder / "clauses", "--buyers": folder / "acheteurs.csv",
            "--targets": folder / "objectifs.csv"}


def build_tiny(out: Path, *, demo: bool = True, masked: bool = False) -> Path:
    """Write the inputs under `out` and build `out/tiny.duckdb` with the real build (in process)."""
    from pipelines import build

    inputs = write_inputs(out / "inputs", demo=demo, masked=masked)
    db = out / "tiny.duckdb"
    args = ["--db", str(db), "--no-progress"] + [x for k, p in inputs.items() for x in (k, str(p))]
    log = io.StringIO()
    # the salt is a temporary file, never the project's data/secret/salt; the app's settings are
    # the defaults (a threshold set in the caller's environment would change every figure)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env["OBSERVATOIRE_SALT_FILE"] = str(out / "secret" / "salt")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            code = build.main(args)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if code != 0:
        raise RuntimeError(f"tiny build failed ({code}):\n{log.getvalue()}")
    return db


@functools.lru_cache(maxsize=None)
def tiny_db(masked: bool = False) -> Path:
    """The tiny build (demo-labelled), built once per test session (once more for the masked variant)."""
    t0 = time.perf_counter()
    db = build_tiny(Path(tempfile.mkdtemp(prefix="obs-tiny-")), masked=masked)
    SECONDS[masked] = time.perf_counter() - t0
    return db


SECONDS: dict[bool, float] = {}  # how long each build took (python -m tests.tiny_build prints it)


def copy_of_tiny(path: Path) -> duckdb.DuckDBPyConnection:
    """A writable copy of the tiny build at `path` (for variants: real-data label, hostile names)."""
    shutil.copy(tiny_db(), path)
    return duckdb.connect(str(path))


if __name__ == "__main__":  # python -m tests.tiny_build: build it and print where and how fast
    for m in (False, True):
        print(tiny_db(m), f"{SECONDS[m]:.1f} s")
