"""Relevance across collections: the seed and six fixture collections in other styles, 180 queries.

The suite (tests/search/fixtures/multi/) is what scripts/bench_relevance.py measures into
benchmarks/search_relevance.md; here each engine must keep the scores per kind of query that the
benchmark shows, and both engines must rank alike.
"""

import importlib.util
from pathlib import Path

import pytest

from search_api.indexer import build

REPO = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_relevance", REPO / "scripts" / "bench_relevance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()
CASES = bench.load_queries()

# MRR@10 each engine keeps on the suite, per kind (benchmarks/search_relevance.md has the measured values,
# a little above these).
FLOORS = {"overall": 0.84, "keyword": 0.95, "natural": 0.92, "paraphrase": 0.5, "typo": 0.9, "acronym": 0.97}


@pytest.fixture(scope="session")
def multi_docs(tmp_path_factory) -> Path:
    return bench.suite_docs(tmp_path_factory.mktemp("multi") / "docs")


@pytest.fixture(scope="session")
def multi_index(multi_docs, tmp_path_factory, engine_name) -> Path:
    index = tmp_path_factory.mktemp(f"multi-index-{engine_name}") / ".index"
    build(multi_docs, index, engine_name=engine_name)
    return index


@pytest.fixture(scope="session")
def multi_search(multi_index, engine_name):
    return bench.api_search(multi_index, engine_name)


def test_the_suite_has_six_collections_of_its_own_and_150_queries_of_every_kind(multi_docs):
    own = {p.name for p in (bench.SUITE / "questions").iterdir() if p.is_dir()}
    assert len(own) >= 6 and own < {p.name for p in (multi_docs / "questions").iterdir()}
    assert len(CASES) >= 150
    kinds = {kind for kind, _, _ in CASES}
    assert kinds == set(bench.KINDS)
    assert all(sum(k == kind for k, _, _ in CASES) >= 25 for kind in kinds)


def test_every_expected_answer_exists(multi_docs):
    from kb.concepts.concept import load_concepts
    from search_api.records import build_records

    ids = [r.id for r in build_records(multi_docs, load_concepts(multi_docs))]
    for _, q, expected in CASES:
        assert all(any(bench.matches(i, e) for i in ids) for e in expected), q


def test_scores_per_kind(multi_search):
    measured = bench.evaluate(multi_search, CASES)
    low = {kind: measured[kind]["mrr@10"] for kind, floor in FLOORS.items() if measured[kind]["mrr@10"] < floor}
    assert not low, (low, [m["q"] for m in measured["missed"]])
