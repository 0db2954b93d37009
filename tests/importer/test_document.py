"""Parsing the hand-written fixture document: questions, parts, titles, structure, repairs."""

from pathlib import Path

import pytest

from kb.ingest.convert import decode
from kb.ingest.document import parse_document
from kb.ingest.lines import DocumentError

FIXTURE = Path(__file__).parent / "fixtures" / "all-markers.txt"


@pytest.fixture(scope="module")
def doc():
    return parse_document(decode(FIXTURE.read_bytes(), "all-markers.txt"), "all-markers.txt")


def test_every_marker_style_starts_one_question(doc):
    assert [q.marker.number for q in doc.questions] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_markers_in_sentences_and_code_do_not_start_questions(doc):
    q1 = doc.questions[0]
    assert "As discussed in Question 2:" in "\n".join(l.text for l in q1.intro.lines)
    q5_text = "\n".join(l.text for s in doc.questions[4].parts for l in s.lines)
    assert "Q6: inside a code block" in q5_text and "(a) nor a part" in q5_text


def test_every_part_style(doc):
    parts = {q.marker.number: [(s.part.label, s.part.title) for s in q.parts] for q in doc.questions}
    assert parts[1] == [("a", "Letter part in parentheses"), ("b", "Second part")]
    assert parts[2] == [("a", "Bold part prompt?"), ("b", "Heading part with colon")]
    assert parts[3] == [("a", "Part word in a heading"), ("b", "Part letter with a dot")]
    assert parts[4] == [("a", "Bare letter part"), ("b", "Second bare part")]
    assert parts[5] == [("i", "Roman first"), ("ii", "Roman second")]
    assert parts[6] == parts[7] == parts[8] == []


def test_out_of_order_part_stays_text_with_a_warning(doc):
    text = "\n".join(l.text for l in doc.questions[3].parts[1].lines)
    assert "(d) out of order stays text." in text
    assert any("'(d)'" in w and "all-markers.txt:" in w for w in doc.warnings)


def test_marker_titles(doc):
    titles = {q.marker.number: q.marker.title for q in doc.questions}
    assert titles[2] == "Heading marker with a title"
    assert titles[5] == "Early stopping"
    assert titles[1] == ""


def test_preamble_is_kept(doc):
    assert [l.text for l in doc.preamble] == ["Midterm answers, spring term."]


def test_math_repairs_are_applied_and_counted(doc):
    q2 = "\n".join(l.text for l in doc.questions[1].parts[0].lines)
    assert "$D_{KL}(q || p_\\theta)$" in q2
    q6 = "\n".join(l.text for l in doc.questions[5].intro.lines)
    assert "$\\mathbb{R}^n$" in q6 and "$\\mathbb{R}^{n \\times d}$" in q6
    q1 = "\n".join(l.text for l in doc.questions[0].parts[0].lines)
    assert "$x^2$" in q1
    assert doc.repairs["D-KL-subscript"] == 1
    assert doc.repairs["p-theta-subscript"] == 1
    assert doc.repairs["blackboard-R"] == 1
    assert doc.repairs["matrix-space-R"] == 1
    assert doc.repairs["trim-inline-math-spaces"] == 1


def test_page_break_is_rejoined_but_paragraphs_stay(doc):
    text = [l.text for l in doc.questions[4].parts[1].lines]
    assert "Roman text two, cut by a page break in the middle of a sentence." in text
    assert doc.repairs["page-break-joined"] == 1


def test_numbered_sibling_headings_become_siblings(doc):
    headings = [l.text for l in doc.questions[5].intro.lines if l.text.startswith("#")]
    assert headings == ["## 1. First reason", "## 2. Second reason"]


@pytest.mark.parametrize(
    "data, line, message",
    [
        (b"", 1, "is empty"),
        (b"  \n\n\t\n", 1, "is empty"),
        (b"Just some notes.\nNo markers here.\n", 1, "no question markers"),
        (b"Q1:\nfine\n\xff\xfe broken\n", 3, "is not UTF-8"),
        (b"Q1:\ntext\n\n$$\nx = 1\n", 4, "'$$' opened here is never closed"),
        (b"Q1:\ntext\n```python\nprint(1)\n", 3, "code fence '```' opened here is never closed"),
        (b"Q1:\nbinary\x00junk\n", 2, "NUL bytes"),
    ],
)
def test_bad_documents_name_file_and_line(data, line, message):
    with pytest.raises(DocumentError) as info:
        parse_document(decode(data, "bad.txt"), "bad.txt")
    assert info.value.line == line
    assert message in str(info.value)
    assert str(info.value).startswith(f"bad.txt:{line}:")


def test_a_repeated_number_is_a_warning_and_the_page_keeps_the_label():
    doc = parse_document("Q1:\nA\n\nQ2:\nB\n\n## Q1:\nC\n", "rep.txt")
    assert [(q.marker.number, q.label) for q in doc.questions] == [(1, "Q1"), (2, "Q2"), (3, "Q1")]
    assert doc.warnings == ["rep.txt:7: Q1 appears again (first at line 1); written as page 3"]
