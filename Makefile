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
# The strict production build (`make ci-build`, `make publish`) has its own folder, so it never wipes
# the development site `make run` is serving (publishconf.py sets the same OUTPUT_PATH).
CI_OUTPUTDIR := output-ci
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py
HOST ?= 127.0.0.1
PORT ?= 8000
ENDPOINT_PORT ?= 8001
PYTEST_ARGS ?=
# Where `make test` looks for a PostgreSQL server (trust auth, database `test`): when one answers,
# the PostgreSQL tests run, as they do in CI (.ci/run calls `make test`).
POSTGRES_PROBE ?= 127.0.0.1:5432

# The development site's addresses follow the ports: pelicanconf.py reads these two variables, so
# `make run PORT=8100 ENDPOINT_PORT=8101` builds pages whose links, stylesheets and comment form
# point at the ports actually served.
html run serve devserver endpoint: export DEV_SITEURL = http://$(HOST):$(PORT)
html run serve devserver endpoint: export DEV_ENDPOINT_URL = http://$(HOST):$(ENDPOINT_PORT)

.PHONY: help venv html run serve devserver endpoint test lint bench publish ci-build clean screenshots

help:
	@echo "make run        build the site and serve it on http://$(HOST):$(PORT) with the endpoint on :$(ENDPOINT_PORT)"
	@echo "make test       run the whole test suite"
	@echo "make html       build the site into $(OUTPUTDIR)/"
	@echo "make devserver  rebuild on change and serve"
	@echo "make endpoint   run only the comment/mention endpoint"
	@echo "make lint       ruff"
	@echo "make ci-build   strict production build into $(CI_OUTPUTDIR)/ (publishconf.py, warnings fatal) + checks"
	@echo "make publish    ci-build, deploy $(CI_OUTPUTDIR)/, engagement send, engagement syndicate, deploy again"
	@echo "make bench      the benchmark suite (see docs/benchmarks.md)"
	@echo "make screenshots  the README's pictures (docs/screenshots/), from an invented example site"
	@echo "make clean      remove $(OUTPUTDIR)/, $(CI_OUTPUTDIR)/ and caches"

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
	@postgres="$${ENGAGEMENT_TEST_POSTGRES_URL:-$$($(BIN)/python .ci/postgres_url.py $(POSTGRES_PROBE))}"; \
	if [ -n "$$postgres" ]; then echo "PostgreSQL tests: $$postgres"; \
	else echo "PostgreSQL tests skipped: no server answers on $(POSTGRES_PROBE)"; fi; \
	echo "$(BIN)/python -m pytest $(PYTEST_ARGS)"; \
	ENGAGEMENT_TEST_POSTGRES_URL="$$postgres" $(BIN)/python -m pytest $(PYTEST_ARGS)

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
	$(PELICAN) $(INPUTDIR) -o $(CI_OUTPUTDIR) -s $(PUBLISHCONF) --fatal warnings
	$(ENGAGEMENT) check $(CI_OUTPUTDIR) --settings $(PUBLISHCONF) --content $(INPUTDIR) $(CHECK_ARGS)

# Production build and checks, then copy output-ci/ to ENGAGEMENT_DEPLOY_TARGET (rsync or s3://),
# notify linked sites, post new articles to Mastodon/Bluesky (the platforms fetch the deployed page
# for its preview), and deploy again: syndicate added the "Also on …" links to those pages.
publish: ci-build
	$(ENGAGEMENT) deploy --settings $(PUBLISHCONF) --output $(CI_OUTPUTDIR)
	$(ENGAGEMENT) send --settings $(PUBLISHCONF)
	$(ENGAGEMENT) syndicate --settings $(PUBLISHCONF)
	$(ENGAGEMENT) deploy --settings $(PUBLISHCONF) --output $(CI_OUTPUTDIR)

clean:
	rm -rf $(OUTPUTDIR) $(CI_OUTPUTDIR) cache .pytest_cache .ruff_cache
