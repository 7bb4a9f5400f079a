"""`python -m pipelines fetch decp-consolide`: against a local HTTP server on 127.0.0.1 started by the
test (complete, interrupted then resumed, 404, wrong size, no network)."""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from consolidated_helpers import row, write_parquet
from pipelines.__main__ import main as pipelines_main


class Server:
    """Serves `content` at /r/decp with an ETag; honours Range + If-Range and If-None-Match.
    mode: normal, cut (announces the whole size, sends `cut` bytes, closes), 404, total (a 206 whose
    Content-Range announces another total)."""

    def __init__(self):
        self.content = b""
        self.etag = '"v1"'
        self.mode = "normal"
        self.cut = 0
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(dict(self.headers))
                if server.mode == "404":
                    self.send_error(404, "Not Found")
                    return
                if self.path == "/r/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/files/decp-2026-12-01.parquet")
                    self.end_headers()
                    return
                data, start = server.content, 0
                if self.headers.get("If-None-Match") == server.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                rng = self.headers.get("Range")
                if rng and self.headers.get("If-Range", server.etag) == server.etag:
                    start = int(rng.split("=")[1].split("-")[0])
                    total = len(data) + (7 if server.mode == "total" else 0)
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{total}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", server.etag)
                self.end_headers()
                if server.mode == "cut":
                    self.wfile.write(body[: server.cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/r/decp"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def parquet_bytes(tmp_path, n_rows: int, last: str = "2024-06-10") -> bytes:
    rows = [row(id=f"C{i}") for i in range(n_rows - 1)] + [row(id="LAST", dateNotification=last)]
    return write_parquet(tmp_path / f"src-{n_rows}.parquet", rows).read_bytes()


def fetch(out, url, *extra):
    return pipelines_main(["fetch", "decp-consolide", "--out", str(out), "--url", url, "--timeout", "5", *extra])


def test_complete_then_up_to_date(tmp_path, server, capsys):
    server.content = parquet_bytes(tmp_path, 3)
    out = tmp_path / "raw"
    assert fetch(out, server.url) == 0
    assert (out / "decp.parquet").read_bytes() == server.content
    assert not (out / "decp.parquet.part").exists()
    assert capsys.readouterr().out.strip() == (
        f"{out / 'decp.parquet'} : nouveau fichier, 3 lignes, dernière notification 10/06/2024")
    assert fetch(out, server.url) == 0                     # If-None-Match: nothing to download
    assert server.requests[-1].get("If-None-Match") == '"v1"'
    assert "déjà à jour (3 lignes" in capsys.readouterr().out


def test_redirect_of_the_stable_url_is_followed(tmp_path, server):
    server.content = parquet_bytes(tmp_path, 2)
    out = tmp_path / "raw"
    assert fetch(out, server.url.replace("/r/decp", "/r/redirect")) == 0
    assert (out / "decp.parquet").read_bytes() == server.content


def test_interrupted_then_resumed_keeps_previous_file(tmp_path, server, capsys):
    out = tmp_path / "raw"
    server.content = parquet_bytes(tmp_path, 2, last="2024-05-01")
    assert fetch(out, server.url) == 0
    previous = (out / "decp.parquet").read_bytes()
    capsys.readouterr()
    server.content, server.etag = parquet_bytes(tmp_path, 5, last="2024-11-20"), '"v2"'
    server.mode, server.cut = "cut", len(server.content) // 2
    assert fetch(out, server.url) == 1
    err = capsys.readouterr().err.strip().splitlines()
    # the size check tells the transfer was cut
    assert err == [f"erreur : taille incorrecte : {server.cut} octets reçus, {len(server.content)} annoncés ; "
                   "relancez la commande pour reprendre ; fichier précédent conservé"]
    assert (out / "decp.parquet").read_bytes() == previous           # kept until the new one is complete
    assert (out / "decp.parquet.part").stat().st_size == server.cut
    server.mode = "normal"
    assert fetch(out, server.url) == 0
    assert server.requests[-1]["Range"] == f"bytes={server.cut}-" and server.requests[-1]["If-Range"] == '"v2"'
    assert (out / "decp.parquet").read_bytes() == server.content
    assert not (out / "decp.parquet.part").exists()
    assert capsys.readouterr().out.strip().endswith(
        "5 lignes, dernière notification 20/11/2024 (avant : 2 lignes, dernière notification 01/05/2024 ; "
        "+3 lignes)")


def test_404_one_line_previous_kept(tmp_path, server, capsys):
    out = tmp_path / "raw"
    out.mkdir()
    (out / "decp.parquet").write_bytes(b"old")
    server.mode = "404"
    assert fetch(out, server.url) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"erreur : le serveur répond HTTP 404 (Not Found) pour {server.url} ; fichier précédent conservé"]
    assert (out / "decp.parquet").read_bytes() == b"old"


def test_wrong_size_on_resume(tmp_path, server, capsys):
    out = tmp_path / "raw"
    server.content = parquet_bytes(tmp_path, 4)
    server.mode, server.cut = "cut", 100
    assert fetch(out, server.url) == 1
    capsys.readouterr()
    server.mode = "total"                 # the resumed transfer announces another total size
    assert fetch(out, server.url) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "taille annoncée changée" in err[0]
    assert not (out / "decp.parquet").exists() and not (out / "decp.parquet.part").exists()
    server.mode = "normal"                # the next run starts over and completes
    assert fetch(out, server.url) == 0
    assert (out / "decp.parquet").read_bytes() == server.content


def test_no_network_one_line(tmp_path, capsys):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                             # nothing listens there any more
    assert fetch(tmp_path / "raw", f"http://127.0.0.1:{port}/r/decp") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("erreur : pas d'accès réseau à http://127.0.0.1:")


def test_default_url_is_the_stable_resource():
    from pipelines.fetch import DATA_GOUV, RESOURCES

    assert DATA_GOUV == "https://www.data.gouv.fr/fr/datasets/r/"
    assert RESOURCES["parquet"] == ("11cea8e8-df3e-4ed1-932b-781e2635e432", "decp.parquet")
