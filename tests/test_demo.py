"""The demo region: deterministic files, a build through the normal path, and headline figures
inside domain.md's orders of magnitude (worked out here with plain SQL on the base tables)."""
from __future__ import annotations

import json
import random

import duckdb
import pytest

from pipelines.demo import generate, procurement, world
from tests.dashboard_apptest import demo_build

SEED = 7


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo_dir():
    """The demo input files of the session's one demo build (tests/dashboard_apptest.demo_build)."""
    demo, _, failure = demo_build()
    assert failure is None, failure
    assert json.loads((demo / "demo.json").read_text(encoding="utf-8"))["seed"] == SEED
    return demo


@pytest.fixture(scope="module")
def db(demo_dir):
    _, path, failure = demo_build()
    assert failure is None, failure
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def one(con, sql):
    return con.execute(sql).fetchone()[0]


def test_same_seed_gives_byte_identical_files(demo_dir, tmp_path):
    again = tmp_path / "again"
    generate(again, scale=1, seed=SEED)
    first, second = _files(demo_dir), _files(again)
    assert list(first) == list(second)
    for name in first:
        assert first[name] == second[name], name


def test_marker_and_file_kinds(demo_dir):
    marker = json.loads((demo_dir / "demo.json").read_text(encoding="utf-8"))
    assert marker["label"] == "données de démonstration" and marker["seed"] == SEED and marker["scale"] == 1
    files = marker["files"]
    assert sorted(files) == sorted(k for k in _files(demo_dir) if k != "demo.json")
    decp = [f for f in files if f.startswith("decp/")]
    assert any(f.endswith(".xml") for f in decp) and any(f.endswith(".csv") for f in decp)
    assert any(f.endswith(".xlsx") for f in files) and "acheteurs.csv" in files and "objectifs.csv" in files
    j2019 = json.loads((demo_dir / "decp" / "decp_2021.json").read_text(encoding="utf-8"))
    assert isinstance(j2019["marches"], list) and "considerationsSociales" not in j2019["marches"][0]
    j2022 = json.loads((demo_dir / "decp" / "decp_2025.json").read_text(encoding="utf-8"))
    assert "considerationSociale" in j2022["marches"]["marche"][0]["considerationsSociales"]
    tabular = (demo_dir / "decp" / "decp_2024_2025_etat_hopitaux.csv").read_bytes()
    assert tabular.startswith(b"\xef\xbb\xbf") and b"acheteur.id" in tabular and b"['" in tabular
    assert (demo_dir / "acheteurs.csv").read_text(encoding="utf-8").splitlines()[0] == "siret;nom;type"


def test_xlsx_exports_are_excel_like_and_reproducible(demo_dir):
    import zipfile
    from datetime import datetime

    from openpyxl import load_workbook

    path = demo_dir / "clauses" / "facilitateurs_oise_suivi.xlsx"
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2026, 1, 5, 8, 0, 0)}
    wb = load_workbook(path)
    assert wb.properties.created == wb.properties.modified == datetime(2026, 1, 5, 8, 0, 0)
    ws = wb["Suivi"]
    assert ws["A1"].value.startswith("Suivi des clauses sociales") and ws["A1"].font.b
    assert ws["A2"].value is None and ws["A3"].value == "Id opération" and ws["A3"].font.b
    header = [c.value for c in ws[3]]
    start = ws.cell(row=4, column=header.index("Date début") + 1)
    assert isinstance(start.value, datetime) and start.number_format == "DD/MM/YYYY"
    assert isinstance(ws.cell(row=4, column=header.index("Année naissance") + 1).value, int)
    assert isinstance(ws.cell(row=4, column=header.index("Heures réalisées (h)") + 1).value, float)


def _small_world(seed):
    """The demo world cut to a few buyers, to keep these checks fast."""
    w = world.build_world(random.Random(f"{seed}/world"))
    w.buyers, w.outside_buyers = w.buyers[::6], w.outside_buyers[:2]
    return w


def test_other_seed_gives_other_data():
    mine = procurement.generate_contracts(random.Random(f"{SEED}/contracts"), _small_world(SEED), 1)
    other = procurement.generate_contracts(random.Random("8/contracts"), _small_world(8), 1)
    assert [c.amount for c in other[:50]] != [c.amount for c in mine[:50]]


def test_scale_multiplies_volumes_not_proportions():
    w = _small_world(1)
    one_x = [c for c in procurement.generate_contracts(random.Random("1/c"), w, 1) if c.buyer.dep != "xx"]
    two_x = [c for c in procurement.generate_contracts(random.Random("1/c"), w, 2) if c.buyer.dep != "xx"]
    assert 1.9 < len(two_x) / len(one_x) < 2.1
    share = lambda cs: sum(c.clause for c in cs) / len(cs)  # noqa: E731
    assert abs(share(two_x) - share(one_x)) < 0.02


def test_every_header_the_demo_writes_is_read_as_intended():
    from pipelines.clauses.headers import field_for, private_kind, public_flag
    from pipelines.demo.clause_files import HEADERS

    for fac, headers in HEADERS.items():
        for field, header in headers.items():
            if field.startswith("_pub_"):   # one yes/no column per public
                assert field_for(header) is None and public_flag(header) == field[5:], (fac, header)
            elif field.startswith("_"):   # deliberately refused or unknown columns
                assert field_for(header) is None, (fac, header)
            else:
                assert field_for(header) == field, (fac, header)
    assert private_kind(HEADERS["artois"]["_last_name"]) == "nom"


