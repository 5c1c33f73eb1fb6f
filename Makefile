# raw/ -> build/extract/<file>.json (one per document) -> processed/ (tables + report)
#
# A document is re-extracted only when its file, its catalog row or the code of
# the per-document stages changes; the tables and report are re-assembled when
# any extract, the set of raw files or the assembly code changes.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

RAW_FILES := $(sort $(wildcard raw/*.txt raw/*.pdf))
NAMES := $(notdir $(RAW_FILES))
EXTRACTS := $(NAMES:%=build/extract/%.json)
ROWS := $(NAMES:%=build/catalog/%.json)

ASSEMBLE_CODE := pipeline/assemble.py pipeline/schema.py pipeline/write.py pipeline/validate.py \
	pipeline/search.py pipeline/topics.py pipeline/data/search_terms.txt \
	$(wildcard pipeline/report*.py pipeline/data/validation_*)
EXTRACT_CODE := $(filter-out $(ASSEMBLE_CODE) pipeline/cli.py pipeline/executors.py,$(wildcard pipeline/*.py \
	pipeline/normalize/*.py pipeline/extract/*.py pipeline/data/*))

.DELETE_ON_ERROR:
.PHONY: all test lint clean evaluate FORCE bench unseen

all: build/assembled.stamp

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
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

build/extract/%.json: raw/% build/catalog/%.json $(EXTRACT_CODE) | $(INSTALLED)
	@mkdir -p $(@D)
	$(PY) -m pipeline extract $< --catalog-row build/catalog/$*.json --output $@

# assemble exits non-zero when the report holds an error finding, after writing
# everything; the stamp is then not touched, so the next make tries again.
build/assembled.stamp: $(EXTRACTS) build/manifest $(ASSEMBLE_CODE) \
		$(if $(wildcard processed/datapackage.json),,FORCE) | $(INSTALLED)
	$(PY) -m pipeline assemble --raw raw --extracts build/extract --out processed
	@touch $@

test: $(INSTALLED)
	$(PY) -m pytest

# The unseen documents of tests/unseen/documents, rendered as text and as PDF,
# built and scored against their expected facts: build/unseen/results.json.
unseen: $(INSTALLED)
	$(PY) -m tests.unseen

# Topic suggestions, leave-one-out against the thematic index, beside a baseline.
evaluate: build/assembled.stamp
	$(PY) -m pipeline evaluate --processed processed

# Throughput, memory and make timings on a corpus generated from raw/, each
# beside its target or reference: build/bench/results.json and a table (~5 min).
bench: $(INSTALLED)
	$(PY) -m pipeline.bench --out build/bench

lint: $(INSTALLED)
	$(VENV)/bin/ruff check pipeline tests
	$(VENV)/bin/ruff format --check pipeline tests

clean:
	rm -rf build processed

FORCE:
