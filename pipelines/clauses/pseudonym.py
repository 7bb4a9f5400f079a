"""Pseudonymous participant ids: HMAC-SHA-256 of the facilitator's id with a secret salt.

The salt lives in a file outside the database (`settings.get("salt_path")`, env
`OBSERVATOIRE_SALT_FILE`), owner-only permissions. Same salt, same ids: reloading a file gives the
same participant ids; losing or changing the salt re-keys every participant (no link with earlier
builds). The build checks the salt before reading anything and creates it only for a database
without participants (`pipelines.build.check_salt`); `load_salt` (library use) creates it when absent.

A new salt is written to a temporary file in the same folder, then hard-linked onto its path
(`os.link` fails when the path exists): the path never exists without its full content, and two
processes creating it at once end up with the same salt (the loser reads the winner's).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

from pipelines import settings

MIN_SALT_LENGTH = 16
MAX_SALT_BYTES = 4096


class SaltError(ValueError):
    """The salt file cannot be used; the message is one French line naming the file."""


def salt_file(path: Path | str | None = None) -> Path:
    return Path(path) if path else Path(settings.get("salt_path"))


def os_reason(exc: OSError) -> str:
    """A short French reason for a file-system error."""
    reasons = {
        errno.EACCES: "permission refusée", errno.EPERM: "opération non permise",
        errno.EROFS: "système de fichiers en lecture seule", errno.ENOSPC: "disque plein",
        errno.EDQUOT: "quota disque dépassé", errno.EFBIG: "taille maximale de fichier atteinte",
        errno.ENOENT: "introuvable", errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
        errno.EISDIR: "c'est un dossier", errno.EBUSY: "ressource occupée",
        errno.EXDEV: "pas sur le même système de fichiers", errno.EIO: "erreur d'entrée-sortie",
    }
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


def salt_exists(path: Path | str | None = None) -> bool:
    """True when something (file, folder, broken link) sits at the salt path."""
    p = salt_file(path)
    return p.exists() or p.is_symlink()


def read_salt(path: Path | str | None = None) -> bytes:
    """The salt in its file; SaltError when missing, a folder, unreadable, empty or too short."""
    p = salt_file(path)
    hint = "(réglage salt_path, variable OBSERVATOIRE_SALT_FILE)"
    if p.is_dir():
        raise SaltError(f"sel secret {p} : c'est un dossier, un fichier est attendu {hint}")
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            # a FIFO blocks the build forever, /dev/zero fills the memory
            raise SaltError(f"sel secret {p} : pas un fichier ordinaire (tube, périphérique…), un fichier est "
                            f"attendu {hint}")
        if st.st_size > MAX_SALT_BYTES:
            raise SaltError(f"sel secret {p} : fichier de plus de {MAX_SALT_BYTES} octets, ce n'est pas un sel "
                            f"(64 caractères hexadécimaux attendus) {hint}")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SaltError(f"sel secret introuvable : {p} {hint}") from None
    except OSError as exc:
        raise SaltError(f"sel secret illisible : {p} ({os_reason(exc)})") from None
    salt = raw.strip()
    if not salt:
        raise SaltError(f"sel secret vide : {p} ; au moins {MIN_SALT_LENGTH} caractères attendus "
                        f"(restaurez le fichier sauvegardé)")
    if len(salt) < MIN_SALT_LENGTH:
        raise SaltError(f"sel secret trop court : {p} ({len(salt)} caractère(s), "
                        f"au moins {MIN_SALT_LENGTH} attendus)")
    return salt


def create_salt(path: Path | str | None = None) -> tuple[bytes, bool]:
    """Write a new random salt (64 hex characters, mode 600) unless the file exists.

    Returns (salt, created): created is False when the file existed or another process created it
    meanwhile; the salt returned is then the one in the file. SaltError when it cannot be written.
    """
    p = salt_file(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")  # mode 600
    except OSError as exc:
        raise SaltError(f"impossible de créer le sel secret {p} ({os_reason(exc)})") from None
    created = False
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, p)              # atomic, and refuses to overwrite
            created = True
        except FileExistsError:
            pass                         # another process was first: use its salt
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            created = _create_under_lock(tmp, p)   # file system without hard links
    except OSError as exc:
        raise SaltError(f"impossible d'écrire le sel secret {p} ({os_reason(exc)})") from None
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    return read_salt(p), created


def _create_under_lock(tmp: str, p: Path) -> bool:
    """Fallback of `create_salt`: creators take a lock, check again, then rename (atomic)."""
    with open(p.with_name(p.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if salt_exists(p):
            return False
        os.replace(tmp, p)
        return True


def load_salt(path: Path | str | None = None) -> bytes:
    """The secret salt, created when the file is absent (the build checks it first: see module doc)."""
    p = salt_file(path)
    if not salt_exists(p):
        return create_salt(p)[0]
    return read_salt(p)


def pseudonymise(raw_id: str, salt: bytes) -> str:
    """Hex HMAC-SHA-256 of an id (surrounding spaces ignored): never reversible without the salt."""
    return hmac.new(salt, raw_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()
