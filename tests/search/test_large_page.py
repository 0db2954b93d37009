"""One very large page (a body of megabytes, as an imported source could hold) costs a search no more than a
normal page: snippets look at a bounded head of a record's text, and the time limit covers them too.

The large page is written straight into a docs tree (the importer refuses pages that large), indexed by both
engines and searched through a real `scripts/serve.py`.
"""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import time
from pathlib import Path

import pytest

from kb.pages import QuestionPage, render_question
from search_api import snippets
from search_api.engines import ENGINES
from search_api.indexer import build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

HERE = Path(__file__).parent
MEGABYTES = 3
WORDS = ("quokka", "gradient", "layer", "network", "weight", "loss", "training", "model")


def large_body(megabytes: float) -> str:
    """One line of plain words, `quokka` among them all along, and `wombat` only at its very end."""
    words = random.Random(7).choices(WORDS, k=int(megabytes * 1e6 / 7))
    return " ".join(words) + " wombat"


@pytest.fixture(scope="module")
def large_docs(tmp_path_factory, fixture_docs) -> Path:
    docs = Path(shutil.copytree(fixture_docs, tmp_path_factory.mktemp("large") / "docs"))
    page = QuestionPage(id="sample-exam/q9", collection="sample-exam", question=9, title="A large page", parts=(),
                        source_file="sources/sample-exam.txt", source_lines=(1, 2),
                        body="# Q9. A large page\n\n" + large_body(MEGABYTES) + "\n")
    (docs / "questions" / "sample-exam" / "q9.md").write_text(render_question(page), encoding="utf-8")
    return docs


@pytest.fixture(scope="module")
def large_index(tmp_path_factory, large_docs, engine_name) -> Path:
    index = tmp_path_factory.mktemp(f"large-index-{engine_name}") / ".index"
    build(large_docs, index, engine_name=engine_name)
    return index


class Scanned(list):
    """The length of every text the snippets looked for matches in, and the terms they looked for."""

    terms: set


@pytest.fixture
def scanned(monkeypatch) -> Scanned:
    lengths = Scanned()
    lengths.terms = set()
    term_matches = snippets.term_matches

    def spy(text, terms):
        lengths.append(len(text))
        lengths.terms |= set(terms)
        return term_matches(text, terms)

    monkeypatch.setattr(snippets, "term_matches", spy)
    return lengths


def test_a_snippet_looks_only_at_the_head_of_a_long_text(scanned):
    text = large_body(1)
    out = snippets.snippet(text, {"quokka"})
    assert scanned and max(scanned) <= snippets.SCAN
    assert "<mark>quokka</mark>" in out and out.endswith(" …") and len(out) < 4 * snippets.WIDTH
    # A word found only past the head: the snippet is the text's start, unmarked, never a scan of the rest.
    assert "<mark>" not in snippets.snippet(text, {"wombat"}) and max(scanned) <= snippets.SCAN


def test_the_head_ends_between_two_words():
    text = "gradients " * (snippets.SCAN // 5)
    assert snippets.head(text).endswith("gradients") and len(snippets.head(text)) <= snippets.SCAN


def test_searching_a_large_page_scans_a_bounded_text(large_index, engine_name, scanned):
    index = SearchIndex(large_index, cache_size=0, engine=engine_name)
    found = index.search(parse_params({"q": "quokka wombat"}))
    assert [hit["id"] for hit in found["results"]] == ["sample-exam/q9"]  # every word is indexed, the last too
    assert scanned and max(scanned) <= snippets.SCAN
    assert "<mark>quokka</mark>" in found["results"][0]["snippet"]


def test_past_the_time_limit_snippets_are_not_looked_for(large_index, engine_name, scanned):
    index = SearchIndex(large_index, time_limit=0.2, cache_size=0, engine=engine_name)
    reader = index.current().reader
    records = reader.records

    def slow_records(keys):  # the stored records arrive after the time limit has passed
        time.sleep(0.3)
        return records(keys)

    reader.records = slow_records
    found = index.search(parse_params({"q": "quokka"}))
    assert found["results"] and all("<mark>" not in hit["snippet"] for hit in found["results"])
    assert scanned.terms == set()  # no match was looked for


def test_a_large_page_over_http_answers_like_a_small_one(large_index, served_class):
    server = served_class(large_index, None, workers=1)
    try:
        status, body = server.json("/search?q=quokka&limit=5")
        assert status == 200 and [hit["id"] for hit in body["results"]] == ["sample-exam/q9"]
        assert "<mark>quokka</mark>" in body["results"][0]["snippet"]
        assert len(body["results"][0]["snippet"]) < 4 * snippets.WIDTH
        status, body = server.json("/search?q=dropout")
        assert status == 200 and body["results"] and body["results"][0]["id"] == "sample-exam/q1"
        assert server.json("/health")[0] == 200
    finally:
        server.stop()


def test_the_benchmark_measures_a_large_page_beside_a_normal_one(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_search", HERE.parents[1] / "scripts" / "bench_search.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(bench, "WORK", tmp_path / "work")
    out = tmp_path / "search.json"
    assert bench.main(["--large-page", "0.05", "--rounds", "1", "--out", str(out)]) == 0
    measured = json.loads(out.read_text())["large_page"]
    assert set(measured) == set(ENGINES)
    for m in measured.values():
        assert m["large"]["samples"] == m["normal"]["samples"] == 4 and m["health_under_8"]["searches_meanwhile"] > 0
    assert "## One large page" in out.with_suffix(".md").read_text()
