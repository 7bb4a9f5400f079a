"""Bad inputs that must neither lie nor crash (issue 9, DECP part): numbers that are not finite,
nesting thousands of levels deep, exact copies of rejected records. Inputs written in code."""
from __future__ import annotations

import json
import resource

import duckdb
import pytest

from decp_helpers import load, marche_2019, marche_2022, rows, write
from pipelines import build as build_module
from pipelines.decp import normalise as N
from pipelines.decp.readers import MAX_DEPTH, XML_STOP_DEPTH, _DepthScan, detect_format
from test_decp_formats import CSV_HEADER, CSV_ROWS, csv_bytes

# ---- numbers that are not finite ---------------------------------------------------------------


def rejects(con) -> list[dict]:
    return rows(con, "select record_no, field, reason, raw from rejects order by record_no, field")


def test_python_nan_and_infinity_in_json_are_field_rejects_with_a_reason(tmp_path):
    # Python's json writes float('nan') as a bare NaN (not JSON): the way such files are made
    recs = [marche_2019(id="a", montant=float("nan")),
            marche_2019(id="b", dureeMois=float("inf"), offresRecues=float("-inf")),
            marche_2019(id="c", modifications=[{"montant": float("nan"), "dureeMois": 14}]),
            marche_2019(id="d")]
    text = json.dumps({"marches": recs})
    assert "NaN" in text and "-Infinity" in text
    con, res = load(tmp_path, {"a.json": text})
    r = res["a.json"]
    # the records are kept (a bad amount is a field reject, as every other unreadable amount)
    assert (r.n_read, r.n_loaded, r.n_rejected) == (4, 4, 0)
    assert r.warnings and "4 valeur(s) invalide(s)" in r.warnings[0]    # status "warnings", not "ok"
    got = {c["contract_id"]: c for c in rows(con, "select * from contracts")}
    assert (got["a"]["amount"], got["a"]["amount_flag"]) == (None, "unparsable")
    assert (got["b"]["amount"], got["b"]["duration_months"]) == (120000.0, None)
    # the modification's NaN amount is the latest stated one: flagged, never summed as NaN
    assert (got["c"]["amount_initial"], got["c"]["amount"], got["c"]["amount_flag"],
            got["c"]["duration_months"]) == (120000.0, None, "unparsable", 14.0)
    assert con.execute("select sum(amount) from contracts").fetchall() == [(240000.0,)]
    assert [(x["record_no"], x["field"], x["reason"]) for x in rejects(con)] == [
        (1, "montant", "montant : valeur non finie 'NaN', nombre fini attendu"),
        (2, "dureeMois", "durée : valeur non finie 'Infinity', nombre de mois attendu"),
        (2, "offresRecues", "offresRecues : valeur non finie '-Infinity', nombre fini attendu "
                            "(champ non repris dans la base)"),
        (3, "modifications.montant", "montant : valeur non finie 'NaN', nombre fini attendu"),
    ]


def test_number_beyond_the_double_range_in_json_keeps_the_file(tmp_path):
    # ijson fails on 1e400 and on a 30-digit integer when it reads floats: the file used to be
    # refused whole ("JSON invalide"); now those fields are rejected and every record is kept
    text = json.dumps({"marches": [marche_2019(id="a"), marche_2019(id="b", montant=-1),
                                   marche_2019(id="c", dureeMois=-2), marche_2019(id="d")]})
    text = text.replace('"montant": -1', '"montant": 1e400').replace(
        '"dureeMois": -2', '"dureeMois": 123456789012345678901234567890')
    con, res = load(tmp_path, {"a.json": text})
    r = res["a.json"]
    assert (r.n_read, r.n_loaded, r.n_rejected, r.n_duplicates) == (4, 4, 0, 0)
    assert [(x["record_no"], x["field"], x["reason"]) for x in rejects(con)] == [
        (2, "montant", "montant : valeur hors limites (dépassement de capacité) '1E+400', "
                       "nombre fini attendu"),
        (3, "dureeMois", "durée impossible : 123456789012345678901234567890 mois"),   # finite
    ]
    amounts = dict(con.execute("select contract_id, amount from contracts").fetchall())
    assert amounts == {"a": 120000.0, "b": None, "c": 120000.0, "d": 120000.0}


