# Two commands do all the set-up on a fresh machine:
#   make run   -> virtualenv + dependencies, demo data, database build, dashboard on http://localhost:8501
#   make test  -> virtualenv + test dependencies (Debian's chromium included), linter (ruff.toml), whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/observatoire.duckdb
DEMO   := data/demo
PORT   ?= 8501

.PHONY: run test venv venv-dev chromium pdf-libs demo build bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# WeasyPrint (the committee report's PDF) needs Debian's pango, harfbuzz and fonts; installed when
# pango's shared library is missing
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-liberation
pdf-libs:
	@dpkg -s libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null 2>&1 || { \
	  echo "Installing Debian's pango, harfbuzz and fonts for the PDF report (WeasyPrint)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_DEBS) >/dev/null; }

# The demo is regenerated when the generator changes, the database when its inputs or the code
# that builds it change (the build writes a new file and swaps it in atomically).
DEMO_CODE  := $(wildcard pipelines/demo/*.py)
BUILD_CODE := $(wildcard pipelines/*.py pipelines/decp/*.py pipelines/clauses/*.py sql/*/*.sql data/reference/*)

$(DEMO)/demo.json: $(VENV)/.installed $(DEMO_CODE)
	rm -rf $(DEMO)
	$(PY) -m pipelines demo --out $(DEMO)

$(DB): $(DEMO)/demo.json $(BUILD_CODE)
	$(PY) -m pipelines build --db $(DB) --decp $(DEMO)/decp --clauses $(DEMO)/clauses \
	  --buyers $(DEMO)/acheteurs.csv --targets $(DEMO)/objectifs.csv

demo: $(DEMO)/demo.json
build: $(DB)

run: pdf-libs build
	OBSERVATOIRE_DB=$(DB) $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

test: venv-dev chromium pdf-libs
	$(PY) -m ruff check .
	$(PY) -m pytest -q

bench: venv-dev
	$(PY) -m pipelines.bench all

clean:
	rm -rf $(VENV) $(DEMO) $(DB) $(DB).lock $(DB).failed-*
