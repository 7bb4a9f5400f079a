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
