"""The index lifecycle: atomic swaps picked up without a restart, failed builds, threads, forks."""

import os
import threading
from pathlib import Path

import pytest

from search_api import store
from search_api.indexer import build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

NEW_PAGE = """---
id: sample-exam/q4
collection: sample-exam
question: 4
title: Zebra stripes
parts: []
source: {file: sources/sample-exam.txt, lines: [81, 90]}
hash: sha256:fixture
---
# Q4. Zebra stripes

Why does a zebra have stripes?
"""


@pytest.fixture
def docs(tmp_path, fixture_docs):
    import shutil

    return Path(shutil.copytree(fixture_docs, tmp_path / "docs"))


def search(index: SearchIndex, q: str) -> list[str]:
    return [r["id"] for r in index.search(parse_params({"q": q}))["results"]]


def test_build_writes_a_version_file_and_metadata(docs, tmp_path, engine_name):
    report = build(docs, tmp_path / "ix", engine_name=engine_name)
    assert (tmp_path / "ix" / "CURRENT").read_text().strip() == report.version
    assert report.counts == {"concept": 3, "part": 2, "question": 3} and report.documents == 8
    meta = store.open_build(tmp_path / "ix").meta
    assert meta["documents"] == 8 and meta["built_at"]
    assert {c["slug"] for c in meta["concepts"]} == {"cnn", "kl-divergence", "variational-autoencoder"}


def test_a_rebuilt_index_is_served_without_a_restart(docs, tmp_path, engine_name):
    index = SearchIndex(tmp_path / "ix")
    build(docs, tmp_path / "ix", engine_name=engine_name)
    assert search(index, "zebra") == []
    first_version = index.health()["version"]
    (docs / "questions" / "sample-exam" / "q4.md").write_text(NEW_PAGE)
    build(docs, tmp_path / "ix", engine_name=engine_name)
    assert search(index, "zebra") == ["sample-exam/q4"]  # same object, new build
    assert index.health()["version"] != first_version and index.health()["documents"] == 9


def test_a_failed_build_leaves_the_current_index_serving(docs, tmp_path, engine_name):
    index = SearchIndex(tmp_path / "ix")
    build(docs, tmp_path / "ix", engine_name=engine_name)
    version = index.health()["version"]
    (docs / "questions" / "sample-exam" / "q9.md").write_text("---\nid: x\ncollection: sample-exam\nquestion: 9\n---\n")
    with pytest.raises(ValueError, match="q9.md"):
        build(docs, tmp_path / "ix", engine_name=engine_name)
    assert index.health()["version"] == version
    assert search(index, "dropout") == ["sample-exam/q1"]
    assert not [p for p in (tmp_path / "ix").iterdir() if p.name.startswith(".tmp")]


def test_only_the_newest_builds_are_kept(docs, tmp_path, engine_name):
    versions = [build(docs, tmp_path / "ix", engine_name=engine_name, full=True).version for _ in range(5)]
    kept = sorted(p.name for p in (tmp_path / "ix").iterdir() if p.is_dir())
    assert kept == versions[-store.KEEP_BUILDS:]


def test_missing_or_broken_index_is_unavailable_with_instructions(docs, tmp_path, engine_name):
    index = SearchIndex(tmp_path / "nothing")
    with pytest.raises(store.IndexUnavailable, match="scripts/build_index.py"):
        index.search(parse_params({"q": "dropout"}))
    report = build(docs, tmp_path / "ix", engine_name=engine_name)
    (report.path / store.META_FILE).unlink()
    with pytest.raises(store.IndexUnavailable, match="unreadable"):
        SearchIndex(tmp_path / "ix").health()


def test_nothing_is_opened_before_the_first_request(tmp_path):
    index = SearchIndex(tmp_path / "not-built-yet")  # constructing it must not touch the disk
    assert getattr(index._local, "index", None) is None


def test_each_thread_has_its_own_searcher(fixture_index):
    index = SearchIndex(fixture_index)
    expected = {q: search(index, q) for q in ("dropout", "attention", "latent space", "QK^T", "droput")}
    searchers, errors = set(), []

    def worker():
        try:
            for _ in range(15):
                for q, hits in expected.items():
                    assert search(index, q) == hits
            searchers.add(id(index.current().reader))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(searchers) == 8


def test_a_forked_process_opens_its_own_searcher(fixture_index, monkeypatch):
    index = SearchIndex(fixture_index)
    parent = index.current()
    monkeypatch.setattr(os, "getpid", lambda: parent.pid + 1)  # as seen from a child after fork
    child = index.current()
    assert child is not parent and child.reader is not parent.reader


def test_a_build_failing_while_writing_cleans_up(docs, tmp_path, monkeypatch, engine_name):
    from search_api.engines import engine

    build(docs, tmp_path / "ix", engine_name=engine_name)
    before = (tmp_path / "ix" / "CURRENT").read_text()

    def broken(records, directory, procs=1):
        directory.mkdir(parents=True)
        (directory / "half-written.seg").write_bytes(b"x")
        raise OSError("No space left on device")

    monkeypatch.setattr(engine(engine_name), "write", broken)
    with pytest.raises(OSError):
        build(docs, tmp_path / "ix", engine_name=engine_name, full=True)
    assert (tmp_path / "ix" / "CURRENT").read_text() == before
    assert not [p for p in (tmp_path / "ix").iterdir() if p.name.startswith(".tmp")]


def test_identical_requests_are_answered_from_a_per_build_cache(docs, tmp_path, engine_name):
    build(docs, tmp_path / "ix", engine_name=engine_name)
    cached, uncached = SearchIndex(tmp_path / "ix", cache_size=2), SearchIndex(tmp_path / "ix", cache_size=0)
    params = parse_params({"q": "dropout"})
    assert cached.search(params)["results"] == uncached.search(params)["results"]
    assert len(cached.current().cache) == 1 and len(uncached.current().cache) == 0
    for q in ("attention", "latent", "dropout"):
        cached.search(parse_params({"q": q}))
    assert [p.q for p in cached.current().cache] == ["latent", "dropout"]  # least recently used dropped
    (docs / "questions" / "sample-exam" / "q1.md").unlink()
    build(docs, tmp_path / "ix", engine_name=engine_name)
    assert cached.search(params)["results"] == []  # a new build starts a new cache


def test_a_search_out_of_time_returns_what_it_found(fixture_index):
    index = SearchIndex(fixture_index, time_limit=0.0)
    response = index.search(parse_params({"q": "attention"}))
    assert response["results"] == [] and response["total"] == 0  # stopped before the first document
    assert len(index.current().cache) == 0  # a partial answer is not kept
