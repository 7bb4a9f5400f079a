"""Read one DECP file into `decp_versions` (one row per publication), then collapse all versions
into `contracts` (one row per buyer SIRET + contract id)."""
from __future__ import annotations

import gc
import json
from pathlib import Path

import pyarrow as pa

from pipelines.context import BuildContext, FileResult
from pipelines.decp import normalise as N
from pipelines.decp.readers import MAX_DEPTH, XML_STOP_DEPTH, detect_format, iter_records
from pipelines.decp.territory import TerritoryResolver
from pipelines.decp.versions import VERSION_SCHEMA, ensure_versions_table
from pipelines.text import siret_is_valid
from pipelines.quarantine import Quarantine

BATCH_ROWS = 20_000

NAMES = VERSION_SCHEMA.names
I_REGION = NAMES.index("region_code")
I_DEPARTEMENT = NAMES.index("departement_code")
I_VERSION = NAMES.index("format_version")
I_SUPPLIERS = NAMES.index("supplier_sirets")
I_SOCIAL = NAMES.index("social_considerations")
I_CONTENT_END = NAMES.index("source_format")  # source format, file and record_no are not content


def _get(rec: dict, name: str, sub: str):
    """rec[name][sub] with the flat variant `name.sub` and a bare string for ids."""
    obj = rec.get(name)
    if isinstance(obj, dict):
        return obj.get(sub)
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        return obj[0].get(sub)
    if obj is not None and sub == "id" and not isinstance(obj, list):
        return obj
    return rec.get(f"{name}.{sub}")


# Numeric fields of the official schemas that the observatory does not store: only a value that is
# not a finite number (NaN, infinity, overflow) is checked, so that no such value passes silently.
# The `*ActeSousTraitance` names are the tabular export's columns.
UNSTORED_NUMBERS = ("offresRecues", "tauxAvance", "origineUE", "origineFrance",
                    "montantSubventionPublique", "montantActeSousTraitance",
                    "dureeMoisActeSousTraitance")
# Fields that only the 2022 format has (official schemas): a record carrying a value in any of
# them is a 2022 record even when its social considerations are missing. Concessions only gained
# the social and environmental considerations.
FIELDS_2022 = ("considerationsEnvironnementales", "techniques", "modalitesExecution", "typesPrix",
               "ccag", "typeGroupementOperateurs", "sousTraitanceDeclaree", "attributionAvance",
               "offresRecues", "marcheInnovant", "idAccordCadre", "tauxAvance", "origineUE",
               "origineFrance", "actesSousTraitance", "modificationsActesSousTraitance")
PRICE_FORMS_2022 = {"UNITAIRE", "FORFAITAIRE", "MIXTE"}   # 2019: Ferme, Ferme et actualisable, Révisable


def _filled(value) -> bool:
    """A cell or element that was written (markers `MQ`, `CDL` count: they are 2022 export marks)."""
    if value is None:
        return False
    if type(value) is str:
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def looks_2022(rec: dict) -> bool:
    """A record without social considerations, in a file whose format is decided per record (XML,
    tabular export): 2022 when it carries any 2022-only field, or a 2022 price form."""
    for key in FIELDS_2022:
        if _filled(rec.get(key)):
            return True
    if _filled(rec.get("considerationsSociales")):     # a marker such as MQ: the field was expected
        return True
    forme = rec.get("formePrix")
    return type(forme) is str and forme.strip().upper() in PRICE_FORMS_2022


def raw_fingerprint(kind: str, rec) -> int | None:
    """Fingerprint of a record's raw content (for records rejected whole, which have no normalised
    row): exact copies give the same one; None when it cannot be computed."""
    try:
        return hash(("rejected", kind, json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str)))
    except (TypeError, ValueError, RecursionError):
        return None


