"""Who is looking, and what they may see: the access file, the signed-in identity, the scope.

- The **access file** (CSV, setting `access_path`, env OBSERVATOIRE_ACCESS_FILE) lists who has which
  role: `identifiant;role;siren;operations;territoires` (email or OpenID subject; observatoire,
  bailleur, comite or public; SIREN of a landlord; operation codes; département codes or EPCI
  SIRENs; several values separated by spaces, `|` or commas). `validate()` checks every line
  against the served database (unknown SIREN, operation or territory, duplicate person...) and
  gives French messages; a refused line grants nothing. `load()` is cached on the file's
  modification time and size: an edited file is read again on the next page view.
- The **identity** comes from Streamlit's `st.user` (OpenID Connect via Authlib, `[auth]` in
  `.streamlit/secrets.toml`); `signed_in_identity()` and `auth_configured()` are the only places
  that read it (tests replace them).
- The **scope** (`Scope`: role, SIRENs and their establishments, operations, territories) is
  decided by `resolve()` on the server at every run; `dashboard.policy` applies it to every mart.
- **Demo mode**: on the demo database without `[auth]`, the visitor picks a role and a scope in the
  sidebar (banner on every page). Refused on any other database (`demo_mode = on` says so); a real
  database without `[auth]` serves the public view and says how to enable sign-in.
"""
from __future__ import annotations

import csv
import io
import re
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from dashboard.text import md
from pipelines import settings

ROLES = {
    "observatoire": "Observatoire (DREETS)",
    "bailleur": "Bailleur social",
    "comite": "Comité de pilotage",
    "public": "Public",
}
COLUMNS = ("identifiant", "role", "siren", "operations", "territoires")
DEMO_LABEL = "données de démonstration"
_SPLIT = re.compile(r"[\s,|]+")
_SIREN = re.compile(r"[0-9]{9}")


# --- the scope ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What the current visitor may see. `landlords`: its organisations (SIRENs) present in the data
    (an organisation covers all its establishments, docs/data_model.md)."""

    role: str = "public"
    sirens: tuple[str, ...] = ()
    landlords: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    who: str | None = None
    source: str = "anonymous"  # signed_in, anonymous, not_in_file, no_auth, demo, demo_refused
    message: str | None = None  # French Markdown shown under the page title
    default_landlord: str | None = None  # the bailleur's organisation chosen in the sidebar

    @property
    def demo(self) -> bool:
        return self.source == "demo"


PUBLIC = Scope()


@dataclass(frozen=True)
class Entry:
    line: int
    identifier: str
    role: str
    sirens: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()


@dataclass
class AccessTable:
    """The valid lines of the access file (by lower-case identifier) and the French problems found."""

    path: str
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing: bool = False

    def lookup(self, email: str | None, subject: str | None, email_verified=None) -> Entry | None:
        """The entry of a signed-in person: by subject first, then by email (unless marked unverified)."""
        if subject and subject.strip().lower() in self.entries:
            return self.entries[subject.strip().lower()]
        if email and email_verified is not False and email.strip().lower() in self.entries:
            return self.entries[email.strip().lower()]
        return None


@dataclass(frozen=True)
class Known:
    """Values the access file may name: landlord organisations (SIREN), operation codes, territory codes."""

    landlords: dict[str, str] = field(default_factory=dict)  # SIREN -> name (mart_filter_options)
    operations: dict[str, str] = field(default_factory=dict)
    territories: dict[str, str] = field(default_factory=dict)  # département code or EPCI SIREN -> name

    def establishments(self, sirens) -> tuple[str, ...]:
        """The landlord organisations among `sirens` present in the data, in a stable order (a SIRET
        given there designates its organisation)."""
        wanted = {str(p)[:9] for p in sirens}
        return tuple(s for s in self.landlords if str(s)[:9] in wanted)


def _values(cell: str | None) -> tuple[str, ...]:
    return tuple(v for v in _SPLIT.split((cell or "").strip()) if v)


def validate(text: str, known: Known, path: str = "fichier d'accès") -> AccessTable:
    """Check the access file's text; refused lines are left out with their French reason."""
    table = AccessTable(path=path)
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows or not any(c.strip() for c in rows[0]):
        table.problems.append(f"{path} : fichier vide (attendu : une ligne d'en-tête {';'.join(COLUMNS)}).")
        return table
    header = [c.strip().lower() for c in rows[0]]
    absent = [c for c in COLUMNS if c not in header]
    if absent:
        table.problems.append(f"{path} : colonne(s) absente(s) : {', '.join(absent)} "
                              f"(en-tête attendu : {';'.join(COLUMNS)}).")
        return table
    idx = {c: header.index(c) for c in COLUMNS}
    seen: dict[str, list[int]] = {}
    valid: dict[int, Entry] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue

        def get(col):
            i = idx[col]
            return row[i].strip() if i < len(row) else ""

        where = f"{path}, ligne {n}"
        ident, role = get("identifiant"), get("role").lower()
        sirens, ops, terrs = _values(get("siren")), _values(get("operations")), _values(get("territoires"))
        errors = []
        if not ident:
            errors.append("identifiant vide (adresse électronique ou identifiant OpenID attendu)")
        if role not in ROLES:
            errors.append(f"rôle « {role} » inconnu (attendu : {', '.join(ROLES)})")
        for s in sirens:
            if not _SIREN.fullmatch(s):
                errors.append(f"SIREN « {s} » invalide (9 chiffres attendus)")
            elif not known.establishments([s]):
                errors.append(f"SIREN « {s} » inconnu : aucun bailleur de la base n'a ce SIREN")
        for o in ops:
            if o not in known.operations:
                errors.append(f"opération « {o} » inconnue dans la base")
        for t in terrs:
            if t not in known.territories:
                errors.append(f"territoire « {t} » inconnu (code de département ou SIREN d'EPCI présent "
                              "dans les données attendu)")
        if role == "bailleur":
            if not sirens:
                errors.append("un bailleur doit avoir au moins un SIREN")
            if ops or terrs:
                errors.append("un bailleur ne prend que des SIREN (ni opérations ni territoires)")
        elif role == "comite":
            if not ops and not terrs:
                errors.append("un comité doit avoir au moins une opération ou un territoire")
            if sirens:
                errors.append("un comité ne prend pas de SIREN")
        elif role in ("observatoire", "public") and (sirens or ops or terrs):
            errors.append(f"le rôle {role} ne prend ni SIREN, ni opération, ni territoire")
        if ident:
            seen.setdefault(ident.lower(), []).append(n)
        if errors:
            table.problems.append(f"{where} : " + " ; ".join(errors) + " — ligne ignorée.")
            continue
        valid[n] = Entry(n, ident, role, sirens, ops, terrs)
    for ident, lines in seen.items():
        if len(lines) > 1:
            table.problems.append(
                f"{path}, lignes {', '.join(map(str, lines))} : même personne « {ident} » plusieurs fois — "
                "aucune de ces lignes n'est appliquée (gardez-en une seule).")
            continue
        if lines[0] in valid:
            table.entries[ident] = valid[lines[0]]
    return table