def test_build_is_labelled_demo_and_every_file_reconciles(db):
    assert one(db, "select value from build_info where key = 'data_label'") == "données de démonstration"
    assert one(db, "select count(*) from ingest_log where status = 'failed'") == 0
    assert one(db, "select count(*) from ingest_log where n_read <> n_loaded + n_rejected + n_duplicates "
                   "+ n_out_of_region") == 0
    assert one(db, "select count(*) from ingest_log where kind = 'planned'") == 1
    # the quirks exercise the quarantine: rejects, duplicates, out-of-region, a refused and an unknown column
    assert one(db, "select sum(n_rejected) from ingest_log where kind = 'clauses'") > 0
    assert one(db, "select sum(n_duplicates) from ingest_log where kind = 'clauses'") > 0
    assert one(db, "select sum(n_duplicates) from ingest_log where kind = 'decp'") > 0
    assert one(db, "select sum(n_out_of_region) from ingest_log where kind = 'decp'") > 0
    assert one(db, "select count(*) from ingest_log where message like '%refusée%'") >= 1
    assert one(db, "select count(*) from ingest_log where message like '%non reconnue%'") >= 1


def test_participants_match_domain_orders_of_magnitude(db):
    women = one(db, "select count(distinct participant_id) filter (where gender = 'F') * 1.0 "
                    "/ count(distinct participant_id) filter (where gender is not null) from clause_hours")
    assert 0.15 <= women <= 0.25
    young = one(db, """with first as (select participant_id, arg_min(age_band, start_date) as band
                                      from clause_hours group by 1)
                       select avg((band = '<26')::int) from first where band is not null""")
    assert 0.25 <= young <= 0.36
    per_participant = one(db, "select sum(hours_worked) / count(distinct participant_id) from clause_hours")
    assert 350 <= per_participant <= 480
    per_year = db.execute("select year(start_date) y, count(distinct participant_id) from clause_hours "
                          "group by 1 order by 1").fetchall()
    assert [y for y, _ in per_year] == list(range(2019, 2026))
    counts = [n for _, n in per_year]
    # a few thousand a year: at least about 2 000 every year, on a moderate rising trend
    assert min(counts) >= 2000, per_year
    assert counts[-1] > counts[0] and max(counts) <= 2 * min(counts), per_year


def test_construction_share_of_hours(db):
    share = one(db, """select sum(h.hours_worked) filter (where p.contract_kind = 'works') / sum(h.hours_worked)
                       from clause_hours h join clause_planned p
                         on h.buyer_siret = p.buyer_siret and h.contract_id = p.contract_id
                        and h.lot is not distinct from p.lot
                       where p.contract_kind is not null""")
    assert 0.45 <= share <= 0.60


def test_dynamic_exit_rate(db):
    rate = one(db, """with last as (select participant_id, arg_max(outcome_end, coalesce(end_date, start_date)) o
                                    from clause_hours group by 1)
                      select avg((o in ('cdi', 'cdd_6m_plus', 'interim_6m_plus', 'civil_service',
                                        'business_creation', 'cdd_under_6m', 'interim_under_6m',
                                        'subsidised_contract', 'qualifying_training', 'siae_hire'))::int)
                      from last where o is not null and o <> 'ongoing'""")
    assert 0.37 <= rate <= 0.47


def test_clause_share_rises_and_landlords_are_far_above(db):
    rows = db.execute("""select year, avg(has_social_clause::int),
                                avg(has_social_clause::int) filter (where buyer_type = 'landlord')
                         from contracts where social_info_known group by 1 order by 1""").fetchall()
    assert [r[0] for r in rows] == [2024, 2025]
    (y1, all1, ll1), (y2, all2, ll2) = rows
    assert 0.17 <= all1 < all2 <= 0.32
    assert ll1 > 2 * all1 and ll2 > 2 * all2
    assert one(db, "select count(*) from contracts where not social_info_known and year <= 2023") > 10000


def test_linkage_has_all_three_situations(db):
    linked, total = db.execute("""
        with keys as (select distinct buyer_siret, contract_id from clause_hours where contract_id is not null)
        select count(c.contract_id), count(*) from keys k left join contracts c using (buyer_siret, contract_id)
    """).fetchone()
    assert 0.6 <= linked / total <= 0.95        # many link, some were never published
    untracked = one(db, """select count(*) from contracts c where has_social_clause and not exists
                           (select 1 from clause_hours h where h.buyer_siret = c.buyer_siret
                            and h.contract_id = c.contract_id)""")
    assert untracked > 100                     # declared, not tracked


def test_landlords_and_territories_differ(db):
    tenants = [r[0] for r in db.execute("""select avg(tenant_of_buyer::int) from clause_hours
                                           where buyer_type = 'landlord' group by buyer_siret
                                           having count(distinct participant_id) >= 30""").fetchall()]
    assert len(tenants) >= 5 and max(tenants) - min(tenants) > 0.1
    targets = one(db, "select count(*) from targets")
    assert targets > 20
