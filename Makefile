# Two entry points for a new user: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# Use the project's shared offline NLTK data when it is next to the checkout; otherwise NLTK's
# default locations (the setup step fills them with NLTK's own downloader).
SHARED_NLTK := $(abspath ../shared/nltk_data)
ifneq ($(wildcard $(SHARED_NLTK)),)
export NLTK_DATA ?= $(SHARED_NLTK)
endif
# Training corpus for the entity recogniser, when the shared data is next to the checkout.
SHARED_NER := $(abspath ../shared/data/ner-train/gmb.train.tsv)
ifneq ($(wildcard $(SHARED_NER)),)
export DOSSIER_NER_TRAIN_CORPUS ?= $(SHARED_NER)
endif

.PHONY: run test lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/dossier setup
	$(BIN)/dossier serve

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
