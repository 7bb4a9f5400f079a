"""`python -m pipelines demo --out DIR [--scale N] [--seed S]`: the demo region's input files.

Writes, in the real formats the build reads: DECP files (2019 JSON for 2019-2023, 2022 JSON for
2024-2025, one tabular CSV, one XML), the buyers register `acheteurs.csv`, the targets
`objectifs.csv`, the facilitators' exports in `clauses/` (CSV and XLSX, and one planned-hours file),
and `demo.json`, the marker that labels every build made from them « données de démonstration ».
Same seed and scale give byte-identical files. See docs/demo_data.md.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import time
from pathlib import Path

from pipelines.demo import clause_files, decp_files, execution, procurement, world as world_mod

LABEL = "données de démonstration"
DEFAULT_SEED = 2026
REGISTER_TYPE_LABELS = {"landlord": "Bailleur social", "commune": "Commune", "epci": "Intercommunalité",
                        "departement": "Département", "region": "Région", "state": "État",
                        "hospital": "Hôpital", "other": "Autre"}


def _postcodes(ref_dir: Path) -> dict[str, str]:
    import gzip

    first: dict[str, str] = {}
    with gzip.open(ref_dir / "postcodes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            first.setdefault(r["commune_code"], r["postcode"])
    return first


def _write_register(path: Path, w: world_mod.World) -> None:
    out = io.StringIO(newline="")
    wr = csv.writer(out, delimiter=";", lineterminator="\n")
    wr.writerow(["siret", "nom", "type"])
    for b in w.buyers:
        if b.in_register:
            wr.writerow([b.siret, b.name, REGISTER_TYPE_LABELS[b.type]])
    path.write_bytes(out.getvalue().encode("utf-8"))


def _write_targets(path: Path, rng: random.Random, w: world_mod.World, tracked: list) -> int:
    """Hour targets per NPNRU operation and for the five largest landlords (objectifs.csv)."""
    by_op: dict[str, float] = {}
    by_buyer: dict[str, float] = {}
    for c in tracked:
        if c.operation is not None and c.operation.kind == "npnru":
            by_op[c.operation.id] = by_op.get(c.operation.id, 0.0) + c.planned_hours
        by_buyer[c.buyer.siret] = by_buyer.get(c.buyer.siret, 0.0) + c.planned_hours
    ops = {op.id: op for op in w.operations}
    out = io.StringIO(newline="")
    wr = csv.writer(out, delimiter=";", lineterminator="\n")
    wr.writerow(["type_perimetre", "identifiant", "libelle", "heures_objectif", "date_debut", "date_fin"])
    n = 0
    for op_id in sorted(by_op):
        target = round(by_op[op_id] * rng.uniform(0.85, 1.25), -2)
        if target <= 0:
            continue
        wr.writerow(["opération", op_id, ops[op_id].name, f"{target:.0f}", "01/01/2019", "31/12/2025"])
        n += 1
    landlords = sorted((b for b in w.buyers if b.type == "landlord"), key=lambda b: -by_buyer.get(b.siret, 0))[:5]
    for b in landlords:
        target = round(by_buyer.get(b.siret, 0) * rng.uniform(0.9, 1.3), -3)
        wr.writerow(["maître d'ouvrage", b.siret, f"Objectif d'heures {b.name} 2019-2025", f"{target:.0f}",
                     "01/01/2019", "31/12/2025"])
        n += 1
    path.write_bytes(out.getvalue().encode("utf-8"))
    return n


def generate(out: Path, scale: int = 1, seed: int = DEFAULT_SEED, ref_dir: Path | None = None) -> dict:
    """Write every demo file under `out`; return the marker written to `out/demo.json`."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    ref_dir = ref_dir or world_mod.REFERENCE_DIR
    out.mkdir(parents=True, exist_ok=True)

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}/{part}")

    w = world_mod.build_world(rng("world"), ref_dir)
    contracts = procurement.generate_contracts(rng("contracts"), w, scale)
    undeclared = execution.track(rng("tracking"), w, contracts)
    tracked = [c for c in contracts if c.tracked] + undeclared
    lines = execution.make_lines(rng("lines"), w, tracked)
    participants = execution.assign_participants(rng("participants"), w, lines)
    execution.set_outcomes(rng("outcomes"), participants)

    names = {c.code: c.name for c in w.communes.values()}
    names.update({siret: name for siret, name, _ in w.companies})
    files = decp_files.write_decp(out, contracts, _postcodes(ref_dir), rng("decp"), names)
    files += clause_files.write_exports(out, lines, tracked, rng("exports"))
    _write_register(out / "acheteurs.csv", w)
    n_targets = _write_targets(out / "objectifs.csv", rng("targets"), w, tracked)
    files += ["acheteurs.csv", "objectifs.csv"]
    marker = {
        "label": LABEL,
        "generator": "python -m pipelines demo",
        "seed": seed,
        "scale": scale,
        "region_code": world_mod.REGION,
        "years": [procurement.YEARS[0], procurement.YEARS[-1]],
        "counts": {"buyers": len(w.buyers), "contracts": sum(1 for c in contracts if c.declared),
                   "tracked_contracts": len(tracked), "undeclared_tracked_contracts": len(undeclared),
                   "execution_lines": len(lines), "participants": len(participants), "targets": n_targets},
        "files": sorted(files),
    }
    (out / "demo.json").write_bytes((json.dumps(marker, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return marker


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines demo",
                                description="Génère les fichiers de démonstration (Hauts-de-France fictifs).")
    p.add_argument("--out", required=True, help="dossier de sortie")
    p.add_argument("--scale", type=int, default=1, help="multiplie les volumes (défaut 1)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine (défaut {DEFAULT_SEED})")
    args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    t0 = time.perf_counter()
    marker = generate(Path(args.out), args.scale, args.seed)
    c = marker["counts"]
    print(f"données de démonstration écrites dans {args.out} en {time.perf_counter() - t0:.1f} s : "
          f"{c['contracts']} marchés, {c['tracked_contracts']} marchés suivis, {c['participants']} participants, "
          f"{c['execution_lines']} lignes d'exécution, {len(marker['files'])} fichiers")
    return 0
