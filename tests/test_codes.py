"""The one code table (data/reference/codes.csv): every code a mart or a page shows has its French
label there, no code list is written anywhere else, no English reaches a user, and the app states
the settings the database was built with."""
from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from marts_fixture import add_contracts, add_lines, add_lots, build, new_db, people, rows
from pipelines import codes

ROOT = Path(__file__).resolve().parent.parent

# breakdown dimension -> code domain: every row of these dimensions must carry a French label
CONTRACT_CODE_DIMS = {"buyer_type": "buyer_type", "sector": "sector", "procedure": "procedure",
                      "nature": "nature", "amount_bracket": "amount_bracket",
                      "format_version": "format_version", "supplier_siae": "supplier_siae"}
HOURS_CODE_DIMS = {"trade": "trade", "contract_kind": "contract_kind", "sector": "sector", "gender": "gender",
                   "age_band": "age_band", "public": "public", "qualification": "qualification_level",
                   "qpv_resident": "yes_no", "tenant_of_buyer": "yes_no", "modality": "modality",
                   "employment_contract_type": "employment_contract_type", "buyer_type": "buyer_type"}
PARTICIPANT_CODE_DIMS = {"gender": "gender", "age_band": "age_band", "qualification": "qualification_level",
                         "qpv_resident": "yes_no", "tenant_of_buyer": "yes_no", "public": "public",
                         "modality": "modality"}
EXIT_CODE_DIMS = {"public": "public", "gender": "gender", "age_band": "age_band",
                  "qualification": "qualification_level", "qpv_resident": "yes_no", "modality": "modality"}

# column of a table or view -> the domain its codes belong to (values checked against the table)
CODE_COLUMNS = [
    ("stg_contracts", "buyer_type", "buyer_type"), ("stg_contracts", "nature", "nature"),
    ("stg_contracts", "procedure", "procedure"), ("stg_contracts", "sector", "sector"),
    ("stg_contracts", "territory_status", "territory_status"), ("stg_contracts", "amount_flag", "amount_flag"),
    ("stg_contracts", "format_version", "format_version"), ("contracts", "source_format", "source_format"),
    ("stg_contracts", "social_status", "social_status"), ("stg_contracts", "amount_bracket", "amount_bracket"),
    ("contracts", "place_type", "place_type"),
    ("stg_clause_hours", "gender", "gender"), ("stg_clause_hours", "age_band", "age_band"),
    ("stg_clause_hours", "qualification_level", "qualification_level"),
    ("stg_clause_hours", "modality", "modality"), ("stg_clause_hours", "buyer_type", "buyer_type"),
    ("stg_clause_hours", "employment_contract_type", "employment_contract_type"),
    ("stg_clause_hours", "outcome_end", "outcome"), ("stg_clause_hours", "outcome_6m", "outcome"),
    ("clause_planned", "trade", "trade"), ("clause_planned", "contract_kind", "contract_kind"),
    ("clause_planned", "legal_basis", "legal_basis"),
    ("ingest_log", "kind", "ingest_kind"), ("ingest_log", "status", "ingest_status"),
    ("int_clause_contract_match", "status", "match_status"), ("targets", "scope_type", "scope_type"),
    ("stg_outcome_categories", "category_broad", "outcome_category"),
    ("stg_outcome_categories", "category_strict", "outcome_category"),
]


def _unlabelled(con, mart: str, dims: dict[str, str]) -> list[tuple[str, str]]:
    """(dimension, value) of the non-total rows of a breakdown mart without a French label."""
    out = []
    for dim in dims:
        for r in rows(con, f"select value, label from {mart}('{dim}') where not is_total"):
            if r["label"] is None or r["label"] == r["value"]:
                out.append((dim, r["value"]))
    return out


