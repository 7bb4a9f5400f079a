"""Demo public contracts 2019-2025: sector mix by buyer type, clause shares by buyer type, sector,
territory and year (rising), amounts, places, holders, and the hours grid for planned hours.

A `Contract` is the generator's own record; `decp_files` writes it in the official formats and
`execution` derives the facilitators' tracking from the contracts that carry a clause.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.demo.world import Buyer, Operation, World

YEARS = tuple(range(2019, 2026))
GENERATED_YEARS = (2018, *YEARS)   # 2018 contracts run into 2019 but are outside the DECP extract
CONTRACTS_PER_YEAR = 6000          # at scale 1, spread over the buyers by weight
YEAR_GROWTH = {2018: 1.0, 2019: 0.97, 2020: 0.85, 2021: 0.97, 2022: 1.0, 2023: 1.03, 2024: 1.06, 2025: 1.08}
CLAUSE_TREND = {2018: 0.66, 2019: 0.67, 2020: 0.69, 2021: 0.73, 2022: 0.95, 2023: 1.04, 2024: 1.14,
                2025: 1.25}
# how strongly a contract's size drives its clause probability: in 2019 clauses sat on the largest
# works, then spread to smaller contracts, so the clause share doubles while hours rise moderately
CLAUSE_SIZE_ELASTICITY = {2018: 0.75, 2019: 0.75, 2020: 0.7, 2021: 0.62, 2022: 0.5, 2023: 0.42, 2024: 0.33,
                          2025: 0.25}
AMOUNT_SIGMA = 1.05                # spread of log amounts around the catalogue median
CLAUSE_BASE = {"landlord": 0.30, "commune": 0.085, "epci": 0.11, "departement": 0.12, "region": 0.14,
               "state": 0.06, "hospital": 0.035, "other": 0.08}

# (cpv, object template, trade, family, median amount EUR HT)
CATALOGUE = [
    ("45453000", "Réhabilitation de {n} logements — {site}", "other", "works", 650_000),
    ("45223220", "Gros œuvre — {site}", "structural_work", "works", 650_000),
    ("45262500", "Maçonnerie — {site}", "masonry", "works", 220_000),
    ("45442100", "Peinture et revêtements — {site}", "painting", "works", 140_000),
    ("45261000", "Couverture et étanchéité — {site}", "roofing", "works", 180_000),
    ("45223100", "Charpente métallique et serrurerie — {site}", "steel_framing", "works", 160_000),
    ("45330000", "Plomberie, chauffage, ventilation — {site}", "plumbing", "works", 240_000),
    ("45310000", "Électricité courants forts et faibles — {site}", "electricity", "works", 190_000),
    ("45421000", "Menuiseries extérieures — {site}", "joinery", "works", 200_000),
    ("45233140", "Voirie et réseaux divers — {site}", "road_works", "works", 380_000),
    ("45111100", "Démolition et désamiantage — {site}", "demolition", "works", 300_000),
    ("90911200", "Nettoyage des parties communes — {site}", "cleaning", "cleaning", 110_000),
    ("77310000", "Entretien des espaces verts — {site}", "green_spaces", "green_spaces", 85_000),
    ("90511000", "Collecte des encombrants et déchets — {site}", "waste", "waste", 150_000),
    ("71240000", "Maîtrise d'œuvre — {site}", "engineering", "engineering", 120_000),
    ("79710000", "Gardiennage et sécurité — {site}", "other", "services", 130_000),
    ("50700000", "Maintenance des installations techniques — {site}", "other", "services", 95_000),
    ("72260000", "Maintenance et évolution de logiciels", "other", "services", 110_000),
    ("80500000", "Actions de formation", "other", "services", 70_000),
    ("55523100", "Restauration collective", "other", "services", 260_000),
    ("60130000", "Transport de personnes", "other", "services", 180_000),
    ("15800000", "Fourniture de denrées alimentaires", "other", "supplies", 90_000),
    ("30190000", "Fournitures de bureau", "other", "supplies", 55_000),
    ("34144900", "Acquisition de véhicules électriques", "other", "supplies", 120_000),
    ("33140000", "Consommables médicaux", "other", "supplies", 150_000),
    ("39160000", "Mobilier scolaire", "other", "supplies", 60_000),
    ("09310000", "Fourniture d'électricité", "other", "supplies", 400_000),
]
_BY_CPV = {c[0]: c for c in CATALOGUE}
# catalogue weights by buyer type: family -> weight
FAMILY_MIX = {
    "landlord": {"works": 62, "cleaning": 12, "green_spaces": 7, "waste": 3, "engineering": 8, "services": 6, "supplies": 2},
    "commune": {"works": 34, "cleaning": 6, "green_spaces": 6, "waste": 2, "engineering": 8, "services": 24, "supplies": 20},
    "epci": {"works": 36, "cleaning": 4, "green_spaces": 5, "waste": 12, "engineering": 10, "services": 18, "supplies": 15},
    "departement": {"works": 38, "cleaning": 5, "green_spaces": 3, "waste": 1, "engineering": 10, "services": 25, "supplies": 18},
    "region": {"works": 40, "cleaning": 5, "green_spaces": 2, "waste": 1, "engineering": 10, "services": 25, "supplies": 17},
    "state": {"works": 25, "cleaning": 8, "green_spaces": 3, "waste": 2, "engineering": 12, "services": 30, "supplies": 20},
    "hospital": {"works": 20, "cleaning": 9, "green_spaces": 2, "waste": 3, "engineering": 6, "services": 25, "supplies": 35},
    "other": {"works": 35, "cleaning": 6, "green_spaces": 5, "waste": 4, "engineering": 15, "services": 20, "supplies": 15},
}
SECTOR_CLAUSE = {"works": 1.7, "cleaning": 1.75, "green_spaces": 1.65, "waste": 1.45, "engineering": 0.45,
                 "services": 0.6, "supplies": 0.1}
LABOUR_SHARE = {"painting": 0.70, "masonry": 0.50, "structural_work": 0.45, "steel_framing": 0.20,
                "roofing": 0.45, "plumbing": 0.40, "electricity": 0.45, "joinery": 0.35,
                "road_works": 0.30, "demolition": 0.45, "other": 0.45, "cleaning": 0.80,
                "green_spaces": 0.65, "waste": 0.55, "engineering": 0.60}
HOURLY_COST = {"works": 30.0, "cleaning": 20.0, "green_spaces": 22.0, "waste": 24.0, "engineering": 45.0,
               "services": 28.0, "supplies": 30.0}
SITE_WORDS = ["Les Tilleuls", "Le Beffroi", "Les Marronniers", "La Citadelle", "Les Peupliers",
              "Le Moulin", "Les Hortensias", "La Briqueterie", "Les Glycines", "Le Terril",
              "Les Acacias", "Le Canal", "Les Charmes", "La Verrerie", "Les Platanes"]


@dataclass
class Contract:
    buyer: Buyer
    id: str
    year: int
    notified: date
    published: date
    cpv: str
    family: str
    trade: str
    object: str
    amount: float
    duration: int
    place_commune: str
    procedure: str
    framework: bool
    supplier: str
    clause: bool = False
    criterion: bool = False
    reserved: bool = False
    legal_basis: str | None = None
    operation: Operation | None = None
    lot: str | None = None
    declared: bool = True       # published in the DECP
    tracked: bool = False       # followed by a facilitator
    facilitator: str | None = None
    planned_hours: float = 0.0
    kind: str = "services"      # works, gup, services (clause_planned.contract_kind)
    quirks: list[str] = field(default_factory=list)
    modified_amount: float | None = None


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def demo_contract_id(buyer: Buyer, year: int, seq: int) -> str:
    s = buyer.id_style
    if s == 0:
        return f"{year}-{seq:03d}"
    if s == 1:
        return f"{year % 100:02d}M{seq:04d}"
    if s == 2:
        return f"{year}/{seq:04d}"
    return f"{year}{seq:04d}"


def generate_contracts(rng: random.Random, world: World, scale: int) -> list[Contract]:
    """Every contract of the region's buyers 2019-2025 (plus contracts of buyers elsewhere)."""
    contracts: list[Contract] = []
    total_weight = sum(b.weight for b in world.buyers)
    npnru_by_buyer: dict[str, list[Operation]] = {}
    gup_by_buyer: dict[str, list[Operation]] = {}
    for op in world.operations:
        (npnru_by_buyer if op.kind == "npnru" else gup_by_buyer).setdefault(op.buyer_siret, []).append(op)
    families = list(FAMILY_MIX["commune"])
    for year in GENERATED_YEARS:
        n_year = CONTRACTS_PER_YEAR * YEAR_GROWTH[year] * scale
        for buyer in world.buyers:
            expected = n_year * buyer.weight / total_weight
            n = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
            mix = FAMILY_MIX[buyer.type]
            seq = 0
            for _ in range(n):
                family = rng.choices(families, weights=[mix[f] for f in families])[0]
                cpv, template, trade, fam, median = rng.choice(_FAMILY_CATALOGUE[family])
                seq += 1
                c = _one_contract(rng, world, buyer, year, seq, cpv, template, trade, fam, median,
                                  npnru_by_buyer.get(buyer.siret, []), gup_by_buyer.get(buyer.siret, []))
                contracts.append(c)
                # works of an operation are tendered in lots: a few more lots of the same consultation
                if c.operation is not None and c.operation.kind == "npnru" and rng.random() < 0.55:
                    base_id = c.id
                    c.id, c.lot = f"{base_id}-L1", "1"
                    for lot in range(2, 2 + rng.randrange(1, 4)):
                        cpv2, template2, trade2, fam2, median2 = rng.choice(
                            [x for x in CATALOGUE if x[3] == "works" and x[0] != cpv])
                        c2 = _one_contract(rng, world, buyer, year, seq, cpv2, template2, trade2, fam2, median2,
                                           [c.operation], [], notified=c.notified)
                        c2.id, c2.lot, c2.operation, c2.object = f"{base_id}-L{lot}", str(lot), c.operation, \
                            c2.object.split(" — ")[0] + " — " + c.object.split(" — ")[-1]
                        contracts.append(c2)
    # contracts of buyers of other regions, published in the same national feeds
    for year in YEARS:
        for buyer in world.outside_buyers:
            for seq in range(1, int(12 * scale) + 1):
                cpv, template, trade, fam, median = rng.choice(CATALOGUE)
                c = _one_contract(rng, world, buyer, year, seq, cpv, template, trade, fam, median, [], [])
                c.place_commune = buyer.communes[0]
                contracts.append(c)
    return contracts


