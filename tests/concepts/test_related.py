"""Related questions computed once for all pages (bit-sliced counts) equal the one-at-a-time definition."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from kb.concepts import related
from kb.concepts.linker import Linker

REPO = Path(__file__).resolve().parents[2]


def test_fast_equals_reference_on_random_concept_sets():
    rng = random.Random(3)
    slugs = [f"c{i}" for i in range(40)]
    order = [f"questions/x/q{n}.md" for n in range(400)]
    # Skewed popularity, so counts reach 8 and more (several bit planes) and ties abound.
    concepts_of = {path: list(dict.fromkeys(rng.choices(slugs, weights=range(40, 0, -1), k=rng.randint(0, 12))))
                   for path in order}
    fast = related.all_related(order, concepts_of, 5)
    for path in order:
        assert fast.get(path, []) == related.reference(order, concepts_of, path, 5), path
    assert any(len(v) == 5 for v in fast.values()) and any(not concepts_of[p] for p in order)


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_every_limit_keeps_ties_in_question_order(limit):
    order = ["a", "b", "c", "d", "e"]
    concepts_of = {"a": ["x", "y"], "b": ["x"], "c": ["x", "y"], "d": [], "e": ["y"]}
    fast = related.all_related(order, concepts_of, limit)
    assert fast["a"] == ["c", "b", "e"][:limit]
    assert "d" not in fast and fast["b"] == ["a", "c"][:limit]


def test_graph_on_a_generated_corpus_matches_the_reference(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    import bench_linking

    docs = bench_linking.generate(tmp_path, 300, 60)
    pages = [(p.relative_to(docs).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(docs.rglob("*.md"))]
    graph = Linker.from_pages(pages).graph
    order = list(graph.questions)
    checked = 0
    for path in order:
        got = [q.path for q, _ in graph.related_questions(path)]
        assert got == related.reference(order, graph.by_question, path, 5), path
        checked += bool(got)
    assert checked > 250


def test_a_concept_page_gives_excerpts_for_the_first_questions_and_titles_for_the_rest(monkeypatch):
    from kb.concepts import listings

    monkeypatch.setattr(listings, "EXCERPTS_UP_TO", 2)
    concept = "---\ntitle: Softmax\n---\n# Softmax\n"
    pages = [("concepts/softmax.md", concept)] + [
        (f"questions/c/q{n}.md", "---\n" + f"id: c/q{n}\ncollection: c\nquestion: {n}\ntitle: T{n}\nparts:\n"
         "- {label: a, title: A, anchor: part-a}\nsource: {file: s.txt, lines: [1, 2]}\nhash: x\n---\n"
         f"# Q{n}\n\n## (a) A {{#part-a}}\n\nThe softmax here {n}.\n") for n in range(1, 5)]
    footer = Linker.from_pages(pages).listing("concepts/softmax.md")[0]
    assert footer.count("#part-a") == 2 and footer.count("The softmax here") == 2
    assert all(f"../../questions/c/q{n}/" in footer for n in range(1, 5))
