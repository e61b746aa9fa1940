# aslrun: every target creates .venv and installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint conformance bench simulate clean

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
