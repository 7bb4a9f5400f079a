"""`ingest_clause_file`: one facilitator export -> `clause_hours` (+ `clause_planned`), `rejects`.

An export of execution records (one row per employment-contract line of a participant) fills
`clause_hours`; when it carries planned hours, one `clause_planned` row per contract/lot is derived
from it. A contracts/lots file (planned hours, no participant) fills `clause_planned` only and is
logged with kind `planned` (`FileResult.kind`).

Counts: n_read = n_loaded + n_rejected + n_duplicates + n_out_of_region, where duplicates are
records identical to one already read in this build, and out of region are operations whose commune
lies outside the observed region.
"""
from __future__ import annotations

from collections import Counter
import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from pipelines.clauses import headers as hdr
from pipelines import cells as P
from pipelines.clauses import values as v
from pipelines.clauses.privacy import MARKER, PERSONAL_FIELDS, personal_kind, redact
from pipelines.clauses.pseudonym import load_salt, pseudonymise
from pipelines.clauses.source import long_cell_text, max_cell_chars, open_table
from pipelines.buyers import buyer_type
from pipelines.context import BuildContext, FileResult
from pipelines.errors import UnreadableFile
from pipelines.messages import CITE_MAX_NAMES, cite
from pipelines.quarantine import Quarantine

BATCH_ROWS = 50_000
MAX_HOURS_PER_WEEK = 48.0   # legal weekly maximum: more on a dated line is not credible
MAX_HOURS_UNDATED = 3_500.0  # about two years full time, for a line without end date
MAX_PLANNED_HOURS = 1_000_000.0
MIN_BIRTH_YEAR = 1930
MIN_WORK_AGE = 14
MAX_END_YEARS_AHEAD = 5      # an end date further than this after the build date is not credible

HOURS_SCHEMA = pa.schema([
    ("source_file", pa.string()), ("record_no", pa.int64()),
    ("operation_id", pa.string()), ("operation_name", pa.string()), ("operation_qpv", pa.string()),
    ("operation_commune_code", pa.string()),
    ("buyer_siret", pa.string()), ("buyer_name", pa.string()), ("buyer_type", pa.string()),
    ("contract_id", pa.string()), ("lot", pa.string()), ("company_siret", pa.string()),
    ("modality", pa.string()), ("participant_id", pa.string()), ("gender", pa.string()),
    ("birth_year", pa.int32()), ("age_band", pa.string()), ("qualification_level", pa.string()),
    ("publics", pa.list_(pa.string())), ("residence_commune_code", pa.string()),
    ("qpv_resident", pa.bool_()), ("tenant_of_buyer", pa.bool_()),
    ("employment_contract_type", pa.string()), ("start_date", pa.date32()), ("end_date", pa.date32()),
    ("hours_worked", pa.float64()), ("outcome_end", pa.string()), ("outcome_6m", pa.string()),
])
PLANNED_SCHEMA = pa.schema([
    ("source_file", pa.string()), ("record_no", pa.int64()),
    ("operation_id", pa.string()), ("operation_name", pa.string()), ("operation_qpv", pa.string()),
    ("operation_commune_code", pa.string()),
    ("buyer_siret", pa.string()), ("buyer_name", pa.string()), ("buyer_type", pa.string()),
    ("contract_id", pa.string()), ("lot", pa.string()), ("contract_object", pa.string()),
    ("trade", pa.string()), ("contract_kind", pa.string()), ("legal_basis", pa.string()),
    ("contract_amount", pa.float64()), ("planned_hours", pa.float64()),
])
PLANNED_FIELDS = [f for f in PLANNED_SCHEMA.names if f not in ("source_file", "record_no")]
HOURS_FIELDS = [f for f in HOURS_SCHEMA.names if f not in ("source_file", "record_no")]

# Coded fields: field -> vocabulary of pipelines.clauses.values.LABELS
CODED = {"buyer_type": "buyer_type", "modality": "modality", "gender": "gender",
         "age_band": "age_band", "qualification_level": "qualification_level",
         "employment_contract_type": "employment_contract_type", "outcome_end": "outcome",
         "outcome_6m": "outcome", "trade": "trade", "contract_kind": "contract_kind",
         "legal_basis": "legal_basis"}
TEXT_FIELDS = ("operation_id", "operation_name", "operation_qpv", "buyer_name", "lot",
               "contract_object")
