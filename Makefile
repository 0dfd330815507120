# 执法公示台 — `make run` starts the app with sample data; `make test` runs every test; `make lint` checks style and types.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
PORT ?= 8501
SEED_CASES ?= 5000

.PHONY: help install run test lint bench lock clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned requirements

run: $(STAMP)  ## migrate, seed the sample database if empty, serve on http://localhost:8501
	$(PY) manage.py init
	$(PY) manage.py seed --if-empty --cases $(SEED_CASES)
	$(PY) manage.py serve --port $(PORT)

test: $(STAMP)  ## run the whole test suite (PostgreSQL tests need TEST_DATABASE_URL)
	$(PY) -m pytest -q

lint: $(STAMP)  ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m mypy domain db

bench: $(STAMP)  ## measure speed targets and print the table for docs/performance.md (BENCH_ARGS="--compare-datasette …")
	$(PY) manage.py bench $(BENCH_ARGS)

lock:  ## regenerate requirements.txt from requirements.in in a scratch venv
	rm -rf /tmp/zhifa-lock && $(PYTHON) -m venv /tmp/zhifa-lock
	/tmp/zhifa-lock/bin/pip install -q -r requirements.in
	{ echo "# Full pinned set, generated from requirements.in with: pip freeze (see Makefile 'lock')."; \
	  /tmp/zhifa-lock/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.txt

clean:  ## remove the virtualenv and the local sample database
	rm -rf $(VENV) data