def _codes_outside_the_table(con) -> list[tuple[str, str, str]]:
    out = []
    for table, column, domain in CODE_COLUMNS:
        known = set(codes.codes(domain))
        for (value,) in con.execute(f"select distinct {column} from {table} where {column} is not null").fetchall():
            if value not in known:
                out.append((table, column, value))
    for (value,) in con.execute("select distinct unnest(publics) from stg_clause_hours").fetchall():
        if value not in codes.codes("public"):
            out.append(("stg_clause_hours", "publics", value))
    return out


def _every_code_labelled(con) -> None:
    assert _unlabelled(con, "mart_contract_share", CONTRACT_CODE_DIMS) == []
    assert _unlabelled(con, "mart_hours", HOURS_CODE_DIMS) == []
    assert _unlabelled(con, "mart_participants", PARTICIPANT_CODE_DIMS) == []
    assert _unlabelled(con, "mart_exits", EXIT_CODE_DIMS) == []
    assert _codes_outside_the_table(con) == []


# --- the table itself ----------------------------------------------------------------------------

def test_the_table_has_one_french_label_and_order_per_code():
    table = codes.table()
    assert len(table) > 150
    for domain in codes.domains():
        rs = codes.rows(domain)
        assert all(c.label.strip() for c in rs), domain
        assert len({c.sort_order for c in rs}) == len(rs), f"{domain}: repeated sort_order"
    assert codes.codes("public", flag="sensitive") == ("rsa", "ass", "aah", "rqth")
    assert codes.flag_values("outcome", "strict")["interim_6m_plus"] == "transition"
    assert codes.labels("yes_no") == {"yes": "Oui", "no": "Non", "unknown": "Non renseigné"}


def test_stg_codes_is_the_table_and_its_flags(tmp_path):
    con = build(new_db())
    got = {(r["domain"], r["code"]): r for r in rows(con, "select * from stg_codes")}
    assert len(got) == len(codes.table())
    assert got[("public", "rqth")]["is_sensitive"] and not got[("public", "deld")]["is_sensitive"]
    assert got[("reject_field", "gender")]["is_personal"] and not got[("reject_field", "lot")]["is_personal"]
    assert (got[("outcome", "civil_service")]["category_broad"], got[("outcome", "civil_service")]["category_strict"]) \
        == ("durable", "transition")
    # the outcome categories and the amount brackets are views of the same table
    cats = {r["outcome"]: (r["category_broad"], r["category_strict"])
            for r in rows(con, "select * from stg_outcome_categories")}
    assert cats["cdi"] == ("durable", "durable") and cats["ongoing"] == ("ongoing", "ongoing") and len(cats) == 14
    brackets = rows(con, "select * from stg_amount_brackets order by bracket_order")
    assert [b["amount_bracket"] for b in brackets][:2] == ["lt_40k", "40k_90k"] and brackets[-1]["label"] == "Montant inconnu"


# --- every value a mart emits has a French label ---------------------------------------------------

def test_every_code_a_mart_emits_has_a_french_label_on_a_small_build():
    con = new_db()
    add_contracts(con, {"contract_id": "C1", "sector": "works", "amount": 30000.0, "procedure": "open_tender"},
                  {"contract_id": "C2", "buyer_type": "commune", "sector": "supplies", "amount": None, "procedure": "adapted",
                   "format_version": "2019", "social_info_known": False})
    add_lines(con, *people("a", 6, qpv_resident=True, tenant_of_buyer=True, publics=["rqth"],
                           outcome_end="cdi", modality="geiq"),
              *people("b", 6, qpv_resident=False, gender="F", age_band="<26", publics=[],
                      outcome_end="unemployment", end_date=dt.date(2024, 3, 31)),
              *people("c", 6, qpv_resident=None, tenant_of_buyer=None, qualification_level="infra_3",
                      publics=["deld", "rsa"], outcome_end="ongoing"))
    add_lots(con, {"trade": "painting", "contract_kind": "gup"})
    build(con)
    _every_code_labelled(con)
    # the labels come from the code table
    share = {r["value"]: r["label"] for r in rows(con, "select value, label from mart_contract_share('amount_bracket')")}
    assert share["lt_40k"] == "Moins de 40 k€" and share["unknown"] == "Montant inconnu"
    pub = {r["value"]: r["label"] for r in rows(con, "select value, label from mart_hours('public')")}
    assert pub["none"] == codes.labels("public")["none"] and pub["rqth"] == "Travailleur handicapé (RQTH)"