# identifier columns: a bare 10-digit number there is an id, not a phone (pipelines/clauses/privacy.py)
ID_FIELDS = {"operation_id", "lot", "contract_id", "buyer_siret", "company_siret"}
# fields of a contracts/lots row that an execution row does not carry (their rejects are recorded once)
PLANNED_ONLY = ("trade", "contract_kind", "legal_basis", "contract_amount", "planned_hours")
# participant attributes resolved to one value per person in sql/staging/stg_participant_attributes.sql
ATTRIBUTES = {"gender": "sexe", "birth_year": "année de naissance", "qpv_resident": "résident QPV"}


def build_date() -> date:
    """The build date: a line cannot start after it (stg_settings.built_on is the same day)."""
    return date.today()


def _fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _fmt_hours(x: float) -> str:
    return f"{x:,.1f}".replace(",", " ").replace(".", ",")


class _Batch:
    """Column lists flushed to a table through Arrow (never row by row through SQL)."""

    def __init__(self, con, table: str, schema: pa.Schema):
        self.con, self.table, self.schema = con, table, schema
        self.cols: dict[str, list] = {n: [] for n in schema.names}
        self.n = 0

    def add(self, row: dict) -> None:
        for n in self.schema.names:
            self.cols[n].append(row.get(n))
        self.n += 1
        if len(self.cols["record_no"]) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.cols["record_no"]:
            return
        t = pa.Table.from_pydict(self.cols, schema=self.schema)
        # through a reader of the batch, not the table itself: inside the file's transaction DuckDB
        # keeps what it scanned referenced until commit, which would hold every batch in memory
        t = pa.RecordBatchReader.from_batches(self.schema, iter(t.to_batches()))
        name = f"_clauses_batch_{self.table}"
        self.con.register(name, t)
        try:
            self.con.execute(f"insert into {self.table} by name select * from {name}")
        finally:
            self.con.unregister(name)
        self.cols = {n: [] for n in self.schema.names}


class _Row:
    """One record being read: parsed values, record-level problems, field-level rejects."""

    def __init__(self, cells: list, hm: hdr.HeaderMap):
        self.cells, self.hm = cells, hm
        self.values: dict = {}
        self.problems: list[tuple[str, str]] = []
        self.field_rejects: list[tuple[str, str, str | None]] = []
        self.withheld: list[str] = []   # fields whose value looked like personal data (not stored)

    def cell(self, field: str):
        i = self.hm.columns.get(field)
        if i is None or i >= len(self.cells):
            return None
        return self.cells[i]

    def parse(self, field: str, parser, *, record_level: bool = False, label: str = ""):
        raw = self.cell(field)
        try:
            return parser(raw)
        except P.BadValue as e:
            personal = field in PERSONAL_FIELDS   # never quote a value about the person
            what = f"{label or hdr.FIELDS[field]} : {e.bare if personal else e}"
            if record_level:
                self.problems.append((field, what))
            else:
                self.field_rejects.append((field, what + " (valeur ignorée)", None if personal else P.text(raw)))
            return None

    def withhold(self, field: str, value: str | None) -> str | None:
        """The value, or MARKER when it looks like an email, a phone number or a NIR."""
        if value is not None and personal_kind(value, field in ID_FIELDS):
            self.withheld.append(field)
            return MARKER
        return value


def _common(row: _Row, ctx: BuildContext) -> dict:
    """Fields shared by execution rows and contracts/lots rows."""
    out: dict = {}
    for f in TEXT_FIELDS:
        t = P.text(row.cell(f))
        out[f] = row.withhold(f, None if P.is_empty(t) else t)
    out["contract_id"] = row.withhold("contract_id", P.contract_id(row.cell("contract_id")))
    out["operation_commune_code"] = row.parse("operation_commune_code", P.commune_code)
    for f in ("buyer_siret",):
        s = P.siret(row.cell(f))
        problem = P.siret_problem(s)
        if problem:
            s = row.withhold(f, s)
            row.field_rejects.append((f, f"{hdr.FIELDS[f]} : SIRET invalide ({problem}), "
                                         "valeur gardée telle que lue, sans espaces", s))
        out[f] = s
    out["buyer_type"] = row.parse("buyer_type", lambda x: v.code("buyer_type", x))
    if out["buyer_type"] is None and (out["buyer_siret"] or out["buyer_name"]):
        out["buyer_type"] = _register_type(ctx, out["buyer_siret"], out["buyer_name"])
    return out