_SUPPLIERS: dict[tuple, list[str]] = {}


def _suppliers(world: World, family: str) -> list[str]:
    """SIRETs of the companies of a family (cached per world)."""
    key = (id(world), family)
    if key not in _SUPPLIERS:
        fam = family if family != "supplies" else "services"
        _SUPPLIERS[key] = [s for s, _, f in world.companies if f == fam] or [s for s, _, _ in world.companies]
    return _SUPPLIERS[key]


_FAMILY_CATALOGUE = {fam: [c for c in CATALOGUE if c[3] == fam] for fam in {c[3] for c in CATALOGUE}}


def _one_contract(rng, world: World, buyer: Buyer, year: int, seq: int, cpv: str, template: str,
                  trade: str, family: str, median: float, npnru: list, gup: list,
                  notified: date | None = None) -> Contract:
    if notified is None:
        notified = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    published = notified + timedelta(days=rng.randrange(3, 60))
    operation = None
    if family == "works" and npnru and rng.random() < 0.35:
        operation = rng.choice(npnru)
    elif family in ("cleaning", "green_spaces", "waste") and gup and rng.random() < 0.7:
        operation = rng.choice(gup)
    place = operation.commune if operation else rng.choice(buyer.communes)
    site = operation.qpv if operation and operation.qpv else rng.choice(SITE_WORDS)
    if operation and operation.kind == "npnru":
        median *= 1.3
    amount = _lognormal(rng, median, AMOUNT_SIGMA)
    threshold = 25_000 if year < 2020 else 40_000
    if amount < threshold:
        amount = threshold + rng.random() * threshold
    amount = round(amount, 2) if rng.random() < 0.3 else float(round(amount, -2))
    duration = rng.choice([4, 6, 8, 10, 12, 18, 24]) if family == "works" else rng.choice([12, 24, 36, 48])
    big = amount > (5_382_000 if family == "works" else 215_000)
    procedure = "Appel d'offres ouvert" if big or rng.random() < 0.12 else "Procédure adaptée"
    if rng.random() < 0.03:
        procedure = "Marché passé sans publicité ni mise en concurrence préalable"
    framework = family in ("services", "supplies", "cleaning", "green_spaces") and rng.random() < 0.35
    suppliers = _suppliers(world, family)
    c = Contract(buyer=buyer, id=demo_contract_id(buyer, year, seq), year=year, declared=year in YEARS, notified=notified,
                 published=published, cpv=cpv, family=family, trade=trade,
                 object=template.format(n=rng.choice([24, 36, 48, 60, 82, 120, 150]), site=site),
                 amount=amount, duration=duration, place_commune=place, procedure=procedure,
                 framework=framework, supplier=rng.choice(suppliers), operation=operation)
    c.kind = "works" if family == "works" else ("gup" if operation and operation.kind == "gup" else "services")
    _social(rng, world, c)
    if rng.random() < 0.04:
        c.modified_amount = round(c.amount * rng.uniform(1.03, 1.25), 2)
    return c


