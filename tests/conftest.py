"""Shared test set-up: the project root on sys.path, and where real samples live."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED_SAMPLES = ROOT.parent / "shared" / "decp-samples"


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def observatoire_view(monkeypatch):
    """AppTests see the observatory team's view (every page, nothing forced) unless a test asks for
    another audience: tests/test_access.py replaces this scope or restores the real resolution
    (returned here) to test sign-in, the access file and the demo mode."""
    from dashboard import access

    real = access.resolve
    monkeypatch.setattr(access, "resolve",
                        lambda info, known, **kw: access.Scope(role="observatoire", source="test"))
    return real