def _register_type(ctx: BuildContext, siret: str | None, name: str | None) -> str | None:
    """Buyer type from the buyers register / name rules (cached per build context)."""
    cache = ctx.__dict__.setdefault("_clause_buyer_types", {})
    key = (siret, name)
    if key not in cache:
        try:
            cache[key] = buyer_type(ctx, siret, name)[0]
        except Exception:  # no register module or register: left unknown
            cache[key] = None
    return cache[key]


def _hours_row(row: _Row, ctx: BuildContext, salt: bytes) -> dict:
    out = _common(row, ctx)
    s = P.siret(row.cell("company_siret"))
    problem = P.siret_problem(s)
    if problem:
        s = row.withhold("company_siret", s)
        row.field_rejects.append(("company_siret", f"SIRET de l'entreprise invalide ({problem}), "
                                  "valeur gardée telle que lue, sans espaces", s))
    out["company_siret"] = s
    pid = P.text(row.cell("participant_id"))
    if P.is_empty(pid):
        row.problems.append(("participant_id", "identifiant du participant manquant"))
        out["participant_id"] = None
    else:
        out["participant_id"] = pseudonymise(pid, salt)
    for f in ("modality", "gender", "qualification_level", "employment_contract_type",
              "outcome_end", "outcome_6m"):
        out[f] = row.parse(f, lambda x, k=CODED[f]: v.code(k, x))

    start = row.parse("start_date", P.event_date, record_level=True)
    end = row.parse("end_date", P.a_date, record_level=True)   # far future (31/12/9999): no end, below
    if end is not None and end.year < P.MIN_YEAR:
        row.problems.append(("end_date", f"date de fin : date antérieure à {P.MIN_YEAR}"))
        end = None
    built = build_date()
    if start is None and not any(f == "start_date" for f, _ in row.problems):
        row.problems.append(("start_date", "date de début manquante"))
    elif start is not None and start > built:
        row.problems.append(("start_date", "date de début postérieure à la date de construction de la base "
                                           f"({_fmt_date(built)})"))
    if end is not None and end.year > built.year + MAX_END_YEARS_AHEAD:
        row.field_rejects.append(("end_date", f"date de fin plus de {MAX_END_YEARS_AHEAD} ans après la date de "
                                  "construction de la base (valeur ignorée : ligne sans date de fin)", None))
        end = None
    if start and end and end < start:
        row.problems.append(("end_date", "date de fin antérieure à la date de début"))
    out["start_date"], out["end_date"] = start, end

    hours = row.parse("hours_worked", P.number, record_level=True)
    if hours is None and not any(f == "hours_worked" for f, _ in row.problems):
        row.problems.append(("hours_worked", "heures réalisées manquantes"))
    elif hours is not None:
        if hours < 0:
            row.problems.append(("hours_worked", "heures réalisées négatives"))
        elif start and end and end >= start:
            days = (end - start).days + 1
            limit = MAX_HOURS_PER_WEEK * max(days, 7) / 7
            if hours > limit:
                row.problems.append(("hours_worked", "heures réalisées invraisemblables : plus de "
                                     f"{MAX_HOURS_PER_WEEK:.0f} h par semaine entre la date de début et la date de fin"))
        elif hours > MAX_HOURS_UNDATED:
            row.problems.append(("hours_worked", "heures réalisées invraisemblables sur une ligne sans date de fin "
                                 f"(au plus {_fmt_hours(MAX_HOURS_UNDATED)} h)"))
    out["hours_worked"] = hours

    # birth date -> birth year only; the date itself is never kept
    birth_year = None
    if "birth_date" in row.hm.columns:
        bd = row.parse("birth_date", P.a_date)
        birth_year = bd.year if bd else None
        if row.field_rejects and row.field_rejects[-1][0] == "birth_date":
            f, reason, _ = row.field_rejects[-1]
            row.field_rejects[-1] = (f, "date de naissance illisible (valeur ignorée)", None)
    if birth_year is None and "birth_year" in row.hm.columns:
        by = row.parse("birth_year", P.number)
        if by is not None and not float(by).is_integer():
            row.field_rejects.append(("birth_year", "année de naissance : nombre entier attendu (valeur ignorée)",
                                      None))
            by = None
        birth_year = int(by) if by is not None else None
    if birth_year is not None:
        ref_year = (start or date.today()).year
        if not (MIN_BIRTH_YEAR <= birth_year <= ref_year - MIN_WORK_AGE):
            row.field_rejects.append(("birth_year", "année de naissance invraisemblable (valeur ignorée)", None))
            birth_year = None
    out["birth_year"] = birth_year
    band = None
    if birth_year is not None:
        band = v.age_band_of_age((start or date.today()).year - birth_year)
    if band is None and "age" in row.hm.columns:
        age = row.parse("age", P.number)
        if age is not None:
            if 14 <= age <= 90:
                band = v.age_band_of_age(age)
            else:
                row.field_rejects.append(("age", "âge invraisemblable (valeur ignorée)", None))
    if band is None:
        band = row.parse("age_band", lambda x: v.code("age_band", x))
    out["age_band"] = band

    publics, unknown = v.codes("publics", row.cell("publics"))
    for code, i in row.hm.public_flags.items():   # one yes/no column per public
        raw = row.cells[i] if i < len(row.cells) else None
        try:
            flag = P.yes_no(raw)
        except P.BadValue as e:
            row.field_rejects.append(("publics", f"publics éligibles ({code}) : {e.bare} (valeur ignorée)", None))
            flag = None
        if flag and code not in publics:
            publics.append(code)
    if unknown:
        row.field_rejects.append(("publics", f"publics éligibles : {len(unknown)} valeur(s) inconnue(s) "
                                  "(ignorée(s))", None))
    out["publics"] = publics
    out["residence_commune_code"] = row.parse("residence_commune_code", P.commune_code)
    out["qpv_resident"] = row.parse("qpv_resident", P.yes_no)
    if out["qpv_resident"] is None and "qpv_resident" not in row.hm.columns and "qpv_resident" in publics:
        out["qpv_resident"] = True
    out["tenant_of_buyer"] = row.parse("tenant_of_buyer", P.yes_no)
    return out


