"""Source document -> questions and parts: the parsing stage of the importer.

`parse_document` is pure: text in, a `Document` out (or a `DocumentError` naming
the line). Repairs are applied here, in order, and counted in `Document.repairs`.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from kb.ingest.dialect import Candidate, Dialect, choose
from kb.ingest.lines import BLANK, HEADING, MATH, TEXT, DocumentError, Line, classify
from kb.ingest.markers import PartMarker, QuestionMarker, match_heading, match_part, next_label, strip_emphasis
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
    last_line: int  # last line with text
    intro: Section
    parts: list[Section] = field(default_factory=list)
    group: str = ""  # title of the section heading above the question, if the document has sections
    span: tuple[int, int] = (0, 0)  # every source line this question owns, trailing blank lines included


@dataclass
class Group:
    """A section heading above questions, and the text between it and its first question."""

    title: str
    line: int
    intro: list[Line]
    span: tuple[int, int]


@dataclass
class Document:
    source: str
    preamble: list[Line]  # text before the first question or section, kept for the collection page
    questions: list[Question]
    repairs: Counter
    warnings: list[str]
    dialect: Dialect | None = None
    groups: list[Group] = field(default_factory=list)
    title: str = ""  # the preamble's own H1, if it opens with one
    preamble_span: tuple[int, int] = (1, 0)  # empty when the document starts with a question
    line_count: int = 0
    lines: list[Line] = field(default_factory=list)  # every source line, classified and repaired


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
                # "(a) With temperature $T$, the softmax ...": the answer on the marker line is body.
                current = Section(marker, line.number, [Line(line.number, marker.body, TEXT)] if marker.body else [])
                parts.append(current)
                previous = marker.label
                continue
            if previous is not None or marker.label not in ("a", "i"):
                warnings.append(f"{source}:{line.number}: '({marker.label})' looks like a part marker "
                                f"but does not follow '({previous or '-'})'; kept as text")
        current.lines.append(line)
    return intro, parts


def _group_headings(lines: list[Line], markers: list[Candidate]) -> list[int]:
    """Indexes of the section headings that group questions, or none when the structure is not clear.

    Sections sit above the questions' own level, at the shallowest level seen after the first
    question; each must lead straight to a question, no two in one answer, no title twice.
    Anything less tidy is an answer's own structure, and stays in the answer.
    """
    qlevel = min(c.level or 7 for c in markers)
    starts = [c.index for c in markers]
    taken = set(starts)
    heads = [(i, match_heading(line.text)) for i, line in enumerate(lines) if line.kind == HEADING and i not in taken]
    heads = [(i, h[0], strip_emphasis(h[1])) for i, h in heads if h[0] < qlevel]
    later = [level for i, level, _ in heads if i > starts[0]]
    if not later:
        return []
    shallowest = min(later)
    chosen, titles, stretches = [], set(), set()
    for i, level, title in heads:
        if level != shallowest:
            continue
        k = bisect.bisect(starts, i)
        if k == len(starts):
            continue  # after the last question: part of its answer
        between = range(i + 1, starts[k])
        if any(lines[j].kind == HEADING for j in between):
            if k == 0:
                continue  # a heading of the preamble, followed by the first section's
            return []
        if k in stretches or title in titles:
            return []
        chosen.append(i)
        stretches.add(k)
        titles.add(title)
    return chosen


def _span(lines: list[Line], start: int, end: int) -> tuple[int, int]:
    return (lines[start].number, lines[end - 1].number) if end > start else (0, -1)


def parse_document(text: str, source: str, dialect: str = "") -> Document:
    """Split a decoded answer sheet into repaired questions and parts; `dialect` pins the marker shape."""
    repairs: Counter = Counter()
    lines = _repair(classify(text, source), repairs)
    choice = choose(lines, source, dialect)
    warnings = list(choice.warnings)
    heads = _group_headings(lines, choice.markers)
    bounds = sorted([(c.index, c) for c in choice.markers] + [(i, None) for i in heads], key=lambda b: b[0])

    questions, groups, group = [], [], ""
    for k, (index, candidate) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(lines)
        body = lines[index + 1:end]
        if candidate is None:
            group = strip_emphasis(match_heading(lines[index].text)[1])
            intro = _trim_blank(normalize_headings(body, 3))
            groups.append(Group(group, lines[index].number, intro, _span(lines, index, end)))
            continue
        marker = candidate.marker
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
        questions.append(Question(marker, lines[index].number, last, intro, parts, group, _span(lines, index, end)))

    preamble = _trim_blank(lines[: bounds[0][0]])
    title = ""
    if preamble and preamble[0].kind == HEADING and match_heading(preamble[0].text)[0] == 1:
        title = strip_emphasis(match_heading(preamble[0].text)[1])
        preamble = _trim_blank(preamble[1:])
    preamble = normalize_headings(preamble, 2)
    warnings.sort(key=lambda w: int(w[len(source) + 1:].split(":", 1)[0]))  # in source order
    return Document(source, preamble, questions, repairs, warnings, choice.dialect, groups, title,
                    _span(lines, 0, bounds[0][0]), len(lines), lines)
