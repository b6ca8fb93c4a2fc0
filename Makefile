# Linli — run `make help` for the targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export LINLI_DATA_DIR ?= $(CURDIR)/data

.DEFAULT_GOAL := help
.PHONY: help demo test lint format bench messages venv clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-9s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/.installed ## create .venv and install Linli with its test tools

demo: venv ## start Linli with a demo community on SQLite at http://127.0.0.1:$(PORT)/
	DEBUG=1 $(BIN)/linli migrate --noinput
	DEBUG=1 $(BIN)/linli demo --if-empty --port $(PORT)
	@# The job worker and the scheduler (imports, reminders, the daily digest, retention) run beside the
	@# web server and stop with it; notifications are written to this terminal (the console channel).
	DEBUG=1 $(BIN)/linli worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/linli runserver 127.0.0.1:$(PORT)

test: venv ## lint, migration check and the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	LINLI_TESTING=1 $(BIN)/linli makemigrations --check --dry-run
	LINLI_TESTING=1 $(BIN)/pytest -q

lint: venv ## ruff lint and format check only
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: venv ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

bench: venv ## benchmarks: pages, ledger import, tally, vote load (PostgreSQL), duty roster
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.votes
	$(BIN)/python -m bench.vote_load
	$(BIN)/python -m bench.roster

messages: venv ## update linli/locale/en from the source strings and compile it (needs gettext)
	cd linli && DJANGO_SETTINGS_MODULE=linli.settings LINLI_TESTING=1 ../$(BIN)/django-admin makemessages \
		--locale en --no-obsolete --add-location file
	cd linli && DJANGO_SETTINGS_MODULE=linli.settings LINLI_TESTING=1 ../$(BIN)/django-admin compilemessages --locale en

clean: ## remove the venv and the local data folder
	rm -rf $(VENV) data
