"""The seed answer sheet: expected questions and parts, structure, repairs, and no word lost."""

import re
from collections import Counter
from pathlib import Path

import pytest

from kb.ingest.convert import decode
from kb.ingest.importer import load_source, plan_pages
from kb.ingest.markers import match_part, match_question
from kb.pages import question_from_text
from kb.ingest.repair import repair_math

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "sources" / "deep-learning-exam-answers.txt"

EXPECTED_PARTS = {1: [], 2: [], 3: ["a", "b"], 4: [], 5: [], 6: ["a", "b", "c"], 7: ["a", "b"],
                  8: ["a", "b", "c", "d"], 9: ["a", "b", "c"], 10: ["a", "b"]}


@pytest.fixture(scope="module")
def pages():
    source = load_source(SEED, ROOT)
    files = plan_pages(source)
    return {f.path: question_from_text(f.text, f.path) for f in files if "/q" in f.path}, source


def test_seed_questions_and_parts(pages):
    by_number = {p.question: p for p in pages[0].values()}
    assert {n: [part.label for part in p.parts] for n, p in by_number.items()} == EXPECTED_PARTS
    for page in by_number.values():
        for part in page.parts:
            assert part.anchor == f"part-{part.label}"
            assert f"{{#{part.anchor}}}" in page.body


def test_seed_titles_come_from_the_metadata_file(pages):
    titles = {p.question: p.title for p in pages[0].values()}
    assert titles[6] == "Inductive bias"
    assert titles[7] == "The cost of attention"
    assert all(t and not t.startswith("Question ") for t in titles.values())


def test_one_h1_and_no_skipped_levels(pages):
    for path, page in pages[0].items():
        levels, in_code = [], False
        for line in page.body.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            m = re.match(r"^(#{1,6}) (.*)$", line)
            if m and not in_code:
                levels.append(len(m[1]))
                assert "**" not in m[2] and not m[2].rstrip(" {}#-a-z").endswith(":"), (path, line)
        assert levels[0] == 1 and levels.count(1) == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (path, levels)


def test_q2_five_reasons_are_siblings(pages):
    q2 = next(p for p in pages[0].values() if p.question == 2)
    reasons = re.findall(r"^(#+) (\d)\. ", q2.body, re.M)
    assert [n for _, n in reasons] == ["1", "2", "3", "4", "5"]
    assert len({level for level, _ in reasons}) == 1


@pytest.mark.parametrize(
    "question, joined",
    [
        (2, "Each layer can build on the abstractions learned by the previous layer"),
        (2, "deeper networks (with multiple hidden layers) are often necessary"),
        (8, "negligible weights (close to 0) to the rest."),
    ],
)
def test_page_breaks_rejoined(pages, question, joined):
    page = next(p for p in pages[0].values() if p.question == question)
    assert joined in page.body


def test_real_paragraph_breaks_stay(pages):
    q8 = next(p for p in pages[0].values() if p.question == 8)
    # "(b)" ends without punctuation, but the next line is a part marker, not a continuation.
    assert "one to one alignment\n\n## (c)" in q8.body


def test_math_repaired_and_counted(pages):
    source = pages[1]
    text = "\n".join(p.body for p in pages[0].values())
    for damaged in ("\\{R\\}", "DKL", "p\\theta", "$R^{"):
        assert damaged not in text
    assert "$\\mathbb{R}^n$" in text and "\\mathbb{R}^{n \\times d}" in text
    assert "D_{KL}(q(x_{1:T} | x_0) || p_\\theta(x_{1:T} | x_0))" in text
    assert source.document.repairs == Counter({"p-theta-subscript": 7, "D-KL-subscript": 6, "matrix-space-R": 4,
                                               "blackboard-R": 2, "page-break-joined": 3})


def _words(text: str) -> Counter:
    return Counter(re.findall(r"[A-Za-z0-9]+", text))


def test_no_word_of_the_source_is_lost(pages):
    """Every word outside the question and part markers appears in the pages (after the listed math repairs)."""
    text = decode(SEED.read_bytes(), "seed")
    kept = []
    for line in text.splitlines():
        if match_question(line):
            continue
        part = match_part(line)
        kept.append(repair_math(part.title if part else line, Counter()))
    source_words = _words("\n".join(kept))
    page_words = _words("\n".join(p.body for p in pages[0].values()))
    missing = source_words - page_words
    assert not missing, missing
