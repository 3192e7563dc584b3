# Two commands do all the set-up on a fresh machine:
#   make run   - the app with Danish demo data on http://127.0.0.1:5000 (SQLite, tasks in process)
#   make test  - the whole suite (SQLite; PostgreSQL + Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set)
# and for the benchmarks (bench/README.md):
#   make bench-smoke - every benchmark at smoke size on fresh PostgreSQL databases (CI runs it)
#   make bench       - how to run each full benchmark
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install static translations debian-packages worker beat serve-production clean \
	bench bench-install bench-smoke

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

app/static/dkfds/css/dkfds.min.css: package.json package-lock.json
	scripts/build_static.sh

static: app/static/dkfds/css/dkfds.min.css translations

translations: $(STAMP)
	$(BIN)/pybabel compile -d app/translations

run: install static
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

debian-packages:
	scripts/debian_packages.sh

# Two processes (pytest-xdist); each browser file stays on one of them (tests/conftest.py groups them).
TEST_JOBS ?= 2
test: debian-packages install static
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A wsgi:celery_app worker --loglevel=INFO

beat: install
	$(BIN)/celery -A wsgi:celery_app beat --loglevel=INFO

serve-production: install static
	$(BIN)/gunicorn --workers 4 --bind 0.0.0.0:8000 wsgi:app

# The benchmarks' own environment: the app's requirements plus the peer renderers they compare with.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_REQUIREMENTS := requirements.txt $(wildcard bench/requirements.txt)

# It sees the app's .venv through a .pth file, so pip adds only the peers (and what they need beyond ours).
$(BENCH_STAMP): $(BENCH_REQUIREMENTS) $(STAMP)
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BIN)/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" > \
	    "$$($(BENCH_VENV)/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")/app-venv.pth"
	$(BENCH_VENV)/bin/pip install --quiet $(addprefix -r ,$(BENCH_REQUIREMENTS))
	touch $(BENCH_STAMP)

bench-install: $(BENCH_STAMP)

# Every benchmark at smoke size (seconds each), so none of them can rot: fresh PostgreSQL databases with
# unique names, dropped afterwards; the first non-zero exit fails the target.
PG_HOST ?= 127.0.0.1
PG_USER ?= postgres
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
bench-smoke: install bench-install
	@set -eu; \
	prefix="bench_smoke_$$(date +%s)_$$$$"; \
	trap 'for db in queue queue_small booking letters api; do \
	        dropdb -h $(PG_HOST) -U $(PG_USER) --if-exists "$${prefix}_$$db" >/dev/null 2>&1 || true; done' EXIT; \
	for db in queue queue_small booking letters api; do createdb -h $(PG_HOST) -U $(PG_USER) "$${prefix}_$$db"; done; \
	url="postgresql://$(PG_USER)@$(PG_HOST):5432/$$prefix"; \
	echo "== queue"; \
	BENCH_DATABASE_URL="$${url}_queue" $(BIN)/python bench/queue_benchmark.py --reset --smoke; \
	echo "== booking"; \
	BENCH_DATABASE_URL="$${url}_booking" $(BIN)/python bench/booking_benchmark.py --reset --smoke; \
	echo "== letters"; \
	BENCH_DATABASE_URL="$${url}_letters" BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
	    $(BIN)/python bench/letters_benchmark.py --reset --smoke; \
	echo "== render"; \
	$(BENCH_VENV)/bin/python bench/render_benchmark.py --smoke; \
	echo "== api"; \
	BENCH_DATABASE_URL="$${url}_api" $(BIN)/python bench/api_benchmark.py --reset --smoke; \
	echo "== startup"; \
	$(BIN)/python bench/startup_benchmark.py --smoke

bench:
	@echo "Full benchmarks (minutes each; each needs a PostgreSQL database of its own, emptied by --reset):"
	@echo "  createdb -h $(PG_HOST) -U $(PG_USER) fs_bench  # then, one at a time:"
	@echo "  BENCH_DATABASE_URL=postgresql://$(PG_USER)@$(PG_HOST):5432/fs_bench $(BIN)/python bench/queue_benchmark.py --reset"
	@echo "  BENCH_DATABASE_URL=postgresql://$(PG_USER)@$(PG_HOST):5432/fs_bench $(BIN)/python bench/booking_benchmark.py --reset"
	@echo "  BENCH_DATABASE_URL=postgresql://$(PG_USER)@$(PG_HOST):5432/fs_bench BENCH_REDIS_URL=$(BENCH_REDIS_URL) \\"
	@echo "      $(BIN)/python bench/letters_benchmark.py --reset"
	@echo "  make bench-install && $(BENCH_VENV)/bin/python bench/render_benchmark.py"
	@echo "  BENCH_DATABASE_URL=postgresql://$(PG_USER)@$(PG_HOST):5432/fs_bench $(BIN)/python bench/api_benchmark.py --reset"
	@echo "  $(BIN)/python bench/startup_benchmark.py"
	@echo "Each prints its RATIO lines last. Smoke-size run of all of them: make bench-smoke"

clean:
	rm -rf $(VENV) $(BENCH_VENV) node_modules app/static/dkfds
