"""Buyer types: the buyers register (`--buyers`) and the documented name/SIREN fallback."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import codes
from pipelines.context import BuildContext, FileResult
from pipelines.errors import UnreadableFile
from pipelines.messages import cite
from pipelines.text import csv_rows, decode_lines, long_cell, mixed_encoding_warning, name_key, sniff_delimiter

BUYER_TYPES = codes.codes("buyer_type")   # data/reference/codes.csv

# French labels (and common variants) accepted in the register's type column, after name_key().
TYPE_LABELS = {
    "BAILLEUR SOCIAL": "landlord", "BAILLEUR": "landlord", "OPH": "landlord", "ESH": "landlord",
    "COMMUNE": "commune", "EPCI": "epci", "INTERCOMMUNALITE": "epci",
    "DEPARTEMENT": "departement", "REGION": "region", "ETAT": "state",
    "HOPITAL": "hospital", "ETABLISSEMENT DE SANTE": "hospital", "AUTRE": "other",
}
ID_COLUMNS = ("siret", "siren", "siret_ou_siren", "buyer_id", "id", "identifiant", "acheteur_id")
NAME_COLUMNS = ("nom", "name", "buyer_name", "raison_sociale", "denomination", "acheteur")
TYPE_COLUMNS = ("type", "buyer_type", "type_acheteur", "categorie")

# Name fallback, tried in order on the folded name (upper case, no accents, punctuation as spaces).
# Each entry: (label recorded in buyer_type_rule as `name:<label>`, regular expression, type).
NAME_PATTERNS: list[tuple[str, str, str]] = [
    ("OPH", r"\bOPH\b", "landlord"),
    ("OFFICE PUBLIC DE L'HABITAT", r"\bOFFICE PUBLIC (DE L |D )?HABITAT\b", "landlord"),
    ("HLM", r"\bHLM\b", "landlord"),
    ("HABITAT", r"\bHABITAT\b", "landlord"),
    ("LOGEMENT", r"\bLOGEMENTS?\b", "landlord"),
    ("LOGIS", r"\bLOGIS\b", "landlord"),
    ("IMMOBILIERE", r"\bIMMOBILIERE\b", "landlord"),
    ("CENTRE HOSPITALIER", r"\bCENTRE HOSPITALIER\b", "hospital"),
    ("HOPITAL", r"\bHOPITAUX?\b", "hospital"),
    ("CHU", r"\bCHU\b", "hospital"),
    ("CHR", r"\bCHR\b", "hospital"),
    ("GROUPEMENT HOSPITALIER", r"\bGROUPEMENT HOSPITALIER\b", "hospital"),
    ("COMMUNAUTE DE COMMUNES", r"\bCOMMUNAUTE DE COMMUNES\b", "epci"),
    ("COMMUNAUTE D'AGGLOMERATION", r"\bCOMMUNAUTE D AGGLOMERATION\b", "epci"),
    ("COMMUNAUTE URBAINE", r"\bCOMMUNAUTE URBAINE\b", "epci"),
    ("METROPOLE", r"\bMETROPOLE\b", "epci"),
    ("AGGLOMERATION", r"\bAGGLOMERATION\b", "epci"),
    ("SYNDICAT INTERCOMMUNAL", r"\bSYNDICAT INTERCOMMUNAL\b", "epci"),
    ("CONSEIL DEPARTEMENTAL", r"\bCONSEIL DEPARTEMENTAL\b", "departement"),
    ("CONSEIL GENERAL", r"\bCONSEIL GENERAL\b", "departement"),
    ("DEPARTEMENT", r"\bDEPARTEMENT\b", "departement"),
    ("CONSEIL REGIONAL", r"\bCONSEIL REGIONAL\b", "region"),
    ("REGION", r"^REGION\b", "region"),
    ("MINISTERE", r"\bMINISTERE\b", "state"),
    ("PREFECTURE", r"\bPREFECTURE\b", "state"),
    ("DIRECTION REGIONALE/DEPARTEMENTALE", r"\bDIRECTION (REGIONALE|DEPARTEMENTALE)\b", "state"),
    ("ETAT", r"^ETAT\b", "state"),
    ("COMMUNE DE", r"^(COMMUNE|VILLE|MAIRIE)\b", "commune"),
    ("VILLE DE", r"\b(COMMUNE|VILLE) D(E|U|ES)?\b", "commune"),
]
# acheteur_categorie of the consolidated DECP file (INSEE legal category, as labelled by
# decp-processing) -> buyer_type. EPIC is not mapped: public housing offices (OPH) are EPICs, the
# name rule tells them apart.
CATEGORY_TYPES = {
    "Commune": "commune", "Groupement de communes": "epci", "Syndicat mixte": "epci",
    "Département": "departement", "Département outre-mer": "departement", "Région": "region",
    "État": "state", "Établissement hospitalier": "hospital",
}
_COMPILED = [(re.compile(rx), label, t) for label, rx, t in NAME_PATTERNS]
# INSEE numbers public bodies by legal category: the first SIREN digits tell the kind of body.
SIREN_PREFIXES: list[tuple[str, str]] = [
    ("21", "commune"), ("22", "departement"), ("23", "region"), ("24", "epci"), ("25", "epci"),
    ("26", "hospital"), ("1", "state"),
]


@dataclass
class BuyersRegister:
    """Buyer id (SIRET or SIREN) -> (name, type)."""

    by_siret: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_siren: dict[str, tuple[str, str]] = field(default_factory=dict)

    def lookup(self, siret: str | None) -> tuple[str, str] | None:
        if not siret:
            return None
        hit = self.by_siret.get(siret)
        if hit is None and len(siret) >= 9:
            hit = self.by_siren.get(siret[:9])
        return hit


def buyer_type(ctx: BuildContext, siret: str | None, name: str | None) -> tuple[str, str]:
    """(buyer_type, buyer_type_rule) for a buyer of this build: register first, then the category
    given by the consolidated file, then the name and SIREN fallbacks."""
    return classify_buyer(ctx.buyers, siret, name, ctx.buyer_categories.get(siret) if siret else None)


def classify_buyer(register: BuyersRegister | None, siret: str | None, name: str | None,
                   category: str | None = None) -> tuple[str, str]:
    """(buyer_type, rule): register, else `categorie:<label>` (acheteur_categorie of the consolidated
    DECP file), else `name:<pattern>`, else `siren:<prefix>`, else `default`."""
    if register is not None:
        hit = register.lookup(siret)
        if hit is not None:
            return hit[1], "register"
    if category:
        btype = CATEGORY_TYPES.get(category.strip())
        if btype is not None:
            return btype, f"categorie:{category.strip()}"
    folded = name_key(name)
    if folded:
        for rx, label, btype in _COMPILED:
            if rx.search(folded):
                return btype, f"name:{label}"
    if siret and len(siret) == 14 and siret.isdigit():
        for prefix, btype in SIREN_PREFIXES:
            if siret.startswith(prefix):
                return btype, f"siren:{prefix}"
    return "other", "default"


def parse_buyer_type(value: str | None) -> str | None:
    """English code or French label -> code; None when not recognised."""
    v = (value or "").strip()
    if v.lower() in BUYER_TYPES:
        return v.lower()
    return TYPE_LABELS.get(name_key(v))


def _pick(header: list[str], names) -> int | None:
    norm = [name_key(h).lower().replace(" ", "_") for h in header]
    for n in names:
        if n in norm:
            return norm.index(n)
    return None


def load_buyers_register(con, path: Path, quarantine=None) -> tuple[BuyersRegister, FileResult]:
    """Read a buyers register CSV into `buyers_register` and return the lookup."""
    path = Path(path)
    try:
        text, _, cp1252_lines = decode_lines(path.read_bytes())
    except OSError as exc:
        raise UnreadableFile(path, "un CSV siret;nom;type", exc.strerror or str(exc)) from exc
    first = text.splitlines()[0] if text.strip() else ""
    delim = sniff_delimiter(first)
    rows = csv_rows(text, delim)
    if not rows:
        raise UnreadableFile(path, "un CSV siret;nom;type", "fichier vide")
    header = rows[0]
    i_id, i_name, i_type = _pick(header, ID_COLUMNS), _pick(header, NAME_COLUMNS), _pick(header, TYPE_COLUMNS)
    if i_id is None or i_type is None:
        raise UnreadableFile(path, "un CSV avec les colonnes siret (ou siren), nom, type",
                             f"en-tête lu : {cite(header)}")
    register = BuyersRegister()
    result = FileResult(format="csv")
    mixed = mixed_encoding_warning(cp1252_lines)
    if mixed:
        result.warnings.append(mixed)
    out = {"buyer_id": [], "buyer_name": [], "buyer_type": []}
    for record_no, row in enumerate(rows[1:], start=1):
        if not any(c.strip() for c in row):
            continue
        result.n_read += 1
        too_long = long_cell(row, header)
        if too_long:
            if quarantine is not None:
                quarantine.reject_record(record_no, too_long, None)
            result.n_rejected += 1
            continue
        raw = delim.join(row)
        bid = re.sub(r"\s+", "", row[i_id]) if i_id < len(row) else ""
        btype = parse_buyer_type(row[i_type] if i_type < len(row) else "")
        name = row[i_name].strip() if i_name is not None and i_name < len(row) else ""
        if not (bid.isdigit() and len(bid) in (9, 14)):
            if quarantine is not None:
                quarantine.reject_record(record_no, "identifiant d'acheteur invalide : attendu un SIRET "
                                         "(14 chiffres) ou un SIREN (9 chiffres)", raw, field="siret")
            result.n_rejected += 1
            continue
        if btype is None:
            if quarantine is not None:
                quarantine.reject_record(record_no, "type d'acheteur inconnu : attendu bailleur social, "
                                         "commune, EPCI, département, région, État, hôpital ou autre",
                                         raw, field="type")
            result.n_rejected += 1
            continue
        target = register.by_siret if len(bid) == 14 else register.by_siren
        if bid in target:
            result.n_duplicates += 1
            continue
        target[bid] = (name, btype)
        out["buyer_id"].append(bid)
        out["buyer_name"].append(name)
        out["buyer_type"].append(btype)
        result.n_loaded += 1
    if out["buyer_id"]:
        import pyarrow as pa

        con.register("_buyers_batch", pa.Table.from_pydict(out))
        con.execute("insert into buyers_register select buyer_id, buyer_name, buyer_type from _buyers_batch")
        con.unregister("_buyers_batch")
    return register, result
