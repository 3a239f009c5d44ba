# The two commands a newcomer needs:  `make run`  and  `make test`.
# Every target that needs the virtualenv creates it first, so any target works on a fresh clone.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PELICAN := $(BIN)/pelican
ENGAGEMENT := $(BIN)/engagement

INPUTDIR := content
OUTPUTDIR := output
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py
HOST ?= 127.0.0.1
PORT ?= 8000
ENDPOINT_PORT ?= 8001
PYTEST_ARGS ?=

.PHONY: help venv html run serve devserver endpoint test lint bench publish ci-build clean screenshots

help:
	@echo "make run        build the site and serve it on http://$(HOST):$(PORT) with the endpoint on :$(ENDPOINT_PORT)"
	@echo "make test       run the whole test suite"
	@echo "make html       build the site into $(OUTPUTDIR)/"
	@echo "make devserver  rebuild on change and serve"
	@echo "make endpoint   run only the comment/mention endpoint"
	@echo "make lint       ruff"
	@echo "make ci-build   strict production build (publishconf.py, warnings fatal) + output checks"
	@echo "make publish    ci-build, deploy to ENGAGEMENT_DEPLOY_TARGET, then engagement send"
	@echo "make bench      the benchmark suite (see docs/benchmarks.md)"
	@echo "make screenshots  the README's pictures (docs/screenshots/), from an invented example site"
	@echo "make clean      remove $(OUTPUTDIR)/ and caches"

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

html: $(STAMP)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

# Builds, then serves the static site and the endpoint side by side; Ctrl-C stops both.
run: html
	@$(ENGAGEMENT) serve --settings $(CONFFILE) --host $(HOST) --port $(ENDPOINT_PORT) & \
	endpoint=$$!; trap 'kill $$endpoint 2>/dev/null' EXIT INT TERM; \
	echo "Site: http://$(HOST):$(PORT)/   Endpoint: http://$(HOST):$(ENDPOINT_PORT)/"; \
	$(PELICAN) --listen --bind $(HOST) --port $(PORT) -o $(OUTPUTDIR) -s $(CONFFILE)

serve: $(STAMP)
	$(PELICAN) --listen --bind $(HOST) --port $(PORT) -o $(OUTPUTDIR) -s $(CONFFILE)

devserver: $(STAMP)
	@$(ENGAGEMENT) serve --settings $(CONFFILE) --host $(HOST) --port $(ENDPOINT_PORT) & \
	endpoint=$$!; trap 'kill $$endpoint 2>/dev/null' EXIT INT TERM; \
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) --bind $(HOST) --port $(PORT)

endpoint: $(STAMP)
	$(ENGAGEMENT) serve --settings $(CONFFILE) --host $(HOST) --port $(ENDPOINT_PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The README's pictures: builds docs/screenshots/example/ (an invented brand) and photographs its
# pages in headless Chromium at 375 and 1280 px, light and dark. Never edit the pictures by hand.
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots/make_screenshots.py $(SCREENSHOTS_ARGS)

# Strict production build, as CI runs it: Pelican warnings are errors, then `engagement check`
# fails on dead internal links or anchors, images without alt, invalid HTML (the Nu Html Checker,
# which needs Java 11+), feeds that do not parse and embeds without a snapshot entry.
# CHECK_ARGS="--validator html5lib" checks without Java; CHECK_ARGS=--external also probes links out.
CHECK_ARGS ?= --validator vnu
ci-build: $(STAMP)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) --fatal warnings
	$(ENGAGEMENT) check $(OUTPUTDIR) --settings $(PUBLISHCONF) $(CHECK_ARGS)

# Production build and checks, then copy output/ to ENGAGEMENT_DEPLOY_TARGET (rsync or s3://).
publish: ci-build
	$(ENGAGEMENT) deploy --settings $(PUBLISHCONF) --output $(OUTPUTDIR)
	$(ENGAGEMENT) send --settings $(PUBLISHCONF)

clean:
	rm -rf $(OUTPUTDIR) cache .pytest_cache .ruff_cache
