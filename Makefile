# Set-up is idempotent: the venv is rebuilt only when pyproject.toml changes,
# Debian packages only when scripts/apt-packages.txt changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(APT_STAMP): scripts/apt-packages.txt
	@mkdir -p $(VENV)
	bash scripts/install-system.sh scripts/apt-packages.txt
	@touch $@

$(STAMP): pyproject.toml $(APT_STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

demo: setup
	$(BIN)/gotdata render examples/demo.yaml --out demo-output --workers 2
	@echo "Demo dataset written to $(CURDIR)/demo-output (see manifest.json)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/bench_molecule.py
	$(BIN)/python benchmarks/bench_latex.py
	$(BIN)/python benchmarks/bench_geometry.py
	$(BIN)/python benchmarks/bench_pdf.py

clean:
	rm -rf demo-output build dist *.egg-info