def test_non_finite_values_in_xml(tmp_path):
    xml = ("<marches>"
           + "".join(f"<marche><id>{i}</id><acheteur><id>21590350100017</id></acheteur>"
                     f"<dateNotification>2024-01-05</dateNotification>"
                     f"<lieuExecution><code>59350</code><typeCode>Code commune</typeCode></lieuExecution>"
                     f"<montant>{m}</montant><dureeMois>{d}</dureeMois>{extra}</marche>"
                     for i, m, d, extra in [("a", "NaN", "12", ""), ("b", "1000", "INF", ""),
                                            ("c", "1e400", "12", "<tauxAvance>-inf</tauxAvance><considerationsSociales>"
                                             "<considerationSociale>Clause sociale</considerationSociale>"
                                             "</considerationsSociales>"),
                                            ("d", "1000", "12", "")])
           + "</marches>")
    con, res = load(tmp_path, {"a.xml": xml})
    assert (res["a.xml"].n_loaded, res["a.xml"].n_rejected) == (4, 0)
    assert [(x["record_no"], x["field"], x["reason"].split(",")[0]) for x in rejects(con)] == [
        (1, "montant", "montant : valeur non finie 'NaN'"),
        (2, "dureeMois", "durée : valeur non finie 'INF'"),
        (3, "montant", "montant : valeur hors limites (dépassement de capacité) '1e400'"),
        (3, "tauxAvance", "tauxAvance : valeur non finie '-inf'"),
    ]
    assert con.execute("select count(*) from contracts where amount is not null").fetchall() == [(2,)]


def test_non_finite_values_in_a_tabular_export(tmp_path):
    base = CSV_ROWS[0].split(";")
    header = CSV_HEADER.split(";")

    def row(**cells):
        out = list(base)
        for k, v in cells.items():
            out[header.index(k)] = v
        return ";".join(out)
    # "NaN" used to be read as a missing value and "nan" durations loaded as NaN
    data = csv_bytes([row(id="a", montant="NaN"), row(id="b", montant="inf", dureeMois="nan"),
                      row(id="c", montant="1e400", montantModification="-Infinity", idModification="1"),
                      row(id="d")])
    con, res = load(tmp_path, {"t.csv": data})
    assert (res["t.csv"].n_loaded, res["t.csv"].n_rejected) == (4, 0)
    assert [(x["record_no"], x["field"], x["raw"]) for x in rejects(con)] == [
        (1, "montant", "NaN"), (2, "dureeMois", "nan"), (2, "montant", "inf"),
        (3, "modifications.montant", "-Infinity"), (3, "montant", "1e400")]
    assert con.execute("select contract_id, amount_flag from contracts order by 1").fetchall() == [
        ("a", "unparsable"), ("b", "unparsable"), ("c", "unparsable"), ("d", None)]


def test_bare_nan_outside_numeric_fields_reads_as_missing(tmp_path):
    # the record stays whole: a NaN object or place code is a missing value (as null), not a number
    text = json.dumps({"marches": [marche_2019(objet=float("nan"),
                                               lieuExecution={"code": float("nan"), "typeCode": "Code commune"})]})
    con, res = load(tmp_path, {"a.json": text}, region=None)
    assert res["a.json"].n_loaded == 1
    assert rows(con, "select object, place_code, territory_status from contracts") == [
        {"object": None, "place_code": None, "territory_status": "unknown"}]


# ---- nesting thousands of levels deep ----------------------------------------------------------

def deep_json(n: int) -> str:
    return "[" * n + "]" * n


def test_json_nested_10000_deep_rejects_that_record_and_keeps_the_others(tmp_path):
    good = [json.dumps(marche_2019(id=str(i))) for i in range(4)]
    text = ('{"marches": [' + good[0] + ', {"id": "x", "acheteur": {"id": "21590350100017"}, "objet": '
            + deep_json(10_000) + '}, ' + good[1] + ', ' + deep_json(10_000) + ', ' + good[2]
            + ', ' + good[3] + ']}')
    con, res = load(tmp_path, {"deep.json": text})
    r = res["deep.json"]
    assert (r.n_read, r.n_loaded, r.n_rejected) == (6, 4, 2) and r.reconciles()
    got = rejects(con)
    assert [(x["record_no"], x["field"]) for x in got] == [(2, None), (4, None)]
    assert all(x["reason"].startswith(f"imbrication trop profonde : plus de {MAX_DEPTH} niveaux")
               for x in got)
    assert got[0]["raw"].startswith("{'id': 'x', 'acheteur': {'id': '21590350100017'}, 'objet': [[[")
    assert con.execute("select count(*) from contracts").fetchall() == [(4,)]


def test_json_nested_deep_in_a_2022_file_and_outside_the_records(tmp_path):
    rec = json.dumps(marche_2022())
    text = ('{"entete": ' + deep_json(10_000) + ', "marches": {"marche": [' + rec
            + ', {"id": "y", "titulaires": ' + deep_json(10_000) + '}]}}')
    path = write(tmp_path, "deep.json", text)
    assert detect_format(path).version == "2022"
    con, res = load(tmp_path, {"deep.json": text})
    assert (res["deep.json"].n_loaded, res["deep.json"].n_rejected) == (1, 1)