def _planned_row(row: _Row, ctx: BuildContext) -> dict:
    out = _common(row, ctx)
    for f in ("trade", "contract_kind", "legal_basis"):
        out[f] = row.parse(f, lambda x, k=CODED[f]: v.code(k, x))
    amount = row.parse("contract_amount", P.number)
    if amount is not None and amount < 0:
        row.field_rejects.append(("contract_amount", f"montant négatif ({_fmt_hours(amount)}) (valeur ignorée)",
                                  str(amount)))
        amount = None
    out["contract_amount"] = amount
    planned = row.parse("planned_hours", P.number, record_level=row.hm.kind == "planned")
    if planned is not None and (planned < 0 or planned > MAX_PLANNED_HOURS):
        what = (f"heures prévues négatives ({_fmt_hours(planned)})" if planned < 0 else
                f"heures prévues invraisemblables ({_fmt_hours(planned)})")
        if row.hm.kind == "planned":
            row.problems.append(("planned_hours", what))
        else:
            row.field_rejects.append(("planned_hours", what + " (valeur ignorée)", str(planned)))
        planned = None
    if planned is None and row.hm.kind == "planned" and not row.problems:
        row.problems.append(("planned_hours", "heures prévues manquantes"))
    if row.hm.kind == "planned" and out["contract_id"] is None:
        row.problems.append(("contract_id", "identifiant du marché manquant"))
    out["planned_hours"] = planned
    return out


def _raw(row: _Row) -> str | None:
    """`rejects.raw` of a rejected record: never the record itself. The value of the one field at
    fault when it is not about the person (pipelines/clauses/privacy.py), else nothing."""
    if len(row.problems) != 1 or row.problems[0][0] in PERSONAL_FIELDS:
        return None
    return P.text(row.cell(row.problems[0][0]))


def _region_lookup(ctx: BuildContext) -> dict:
    ref = getattr(ctx, "reference", None)
    communes = getattr(ref, "communes", None) or {}
    return {code: t[1] for code, t in communes.items()}


def _fingerprint(kind: str, out: dict, fields: list[str]) -> tuple:
    return (kind, *(tuple(out[f]) if isinstance(out[f], list) else out[f] for f in fields))


