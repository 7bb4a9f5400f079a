#!/bin/sh
# Rebuild the observatory database and swap it in under the running replicas (deploy/README.md).
#
# The build (pipelines/build.py) writes a new file beside OBSERVATOIRE_DB and, only when it
# succeeded, renames it onto OBSERVATOIRE_DB (os.replace: atomic on one file system). A failed
# build leaves the served file untouched. Every replica compares the file's modification time at
# each rerun and opens the new file then: no restart, open sessions keep working.
set -eu
cd "$(dirname "$0")/.."
: "${OBSERVATOIRE_DB:?OBSERVATOIRE_DB (database path) is required}"
: "${OBSERVATOIRE_INPUTS:?OBSERVATOIRE_INPUTS (folder with decp/, clauses/, acheteurs.csv, objectifs.csv) is required}"
PY="${PYTHON:-.venv/bin/python}"
in="$OBSERVATOIRE_INPUTS"

set -- --db "$OBSERVATOIRE_DB" --no-progress
[ -d "$in/decp" ] && set -- "$@" --decp "$in/decp"
[ -d "$in/clauses" ] && set -- "$@" --clauses "$in/clauses"
[ -f "$in/acheteurs.csv" ] && set -- "$@" --buyers "$in/acheteurs.csv"
[ -f "$in/objectifs.csv" ] && set -- "$@" --targets "$in/objectifs.csv"

"$PY" -m pipelines build "$@"   # exits non-zero on failure: nothing swapped

"$PY" - "$OBSERVATOIRE_DB" <<'PYEOF'
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
info = dict(con.execute("select key, value from mart_build_info").fetchall())
print(f"base servie : {sys.argv[1]} construite le {info.get('built_at')} ({info.get('n_files')} fichiers, "
      f"{info.get('data_label')})")
PYEOF

for port in ${OBSERVATOIRE_REPLICAS:-}; do
    if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{sys.argv[1]}/_stcore/health', timeout=5)" "$port" 2>/dev/null; then
        echo "réplique $port : en service (elle lit la nouvelle base à la prochaine interaction)"
    else
        echo "réplique $port : ne répond pas" >&2
    fi
done
