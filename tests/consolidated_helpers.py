"""Build consolidated national DECP files (decp-processing's decp.parquet / decp.csv) in code:
one row per contract x titulaire x modification, every column of the schema the reader uses."""
from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.decp.consolidated import OPTIONAL, REQUIRED

# columns with a type other than text in the published parquet file
TYPES = {"montant": pa.float64(), "dureeMois": pa.int64(), "modification_id": pa.int64(),
         "donneesActuelles": pa.bool_(), "dateNotification": pa.date32(), "datePublicationDonnees": pa.date32()}
EXTRA = ("titulaire_nom", "sourceDataset")  # present in the real file, not read


def row(**values) -> dict:
    """A consolidated row with sensible defaults (a Lille contract, one titulaire, initial data)."""
    base = {
        "uid": None, "id": "2024-001", "nature": "Marché", "acheteur_id": "21590350100017",
        "acheteur_nom": "COMMUNE DE LILLE", "titulaire_id": "40483304800022",
        "titulaire_typeIdentifiant": "SIRET", "titulaire_nom": "BTP NORD", "objet": "Travaux de voirie",
        "montant": 100000.0, "codeCPV": "45233140", "procedure": "Procédure adaptée", "techniques": None,
        "dureeMois": 12, "dateNotification": "2024-03-01", "datePublicationDonnees": "2024-03-10",
        "considerationsSociales": "Clause sociale", "lieuExecution_code": "59350",
        "lieuExecution_typeCode": "Code commune", "modification_id": 0, "donneesActuelles": True,
        "montant_anomalie": None, "montant_anomalie_raisons": None, "titulaire_labels": None,
        "acheteur_categorie": None, "acheteur_commune_code": "59350", "acheteur_departement_code": "59",
        "sourceDataset": "decp_aife",
    }
    base.update(values)
    if base["uid"] is None and base["acheteur_id"] and base["id"]:
        base["uid"] = f"{base['acheteur_id']}{base['id']}"
    return base


def columns(drop=()) -> list[str]:
    return [c for c in (*REQUIRED, *OPTIONAL, *EXTRA) if c not in drop]


def write_parquet(path: Path, rows: list[dict], drop=(), integer_ids: bool = False) -> Path:
    """decp.parquet; `integer_ids` writes acheteur_id / titulaire_id / lieuExecution_code as
    integers, as the schema declares them (leading zeros lost)."""
    import datetime as dt

    fields, arrays = [], []
    for c in columns(drop):
        values = [r.get(c) for r in rows]
        typ = TYPES.get(c, pa.string())
        if integer_ids and c in ("acheteur_id", "titulaire_id", "lieuExecution_code"):
            typ = pa.int64()
            values = [int(v) if v not in (None, "") and str(v).isdigit() else None for v in values]
        if typ == pa.date32():
            values = [dt.date.fromisoformat(v) if v else None for v in values]
        fields.append(pa.field(c, typ))
        arrays.append(pa.array(values, type=typ))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path, compression="zstd")
    return path


def write_csv(path: Path, rows: list[dict], drop=()) -> Path:
    """decp.csv: `,` separator, UTF-8, booleans as true/false, null as an empty field."""
    cols = columns(drop)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            out = []
            for c in cols:
                v = r.get(c)
                out.append("" if v is None else ("true" if v is True else "false" if v is False else v))
            w.writerow(out)
    return path