def _social(rng: random.Random, world: World, c: Contract) -> None:
    b = c.buyer
    p = CLAUSE_BASE[b.type] * SECTOR_CLAUSE[c.family] * CLAUSE_TREND[c.year] * b.propensity
    p *= world.dep_weights.get(b.dep, 1.0)
    # larger contracts carry clauses more often (normalised so the mean factor stays about 1)
    e = CLAUSE_SIZE_ELASTICITY[c.year]
    p *= min(2.5, max(0.4, (c.amount / _BY_CPV[c.cpv][4]) ** e / math.exp(e * e * AMOUNT_SIGMA ** 2 / 2)))
    if c.operation is not None:
        p = max(p, (0.85 if c.operation.kind == "npnru" else 0.6) * CLAUSE_TREND[c.year] / 1.25)
    p = min(p, 0.95)
    c.clause = rng.random() < p
    if c.family in ("cleaning", "green_spaces", "waste") and rng.random() < 0.06:
        c.reserved = True
    c.criterion = rng.random() < (0.22 if c.clause else 0.03)
    if c.clause:
        if c.kind == "gup" or c.family in ("cleaning", "green_spaces"):
            c.legal_basis = "insertion_contract" if rng.random() < 0.35 else "execution_condition"
        else:
            c.legal_basis = "insertion_contract" if rng.random() < 0.06 else "execution_condition"
    elif c.reserved:
        c.legal_basis = "reserved_siae" if rng.random() < 0.8 else "reserved_ea"
    elif c.criterion:
        c.legal_basis = "award_criterion"


def planned_hours(rng: random.Random, c: Contract) -> float:
    """Hours grid: amount HT x labour share x insertion rate / loaded hourly cost (domain.md 3.5)."""
    share = LABOUR_SHARE.get(c.trade, 0.45)
    if c.operation is not None and c.operation.kind == "npnru":
        rate = rng.uniform(0.05, 0.065)
    elif c.kind == "gup":
        rate = rng.uniform(0.17, 0.20)
    elif c.family in ("cleaning", "green_spaces", "waste"):
        rate = rng.uniform(0.15, 0.20)
    elif c.family == "works" and c.buyer.type == "landlord":
        rate = rng.uniform(0.04, 0.055)
    elif c.family == "works":
        rate = rng.uniform(0.03, 0.045)
    else:
        rate = rng.uniform(0.10, 0.15)
    hours = c.amount * share * rate / HOURLY_COST[c.family]
    return float(max(35, round(hours / 5) * 5))
