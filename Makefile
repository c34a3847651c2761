# Pressroom. `make all` builds the default book in source/; `make test` runs the tests.
# Every target installs what it needs first (scripts/bootstrap.sh; nothing when all is there).
PY      := .venv/bin/python
SOURCE  ?= source
OUT     ?= build
JOBS    ?=
CATALOGUE ?= books
STAMP   := .venv/.pressroom-installed
INPUTS  := $(shell find $(SOURCE) templates pipeline -type f -not -name '*.pyc' 2>/dev/null) pyproject.toml
# the package's bytecode written first (in 0.07 s when it is there): Python reads it even where
# PYTHONDONTWRITEBYTECODE keeps it from writing it, and a build then starts 0.1 s sooner
BYTECODE := $(PY) -m compileall -q pipeline
BUILD   := $(BYTECODE) && $(PY) -m pipeline build --source $(SOURCE) --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

.PHONY: all epub pdf catalogue test check release bench bench-sizes bench-math bench-math-instructions bench-serve bench-versus serve fuzz clean setup corpus test-engine test-upstream

# both in one build: the EPUB's page list follows the PDF's printed pages (emit/page_list.py)
all: $(OUT)/.all.done
$(OUT)/.all.done: $(STAMP) $(INPUTS)
	$(BUILD) --format all
	@touch $(OUT)/.epub.done $(OUT)/.pdf.done $@

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	@scripts/bootstrap.sh && touch $@

# make itself skips a build when no input changed
epub: $(OUT)/.epub.done
$(OUT)/.epub.done: $(STAMP) $(INPUTS)
	$(BUILD) --format epub
	@touch $@

pdf: $(OUT)/.pdf.done
$(OUT)/.pdf.done: $(STAMP) $(INPUTS)
	$(BUILD) --format pdf
	@touch $@

# every CATALOGUE/*/book.toml built into OUT/catalogue/<book>/ (JOBS books at once, default the
# cores), each incrementally with its own cache; a failed book does not stop the others; a summary table
catalogue: $(STAMP)
	$(BYTECODE) && $(PY) -m pipeline build --catalogue $(CATALOGUE) --out $(OUT)/catalogue $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP)
	@bash scripts/bootstrap-chromium.sh || true
	@bash scripts/bootstrap-pdfjs.sh || true
	$(PY) -m pytest -q --durations=15

check: $(STAMP)
	bash scripts/bootstrap-ace.sh && $(PY) -m pipeline check --ace

# the live preview on http://127.0.0.1:8000/ (PORT=, HOST=): rebuilds on every save
serve: $(STAMP)
	$(BYTECODE) && $(PY) -m pipeline serve --source $(SOURCE) --out $(OUT) $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

release: $(STAMP)
	$(PY) -m pipeline release --source $(SOURCE) --out $(OUT) $(if $(ALLOW_MISSING_IMAGES),--allow-missing-images)

bench: $(STAMP) .venv/.bench-installed
	$(BYTECODE) && $(PY) bench/run.py && $(PY) bench/sizes.py
	@bash scripts/bootstrap-chromium.sh || true
	$(PY) bench/serve_latency.py

bench-sizes: $(STAMP) .venv/.bench-installed
	$(BYTECODE) && $(PY) bench/sizes.py

bench-serve: $(STAMP)
	@bash scripts/bootstrap-chromium.sh
	$(BYTECODE) && $(PY) bench/serve_latency.py

bench-math: $(STAMP) .venv/.bench-installed
	$(BYTECODE) && $(PY) bench/math_cost.py --together --runs 5

# the same two builds' instructions, counted by valgrind (a count the machine's load does not move; 25-30 min)
bench-math-instructions: $(STAMP) .venv/.bench-installed
	@bash scripts/bootstrap-valgrind.sh
	$(BYTECODE) && $(PY) bench/math_cost.py --instructions

# this checkout against an earlier commit (AGAINST=, default: before the emit/ redesign), cold, in turn
bench-versus: $(STAMP) .venv/.bench-installed
	$(PY) bench/versus.py $(if $(AGAINST),--against $(AGAINST))

.venv/.bench-installed: pyproject.toml
	$(PY) -m pip install -q --disable-pip-version-check 'pypandoc-binary==1.17' 'psutil==7.2.2'
	@touch $@

# every folder of ../shared/corpus built as a zero-config book, one table of what came out wrong
# (bench/corpus/); CORPUS=dir adds a folder, ACE=1 runs Ace too, SHOW=credits lists one detector's hits
corpus: $(STAMP)
	$(if $(filter 1,$(ACE)),bash scripts/bootstrap-ace.sh && )$(BYTECODE) && $(PY) -m bench.corpus \
		$(foreach d,$(CORPUS),--corpus $(d)) $(if $(filter 1,$(ACE)),--ace) $(if $(SHOW),--show $(SHOW))

# WeasyPrint's own tests (its sdist's tests/) plain and with every Pressroom patch installed, then the
# tests that pass plain and fail patched (scripts/test-engine.sh; K=expr narrows both runs, PLAIN=again
# runs the kept plain run again)
test-engine: $(STAMP)
	bash scripts/test-engine.sh

# the PDF tests, patches off, in build/upstream-venv with the newest WeasyPrint and pydyf on PyPI
test-upstream: $(STAMP)
	bash scripts/test-upstream.sh

fuzz: $(STAMP)
	PRESSROOM_FUZZ_EXAMPLES=2000 $(PY) -m pytest -q -m slow tests/test_fuzz.py

clean:
	rm -rf $(OUT)
