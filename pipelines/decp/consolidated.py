"""The national consolidated DECP file (decp-processing's `decp.parquet` / `decp.csv`), read in
DuckDB SQL.

The file has one row per contract x titulaire x modification (docs/ingestion_decp.md,
"Consolidated national file"). It is read with `read_parquet` / `read_csv` (explicit VARCHAR types:
ids stay text), the project's normalisation rules (pipelines/decp/normalise.py, territory.py) are
applied to each *distinct* value of a column (a few thousand calls, not millions), and the rows
are collapsed in SQL: one `decp_versions` row per contract x modification, ordered so that the
existing collapse (pipelines/decp/collapse.py) keeps the current row's data, the latest stated
amount and duration and the initial amount. Counts reconcile at row level:
rows read = rows loaded (into n contracts) + rejected + duplicates + out of region.
"""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.context import BuildContext, FileResult
from pipelines.decp import normalise as N
from pipelines.decp.versions import ensure_versions_table
from pipelines.decp.territory import TerritoryResolver
from pipelines.text import siret_is_valid
from pipelines.errors import UnreadableFile

EXPECTED = "le fichier DECP consolidé (decp.parquet ou decp.csv de decp-processing)"
PARQUET_MAGIC = b"PAR1"
# a CSV is the consolidated file when its header has `uid` and most of these columns
SIGNATURE = {"uid", "acheteur_id", "titulaire_id", "modification_id", "donneesActuelles",
             "lieuExecution_code", "sourceDataset"}
REQUIRED = ("uid", "id", "nature", "acheteur_id", "acheteur_nom", "titulaire_id",
            "titulaire_typeIdentifiant", "objet", "montant", "codeCPV", "procedure", "techniques",
            "dureeMois", "dateNotification", "datePublicationDonnees", "considerationsSociales",
            "lieuExecution_code", "lieuExecution_typeCode", "modification_id", "donneesActuelles")
# added after schema v2.12.1 or enrichment columns: read when present, null otherwise
OPTIONAL = ("montant_anomalie", "montant_anomalie_raisons", "titulaire_labels", "acheteur_categorie",
            "acheteur_commune_code", "acheteur_departement_code")
ANOMALIES = ("suspect", "aberrant")
SANS_OBJET = "Sans objet"
# acheteur_categorie -> buyer_type: pipelines.buyers.CATEGORY_TYPES (read by the buyer-type rule).


