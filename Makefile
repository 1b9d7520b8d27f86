# The two commands a user needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint bench load capacity restore-check browser-deps migrate demo worker clean

install: $(VENV)/.installed

# uv installs the pinned set (constraints.txt) as pip would, in a third of the time (its downloads and
# byte-compiling run in parallel); --compile-bytecode writes the .pyc files pip would have written.
UV_VERSION := 0.13.10
$(VENV)/.installed: pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode -c constraints.txt -e ".[dev]"
	touch $@

migrate: install
	@$(PY) manage.py migrate --noinput -v 0
	@echo "Database up to date."

# Loads the small synthetic demo set once; running it again neither duplicates nor wipes data.
demo: migrate
	@$(PY) manage.py load_demo
	@$(PY) manage.py recompute_metrics
	@$(PY) manage.py load_demo_packs

# The demo turns two-factor authentication off (TWO_FACTOR_REQUIRED=false); production keeps it on.
# DEMO_MODE=true: the sign-in page says where the demo log-ins are. `make run PORT=8080` for another port.
run: demo
	@echo ""
	@echo "Open http://$(HOST):$(PORT)/ and sign in with a demo log-in (password: demo-password, no two-factor code):"
	@echo "  administrator, manager, moderator, auditor, report-officer, partner-agency-auditor, panel-member"
	@echo ""
	@DEMO_MODE=true TWO_FACTOR_REQUIRED=false DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver --skip-checks $(HOST):$(PORT)

# A worker, for when CELERY_BROKER_URL points at Redis.
worker: install
	$(VENV)/bin/celery -A config worker --beat --scheduler django_celery_beat.schedulers:DatabaseScheduler -l info

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The whole suite: unit, worker (real Celery against Redis) and browser (Playwright + chromium) tests, in fresh
# test databases, on two pytest-xdist workers. Each worker has its own test database, Redis database and file
# folders (config/settings_test.py); after any test that empties the tables (live server, real worker,
# transaction=True), tests/conftest.py puts back the rows of the data migrations, so no test depends on the order.
# On PostgreSQL each test database is a copy of a template migrated once and kept for the next run, named by a
# digest of the migrations and what they import (tests/fast_flush_postgresql/creation.py).
# Runs on PostgreSQL when it is reachable on 127.0.0.1:5432 (or wherever DATABASE_URL points).
# It ends with the 25 slowest tests over 3 s (--durations), the list to shorten when the suite grows slow.
# --dist worksteal: a worker that runs out of tests takes half of what the other has left. pytest-django puts
# the transactional tests (live server, real worker) last, and under the default scheduling they all fell to
# one worker, which then ran for a minute after the other had finished.
test: install browser-deps
	@db="$${DATABASE_URL:-$$(scripts/services.sh)}"; \
	echo "Test database: $${db:-SQLite (PostgreSQL not reachable)}"; \
	DATABASE_URL="$$db" $(VENV)/bin/pytest -q -n 2 --dist worksteal --create-db --durations=25 --durations-min=3 $(PYTEST_ARGS)

# Unit tests only, on two xdist workers, reusing the test databases of the last run (pytest-django still applies
# any new migration; after editing an applied migration or an interrupted run, add PYTEST_ARGS=--create-db).
test-fast: install
	$(VENV)/bin/pytest -q -n 2 --dist worksteal --reuse-db -m "not browser and not worker and not fuzz and not slow" $(PYTEST_ARGS)

# mypy keeps its incremental cache outside the checkout, as a CI cache would: a fresh clone checks only what
# changed since the last run on this machine (about 2 s instead of 32). mypy compares each file's hash with
# the cache, so a stale entry is checked again, never trusted.
MYPY_CACHE_DIR ?= $(HOME)/.cache/casetrack/mypy
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	MYPY_CACHE_DIR="$(MYPY_CACHE_DIR)" $(VENV)/bin/mypy
	$(VENV)/bin/bandit -c pyproject.toml -r . -ll -q
	DEBUG=false ALLOWED_HOSTS=casetrack.example.org SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

# Metrics over a million S47 enquiries in a scratch PostgreSQL database (bench_metrics, created and dropped),
# then a 20-page panel report PDF. Prints each figure as `name: value` (a timed one with its goal). Not part
# of `make test`. SCALE=10m: ten million enquiries in bench_10m (filling it takes about an hour; add
# BENCH_ARGS=--keep to keep it, then BENCH_ARGS=--reuse to time it again); SCALE=small: a few dozen children.
SCALE ?= 1m
BENCH_ARGS ?=
bench: install
	@scripts/services.sh >/dev/null
	$(PY) bench/metrics.py --scale $(SCALE) $(BENCH_ARGS)
	$(PY) bench/report_pdf.py
	$(PY) bench/answers_import.py
	$(PY) bench/name_guard.py

# 50 signed-in users for 60 s against gunicorn (DEBUG off), PostgreSQL and Redis, in a scratch database
# (load_test, created and dropped). Prints `name: value` figures; fails on any error. Not part of `make test`.
load: install
	@scripts/services.sh >/dev/null
	$(PY) bench/load.py

# Requests a second each main page carries: gunicorn as in production (WEB_CONCURRENCY workers, default 3), 10
# users with no think time, DURATION seconds a page (default 20), on the demo data and on about a million S47
# enquiries (scratch databases capacity_demo and capacity_1m; REUSE=1 keeps them for the next run). Prints
# capacity_<page>_rps, _p95_ms and _cpu_ms with their goals. SCALE=demo|1m|both (default both). Not in `make test`.
capacity: install
	@scripts/services.sh >/dev/null
	$(PY) bench/capacity.py

# A pg_dump backup (custom format) restores into an identical database: row counts of every table compared.
# A demo database by default (created and dropped); DATABASE_URL=... make restore-check checks a copy of that one.
restore-check: install
	@scripts/services.sh >/dev/null
	$(PY) scripts/restore_check.py $${DATABASE_URL:+--database-url "$$DATABASE_URL"}

clean:
	rm -rf $(VENV) staticfiles var
