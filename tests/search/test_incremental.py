"""Incremental builds: only the changed pages' records are replaced, the served build is never written,
and the result searches as a full build of the same pages does (every engine)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from search_api import store
from search_api.engines import engine
from search_api.indexer import MANIFEST, build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

QUERIES = ("dropout", "attention", "latent space", "QK^T", "droput", "VAE", "zebra", "pooling stripes", "weight decay")


@pytest.fixture
def docs(tmp_path, fixture_docs) -> Path:
    return Path(shutil.copytree(fixture_docs, tmp_path / "docs"))


def answers(index: Path, engine_name: str) -> dict:
    search = SearchIndex(index, engine=engine_name, cache_size=0)
    found = {}
    for q in QUERIES:
        response = search.search(parse_params({"q": q, "limit": "50"}))
        found[q] = (response["total"], sorted(r["id"] for r in response["results"]), response["suggestion"],
                    response["unmatched"])
    return found


def fingerprint(directory: Path) -> dict:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def edit(docs: Path, name: str, old: str, new: str) -> None:
    page = docs / "questions" / "sample-exam" / name
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_rereads_only_that_page_and_searches_as_a_full_build(docs, tmp_path, engine_name):
    first = build(docs, tmp_path / "ix", engine_name=engine_name)
    assert not first.incremental
    served = fingerprint(first.path)
    edit(docs, "q1.md", "Dropout", "Zebra")
    (docs / "questions" / "sample-exam" / "q3.md").unlink()
    again = build(docs, tmp_path / "ix", engine_name=engine_name)
    assert again.incremental and again.changed_pages == 1 and again.version != first.version
    assert fingerprint(first.path) == served  # the build being served was not written through a link
    assert store.current_version(tmp_path / "ix") == again.version
    full = build(docs, tmp_path / "full", engine_name=engine_name, full=True)
    assert again.counts == full.counts and again.documents == full.documents
    assert answers(tmp_path / "ix", engine_name) == answers(tmp_path / "full", engine_name)
    assert answers(tmp_path / "ix", engine_name)["zebra"][0] > 0
    pages = json.loads((again.path / MANIFEST).read_text())["pages"]
    assert pages == json.loads((full.path / MANIFEST).read_text())["pages"]


def test_a_build_with_nothing_changed_keeps_the_current_one(docs, tmp_path, engine_name):
    first = build(docs, tmp_path / "ix", engine_name=engine_name)
    again = build(docs, tmp_path / "ix", engine_name=engine_name)
    assert again.incremental and again.changed_pages == 0 and again.version == first.version


def test_renaming_a_concept_or_switching_engines_rebuilds_in_full(docs, tmp_path, engine_name):
    build(docs, tmp_path / "ix", engine_name=engine_name)
    concept = docs / "concepts" / "cnn.md"
    concept.write_text(concept.read_text(encoding="utf-8").replace("- ConvNet\n", "- ConvNet\n- ConvNetwork\n", 1),
                       encoding="utf-8")
    renamed = build(docs, tmp_path / "ix", engine_name=engine_name)
    assert not renamed.incremental
    other = next(name for name in ("whoosh", "tantivy") if name != engine_name)
    switched = build(docs, tmp_path / "ix", engine_name=other)
    assert not switched.incremental and store.open_build(tmp_path / "ix").meta["engine"] == other


def test_an_incremental_build_that_fails_changes_nothing(docs, tmp_path, engine_name, monkeypatch):
    first = build(docs, tmp_path / "ix", engine_name=engine_name)
    served = fingerprint(first.path)
    edit(docs, "q1.md", "Dropout", "Zebra")

    def broken(directory, remove, records):
        (directory / "half-written").write_bytes(b"x")
        raise OSError("No space left on device")

    monkeypatch.setattr(engine(engine_name), "update", broken)
    with pytest.raises(OSError):
        build(docs, tmp_path / "ix", engine_name=engine_name)
    assert store.current_version(tmp_path / "ix") == first.version and fingerprint(first.path) == served
    assert not list((tmp_path / "ix").glob(".tmp-*"))
    monkeypatch.undo()
    assert build(docs, tmp_path / "ix", engine_name=engine_name).changed_pages == 1  # the edit is still seen


def test_a_served_index_follows_incremental_builds(docs, tmp_path, engine_name):
    build(docs, tmp_path / "ix", engine_name=engine_name)
    search = SearchIndex(tmp_path / "ix", engine=engine_name)
    assert search.search(parse_params({"q": "zebra"}))["unmatched"] == ["zebra"]
    edit(docs, "q1.md", "Dropout", "Zebra")
    build(docs, tmp_path / "ix", engine_name=engine_name)
    response = search.search(parse_params({"q": "zebra"}))
    assert [r["id"] for r in response["results"]][:1] == ["sample-exam/q1"] and response["unmatched"] == []
    assert search.search(parse_params({"q": "zebar"}))["suggestion"] == "zebra"  # the vocabulary followed
