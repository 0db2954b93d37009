# Two entry points for a fresh machine: `make serve` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# 127.0.0.1 unless asked: `make serve HOST=0.0.0.0 PORT=8080` serves a LAN.
HOST ?= 127.0.0.1
# A SITE_URL set by the user (exported, or `make build SITE_URL=...`) wins; else the local address, port included.
SITE_URL ?= http://127.0.0.1:$(PORT)/
# Every format the importer reads (scripts/import_documents.py --help); meta files are read beside their source.
SOURCES := $(wildcard $(addprefix sources/*,.md .markdown .txt .tex .docx .odt .html .htm .ipynb .pdf))
STAMP := $(VENV)/.installed
# We pin MkDocs below 2.0 on purpose; Material's banner about it on every build is noise here.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install import build index serve dev docs test bench clean anki

# Reinstall only when the dependency pins change.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

install: $(STAMP)

import: install
	$(BIN)/python scripts/import_documents.py $(SOURCES)

# The site's URL names the port: Material's instant navigation only follows links it finds there
# (the public address when publishing: SITE_URL=https://kb.example.org/ make build).
# `mkdocs build --strict` into a fresh directory, then site -> it in one rename (scripts/build_site.py):
# a running server keeps answering from the last good build, even if this one fails.
build: import
	SITE_URL='$(SITE_URL)' $(BIN)/python scripts/build_site.py

index: import
	$(BIN)/python scripts/build_index.py

# The built site at / and the search API at /search, same origin: gunicorn's processes, waitress inside.
serve: build index
	$(BIN)/python scripts/serve.py --host $(HOST) --port $(PORT)

# Live preview with search: watches docs/ and sources/, re-imports, rebuilds, updates the index;
# a failed build leaves the last good one served, with its error shown on the page.
dev: install
	$(BIN)/python scripts/dev.py --port $(PORT)

# Live-reloading preview for contributors editing docs/ (no search API; `make dev` has one).
docs: import
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:$(PORT)

# Anki decks of docs/ into build/anki/, one per collection (the site build also offers them on each
# collection's page); one for a tag: `.venv/bin/python scripts/export_anki.py --tag attention`.
anki: import
	$(BIN)/python scripts/export_anki.py

test: install
	$(BIN)/python -m pytest

# Benchmarks; each writes its results to benchmarks/ (the search one takes several minutes).
bench: install
	$(BIN)/python scripts/bench_linking.py
	$(BIN)/python scripts/bench_site.py
	$(BIN)/python scripts/bench_find.py
	$(BIN)/python scripts/bench_search.py

clean:
	rm -rf site site.* .site.lock .site.link-* .index build/dev
