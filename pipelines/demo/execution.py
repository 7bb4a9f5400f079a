"""Demo clause execution: which clause contracts facilitators track (plus executed contracts never
published in the DECP), the employment-contract lines worked on them, and the participants behind
the lines with their gender, age, publics, residence, outcomes.

Proportions follow domain.md's orders of magnitude; territories, landlords and modalities differ
on purpose so comparisons say something.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.demo.procurement import Contract, demo_contract_id, planned_hours
from pipelines.demo.world import World

EXTRACTION_DATE = date(2025, 12, 31)
EXPORT_START = date(2019, 1, 1)
TRACKED_SHARE = 0.85          # clause contracts of a covered territory that a facilitator follows
# extra contracts a facilitator follows per tracked contract that the buyer never published in the
# DECP: the early extracts were far from complete, so they are many more in 2019-2021
UNDECLARED_PER_TRACKED = {2018: 1.4, 2019: 0.9, 2020: 0.55, 2021: 0.55, 2022: 0.35, 2023: 0.2, 2024: 0.15,
                          2025: 0.14}
REUSE_SHARE = 0.33            # a line goes to a participant who already worked on a clause
MEAN_LINE_HOURS = 430.0

GENDER_F = {"works": 0.085, "cleaning": 0.58, "green_spaces": 0.22, "waste": 0.15, "engineering": 0.45,
            "services": 0.45, "supplies": 0.3}
MODALITY = {"siae_provision": 42, "direct_hire": 27, "geiq": 10, "siae_subcontracting": 14, "training": 7}
DEP_EXIT = {"59": 1.06, "62": 0.93, "80": 1.02, "60": 1.0, "02": 0.88}
MODALITY_EXIT = {"geiq": 1.3, "direct_hire": 1.2, "siae_provision": 0.93, "siae_subcontracting": 0.82,
                 "training": 1.1}
DURABLE = ["cdi", "cdd_6m_plus", "interim_6m_plus", "civil_service", "business_creation"]
DURABLE_W = [35, 30, 25, 4, 6]
TRANSITION = ["cdd_under_6m", "interim_under_6m", "subsidised_contract"]
TRANSITION_W = [35, 45, 20]
POSITIVE = ["qualifying_training", "siae_hire"]
OTHER = ["unemployment", "inactivity", "other"]
OTHER_W = [75, 12, 13]


@dataclass
class Participant:
    key: str
    facilitator: str
    gender: str
    birth_year: int
    qualification: str
    publics: list[str]
    residence: str
    qpv_resident: bool
    lines: list = field(default_factory=list)


@dataclass
class Line:
    contract: Contract
    start: date
    end: date | None
    hours: float
    modality: str
    contract_type: str
    company: str
    participant: Participant | None = None
    tenant: bool = False
    outcome_end: str | None = None
    outcome_6m: str | None = None


LITTORAL_EPCI = {"200090751", "246200729", "245900428", "246200232", "200040459"}   # Calais, Boulogne, Dunkerque, ...
HAINAUT_EPCI = {"245901160", "200042190", "200043396", "245900410", "200068500"}     # Valenciennes, Denain, Maubeuge, ...


def facilitator_of(world: World, c: Contract) -> str | None:
    """The facilitator that covers the contract's place of execution (None outside the region)."""
    commune = world.communes.get(c.operation.commune if c.operation else c.place_commune)
    if commune is None:
        return None
    if commune.epci in LITTORAL_EPCI:
        return "littoral"
    if commune.epci in HAINAUT_EPCI:
        return "hainaut"
    return {"59": "mel", "62": "artois", "80": "amiens", "60": "oise", "02": "aisne"}[commune.dep]


def track(rng: random.Random, world: World, contracts: list[Contract]) -> list[Contract]:
    """Mark tracked clause contracts, compute their planned hours, and add executed-but-undeclared
    contracts (returned, not published in the DECP)."""
    extra: list[Contract] = []
    seq = 900
    for c in contracts:
        if not c.clause or c.buyer.dep == "xx":
            continue
        fac = facilitator_of(world, c)
        if fac is None or rng.random() > TRACKED_SHARE:
            continue
        c.tracked, c.facilitator = True, fac
        c.planned_hours = planned_hours(rng, c)
        expected = UNDECLARED_PER_TRACKED[c.year]
        for _ in range(int(expected) + (rng.random() < expected - int(expected))):
            # a contract of the same buyer the facilitator follows but the buyer never published
            seq += 1
            u = Contract(**{**c.__dict__, "quirks": [], "modified_amount": None})
            u.id = "MAPA-" + demo_contract_id(c.buyer, c.year, seq) if rng.random() < 0.5 else f"{c.year}-HD{seq}"
            u.lot = None
            u.amount = float(round(c.amount * rng.uniform(0.3, 0.9), -2))
            u.declared = False
            u.planned_hours = planned_hours(rng, u)
            extra.append(u)
    return extra


