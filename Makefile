# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export FLASK_APP := backend.app

.PHONY: run test lint format openapi places pwa pwa-test migrate fonts chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# npm 11's `npm ci` insists that the lock list rollup's native package for every platform, but a
# registry mirror may hold only some (ours: Linux); `npm install --no-save` then installs the
# locked versions without rewriting the lock.
pwa/node_modules/.package-lock.json: pwa/package-lock.json
	cd pwa && { npm ci --no-audit --no-fund 2>/dev/null || npm install --no-save --no-audit --no-fund; }
	touch $@

## pwa: build the web app into pwa/dist
pwa: pwa/node_modules/.package-lock.json
	cd pwa && npm run --silent build

# The certificate's CJK fonts (Noto Sans/Serif CJK, Simplified Chinese face), and the TrueType
# CJK font PDFs embed (WenQuanYi Micro Hei); see backend/imaging/fonts.py. CERTIFICATE_FONT_DIR
# may point at a directory holding them.
FONT_FILES := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
	/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc \
	/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
	/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc
PDF_FONT_FILE := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

## fonts: install the CJK fonts (Debian's fonts-noto-cjk, fonts-wqy-microhei) when they are missing
fonts:
	@dir="$$CERTIFICATE_FONT_DIR"; \
	if [ -z "$$dir" ] || [ ! -f "$$dir/NotoSansCJK-Regular.ttc" ]; then \
		for f in $(FONT_FILES); do [ -f "$$f" ] || missing="fonts-noto-cjk"; done; \
	fi; \
	if [ -z "$$dir" ] || [ ! -f "$$dir/wqy-microhei.ttc" ]; then \
		[ -f "$(PDF_FONT_FILE)" ] || missing="$$missing fonts-wqy-microhei"; \
	fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing $$missing (the certificate's and the PDFs' CJK fonts)"; \
		$(APT_INSTALL) $$missing \
		|| { $(SUDO) apt-get update -q && $(APT_INSTALL) $$missing; }; \
	fi

## chromium: install Debian's Chromium for the end-to-end tests when it is missing
## (never `playwright install`: the tests drive the system browser; CHROMIUM_PATH may point elsewhere)
chromium:
	@if [ -z "$$CHROMIUM_PATH" ] && [ ! -x /usr/bin/chromium ]; then \
		echo "Installing chromium (the end-to-end tests' browser)"; \
		$(APT_INSTALL) chromium || { $(SUDO) apt-get update -q && $(APT_INSTALL) chromium; }; \
	fi

## pwa-test: the web app's unit tests (vitest), including the OpenAPI types drift check
pwa-test: pwa/node_modules/.package-lock.json
	cd pwa && npm run --silent test

## migrate: apply database migrations
migrate: $(VENV)/.installed
	$(BIN)/flask db upgrade

## run: install, build, migrate, seed demo data if empty, serve with gunicorn on $PORT plus the worker
run: $(VENV)/.installed pwa migrate fonts
	$(BIN)/flask seed-demo --if-empty
	@$(BIN)/flask banner --port $(PORT)
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	PORT=$(PORT) $(BIN)/gunicorn "backend.app:create_app()"

## lint: ruff (lint + format check, complexity), mypy, import-linter (the layers), and the web
## app's TypeScript check
lint: $(VENV)/.installed-dev pwa/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	cd pwa && npm run --silent typecheck

## format: apply ruff's fixes and formatting
format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## test: lint, build the PWA and unit-test it, then pytest on SQLite (with the end-to-end browser
## tests) and, with TEST_DATABASE_URL, on PostgreSQL (without them: they bring their own SQLite).
## The two runs go side by side (the PostgreSQL one's output follows when both are done): each
## leaves much of a core idle, waiting on its database or its browser.
test: lint pwa pwa-test fonts chromium
	@pglog=$$(mktemp); pg=; trap 'rm -f $$pglog; [ -z "$$pg" ] || kill $$pg 2>/dev/null' EXIT INT TERM; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest -q -p no:cacheprovider -m "not e2e" >$$pglog 2>&1 & pg=$$!; \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped"; \
	fi; \
	env -u TEST_DATABASE_URL $(BIN)/pytest -q; sqlite=$$?; pgrc=0; \
	if [ -n "$$pg" ]; then wait $$pg; pgrc=$$?; pg=; echo "== on PostgreSQL =="; cat $$pglog; fi; \
	[ $$sqlite -eq 0 ] && [ $$pgrc -eq 0 ]

## openapi: write the served OpenAPI document to shared/schemas/openapi.json
openapi: $(VENV)/.installed
	$(BIN)/flask openapi write shared/schemas/openapi.json

## places: regenerate the PWA's place picker table (pwa/src/app/places/places.json)
places: $(VENV)/.installed-dev
	$(BIN)/python -m backend.footprint.places_table

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist
