"""Fixtures for the search tests, as named configurations.

- `fixture_docs`: the hand-written sample exam (tests/search/fixtures/docs): three questions, parts,
  math, markup in code and prose, three concept pages.
- `fixture_index` / `client`: that docs tree indexed once, and the Flask test client over it.
- `seed_index` / `seed_search`: the repository's own docs/ (the seed), indexed once.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from search_api import create_app
from search_api.engines import ENGINES
from search_api.indexer import build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "docs"
REPO = Path(__file__).resolve().parents[2]


def copy_fixture_docs(target: Path) -> Path:
    shutil.copytree(FIXTURE_DOCS, target)
    return target


@pytest.fixture(scope="session")
def fixture_docs() -> Path:
    return FIXTURE_DOCS


@pytest.fixture(scope="session", params=sorted(ENGINES))
def engine_name(request) -> str:
    """Every engine: each test that uses an index runs once per engine."""
    return request.param


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory, engine_name) -> Path:
    index = tmp_path_factory.mktemp(f"fixture-index-{engine_name}") / ".index"
    build(FIXTURE_DOCS, index, engine_name=engine_name)
    return index


@pytest.fixture(scope="session")
def fixture_search(fixture_index, engine_name):
    """search(q, **params) -> the response dict, on the fixture index, without Flask."""
    index = SearchIndex(fixture_index, engine=engine_name)
    return lambda q, **params: index.search(parse_params({"q": q, **{k: str(v) for k, v in params.items()}}))


@pytest.fixture
def app(fixture_index, engine_name):
    return create_app({"INDEX_DIR": fixture_index, "ENGINE": engine_name, "CORS_ORIGINS": "https://allowed.example"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, engine_name) -> Path:
    index = tmp_path_factory.mktemp(f"seed-index-{engine_name}") / ".index"
    build(REPO / "docs", index, engine_name=engine_name)
    return index


@pytest.fixture(scope="session")
def seed_search(seed_index, engine_name):
    index = SearchIndex(seed_index, engine=engine_name)
    return lambda q, **params: index.search(parse_params({"q": q, **{k: str(v) for k, v in params.items()}}))


@pytest.fixture(scope="session")
def served_class():
    """`Served`: scripts/serve.py in a subprocess on a free port of 127.0.0.1 (defined in test_server.py)."""
    spec = importlib.util.spec_from_file_location("search_test_server", Path(__file__).parent / "test_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Served
