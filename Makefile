# The two commands a new developer needs: `make demo` and `make test`.
# Each creates or refreshes the virtual environment on its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_DATA ?= .demo-data
DEMO_PORT ?= 8000

.PHONY: demo demo-report golden test lint typecheck unit schema knowledge system clean safety

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The clinician web app on an embedded SQLite database seeded with the example patients.
demo: $(STAMP)
	$(BIN)/trdkit demo --data-dir $(DEMO_DATA) --port $(DEMO_PORT)

# The examples' text reports, without a server.
demo-report: $(STAMP)
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
	bash scripts/start-postgres.sh >/dev/null
	bash scripts/sekmet-venv.sh >/dev/null
	$(BIN)/pytest -q

test: system lint typecheck unit

schema: $(STAMP)
	$(BIN)/python scripts/write_schema.py

# Rewrite tests/golden/*.json after a deliberate change to what an example's assessment says.
golden: $(STAMP)
	$(BIN)/python scripts/write_golden.py

# The treatment-safety invariants over SAFETY_EXAMPLES generated records (default 10^5), split
# into SAFETY_SHARDS processes with fixed seeds 1..N, so every run with the same settings sees the
# same records (more shards: faster on more cores, other records). The text report is rendered for
# every SAFETY_RENDER_EVERY-th record (it costs over ten times the assessment); the other invariants
# hold on every record. `make unit` runs the same test with a few hundred examples.
SAFETY_EXAMPLES ?= 100000
SAFETY_SHARDS ?= 2
SAFETY_RENDER_EVERY ?= 10
safety: $(STAMP)
	@per=$$(( ($(SAFETY_EXAMPLES) + $(SAFETY_SHARDS) - 1) / $(SAFETY_SHARDS) )); \
	echo "treatment safety: $(SAFETY_SHARDS) x $$per generated records"; \
	start=$$(date +%s); pids=""; \
	for shard in $$(seq 1 $(SAFETY_SHARDS)); do \
	  TRDKIT_SAFETY_EXAMPLES=$$per TRDKIT_SAFETY_SEED=$$shard \
	  TRDKIT_SAFETY_RENDER_EVERY=$(SAFETY_RENDER_EVERY) $(BIN)/pytest -q -p no:cacheprovider \
	    tests/treatment/test_treatment_safety_property.py & pids="$$pids $$!"; \
	done; \
	status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	echo "treatment safety: $$(( $$(date +%s) - start )) s"; exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
