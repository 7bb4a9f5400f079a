"""`python -m pipelines fetch decp-consolide --out data/raw/`: download the latest consolidated national
DECP file from its stable data.gouv.fr resource URL.

- Stable URL `https://www.data.gouv.fr/fr/datasets/r/<resource id>` (it redirects to the current
  file), never a dated one.
- Downloaded into `<name>.part` beside the target; an interrupted transfer is resumed with an HTTP
  `Range` request (and `If-Range`, so that a file replaced upstream in the meantime is fetched whole
  again); the size is checked against the announced one; only a complete file replaces the previous
  one (`os.replace`), which is kept until then.
- `<name>.json` beside the file remembers its ETag / Last-Modified / size: the next fetch asks
  `If-None-Match` and says "déjà à jour" when nothing changed.
- Prints what changed: rows and last notification date, before and after.
Every failure (no network, HTTP error, wrong size) is one French line on stderr, exit status 1.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sys
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

DATA_GOUV = "https://www.data.gouv.fr/fr/datasets/r/"
# data.gouv.fr dataset 608c055b35eb4e6ee20eb325, "Données essentielles de la commande publique
# consolidées (format tabulaire)": stable resource ids
RESOURCES = {
    "parquet": ("11cea8e8-df3e-4ed1-932b-781e2635e432", "decp.parquet"),
    "csv": ("22847056-61df-452d-837d-8b8ceadbfc52", "decp.csv"),
}
CHUNK = 1 << 20
USER_AGENT = "observatoire-clauses-sociales/0.1 (+python urllib)"


class FetchError(Exception):
    """One line for the user."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m pipelines fetch",
                                description="Télécharge la dernière version d'un fichier de référence.")
    p.add_argument("what", choices=["decp-consolide"], help="decp-consolide : DECP consolidées nationales")
    p.add_argument("--out", default="data/raw", help="dossier de destination (défaut : data/raw)")
    p.add_argument("--format", choices=sorted(RESOURCES), default="parquet",
                   help="parquet (≈ 240 Mo, défaut) ou csv (≈ 2,5 Go)")
    p.add_argument("--url", help="autre adresse (miroir) ; défaut : la ressource stable de data.gouv.fr")
    p.add_argument("--timeout", type=float, default=60.0, help="délai réseau en secondes (défaut : 60)")
    return p.parse_args(argv)


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _read_meta(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_meta(path: Path, meta: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _total_size(resp) -> int | None:
    """Announced size of the whole file (Content-Range of a 206, Content-Length of a 200)."""
    if resp.status == 206:
        cr = resp.headers.get("Content-Range", "")
        total = cr.rsplit("/", 1)[-1] if "/" in cr else ""
        return int(total) if total.isdigit() else None
    length = resp.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def download(url: str, target: Path, timeout: float = 60.0, log=print) -> bool:
    """Download url into target (resuming target.part). True when a new file was written, False when
    the server says the current one is up to date. Raises FetchError."""
    part = target.with_name(target.name + ".part")
    part_meta = _read_meta(_meta_path(part))
    current_meta = _read_meta(_meta_path(target)) if target.exists() else {}
    offset = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": USER_AGENT}
    validator = part_meta.get("etag") or part_meta.get("last_modified")
    if offset and validator:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = validator
    else:
        offset = 0
        if current_meta.get("etag"):
            headers["If-None-Match"] = current_meta["etag"]
        elif current_meta.get("last_modified"):
            headers["If-Modified-Since"] = current_meta["last_modified"]
    req = urllib.request.Request(url, headers=headers)
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return False
        if exc.code == 416 and offset:        # the partial file is already whole, or stale
            part.unlink(missing_ok=True)
            _meta_path(part).unlink(missing_ok=True)
            raise FetchError(f"reprise refusée par le serveur (HTTP 416) pour {url} : fichier partiel "
                             f"supprimé, relancez la commande") from exc
        raise FetchError(f"le serveur répond HTTP {exc.code} ({exc.reason}) pour {url} ; "
                         f"fichier précédent conservé") from exc
    except (urllib.error.URLError, socket.timeout, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"pas d'accès réseau à {url} ({reason}) ; fichier précédent conservé") from exc
    with resp:
        if resp.status == 200:
            offset = 0                        # no resume (new file upstream or no Range support)
        total = _total_size(resp)
        meta = {"url": url, "final_url": resp.geturl(), "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"), "size": total}
        if resp.status == 206 and part_meta.get("size") not in (None, total):
            part.unlink(missing_ok=True)
            _meta_path(part).unlink(missing_ok=True)
            raise FetchError(f"taille annoncée changée ({part_meta.get('size')} puis {total} octets) : "
                             f"fichier partiel supprimé, relancez la commande")
        _write_meta(_meta_path(part), meta)
        if offset:
            log(f"reprise du téléchargement à l'octet {offset}")
        received = offset
        try:
            with open(part, "ab" if offset else "wb") as f:
                while True:
                    block = resp.read(CHUNK)
                    if not block:
                        break
                    f.write(block)
                    received += len(block)
        except (OSError, socket.timeout, http.client.HTTPException) as exc:
            raise FetchError(f"transfert interrompu après {received} octets ({exc.__class__.__name__}) ; "
                             f"relancez la commande pour reprendre ; fichier précédent conservé") from exc
    size = part.stat().st_size
    if total is not None and size != total:
        if size > total:
            part.unlink(missing_ok=True)
            _meta_path(part).unlink(missing_ok=True)
        raise FetchError(f"taille incorrecte : {size} octets reçus, {total} annoncés"
                         + ("" if size > total else " ; relancez la commande pour reprendre")
                         + " ; fichier précédent conservé")
    meta["size"] = size
    meta["fetched_at"] = datetime.now().isoformat(timespec="seconds")
    os.replace(part, target)
    _write_meta(_meta_path(target), meta)
    _meta_path(part).unlink(missing_ok=True)
    return True


def summarise(path: Path) -> tuple[int, object] | None:
    """(rows, last notification date) of a consolidated file, read with DuckDB; None if unreadable."""
    import duckdb

    p = "'" + str(path).replace("'", "''") + "'"
    source = (f"read_parquet({p})" if _is_parquet(path) else
              f"read_csv({p}, header = true, delim = ',', quote = '\"', all_varchar = true)")
    try:
        con = duckdb.connect()
        n, last = con.execute(f"select count(*), max(try_cast(dateNotification as date)) from {source}"
                              ).fetchall()[0]
        con.close()
        return n, last
    except duckdb.Error:
        return None


def _is_parquet(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PAR1"


def _describe(s: tuple | None) -> str:
    from dashboard import formatting as fmt

    if s is None:
        return "illisible"
    return f"{fmt.integer(s[0])} lignes, dernière notification {fmt.date(s[1])}"


def fetch(args: argparse.Namespace, log=print) -> int:
    resource, name = RESOURCES[args.format]
    url = args.url or DATA_GOUV + resource
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / name
    before = summarise(target) if target.exists() else None
    try:
        changed = download(url, target, args.timeout, log)
    except FetchError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    if not changed:
        log(f"{target} : déjà à jour ({_describe(before)})")
        return 0
    after = summarise(target)
    if after is None:
        print(f"erreur : {target} téléchargé mais illisible par DuckDB", file=sys.stderr)
        return 1
    if before is None:
        log(f"{target} : nouveau fichier, {_describe(after)}")
    else:
        from dashboard import formatting as fmt

        delta = after[0] - before[0]
        log(f"{target} : {_describe(after)} (avant : {_describe(before)} ; "
            f"{'+' if delta >= 0 else '−'}{fmt.integer(abs(delta))} lignes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    return fetch(parse_args(list(sys.argv[1:] if argv is None else argv)))
