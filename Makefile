# Kaohe — every target installs what it needs itself, so a fresh clone works with no other step.
#   make demo    the main job: sets up the venv and embedded database, runs a whole appraisal cycle
#   make test    the whole test suite (unit, property, Spark, browser, SQLite and PostgreSQL, moved clock)
#   make lint    ruff on everything, mypy --strict on the core packages
#   make bench   benchmarks (not tests): KPI computation at scale and the web load test
#   make serve   the web application on http://127.0.0.1:8000

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORE   := $(VENV)/.installed-core
FULL   := $(VENV)/.installed-full
PYTEST := $(BIN)/pytest -p no:cacheprovider
export PYSPARK_PYTHON := $(abspath $(BIN)/python)
export SPARK_LOCAL_IP := 127.0.0.1

.PHONY: demo test test-fast test-dates test-spark test-browser test-postgres lint bench serve sysdeps-demo sysdeps-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Only what the main job needs: the core, the web app, exports.
$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# Everything the test suite needs on top: Spark, PostgreSQL driver, gunicorn, test tools.
$(FULL): pyproject.toml $(CORE)
	$(BIN)/pip install -q -e '.[spark,postgres,serve,test]'
	touch $@

sysdeps-demo:
	scripts/install_system_deps.sh demo

sysdeps-test:
	scripts/install_system_deps.sh test

demo: $(CORE) sysdeps-demo
	$(BIN)/python -m kaohe.demo
	$(BIN)/python -m kaohe.web.demo

test: $(FULL) sysdeps-test lint
	$(PYTEST) -q -n 2 -m "not spark and not browser and not postgres"
	$(PYTEST) -q -m spark
	KAOHE_DB=postgres $(PYTEST) -q -m "not spark and not browser" tests/web tests/api tests/hardening tests/ui tests/reports
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -q -m browser

test-fast: $(FULL)
	$(PYTEST) -q -x -m "not spark and not browser and not postgres"

# No test may depend on today's date: the quick suites again with the machine clock moved by
# Debian's faketime — past the statutory calendar package's last year, and into a year nobody loaded.
TEST_DATES ?= 2026-12-28 2027-06-15
test-dates: $(FULL) sysdeps-test
	@for d in $(TEST_DATES); do \
	  echo "kaohe: the quick suites with the machine clock at $$d"; \
	  faketime "$$d 10:00:00" $(PYTEST) -q -x -n 2 -m "not spark and not browser and not postgres" || exit 1; \
	done

test-spark: $(FULL)
	$(PYTEST) -q -m spark

test-browser: $(FULL) sysdeps-test
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -q -m browser

test-postgres: $(FULL)
	KAOHE_DB=postgres $(PYTEST) -q -m "not spark and not browser" tests/web tests/api tests/hardening tests/ui tests/reports

lint: $(FULL)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(FULL)
	$(BIN)/python bench/run_bench.py
	$(BIN)/python bench/load_bench.py

serve: $(CORE)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py runserver 127.0.0.1:8000

clean:
	rm -rf $(VENV) out var test-artifacts .pytest_cache .mypy_cache .ruff_cache