def access_path() -> Path:
    return Path(settings.get("access_path"))


def load(path: Path, known: Known) -> AccessTable:
    """Read and validate the access file (a missing file grants nothing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        t = AccessTable(path=str(path), missing=True)
        t.problems.append(f"{path} : fichier d'accès introuvable ; personne n'a d'autre accès que la vue publique.")
        return t
    except (OSError, UnicodeDecodeError) as exc:
        t = AccessTable(path=str(path))
        t.problems.append(f"{path} : fichier d'accès illisible ({exc}) ; il est ignoré (UTF-8 attendu).")
        return t
    return validate(text, known, str(path))


def scope_of(entry: Entry, known: Known, who: str | None = None) -> Scope:
    """The scope an access-file entry grants."""
    return Scope(role=entry.role, sirens=entry.sirens, landlords=known.establishments(entry.sirens),
                 operations=entry.operations, territories=entry.territories, who=who or entry.identifier,
                 source="signed_in")


# --- the current run's scope (set by app.py, read by dashboard.db) -----------------------------

_RUN = threading.local()


def set_current(scope: Scope | None) -> Scope | None:
    """Set the scope of this script run; returns the one it replaces (None when none was set)."""
    previous = getattr(_RUN, "scope", None)
    _RUN.scope = scope
    return previous


def current() -> Scope | None:
    """The scope of this script run; PUBLIC inside a Streamlit run that did not set one; None outside."""
    scope = getattr(_RUN, "scope", None)
    if scope is not None:
        return scope
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        in_run = get_script_run_ctx(suppress_warning=True) is not None
    except Exception:  # noqa: BLE001
        in_run = False
    return PUBLIC if in_run else None


# --- identity (Streamlit) ----------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    email: str | None
    subject: str | None
    name: str | None = None
    email_verified: bool | None = None


def auth_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an `[auth]` section (sign-in through st.login)."""
    import streamlit as st

    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def provider() -> str | None:
    """The provider to pass to st.login: None for a flat `[auth]`, else the first `[auth.NAME]`."""
    import streamlit as st

    try:
        auth = st.secrets["auth"]
    except Exception:  # noqa: BLE001
        return None
    if "client_id" in auth:
        return None
    for key in auth:
        if hasattr(auth[key], "keys"):
            return key
    return None


