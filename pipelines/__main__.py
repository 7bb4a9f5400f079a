"""`python -m pipelines {build,demo,report,fetch} ...`"""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "build": "pipelines.build",    # build the database (this area)
    "demo": "pipelines.demo",      # generate demonstration data
    "report": "pipelines.report",  # print a report from a built database
    "fetch": "pipelines.fetch",    # download the consolidated national DECP file
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print("usage : python -m pipelines {build|demo|report|fetch} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[argv[0]])  # imported lazily: each area owns its own
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
