# Huzhu 互助 — the two commands a newcomer needs:
#   make serve   create .venv, install, migrate SQLite, load demo data on first run, serve :8000 + worker
#   make test    install dev dependencies and run the whole suite
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
# pip on some machines warns about configured local package folders that do not exist
QUIET := 2>&1 | { grep -v "^WARNING: Location" || true; }

.PHONY: serve test install dev lint format types check messages openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e . $(QUIET)
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[dev]' $(QUIET)
	@touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

serve: $(VENV)/.installed
	$(BIN)/huzhu serve

test: $(VENV)/.installed-dev
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

types: $(VENV)/.installed-dev
	$(BIN)/mypy huzhu config

messages: $(VENV)/.installed-dev
	$(BIN)/huzhu makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=scripts --ignore=docs --no-obsolete
	$(BIN)/huzhu compilemessages --ignore=.venv

openapi: $(VENV)/.installed-dev
	$(BIN)/huzhu openapi_snapshot

clean:
	rm -rf $(VENV) var
