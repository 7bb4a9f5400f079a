"""Clause-execution exports that are large, malformed or mislabelled: streamed reading with capped
cells and columns, per-line decoding, XLSX named .csv, truncated workbooks, bounded log messages."""
from __future__ import annotations

import csv
import io
import random
import tracemalloc
import zipfile
from datetime import date, datetime

import duckdb
import pytest

from pipelines.clauses import ingest_clause_file
from pipelines.clauses import ingest as clause_ingest
from pipelines.clauses import source
from pipelines.context import BuildContext
from pipelines.errors import UnreadableFile
from pipelines.schema import create_all_tables

HEADER = "Identifiant participant;Date de début;Nb heures réalisées;Sexe;Commentaire\n"


@pytest.fixture
def con():
    c = duckdb.connect()
    create_all_tables(c)
    yield c
    c.close()


@pytest.fixture
def ctx(tmp_path):
    return BuildContext(region_code="32", salt_path=tmp_path / "secret" / "salt")


def rows(con, sql):
    return con.execute(sql).fetchall()


def tokenize(data: bytes, delim=";", cap=10**9, max_cols=10**6):
    tok = source._Tokenizer(delim, cap, max_cols)
    return [list(c) for _, c in tok.records(source._Decoder()(source._physical_lines(io.BytesIO(data), b"\n")))]


# --- 1. streaming, capped cells and columns ----------------------------------------------------------

def test_tokenizer_reads_like_the_csv_module_even_across_pieces(monkeypatch):
    # quoted separators, doubled quotes, quoted newlines, stray quotes: same records as Python's csv,
    # also when every physical line comes in pieces of 2 or 3 bytes (how a long line is read)
    rnd = random.Random(3)
    for trial in range(400):
        if trial % 2:
            text = "".join(rnd.choice('ab;"\n é') for _ in range(rnd.randint(0, 40)))
        else:
            buf = io.StringIO(newline="")
            csv.writer(buf, delimiter=";", lineterminator="\n").writerows(
                [["".join(rnd.choice('ab;,"\n é') for _ in range(rnd.randint(0, 8)))
                  for _ in range(rnd.randint(1, 5))] for _ in range(rnd.randint(1, 4))])
            text = buf.getvalue()
        expected = [r or [""] for r in csv.reader(io.StringIO(text, newline=""), delimiter=";")]
        for piece in (2, 3, 1 << 20):
            monkeypatch.setattr(source, "PIECE_BYTES", piece)
            monkeypatch.setattr(source, "CHUNK_BYTES", max(piece, 4) if piece < 100 else 1 << 20)
            assert tokenize(text.encode("utf-8")) == expected, (text, piece)
            # at most 2 cells kept a record, the same records found
            assert tokenize(text.encode("utf-8"), max_cols=2) == [r[:2] for r in expected], (text, piece)


