# Two entry points for a fresh machine: `make serve` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SOURCES := $(wildcard sources/*.txt)
STAMP := $(VENV)/.installed
# We pin MkDocs below 2.0 on purpose; Material's banner about it on every build is noise here.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install import build index serve docs test bench clean

# Reinstall only when the dependency pins change.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

install: $(STAMP)

import: install
	$(BIN)/python scripts/import_documents.py $(SOURCES)

# The site's URL names the port: Material's instant navigation only follows links it finds there.
build: import
	SITE_URL=http://127.0.0.1:$(PORT)/ $(BIN)/mkdocs build --strict

index: import
	$(BIN)/python scripts/build_index.py

# The built site at / and the search API at /search, same origin, under gunicorn.
serve: build index
	$(BIN)/python scripts/serve.py --port $(PORT)

# Live-reloading preview for contributors editing docs/ (no search API).
docs: import
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest

# Benchmarks; each writes its results to benchmarks/ (the search one takes several minutes).
bench: install
	$(BIN)/python scripts/bench_linking.py
	$(BIN)/python scripts/bench_site.py
	$(BIN)/python scripts/bench_find.py
	$(BIN)/python scripts/bench_search.py

clean:
	rm -rf site .index