def test_json_nested_200000_deep_stays_small_in_memory(tmp_path):
    # ijson's prefixed events cost memory in the square of the depth (30 000 levels took 2 GB):
    # the depth is measured first, and a deep file is read without prefixes
    text = '{"marches": [' + json.dumps(marche_2019()) + ', ' + deep_json(200_000) + ']}'
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    con, res = load(tmp_path, {"deep.json": text})
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert (res["deep.json"].n_loaded, res["deep.json"].n_rejected) == (1, 1)
    assert grown_mb < 300


def test_xml_nested_10000_deep_rejects_that_record_and_keeps_the_others(tmp_path):
    def marche(i, inner=""):
        return (f"<marche><id>{i}</id><acheteur><id>21590350100017</id></acheteur>"
                f"<dateNotification>2024-01-05</dateNotification><montant>1000</montant>"
                f"<lieuExecution><code>59350</code><typeCode>Code commune</typeCode></lieuExecution>"
                f"{inner}</marche>")
    deep = "<a>" * 10_000 + "x" + "</a>" * 10_000
    xml = "<marches>" + marche("1") + marche("2", deep) + marche("3") + "</marches>"
    con, res = load(tmp_path, {"deep.xml": xml})
    r = res["deep.xml"]
    assert (r.n_read, r.n_loaded, r.n_rejected) == (3, 2, 1)
    [rej] = rejects(con)
    assert rej["record_no"] == 2 and rej["reason"].startswith("imbrication trop profonde")
    assert rej["raw"].startswith("{'id': '2', 'acheteur'")
    assert con.execute("select contract_id from contracts order by 1").fetchall() == [("1",), ("3",)]


@pytest.mark.parametrize("text, depth", [
    ('{"a": "[[[[{{{{", "b": [1, {"c": []}]}', 4),          # brackets inside strings do not count
    ('{"a": "x\\"[[[[", "b": [1]}', 2),                       # an escaped quote does not end a string
    ('{"a": "x\\\\", "b": [[1]]}', 3),                         # an escaped backslash does
    ('[' * 70 + ']' * 70, 70),
])
def test_depth_scan_ignores_strings(text, depth):
    whole = _DepthScan()
    whole.feed(text.encode())
    assert whole.max_depth == depth
    pieces = _DepthScan()                      # the same, cut into blocks of one byte
    for b in text.encode():
        pieces.feed(bytes([b]))
    assert pieces.max_depth == depth


def test_deep_files_go_through_the_build_without_unexpected_error(tmp_path, capsys):
    folder = tmp_path / "decp"
    folder.mkdir()
    (folder / "a_deep.json").write_text('{"marches": [' + json.dumps(marche_2019(id="j")) + ", "
                                        + deep_json(10_000) + "]}")
    (folder / "b_deep.xml").write_text("<marches>" + "<a>" * 10_000 + "</a>" * 10_000 + "</marches>")
    (folder / "c_nan.json").write_text(json.dumps({"marches": [marche_2019(id="n", montant=float("nan"))]}))
    (folder / "d_ok.csv").write_bytes(csv_bytes())
    db = tmp_path / "obs.duckdb"
    assert build_module.main(["--db", str(db), "--decp", str(folder), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "erreur inattendue" not in err and "Traceback" not in err and "RecursionError" not in err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select source_file, n_read, n_loaded, n_rejected, status from ingest_log "
                       "order by 1").fetchall() == [
        ("a_deep.json", 2, 1, 1, "warnings"), ("b_deep.xml", 1, 0, 1, "warnings"),
        ("c_nan.json", 1, 1, 0, "warnings"), ("d_ok.csv", 2, 2, 0, "ok")]
    assert con.execute("select count(*) from contracts").fetchall() == [(4,)]


# ---- exact copies of rejected records ----------------------------------------------------------

def test_exact_copy_of_a_record_with_a_bad_key_is_a_duplicate_not_a_second_reject(tmp_path):
    bad = marche_2019(id=None)                 # key incomplete: rejected
    other_bad = marche_2019(id=None, objet="Autre objet")
    good = marche_2019()
    con, res = load(tmp_path, {"a.json": {"marches": [bad, dict(bad), good, dict(good), dict(bad),
                                                      other_bad]}})
    r = res["a.json"]
    # 6 read = 1 loaded + 2 rejected (two different records) + 3 duplicates (2 of bad, 1 of good)
    assert (r.n_read, r.n_loaded, r.n_rejected, r.n_duplicates) == (6, 1, 2, 3) and r.reconciles()
    assert [(x["record_no"], x["field"]) for x in rejects(con)] == [(1, "id"), (6, "id")]


def test_rejected_record_copied_in_another_file_and_csv_rows_of_the_wrong_width(tmp_path):
    bad = "73282932000074;SIRET;2024-9;Marché"                         # too few columns
    con, res = load(tmp_path, {"a.json": {"marches": [marche_2019(id=None)]},
                               "b.json": {"marches": [marche_2019(id=None)]},
                               "t.csv": csv_bytes([bad, CSV_ROWS[0], bad])})
    assert (res["a.json"].n_rejected, res["b.json"].n_rejected, res["b.json"].n_duplicates) == (1, 0, 1)
    t = res["t.csv"]
    assert (t.n_read, t.n_loaded, t.n_rejected, t.n_duplicates) == (3, 1, 1, 1)


def test_feed_with_167_exact_duplicates_reports_167(tmp_path):
    # the held-out feed: 167 exact duplicates, one of them of a record whose key is bad
    recs = [marche_2019(id=str(i)) for i in range(166)] + [marche_2019(acheteur={"nom": "X"})]
    con, res = load(tmp_path, {"a.json": {"marches": recs + [dict(r) for r in recs]}}, region=None)
    r = res["a.json"]
    assert (r.n_read, r.n_loaded, r.n_rejected, r.n_duplicates) == (334, 166, 1, 167)


# ---- unit rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["NaN", "nan", "-NaN", "inf", "-inf", "+Infinity", "Infinity", "1e400",
                                 "-1E+400", float("nan"), float("inf"), float("-inf"), 10 ** 400])
