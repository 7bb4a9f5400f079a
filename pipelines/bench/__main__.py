"""`python -m pipelines.bench ingest|clauses|marts|pages|load|profile|all [options]`: run a benchmark and print its table."""
from __future__ import annotations

import importlib
import sys

BENCHES = {
    "ingest": "pipelines.bench.ingest",
    "consolidated": "pipelines.bench.consolidated",
    "clauses": "pipelines.bench.clauses",
    "marts": "pipelines.bench.marts",
    "pages": "pipelines.bench.pages",
    "load": "pipelines.bench.load",
    "profile": "pipelines.bench.profile",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*BENCHES, "all"):
        print("usage: python -m pipelines.bench {ingest|consolidated|clauses|marts|pages|load|profile|all} [options]", file=sys.stderr)
        return 2
    # `all` leaves out the national-scale consolidated bench (minutes, GBs of files): run it by name
    names = [n for n in BENCHES if n != "consolidated"] if argv[0] == "all" else [argv[0]]
    status = 0
    for name in names:
        module = importlib.import_module(BENCHES[name])
        status |= module.main(argv[1:]) or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