def _weeks(hours: float, rng: random.Random) -> float:
    return hours / rng.uniform(21, 35)


def make_lines(rng: random.Random, world: World, tracked: list[Contract]) -> list[Line]:
    """Employment-contract lines worked on each tracked contract (not yet given a participant)."""
    lines: list[Line] = []
    companies: dict[str, list[str]] = {}
    for c in tracked:
        rr = min(2.2, max(0.25, math.exp(rng.gauss(0.02, 0.3))))
        if c.buyer.type == "landlord":
            rr *= 0.85 + 0.3 * (c.buyer.propensity - 0.65) / 0.7
        target = c.planned_hours * rr
        window_start = c.notified + timedelta(days=30)
        window_days = max(60, int(c.duration * 30.4) - 30)
        fam = c.family if c.family in ("cleaning", "green_spaces", "waste", "engineering") else "works"
        comps = companies.get(fam)
        if comps is None:
            comps = companies[fam] = [s for s, _, f in world.companies if f == fam]
        done = 0.0
        while target - done > 20:
            h = min(target - done, max(35.0, rng.gammavariate(2.2, MEAN_LINE_HOURS / 2.2)))
            h = float(round(h * 2) / 2)
            weeks = _weeks(h, rng)
            start = window_start + timedelta(days=rng.randrange(max(1, window_days - int(weeks * 7) // 2)))
            end = start + timedelta(days=max(1, int(weeks * 7)))
            done += h
            if start > EXTRACTION_DATE or start < EXPORT_START:
                continue   # the exports cover 2019-2025
            if end > EXTRACTION_DATE:
                h = float(round(h * (EXTRACTION_DATE - start).days / max(1, (end - start).days) * 2) / 2)
                end = None
                if h < 7:
                    continue
            modality = rng.choices(list(MODALITY), weights=list(MODALITY.values()))[0]
            if c.family in ("cleaning", "green_spaces") and rng.random() < 0.25:
                modality = "siae_subcontracting"
            ctype = _contract_type(rng, modality)
            lines.append(Line(c, start, end, h, modality, ctype, c.supplier if rng.random() < 0.6 else rng.choice(comps)))
    lines.sort(key=lambda ln: (ln.start, ln.contract.buyer.siret, ln.contract.id, ln.hours))
    return lines


def _contract_type(rng: random.Random, modality: str) -> str:
    if modality == "siae_provision":
        return rng.choices(["interim", "cddi", "other"], weights=[68, 30, 2])[0]
    if modality == "geiq":
        return rng.choices(["professionalisation", "apprenticeship"], weights=[72, 28])[0]
    if modality == "siae_subcontracting":
        return "cddi"
    if modality == "training":
        return rng.choices(["professionalisation", "other", "cdd"], weights=[50, 30, 20])[0]
    return rng.choices(["cdd", "cdi", "apprenticeship", "professionalisation", "interim"],
                       weights=[52, 18, 12, 10, 8])[0]


_POOLS: dict[tuple, tuple[list[str], list[float]]] = {}


def _pool(world: World, key: tuple) -> tuple[list[str], list[float]]:
    """Communes of an EPCI or a département with cumulative population weights (cached)."""
    hit = _POOLS.get((id(world), key))
    if hit is None:
        kind, code = key
        members = [x for x in world.communes.values() if (x.epci if kind == "epci" else x.dep) == code]
        cum, total = [], 0.0
        for x in members:
            total += x.population
            cum.append(total)
        hit = ([x.code for x in members], cum)
        _POOLS[(id(world), key)] = hit
    return hit


def _residence(rng: random.Random, world: World, c: Contract) -> str:
    op_commune = c.operation.commune if c.operation else c.place_commune
    if c.operation is not None and c.operation.qpv and rng.random() < 0.45:
        return op_commune
    home = world.communes.get(op_commune)
    if home is None:
        return op_commune
    codes, cum = _pool(world, ("epci", home.epci) if rng.random() < 0.7 else ("dep", home.dep))
    return rng.choices(codes, cum_weights=cum)[0]


def _new_participant(rng: random.Random, world: World, line: Line, n: int) -> Participant:
    c = line.contract
    gender = "F" if rng.random() < GENDER_F[c.family] else "M"
    if line.modality == "geiq" or line.contract_type == "apprenticeship":
        band = rng.choices(["<26", "26-49", "50+"], weights=[70, 27, 3])[0]
    else:
        band = rng.choices(["<26", "26-49", "50+"], weights=[27, 57, 16])[0]
    age = {"<26": rng.randint(17, 25), "26-49": rng.randint(26, 49), "50+": rng.randint(50, 62)}[band]
    qual = rng.choices(["infra_3", "3", "4", "5_plus"], weights=[42, 36, 16, 6])[0]
    residence = _residence(rng, world, c)
    in_qpv_commune = residence in world.qpv
    qpv = rng.random() < (0.62 if in_qpv_commune else 0.06)
    dep = residence[:2]
    publics = []
    if rng.random() < 0.42:
        publics.append("deld")
    if rng.random() < (0.36 if dep in ("02", "62") else 0.27):
        publics.append("rsa")
    if rng.random() < 0.05:
        publics.append("ass")
    if rng.random() < 0.03:
        publics.append("aah")
    if band == "<26" and qual in ("infra_3", "3") and rng.random() < 0.85:
        publics.append("young_low_qualified")
    if rng.random() < 0.08:
        publics.append("rqth")
    if qpv:
        publics.append("qpv_resident")
    if band == "50+" and rng.random() < 0.7:
        publics.append("senior")
    if rng.random() < 0.02:
        publics.append("refugee")
    if not publics:
        publics.append("deld" if band != "<26" else "young_low_qualified")
    return Participant(f"{line.contract.facilitator.upper()}-{n:06d}", line.contract.facilitator, gender,
                       line.start.year - age, qual, publics, residence, qpv)


def assign_participants(rng: random.Random, world: World, lines: list[Line]) -> list[Participant]:
    """Give each line a participant: a new one, or (REUSE_SHARE of lines) one of the facilitator's
    participants whose last line ended less than 8 months before (pooling). The pool of available
    people grows with the volume, so the proportions hold at any scale."""
    import heapq

    participants: list[Participant] = []
    busy: dict[str, list] = {}        # facilitator -> heap of (end ordinal, n, participant)
    available: dict[str, list] = {}   # facilitator -> [(end ordinal, participant)]
    counters: dict[str, int] = {}
    n = 0
    for ln in lines:
        fac = ln.contract.facilitator
        heap = busy.setdefault(fac, [])
        pool = available.setdefault(fac, [])
        today = ln.start.toordinal()
        while heap and heap[0][0] < today:
            end, _, p = heapq.heappop(heap)
            pool.append((end, p))
        chosen = None
        if pool and rng.random() < REUSE_SHARE:
            while pool and chosen is None:
                i = rng.randrange(len(pool))
                end, p = pool[i]
                pool[i] = pool[-1]
                pool.pop()
                if today - end < 240:
                    chosen = p
        if chosen is None:
            counters[fac] = counters.get(fac, 0) + 1
            chosen = _new_participant(rng, world, ln, counters[fac])
            participants.append(chosen)
        chosen.lines.append(ln)
        ln.participant = chosen
        if ln.end is not None:
            n += 1
            heapq.heappush(heap, (ln.end.toordinal(), n, chosen))
        b = ln.contract.buyer
        if b.type == "landlord":
            ln.tenant = rng.random() < b.tenant_share * (1.4 if chosen.qpv_resident else 0.8)
    return participants


def set_outcomes(rng: random.Random, participants: list[Participant]) -> None:
    """Outcome at the end of the path and at +6 months, on each participant's last line."""
    landlord_factor: dict[str, float] = {}
    for p in participants:
        last = p.lines[-1]
        if last.end is None:
            last.outcome_end = "ongoing"
            continue
        b = last.contract.buyer
        lf = landlord_factor.setdefault(b.siret, rng.uniform(0.85, 1.15))
        hours = sum(ln.hours for ln in p.lines)
        hf = 1.15 if hours > 600 else (0.8 if hours < 150 else 1.0)
        gf = 1.05 if p.gender == "F" else 1.0
        dyn = min(0.85, 0.42 * DEP_EXIT.get(p.residence[:2], 1.0) * MODALITY_EXIT[last.modality] * lf * hf * gf)
        if rng.random() < 0.13:
            last.outcome_end = None            # unknown
        else:
            last.outcome_end = _outcome(rng, dyn)
        if (EXTRACTION_DATE - last.end).days < 183 or rng.random() < 0.22:
            last.outcome_6m = None
        else:
            base = last.outcome_end
            if base in DURABLE and rng.random() < 0.85:
                last.outcome_6m = base
            else:
                last.outcome_6m = _outcome(rng, min(0.9, dyn * 1.08))


def _outcome(rng: random.Random, dyn: float) -> str:
    if rng.random() < dyn:
        group = rng.choices(["durable", "transition", "positive"], weights=[42, 38, 20])[0]
        if group == "durable":
            return rng.choices(DURABLE, weights=DURABLE_W)[0]
        if group == "transition":
            return rng.choices(TRANSITION, weights=TRANSITION_W)[0]
        return rng.choice(POSITIVE)
    return rng.choices(OTHER, weights=OTHER_W)[0]
