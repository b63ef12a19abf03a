# The portal's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_WORKERS ?= auto

.PHONY: run dev test test-clock install system-deps migrate demo lint format messages check-deploy worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: system-deps $(VENV)/.installed

system-deps:
	scripts/system-deps.sh

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## Serve the portal at http://127.0.0.1:$(PORT) on the embedded default (SQLite, in-process tasks)
## with gunicorn (several processes; static files collected and served by WhiteNoise).
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	PORT=$(PORT) PORTAL_STATIC_AUTOREFRESH=false $(BIN)/gunicorn portal.wsgi -c gunicorn.conf.py

## Django's reloading development server, for working on the code.
dev: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole test suite; uses DATABASE_URL and REDIS_URL when they are set.
test: install
	scripts/system-deps.sh --test
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

## The whole suite with the machine's clock faked at two awkward instants: 23:30 in Taipei on
## 30 June, and 00:30 on 1 August when the academic year turns. One process: libfaketime does
## not reach pytest-xdist's workers reliably. Only the wall clock is faked: faked monotonic
## clocks break the timed waits of threads (the document sweeper's tests).
test-clock: install
	scripts/system-deps.sh --test
	DONT_FAKE_MONOTONIC=1 faketime -f "@2027-06-30 15:30:00" $(MAKE) test PYTEST_WORKERS=0
	DONT_FAKE_MONOTONIC=1 faketime -f "@2027-07-31 16:30:00" $(MAKE) test PYTEST_WORKERS=0

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh locale/zh_Hant from the source strings, apply the translations kept in
## locale/zh_Hant/*.json, compile, and list what is still untranslated.
messages: install
	$(BIN)/python scripts/translate.py locale/zh_Hant/*.json

## A Celery worker with beat, for running on Redis (REDIS_URL must be set).
worker: install
	$(BIN)/celery -A portal worker -B -l info

check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=portal.example.gov.tw \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## Speed at national scale (PostgreSQL on 127.0.0.1:5432, databases bench_*): see README,
## "Benchmark". BENCH_SCHOOLS=150,1500 by default; writes var/bench/results.md and .json.
bench: install
	$(BIN)/python scripts/bench/run.py

## The deadline-day load at three times the real size for 60 s: var/bench/load.md and .json.
bench-load: install
	$(BIN)/python scripts/bench/load.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
