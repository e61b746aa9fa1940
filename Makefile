# aslrun: every target creates .venv and installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: fuzz demo test test-clients lint conformance bench simulate clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aslrun run examples/classroom.asl.json \
		--handlers examples/classroom_handlers.py \
		--input-file examples/classroom.input.json \
		--start 2026-11-30T12:00:00Z

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Real clients against aslrun serve: the AWS CLI (PyPI) and the AWS SDK for JavaScript v2 and
# v3 (npm, into tests/clients/node_modules). The tests skip a client that is not there.
test-clients: $(STAMP)
	$(BIN)/python -m pip install --quiet awscli
	@if command -v npm >/dev/null; then \
		cd tests/clients && npm install --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the Node.js client tests will skip"; fi
	$(BIN)/python -m pytest -q -m clients tests/test_server_clients.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

conformance: $(STAMP)
	$(BIN)/python ../shared/conformance/run.py --group

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

SIM_STAMP := $(VENV)/.simulate-installed

$(SIM_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,simulate]'
	touch $(SIM_STAMP)

# A simulated week of recorded classes (examples/simulate_week.py); needs aslrun[simulate].
simulate: $(SIM_STAMP)
	$(BIN)/python examples/simulate_week.py --plot concurrent_recordings.png

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# Fuzz for issue 9's property (no crash, no hang) for FUZZ_SECONDS; replay a case with
# .venv/bin/python tests/fuzzing.py --seed SEED --case N (both printed).
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= $(shell date +%s)
fuzz: $(STAMP)
	$(BIN)/python tests/fuzzing.py --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED)
