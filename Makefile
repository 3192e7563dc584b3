# Two commands do all the set-up on a fresh machine:
#   make run   - the app with Danish demo data on http://127.0.0.1:5000 (SQLite, tasks in process)
#   make test  - the whole suite (SQLite; PostgreSQL + Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install static translations debian-packages worker beat serve-production clean

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

clean:
	rm -rf $(VENV) node_modules app/static/dkfds
