"""Every marker example the README names really imports: the README's list is true."""

import re
from pathlib import Path

import pytest

from kb.ingest.document import parse_document
from kb.ingest.markers import ROMAN, match_part

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
PARAGRAPH = README[README.index("The importer recognises question markers such as"):]
QUESTIONS = re.findall(r"`([^`]+)`", PARAGRAPH[:PARAGRAPH.index("Of all the shapes")])
PARTS = re.findall(r"`([^`]+)`", PARAGRAPH[PARAGRAPH.index("recognises parts such as"):PARAGRAPH.index("a part marker followed")])
SECTION = re.search(r"Section headings above the questions, such as `([^`]+)`", PARAGRAPH)[1]


def test_the_readme_names_the_markers_the_issue_asked_for():
    assert len(QUESTIONS) == 17 and len(PARTS) == 8
    for shape in ("### 1. What is X?", "**Q5.** Is Z equivalent to W?", "Question 1) What is X?", "## What is Y?"):
        assert shape in QUESTIONS


@pytest.mark.parametrize("example", QUESTIONS)
def test_each_question_marker_example_imports_as_one_question(example):
    doc = parse_document(f"Preamble.\n\n{example}\n\nThe answer.\n", "readme.md")
    assert len(doc.questions) == 1, example
    question = doc.questions[0]
    assert "The answer." in [line.text for line in question.intro.lines]
    assert "[[src]" not in question.marker.title and "**" not in question.marker.title
    if example.rstrip("*").endswith("?"):
        assert question.marker.title.endswith("?")  # the question on the marker line is the title


@pytest.mark.parametrize("example", PARTS)
def test_each_part_marker_example_imports_as_a_part(example):
    example = example.replace("…", "Prompt")
    marker = match_part(example)
    assert marker is not None, example
    order = ROMAN if marker.label in ROMAN else [chr(c) for c in range(ord("a"), ord("z") + 1)]
    before = "".join(f"({label})\n\nText.\n\n" for label in order[: order.index(marker.label)])
    doc = parse_document(f"Q1:\n\nIntro.\n\n{before}{example}\n\nThe part's answer.\n", "readme.md")
    last = doc.questions[0].parts[-1]
    assert last.part.label == marker.label and "The part's answer." in [line.text for line in last.lines]


def test_the_section_heading_example_becomes_a_group():
    doc = parse_document(f"**What is X?**\n\nA.\n\n{SECTION}\n\n**What is Y?**\n\nB.\n", "readme.md")
    assert [q.group for q in doc.questions] == ["", SECTION.lstrip("# ")]