def consolidated_kind(path: Path) -> str | None:
    """`parquet` or `csv` when the content is the consolidated file, else None (other readers)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
    except OSError:
        return None
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    header = _csv_header(head)
    if header and "uid" in header and len(SIGNATURE & set(header)) >= 3:
        return "csv"
    return None


def _csv_header(head: bytes) -> list[str] | None:
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    line = body.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "," not in text:
        return None
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(text)))]
    except (csv.Error, StopIteration):
        return None


def _missing_columns(path: Path, columns: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UnreadableFile(path, EXPECTED, f"colonnes manquantes : {', '.join(missing)}")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# ---- reading ---------------------------------------------------------------------------------------

def _read_raw(con, path: Path, kind: str) -> tuple[int, int, set[str]]:
    """Fill temp table `_cons_raw` (record_no + the used columns, ids as text).
    Returns (rows read, rows rejected by the CSV reader, the file's columns); the CSV's bad lines go to `_cons_badlines`."""
    p = _sql_str(str(path))
    if kind == "parquet":
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 4))
            tail = f.read(4)
        if size < 12 or tail != PARQUET_MAGIC:
            raise UnreadableFile(path, EXPECTED, f"parquet tronqué : pied de fichier absent ({size} octets lus)")
        try:
            types = dict(con.execute(f"select column_name, column_type from "
                                     f"(describe select * from read_parquet({p}))").fetchall())
        except duckdb.Error as exc:
            raise UnreadableFile(path, EXPECTED, f"parquet invalide ({_short(exc)})") from exc
        _missing_columns(path, list(types))
        source = f"read_parquet({p}, file_row_number = true)"
        record_no = "file_row_number + 1"
    else:
        with open(path, "rb") as f:
            header = _csv_header(f.read(1 << 20)) or []
        _missing_columns(path, header)
        types = {c: "VARCHAR" for c in header}
        cols = "{" + ", ".join(f"{_sql_str(c)}: 'VARCHAR'" for c in header) + "}"
        source = (f"read_csv({p}, header = true, delim = ',', quote = '\"', escape = '\"', "
                  f"columns = {cols}, store_rejects = true, rejects_table = '_cons_rejected', "
                  f"rejects_scan = '_cons_rejected_scan', max_line_size = 16777216)")
        record_no = None
    exprs = []
    for c in REQUIRED + OPTIONAL:
        t = types.get(c)
        if t is None:
            exprs.append(f"null::varchar as {c}")
        elif c in ("acheteur_id",) and t != "VARCHAR" and t in _INTEGER_TYPES:
            exprs.append(f"lpad(cast({c} as varchar), 14, '0') as {c}")   # SIRET read as a number
        elif c == "titulaire_id" and t in _INTEGER_TYPES:
            exprs.append(f"case when titulaire_typeIdentifiant = 'SIRET' then lpad(cast({c} as varchar), 14, '0') "
                         f"else cast({c} as varchar) end as {c}")
        elif c == "montant" and (t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL")):
            exprs.append(f"cast({c} as double) as {c}")
        elif c in ("donneesActuelles",) and t == "BOOLEAN":
            exprs.append(f"{c}")
        elif c == "modification_id" and t in _INTEGER_TYPES:
            exprs.append(f"cast({c} as bigint) as {c}")
        else:
            exprs.append(f"cast({c} as varchar) as {c}")
    try:
        if record_no:
            # parquet is columnar: a view, each mapping reads only its own columns
            con.execute(f"create or replace temp view _cons_raw as select {record_no} as record_no, "
                        f"{', '.join(exprs)} from {source}")
        else:
            con.execute(f"create or replace temp table _cons_raw as select {', '.join(exprs)} from {source}")
    except duckdb.Error as exc:
        raise UnreadableFile(path, EXPECTED, f"lecture impossible ({_short(exc)})") from exc
    n_bad = 0
    if kind == "csv":
        # rows the CSV reader refused (wrong number of columns...): record_no = data row number;
        # the readable rows keep their own position in the file
        con.execute("""create or replace temp table _cons_badlines as
            select line - 1 as record_no, any_value(error_type) as error_type, any_value(error_message) as msg,
                   any_value(csv_line) as csv_line
            from _cons_rejected group by line""")
        n_bad = con.execute("select count(*) from _cons_badlines").fetchall()[0][0]
        con.execute("drop table if exists _cons_rejected")
        con.execute("drop table if exists _cons_rejected_scan")
        con.execute("""create or replace temp table _cons_raw as
            with good as (select row_number() over () as i, * from _cons_raw),
                 bad as (select record_no - row_number() over (order by record_no) as gap from _cons_badlines)
            select i + (select count(*) from bad where bad.gap < good.i) as record_no, * exclude (i)
            from good""")
    n = con.execute("select count(*) from _cons_raw").fetchall()[0][0]
    return n + n_bad, n_bad, set(types)


_INTEGER_TYPES = {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"}


def _short(exc: Exception) -> str:
    s = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return s[:200]


# ---- distinct-value mappings (the shared normalisation rules, applied once per distinct value) ----

MAPPING_SLICE = 200_000


def _mapping(con, name: str, keys: list[str], fn, out: list[tuple[str, pa.DataType]],
             where: str | None = None) -> None:
    """Temp table `name` with the distinct `keys` of _cons_raw (k0, k1...) and fn(*key) columns
    (only of the rows matching `where` when given).
    The distinct keys stay in Arrow; Python objects exist for one slice at a time (memory bounded
    even with millions of distinct amounts)."""
    key_sql = ", ".join(f"{k} as k{i}" for i, k in enumerate(keys))
    tbl = con.sql(f"select distinct {key_sql} from _cons_raw"
                  + (f" where {where}" if where else "")).to_arrow_table()
    outputs: list[list[pa.Array]] = [[] for _ in out]
    for start in range(0, tbl.num_rows, MAPPING_SLICE):
        part = tbl.slice(start, MAPPING_SLICE)
        results = [fn(*vals) for vals in zip(*(c.to_pylist() for c in part.columns))]
        for j, (_, typ) in enumerate(out):
            outputs[j].append(pa.array([r[j] for r in results], type=typ))
    arrays = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in tbl.columns]
    for j, (_, typ) in enumerate(out):
        arrays.append(pa.concat_arrays(outputs[j]) if outputs[j] else pa.array([], type=typ))
    names = [f"k{i}" for i in range(len(keys))] + [col for col, _ in out]
    con.register("_cons_map", pa.Table.from_arrays(arrays, names=names))
    try:
        con.execute(f"create or replace temp table {name} as select * from _cons_map")
    finally:
        con.unregister("_cons_map")


def _join(name: str, keys: list[str]) -> str:
    cond = " and ".join(f"r.{k} is not distinct from {name}.k{i}" for i, k in enumerate(keys))
    return f"left join {name} on {cond}"


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _buyer(raw):
    siret = N.clean_identifier(raw)
    return siret, siret_is_valid(siret) if siret else None


def _nature(raw, techniques):
    t = N.text(raw)
    code = N.nature_code(t) if t else None
    problem = None
    if t and code is None:
        code, problem = "other", f"nature inconnue : {t!r}"
    if code == "marche" and any(N.nature_code(x) == "accord_cadre" for x in _split(techniques)):
        code = "accord_cadre"      # 2022 moved Accord-cadre to techniques: keep the 2019 meaning
    return code, code in N.CONCESSION_NATURES if code else False, problem


def _cpv(raw, sectors):
    cpv, problem = N.parse_cpv(raw)
    division = cpv[:2] if cpv else None
    if division is not None and division not in sectors:
        return None, None, f"division CPV {division} inconnue"
    return cpv, division, problem


def _procedure(raw):
    t = N.text(raw)
    code = N.procedure_code(t) if t else None
    if t and code is None:
        return "other", f"procédure inconnue : {t!r}"
    return code, None


def _date(raw):
    return N.parse_date(raw)


def _amount(raw):
    return N.parse_amount(raw)


def _duration(raw):
    return N.parse_duration(raw)


def _social(raw):
    """One text joined with ", ". null = 2019-format record: unknown status (no reject);
    "Sans objet" = no social consideration (known)."""
    if raw is None or N.text(raw) is None:
        return None, False, None, None, None, "2019", []
    values = [N.NO_SOCIAL if v == SANS_OBJET else v for v in _split(raw)]
    social, problems = N.parse_social(values)
    if social is None:
        return None, False, None, None, None, "2022", problems or ["considérations sociales illisibles"]
    return (social, True, "Clause sociale" in social, "Critère social" in social,
            "Marché réservé" in social or "Concession réservée" in social, "2022", problems)


def _bool(raw):
    if raw is None or isinstance(raw, bool):
        return (raw,)
    value, _ = N.parse_bool(raw)
    return (value,)


# ---- ingestion ---------------------------------------------------------------------------------------

TERRITORY_FIELDS = [("place_type", pa.string()), ("commune_code", pa.string()), ("departement_code", pa.string()),
                    ("region_code", pa.string()), ("epci_code", pa.string()), ("territory_status", pa.string()),
                    ("territory_reason", pa.string())]


def _amount_fast(con) -> str | None:
    """When the file's amounts are numbers (parquet): the SQL test of parse_amount's common case (a
    number strictly between PLACEHOLDER_MAX_SYMBOLIC and 9 999 999, returned as it is), so that only
    the other amounts go through Python. None for text amounts (CSV): all go through parse_amount.
    The test has a `{col}` placeholder for the column."""
    [(typ,)] = con.execute("select column_type from (describe select montant from _cons_raw)").fetchall()
    if typ != "DOUBLE":
        return None
    return f"({{col}} > {float(N.PLACEHOLDER_MAX_SYMBOLIC)!r} and {{col}} < 9999999.0)"


def _build_mappings(con, ctx: BuildContext, amount_fast: str | None = None) -> None:
    ref = ctx.reference
    resolver = TerritoryResolver(ref)
    s, b, f64, lst = pa.string(), pa.bool_(), pa.float64(), pa.list_(pa.string())
    _mapping(con, "_m_buyer", ["acheteur_id"], _buyer, [("buyer_siret", s), ("siret_valid", b)])
    _mapping(con, "_m_nature", ["nature", "techniques"], _nature,
             [("nature_code", s), ("is_concession", b), ("nature_problem", s)])
    _mapping(con, "_m_cpv", ["codeCPV"], lambda v: _cpv(v, ref.cpv_sectors),
             [("cpv_code", s), ("cpv_division", s), ("cpv_problem", s)])
    _mapping(con, "_m_proc", ["procedure"], _procedure, [("procedure_code", s), ("procedure_problem", s)])
    _mapping(con, "_m_notif", ["dateNotification"], _date, [("notification_date", pa.date32()),
                                                             ("notification_problem", s)])
    _mapping(con, "_m_pub", ["datePublicationDonnees"], _date, [("publication_date", pa.date32()),
                                                                 ("publication_problem", s)])
    _mapping(con, "_m_amount", ["montant"], _amount, [("amount", f64), ("amount_flag", s), ("amount_problem", s)],
             where=f"not coalesce({amount_fast.format(col='montant')}, false)" if amount_fast else None)
    _mapping(con, "_m_duration", ["dureeMois"], _duration, [("duration_months", f64), ("duration_problem", s)])
    _mapping(con, "_m_social", ["considerationsSociales"], _social,
             [("social_considerations", lst), ("social_info_known", b), ("has_social_clause", b),
              ("has_social_criterion", b), ("is_reserved", b), ("format_version", s), ("social_problems", lst)])
    _mapping(con, "_m_current", ["donneesActuelles"], _bool, [("is_current", b)])

    def place(code, type_code):
        ptype, t = resolver.resolve(code, type_code)
        return (ptype, t.commune_code, t.departement_code, t.region_code, t.epci_code, t.status, t.reason)
    _mapping(con, "_m_place", ["lieuExecution_code", "lieuExecution_typeCode"], place, TERRITORY_FIELDS)

    def buyer_place(commune, departement):
        """The buyer's location, given by the consolidated file, as a fallback territory."""
        dep = reg = None
        if commune:
            _, t = resolver.resolve(commune, "Code commune")
            dep, reg = t.departement_code, t.region_code
        if reg is None and departement:
            d = departement.strip().upper().zfill(2)
            if d in ref.departements:
                dep, reg = d, ref.departements[d]
        if reg is None:
            return None, None, None
        where = f"commune {commune}" if commune else f"département {dep}"
        return dep, reg, (f"territoire déduit de l'adresse de l'acheteur ({where}) "
                          f"donnée par le fichier consolidé")
    _mapping(con, "_m_buyer_place", ["acheteur_commune_code", "acheteur_departement_code"], buyer_place,
             [("b_departement_code", s), ("b_region_code", s), ("b_reason", s)])


def _missing_text(col: str) -> str:
    markers = ", ".join(_sql_str(m) for m in sorted(N.MISSING_MARKERS))
    longest = max(len(m) for m in N.MISSING_MARKERS)
    return (f"case when length({col}) <= {longest + 2} and upper(trim({col})) in ({markers}) then null "
            f"else nullif(trim({col}), '') end")


# Every row's key and what the duplicate and version rules need (narrow: all rows)
KEYS_SQL = """
create or replace temp table _cons_keys as
with base as (
    select r.record_no, r.uid, r.codeCPV, r.titulaire_id, r.titulaire_labels, r.modification_id,
        r.donneesActuelles, _m_buyer.buyer_siret, _m_buyer.siret_valid,
        {id_text} as id_text,
        hash({all_raw}) as row_hash
    from _cons_raw r
    {j_buyer}
),
keyed as (
    select *,
        -- the uid (buyer SIRET + id), some with a `_<codeCPV>` suffix: only read when id is missing
        case when id_text is null then
             case when codeCPV is not null and ends_with(uid, '_' || codeCPV)
                  then left(uid, length(uid) - length(codeCPV) - 1) else uid end end as uid_clean
    from base
)
select r.record_no, r.buyer_siret, r.siret_valid,
    coalesce(r.id_text,
             case when r.buyer_siret is not null and starts_with(r.uid_clean, r.buyer_siret)
                       and length(r.uid_clean) > length(r.buyer_siret)
                  then substr(r.uid_clean, length(r.buyer_siret) + 1) end) as contract_id,
    nullif(replace(replace(replace(trim(r.titulaire_id), ' ', ''), '.', ''), chr(160), ''), '') as titulaire_id,
    case when r.titulaire_labels is null then (case when {has_labels} then false end)
         else contains(',' || replace(r.titulaire_labels, ' ', '') || ',', ',SIAE,') end as titulaire_siae,
    coalesce(try_cast(r.modification_id as bigint), try_cast(try_cast(r.modification_id as double) as bigint))
        as modification_id,
    _m_current.is_current,
    r.row_hash
from keyed r
{j_current}
"""

# The fields of each version's first row (the rows of _cons_vagg), normalised through the
# distinct-value mappings, with the version's titulaires and rank key: the current row
# (donneesActuelles) last, then by modification_id (none first), then by position in the file
VERSIONS_ROWS_SQL = """
create or replace temp table _cons_versions as
select v.buyer_siret, v.contract_id, v.record_no, v.supplier_sirets, v.supplier_siae, v.n_rows,
    -- the key (current, modification_id, record_no) as one hugeint, in that order: bit 125 the
    -- current flag, bits 41-104 modification_id + 2^63, bits 0-40 record_no (< 2^41 rows); a
    -- fixed-size key makes arg_max/arg_min several times cheaper than a struct key
    v.v_current::integer::hugeint * 42535295865117307932921825928971026432
        + (coalesce(v.modification_id, -9223372036854775807)::hugeint + 9223372036854775808) * 2199023255552
        + v.record_no as vkey,
    v.siret_valid,
    {buyer_name} as buyer_name,
    {object} as object,
    r.acheteur_categorie,
    _m_nature.nature_code as nature, _m_nature.is_concession, _m_nature.nature_problem, r.nature as raw_nature,
    _m_cpv.cpv_code, _m_cpv.cpv_division, _m_cpv.cpv_problem, r.codeCPV as raw_cpv,
    _m_proc.procedure_code as procedure, _m_proc.procedure_problem, r.procedure as raw_procedure,
    _m_notif.notification_date,
    coalesce(_m_notif.notification_problem,
             case when _m_notif.notification_date is null then 'date de notification absente' end)
        as notification_problem,
    r.dateNotification as raw_notification,
    _m_pub.publication_date, _m_pub.publication_problem, r.datePublicationDonnees as raw_publication,
    -- montant_anomalie (suspect / aberrant, decp-processing's robust score): kept out of sums
    case when lower(trim(r.montant_anomalie)) in ('suspect', 'aberrant') then null else {amount} end
        as amount,
    coalesce(_m_amount.amount_flag,
             case when lower(trim(r.montant_anomalie)) in ('suspect', 'aberrant')
                  then lower(trim(r.montant_anomalie)) end) as amount_flag,
    coalesce(_m_amount.amount_problem,
             case when lower(trim(r.montant_anomalie)) in ('suspect', 'aberrant')
                  then 'montant jugé ' || lower(trim(r.montant_anomalie))
                       || ' par le fichier consolidé (montant_anomalie), exclu des sommes'
                       || coalesce(' : ' || nullif(trim(r.montant_anomalie_raisons), ''), '') end)
        as amount_problem,
    cast(r.montant as varchar) as raw_amount,
    _m_duration.duration_months, _m_duration.duration_problem, r.dureeMois as raw_duration,
    r.lieuExecution_code as place_code_raw, r.lieuExecution_typeCode as place_type_raw,
    _m_place.place_type, _m_place.commune_code, _m_place.departement_code, _m_place.region_code,
    _m_place.epci_code, _m_place.territory_status, _m_place.territory_reason,
    _m_buyer_place.b_departement_code, _m_buyer_place.b_region_code, _m_buyer_place.b_reason,
    _m_social.social_considerations, coalesce(_m_social.social_info_known, false) as social_info_known,
    _m_social.has_social_clause, _m_social.has_social_criterion, _m_social.is_reserved,
    coalesce(_m_social.format_version, '2019') as format_version, _m_social.social_problems,
    r.considerationsSociales as raw_social
from _cons_vagg v
join _cons_raw r using (record_no)
{joins}
"""


def _rows_sql(has_labels: bool, amount_fast: str | None = None) -> tuple[str, str]:
    """The keys statement (every row) and the versions statement (each version's first row)."""
    maps = [("_m_nature", ["nature", "techniques"]),
            ("_m_cpv", ["codeCPV"]), ("_m_proc", ["procedure"]), ("_m_notif", ["dateNotification"]),
            ("_m_pub", ["datePublicationDonnees"]), ("_m_amount", ["montant"]),
            ("_m_duration", ["dureeMois"]), ("_m_social", ["considerationsSociales"]),
            ("_m_place", ["lieuExecution_code", "lieuExecution_typeCode"]),
            ("_m_buyer_place", ["acheteur_commune_code", "acheteur_departement_code"])]
    all_raw = ", ".join(f"r.{c}" for c in REQUIRED + OPTIONAL)
    keys = KEYS_SQL.format(
        id_text=_missing_text("r.id"), j_buyer=_join("_m_buyer", ["acheteur_id"]),
        j_current=_join("_m_current", ["donneesActuelles"]),
        has_labels="true" if has_labels else "false", all_raw=all_raw)
    versions = VERSIONS_ROWS_SQL.format(
        buyer_name=_missing_text("r.acheteur_nom"), object=_missing_text("r.objet"),
        # the common amounts are not in _m_amount (no flag, no problem: its left join gives nulls)
        amount=f"case when {amount_fast.format(col='r.montant')} then r.montant else _m_amount.amount end"
        if amount_fast
        else "_m_amount.amount",
        joins="\n".join(_join(name, keys_) for name, keys_ in maps))
    return keys, versions


# the current version's fields a contract takes (r: its row of _cons_versions)
_CURRENT_FIELDS = """r.supplier_siae, r.supplier_sirets, r.siret_valid, r.nature, r.is_concession, r.object,
            r.cpv_code, r.cpv_division, r.procedure, r.social_considerations, r.social_info_known,
            r.has_social_clause, r.has_social_criterion, r.is_reserved, r.format_version,
            r.acheteur_categorie, r.place_code_raw, r.place_type, r.commune_code, r.departement_code,
            r.region_code, r.epci_code, r.territory_status, r.territory_reason, r.b_departement_code,
            r.b_region_code, r.b_reason"""

VERSIONS_SQL = [
    # exact duplicate rows (identical in every column read), among the rows with a key
    """create or replace temp table _cons_dups as
    select record_no from (
        select record_no, row_number() over (partition by buyer_siret, contract_id, titulaire_id,
                                             modification_id, row_hash order by record_no) as rn
        from _cons_keys where buyer_siret is not null and contract_id is not null)
    where rn > 1""",
    # one row per contract x modification (its titulaires gathered); its fields from its first row
    """create or replace temp table _cons_vagg as
    select buyer_siret, contract_id, modification_id,
        bool_or(coalesce(is_current, false)) as v_current, any_value(siret_valid) as siret_valid,
        min(record_no) as record_no,
        count(*) as n_rows,
        list_sort(list_distinct(list(titulaire_id) filter (where titulaire_id is not null))) as supplier_sirets,
        bool_or(titulaire_siae) as supplier_siae
    from _cons_keys
    where buyer_siret is not null and contract_id is not null
      and record_no not in (select record_no from _cons_dups)
    group by buyer_siret, contract_id, modification_id""",
    # one row per contract, collapsed here with the rules of pipelines/decp/collapse.py (the
    # current version's fields; the latest stated amount and duration, the first stated amount as
    # initial amount, the latest buyer name, the first notification date), the territory from the
    # current version with the buyer's place as fallback
    f"""create or replace temp table _cons_contracts as
    with several as (   -- the contracts with more than one version (most have one)
        select buyer_siret, contract_id from _cons_vagg group by all having count(*) > 1
    ),
    multi as (
        select buyer_siret, contract_id, sum(n_rows) as n_rows, count(*) as n_versions,
            max(coalesce(publication_date, notification_date)) as order_date,
            arg_max(record_no, vkey) as last_record,
            list(record_no) as record_nos,
            arg_max_null(amount, vkey) filter (where amount is not null or amount_flag is not null) as amount,
            arg_max_null(amount_flag, vkey) filter (where amount is not null or amount_flag is not null)
                as amount_flag,
            arg_min(amount, vkey) filter (where amount is not null) as amount_initial,
            arg_max(duration_months, vkey) filter (where duration_months is not null) as duration_months,
            arg_max(buyer_name, vkey) filter (where buyer_name is not null) as buyer_name,
            arg_min(notification_date, vkey) filter (where notification_date is not null)
                as notification_date,
            bool_or(format_version = '2019') as has_2019, bool_or(format_version = '2022') as has_2022
        from _cons_versions semi join several using (buyer_siret, contract_id)
        group by buyer_siret, contract_id
    ),
    c as (
        select m.* exclude (last_record), m.last_record as record_no, {_CURRENT_FIELDS}
        from multi m
        join _cons_versions r on r.record_no = m.last_record
        union all
        -- a single version is the contract: the aggregates above over one row, without grouping
        select r.buyer_siret, r.contract_id, r.n_rows::hugeint, 1::bigint,
            coalesce(r.publication_date, r.notification_date), [r.record_no], r.amount, r.amount_flag,
            r.amount, r.duration_months, r.buyer_name, r.notification_date,
            r.format_version = '2019', r.format_version = '2022', r.record_no, {_CURRENT_FIELDS}
        from _cons_versions r anti join several using (buyer_siret, contract_id)
    )
    select c.* exclude (place_code_raw, place_type, commune_code, departement_code, region_code, epci_code,
                        territory_status, territory_reason, b_departement_code, b_region_code, b_reason),
        c.place_code_raw, c.place_type,
        c.region_code is not null as placed_by_own_place,
        case when c.region_code is not null then c.commune_code end as commune_code,
        coalesce(c.departement_code, case when c.region_code is null then c.b_departement_code end)
            as departement_code,
        coalesce(c.region_code, c.b_region_code) as region_code,
        case when c.region_code is not null then c.epci_code end as epci_code,
        case when c.region_code is not null or c.b_region_code is null then c.territory_status
             when c.b_departement_code is not null then 'departement_only' else 'region_only' end
            as territory_status,
        case when c.region_code is not null or c.b_region_code is null then c.territory_reason
             else coalesce(c.territory_reason, 'lieu d''exécution absent') || ' ; ' || c.b_reason end
            as territory_reason
    from c""",
]

# One decp_versions row per contract, already collapsed: n_versions and n_records carry its
# versions and rows, record_nos the versions' first records (for place_from_buyer). Its load_seq is
# the one its last version would have had if each version were a row, so that the order against
# other files' versions of the same contract is unchanged: seq + (n_versions - 1) x rows + record_no.
INSERT_VERSIONS_SQL = """
insert into decp_versions by name
select c.buyer_siret, c.contract_id, c.buyer_name, c.siret_valid, c.nature, c.is_concession,
    c.object, c.cpv_code, c.cpv_division, c.procedure, c.notification_date,
    c.order_date as publication_date, c.amount_initial, c.amount, c.amount_flag, c.duration_months,
    nullif(trim(c.place_code_raw), '') as place_code, c.place_type, c.commune_code, c.departement_code,
    c.region_code, c.epci_code, c.territory_status, c.territory_reason,
    c.supplier_sirets, len(c.supplier_sirets)::integer as n_suppliers,
    c.social_considerations, c.social_info_known, c.has_social_clause, c.has_social_criterion,
    c.is_reserved, c.format_version, ? as source_format, ? as source_file, c.record_no,
    ? + (c.n_versions - 1) * ? + c.record_no as load_seq,
    c.n_versions::integer as n_versions, c.n_rows::integer as n_records, c.record_nos
from _cons_contracts c
where c.loaded
"""

FIELD_REJECTS = [  # (field, problem expression on the version's first row r, raw value)
    ("nature", "r.nature_problem", "r.raw_nature"),
    ("codeCPV", "r.cpv_problem", "r.raw_cpv"),
    ("procedure", "r.procedure_problem", "r.raw_procedure"),
    ("dateNotification", "r.notification_problem", "r.raw_notification"),
    ("datePublicationDonnees", "r.publication_problem", "r.raw_publication"),
    ("montant", "r.amount_problem", "r.raw_amount"),
    ("dureeMois", "r.duration_problem", "r.raw_duration"),
    ("lieuExecution", "case when r.territory_status = 'unknown' and nullif(trim(r.place_code_raw), '') "
                      "is not null then r.territory_reason end",
     "r.place_code_raw || ' (' || coalesce(r.place_type_raw, '') || ')'"),
    ("considerationsSociales", "unnest(r.social_problems)", "r.raw_social"),
]


# the columns the field rejects read, and a test that keeps the versions with a problem (a superset
# of those with a reject: the rejects' own `reason is not null` decides)
REJECT_COLUMNS = ("record_no", "nature_problem", "raw_nature", "cpv_problem", "raw_cpv", "procedure_problem",
                  "raw_procedure", "notification_problem", "raw_notification", "publication_problem",
                  "raw_publication", "amount_problem", "raw_amount", "duration_problem", "raw_duration",
                  "territory_status", "territory_reason", "place_code_raw", "place_type_raw",
                  "social_problems", "raw_social")
REJECT_FILTER = " or ".join(
    [f"{c} is not null" for c in ("nature_problem", "cpv_problem", "procedure_problem", "notification_problem",
                                  "publication_problem", "amount_problem", "duration_problem")]
    + ["territory_status = 'unknown'", "len(social_problems) > 0"])


def ingest_consolidated(con, path: Path, ctx: BuildContext, kind: str | None = None) -> FileResult:
    """Read one consolidated file into decp_versions (+ rejects, contract_labels)."""
    path = Path(path)
    kind = kind or consolidated_kind(path)
    ensure_versions_table(con)
    result = FileResult(format=f"{kind} consolidé")
    n_read, n_bad_lines, columns = _read_raw(con, path, kind)
    amount_fast = _amount_fast(con)
    _build_mappings(con, ctx, amount_fast)
    keys_sql, versions_sql = _rows_sql("titulaire_labels" in columns, amount_fast)
    con.execute(keys_sql)
    dups_sql, vagg_sql, contracts_sql = VERSIONS_SQL
    con.execute(dups_sql)
    con.execute(vagg_sql)
    con.execute(versions_sql)
    con.execute(contracts_sql)
    region = ctx.region_code
    con.execute("alter table _cons_contracts add column loaded boolean")
    con.execute("update _cons_contracts set loaded = (region_code is null or ? is null or region_code = ?)",
                [region, region])

    source = path.name
    q_rejects = _record_rejects(con, source)
    result.n_read = n_read
    result.n_rejected = q_rejects
    result.n_duplicates = con.execute("select count(*) from _cons_dups").fetchall()[0][0]
    result.n_out_of_region, result.n_loaded, result.n_contracts = con.execute(
        "select coalesce(sum(n_rows) filter (where not loaded), 0), coalesce(sum(n_rows) filter (where loaded), 0), "
        "count(*) filter (where loaded) from _cons_contracts").fetchall()[0]

    seq = con.execute("select coalesce(max(load_seq), 0) + 1 from decp_versions").fetchall()[0][0]
    con.execute(INSERT_VERSIONS_SQL, [kind, source, seq, n_read + 1])
    # field rejects of the loaded contracts' versions, in one statement
    parts = [f"select record_no, {_sql_str(field)} as field, {problem} as reason, left({raw}, 2000) as raw from v as r"
             for field, problem, raw in FIELD_REJECTS]
    n_field = con.execute(f"""
        insert into rejects
        with v as materialized (
            select {', '.join(REJECT_COLUMNS)} from _cons_versions r
            semi join (select buyer_siret, contract_id from _cons_contracts where loaded) c
                using (buyer_siret, contract_id)
            where {REJECT_FILTER})
        select ? as source_file, record_no, field, reason, raw from ({' union all '.join(parts)})
        where reason is not null""", [source]).fetchall()[0][0]
    con.execute("""insert into contract_labels
        select buyer_siret, contract_id, supplier_siae, ? from _cons_contracts
        where loaded and supplier_siae is not null""", [source])
    _remember_buyers(con, ctx)

    if n_bad_lines:
        result.warnings.append(f"{n_bad_lines} ligne(s) CSV illisible(s) mise(s) en quarantaine")
    if result.n_read == 0:
        result.warnings.append("aucun marché dans le fichier")
    if n_field:
        result.warnings.append(f"{n_field} valeur(s) invalide(s) mise(s) en quarantaine "
                               f"(table rejects), marchés chargés avec ces champs vides")
    has_2019, has_2022 = con.execute(
        "select coalesce(bool_or(has_2019), false), coalesce(bool_or(has_2022), false) "
        "from _cons_contracts where loaded").fetchall()[0]
    versions = {v for v, present in (("2019", has_2019), ("2022", has_2022)) if present}
    if versions:
        result.format += " " + "+".join(sorted(versions))
    con.execute(f"drop {'view' if kind == 'parquet' else 'table'} if exists _cons_raw")
    for t in ("_cons_keys", "_cons_dups", "_cons_vagg", "_cons_versions", "_cons_contracts", "_cons_badlines",
              "_m_buyer", "_m_nature", "_m_cpv", "_m_proc", "_m_notif", "_m_pub", "_m_amount", "_m_duration",
              "_m_social", "_m_current", "_m_place", "_m_buyer_place"):
        con.execute(f"drop table if exists {t}")
    return result


def _record_rejects(con, source: str) -> int:
    """Whole rows rejected: CSV lines the reader refused, rows without a key. Returns their count."""
    n = 0
    if con.execute("select count(*) from information_schema.tables where table_name = '_cons_badlines'"
                   ).fetchall()[0][0]:
        n += con.execute("""insert into rejects
            select ?, record_no, null,
                   case when error_type in ('TOO MANY COLUMNS', 'MISSING COLUMNS')
                        then 'ligne CSV au mauvais nombre de colonnes (' || msg || ')'
                        else 'ligne CSV illisible (' || msg || ')' end,
                   left(csv_line, 2000)
            from _cons_badlines""", [source]).fetchall()[0][0]
    n += con.execute("""insert into rejects
        select ?, record_no, case when buyer_siret is null then 'acheteur_id' else 'id' end,
               'clé incomplète : ' || case when buyer_siret is null then 'SIRET de l''acheteur'
                                           else 'identifiant du marché (id)' end || ' absent',
               left(coalesce(uid, '') || ' | ' || coalesce(objet, ''), 2000)
        from _cons_keys join _cons_raw using (record_no)
        where buyer_siret is null or contract_id is null""", [source]).fetchall()[0][0]
    return n


def _remember_buyers(con, ctx: BuildContext) -> None:
    """The buyer's category (buyer-type fallback after the register) and the places of its contracts
    (territory from the buyer for other files' contracts with an unknown place)."""
    for siret, category in con.execute("""
            select buyer_siret, arg_max(acheteur_categorie, order_date) from _cons_contracts
            where acheteur_categorie is not null group by buyer_siret""").fetchall():
        ctx.buyer_categories[siret] = category
    places = ctx.buyer_places
    for siret, region, dep, n in con.execute("""
            select buyer_siret, region_code, departement_code, count(*) from _cons_contracts
            where placed_by_own_place group by all""").fetchall():
        p = places.setdefault(siret, {})
        p[(region, dep)] = p.get((region, dep), 0) + n
