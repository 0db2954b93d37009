"""A build shared out over processes (each reads and writes the index of a share of the pages, the
engine joins them) searches exactly as a build in one process: the same totals, hits and scores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from search_api.engines import engine
from search_api.indexer import MANIFEST, build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

QUERIES = ("dropout", "attention", "latent space", "QK^T", "droput", "\"hidden layer\"", "gradient pooling",
           "variance of the encoder", "KL-divergence")
WORDS = ("attention dropout pooling gradient softmax entropy variance latent encoder decoder hidden layer "
         "KL-divergence QK^T convolution stride").split()
PAGE = """---
id: generated/q{n}
collection: generated
question: {n}
title: "{title}"
parts:
- {{label: a, title: First part, anchor: part-a}}
- {{label: b, title: Second part, anchor: part-b}}
source: {{file: sources/generated.txt, lines: [1, 2]}}
tags: []
hash: sha256:test
---
# Q{n}. {title}

## (a) First part {{#part-a}}

{a}

## (b) Second part {{#part-b}}

{b}
"""


@pytest.fixture
def docs(tmp_path, fixture_docs) -> Path:
    docs = Path(shutil.copytree(fixture_docs, tmp_path / "docs"))
    (docs / "questions" / "generated").mkdir()
    for n in range(1, 61):
        words = [WORDS[(n * 7 + i * i) % len(WORDS)] for i in range(40 + n % 13)]
        (docs / "questions" / "generated" / f"q{n}.md").write_text(PAGE.format(
            n=n, title=" ".join(words[:4]), a=" ".join(words[4:30]), b=" ".join(words[30:])), encoding="utf-8")
    return docs


def answers(index: Path) -> dict:
    search = SearchIndex(index, cache_size=0)
    found = {}
    for q in QUERIES:
        response = search.search(parse_params({"q": q, "limit": "50"}))
        found[q] = (response["total"], sorted((r["id"], r["score"], r["snippet"]) for r in response["results"]))
    return found


@pytest.mark.parametrize("name", [name for name in ("tantivy", "whoosh") if hasattr(engine(name), "join")])
def test_a_build_in_two_processes_searches_as_one_in_one(docs, tmp_path, name):
    one = build(docs, tmp_path / "one", procs=1, engine_name=name)
    two = build(docs, tmp_path / "two", procs=2, engine_name=name)
    assert (one.documents, one.counts) == (two.documents, two.counts)
    assert answers(tmp_path / "one") == answers(tmp_path / "two")
    assert any(total > 20 for total, _ in answers(tmp_path / "two").values())  # the queries do match
    # what incremental builds and the typo corrections read is the same too
    for file in (MANIFEST, "vocabulary.json"):
        assert json.loads((one.path / file).read_text()) == json.loads((two.path / file).read_text())
    assert not [p for p in two.path.iterdir() if p.name.startswith("part-")]  # the shares were joined
    # and the joined index takes incremental updates like any other
    page = docs / "questions" / "generated" / "q7.md"
    page.write_text(page.read_text(encoding="utf-8").replace("First part", "Zebra crossing"), encoding="utf-8")
    assert build(docs, tmp_path / "two", engine_name=name).incremental
    hits = SearchIndex(tmp_path / "two", cache_size=0).search(parse_params({"q": "zebra crossing"}))["results"]
    assert [r["id"] for r in hits][:1] == ["generated/q7#part-a"]


def test_joining_refuses_indexes_of_different_schemas(tmp_path):
    from search_api.engines import tantivy_engine
    from search_api.records import Record

    record = Record(id="x", type="question", title="A title", url="x/", body="some words")
    tantivy_engine.write([record], tmp_path / "a")
    tantivy_engine.write([record], tmp_path / "b")
    meta = json.loads((tmp_path / "b" / "meta.json").read_text())
    meta["schema"] = meta["schema"][:-1]
    (tmp_path / "b" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="different schemas"):
        tantivy_engine.join([tmp_path / "a", tmp_path / "b"], tmp_path / "joined")
    assert not (tmp_path / "joined").exists()
