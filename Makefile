# Set-up is idempotent: the venv is rebuilt only when pyproject.toml changes, Debian packages
# only when scripts/apt-packages.txt changes, npm packages only when scripts/node/ changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-installed
NODE_STAMP := $(VENV)/.node-installed

.PHONY: setup demo test lint bench audit clean

setup: $(STAMP) $(NODE_STAMP)

$(APT_STAMP): scripts/apt-packages.txt
	@mkdir -p $(VENV)
	bash scripts/install-system.sh scripts/apt-packages.txt
	@touch $@

$(STAMP): pyproject.toml $(APT_STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# olmOCR's page-test classes, to prove they read our tests as we do; without its inference
	# stack (torch, vLLM), which the test module does not use
	$(BIN)/python -m pip install -q --no-deps olmocr==0.4.27
	@touch $@

# npm packages (ECharts for the chart renderer) go to .venv/node, where the renderer looks for them.
$(NODE_STAMP): scripts/node/package.json scripts/node/package-lock.json $(APT_STAMP)
	@mkdir -p $(VENV)/node
	cp scripts/node/package.json scripts/node/package-lock.json $(VENV)/node/
	npm ci --prefix $(VENV)/node --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(BIN)/gotdata render examples/demo.yaml --out demo-output --workers 2 --overwrite  # after an upgrade: the new demo
	$(BIN)/gotdata inspect demo-output --gallery demo-output/gallery
	@echo "Demo dataset written to $(CURDIR)/demo-output (see manifest.json; gallery: demo-output/gallery/index.html)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two pytest processes (TEST_WORKERS=N to change), then the tests that start a Ray cluster of their
# own with `ray start`, alone: `ray stop --force` stops every Ray process on the machine.
TEST_WORKERS ?= 2
test: setup lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) -m "not solo"
	$(BIN)/python -m pytest -q -m solo

bench: setup
	$(BIN)/python benchmarks/bench_molecule.py
	$(BIN)/python benchmarks/bench_latex.py
	$(BIN)/python benchmarks/bench_geometry.py
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_charts.py
	$(BIN)/python benchmarks/bench_music.py
	$(BIN)/python benchmarks/bench_augment.py
	$(BIN)/python benchmarks/bench_document.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_limits.py
	$(BIN)/python benchmarks/bench_png.py

# History sweeps (gotdata.sweep) over whole built-in corpora: every sample rendered in forward and in
# reverse order, each in a fresh process, must come out byte-identical. make test sweeps a spread.
audit: setup
	$(BIN)/python -m gotdata.sweep molecule
	$(BIN)/python -m gotdata.sweep music --params-json '{"builtin": "music21"}'
	$(BIN)/python -m gotdata.sweep music --params-json '{"builtin": "generator", "layout": "page"}' --count 200
	$(BIN)/python -m gotdata.sweep latex --params-json '{"mode": "formula"}' --count 8192
	$(BIN)/python -m gotdata.sweep latex --params-json '{"mode": "table"}' --count 1024
	$(BIN)/python -m gotdata.sweep latex --params-json '{"mode": "page"}' --count 256
	$(BIN)/python -m gotdata.sweep geometry --count 1024
	$(BIN)/python -m gotdata.sweep chart --params-json '{"backend": "matplotlib"}' --count 512
	$(BIN)/python -m gotdata.sweep chart --params-json '{"backend": "pyecharts"}' --count 512
	$(BIN)/python -m gotdata.sweep pdf --count 1000
	$(BIN)/python -m gotdata.sweep document --count 512
	$(BIN)/python -m gotdata.sweep document --params-json '{"min_pages": 2, "max_pages": 3}' --count 128
	$(BIN)/python -m gotdata.sweep molecule --augment photo
	$(BIN)/python -m gotdata.sweep pdf --count 1000 --augment scan
	$(BIN)/python -m gotdata.sweep latex --params-json '{"mode": "page"}' --count 256 --augment photo
	$(BIN)/python -m gotdata.sweep chart --params-json '{"backend": "pyecharts"}' --count 512 --augment screen
	$(BIN)/python -m gotdata.sweep music --params-json '{"builtin": "music21"}' --augment fax
	GOTDATA_TEST_WHOLE_CORPORA=1 $(BIN)/python -m pytest -q tests/test_music_lyrics.py
	# every text-bearing renderer and mode, clean and augmented, read back by Tesseract
	$(BIN)/gotdata render examples/audit-read.yaml --out audit-output/read --overwrite --no-progress
	$(BIN)/gotdata verify audit-output/read --read 100 --no-progress

clean:
	rm -rf demo-output build dist *.egg-info
