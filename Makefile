# The two commands a new developer needs: `make demo` and `make test`.
# Each creates or refreshes the virtual environment on its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit schema knowledge system clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@for f in examples/*.yaml; do \
	  echo; echo "=== $$f ==="; \
	  $(BIN)/trdkit assess "$$f" --format text || exit $$?; \
	done

system:
	bash scripts/system-packages.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: system lint typecheck unit

schema: $(STAMP)
	$(BIN)/python scripts/write_schema.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
