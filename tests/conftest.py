"""Shared test set-up: the project root on sys.path, and where real samples live."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED_SAMPLES = ROOT.parent / "shared" / "decp-samples"
