# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

.PHONY: run test lint format bench install messages translations migrate demo check clean

run: install messages migrate demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install messages
	$(PY) bench/run.py

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Compile the Czech catalogue (not the ~1,200 .po files inside the venv).
messages: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=static > /dev/null

# Refresh locale/cs from the source strings; then translate what is new in django.po.
translations: install
	$(MANAGE) makemessages --locale=cs --ignore=.venv --ignore=static --ignore=staticfiles --no-obsolete

migrate: install
	$(MANAGE) migrate --no-input

demo: install
	$(MANAGE) seed_demo

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
