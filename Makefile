# The two commands: `make demo` and `make test`. Each creates the virtual environment it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The install compiles these with mypyc (setup.py): an edit to one of them reinstalls, which recompiles.
COMPILED_SOURCES := setup.py $(wildcard src/paxvet/match/*.py)
PYTEST := $(BIN)/python -m pytest
export PAXVET_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint typecheck test-unit test-postgres test-browser browser bench migration clean

$(STAMP): pyproject.toml $(COMPILED_SOURCES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/paxvet demo

test: $(STAMP) lint typecheck test-unit test-postgres test-browser

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test-unit: $(STAMP)
	$(PYTEST) -n 2 -m "not postgres and not browser"

test-postgres: $(STAMP)
	$(PYTEST) -n 2 -m postgres

# Debian's Chromium drives the browser tests; installed here when missing (needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test-browser: $(STAMP) browser
	$(PYTEST) -m browser

# Every benchmark at the size of its goal (long: about an hour on 2 cores); each script also runs alone,
# with smaller sizes through its options (bench/README.md).
BENCHES := ingest synth watchlists matcher_quality matcher_speed pipeline links web
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

# Until the first release the schema is one initial migration, regenerated from the models.
migration: $(STAMP)
	$(BIN)/python scripts/regen_initial_migration.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache build
	rm -f src/paxvet/match/*.so src/paxvet_match__mypyc*.so src/paxvet/match/_compiled.json