def test_reading_memory_is_bounded_by_a_chunk_not_the_file(tmp_path, monkeypatch):
    from pipelines.bench.clauses import generate_export

    monkeypatch.setattr(source, "CHUNK_BYTES", 1 << 16, raising=False)
    path = tmp_path / "export.csv"
    n = generate_export(path, 5)
    tracemalloc.start()
    try:
        table = source.open_table(path)
        count = sum(1 for _ in table.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == n
    # read whole, the file's text and its rows were held at once (about 10x the file: 50 MB here);
    # streamed, one chunk of 64 KB and the record being read
    assert peak < path.stat().st_size / 10


def test_ingest_keeps_one_batch_and_16_bytes_per_record(ctx, tmp_path, monkeypatch):
    from pipelines.bench.clauses import generate_export

    monkeypatch.setattr(clause_ingest, "BATCH_ROWS", 1000)
    sizes = []
    real = clause_ingest._Batch.flush

    def flush(self):
        sizes.append(len(self.cols["record_no"]))
        real(self)
    monkeypatch.setattr(clause_ingest._Batch, "flush", flush)
    path = tmp_path / "export.csv"
    n = generate_export(path, 1)
    c = duckdb.connect()
    create_all_tables(c)
    r = ingest_clause_file(c, path, ctx)
    assert (r.n_read, r.n_loaded) == (n, n) and n > 5000
    assert max(sizes) == 1000 and sum(sizes) == n          # rows go to DuckDB 1 000 at a time
    assert ctx._clause_fingerprints.arr.nbytes == 16 * n   # the only per-record state kept
    # the same file again in the same build: every record a duplicate
    r2 = ingest_clause_file(c, path, ctx)
    assert (r2.n_read, r2.n_loaded, r2.n_duplicates) == (n, 0, n)


def test_bench_runs_small_and_prints_both_reads_with_their_ratio(capsys):
    from pipelines.bench import clauses as bench

    assert bench.main(["--skip-demo", "--export-mb", "1"]) == 0
    out = capsys.readouterr().out
    raw = next(line for line in out.splitlines() if line.startswith("brute (module csv)"))
    ours = next(line for line in out.splitlines() if line.startswith("nous (ingest_clause_file)"))
    assert raw.split()[-2:] == ["1,0x", "1,0x"]   # the baseline against itself
    assert ours.split()[-1].endswith("x") and "Mo" in ours
    assert "objectif : pic < 1 Go" in out and "tenu" in out


def test_huge_cell_in_an_ignored_column_keeps_every_row(con, ctx, tmp_path, monkeypatch):
    # a 6 MB quoted comment (separators, quotes and newlines inside) between two valid rows, read in
    # pieces of 1 MB: the comment is dropped with a warning, the three rows are loaded
    comment = ('"' + ("bla;bla " * 100 + '""cité""\n') * 7_500 + '"')
    assert len(comment) > 6_000_000
    p = tmp_path / "long.csv"
    p.write_text(HEADER + "P1;01/02/2024;10;F;court\n"
                 + f"P2;02/02/2024;20;M;{comment}\n"
                 + "P3;03/02/2024;30;F;\n", encoding="utf-8")
    tracemalloc.start()
    try:
        r = ingest_clause_file(con, p, ctx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (r.n_read, r.n_loaded, r.n_rejected) == (3, 3, 0)
    assert rows(con, "select record_no, gender, hours_worked from clause_hours order by 1") == [
        (1, "F", 10.0), (2, "M", 20.0), (3, "F", 30.0)]
    [w] = [w for w in r.warnings if "trop longue" in w]
    assert "ligne 2, colonne « Commentaire »" in w and "valeur écartée" in w
    assert "au plus 32\u202f767" in w
    assert peak < len(comment)   # the cell was never held whole (pieces of 1 MB, 32 767 characters kept)


def test_huge_cell_in_a_read_column_rejects_that_field_or_record(con, ctx, tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_CLAUSE_MAX_CELL_CHARS", "1000")
    p = tmp_path / "used.csv"
    p.write_text(HEADER + "P1;01/02/2024;10;" + "F" * 40_000 + ";ok\n"
                 + "P2;01/02/2024;" + "9" * 5_000 + ";M;ok\n"
                 + "P3;01/02/2024;12;M;ok\n", encoding="utf-8")
    r = ingest_clause_file(con, p, ctx)
    # P1 loaded without its sex; P2's hours are a required field: the record is rejected
    assert (r.n_read, r.n_loaded, r.n_rejected) == (3, 2, 1)
    assert rows(con, "select record_no, gender, hours_worked from clause_hours order by 1") == [
        (1, None, 10.0), (3, "M", 12.0)]
    assert rows(con, "select record_no, field, reason from rejects order by 1") == [
        (1, "gender", "sexe : cellule de 40\u202f000 caractères, au plus 1\u202f000 acceptés "
                      "(réglage clause_max_cell_chars) (valeur ignorée)"),
        (2, "hours_worked", "heures réalisées : cellule de 5\u202f000 caractères, au plus 1\u202f000 acceptés "
                            "(réglage clause_max_cell_chars)")]


def test_columns_beyond_the_cap_are_ignored_with_a_reason(con, ctx, tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_CLAUSE_MAX_COLUMNS", "20")
    header = "Identifiant participant;Date de début;Nb heures réalisées;" + ";".join(
        f"Colonne {i}" for i in range(1, 198)) + "\n"
    p = tmp_path / "wide.csv"
    p.write_text(header + "P1;01/02/2024;10\n" + "P2;01/02/2024;11" + ";x" * 500 + "\n", encoding="utf-8")
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_read, r.n_loaded) == (2, 2)
    assert "en-tête de 200 colonnes : seules les 20 premières sont lues (réglage clause_max_columns)" in r.warnings
    [unknown] = [w for w in r.warnings if w.startswith("colonne(s) non reconnue(s)")]
    # 17 unknown columns read: 10 named, then the count
    assert "« Colonne 10 »" in unknown and "« Colonne 11 »" not in unknown and "… et 7 autres" in unknown
    assert any(w.startswith("1 ligne(s) de plus de 20 cellules (jusqu'à 503)") and "ligne(s) 3" in w
               for w in r.warnings)


# --- 2. encodings line by line ----------------------------------------------------------------------

def test_utf8_file_with_one_windows_1252_line_is_decoded_line_by_line(con, ctx, tmp_path):
    head = "Identifiant participant;Nom de l'opération;Date de début;Nb heures réalisées;Sexe;Publics éligibles\n"
    data = (head.encode("utf-8")
            + "P1;Rénovation Lille-Sud;01/02/2024;10;Féminin;Réfugié\n".encode("utf-8")
            + "P2;Réhabilitation Hénin;01/02/2024;12;Féminin;Réfugié\n".encode("cp1252")
            + "P3;Quartier Moulins;01/02/2024;14;Masculin;Sénior\n".encode("utf-8"))
    p = tmp_path / "mixed.csv"
    p.write_bytes(data)
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_read, r.n_loaded, r.n_rejected) == (3, 3, 0)
    assert rows(con, "select operation_name, gender, publics from clause_hours order by record_no") == [
        ("Rénovation Lille-Sud", "F", ["refugee"]), ("Réhabilitation Hénin", "F", ["refugee"]),
        ("Quartier Moulins", "M", ["senior"])]
    assert rows(con, "select count(*) from rejects") == [(0,)]
    [w] = [w for w in r.warnings if "Windows-1252" in w]
    assert "1 ligne(s) en Windows-1252 (ligne(s) 3)" in w   # the physical line, header = line 1


def test_plain_windows_1252_file_is_no_warning(con, ctx, tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes(("Identifiant participant;Date de début;Nb heures réalisées;Sexe\n"
                   "P1;01/02/2024;10;Féminin\n").encode("cp1252"))
    r = ingest_clause_file(con, p, ctx)
    assert (r.n_loaded, r.warnings) == (1, [])


# --- 3. XLSX named .csv, truncated workbooks --------------------------------------------------------

def workbook_bytes(n_rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Matricule", "Date d'entrée", "Heures effectuées", "Commentaire"])
    for i in range(1, n_rows + 1):
        ws.append([f"P{i:05d}", datetime(2024, 1, 2), i, "x" * (i % 40)])
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def test_xlsx_named_csv_is_read_as_xlsx_and_said(con, ctx, tmp_path):
    p = tmp_path / "export.csv"
    p.write_bytes(workbook_bytes(3))
    r = ingest_clause_file(con, p, ctx)
    assert (r.format, r.n_read, r.n_loaded) == ("xlsx", 3, 3)
    assert rows(con, "select hours_worked, start_date from clause_hours order by record_no") == [
        (1.0, date(2024, 1, 2)), (2.0, date(2024, 1, 2)), (3.0, date(2024, 1, 2))]
    assert any(w.startswith("classeur Excel nommé .csv") for w in r.warnings)


def test_zip_that_is_not_a_workbook_is_refused_clearly(con, ctx, tmp_path):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("export.csv", "a;b\n")
    p = tmp_path / "archive.csv"
    p.write_bytes(b.getvalue())
    with pytest.raises(UnreadableFile) as e:
        ingest_clause_file(con, p, ctx)
    assert "classeur Excel nommé .csv illisible : archive ZIP qui n'est pas un classeur XLSX" in str(e.value)


def test_truncated_xlsx_keeps_the_rows_written_before_the_cut(con, ctx, tmp_path):
    data = workbook_bytes(3000)
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])   # a copy stopped half-way: no zip directory, sheet cut
    r = ingest_clause_file(con, p, ctx)
    k = r.n_read
    assert 100 < k < 3000 and (r.n_loaded, r.n_rejected) == (k, 0)
    # exactly the first k rows, in order, whole
    assert rows(con, "select count(*), min(record_no), max(record_no), sum(hours_worked) from clause_hours") == [
        (k, 1, k, k * (k + 1) / 2)]
    assert any(w.startswith("feuille tronquée : archive XLSX incomplète") for w in r.warnings)


def test_truncated_sheet_xml_in_a_whole_zip_keeps_the_rows_before(con, ctx, tmp_path):
    src = zipfile.ZipFile(io.BytesIO(workbook_bytes(200)))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            z.writestr(info.filename, content)
    p = tmp_path / "xmlcut.xlsx"
    p.write_bytes(b.getvalue())
    r = ingest_clause_file(con, p, ctx)
    k = r.n_read
    assert 10 < k < 200 and r.n_loaded == k
    [w] = [w for w in r.warnings if w.startswith("feuille tronquée")]
    assert f"illisible après la ligne de données {k} (XML coupé ou mal formé)" in w


def test_workbook_cut_before_any_row_is_refused_as_truncated(con, ctx, tmp_path):
    data = workbook_bytes(50)
    p = tmp_path / "tiny.xlsx"
    p.write_bytes(data[:1500])
    with pytest.raises(UnreadableFile) as e:
        ingest_clause_file(con, p, ctx)
    assert "feuille tronquée" in str(e.value)


def excel_ordered_workbook(n_rows: int) -> bytes:
    """A workbook as Excel writes it: texts in the shared-strings table, stored after the sheet."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    ooxml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    texts = ["Matricule", "Date début", "Heures réalisées"] + [f"P{i}" for i in range(n_rows)]
    sheet_rows = ['<row r="1">' + "".join(f'<c r="{col}1" t="s"><v>{k}</v></c>' for k, col in enumerate("ABC"))
                  + "</row>"]
    for i in range(n_rows):
        r = i + 2
        sheet_rows.append(f'<row r="{r}"><c r="A{r}" t="s"><v>{i + 3}</v></c><c r="B{r}"><v>45293</v></c>'
                          f'<c r="C{r}"><v>{i + 1}</v></c></row>')
    parts = [
        ("[Content_Types].xml", f'<Types xmlns="{pkg}/content-types"><Default Extension="rels" '
         f'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
         f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{ooxml}.sheet.main+xml"/>'
         f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ooxml}.worksheet+xml"/>'
         f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ooxml}.sharedStrings+xml"/></Types>'),
        ("_rels/.rels", f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
         f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Suivi" sheetId="1" '
         'r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
         f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
         f'Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>'),
        ("xl/sharedStrings.xml", f'<sst xmlns="{main}" count="{len(texts)}" uniqueCount="{len(texts)}">'
         + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>"),
    ]
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(name, text)
    return b.getvalue()


def test_excel_workbook_cut_before_its_shared_texts_is_refused_not_half_read(con, ctx, tmp_path):
    data = excel_ordered_workbook(2000)
    whole = tmp_path / "whole.xlsx"
    whole.write_bytes(data)
    assert ingest_clause_file(con, whole, ctx).n_loaded == 2000   # the fixture is a valid workbook
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 3])   # in the sheet: the shared texts, written after it, are lost
    with pytest.raises(UnreadableFile) as e:
        ingest_clause_file(con, p, ctx)
    assert "feuille tronquée" in str(e.value) and "Error" not in str(e.value)


def test_bad_workbooks_never_end_as_unexpected_errors(tmp_path, capsys):
    from pipelines import build

    data = workbook_bytes(300)
    files = {"named.csv": data, "cut.xlsx": data[: len(data) // 2], "tiny.xlsx": data[:1500],
             "text.xlsx": b"Identifiant participant;Date de d\xc3\xa9but;Nb heures r\xc3\xa9alis\xc3\xa9es\nP1;01/02/2024;3\n"}
    c = duckdb.connect()
    create_all_tables(c)
    ctx = BuildContext(region_code="32", salt_path=tmp_path / "salt")
    summary = build.Summary()
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        build.run_file(c, tmp_path / name, "clauses", ingest_clause_file, ctx, summary)
    log = dict(rows(c, "select source_file, status || ' | ' || coalesce(message, '') from ingest_log"))
    assert "erreur inattendue" not in capsys.readouterr().err
    assert all("inattendue" not in m for m in log.values())
    assert log["named.csv"].startswith("warnings |") and "classeur Excel nommé .csv" in log["named.csv"]
    assert log["cut.xlsx"].startswith("warnings |") and "feuille tronquée" in log["cut.xlsx"]
    assert log["tiny.xlsx"].startswith("failed |") and "feuille tronquée" in log["tiny.xlsx"]
    assert log["text.xlsx"] == "warnings | fichier texte (CSV) nommé .xlsx : lu comme un CSV (renommer le fichier en .csv)"


# --- 4. bounded ingest_log messages -------------------------------------------------------------------

def test_million_unknown_columns_give_a_bounded_log_message(tmp_path):
    from pipelines import build

    header = "Identifiant participant;Date de début;Nb heures réalisées;" + ";".join(
        f"inconnue_{i:07d}" for i in range(1_000_000))
    p = tmp_path / "million.csv"
    p.write_text(header + "\nP1;01/02/2024;3\n", encoding="utf-8")
    assert p.stat().st_size > 15_000_000
    c = duckdb.connect()
    create_all_tables(c)
    summary = build.Summary()
    build.run_file(c, p, "clauses", ingest_clause_file, BuildContext(salt_path=tmp_path / "salt"), summary)
    [(status, n_loaded, message)] = rows(c, "select status, n_loaded, message from ingest_log")
    assert (status, n_loaded) == ("warnings", 1)
    assert len(message) < 4200
    assert "en-tête de 1\u202f000\u202f003 colonnes : seules les 1\u202f000 premières sont lues" in message
    assert "« inconnue_0000009 » … et 987 autres" in message


def test_every_ingest_log_message_is_bounded(tmp_path):
    from pipelines.quarantine import write_ingest_log

    c = duckdb.connect()
    create_all_tables(c)
    now = datetime(2026, 12, 1, 10, 0)
    for kind in ("decp", "clauses", "buyers", "targets"):
        write_ingest_log(c, source_file=f"{kind}.x", sha256=None, kind=kind, result=None, started_at=now,
                         finished_at=now, status="failed", message="« colonne » ; " * 1_000_000)
    lengths = rows(c, "select kind, length(message), message like '%… (%caractères au total)' "
                      "from ingest_log order by kind")
    assert [(k, n <= 4100, cut) for k, n, cut in lengths] == [
        ("buyers", True, True), ("clauses", True, True), ("decp", True, True), ("targets", True, True)]


def test_many_missing_column_names_are_cited_up_to_ten(con, ctx, tmp_path):
    header = "Date de début;Sexe;" + ";".join(f"Inconnue {i}" for i in range(5000)) + "\n"
    p = tmp_path / "nohours.csv"
    p.write_text(header + ";" * 5001 + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as e:
        ingest_clause_file(con, p, ctx)
    msg = str(e.value)
    # 1 000 columns read (the cap), 10 named
    assert "en-têtes lus : « Date de début », « Sexe », « Inconnue 0 »" in msg and "… et 990 autres" in msg
    assert len(msg) < 3000


def test_targets_and_buyers_files_cite_at_most_ten_headers(con, tmp_path):
    from pipelines.buyers import load_buyers_register
    from pipelines.targets import load_targets

    header = ";".join(f"colonne_{i}" for i in range(5000))
    targets, buyers = tmp_path / "objectifs.csv", tmp_path / "acheteurs.csv"
    targets.write_text(header + "\n1;2\n", encoding="utf-8")
    buyers.write_text(header + "\n1;2\n", encoding="utf-8")
    for load in (lambda: load_targets(con, targets), lambda: load_buyers_register(con, buyers)):
        with pytest.raises(UnreadableFile) as e:
            load()
        msg = str(e.value)
        assert "« colonne_9 » … et 4\u202f990 autres" in msg and "colonne_10" not in msg and len(msg) < 1000
