# raw/ -> build/extract/<file>.parquet (one fragment per document) -> processed/ (tables + report)
#
# A document is re-extracted only when its file, its catalog row or the code of
# the per-document stages changes; the tables and report are re-assembled when
# any extract, the set of raw files or the assembly code changes.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

# Upper-case extensions (.TXT, .PDF) are read like their lower-case twins.
RAW_FILES := $(sort $(wildcard raw/*.txt raw/*.pdf raw/*.TXT raw/*.PDF))
NAMES := $(notdir $(RAW_FILES))
EXTRACTS := $(NAMES:%=build/extract/%.parquet)
ROWS := $(NAMES:%=build/catalog/%.json)

# Each stage's code is its package: the per-document stage (pipeline/document/,
# the normalizers, the vocabularies and the records it fills) and the corpus
# stage (pipeline/corpus/, pipeline/search/). Shared modules count for both.
# The vocabularies only the corpus stage reads are named in CORPUS_DATA.
SHARED_CODE := $(wildcard pipeline/*.py)
CORPUS_DATA := pipeline/data/search_terms.txt $(wildcard pipeline/data/validation_*)
EXTRACT_CODE := $(filter-out pipeline/cli.py pipeline/executors.py,$(SHARED_CODE)) \
	$(filter-out $(CORPUS_DATA),$(wildcard pipeline/data/*)) \
	$(shell find pipeline/document pipeline/normalize pipeline/search -name '*.py')
ASSEMBLE_CODE := $(SHARED_CODE) $(CORPUS_DATA) $(shell find pipeline/corpus pipeline/search -name '*.py')

.DELETE_ON_ERROR:
.PHONY: all test lint clean evaluate FORCE bench unseen serve

all: build/assembled.stamp

# frictionless-arrow (plugins/) lets the stock `frictionless validate` read Parquet
# with Arrow's types; it is installed as a regular package so frictionless finds it.
$(INSTALLED): pyproject.toml $(wildcard plugins/frictionless-arrow/*)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	$(VENV)/bin/pip install --quiet ./plugins/frictionless-arrow
	touch $@

# The list of raw files, rewritten only when a file is added or removed, so
# that removing a document re-assembles the tables without it.
build/manifest: FORCE
	@mkdir -p build
	@printf '%s\n' $(NAMES) > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# One catalog row per file, each rewritten only when it changed.
build/catalog.stamp: $(wildcard raw/catalog.csv) build/manifest | $(INSTALLED)
	$(PY) -m pipeline split-catalog --raw raw --out build/catalog
	@touch $@

$(ROWS): build/catalog.stamp ;

build/extract/%.parquet: raw/% build/catalog/%.json $(EXTRACT_CODE) | $(INSTALLED)
	@mkdir -p $(@D)
	$(PY) -m pipeline extract $< --catalog-row build/catalog/$*.json --output $@

# assemble exits non-zero when the report holds an error finding, after writing
# everything; the stamp is then not touched, so the next make tries again.
build/assembled.stamp: $(EXTRACTS) build/manifest $(ASSEMBLE_CODE) \
		$(if $(wildcard processed/datapackage.json),,FORCE) | $(INSTALLED)
	$(PY) -m pipeline assemble --raw raw --extracts build/extract --out processed --work build/corpus
	@touch $@

# The tables in Datasette, at http://127.0.0.1:$(PORT)/untoc (build/site/untoc.db).
PORT ?= 8001
serve: build/assembled.stamp
	$(PY) -m pipeline.site --processed processed --raw raw --out build/site --port $(PORT)

test: $(INSTALLED)
	$(PY) -m pytest

# The unseen documents of tests/unseen/documents, rendered as text and as PDF,
# built and scored against their expected facts: build/unseen/results.json; then
# the held-out documents of tests/unseen/holdout, written after the rules were
# made and never used to make them: build/unseen-holdout/results.json.
unseen: $(INSTALLED)
	$(PY) -m tests.unseen
	$(PY) -m tests.unseen --documents tests/unseen/holdout --out build/unseen-holdout

# Topic suggestions, leave-one-out against the thematic index, beside a baseline.
evaluate: build/assembled.stamp
	$(PY) -m pipeline evaluate --processed processed

# Throughput, memory and make timings on a corpus generated from raw/, each
# beside its target or reference: build/bench/results.json and a table (`--only`, `--sizes` for a part; about an hour in full).
bench: $(INSTALLED)
	$(PY) -m bench --out build/bench

lint: $(INSTALLED)
	$(VENV)/bin/ruff check pipeline tests
	$(VENV)/bin/ruff format --check pipeline tests

clean:
	rm -rf build processed

FORCE:
