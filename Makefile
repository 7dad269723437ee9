# Two commands for a new user: `make run` and `make test`. Both build .venv/ from the lock file first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check fmt schema lock bench mrp-property fuzz clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv installs the locked set in seconds; pip only bootstraps it (the same pin is in the lock).
	@$(BIN)/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/salesplan migrate
	$(BIN)/salesplan demo --if-empty
	$(BIN)/salesplan serve

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/salesplan export-schema --check schema.graphql
	$(BIN)/python -m api.schema_docs schema.graphql

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: $(STAMP)
	$(BIN)/salesplan export-schema schema.graphql

# Re-pin after editing pyproject.toml dependencies.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements.lock

bench: $(STAMP)
	$(BIN)/python bench/nested_read.py

# The MRP engine against its reference on many more random inputs than CI's 200 (a few minutes).
MRP_PROPERTY_EXAMPLES ?= 5000
mrp-property: $(STAMP)
	MRP_PROPERTY_EXAMPLES=$(MRP_PROPERTY_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit/mrp/test_engine_matches_reference.py

# Generated operations for every role and the partner isolation property, far longer than the
# run in `make test` (5 batches); prints operations, 5xx, uncoded errors and violations per role.
FUZZ_EXAMPLES ?= 60
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/fuzz

clean:
	rm -rf $(VENV) var/*.db var/*.db-*
