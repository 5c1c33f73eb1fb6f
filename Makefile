# raw/ -> build/extract/<file>.parquet (one fragment per document) -> processed/ (tables + report)
#
# A document is re-extracted only when its file, its catalog row or the code of
# the per-document stages changes; the tables and report are re-assembled when
# any extract, the set of raw files or the assembly code changes.

# Make's built-in rules and variables are not used: without them a make with
# nothing to do does not search implicit rules for each of thousands of files.
MAKEFLAGS += --no-builtin-rules --no-builtin-variables
.SUFFIXES:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

# Upper-case extensions (.TXT, .PDF) are read like their lower-case twins.
RAW_FILES := $(sort $(filter %.txt %.pdf %.TXT %.PDF,$(wildcard raw/*)))
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
# Goals that need no catalog rows.
NO_CATALOG_GOALS := test lint clean bench unseen FORCE

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
# that removing a document re-assembles the tables without it. Compared and
# written by make itself as it reads this file: no shell (a command line naming
# 10,000 files is longer than the system allows), and no rule that always runs,
# so that `make -n` and `make -q` tell whether anything is to be done.
empty :=
space := $(empty) $(empty)
define newline


endef
MANIFEST := $(subst $(space),$(newline),$(NAMES))
# Non-empty when the two texts differ.
differ = $(subst $(1),,$(2))$(subst $(2),,$(1))
ifneq ($(call differ,$(MANIFEST),$(file <build/manifest)),)
$(shell mkdir -p build)$(file >build/manifest,$(MANIFEST))
endif

# One catalog row per file, each rewritten only when it changed. The stamp is
# also read as a (empty) makefile: make brings it up to date first and then
# reads this file again, so that it compares the fragments with the rows as
# split-catalog left them (and `make -n` after a full make names no command).
build/catalog.stamp: $(wildcard raw/catalog.csv) build/manifest | $(INSTALLED)
	$(PY) -m pipeline split-catalog --raw raw --out build/catalog
	@touch $@

ifneq ($(filter-out $(NO_CATALOG_GOALS),$(or $(MAKECMDGOALS),all)),)
-include build/catalog.stamp
endif

$(ROWS): ;

# The per-document stage's code as one file dated like its newest file: a
# fragment is older than it exactly when it is older than some of that code, and
# make compares one date per fragment, not one per fragment and code file.
build/extract-code.stamp: $(EXTRACT_CODE)
	@mkdir -p $(@D)
	@touch -r "$$(ls -t $^ | head -n 1)" $@

# A static pattern rule: make needs no implicit-rule search for the fragments.
$(EXTRACTS): build/extract/%.parquet: raw/% build/catalog/%.json build/extract-code.stamp \
		| $(INSTALLED)
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
