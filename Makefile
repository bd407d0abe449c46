# PAR Index Workbook. `make help` lists the targets.
# Needs only Python 3.11 and make: the first target that needs the environment creates .venv
# from requirements.lock; later runs reuse it (the stamp file is newer than the lock).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help setup report test lint lab bench validate clean lock synthetic

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned dependencies (only when the lock changed)

report: $(STAMP) ## run every shipped dataset and year (two side by side: 2 cores); writes reports/index.html
	$(BIN)/parlib run --jobs 2
	@echo "Open reports/index.html"

test: $(STAMP) ## run the test suite (unit, property, golden, papermill, browser) on every core
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: $(STAMP) ## ruff (lint and format check) and the import layers; the pre-commit hooks run the same
	$(BIN)/ruff check parlib tests scripts
	$(BIN)/ruff format --check parlib tests scripts
	$(BIN)/lint-imports --config pyproject.toml

validate: $(STAMP) ## check every dataset's inputs without publishing anything
	$(BIN)/parlib validate

lab: report ## open the notebooks in JupyterLab (after a report run, so every notebook has its inputs)
	$(BIN)/jupyter lab notebooks/

synthetic: $(STAMP) ## regenerate the SYNTHETIC datasets from their seeds
	$(BIN)/python scripts/make_synthetic.py
	$(BIN)/python scripts/make_synthetic_2025.py
	$(BIN)/python scripts/make_interim.py

lock: ## re-resolve requirements.lock from pyproject.toml (needs the registry)
	rm -rf /tmp/parlib-lock && $(PYTHON) -m venv /tmp/parlib-lock
	/tmp/parlib-lock/bin/pip install --quiet -e '.[test]'
	(echo "# Every package of the project's environment, pinned (pip freeze of a fresh install on Python 3.11)."; \
	 echo "# Regenerate with: make lock"; \
	 /tmp/parlib-lock/bin/pip freeze --exclude-editable | grep -v -i '^setuptools'; \
	 /tmp/parlib-lock/bin/pip freeze --all | grep -i '^setuptools') > requirements.lock

clean: ## remove build outputs (reports/, data/processed/); raw data are never touched
	rm -rf reports/* data/processed/* && touch reports/.gitkeep data/processed/.gitkeep

bench: $(STAMP) ## benchmark the pipeline against a pandas baseline (several minutes); writes docs/benchmarks.md
	$(BIN)/python scripts/bench.py
