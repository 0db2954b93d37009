"""Every format and layout example the README names really imports: the README's tables are true."""

import re
from pathlib import Path

import pytest

from kb.ingest.convert import EXTENSIONS, FORMATS
from kb.ingest.document import parse_document
from kb.ingest.markers import ROMAN, match_part

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README[README.index("**Add a document.**"):README.index("## Other commands")]


def table(after: str) -> list[list[str]]:
    """The rows of the first Markdown table after `after`, as cells."""
    rest = SECTION[SECTION.index(after):]
    lines = [ln for ln in rest.split("\n\n", 2)[1].splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines[2:]]


FORMAT_ROWS = table("*Formats.*")
LAYOUT_ROWS = table("*Layouts.*")
PARTS = re.findall(r"`([^`]+)`", SECTION[SECTION.index("recognises parts such as"):SECTION.index("a part marker followed")])


def test_the_readme_lists_every_format_the_importer_reads():
    listed = {ext for row in FORMAT_ROWS for ext in re.findall(r"`(\.\w+)`", row[1])}
    assert listed == set(EXTENSIONS)
    assert len(FORMAT_ROWS) == len(FORMATS) == 8


def test_the_readme_shows_the_layouts_the_issue_named():
    assert len(LAYOUT_ROWS) >= 15
    examples = " ".join(row[1] for row in LAYOUT_ROWS)
    for shape in ("👶", "### Q1: What are autoencoders? ###", "41. [E]", "### Inline Question 1:", "##  1 Softmax"):
        assert shape in examples


@pytest.mark.parametrize("layout, example, title", LAYOUT_ROWS, ids=[row[0] for row in LAYOUT_ROWS])
def test_each_layout_example_imports_as_one_question_with_its_title(layout, example, title):
    lines = re.findall(r"`([^`]+)`", example)
    doc = parse_document("Preamble.\n\n" + "\n\n".join(lines) + "\n\nThe answer, in the source's words.\n", "readme.md")
    assert [q.marker.title for q in doc.questions] == [title], (layout, doc.dialect)
    assert not [w for w in doc.warnings if "round trip" in w]


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


def test_reasons_on_consecutive_lines_stay_a_list():
    doc = parse_document("## Q1: Why?\n\nReasons:\na) speed\nb) memory\n\n## Q2: How?\n\nSo.\n", "readme.md")
    assert doc.questions[0].parts == [] and "a) speed" in [line.text for line in doc.questions[0].intro.lines]