class _Fingerprints:
    """The fingerprints of the clause records loaded in this build (exact duplicates, across files):
    16 bytes each in one sorted numpy array (a Python set of them took about 135 bytes a record, the
    largest part of the memory on a large export). A fingerprint is a 120-bit BLAKE2b digest of the
    record's fields followed by a 0x01 byte (numpy drops trailing NUL bytes of `S` values)."""

    def __init__(self):
        self.arr = np.empty(0, dtype="S16")

    def contains(self, fp: bytes) -> bool:
        arr = self.arr
        i = int(arr.searchsorted(fp))
        return i < len(arr) and arr[i] == fp

    def add(self, pending: set) -> None:
        """Merge a batch's fingerprints (then emptied) into the array."""
        if not pending:
            return
        new = np.sort(np.array(list(pending), dtype="S16"))
        self.arr = np.insert(self.arr, self.arr.searchsorted(new), new)
        pending.clear()


class _LongDropped:
    """Over-long cells of ignored columns, dropped: counted and cited in one warning."""

    def __init__(self):
        self.n = 0
        self.where: list[str] = []
        self.longest = 0

    def add(self, record_no: int, header: str, length: int) -> None:
        self.n += 1
        self.longest = max(self.longest, length)
        if len(self.where) < CITE_MAX_NAMES:
            self.where.append(f"ligne {record_no}, colonne « {header[:80]} »")

    def text(self) -> str:
        more = self.n - len(self.where)
        return (f"{self.n} cellule(s) trop longue(s) dans des colonnes ignorées, valeur écartée, reste de la "
                f"ligne gardé (jusqu'à {long_cell_text(self.longest, max_cell_chars())}) : "
                + " ; ".join(self.where) + (f" … et {more} autre(s)" if more > 0 else ""))


def _long_cells(cells: list, long: list, hm: hdr.HeaderMap, used: set, field_of: dict, record_no: int,
                dropped: _LongDropped):
    """The cells with every over-long cell emptied; the record-level problems and field rejects they
    cause (a required field: the record is rejected; another read field: that field is rejected)."""
    cells = list(cells)
    problems, rejects = [], []
    cap = max_cell_chars()
    record_level = {"participant_id", "start_date", "end_date", "hours_worked"} if hm.kind == "clauses" \
        else {"planned_hours", "contract_id"}
    for i, length in long:
        cells[i] = None
        header = "" if i >= len(hm.cells) or hm.cells[i] is None else str(hm.cells[i]).strip()
        if i not in used:
            dropped.add(record_no, header or f"n° {i + 1}", length)
            continue
        f = field_of.get(i, "publics")
        what = f"{hdr.FIELDS[f]} : {long_cell_text(length, cap)}"
        if f in record_level:
            problems.append((f, what))
        else:
            rejects.append((f, what + " (valeur ignorée)", None))
    return cells, problems, rejects