def signed_in_identity() -> Identity | None:
    """The person signed in through OpenID Connect (st.user), None when nobody is."""
    import streamlit as st

    try:
        if not st.user.is_logged_in:
            return None
        user = st.user.to_dict()
    except Exception:  # noqa: BLE001 - auth not configured
        return None
    ev = user.get("email_verified")
    return Identity(email=user.get("email"), subject=user.get("sub"), name=user.get("name"),
                    email_verified=None if ev is None else bool(ev))


def is_demo(info: dict) -> bool:
    return DEMO_LABEL in (info.get("data_label") or "").lower()


def contact() -> str:
    return str(settings.get("access_contact"))


def resolve(info: dict, known: Known, table_loader=None, demo_choice=None) -> Scope:
    """The scope of the current visitor, from the sign-in (or the demo choice) and the access file.

    `table_loader()` gives the AccessTable (cached), `demo_choice(known)` the Scope picked in the
    demo sidebar; both are called only when needed.
    """
    mode = str(settings.get("demo_mode")).strip().lower()
    demo_db = is_demo(info)
    if auth_configured():
        ident = signed_in_identity()
        if ident is None:
            return replace(PUBLIC, source="anonymous", message=None)
        who = ident.email or ident.subject
        table = table_loader() if table_loader else AccessTable(path="")
        entry = table.lookup(ident.email, ident.subject, ident.email_verified)
        if entry is None:
            return replace(PUBLIC, who=who, source="not_in_file", message=(
                f"Vous êtes connecté(e), mais votre compte n'a pas d'accès particulier à l'observatoire : "
                f"vous voyez la vue publique. Pour un accès bailleur ou comité, écrivez à {md(contact())}."))
        return scope_of(entry, known, who)
    if mode == "on" and not demo_db:
        return replace(PUBLIC, source="demo_refused", message=(
            "**Mode démonstration refusé** : la base servie n'est pas la base de démonstration "
            f"(« {md(info.get('data_label') or 'sans étiquette')} »). Seule la vue publique est servie ; "
            "configurez la connexion (`[auth]` dans `.streamlit/secrets.toml`, voir le README, section "
            "Déploiement)."))
    if mode in ("auto", "on") and demo_db:
        scope = demo_choice(known) if demo_choice else Scope(role="observatoire")
        return replace(scope, source="demo")
    return replace(PUBLIC, source="no_auth", message=(
        "Connexion non configurée : vous voyez la vue publique (marchés publics, chiffres régionaux et "
        "départementaux). Pour ouvrir l'accès aux bailleurs et aux comités, configurez la connexion "
        "OpenID Connect (`[auth]` dans `.streamlit/secrets.toml`) et le fichier d'accès : voir le README, "
        "section Déploiement."))


def log_problems(table: AccessTable) -> None:
    """Write the access file's problems to the server log (stderr)."""
    for p in table.problems:
        print(f"[observatoire] accès : {p}", file=sys.stderr)


# --- command line: check a file before deploying it --------------------------------------------

def known_from_db(con) -> Known:
    """Known values from a DuckDB connection (mart_filter_options)."""
    rows = con.execute("select filter, value, label from mart_filter_options").fetchall()
    lands, ops, terrs = {}, {}, {}
    for name, value, label in rows:
        if value is None:
            continue
        if name == "landlord":
            lands[str(value)] = str(label or value)
        elif name == "operation":
            ops[str(value)] = str(label or value)
        elif name in ("departement", "epci"):
            terrs[str(value)] = str(label or value)
    return Known(lands, ops, terrs)


def main(argv=None) -> int:
    import argparse

    import duckdb

    p = argparse.ArgumentParser(prog="python -m dashboard.access",
                                description="Vérifie le fichier d'accès contre la base servie.")
    p.add_argument("--db", default=settings.get("db_path"))
    p.add_argument("--file", default=settings.get("access_path"))
    args = p.parse_args(argv)
    con = duckdb.connect(args.db, read_only=True)
    try:
        table = load(Path(args.file), known_from_db(con))
    finally:
        con.close()
    for problem in table.problems:
        print(problem)
    counts = {}
    for e in table.entries.values():
        counts[e.role] = counts.get(e.role, 0) + 1
    print(f"{len(table.entries)} personne(s) avec un accès : "
          + (", ".join(f"{ROLES[r].lower()} {n}" for r, n in sorted(counts.items())) or "aucune"))
    return 1 if table.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["Scope", "Entry", "AccessTable", "Known", "validate", "load", "resolve", "current", "set_current",
           "signed_in_identity", "auth_configured", "ROLES"]
