"""Errors the build reports to the user as one readable line (no traceback)."""
from __future__ import annotations

from pathlib import Path


class UnreadableFile(Exception):
    """A whole file cannot be read: truncated, wrong encoding, not the expected kind of file."""

    def __init__(self, path: Path | str, expected: str, detail: str = ""):
        self.path = Path(path)
        self.expected = expected
        self.detail = detail
        msg = f"{self.path.name} : fichier illisible, attendu {expected}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)