def ingest_clause_file(con, path: Path, ctx: BuildContext) -> FileResult:
    """Read one facilitator export (CSV or XLSX) into `clause_hours` / `clause_planned`."""
    path = Path(path)
    table = open_table(path)
    hm = hdr.map_headers(table.header)
    kind = hm.kind
    missing = hm.missing_required()
    if missing:
        read = redact(cite(h for h in table.header if h is not None and str(h).strip()))
        raise UnreadableFile(
            path, f"un export de suivi des clauses avec les colonnes obligatoires {hdr.required_columns_text(kind)}",
            "colonne(s) absente(s) : " + ", ".join(f"« {hdr.FIELDS[m]} »" for m in missing)
            + f" ; en-têtes lus : {read} ; {hdr.accepted_columns_text()}")

    result = FileResult(format=table.format, kind=kind)  # ingest_log kind: `clauses` or `planned`
    for header, what in hm.refused[:CITE_MAX_NAMES]:
        result.warnings.append(f"colonne « {header} » refusée ({what} : donnée personnelle directe, "
                               "ni lue ni stockée)")
    if len(hm.refused) > CITE_MAX_NAMES:
        result.warnings.append("autres colonnes refusées (données personnelles directes, ni lues ni stockées) : "
                               + cite(h for h, _ in hm.refused[CITE_MAX_NAMES:]))
    if hm.unknown:
        result.warnings.append("colonne(s) non reconnue(s), ignorée(s) : " + cite(hm.unknown)
                               + " ; colonnes attendues : " + ", ".join(hdr.FIELDS.values()))
    if hm.repeated:
        result.warnings.append("colonne(s) en double, seule la première est lue : " + cite(hm.repeated)
                               if len(hm.repeated) > 1 else
                               f"colonne « {hm.repeated[0]} » en double, seule la première est lue")
    if kind == "planned":
        ignored = [f for f in hm.columns if f not in PLANNED_FIELDS]
        if ignored:
            result.warnings.append("fichier de marchés/lots : colonne(s) propres aux parcours ignorée(s) : "
                                   + cite((f"« {hm.cells[hm.columns[f]]} » ({hdr.FIELDS[f]})" for f in ignored),
                                          quote=False, max_chars=200))

    q = Quarantine(con, path.name, personal_fields=PERSONAL_FIELDS if kind == "clauses" else None, scrub=redact)
    region_of = _region_lookup(ctx)
    salt = load_salt(ctx.salt_path) if kind == "clauses" else b""
    hours = _Batch(con, "clause_hours", HOURS_SCHEMA)
    planned_rows: dict[tuple, dict] = {}
    planned_conflicts = 0
    has_planned = "planned_hours" in hm.columns
    seen = ctx.__dict__.setdefault("_clause_fingerprints", _Fingerprints())  # records loaded in this build
    pending: set[bytes] = set()  # this batch's fingerprints, moved to `seen` batch by batch

    used = set(hm.columns.values()) | set(hm.public_flags.values())
    field_of = {i: f for f, i in hm.columns.items()}
    long_dropped = _LongDropped()
    withheld: Counter = Counter()
    field_rejects: Counter = Counter()

    for record_no, cells in table.rows:
        result.n_read += 1
        long = getattr(cells, "long", None)
        if long:   # over-long cells (never held whole): rejected in a read column, dropped in an ignored one
            cells, long_problems, long_rejects = _long_cells(cells, long, hm, used, field_of, record_no,
                                                             long_dropped)
        row = _Row(cells, hm)
        if long:
            row.problems.extend(long_problems)
        out = _hours_row(row, ctx, salt) if kind == "clauses" else _planned_row(row, ctx)
        withheld.update(row.withheld)
        if long:
            row.field_rejects.extend(long_rejects)
            if long_problems:   # the over-long cell's reason, not also "missing"
                firsts = {}
                for f, what in row.problems:
                    firsts.setdefault(f, what)
                row.problems = list(firsts.items())
        if row.problems:
            q.reject_record(record_no, "; ".join(p for _, p in row.problems), _raw(row),
                            field=row.problems[0][0] if len(row.problems) == 1 else None)
            continue
        commune = out.get("operation_commune_code")
        if ctx.region_code and commune and region_of.get(commune, ctx.region_code) != ctx.region_code:
            result.n_out_of_region += 1
            continue
        fields = HOURS_FIELDS if kind == "clauses" else PLANNED_FIELDS
        fp = _fingerprint("clause_hours" if kind == "clauses" else "clause_planned", out, fields)
        fp = hashlib.blake2b(repr(fp).encode("utf-8", "surrogatepass"), digest_size=15).digest() + b"\x01"
        if fp in pending or seen.contains(fp):
            result.n_duplicates += 1
            continue
        pending.add(fp)
        if len(pending) >= BATCH_ROWS:
            seen.add(pending)
        for field, reason, raw in row.field_rejects:
            q.reject_field(record_no, field, reason, raw)
            field_rejects[field] += 1
        if kind == "clauses":
            hours.add({"source_file": path.name, "record_no": record_no, **out})
            result.n_loaded += 1
            if has_planned and out["contract_id"]:
                key = (out["buyer_siret"], out["contract_id"], out["lot"])
                prev = planned_rows.get(key)
                if prev is None:
                    p_row = _Row(cells, hm)
                    p = _planned_row(p_row, ctx)
                    for field, reason, raw in p_row.field_rejects:   # the lot's own fields, once
                        if field in PLANNED_ONLY:
                            q.reject_field(record_no, field, reason, raw)
                            field_rejects[field] += 1
                    if p["planned_hours"] is not None:
                        planned_rows[key] = {"source_file": path.name, "record_no": record_no, **p}
                else:
                    try:
                        planned = P.number(_Row(cells, hm).cell("planned_hours"))
                    except P.BadValue as e:
                        q.reject_field(record_no, "planned_hours", f"{hdr.FIELDS['planned_hours']} : {e} "
                                       "(valeur ignorée)", P.text(_Row(cells, hm).cell("planned_hours")))
                        field_rejects["planned_hours"] += 1
                        planned = None
                    if planned is not None and planned != prev["planned_hours"]:
                        planned_conflicts += 1
        else:
            key = (out["buyer_siret"], out["contract_id"], out["lot"])
            if key in planned_rows:
                q.reject_record(record_no, f"marché {out['contract_id']} lot {out['lot'] or '-'} déjà décrit "
                                f"à la ligne {planned_rows[key]['record_no']} avec d'autres valeurs",
                                _raw(row), field="contract_id")
                continue
            planned_rows[key] = {"source_file": path.name, "record_no": record_no, **out}
            result.n_loaded += 1
    hours.flush()
    seen.add(pending)
    result.warnings.extend(table.notes)
    if long_dropped.n:
        result.warnings.append(long_dropped.text())
    if field_rejects:
        # a loaded record with an ignored value: the file is not "ok"
        result.warnings.append(f"{sum(field_rejects.values())} valeur(s) ignorée(s) dans des enregistrements "
                               "chargés (voir les rejets) : " + ", ".join(
                                   f"{hdr.FIELDS.get(f, f)} ({n})" for f, n in _by_count(field_rejects)))
    if withheld:
        result.warnings.append(
            f"{sum(withheld.values())} valeur(s) retirée(s) car elles ressemblent à une donnée personnelle "
            f"(courriel, téléphone, numéro de sécurité sociale), remplacée(s) par « {MARKER} » : "
            + ", ".join(f"{n} dans « {hm.cells[hm.columns[f]]} » ({hdr.FIELDS[f]})" for f, n in _by_count(withheld)))
    if kind == "clauses":
        result.warnings.extend(_attribute_conflicts(con, path.name))

    if planned_conflicts:
        result.warnings.append(f"{planned_conflicts} ligne(s) donnent d'autres heures prévues pour un marché "
                               "déjà vu dans ce fichier : la première valeur est gardée")
    if planned_rows:
        existing = set(con.execute("select buyer_siret, contract_id, lot from clause_planned").fetchall())
        batch = _Batch(con, "clause_planned", PLANNED_SCHEMA)
        n_known = 0
        for key, p in planned_rows.items():
            if key in existing:
                n_known += 1
                if kind == "planned":
                    result.n_loaded -= 1
                    result.n_duplicates += 1
                continue
            batch.add(p)
        batch.flush()
        if n_known:
            result.warnings.append(f"{n_known} marché(s)/lot(s) avaient déjà leurs heures prévues d'un fichier "
                                   "précédent : la première valeur lue est gardée")
    q.flush()
    result.n_rejected = q.n_rejected
    result.warnings = [redact(w) for w in result.warnings]
    return result


