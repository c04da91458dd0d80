# Set-up and everyday commands. `make demo` runs the service; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The service's interpreter: the distribution's Python 3 when it is 3.11 or newer, else python3
# from PATH; choose another with PYTHON=... Debian's build answered the questionnaire pages about a
# fifth faster than a plain source build of the same version here (see bench/README.md).
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, sqlite3; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/demo.sqlite3 \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install system assets chromium demo serve test test-postgres lint format bench clean messages

help:
	@echo "make demo           set everything up and serve a demo on http://$(HOST):$(PORT)"
	@echo "make test           install what the tests need; run ruff and the whole test suite"
	@echo "make test-postgres  the same against a throwaway PostgreSQL cluster"
	@echo "make bench          run the benchmarks; results go to bench/results/"
	@echo "make messages       bring the Welsh catalogue up to date with the code and compile it"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5,<1"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

src/together/static/build/app.css: node_modules/.installed scripts/build-assets.mjs $(wildcard src/together/assets/*.scss)
	npm run --silent build

install: $(VENV)/.installed assets system

# The Welsh catalogue: new strings are added (untranslated, for a translator), unused ones dropped,
# and the compiled .mo Django reads is rebuilt. tests/unit/test_welsh_catalogue.py checks all three.
messages: install
	cd src/together && DEBUG=true ../../$(BIN)/together makemessages -l cy --no-obsolete --verbosity 0
	cd src/together && DEBUG=true ../../$(BIN)/together compilemessages -l cy --verbosity 0

system:
	@scripts/ensure-system-packages.sh
assets: src/together/static/build/app.css

chromium:
	@scripts/ensure-chromium.sh

demo: install
	$(DEMO_ENV) $(BIN)/together migrate --verbosity 0
	$(DEMO_ENV) $(BIN)/together framework load frameworks/*.yaml
	$(DEMO_ENV) $(BIN)/together demo --host http://$(HOST):$(PORT)
	$(DEMO_ENV) scripts/serve-with-worker.sh $(BIN) $(HOST):$(PORT)

test: install chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	PG_FAST=1 scripts/with-postgres.sh $(MAKE) test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.results_compute
	$(BIN)/python -m bench.report_pdf
	$(BIN)/python -m bench.import_csv
	$(BIN)/python -m bench.email_queue

clean:
	rm -rf $(VENV) .tools node_modules src/together/static/build var
