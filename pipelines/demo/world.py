"""The demo region's actors: real communes and EPCI of Hauts-de-France (from data/reference/),
fictional buyers (social landlords, communes' and other public buyers with made-up SIRETs),
fictional companies, urban-renewal operations in QPV, and facilitators.

Everything is drawn from one `random.Random`, in a fixed order, so a seed gives the same world.
"""
from __future__ import annotations

import csv
import gzip
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.text import luhn_ok
from pipelines.settings import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
REGION = "32"
DEPARTEMENTS = ("02", "59", "60", "62", "80")

# Real QPV names of the largest renewal sites, by INSEE commune code (demo operations are fictional).
QPV_BY_COMMUNE: dict[str, list[str]] = {
    "59350": ["Lille Sud", "Faubourg de Béthune", "Moulins", "Bois Blancs"],
    "59512": ["Alma-Gare", "Épeule", "Pile", "Trois Ponts"],
    "59599": ["La Bourgogne", "Belencontre"],
    "59410": ["Nouveau Mons"],
    "59650": ["Beaulieu"],
    "59183": ["Île Jeanty", "Banc Vert"],
    "59271": ["Europe"],
    "59392": ["Sous-le-Bois"],
    "59606": ["Dutemple"],
    "59172": ["Faubourg Duchâteau"],
    "59178": ["Frais Marais"],
    "80021": ["Amiens Nord", "Étouvie"],
    "80001": ["Soleil Levant"],
    "60175": ["Les Hauts de Creil"],
    "60057": ["Argentine", "Saint-Jean"],
    "60159": ["Clos des Roses"],
    "60463": ["Les Rochers"],
    "02691": ["Europe", "Faubourg d'Isle"],
    "02722": ["Presles"],
    "02408": ["Champagne"],
    "62193": ["Beau-Marais", "Fort Nieulay"],
    "62160": ["Chemin Vert"],
    "62498": ["Grande Résidence"],
    "62510": ["Résidence Calonne"],
    "62041": ["Saint-Michel"],
    "62427": ["Bord des Eaux"],
    "62119": ["Mont-Liébaut"],
}

LANDLORD_NAMES = [
    "Aubépine Habitat", "Bel Horizon Logis", "Clair Foyer", "Demeures du Val Doré",
    "Escaut Lumière Habitat", "Faubourgs Unis", "Grand Large Logis", "Héliotrope Habitat",
    "Iris Résidences", "Jardins de Brique", "Kerlan Habitat", "Lys et Canaux Habitat",
    "Marais Clair Logis", "Nord Étoile Habitat", "Opaline Résidences", "Plaine Verte Logis",
    "Quatre Moulins Habitat", "Rives Picardes Logis", "Sablière Habitat", "Terril Vert Habitat",
]
HOSPITAL_NAMES = [
    "Centre hospitalier des Trois Vallées", "Centre hospitalier du Val de Marque",
    "Centre hospitalier de la Côte d'Albâtre", "Groupement hospitalier des Marais",
    "Centre hospitalier du Haut-Escaut", "Centre hospitalier des Monts de Flandre",
    "Centre hospitalier de la Vallée de l'Oise", "Centre hospitalier du Pays de Thiérache",
]
COMPANY_WORDS_A = ["Bâti", "Construct", "Rénov", "Habitat", "Façades", "Toitures", "Élec", "Plomb",
                   "Menuis", "Peint", "Terra", "Voirie", "Vert", "Net", "Propre", "Ingé", "Démol"]
COMPANY_WORDS_B = ["Nord", "Picard", "Opale", "Flandre", "Artois", "Hainaut", "Escaut", "Somme",
                   "Oise", "Thiérache", "Ternois", "Avesnois", "Cambrésis", "Lys", "Sambre"]
COMPANY_FORMS = ["SAS", "SARL", "SA", "EURL", "SCOP"]
FACILITATORS = [  # name, département scope, share of clause contracts it tracks
    ("Maison de l'emploi métropolitaine", ("59",), "mel"),
    ("PLIE du Hainaut-Cambrésis", ("59",), "hainaut"),
    ("Maison de l'emploi de l'Artois", ("62",), "artois"),
    ("PLIE du Littoral", ("62", "59"), "littoral"),
    ("Maison de l'emploi du Grand Amiénois", ("80",), "amiens"),
    ("Facilitateurs de l'Oise", ("60",), "oise"),
    ("Maison de l'emploi de l'Aisne", ("02",), "aisne"),
]


