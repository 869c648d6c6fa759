# The two commands of the quick start: `make demo` and `make test`.
# Each does its own set-up, idempotently: the virtualenv, the package, and the Debian
# packages the desk needs (see scripts/system-packages).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DIR ?= demo-desk
DEMO_SOURCE_PORT ?= 8765
DEMO_PORT ?= 8000

.PHONY: setup system-packages test lint typecheck demo screenshots clean

setup: system-packages $(STAMP)

system-packages:
	@scripts/system-packages

# The argos extra pulls torch in (through stanza): its CPU build goes first, since an
# unpinned torch makes pip take a CUDA build of several GB.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,argos]'
	rm -f $(VENV)/.installed-*
	touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q -n auto

demo: setup
	@DEMO_DIR=$(DEMO_DIR) DEMO_SOURCE_PORT=$(DEMO_SOURCE_PORT) DEMO_PORT=$(DEMO_PORT) \
		BIN=$(BIN) scripts/demo

# docs/screenshots/*.png, from a desk built for the purpose (the tests write none).
screenshots: setup
	$(BIN)/python scripts/desk-screenshots

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
