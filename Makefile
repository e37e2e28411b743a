# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install check test run messages clean bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Lint, format, architecture and migrations: the checks every commit passes.
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

test: check
	@# The compiled catalogues are committed; recompile when gettext is here, so they match the .po files.
	@if command -v msgfmt >/dev/null && [ -n "$$(find . -path ./.venv -prune -o -name '*.po' -print -quit)" ]; then \
		$(PY) manage.py compilemessages --ignore=.venv -v0; fi
	$(BIN)/pytest $(PYTEST_ARGS)

# The portal with demo data on the embedded default (SQLite, in-process tasks),
# plus the acquirer host simulator. With REDIS_URL set, a Celery worker and beat too.
run: install
	$(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py seed_demo
	DJANGO_DEBUG=true $(BIN)/honcho -f Procfile.dev start $(if $(REDIS_URL),,web acquirer fleet)

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Speed against the floor (docs/benchmarks.md). Needs DATABASE_URL on a PostgreSQL server (the
# bench makes databases of its own beside it), redis-server, and wrk for the figures under load.
# SIZES: applications per database; "1000 100000" also prints the ratio of the two.
SIZES ?= 1000 100000
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || \
		echo "wrk is not installed (apt-get install wrk): the figures under load are skipped"
	$(PY) scripts/bench.py --sizes "$(SIZES)" $(BENCH_ARGS)