def make_siret(rng: random.Random, prefix: str = "") -> str:
    """A Luhn-valid SIREN and SIRET (fictional numbers)."""
    while True:
        siren = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
        if luhn_ok(siren):
            break
    while True:
        siret = siren + "".join(str(rng.randrange(10)) for _ in range(5))
        if luhn_ok(siret):
            return siret


@dataclass
class Commune:
    code: str
    name: str
    dep: str
    epci: str
    population: int


@dataclass
class Buyer:
    siret: str
    name: str
    type: str            # data-model code
    dep: str
    communes: list[str]  # where it buys (commune codes)
    weight: float        # relative volume of contracts
    propensity: float = 1.0   # how much more often than its type it writes clauses
    tenant_share: float = 0.0
    id_style: int = 0
    in_register: bool = True


@dataclass
class Operation:
    id: str
    name: str
    qpv: str | None
    commune: str
    buyer_siret: str
    kind: str   # npnru, gup, other


@dataclass
class World:
    communes: dict[str, Commune]
    epci_names: dict[str, str]
    buyers: list[Buyer]
    companies: list[tuple[str, str, str]]   # siret, name, trade family
    operations: list[Operation]
    qpv: dict[str, list[str]]
    dep_weights: dict[str, float] = field(default_factory=dict)
    outside_buyers: list[Buyer] = field(default_factory=list)
    outside_communes: list[str] = field(default_factory=list)


def _read_csv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_territory(ref_dir: Path = REFERENCE_DIR) -> tuple[dict[str, Commune], dict[str, str], list[str]]:
    """Communes of the region (population > 0), EPCI names, and a few communes outside it."""
    communes: dict[str, Commune] = {}
    outside: list[str] = []
    for r in _read_csv(ref_dir / "communes.csv.gz"):
        pop = int(r["population"] or 0) if (r["population"] or "0").isdigit() else 0
        if r["region_code"] == REGION and pop > 0 and r["departement_code"] in DEPARTEMENTS:
            communes[r["commune_code"]] = Commune(r["commune_code"], r["commune_name"],
                                                  r["departement_code"], r["epci_code"] or "", pop)
        elif r["region_code"] in ("11", "44", "28") and pop > 60000:
            outside.append(r["commune_code"])
    epci = {r["epci_code"]: r["epci_name"] for r in _read_csv(ref_dir / "epci.csv")}
    return dict(sorted(communes.items())), epci, sorted(outside)