def test_qpv_and_tenant_rows_are_oui_non_from_the_marts():
    # before: the marts emitted yes / no with a null label and the pages' own mapping decided
    from dashboard.breakdowns import row_label

    con = new_db()
    add_lines(con, *people("q", 6, qpv_resident=True, tenant_of_buyer=False, outcome_end="cdi"),
              *people("n", 6, qpv_resident=False, tenant_of_buyer=True, outcome_end="cdi"))
    build(con)
    for mart, dim in [("mart_hours", "qpv_resident"), ("mart_hours", "tenant_of_buyer"),
                      ("mart_participants", "qpv_resident"), ("mart_participants", "tenant_of_buyer"),
                      ("mart_exits", "qpv_resident")]:
        got = {r["value"]: r["label"] for r in rows(con, f"select value, label from {mart}('{dim}') where not is_total")}
        assert got == {"yes": "Oui", "no": "Non"}, (mart, dim)
        assert {row_label(dim, v, lab) for v, lab in got.items()} == {"Oui", "Non"}


@pytest.fixture(scope="module")
def demo():
    from tests.dashboard_apptest import demo_db

    return demo_db()


def test_every_code_a_mart_emits_has_a_french_label_on_the_demo(demo):
    con = duckdb.connect(str(demo), read_only=True)
    try:
        _every_code_labelled(con)
        assert con.execute("select count(*) from mart_hours('public') where not is_total").fetchone()[0] > 3
    finally:
        con.close()


# --- no code list outside the table ----------------------------------------------------------------

# (file, domain) pairs a generic scan flags that are not code lists: why each is allowed
ALLOWED = {
    # territory levels of the population mart, spelt like three buyer types
    ("sql/marts/mart_territory_population.sql", "buyer_type"),
    ("sql/marts/mart_territory_population.sql", "territory_missing"),
    # the exit categories a secrecy group or the dynamic exit rate counts: rules, not labels
    ("sql/intermediate/int_secrecy_counts.sql", "outcome_category"),
    ("sql/intermediate/int_landlord_people.sql", "outcome_category"),
    ("sql/marts/mart_exits.sql", "outcome_category"),
}
# domains whose codes are column or setting names (lists of columns are no code lists)
NOT_SCANNED = {"reject_field", "setting", "row"}
# the demo generator writes input files in the publishers' own spellings; tests hold fixtures
SKIPPED_DIRS = {"tests", "demo", "bench", ".venv", "node_modules"}

# the duplicates the code table replaced: each pattern fails the test if it comes back
KNOWN_DUPLICATES = [
    (r"""['"]rqth['"]\s*,\s*['"]rsa['"]|['"]rsa['"]\s*,\s*['"]ass['"]\s*,\s*['"]aah['"]""", "sensitive publics"),
    (r"""['"]landlord['"]\s*,\s*['"]commune['"]\s*,\s*['"]epci['"]""", "buyer types"),
    (r"""['"]hospital['"]\s*:\s*['"]Établissement hospitalier""", "buyer type labels"),
    (r"""\(\s*'cdi'\s*,\s*'durable'""", "outcome categories"),
    (r"""['"]n_durable['"]\s*,\s*['"]Emploi durable""", "outcome category labels"),
    (r"""['"]durable['"]\s*:\s*['"]Emploi durable""", "outcome category labels"),
    (r"""['"]lt_40k['"]\s*[:,]\s*['"]""", "amount bracket labels"),
    (r"""['"]construction['"]\s*:\s*['"]""", "stale sector codes"),
    (r"""['"]declared_no_execution['"]\s*:\s*['"]|['"]declared_not_executed['"]""", "match statuses"),
    (r"""['"]reserved['"]\s*:\s*['"]Réservés""", "social status filter labels"),
    (r"""['"]yes['"]\s*:\s*['"]Oui['"]|['"]true['"]\s*:\s*['"]Oui['"]""", "yes / no labels"),
    (r"""['"]broad['"]\s*:\s*['"]Large""", "durable definition labels"),
    (r"""['"]participant_id['"]\s*,\s*['"]gender['"]\s*,\s*['"]birth_year['"]""", "personal fields"),
    (r"""['"]participant_id['"]\s*:\s*['"]identifiant du participant""", "field labels"),
    (r"""['"]concession_travaux['"]\s*,\s*['"]concession_service['"]""", "concession natures"),
    (r"""['"]siae['"]\s*,\s*'Titulaire""", "supplier labels"),
]


