"""Source document -> questions and parts: the parsing stage of the importer.

`parse_document` is pure: text in, a `Document` out (or a `DocumentError` naming
the line). Repairs are applied here, in order, and counted in `Document.repairs`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kb.ingest.lines import BLANK, HEADING, MATH, TEXT, DocumentError, Line, classify
from kb.ingest.markers import PartMarker, QuestionMarker, match_part, match_question, next_label
from kb.ingest.outline import normalize_headings
from kb.ingest.repair import join_page_breaks, repair_display_block, repair_math


@dataclass
class Section:
    """The text of a question before its first part (part None), or of one part."""

    part: PartMarker | None
    marker_line: int  # source line of the part marker (the question's for the intro)
    lines: list[Line]


@dataclass
class Question:
    marker: QuestionMarker
    first_line: int
    last_line: int
    intro: Section
    parts: list[Section] = field(default_factory=list)


@dataclass
class Document:
    source: str
    preamble: list[Line]  # text before the first question, kept for the collection page
    questions: list[Question]
    repairs: Counter
    warnings: list[str]


def decode(data: bytes, source: str) -> str:
    """UTF-8 text with Unix newlines; other encodings are an error at the offending line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(source, line, f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise DocumentError(source, text[: text.index("\x00")].count("\n") + 1, "contains NUL bytes; is it a binary file?")
    if not text.strip():
        raise DocumentError(source, 1, "is empty")
    return text


def _repair(lines: list[Line], repairs: Counter) -> list[Line]:
    """Math repairs line by line; a multi-line `$$` block is repaired as a whole."""
    out = []
    for line in lines:
        if line.kind in (TEXT, HEADING):
            line = Line(line.number, repair_math(line.text, repairs), line.kind)
        elif line.kind == MATH:
            line = Line(line.number, repair_display_block([line.text], repairs)[0], line.kind)
        out.append(line)
    return out


def _trim_blank(lines: list[Line]) -> list[Line]:
    start, end = 0, len(lines)
    while start < end and lines[start].kind == BLANK:
        start += 1
    while end > start and lines[end - 1].kind == BLANK:
        end -= 1
    return lines[start:end]


def _split_parts(body: list[Line], intro_line: int, warnings: list[str], source: str) -> tuple[Section, list[Section]]:
    """Cut a question's lines at its part markers, which must come in order: (a), (b)... or (i), (ii)..."""
    intro = Section(None, intro_line, [])
    parts: list[Section] = []
    current, previous, roman = intro, None, False
    for line in body:
        marker = match_part(line.text) if line.kind in (TEXT, HEADING) else None
        if marker:
            if previous is None:
                roman = marker.label == "i"
            if marker.label == next_label(previous, roman):
                current = Section(marker, line.number, [])
                parts.append(current)
                previous = marker.label
                continue
            if previous is not None or marker.label not in ("a", "i"):
                warnings.append(f"{source}:{line.number}: '({marker.label})' looks like a part marker "
                                f"but does not follow '({previous or '-'})'; kept as text")
        current.lines.append(line)
    return intro, parts


def parse_document(text: str, source: str) -> Document:
    """Split a decoded answer sheet into repaired questions and parts."""
    repairs: Counter = Counter()
    warnings: list[str] = []
    lines = _repair(classify(text, source), repairs)

    starts: list[tuple[int, QuestionMarker]] = []
    seen: dict[int, int] = {}
    for index, line in enumerate(lines):
        if line.kind not in (TEXT, HEADING):
            continue
        marker = match_question(line.text)
        if not marker:
            continue
        if marker.number in seen:
            raise DocumentError(source, line.number, f"question {marker.number} appears again (first at line {seen[marker.number]})")
        seen[marker.number] = line.number
        starts.append((index, marker))
    if not starts:
        raise DocumentError(source, 1, "has no question markers (expected lines such as 'Q1:', '## Question 2' or 'Problem 3:')")

    questions = []
    for k, (index, marker) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = lines[index + 1:end]
        if marker.body:  # "Q2: The answer starts here." keeps its words as the first line
            body = [Line(lines[index].number, marker.body, TEXT), Line(lines[index].number, "", BLANK)] + body
        intro, parts = _split_parts(body, lines[index].number, warnings, source)
        for section in [intro, *parts]:
            base = 3 if section.part else 2
            section.lines = _trim_blank(normalize_headings(join_page_breaks(section.lines, repairs), base))
        content = [ln for ln in body if ln.kind != BLANK]
        if not content:
            warnings.append(f"{source}:{lines[index].number}: question {marker.number} has no text")
        last = content[-1].number if content else lines[index].number
        questions.append(Question(marker, lines[index].number, last, intro, parts))
    return Document(source, _trim_blank(lines[: starts[0][0]]), questions, repairs, warnings)
