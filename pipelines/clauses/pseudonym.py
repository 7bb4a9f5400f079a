"""Pseudonymous participant ids: HMAC-SHA-256 of the facilitator's id with a secret salt.

The salt lives in a file outside the database (`settings.get("salt_path")`, env
`OBSERVATOIRE_SALT_FILE`), created on first use with owner-only permissions. Same salt, same ids:
reloading a file gives the same participant ids; losing the salt breaks the link with earlier builds.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pipelines import settings


def salt_file(path: Path | str | None = None) -> Path:
    return Path(path) if path else Path(settings.get("salt_path"))


def load_salt(path: Path | str | None = None) -> bytes:
    """The secret salt, created (64 random hex characters, mode 600) when the file is absent."""
    p = salt_file(path)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # created meanwhile by another process
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
    salt = p.read_bytes().strip()
    if len(salt) < 16:
        raise ValueError(f"{p} : sel secret trop court (au moins 16 caractères attendus)")
    return salt


def pseudonymise(raw_id: str, salt: bytes) -> str:
    """Hex HMAC-SHA-256 of an id (surrounding spaces ignored): never reversible without the salt."""
    return hmac.new(salt, raw_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()