def _sources():
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if path.suffix not in (".py", ".sql") or any(p in SKIPPED_DIRS or p.startswith(".") for p in rel.parts):
            continue
        yield rel.as_posix(), path.read_text(encoding="utf-8")


def _literal_lists(rel: str, text: str):
    """String collections written in a source file: (line, strings)."""
    if rel.endswith(".sql"):
        for m in re.finditer(r"\(\s*('[^']*'(?:\s*,\s*'[^']*')+)\s*\)", text):
            yield text[:m.start()].count("\n") + 1, re.findall(r"'([^']*)'", m.group(1))
        return
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Dict):
            if any(isinstance(v, (ast.List, ast.Tuple)) for v in node.values):
                continue   # code -> accepted spellings: a reader's vocabulary, not a code list
            items = node.keys
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        else:
            continue
        strings = [k.value for k in items if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if strings and len(strings) == len(items):
            yield node.lineno, strings


def test_no_code_list_is_written_outside_the_table():
    domains = {d: set(codes.codes(d)) for d in codes.domains() if d not in NOT_SCANNED}
    found = []
    for rel, text in _sources():
        for line, strings in _literal_lists(rel, text):
            if len(set(strings)) < 3:
                continue
            for domain, known in domains.items():
                if set(strings) <= known and (rel, domain) not in ALLOWED:
                    found.append(f"{rel}:{line} {domain} {strings[:5]}")
                    break
    assert found == [], "code lists outside data/reference/codes.csv:\n" + "\n".join(found)


def test_known_duplicates_do_not_come_back():
    found = []
    for rel, text in _sources():
        for pattern, what in KNOWN_DUPLICATES:
            for m in re.finditer(pattern, text):
                found.append(f"{rel}:{text[:m.start()].count(chr(10)) + 1} {what}")
    assert found == []


def test_the_scans_catch_a_reintroduced_list():
    """The two scans above are not vacuous: the old definitions are caught."""
    old_py = 'BUYER_TYPES = ("landlord", "commune", "epci", "departement", "region", "state", "hospital", "other")'
    assert any(set(s) <= set(codes.codes("buyer_type")) for _, s in _literal_lists("x.py", old_py))
    old_sql = "select 1 where public in ('rqth', 'rsa', 'ass', 'aah')"
    assert any(re.search(p, old_sql) for p, _ in KNOWN_DUPLICATES)
    assert any(set(s) <= set(codes.codes("public")) for _, s in _literal_lists("x.sql", old_sql))


def test_readers_produce_only_codes_of_the_table():
    from pipelines import buyers
    from pipelines.clauses import privacy, values
    from pipelines.decp import normalise

    assert buyers.BUYER_TYPES == codes.codes("buyer_type")
    assert set(buyers.TYPE_LABELS.values()) <= set(codes.codes("buyer_type"))
    for kind, mapping in values.LABELS.items():
        assert set(mapping) <= set(codes.codes("public" if kind == "publics" else kind)), kind
    assert set(normalise.PROCEDURES.values()) <= set(codes.codes("procedure"))
    assert set(normalise.NATURES.values()) <= set(codes.codes("nature"))
    assert set(normalise.PLACE_TYPES.values()) <= set(codes.codes("place_type"))
    assert privacy.PERSONAL_FIELDS == frozenset(codes.codes("reject_field", flag="personal"))
    # a French label shown by the dashboard is read back by the clause reader
    assert values.code("buyer_type", codes.labels("buyer_type")["hospital"]) == "hospital"
    assert values.code("outcome", codes.labels("outcome")["subsidised_contract"]) == "subsidised_contract"


# --- English never reaches a user ------------------------------------------------------------------

def _run(page: str, db, query=None):
    from tests.dashboard_apptest import run_page

    at = run_page(page, db, query)
    assert not at.exception, at.exception
    return at


def test_methode_glossary_and_settings_are_french():
    from tests.dashboard_apptest import frames, tiny_db

    at = _run("methode", tiny_db())
    shown = set()
    for df in frames(at):
        shown |= set(map(str, df.columns))
        for col in df.columns:
            shown |= {str(v) for v in df[col]}
    # before: the glossary listed `landlord`, `hospital` and the settings `region_code`, `fte_hours`
    for english in ("landlord", "hospital", "Code", "region_code", "fte_hours", "secrecy_threshold",
                    "build_memory_limit"):
        assert english not in shown
    assert "Bailleur social" in shown and "Seuil du secret statistique" in shown


def test_download_file_names_are_french(monkeypatch):
    from dashboard import ui
    from tests.dashboard_apptest import open_tables, run_page, tiny_db

    names: list[str] = []
    monkeypatch.setattr(ui, "downloads", lambda export, name, key, columns=None: names.append(ui.slug(name)))
    at = run_page("heures", tiny_db())
    at.selectbox(key="h_dim").select("trade").run()
    open_tables(at, "h-dim")
    at = run_page("territoires", tiny_db())
    open_tables(at, "t-map")
    assert not at.exception
    # before: heures-par-trade, carte-clause_share-departement
    assert "heures-par-corps-d-etat" in names, names
    assert "carte-part-des-marches-avec-clause-sociale-departements" in names
    english = {"sector", "share", "clause", "hours", "worked", "buyer", "trade", "public", "end", "epci_"}
    assert [n for n in names if set(n.split("-")) & (english - {"clause"}) or "_" in n] == []


def test_charts_have_no_english_toolbar():
    from dashboard import ui
    from tests.dashboard_apptest import tiny_db

    # before: config {"locale": "fr"}, a locale Streamlit's Plotly bundle does not hold: English tooltips
    assert ui.PLOTLY_CONFIG["displayModeBar"] is False
    at = _run("heures", tiny_db())
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        assert '"displayModeBar": false' in chart.proto.config


# --- the app states the settings the database was built with ---------------------------------------

def test_mask_note_states_the_build_threshold_not_the_app_environment(tmp_path, monkeypatch):
    from pipelines import schema, sql_layer

    db = tmp_path / "seuil7.duckdb"
    monkeypatch.setenv("OBSERVATOIRE_SECRECY_THRESHOLD", "7")
    con = duckdb.connect(str(db))
    schema.create_all_tables(con)
    con.execute("insert into ref_departements values ('59', 'Nord', '32')")
    con.execute("insert into ref_communes values ('59350', 'Lille', '59', '32', '200093201', 230000)")
    from marts_fixture import LINE_DEFAULTS, insert
    insert(con, "clause_hours", LINE_DEFAULTS, people("p", 6))   # 6 people: masked at 7, shown at 5
    sql_layer.create_sql_layer(con)
    con.close()
    monkeypatch.setenv("OBSERVATOIRE_SECRECY_THRESHOLD", "5")   # the app's environment says 5
    at = _run("heures", db)
    text = " ".join(c.value for c in at.caption)
    assert "moins de 7 personnes" in text and "moins de 5 personnes" not in text