def test_non_finite_is_never_a_value_nor_missing(raw):
    amount, flag, reason = N.parse_amount(raw)
    assert (amount, flag) == (None, "unparsable") and reason.startswith("montant : valeur ")
    duration, reason = N.parse_duration(raw)
    assert duration is None and reason.startswith("durée : valeur ")
    assert N.non_finite(raw) is not None


@pytest.mark.parametrize("raw", [None, "", "MQ", "12", 12, 12.5, "45 155,50", "NC", "Marché", 1e17])
def test_ordinary_values_are_not_non_finite(raw):
    assert N.non_finite(raw) is None


def test_xml_nested_beyond_the_stop_depth_keeps_the_records_before(tmp_path):
    # iterparse holds every open element: past 100 000 levels the reading stops, with a reason
    good = ("<marche><id>1</id><acheteur><id>21590350100017</id></acheteur>"
            "<dateNotification>2024-01-05</dateNotification><montant>1000</montant>"
            "<lieuExecution><code>59350</code><typeCode>Code commune</typeCode></lieuExecution></marche>")
    n = XML_STOP_DEPTH + 10
    xml = "<marches>" + good + "<marche><id>2</id>" + "<a>" * n + "</a>" * n + "</marche>" + good + "</marches>"
    con, res = load(tmp_path, {"deep.xml": xml})
    r = res["deep.xml"]
    assert (r.n_read, r.n_loaded, r.n_rejected) == (2, 1, 1) and r.reconciles()
    [rej] = rejects(con)
    assert rej["record_no"] == 2 and rej["raw"].startswith("{'id': '2', 'a': {'a': ")
    assert rej["reason"] == ("imbrication trop profonde : plus de 100\u202f000 niveaux, lecture du fichier "
                             "arrêtée dans cet enregistrement (la suite du fichier n'est pas lue)")
    assert r.warnings[0] == "lecture arrêtée à l'enregistrement 2 : " + rej["reason"]


def test_depth_bounded_reader_reads_what_the_fast_reader_reads(tmp_path):
    # the same 2022 document (lone marché object, concession list, NaN amount) read by both readers
    concession = {"id": "DSP-1", "autoriteConcedante": {"id": "21590350100017"},
                  "nature": "Délégation de service public", "dateSignature": "2024-06-01",
                  "valeurGlobale": float("nan"),
                  "considerationsSociales": {"considerationSociale": ["Concession réservée"]}}
    doc = {"marches": {"marche": marche_2022(), "contrat-concession": [concession]}}
    fast = json.dumps(doc)
    deep = fast.replace('{"marches"', '{"entete": ' + deep_json(MAX_DEPTH + 5) + ', "marches"', 1)
    got = []
    for name, text in [("fast.json", fast), ("deep.json", deep)]:
        con, res = load(tmp_path, {name: text}, region=None)
        got.append((res[name].n_read, res[name].n_loaded,
                    rows(con, "select contract_id, is_concession, amount, social_considerations, "
                              "supplier_sirets from contracts order by 1"),
                    rows(con, "select record_no, field, reason from rejects order by 1")))
    assert got[0] == got[1]
    assert got[0][:2] == (2, 2) and got[0][3][0]["field"] == "valeurGlobale"