def _by_count(counts: Counter) -> list[tuple[str, int]]:
    """(field, count), most frequent first, then in the order of the documented columns."""
    order = {f: i for i, f in enumerate(hdr.FIELDS)}
    return sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0]))


def _attribute_conflicts(con, source_file: str) -> list[str]:
    """One warning per participant attribute given with different values for a person of this file
    (across its lines, this file's or earlier files'): how many people, and which value is used."""
    n = con.execute("""
        with mine as (
            select distinct participant_id from clause_hours
            where source_file = ? and participant_id is not null
        ),
        lines as (
            select h.participant_id, h.buyer_siret, h.gender, h.birth_year, h.qpv_resident, h.tenant_of_buyer
            from clause_hours as h semi join mine using (participant_id)
        ),
        people as (
            select participant_id, count(distinct gender) as n_gender, count(distinct birth_year) as n_birth_year,
                   count(distinct qpv_resident) as n_qpv_resident
            from lines group by participant_id
        ),
        tenancy as (
            select participant_id, buyer_siret from lines
            group by all having count(distinct tenant_of_buyer) > 1
        )
        select count(*) filter (where n_gender > 1), count(*) filter (where n_birth_year > 1),
               count(*) filter (where n_qpv_resident > 1),
               (select count(distinct participant_id) from tenancy)
        from people""", [source_file]).fetchall()[0]
    rule = ("la valeur de la ligne la plus récente qui la renseigne est retenue pour toutes ses lignes "
            "(date de début la plus tardive, puis dernier fichier par ordre des noms, puis dernier enregistrement)")
    out = []
    for (field, label), count in zip([*ATTRIBUTES.items(), ("tenant_of_buyer", "locataire du maître d'ouvrage")], n):
        if count:
            scope = " pour un même maître d'ouvrage" if field == "tenant_of_buyer" else ""
            out.append(f"{count} participant(s) de ce fichier ont plusieurs valeurs de « {label} » selon les lignes{scope} "
                       f"(de ce fichier ou d'un fichier précédent) : {rule}")
    return out
