"""A small hand-built database holding every mart of docs/marts.md with known values.

The dashboard's AppTests run on it: fast, deterministic, independent of the build. Each mart is a
table macro (or view) with the documented signature and columns, over a `_stub_<mart>` table. Two
variants of each breakdown exist: the whole region (`f_dep` null) and département 59
(`departement := '59'`); the other filters are accepted and ignored.

Figures used by the tests (worked out by hand, see test_pages_apptest.py):
- contracts, region: 1 050 contracts, 600 of unknown status (2019 format), 450 known, 100 with a
  social consideration (22,2 %), 80 with a clause (17,8 %); département 59: 300 known, 75 social (25,0 %).
- hours, region: 120 000 worked, 100 000 planned (120,0 %), 300 participants, 74,7 FTE (/1 607);
  département 59: 60 000 worked, 40 000 planned (150,0 %), 150 participants.
- exits, region: 200 leavers, 180 known, 20 unknown, 78 dynamic exits (43,3 %).
- the `public` breakdown of hours masks `rqth` (3 people) and, secondarily, `ass` (6 people).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

FILTERS = ["year_from", "year_to", "departement", "epci", "buyer_type", "landlord", "sector"]
PEOPLE_FILTERS = FILTERS + ["operation", "public"]
LANDLORD_1 = "11111111111111"
ROOT = Path(__file__).resolve().parent.parent
DERIVED_MARTS = ("mart_contract_share_ranked", "mart_national_references", "mart_territory_hours")
LANDLORD_2 = "22222222222222"


def _share_row(dim, value, label, n, unknown, social, clause, crit, res, amount_known, amount_social, sort_key,
               dep=None):
    known = n - unknown
    def r(a, b):
        return (a / b) if b else None
    return dict(
        dim_=dim, f_dep=dep, value=value, label=label, is_total=value == "total", sort_key=sort_key,
        n_contracts=n, n_unknown_status=unknown, n_known=known, n_social=social, n_clause=clause,
        n_criterion=crit, n_reserved=res, share_social=r(social, known), share_clause=r(clause, known),
        share_criterion=r(crit, known), share_reserved=r(res, known),
        amount_total=amount_known * 2.0, amount_known=float(amount_known), amount_social=float(amount_social),
        amount_clause=amount_social * 0.8, amount_criterion=amount_social * 0.2, amount_reserved=amount_social * 0.1,
        amount_share_social=r(amount_social, amount_known), amount_share_clause=r(amount_social * 0.8, amount_known),
        amount_share_criterion=r(amount_social * 0.2, amount_known),
        amount_share_reserved=r(amount_social * 0.1, amount_known),
    )


def _contract_share_rows():
    rows = []
    for dep, scale in ((None, 1.0), ("59", None)):
        if dep is None:
            years = [(2019, 100, 100, 0, 0, 0, 0), (2020, 110, 110, 0, 0, 0, 0), (2021, 120, 120, 0, 0, 0, 0),
                     (2022, 130, 130, 0, 0, 0, 0), (2023, 140, 140, 0, 0, 0, 0),
                     (2024, 200, 0, 40, 30, 12, 5), (2025, 250, 0, 60, 50, 15, 8)]
            total = (1050, 600, 100, 80, 27, 13, 9_000_000, 3_000_000)
            splits = {"buyer_type": [("landlord", None, 400, 250, 60, 50, 10, 5, 3_000_000, 2_000_000),
                                     ("commune", None, 650, 350, 40, 30, 17, 8, 6_000_000, 1_000_000)],
                      "departement": [("59", "Nord", 500, 200, 75, 60, 20, 10, 5_000_000, 2_000_000),
                                      ("62", "Pas-de-Calais", 550, 400, 25, 20, 7, 3, 4_000_000, 1_000_000)],
                      "epci": [("200093201", "Métropole Européenne de Lille", 500, 200, 75, 60, 20, 10,
                                5_000_000, 2_000_000),
                               ("246200364", "CA de Lens-Liévin", 550, 400, 25, 20, 7, 3, 4_000_000, 1_000_000)],
                      "buyer": [(LANDLORD_1, "Habitat du Nord (fictif)", 300, 180, 50, 45, 5, 2, 2_000_000, 1_500_000),
                                (LANDLORD_2, "Logis de la Côte (fictif)", 100, 70, 10, 5, 5, 3, 1_000_000, 500_000),
                                ("21590350100017", "Commune de Lille (fictif)", 650, 350, 40, 30, 17, 8,
                                 6_000_000, 1_000_000)]}
        else:
            years = [(2023, 100, 100, 0, 0, 0, 0), (2024, 150, 0, 35, 30, 5, 2), (2025, 150, 0, 40, 35, 8, 3)]
            total = (400, 100, 75, 65, 13, 5, 5_000_000, 2_000_000)
            splits = {"buyer_type": [("landlord", None, 200, 50, 50, 45, 8, 3, 2_000_000, 1_500_000),
                                     ("commune", None, 200, 50, 25, 20, 5, 2, 3_000_000, 500_000)],
                      "departement": [("59", "Nord", 400, 100, 75, 65, 13, 5, 5_000_000, 2_000_000)],
                      "epci": [("200093201", "Métropole Européenne de Lille", 400, 100, 75, 65, 13, 5,
                                5_000_000, 2_000_000)],
                      "buyer": [(LANDLORD_1, "Habitat du Nord (fictif)", 200, 50, 50, 45, 8, 3, 2_000_000, 1_500_000)]}
        for i, (y, n, unk, soc, cl, cr, rs) in enumerate(years):
            rows.append(_share_row("year", str(y), None, n, unk, soc, cl, cr, rs, (n - unk) * 20_000,
                                   soc * 25_000, i, dep))
        for dim, values in splits.items():
            for i, v in enumerate(values):
                rows.append(_share_row(dim, *v, i, dep))
        for dim in ["total", "year", "buyer_type", "departement", "epci", "buyer", "sector", "procedure",
                    "amount_bracket", "nature", "cpv_division", "landlord", "format_version"]:
            rows.append(_share_row(dim, "total", None, *total, 999, dep))
    return rows


def _hours_row(dim, value, label, n, worked, planned, sort_key, dep=None, masked=False, additive=True, fte_hours=1607):
    if masked:
        return dict(dim_=dim, f_dep=dep, value=value, label=label, is_total=False, sort_key=sort_key,
                    is_additive=additive, n_participants=None, is_masked=True, hours_worked=None, fte=None,
                    n_employment_contracts=None, hours_per_participant=None, hours_planned=planned,
                    realisation_rate=None)
    return dict(dim_=dim, f_dep=dep, value=value, label=label, is_total=value == "total", sort_key=sort_key,
                is_additive=additive, n_participants=n, is_masked=False, hours_worked=float(worked),
                fte=worked / fte_hours, n_employment_contracts=int(n * 1.3), hours_per_participant=worked / n,
                hours_planned=None if planned is None else float(planned),
                realisation_rate=None if not planned else worked / planned)


def _hours_rows():
    rows = []
    for dep, (n, w, p) in ((None, (300, 120_000, 100_000)), ("59", (150, 60_000, 40_000))):
        k = 1 if dep is None else 0.5
        for dim in ["total", "year", "gender", "public", "trade", "sector", "operation_departement", "operation_epci",
                    "age_band", "qualification", "qpv_resident", "tenant_of_buyer", "modality",
                    "employment_contract_type", "residence_epci", "residence_commune", "operation_commune",
                    "buyer_type", "buyer", "operation", "contract_kind"]:
            rows.append(_hours_row(dim, "total", None, n, w, p, 999, dep, additive=dim != "public"))
        for i, (y, share) in enumerate([(2024, 0.4), (2025, 0.6)]):
            rows.append(_hours_row("year", str(y), None, int(n * share), w * share, p * share, i, dep))
        rows.append(_hours_row("gender", "F", None, int(54 * k), 18_000 * k, None, 0, dep))
        rows.append(_hours_row("gender", "M", None, int(246 * k), 102_000 * k, None, 1, dep))
        rows.append(_hours_row("public", "deld", None, int(150 * k), 60_000 * k, None, 0, dep, additive=False))
        rows.append(_hours_row("public", "rqth", None, 3, None, None, 1, dep, masked=True, additive=False))
        rows.append(_hours_row("public", "ass", None, 6, None, None, 2, dep, masked=True, additive=False))
        rows.append(_hours_row("trade", "painting", None, int(100 * k), 40_000 * k, 30_000 * k, 0, dep))
        rows.append(_hours_row("trade", "masonry", None, int(200 * k), 80_000 * k, 70_000 * k, 1, dep))
        rows.append(_hours_row("operation_departement", "59", "Nord", 150, 60_000, 40_000, 0, dep))
        if dep is None:
            rows.append(_hours_row("operation_departement", "62", "Pas-de-Calais", 150, 60_000, 60_000, 1, dep))
        rows.append(_hours_row("operation_epci", "200093201", "Métropole Européenne de Lille", 150, 60_000, 40_000, 0,
                               dep))
    return rows


def _participant_rows():
    rows = []
    base = dict(hours_per_participant=400.0, employment_contracts_per_participant=1.3,
                procurement_contracts_per_participant=1.4, pooled_share=0.25, avg_path_months=7.5,
                women_share=0.18, qpv_share=0.35, tenant_share=0.2, under_26_share=0.3)
    for dep, n in ((None, 300), ("59", 150)):
        for dim in ["total", "year", "gender", "age_band", "qualification", "public", "qpv_resident", "tenant_of_buyer",
                    "residence_commune", "residence_epci", "modality", "buyer", "operation"]:
            rows.append(dict(dim_=dim, f_dep=dep, value="total", label=None, is_total=True, sort_key=999,
                             is_additive=dim not in ("public", "modality", "buyer", "operation"), n_participants=n,
                             is_masked=False, hours_worked=n * 400.0, **base))
        for i, (v, m) in enumerate([("F", n * 18 // 100), ("M", n - n * 18 // 100)]):
            rows.append(dict(dim_="gender", f_dep=dep, value=v, label=None, is_total=False, sort_key=i, is_additive=True,
                             n_participants=m, is_masked=False, hours_worked=m * 400.0, **base))
        for i, y in enumerate(["2024", "2025"]):
            rows.append(dict(dim_="year", f_dep=dep, value=y, label=None, is_total=False, sort_key=i, is_additive=True,
                             n_participants=n // 2, is_masked=False, hours_worked=n * 200.0, **base))
        rows.append(dict(dim_="residence_epci", f_dep=dep, value="200093201", label="Métropole Européenne de Lille",
                         is_total=False, sort_key=0, is_additive=True, n_participants=n // 2, is_masked=False,
                         hours_worked=n * 200.0, **base))
    return rows


def _exit_rows():
    rows = []
    for dep, (lv, kn, un, du, tr, po, ot, rate, lo, hi) in (
            (None, (200, 180, 20, 50, 20, 8, 102, 78 / 180, 0.3624, 0.5071)),
            ("59", (100, 90, 10, 30, 10, 5, 45, 45 / 90, 0.3990, 0.6010))):
        for dim in ["total", "year", "operation", "operation_commune", "operation_epci", "operation_departement",
                    "residence_commune", "public", "gender", "age_band", "qualification", "qpv_resident", "modality",
                    "buyer"]:
            for tp in ("end", "6m"):
                rows.append(dict(dim_=dim, f_dep=dep, f_tp=tp, value="total", label=None, is_total=True, sort_key=999,
                                 is_additive=dim != "public",
                                 n_participants=lv, is_masked=False, n_leavers=lv, n_known=kn, n_unknown=un,
                                 n_durable=du, n_transition=tr, n_positive=po, n_other=ot, n_dynamic=du + tr + po,
                                 dynamic_exit_rate=rate, ci_low=lo, ci_high=hi))
        rows.append(dict(dim_="gender", f_dep=dep, f_tp="end", value="F", label=None, is_total=False, sort_key=0,
                         is_additive=True, n_participants=4,
                         is_masked=True, n_leavers=None, n_known=None, n_unknown=None, n_durable=None,
                         n_transition=None, n_positive=None, n_other=None, n_dynamic=None, dynamic_exit_rate=None,
                         ci_low=None, ci_high=None))
        rows.append(dict(dim_="gender", f_dep=dep, f_tp="end", value="M", label=None, is_total=False, sort_key=1,
                         is_additive=True, n_participants=lv - 4,
                         is_masked=True, n_leavers=None, n_known=None, n_unknown=None, n_durable=None,
                         n_transition=None, n_positive=None, n_other=None, n_dynamic=None, dynamic_exit_rate=None,
                         ci_low=None, ci_high=None))
    return rows


def _create_breakdown(con, name, df, params, extra_conds=()):
    con.register("_df", df)
    con.execute(f"create table _stub_{name} as select * from _df")
    con.unregister("_df")
    args = ", ".join(["dimension"] + [p if ":=" in p else f"{p} := null" for p in params])
    conds = ["dim_ = dimension", "f_dep is not distinct from departement", *extra_conds]
    drop = ", ".join(["dim_", "f_dep"] + (["f_tp"] if "f_tp" in df.columns else []))
    extra_cols = ("timepoint as timepoint, coalesce(durable_definition, 'broad') as durable_definition, "
                  if "f_tp" in df.columns else "")
    con.execute(f"create macro {name}({args}) as table select dimension as dimension, {extra_cols}"
                f"* exclude ({drop}) from _stub_{name} where {' and '.join(conds)}")


def _create_table_macro(con, name, df, params, conds=("true",)):
    con.register("_df", df)
    con.execute(f"create table _stub_{name} as select * from _df")
    con.unregister("_df")
    args = ", ".join(params)
    rename = "status_ as status, * exclude (status_)" if "status_" in df.columns else "*"
    con.execute(f"create macro {name}({args}) as table select {rename} from _stub_{name} "
                f"where {' and '.join(conds)}")


def build_stub_db(path: Path | str, *, demo: bool = True) -> Path:
    """Write the stub database at `path` and return the path."""
    path = Path(path)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    _create_breakdown(con, "mart_contract_share", pd.DataFrame(_contract_share_rows()), FILTERS)
    _create_breakdown(con, "mart_hours", pd.DataFrame(_hours_rows()), PEOPLE_FILTERS + ["fte_hours"])
    _create_breakdown(con, "mart_participants", pd.DataFrame(_participant_rows()), PEOPLE_FILTERS)
    _create_breakdown(con, "mart_exits", pd.DataFrame(_exit_rows()),
                      ["timepoint := 'end'", "durable_definition"] + PEOPLE_FILTERS,
                      extra_conds=("f_tp = timepoint",))
    # the breakdown helper writes `p := null`; fix the one default that is not null
    contracts = pd.DataFrame([dict(
        buyer_siret=LANDLORD_1, buyer_name="Habitat du Nord (fictif)", buyer_type="landlord",
        contract_id=f"2024-{i:03d}", object=f"Réhabilitation de logements, lot {i}", nature="marche",
        procedure="open", cpv_code="45000000", cpv_division="45", sector="works",
        notification_date=pd.Timestamp(2024, 3, i + 1).date(), year=2024, amount=100_000.0 + i,
        amount_flag=None, duration_months=12.0, commune_code="59350", departement_code="59",
        epci_code="200093201", territory_status="resolved", social_info_known=True,
        has_social_clause=True, has_social_criterion=False, is_reserved=False,
        social_considerations="Clause sociale", has_execution_data=i % 2 == 0, format_version="2022",
        source_file="decp-2024.json") for i in range(3)])
    _create_table_macro(con, "mart_contract_list", contracts,
                        [f"{p} := null" for p in FILTERS] + ["social_status := null", "search := null", "max_rows := 1000"])
    dve = pd.DataFrame([
        dict(buyer_siret=LANDLORD_1, buyer_name="Habitat du Nord (fictif)", buyer_type="landlord", is_total=False,
             sort_key=0, n_declared_clause=50, n_declared_with_execution=40, n_declared_without_execution=10,
             n_execution_contracts=45, n_execution_not_declared=3, n_execution_status_unknown=2,
             n_execution_not_in_decp=0, match_rate=0.8),
        dict(buyer_siret=None, buyer_name=None, buyer_type=None, is_total=True, sort_key=999, n_declared_clause=80,
             n_declared_with_execution=60, n_declared_without_execution=20, n_execution_contracts=70,
             n_execution_not_declared=5, n_execution_status_unknown=3, n_execution_not_in_decp=2, match_rate=0.75)])
    _create_table_macro(con, "mart_declared_vs_executed", dve, [f"{p} := null" for p in FILTERS[:-1]])
    dvl = pd.DataFrame([dict(buyer_siret=LANDLORD_1, buyer_name="Habitat du Nord (fictif)", contract_id="2024-009",
                             status_="declared_no_execution", object="Peinture des halls", year=2024,
                             amount=150_000.0, hours_planned=300.0, n_execution_lines=0)])
    _create_table_macro(con, "mart_declared_vs_executed_list", dvl,
                        ["status := null"] + [f"{p} := null" for p in FILTERS[:-1]],
                        conds=("(status is null or status_ = status)",))
    # landlord benchmark (long, anonymous): the viewer LANDLORD_1 and 3 others per list, labelled by rank
    positions = [("clause_share", 0.25, 0.25, 0.5), ("hours_per_million", 2000.0, 1500.0, 0.6667),
                 ("realisation_rate", 1.14, 1.14, 0.3333), ("women_share", 0.2, 0.2, 0.3333),
                 ("qpv_share", 0.4, 0.4, 0.3333), ("tenant_share", 0.3, 0.3, 0.3333),
                 ("hours_per_participant", 400.0, 375.0, 0.6667), ("dynamic_exit_rate", 0.45, 0.45, 0.3333)]
    bench_rows = []
    for ind, v, _, _ in positions:
        if ind in ("hours_per_million", "realisation_rate"):
            continue  # not listed landlord by landlord (int_landlord_values)
        values = [v * 0.5, v * 0.8, v, v * 1.3]
        for scope_, band in (("region", None), ("peers", "large")):
            for i, value in enumerate(values, start=1):
                me = value == v
                bench_rows.append(dict(indicator=ind, scope_=scope_, peer_group=band, position=i, n_landlords=4,
                                       landlord_label="Habitat du Nord (fictif)" if me else f"Rang {i}",
                                       is_viewer=me, buyer_siret=LANDLORD_1 if me else None, value=value))
    con.register("_df", pd.DataFrame(bench_rows))
    con.execute("create table _stub_mart_landlord_benchmark as select * from _df")
    con.unregister("_df")
    con.execute("create macro mart_landlord_benchmark(viewer := null, year_from := null, year_to := null, "
                "scope := 'region') as table select scope_ as scope, * exclude (scope_) "
                "from _stub_mart_landlord_benchmark where scope_ = coalesce(scope, 'region')")
    pos_rows = []
    for ind, v, med, rank in positions:
        pos_rows.append(dict(indicator=ind, scope="region", peer_group=None, viewer_value=v, viewer_is_masked=False,
                             is_published=True, n_landlords=4, q1=med * 0.8, median=med, q3=med * 1.2,
                             gap=v - med, percentile_rank=rank))
        pos_rows.append(dict(indicator=ind, scope="peers", peer_group="large", viewer_value=v, viewer_is_masked=False,
                             is_published=True, n_landlords=4, q1=med * 0.9, median=med, q3=med * 1.1,
                             gap=v - med, percentile_rank=0.5))
    _create_table_macro(con, "mart_landlord_position", pd.DataFrame(pos_rows),
                        ["viewer := null", "year_from := null", "year_to := null"])
    targets = pd.DataFrame([
        dict(operation_id="OP1", operation_name="NPNRU Roubaix – L'Alma (fictif)", buyer_siret=LANDLORD_1,
             buyer_name="Habitat du Nord (fictif)", is_total=False, sort_key=0, amount_investment=10e6,
             amount_gup=1e6, amount_other=0.0, estimated_hours_investment=160_000.0, estimated_hours_gup=40_000.0,
             anru_floor_hours=12_000.0, hours_planned=15_000.0, n_participants=80, is_masked=False,
             hours_worked=16_000.0, hours_worked_qpv=9_000.0, anru_floor_rate=0.75, meets_anru_floor=False,
             planned_rate=16 / 15),
        dict(operation_id=None, operation_name=None, buyer_siret=None, buyer_name=None, is_total=True, sort_key=999,
             amount_investment=10e6, amount_gup=1e6, amount_other=0.0, estimated_hours_investment=160_000.0,
             estimated_hours_gup=40_000.0, anru_floor_hours=12_000.0, hours_planned=15_000.0, n_participants=80,
             is_masked=False, hours_worked=16_000.0, hours_worked_qpv=9_000.0, anru_floor_rate=0.75,
             meets_anru_floor=False, planned_rate=16 / 15)])
    _create_table_macro(con, "mart_targets", targets,
                        [f"{p} := null" for p in ["year_from", "year_to", "departement", "epci", "buyer_type",
                                                  "landlord", "operation"]])
    custom = pd.DataFrame([dict(scope_type="buyer", scope_id=LANDLORD_1, scope_label="Habitat du Nord (fictif)",
                                label="100 000 heures sur le programme", target_hours=100_000.0,
                                period_start=pd.Timestamp(2024, 1, 1).date(), period_end=pd.Timestamp(2027, 12, 31).date(),
                                n_participants=100, is_masked=False, hours_worked=40_000.0, progress_rate=0.4,
                                elapsed_share=0.45, on_track=False)])
    _create_table_macro(con, "mart_custom_targets", custom, ["as_of := null", "landlord := null", "operation := null"],
                        ["(landlord is null or (scope_type = 'buyer' and scope_id = landlord))",
                         "(operation is null or (scope_type = 'operation' and scope_id = operation))"])
    # ANRU floors: OP1 investment 8 500 h QPV / 160 000 h estimated = 5,3 % (>= 5 %); its GUP lots have no
    # amount for 2 of 5 -> not computable
    floor_cols = dict(n_lots_amount_export=0, n_lots_amount_decp=0, n_lots_no_amount=0)
    inv = dict(lot_kind="investment", floor_share=0.05, n_lots=12, **{**floor_cols, "n_lots_amount_export": 10,
               "n_lots_amount_decp": 2}, amount=10e6, estimated_hours=160_000.0, is_computable=True,
               not_computable_reason=None, floor_hours=8_000.0, is_masked=False, qpv_hours=8_500.0,
               qpv_share=8_500 / 160_000, meets_floor=True)
    gup = dict(lot_kind="gup", floor_share=0.10, n_lots=5, **{**floor_cols, "n_lots_amount_export": 3,
               "n_lots_no_amount": 2}, amount=1e6, estimated_hours=40_000.0, is_computable=False,
               not_computable_reason="2 lot(s) sur 5 sans montant (ni dans l'export des clauses ni dans le marché "
                                     "DECP lié) : les heures de travail de l'opération ne peuvent pas être estimées.",
               floor_hours=None, is_masked=False, qpv_hours=500.0, qpv_share=None, meets_floor=None)
    op = dict(operation_id="OP1", operation_name="NPNRU Roubaix – L'Alma (fictif)", buyer_siret=LANDLORD_1,
              buyer_name="Habitat du Nord (fictif)", is_total=False)
    tot = dict(operation_id=None, operation_name="Total", buyer_siret=None, buyer_name=None, is_total=True)
    floors = pd.DataFrame([{**op, **inv, "sort_key": 1}, {**op, **gup, "sort_key": 2},
                           {**tot, **inv, "sort_key": 3}, {**tot, **gup, "sort_key": 4}])
    _create_table_macro(con, "mart_anru_floors", floors,
                        [f"{p} := null" for p in ["year_from", "year_to", "departement", "epci", "buyer_type",
                                                  "landlord", "operation"]])
    # burn-up of LANDLORD_1: 40 000 h at the end of June 2025 out of 100 000 h by December 2027; pace
    # 9 000 h over December 2024 - June 2025 = 1 500 h a month -> 60 000 / 1 500 = 40 months: October
    # 2028, 10 months late. LANDLORD_2: masked.
    d = pd.Timestamp
    head = dict(scope_type="buyer", scope_id=LANDLORD_1, objective_hours=100_000.0, objective_source="target",
                objective_label="100 000 heures sur le programme", period_start=d(2024, 1, 1).date(),
                period_end=d(2027, 12, 31).date())
    burn = [{**head, "month": d(2024, 6, 1).date(), "series": "actual", "cumulative_hours": 15_000.0,
             "is_point": True, "is_anchor": False, "projected_hours": None, "is_masked": False},
            {**head, "month": d(2024, 12, 1).date(), "series": "actual", "cumulative_hours": 31_000.0,
             "is_point": True, "is_anchor": False, "projected_hours": None, "is_masked": False},
            {**head, "month": d(2025, 6, 1).date(), "series": "actual", "cumulative_hours": 40_000.0,
             "is_point": True, "is_anchor": True, "projected_hours": 40_000.0, "is_masked": False},
            {**head, "month": d(2028, 10, 1).date(), "series": "projection", "cumulative_hours": None,
             "is_point": False, "is_anchor": False, "projected_hours": 100_000.0, "is_masked": False},
            {**head, "scope_id": LANDLORD_2, "month": d(2025, 6, 1).date(), "series": "actual",
             "cumulative_hours": None, "is_point": False, "is_anchor": False, "projected_hours": None,
             "is_masked": True}]
    _create_table_macro(con, "mart_burnup", pd.DataFrame(burn),
                        ["landlord := null", "operation := null", "as_of := null", "window_months := 6"],
                        ["operation is null", "scope_id = landlord"])
    status = [{**head, "is_masked": False, "anchor_month": d(2025, 6, 1).date(), "anchor_hours": 40_000.0,
               "progress_rate": 0.4, "window_start": d(2024, 12, 1).date(), "window_end": d(2025, 6, 1).date(),
               "window_months_used": 6, "hours_per_month": 1_500.0, "reach_month": d(2028, 10, 1).date(),
               "months_late": 10, "track_status": "late"},
              {**head, "scope_id": LANDLORD_2, "is_masked": True, "anchor_month": None, "anchor_hours": None,
               "progress_rate": None, "window_start": None, "window_end": None, "window_months_used": None,
               "hours_per_month": None, "reach_month": None, "months_late": None, "track_status": "masked"}]
    _create_table_macro(con, "mart_burnup_status", pd.DataFrame(status),
                        ["landlord := null", "operation := null", "as_of := null", "window_months := 6",
                         "ahead_months := 6"], ["operation is null", "scope_id = landlord"])
    con.execute("""create table _stub_grid_defaults as select * from (values
        ('painting', 0.7, 30.0, 1166.7, 1400.0, 12, 40, false),
        ('masonry', 0.5, 30.0, 833.3, 900.0, 20, 60, false),
        ('cleaning', 0.8, 20.0, 2000.0, null, 2, 3, true))
        t(trade, labour_share, hourly_cost, grid_hours_per_million_at_5pct, realised_hours_per_million,
          n_lots, n_participants, is_masked)""")
    con.execute("create view mart_hours_grid_defaults as select * from _stub_grid_defaults")
    con.execute("""create macro mart_hours_grid(amount := 1000000, trade := 'masonry', rate := 0.05,
            hourly_cost := null, labour_share := null) as table
        select d.trade, amount::double as amount, coalesce(labour_share, d.labour_share) as labour_share,
               coalesce(hourly_cost, d.hourly_cost) as hourly_cost, rate as rate,
               amount * coalesce(labour_share, d.labour_share) / coalesce(hourly_cost, d.hourly_cost)
                   as estimated_total_hours,
               amount * coalesce(labour_share, d.labour_share) / coalesce(hourly_cost, d.hourly_cost) * rate
                   as estimated_insertion_hours,
               1607.0 as fte_hours,
               amount * coalesce(labour_share, d.labour_share) / coalesce(hourly_cost, d.hourly_cost) * rate
                   / 1607.0 as estimated_insertion_fte,
               d.realised_hours_per_million, amount * d.realised_hours_per_million / 1e6 as realised_hours_estimate,
               d.n_lots, d.n_participants, d.is_masked
        from _stub_grid_defaults d where d.trade = trade""")
    head = pd.DataFrame([
        dict(f_dep=None, contracts_known=450, contracts_unknown_status=600, contracts_with_social_consideration=100,
             share_social_consideration=100 / 450, contracts_with_clause=80, share_clause=80 / 450,
             amount_known=9e6, amount_with_social_consideration=3e6, hours_planned=100_000.0, hours_worked=120_000.0,
             realisation_rate=1.2, fte=120_000 / 1607, participants=300, hours_per_participant=400.0,
             women_share=0.18, qpv_share=0.35, tenant_share=0.2, dynamic_exit_rate=78 / 180, exits_known=180,
             exits_unknown=20, is_masked=False),
        dict(f_dep="59", contracts_known=300, contracts_unknown_status=100, contracts_with_social_consideration=75,
             share_social_consideration=0.25, contracts_with_clause=65, share_clause=65 / 300, amount_known=5e6,
             amount_with_social_consideration=2e6, hours_planned=40_000.0, hours_worked=60_000.0,
             realisation_rate=1.5, fte=60_000 / 1607, participants=150, hours_per_participant=400.0,
             women_share=0.18, qpv_share=0.35, tenant_share=0.2, dynamic_exit_rate=0.5, exits_known=90,
             exits_unknown=10, is_masked=False)])
    con.register("_df", head)
    con.execute("create table _stub_headlines as select * from _df")
    con.unregister("_df")
    con.execute("create macro mart_headlines(" + ", ".join(f"{p} := null" for p in FILTERS) + ") as table "
                "select * exclude (f_dep) from _stub_headlines where f_dep is not distinct from departement")
    con.execute("""create view mart_ingest_log as select * from (values
        ('decp-2024.json', 'abc', 'decp', 'json', 1000, 950, 30, 15, 5, timestamp '2026-11-01 10:00:00',
         timestamp '2026-11-01 10:00:05', 'warnings', '30 enregistrements rejetés'),
        ('clauses-mel.csv', 'def', 'clauses', 'csv', 500, 490, 10, 0, 0, timestamp '2026-11-01 10:00:06',
         timestamp '2026-11-01 10:00:07', 'warnings', null))
        t(source_file, sha256, kind, format, n_read, n_loaded, n_rejected, n_duplicates, n_out_of_region,
          started_at, finished_at, status, message)""")
    con.execute("""create view mart_rejects_by_reason as select * from (values
        ('decp-2024.json', 'acheteur.id', 'SIRET invalide (14 chiffres attendus)', 20, ['123', 'ABC', '0'], 4,
         [4, 5, 9]),
        ('decp-2024.json', 'dateNotification', 'date impossible', 10, ['2024-13-45'], 17, [17]),
        ('clauses-mel.csv', 'hours_worked', 'heures réalisées négatives', 10, []::varchar[], 3, [3, 8]))
        t(source_file, field, reason, n_rejects, examples, first_record_no, record_nos)""")
    # the summaries of the quality marts: the real SQL (sql/marts), over the stub rows above
    from pipelines.sql_layer import load_objects
    for obj in load_objects():
        if obj.name in ("mart_ingest_summary", "mart_rejects_summary"):
            con.execute(f"create view {obj.name} as {obj.body}")
    con.execute("""create view mart_unknown_territories as select * from (values
        ('unknown', 'code postal inconnu', 'code_postal', 12, 1200000.0, ['99999']))
        t(territory_status, territory_reason, place_type, n_contracts, amount, examples)""")
    con.execute("""create macro mart_territory_population(level) as table select * from (values
        ('departement', '59', 'Nord', 2600000), ('departement', '62', 'Pas-de-Calais', 1500000),
        ('epci', '200093201', 'Métropole Européenne de Lille', 1200000))
        t(level_, code, label, population) where level_ = level""")
    options = [("year", str(y), str(y), 10) for y in range(2019, 2026)]
    options += [("departement", d, n, 10) for d, n in [("02", "Aisne"), ("59", "Nord"), ("60", "Oise"),
                                                        ("62", "Pas-de-Calais"), ("80", "Somme")]]
    options += [("epci", "200093201", "Métropole Européenne de Lille", 10),
                ("epci", "246200364", "CA de Lens-Liévin", 5)]
    options += [("buyer_type", "landlord", None, 10), ("buyer_type", "commune", None, 10)]
    options += [("landlord", LANDLORD_1, "Habitat du Nord (fictif)", 10),
                ("landlord", LANDLORD_2, "Logis de la Côte (fictif)", 5)]
    options += [("sector", "works", None, 10), ("sector", "cleaning_waste", None, 3)]
    options += [("operation", "OP1", "NPNRU Roubaix – L'Alma (fictif)", 10)]
    con.register("_df", pd.DataFrame(options, columns=["filter", "value", "label", "n_rows"]))
    con.execute("create table _stub_options as select * from _df")
    con.unregister("_df")
    con.execute("create view mart_filter_options as select * from _stub_options")
    label = "données de démonstration" if demo else "données réelles"
    con.execute(f"""create view mart_build_info as select * from (values
        ('built_at', '2026-11-01T10:00:08'), ('data_label', '{label}'), ('region_code', '32'),
        ('n_files', '2'), ('n_failed', '0'), ('app_version', 'test'), ('setting.fte_hours', '1607'),
        ('setting.secrecy_threshold', '5')) t(key, value)""")
    # marts computed from the marts above: their real SQL, over the stubs
    for name in DERIVED_MARTS:
        con.execute((ROOT / "sql" / "marts" / f"{name}.sql").read_text(encoding="utf-8"))
    con.close()
    return path


if __name__ == "__main__":  # python tests/stub_marts.py /tmp/stub.duckdb
    import sys

    print(build_stub_db(sys.argv[1] if len(sys.argv) > 1 else "/tmp/stub.duckdb"))
