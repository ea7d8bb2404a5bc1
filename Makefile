# The two commands of the quick start are `make run` and `make test`; both set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SOURCES := bot handlers reception storage
BABEL_KEYWORDS := -k N_ -k NC_:1c,2 -k ngettext:1,2

LOCK_OPTIONS := --quiet --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: run console test lint typecheck migrate extract update-catalogues compile clean lock wheel

# The exact dependency set the tests passed with (requirements.lock, hashes checked), then the
# project itself, editable, built with the locked setuptools.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: re-resolve both locks (needs PyPI), run the
# tests, commit. requirements-deploy.lock (no dev tools) is what the Docker image installs;
# it is resolved within requirements.lock, so both pin the same versions.
lock: $(STAMP)
	$(BIN)/pip-compile $(LOCK_OPTIONS) --extra dev --extra postgres \
		--output-file requirements.lock pyproject.toml
	$(BIN)/pip-compile $(LOCK_OPTIONS) --extra postgres --constraint requirements.lock \
		--output-file requirements-deploy.lock pyproject.toml

# A wheel in dist/ with the compiled catalogues inside.
wheel: compile
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .

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
