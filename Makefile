# The two commands of the quick start are `make run` and `make test`; both set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SOURCES := bot handlers reception storage
BABEL_KEYWORDS := -k N_ -k ngettext:1,2

.PHONY: run console test lint typecheck migrate extract update-catalogues compile clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

compile: $(STAMP)
	@$(BIN)/pybabel compile --domain messages --directory locales --statistics

migrate: compile
	$(BIN)/python -m bot migrate

run: migrate
	$(BIN)/python -m bot run

console: migrate
	$(BIN)/python -m bot console

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: compile lint typecheck
	$(BIN)/pytest

# Catalogue work: after changing texts, `make extract update-catalogues`, translate, `make compile`.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project=Pryimalnia --copyright-holder="Pryimalnia contributors" \
		-o locales/messages.pot $(SOURCES)

update-catalogues: $(STAMP)
	$(BIN)/pybabel update --domain messages --input-file locales/messages.pot \
		--output-dir locales --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/fill_english.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
