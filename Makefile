# The two commands of the quick start: `make demo` and `make test`.
# Each does its own set-up, idempotently: the virtualenv, the package, and the Debian
# packages the desk needs (see scripts/system-packages).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUM := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# The demo needs the package alone; the tests need the dev tools and the argos extra.
DEMO_STAMP := $(VENV)/.demo-$(SUM)
TEST_STAMP := $(VENV)/.test-$(SUM)
DEMO_DIR ?= demo-desk
DEMO_SOURCE_PORT ?= 8765
DEMO_PORT ?= 8000

.PHONY: setup setup-dev demo-packages system-packages llama-server test lint typecheck demo screenshots clean

setup: demo-packages $(DEMO_STAMP)

setup-dev: system-packages $(TEST_STAMP)

demo-packages:
	@scripts/system-packages demo

system-packages:
	@scripts/system-packages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package and what it needs to run: a few dozen megabytes, no torch.
$(DEMO_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.demo-*
	touch $@

# The argos extra is CTranslate2 and the packages' tokenizers: no torch, spaCy or stanza.
$(TEST_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev,argos]'
	rm -f $(VENV)/.test-*
	touch $@

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-dev
	$(BIN)/mypy

# llama.cpp's OpenAI-compatible server and a small model, for the tests that drive the
# openai engine against a real server: built once per machine (minutes), then cached.
llama-server: setup-dev
	@scripts/llama-server-wheel $(BIN)/python

test: lint typecheck llama-server
	$(BIN)/python -m pytest -q -n auto

demo: setup
	@du -sm $(VENV) | awk '{print "the virtualenv $(VENV): " $$1 " MB"}'
	@DEMO_DIR=$(DEMO_DIR) DEMO_SOURCE_PORT=$(DEMO_SOURCE_PORT) DEMO_PORT=$(DEMO_PORT) \
		BIN=$(BIN) scripts/demo

# docs/screenshots/*.png, from desks built for the purpose (the tests write none).
screenshots: setup-dev
	$(BIN)/python scripts/desk-screenshots
	$(BIN)/python scripts/post-screenshots

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