def weighted_pick(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def build_world(rng: random.Random, ref_dir: Path = REFERENCE_DIR) -> World:
    communes, epci_names, outside = load_territory(ref_dir)
    by_pop = sorted(communes.values(), key=lambda c: (-c.population, c.code))
    qpv = {c: names for c, names in QPV_BY_COMMUNE.items() if c in communes}
    dep_communes = {d: [c.code for c in by_pop if c.dep == d] for d in DEPARTEMENTS}
    dep_pop = {d: sum(communes[c].population for c in dep_communes[d]) for d in DEPARTEMENTS}
    buyers: list[Buyer] = []

    # social landlords: sizes from a few thousand to ~60 000 dwellings (Zipf-like)
    qpv_communes = list(qpv)
    for i, name in enumerate(LANDLORD_NAMES):
        size = 60000 / (1 + i * 0.9) ** 0.9
        dep = weighted_pick(rng, list(DEPARTEMENTS), [dep_pop[d] for d in DEPARTEMENTS])
        home = [c for c in qpv_communes if communes[c].dep == dep] or qpv_communes
        others = dep_communes[dep][:60]
        served = sorted(set(rng.sample(home, min(len(home), 1 + int(size > 20000) + int(size > 40000)))
                            + rng.sample(others, min(len(others), 8))))
        prefix = "27" if i % 3 == 0 else str(rng.choice([3, 4, 5]))   # OPH are public bodies
        buyers.append(Buyer(make_siret(rng, prefix), name, "landlord", dep, served, size / 2500,
                            propensity=rng.uniform(0.65, 1.35), tenant_share=rng.uniform(0.15, 0.45),
                            id_style=i % 4))

    # communes: the 45 largest plus 25 drawn by population
    big = by_pop[:45]
    rest = by_pop[45:]
    drawn = []
    pool = list(rest)
    for _ in range(25):
        c = weighted_pick(rng, pool, [x.population for x in pool])
        pool.remove(c)
        drawn.append(c)
    for c in big + drawn:
        buyers.append(Buyer(make_siret(rng, "21" + c.code[:2]), f"Commune de {c.name}", "commune", c.dep,
                            [c.code], max(c.population, 3000) ** 0.8 / 900,
                            propensity=rng.uniform(0.6, 1.4), id_style=rng.randrange(4)))
    # EPCI: the 20 most populous
    epci_pop: dict[str, int] = {}
    for c in communes.values():
        if c.epci:
            epci_pop[c.epci] = epci_pop.get(c.epci, 0) + c.population
    top_epci = sorted(epci_pop, key=lambda e: (-epci_pop[e], e))[:20]
    for e in top_epci:
        members = [c.code for c in by_pop if c.epci == e][:30]
        buyers.append(Buyer(make_siret(rng, "24"), epci_names.get(e, f"EPCI {e}"), "epci",
                            communes[members[0]].dep, members, epci_pop[e] ** 0.8 / 1500,
                            propensity=rng.uniform(0.7, 1.3), id_style=rng.randrange(4)))
    dep_names = {"02": "Aisne", "59": "Nord", "60": "Oise", "62": "Pas-de-Calais", "80": "Somme"}
    DEP_BUYER_NAMES = {"02": "Département de l'Aisne", "59": "Département du Nord",
                       "60": "Département de l'Oise", "62": "Département du Pas-de-Calais",
                       "80": "Département de la Somme"}
    for d in DEPARTEMENTS:
        buyers.append(Buyer(make_siret(rng, "22"), DEP_BUYER_NAMES[d],
                            "departement", d, dep_communes[d][:40], 6 + dep_pop[d] / 400000,
                            propensity=rng.uniform(0.8, 1.2), id_style=rng.randrange(4)))
    buyers.append(Buyer(make_siret(rng, "23"), "Région Hauts-de-France", "region", "59",
                        [c.code for c in by_pop[:80]], 14, propensity=1.0, id_style=1))
    for d in DEPARTEMENTS:
        buyers.append(Buyer(make_siret(rng, "1"), f"Services de l'État — {dep_names[d]}", "state", d,
                            dep_communes[d][:10], 4, propensity=rng.uniform(0.7, 1.2), id_style=2))
    for i, name in enumerate(HOSPITAL_NAMES):
        d = DEPARTEMENTS[i % 5]
        buyers.append(Buyer(make_siret(rng, "26"), name, "hospital", d, dep_communes[d][:15], 5,
                            propensity=rng.uniform(0.6, 1.4), id_style=rng.randrange(4)))
    for i, name in enumerate(["SEM Aménagement des Deux Caps", "SPL Rénovation Urbaine du Bassin",
                              "Syndicat mixte des Transports du Littoral (fictif)",
                              "Association régionale des Centres Sociaux (fictive)"]):
        d = DEPARTEMENTS[(i * 2) % 5]
        buyers.append(Buyer(make_siret(rng, str(rng.choice([4, 5, 7]))), name, "other", d,
                            dep_communes[d][:20], 3, propensity=rng.uniform(0.8, 1.3), id_style=3,
                            in_register=i % 2 == 0))
    # buyers of other regions (appear in the national feeds, filtered out by the build)
    outside_buyers = [Buyer(make_siret(rng, "21"), f"Commune hors région n° {i + 1}", "commune",
                            "xx", [rng.choice(outside)], 1, id_style=0) for i in range(12)]

    companies = []
    families = ["works"] * 10 + ["cleaning", "green_spaces", "waste", "engineering", "services"]
    used = set()
    for i in range(320):
        while True:
            name = f"{rng.choice(COMPANY_WORDS_A)}{rng.choice(COMPANY_WORDS_B).lower()} {rng.choice(COMPANY_FORMS)}"
            if name not in used:
                used.add(name)
                break
        companies.append((make_siret(rng, str(rng.choice([3, 4, 5, 7, 8]))), name, families[i % len(families)]))

    operations: list[Operation] = []
    for b in buyers:
        if b.type not in ("landlord", "commune", "epci"):
            continue
        for c in b.communes:
            for q in qpv.get(c, []):
                if b.type == "landlord" or rng.random() < 0.5:
                    n = len(operations) + 1
                    operations.append(Operation(f"NPNRU-{c}-{n:03d}", f"NPNRU {communes[c].name} — {q}", q, c,
                                                b.siret, "npnru"))
                    if rng.random() < 0.6:
                        operations.append(Operation(f"GUP-{c}-{n:03d}", f"GUP {q} ({communes[c].name})", q, c,
                                                    b.siret, "gup"))
    dep_weights = {"59": 1.1, "62": 1.05, "80": 0.95, "60": 0.85, "02": 0.8}
    return World(communes, epci_names, buyers, companies, operations, qpv, dep_weights,
                 outside_buyers, outside)