def _scalar_text(value) -> str | None:
    """A place code or type as text: numbers kept as written, sentinels and markers as missing."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if N.sentinel_label(value) is not None else str(value)
    return N.text(value) if isinstance(value, (str, type(None))) else N.text(str(value))


def fr_int(n: int) -> str:
    """100 000 (French thousands separator, a narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def _mod_sort_key(item):
    pos, m = item
    n = N.parse_number(m.get("id")) if isinstance(m, dict) else None
    return (n if n is not None else float("inf"), pos)


class RecordNormaliser:
    """Turns one raw record into a decp_versions row, quarantining bad fields."""

    def __init__(self, ctx: BuildContext, source_file: str, source_format: str,
                 container_version: str | None, quarantine: Quarantine):
        self.ctx = ctx
        self.source_file = source_file
        self.source_format = source_format
        self.container_version = container_version
        self.q = quarantine
        self.territory = TerritoryResolver(ctx.reference)
        self.cpv_sectors = ctx.reference.cpv_sectors
        self.pending: list[tuple] = []
        self.record_reject: tuple[str, str | None] | None = None

    def _reject(self, reason: str, field: str | None = None):
        """The whole record is rejected: the caller quarantines it (or counts an exact copy of an
        already rejected record as a duplicate)."""
        self.record_reject = (reason, field)
        return None

    def _bad(self, record_no: int, field: str, reason: str, value) -> None:
        """A field reject, kept only if the record is loaded."""
        self.pending.append((record_no, field, reason, value))

    def row(self, record_no: int, kind: str, rec: dict):
        """The row tuple, or None when the whole record is rejected (reason in `record_reject`).
        One method per field below, called in the order of the columns (and of the field rejects)."""
        self.pending = []
        self.record_reject = None
        refused = self._refused(kind, rec)
        if refused:
            return self._reject(refused)
        is_concession = kind == "concession"
        buyer_key = "autoriteConcedante" if is_concession and "autoriteConcedante" in rec else "acheteur"
        contract_id = N.text(rec.get("id"))
        buyer_siret = N.clean_identifier(_get(rec, buyer_key, "id"))
        if contract_id is None or buyer_siret is None:
            missing = "identifiant du marché (id)" if contract_id is None else "SIRET de l'acheteur"
            return self._reject(f"clé incomplète : {missing} absent",
                                "id" if contract_id is None else f"{buyer_key}.id")
        buyer_name = N.text(_get(rec, buyer_key, "nom"))
        nature, is_concession = self._nature(record_no, rec, is_concession)
        cpv, division = self._cpv(record_no, rec)
        procedure = self._procedure(record_no, rec)
        notif, publication = self._dates(record_no, rec, is_concession)
        amount_initial, amount, amount_flag, duration = self._amounts(record_no, rec, is_concession)
        raw_code, place_type, terr = self._place(record_no, rec)
        suppliers = self._suppliers(rec, is_concession)
        social, info_known, version = self._social(record_no, rec)
        if info_known:
            clause = "Clause sociale" in social
            criterion = "Critère social" in social
            reserved = "Marché réservé" in social or "Concession réservée" in social
        else:
            clause = criterion = reserved = None
        return (buyer_siret, contract_id, buyer_name, siret_is_valid(buyer_siret), nature, is_concession,
                N.text(rec.get("objet")), cpv, division, procedure, notif, publication,
                amount_initial, amount, amount_flag, duration,
                N.text(raw_code), place_type,
                terr.commune_code, terr.departement_code, terr.region_code, terr.epci_code,
                terr.status, terr.reason, suppliers, len(suppliers), social, info_known,
                clause, criterion, reserved, version, self.source_format,
                self.source_file, record_no)

    @staticmethod
    def _refused(kind: str, rec) -> str | None:
        """Why the whole record cannot be read (too deep, not a contract, wrong CSV width), else None."""
        if kind == "too_deep":
            return (f"imbrication trop profonde : plus de {MAX_DEPTH} niveaux "
                    f"(enregistrement non lu, contenu au-delà remplacé par « … »)")
        if kind == "too_deep_stop":
            return (f"imbrication trop profonde : plus de {fr_int(XML_STOP_DEPTH)} niveaux, "
                    f"lecture du fichier arrêtée dans cet enregistrement (la suite du "
                    f"fichier n'est pas lue)")
        if kind == "invalid" or not isinstance(rec, dict):
            return "enregistrement qui n'est pas un marché ni une concession"
        width = rec.get("_csv_width")
        if width:
            return f"ligne de {width[0]} colonnes, {width[1]} attendues"
        return None

    def _nature(self, record_no: int, rec: dict, is_concession: bool) -> tuple[str | None, bool]:
        """(nature, is_concession): a concession nature makes the record a concession."""
        raw_nature = N.text(rec.get("nature"))
        nature = N.nature_code(raw_nature) if raw_nature else None
        if raw_nature and nature is None:
            self._bad(record_no, "nature", f"nature inconnue : {raw_nature!r}", raw_nature)
            nature = "other"
        if nature == "marche" and "techniques" in rec:
            # 2022 moved "Accord-cadre" from nature to techniques: keep the 2019 meaning
            techniques = N.unwrap_list(rec["techniques"], "technique")
            if len(techniques) == 1 and type(techniques[0]) is str and techniques[0].startswith("["):
                techniques = N.parse_list_text(techniques[0])
            if any(type(t) is str and N.nature_code(t) == "accord_cadre" for t in techniques):
                nature = "accord_cadre"
        if nature in N.CONCESSION_NATURES:
            is_concession = True
        if nature is None and is_concession:
            nature = "other"
        return nature, is_concession

    def _cpv(self, record_no: int, rec: dict) -> tuple[str | None, str | None]:
        """(CPV code, CPV division); both null for a division the reference does not know."""
        cpv, problem = N.parse_cpv(rec.get("codeCPV"))
        if problem:
            self._bad(record_no, "codeCPV", problem, rec.get("codeCPV"))
        division = cpv[:2] if cpv else None
        if division is not None and division not in self.cpv_sectors:
            self._bad(record_no, "codeCPV", f"division CPV {division} inconnue", rec.get("codeCPV"))
            cpv = division = None
        return cpv, division

    def _procedure(self, record_no: int, rec: dict) -> str | None:
        raw_proc = N.text(rec.get("procedure"))
        procedure = N.procedure_code(raw_proc) if raw_proc else None
        if raw_proc and procedure is None:
            self._bad(record_no, "procedure", f"procédure inconnue : {raw_proc!r}", raw_proc)
            procedure = "other"
        return procedure

    def _dates(self, record_no: int, rec: dict, is_concession: bool):
        """(notification date, publication date); a concession may give dateSignature instead."""
        date_field = "dateSignature" if is_concession and "dateNotification" not in rec else "dateNotification"
        notif, problem = N.parse_date(rec.get(date_field))
        if problem:
            self._bad(record_no, date_field, problem, rec.get(date_field))
        elif notif is None:
            self._bad(record_no, date_field, "date de notification absente", None)
        publication, problem = N.parse_date(rec.get("datePublicationDonnees"))
        if problem:
            self._bad(record_no, "datePublicationDonnees", problem, rec.get("datePublicationDonnees"))
        return notif, publication

    def _amounts(self, record_no: int, rec: dict, is_concession: bool):
        """(initial amount, current amount, amount flag, duration): the last modification that gives
        an amount or a duration wins; unstored numeric fields are only checked for being finite."""
        amount_field = "valeurGlobale" if is_concession and "montant" not in rec else "montant"
        amount_initial, flag_initial, problem = N.parse_amount(rec.get(amount_field))
        if problem:
            self._bad(record_no, amount_field, problem, rec.get(amount_field))
        duration, problem = N.parse_duration(rec.get("dureeMois"))
        if problem:
            self._bad(record_no, "dureeMois", problem, rec.get("dureeMois"))
        amount, amount_flag = amount_initial, flag_initial
        for key in UNSTORED_NUMBERS:
            value = rec.get(key)
            if value is not None and type(value) is not int:
                written = N.non_finite(value)
                if written is not None:
                    self._bad(record_no, key, N.non_finite_reason(key, written, "nombre fini attendu "
                                                                  "(champ non repris dans la base)"), value)
        mods = N.unwrap_list(rec.get("modifications"), "modification")
        for _, m in sorted(enumerate(mods), key=_mod_sort_key) if mods else ():
            if not isinstance(m, dict):
                continue
            for key in ("montant", "valeurGlobale"):
                if key in m and not N.is_missing(m[key]):
                    a, f, problem = N.parse_amount(m[key])
                    if problem:
                        self._bad(record_no, f"modifications.{key}", problem, m[key])
                    amount, amount_flag = a, f
            if "dureeMois" in m and not N.is_missing(m["dureeMois"]):
                d, problem = N.parse_duration(m["dureeMois"])
                if problem:
                    self._bad(record_no, "modifications.dureeMois", problem, m["dureeMois"])
                else:
                    duration = d
        return amount_initial, amount, amount_flag, duration

    def _place(self, record_no: int, rec: dict):
        """(place code as read, place type, resolved territory)."""
        place = rec.get("lieuExecution")
        if isinstance(place, dict):
            raw_code, raw_type = place.get("code"), place.get("typeCode")
        else:
            raw_code, raw_type = rec.get("lieuExecution.code"), rec.get("lieuExecution.typeCode")
        if not isinstance(raw_code, (str, type(None))):
            raw_code = _scalar_text(raw_code)
        if not isinstance(raw_type, (str, type(None))):
            raw_type = _scalar_text(raw_type)
        place_type, terr = self.territory.resolve(raw_code, raw_type)
        if terr.status == "unknown" and raw_code not in (None, ""):
            self._bad(record_no, "lieuExecution", terr.reason, f"{raw_code} ({raw_type})")
        return raw_code, place_type, terr

    @staticmethod
    def _suppliers(rec: dict, is_concession: bool) -> list[str]:
        """The holders' ids, without repeats, in file order."""
        holder_key, wrapper = ("concessionnaires", "concessionnaire") if is_concession else ("titulaires", "titulaire")
        suppliers = []
        for t in N.unwrap_list(rec.get(holder_key), wrapper):
            if isinstance(t, dict):
                sid = N.clean_identifier(t.get("id"))
                if sid and sid not in suppliers:
                    suppliers.append(sid)
        return suppliers

    def _social(self, record_no: int, rec: dict):
        """(social considerations, known, format version): the 2022 field makes a 2022 record; a 2022
        record without it has an unknown social status."""
        social = None
        info_known = False
        version = self.container_version or "2019"
        raw_social = rec.get("considerationsSociales")
        values = N.unwrap_list(raw_social, "considerationSociale") if raw_social is not None else []
        if len(values) == 1 and isinstance(values[0], str) and values[0].startswith("["):
            values = N.parse_list_text(values[0])
        if values:
            version = "2022"
            social, problems = N.parse_social(values)
            for p in problems:
                self._bad(record_no, "considerationsSociales", p, repr(values))
            info_known = social is not None
        elif self.container_version == "2022" or (self.container_version is None and looks_2022(rec)):
            version = "2022"
            self._bad(record_no, "considerationsSociales", "considérations sociales absentes : "
                      "situation sociale inconnue", raw_social)
        return social, info_known, version


class _Progress:
    def __init__(self, path: Path, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm import tqdm
            self.bar = tqdm(total=path.stat().st_size, unit="o", unit_scale=True,
                            desc=path.name[:30], leave=False)

    def __call__(self, position: int):
        if self.bar is not None and position > self.bar.n:
            self.bar.update(position - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _flush(con, rows: list[tuple], seq_start: int) -> None:
    cols = list(zip(*rows))
    arrays = [pa.array(col, type=f.type) for col, f in zip(cols, VERSION_SCHEMA)]
    arrays.append(pa.array(range(seq_start, seq_start + len(rows)), type=pa.int64()))
    table = pa.Table.from_arrays(arrays, schema=VERSION_SCHEMA)
    con.register("_decp_batch", table)
    try:
        con.execute("insert into decp_versions by name select * from _decp_batch")
    finally:
        con.unregister("_decp_batch")


def ingest_decp_file(con, path: Path, ctx: BuildContext) -> FileResult:
    """Read one DECP file (any format, detected from content) into decp_versions."""
    path = Path(path)
    from pipelines.decp.consolidated import consolidated_kind, ingest_consolidated
    if (kind := consolidated_kind(path)) is not None:   # national consolidated file: read in SQL
        return ingest_consolidated(con, path, ctx, kind)
    ensure_versions_table(con)
    detected = detect_format(path)
    result = FileResult(format=f"{detected.source_format}" + (f" {detected.version}" if detected.version else ""))
    q = Quarantine(con, path.name)
    norm = RecordNormaliser(ctx, path.name, detected.source_format, detected.version, q)
    seen = ctx.seen_records
    buyer_places = ctx.buyer_places
    seq = con.execute("select coalesce(max(load_seq), 0) + 1 from decp_versions").fetchall()[0][0]
    progress = _Progress(path, ctx.progress)
    rows: list[tuple] = []
    versions_seen: set = set()
    # records and rows hold no reference cycles: the cyclic garbage collector would only spend
    # time scanning millions of short-lived dicts (about 10 % of the reading time)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for record_no, kind, rec in iter_records(path, detected, progress):
            result.n_read += 1
            row = norm.row(record_no, kind, rec)
            if row is None:
                # an exact copy of a rejected record is a duplicate, as for loaded ones: one
                # reject row for the first copy, the others counted in n_duplicates
                fp = raw_fingerprint(kind, rec) if not kind.startswith("too_deep") else None
                if fp is not None:
                    if fp in seen:
                        result.n_duplicates += 1
                        continue
                    seen.add(fp)
                reason, field = norm.record_reject
                q.reject_record(record_no, reason, rec, field=field)
                if kind == "too_deep_stop":
                    result.warnings.append(f"lecture arrêtée à l'enregistrement {record_no} : {reason}")
                continue
            versions_seen.add(row[I_VERSION])
            social = row[I_SOCIAL]
            fp = hash((row[:I_SUPPLIERS], tuple(row[I_SUPPLIERS]), tuple(social) if social else None,
                       row[I_SUPPLIERS + 1:I_SOCIAL], row[I_SOCIAL + 1:I_CONTENT_END]))
            if fp in seen:
                result.n_duplicates += 1
                continue
            seen.add(fp)
            region = row[I_REGION]
            if region is not None:
                places = buyer_places.get(row[0])
                if places is None:
                    places = buyer_places[row[0]] = {}
                key = (region, row[I_DEPARTEMENT])
                places[key] = places.get(key, 0) + 1
            if region is not None and ctx.region_code is not None and region != ctx.region_code:
                result.n_out_of_region += 1
                continue
            for args in norm.pending:
                q.reject_field(*args)
            rows.append(row)
            if len(rows) >= BATCH_ROWS:
                _flush(con, rows, seq)
                seq += len(rows)
                rows = []
        if rows:
            _flush(con, rows, seq)
    finally:
        progress.close()
        if gc_was_enabled:
            gc.enable()
    q.flush()
    result.n_rejected = q.n_rejected
    result.n_loaded = result.n_read - result.n_rejected - result.n_duplicates - result.n_out_of_region
    if result.n_read == 0:
        result.warnings.append("aucun marché dans le fichier")
    if q.n_field_rejects:
        result.warnings.append(f"{q.n_field_rejects} valeur(s) invalide(s) mise(s) en quarantaine "
                               f"(table rejects), marchés chargés avec ces champs vides")
    if len(versions_seen) > 1:
        result.format = f"{detected.source_format} 2019+2022"
    elif versions_seen and not detected.version:
        result.format = f"{detected.source_format} {versions_seen.pop()}"
    return result
