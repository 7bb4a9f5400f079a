"""End to end: `python -m pipelines build`, summary, logs, failures, idempotence, atomic swap."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from decp_helpers import marche_2019, marche_2022
from test_decp_formats import XML_2022, csv_bytes

from pipelines import build as build_module


def run_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "pipelines", "build", "--no-progress", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def make_inputs(base: Path, with_bad=True) -> dict:
    decp = base / "decp"
    decp.mkdir(parents=True)
    (decp / "a_2019.json").write_text(json.dumps({"marches": [
        marche_2019(), marche_2019(), marche_2019(id="2019-002", montant=0),
        marche_2019(id="vendee", lieuExecution={"code": "85000", "typeCode": "Code postal"})]}))
    (decp / "b_2022.xml").write_text(XML_2022)
    (decp / "c_export.csv").write_bytes(csv_bytes())
    if with_bad:
        (decp / "d_truncated.json").write_text('{"marches": [{"id": "1", "acheteur"')
    (decp / "notes.md").write_text("ignored: not a DECP suffix")
    buyers = base / "acheteurs.csv"
    buyers.write_text("siret_ou_siren,name,buyer_type\n"
                      "276200019,Pas-de-Calais Habitat,bailleur social\n"
                      "21590350100017,Ville de Lille,Commune\n"
                      "123,Mauvais identifiant,commune\n", encoding="utf-8")
    return {"decp": decp, "buyers": buyers}


def table(con, sql):
    return con.execute(sql).fetchall()


def test_cli_end_to_end(tmp_path):
    inputs = make_inputs(tmp_path / "in")
    db = tmp_path / "out" / "obs.duckdb"
    proc = run_cli("--db", db, "--decp", inputs["decp"], "--buyers", inputs["buyers"])
    assert proc.returncode == 1                       # one file failed
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("erreur")]
    assert errors == ["erreur : d_truncated.json : fichier illisible, attendu un fichier DECP (JSON "
                      "{\"marches\": ...}, XML <marches>, ou export tabulaire CSV avec les colonnes id, "
                      "acheteur.id, dateNotification...) (JSON tronqué ou invalide après 0 "
                      "enregistrement(s) (parse error: premature EOF))"]
    for name in ("a_2019.json", "b_2022.xml", "c_export.csv", "d_truncated.json", "acheteurs.csv"):
        assert name in proc.stdout
    assert "hors région" in proc.stdout and "notes.md" not in proc.stdout
    assert not list(db.parent.glob("*.building-*"))
    # first build with a failed file: nothing installed, the candidate is kept for inspection
    assert not db.exists()
    kept = list(db.parent.glob("obs.duckdb.failed-*"))
    assert len(kept) == 1
    assert (f"base non remplacée : 1 fichier(s) en échec (--accept-failures pour l'installer quand même) ; "
            f"aucune base installée en {db} (première construction) ; "
            f"base candidate gardée pour inspection : {kept[0]}") in proc.stdout

    con = duckdb.connect(str(kept[0]), read_only=True)
    log = {r[0]: r[1:] for r in table(con, "select source_file, kind, format, n_read, n_loaded, "
                                            "n_rejected, n_duplicates, n_out_of_region, status from ingest_log")}
    # a_2019: 4 records = 2 loaded + 1 duplicate + 1 executed in Vendée (85000 La Roche-sur-Yon)
    # its zero amount is a field reject: the file is loaded with warnings
    assert log["a_2019.json"] == ("decp", "json 2019", 4, 2, 0, 1, 1, "warnings")
    assert "avertissement : a_2019.json : 1 valeur(s) invalide(s) mise(s) en quarantaine" in proc.stderr
    assert log["b_2022.xml"] == ("decp", "xml 2022", 2, 2, 0, 0, 0, "ok")
    # its first row is the contract of b_2022.xml: an exact duplicate across formats
    assert log["c_export.csv"] == ("decp", "csv 2022", 2, 1, 0, 1, 0, "ok")
    assert log["d_truncated.json"][0] == "decp" and log["d_truncated.json"][-1] == "failed"
    # buyers register: 3 rows, 2 loaded, 1 rejected (identifier of 3 digits)
    assert log["acheteurs.csv"] == ("buyers", "csv", 3, 2, 1, 0, 0, "warnings")
    assert len({r[0] for r in table(con, "select sha256 from ingest_log")}) == 5
    assert table(con, "select count(*) from contracts") == [(5,)]
    assert table(con, "select buyer_type, buyer_type_rule from contracts "
                      "where buyer_siret = '27620001900012'") == [("landlord", "register")]
    info = dict(table(con, "select key, value from build_info"))
    assert info["data_label"] == "données réelles" and info["region_code"] == "32"
    assert (info["n_files"], info["n_failed"]) == ("5", "1")
    assert table(con, "select count(*) from rejects where source_file = 'acheteurs.csv'") == [(1,)]


def snapshot(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    out = {
        "contracts": table(con, "select * from contracts order by all"),
        "rejects": table(con, "select * from rejects order by all"),
        "ingest_log": table(con, "select * exclude (started_at, finished_at) from ingest_log order by all"),
        "buyers": table(con, "select * from buyers_register order by all"),
        "build_info": table(con, "select * from build_info where key <> 'built_at' order by all"),
    }
    con.close()
    return out


def test_rebuild_on_same_inputs_gives_same_database(tmp_path, capsys):
    inputs = make_inputs(tmp_path / "in", with_bad=False)
    db = tmp_path / "obs.duckdb"
    args = ["--db", str(db), "--decp", str(inputs["decp"]), "--buyers", str(inputs["buyers"]), "--no-progress"]
    assert build_module.main(args) == 0
    first = snapshot(db)
    assert build_module.main(args) == 0
    assert snapshot(db) == first
    assert len(first["contracts"]) == 5


def test_failing_build_leaves_previous_database(tmp_path, monkeypatch, capsys):
    inputs = make_inputs(tmp_path / "in", with_bad=False)
    db = tmp_path / "obs.duckdb"
    args = ["--db", str(db), "--decp", str(inputs["decp"]), "--no-progress"]
    assert build_module.main(args) == 0
    before = snapshot(db)

    import pipelines.decp as decp

    def boom(con, ctx):
        raise RuntimeError("disk full")
    monkeypatch.setattr(decp, "build_contracts", boom)
    capsys.readouterr()
    assert build_module.main(args) == 1                  # one line, no traceback
    err = capsys.readouterr().err
    assert "erreur : l'étape « regroupement des versions de chaque marché » a échoué (RuntimeError à " in err
    assert "Traceback" not in err
    assert snapshot(db) == before
    assert not list(tmp_path.glob("obs.duckdb.building-*"))
    assert len(list(tmp_path.glob("obs.duckdb.failed-*"))) == 1
    # a failed step is never installed, even with --accept-failures
    assert build_module.main(args + ["--accept-failures"]) == 1
    assert snapshot(db) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO to hold the build mid-way")
def test_killed_build_leaves_previous_database_readable(tmp_path):
    inputs = make_inputs(tmp_path / "in", with_bad=False)
    db = tmp_path / "obs.duckdb"
    assert run_cli("--db", db, "--decp", inputs["decp"]).returncode == 0
    before = snapshot(db)
    fifo = tmp_path / "stuck.json"
    os.mkfifo(fifo)               # reading it blocks: the build stops half-way, temp file written
    proc = subprocess.Popen([sys.executable, "-m", "pipelines", "build", "--no-progress", "--db", str(db),
                             "--decp", str(inputs["decp"]), str(fifo)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not list(tmp_path.glob("obs.duckdb.building-*")) and time.time() < deadline:
            time.sleep(0.1)
        assert list(tmp_path.glob("obs.duckdb.building-*")), "the build never started"
        time.sleep(1.0)
        assert snapshot(db) == before          # a reader sees the old database meanwhile
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert snapshot(db) == before
    # the next build cleans the leftover of the killed one
    assert run_cli("--db", db, "--decp", inputs["decp"]).returncode == 0
    assert not list(tmp_path.glob("obs.duckdb.building-*"))
    assert snapshot(db) == before


def test_demo_marker_labels_the_build(tmp_path, capsys):
    demo = tmp_path / "demo"
    (demo / "decp").mkdir(parents=True)
    (demo / "demo.json").write_text("{}")
    (demo / "decp" / "a.json").write_text(json.dumps({"marches": {"marche": [marche_2022()]}}))
    db = tmp_path / "obs.duckdb"
    assert build_module.main(["--db", str(db), "--decp", str(demo / "decp"), "--no-progress"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    assert table(con, "select value from build_info where key = 'data_label'") == [
        ("données de démonstration",)]


def test_all_regions_and_empty_build(tmp_path, capsys):
    db = tmp_path / "obs.duckdb"
    assert build_module.main(["--db", str(db), "--all-regions", "--no-progress"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    assert table(con, "select value from build_info where key = 'region_code'") == [(None,)]
    assert table(con, "select count(*) from contracts") == [(0,)]
    assert table(con, "select count(*) from ref_communes where region_code = '32'") == [(3782,)]


def test_usage_without_command():
    proc = subprocess.run([sys.executable, "-m", "pipelines"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_records_placed_out_of_region_by_their_buyer_are_logged_so(tmp_path, capsys):
    other = {"id": "44306184100047", "nom": "SARL X"}
    recs = [marche_2019(id="b1", acheteur=other, lieuExecution={"code": "85", "typeCode": "Code département"}),
            marche_2019(id="b2", acheteur=other, lieuExecution={"code": "INO", "typeCode": "Code commune"}),
            marche_2019()]
    (tmp_path / "d.json").write_text(json.dumps({"marches": recs}))
    db = tmp_path / "obs.duckdb"
    assert build_module.main(["--db", str(db), "--decp", str(tmp_path / "d.json"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("d.json"))
    assert line.split()[4:9] == ["3", "1", "0", "0", "2"]   # read, loaded, rejected, duplicates, out of region
    con = duckdb.connect(str(db), read_only=True)
    assert table(con, "select n_read, n_loaded, n_out_of_region from ingest_log") == [(3, 1, 2)]
    assert table(con, "select contract_id from contracts") == [("2019-001",)]


def test_reader_bug_is_one_line_and_other_files_continue(tmp_path, monkeypatch, capsys):
    inputs = make_inputs(tmp_path / "in", with_bad=False)
    import pipelines.decp as decp

    real = decp.ingest_decp_file

    def flaky(con, path, ctx):
        if path.name == "b_2022.xml":
            raise KeyError("oops")
        return real(con, path, ctx)
    monkeypatch.setattr(decp, "ingest_decp_file", flaky)
    db = tmp_path / "obs.duckdb"
    assert build_module.main(["--db", str(db), "--decp", str(inputs["decp"]), "--no-progress",
                              "--accept-failures"]) == 1
    out, err = capsys.readouterr()
    assert f"base écrite malgré 1 fichier(s) en échec (--accept-failures) : {db}" in out
    err = [ln for ln in err.splitlines() if ln.startswith("erreur")]
    assert len(err) == 1 and err[0].startswith("erreur : b_2022.xml : erreur inattendue à la lecture (KeyError à ")
    con = duckdb.connect(str(db), read_only=True)
    assert table(con, "select source_file, status from ingest_log order by 1") == [
        ("a_2019.json", "warnings"), ("b_2022.xml", "failed"), ("c_export.csv", "ok")]


def test_unknown_region_is_refused_and_nothing_written(tmp_path, capsys):
    db = tmp_path / "obs.duckdb"
    assert build_module.main(["--db", str(db), "--region", "99", "--no-progress"]) == 2
    assert "région inconnue '99'" in capsys.readouterr().err
    assert not db.exists() and not list(tmp_path.glob("obs.duckdb.building-*"))


def test_two_inputs_with_the_same_name_are_refused(tmp_path, capsys):
    # logs and rejects name a file by its name: two `export.json` would be confused
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "export.json").write_text(json.dumps({"marches": [marche_2019()]}))
    db = tmp_path / "obs.duckdb"
    code = build_module.main(["--db", str(db), "--no-progress",
                              "--decp", str(tmp_path / "a"), str(tmp_path / "b")])
    assert code == 2
    assert "même nom (export.json)" in capsys.readouterr().err
    assert not db.exists()
