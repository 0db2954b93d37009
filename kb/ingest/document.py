"""Source document -> questions and parts: the parsing stage of the importer.

`parse_document` is pure: text in, a `Document` out (or a `DocumentError` naming
the line). Repairs are applied here, in order, and counted in `Document.repairs`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from kb.ingest.cleanup import DROPPED, FOLD_CLOSE, FOLD_OPEN, clean_lines, plain_title
from kb.ingest.blocks import HEADING as HEADING_BLOCK, PARAGRAPH, Block, parse_blocks
from kb.ingest.outline import Candidate, Dialect, choose, question_likeness
from kb.ingest.lines import BLANK, HEADING, MATH, TEXT, Line, classify
from kb.ingest.markers import (PartMarker, QuestionMarker, match_heading, match_part, next_label, split_marks,
                               strip_emphasis)
from kb.ingest.headings import normalize_headings
from kb.ingest.invisible import BIDI_CONTROLS, RULE as INVISIBLE_RULE, has_invisible, look_alikes, visible
from kb.ingest.limits import check_page, check_text, flatten
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
    label: str = ""  # the source's own label ("Q1", "Week 2 · Q1", "41"); "" when it gives none
    open: bool = False  # the source gives no answer: an open question page
    head: int = 1  # source lines the marker takes (a title cut over two lines, a setext heading)


@dataclass
class Group:
    """A section heading above questions, and the text between it and its first question."""

    title: str
    line: int
    intro: list[Line]
    span: tuple[int, int]
    depth: int = 1  # 1 for a top-level section, 2 for a section inside one, ...


@dataclass
class Document:
    source: str
    preamble: list[Line]  # text before the first question or section, kept for the collection page
    questions: list[Question]
    repairs: Counter
    warnings: list[str]
    dialect: Dialect | None = None
    groups: list[Group] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)  # (line, why): a table of contents, "back to top"
    title: str = ""  # the preamble's own H1, if it opens with one
    preamble_span: tuple[int, int] = (1, 0)  # empty when the document starts with a question
    line_count: int = 0
    lines: list[Line] = field(default_factory=list)  # every source line, classified and repaired


def _repair(lines: list[Line], repairs: Counter) -> list[Line]:
    """Math repairs line by line; a multi-line `$$` block is repaired as a whole."""
    out = []
    for line in lines:
        if line.kind in (TEXT, HEADING):
            fixed = repair_math(line.text, repairs)
        elif line.kind == MATH:
            fixed = repair_display_block([line.text], repairs)[0]
        else:
            fixed = line.text
        out.append(line if fixed == line.text else Line(line.number, fixed, line.kind))  # most lines: untouched
    return out


def _visible(lines: list[Line], repairs: Counter, source: str) -> tuple[list[Line], list[str]]:
    """Lines without invisible characters (counted as a repair); a bidirectional control is also a warning."""
    out, warnings = [], []
    for line in lines:
        text, removed = visible(line.text)
        if removed:
            repairs[INVISIBLE_RULE] += removed
            if any(c in BIDI_CONTROLS for c in line.text):
                warnings.append(f"{source}:{line.number}: bidirectional control characters removed "
                                f"(they reorder what a page shows)")
            line = Line(line.number, text, line.kind)
        out.append(line)
    return out, warnings


def _trim_blank(lines: list[Line]) -> list[Line]:
    start, end = 0, len(lines)
    while start < end and lines[start].kind in (BLANK, DROPPED):
        start += 1
    while end > start and lines[end - 1].kind in (BLANK, DROPPED):
        end -= 1
    return lines[start:end]


def _split_parts(body: list[Line], intro_line: int, warnings: list[str], source: str,
                 starts: dict[int, int]) -> tuple[Section, list[Section]]:
    """Cut a question's lines at its part markers, which must start a block and come in order: (a), (b)... or
    (i), (ii)...; a lone "(a)" that runs on into more lines of its block is text (reasons written a) ... d) on
    consecutive lines are one block, a list, not parts). `starts` maps a block's first line to its length."""
    intro = Section(None, intro_line, [])
    parts: list[Section] = []
    current, previous, roman = intro, None, False
    said = len(warnings)
    for line in body:
        marker = match_part(line.text) if line.kind in (TEXT, HEADING) and line.number in starts else None
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
    if len(parts) == 1 and starts[parts[0].marker_line] > 1:
        del warnings[said:]
        return Section(None, intro_line, list(body)), []
    return intro, parts


def _group_headings(lines: list[Line], markers: list[Candidate], blocks: list[Block]) -> dict[int, int]:
    """The section headings that group questions, as {line index: depth}; none when the structure is not clear.

    A section heading sits above the questions' own level and leads to a question: between it and
    the next question there is text and, at most, deeper section headings (a chapter, then a topic).
    A level any of whose headings after the first question does not lead to one is an answer's own
    structure, and so is a level whose titles repeat; both stay in the answers.
    """
    qlevel = min(c.level or 7 for c in markers)
    starts = [c.index for c in markers]
    taken = set(starts)
    heads = [(b.start, b.level, strip_emphasis(b.text)) for b in blocks
             if b.kind == HEADING_BLOCK and b.start not in taken and b.level < qlevel]
    first = next((i for i, line in enumerate(lines) if line.kind != BLANK), None)
    if heads and heads[0][0] == first and heads[0][1] == 1 and sum(h[1] == 1 for h in heads) == 1:
        heads = heads[1:]  # the document's title, not a section
    if not any(i > starts[0] for i, _, _ in heads):
        return {}
    levels = sorted({level for _, level, _ in heads})
    while True:
        sections: set[int] = set()
        for i, level, _ in reversed(heads):
            if level not in levels:
                continue
            k = bisect.bisect(starts, i)
            if k == len(starts):
                continue  # after the last question: part of its answer
            between = [h for h in heads if i < h[0] < starts[k]]
            if all(h[0] in sections and h[1] > level for h in between):
                sections.add(i)
        bad = {level for i, level, _ in heads if level in levels and i > starts[0] and i not in sections}
        for level in levels:
            titles = [t for i, lv, t in heads if lv == level and i in sections]
            if len(titles) != len(set(titles)):
                bad.add(level)
        if not bad:
            break
        levels = [lv for lv in levels if lv < min(bad)]
    used = sorted({level for i, level, _ in heads if i in sections})
    return {i: used.index(level) + 1 for i, level, _ in heads if i in sections}


# Lines that hold no answer: a rule, an empty "**Answer:**" label, a placeholder left for someone to fill in
# ("Answer here", "_[To be filled]_", "*fill this in.*", "TODO").
PLACEHOLDER = r"(?:fill (?:this|it) in|to be (?:filled|added|written|done)(?: in)?|(?:your |the )?answer here|here|todo|tbd|tba|" \
              r"coming soon|write your answer here|\.\.\.|…)"
NO_ANSWER = re.compile(r"^(?:[-*_]\s*){3,}$|^(?:\*\*|__)?\s*(?:(?:your\s+|model\s+|sample\s+)?(?:answer|solution|explanation)s?)?"
                       r"\s*:?\s*(?:\*\*|__)?\s*:?\s*(?:[*_(\[\s]*" + PLACEHOLDER + r"?[.!]?[*_)\]\s]*)$", re.I)
LIST_LINE = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")


def _statement(intro: list[Line], starts: dict[int, int]) -> tuple[str, int]:
    """(title, lines) of a question's opening paragraph when it asks the question ("## Question 1", then
    "**What is X?**"), else ("", 0). The paragraph stays in the page; the title is its plain words."""
    if not intro or intro[0].kind != TEXT or intro[0].number not in starts:
        return "", 0
    size = starts[intro[0].number]
    text = " ".join(line.text.strip() for line in intro[:size])
    if len(text) > 300 or LIST_LINE.match(text) or match_part(text):
        return "", 0
    title, _, _ = split_marks(strip_emphasis(text))
    if question_likeness(title, False, False, PARAGRAPH) < 0.8:
        return "", 0
    return title, size


def _answered(lines: list[Line], bank: bool) -> bool:
    """Whether lines hold an answer: not only rules, empty answer labels and placeholders (and, in a question
    bank, not only the nested items and hints of the question itself)."""
    for line in lines:
        if line.kind in (BLANK, DROPPED, FOLD_OPEN, FOLD_CLOSE) or NO_ANSWER.match(line.text.strip()):
            continue
        said = LIST_LINE.sub("", line.text).strip(" *_").lower()
        if bank and (said.startswith("hint") or (LIST_LINE.match(line.text) and said.endswith("?"))):
            continue  # a hint or a sub-question of the bank's question is no answer to it
        return True
    return False


def _span(lines: list[Line], start: int, end: int) -> tuple[int, int]:
    return (lines[start].number, lines[end - 1].number) if end > start else (0, -1)


def parse_document(text: str, source: str, dialect: str = "", base_url: str = "") -> Document:
    """Split a decoded answer sheet into repaired questions and parts; `dialect` pins the family of question starts."""
    repairs: Counter = Counter()
    check_text(text, source)
    lines, shown = _visible(classify(text, source), repairs, source) if has_invisible(text) else (classify(text, source), [])
    lines, deep = flatten(_repair(lines, repairs), source)
    cleaned = clean_lines(lines, source, base_url)
    lines = cleaned.lines
    blocks = parse_blocks(lines)
    choice = choose(lines, source, dialect, blocks)
    warnings = [*shown, *deep, *cleaned.warnings, *choice.warnings]
    heads = _group_headings(lines, choice.markers, blocks)
    starts = {lines[b.start].number: b.end - b.start for b in blocks}
    # A list item that only groups the nested questions of a bank is a section too, below the heading sections.
    below = max(heads.values(), default=0) + 1
    sections = {i: (split_marks(plain_title(strip_emphasis(heading_text(lines[i]))))[0], depth)
                for i, depth in heads.items()}
    sections |= {i: (c.marker.title.rstrip(". "), below) for i, c in choice.sections.items()}
    sections = {i: v for i, v in sections.items() if v[0]}  # "## <img src=logo.png>" names no section
    bounds = sorted([(c.index, c) for c in choice.markers] + [(i, None) for i in sections], key=lambda b: b[0])

    questions, groups, group = [], [], ""
    outer, inner = "", []  # list sections end with their item, innermost last; the heading section goes on
    for k, (index, candidate) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(lines)
        while inner and inner[-1][1] <= index:
            inner.pop()
        group = inner[-1][0] if inner else outer
        if candidate is None:
            body = lines[index + 1:end]
            group, depth = sections[index]
            if index in choice.sections:
                inner.append((group, choice.sections[index].end))
                depth += len(inner) - 1
            else:
                outer = group
            intro = _trim_blank(normalize_headings(body, 3))
            groups.append(Group(group, lines[index].number, intro, _span(lines, index, end), depth))
            continue
        body = lines[index + candidate.head:end]
        marker = candidate.marker
        check_page(lines[index:end], marker.number, source)
        warnings += [f"{source}:{lines[index].number}: the title of question {marker.label or marker.number} has "
                     f"{word!r}, which mixes Latin letters with look-alikes of another script"
                     for word in (() if marker.title.isascii() else look_alikes(marker.title))]
        if marker.body:  # "Q2: The answer starts here." keeps its words as the first line
            body = [Line(lines[index].number, marker.body, TEXT), Line(lines[index].number, "", BLANK)] + body
        intro, parts = _split_parts(body, lines[index].number, warnings, source, starts)
        for section in [intro, *parts]:
            base = 3 if section.part else 2
            section.lines = _trim_blank(normalize_headings(join_page_breaks(section.lines, repairs), base))
        asked, size = ("", 0) if marker.title else _statement(intro.lines, starts)
        if asked:
            marker = replace(marker, title=asked)
        content = [ln for ln in body if ln.kind not in (BLANK, DROPPED)]
        answered = parts or _answered(intro.lines[size:], choice.list_family)
        if not answered and not choice.list_family:
            warnings.append(f"{source}:{lines[index].number}: question {marker.label or marker.number} has no answer; "
                            f"written as an open question")
        last = content[-1].number if content else lines[index + candidate.head - 1].number
        questions.append(Question(marker, lines[index].number, last, intro, parts, group, _span(lines, index, end),
                                  marker.label, not answered, candidate.head))
    warnings += _label_questions(questions, choice.markers, source)

    preamble = _trim_blank(lines[: bounds[0][0]])
    title = ""
    if preamble and preamble[0].kind == HEADING and match_heading(preamble[0].text)[0] == 1:
        title = plain_title(strip_emphasis(match_heading(preamble[0].text)[1]))
        preamble = _trim_blank(preamble[1:])
    preamble = normalize_headings(preamble, 2)
    warnings.sort(key=lambda w: int(w[len(source) + 1:].split(":", 1)[0]))  # in source order
    return Document(source, preamble, questions, repairs, warnings, choice.dialect, groups, cleaned.dropped, title,
                    _span(lines, 0, bounds[0][0]), len(lines), lines)


def heading_text(line: Line) -> str:
    """A section heading's text, ATX or setext."""
    found = match_heading(line.text)
    return found[1] if found else line.text


def _label_questions(questions: list[Question], markers: list[Candidate], source: str) -> list[str]:
    """Labels that say where a page came from, and the numbering's gaps, repeats and restarts (warnings, never refusals).

    When the numbers start again in every section ("Week 2 · Q1"), the section's name goes in front of the label.
    """
    numbers = [(q, c.source_number) for q, c in zip(questions, markers)
               if c.source_number is not None and " · " not in q.label]  # a nested question's label says it all
    restarts = [k for k in range(1, len(numbers)) if numbers[k][1] <= numbers[k - 1][1]]
    per_section = bool(restarts) and all(numbers[k][0].group != numbers[k - 1][0].group for k in restarts)
    warnings = []
    if per_section:
        for q in questions:
            if q.group and q.label:
                q.label = f"{q.group.split(':')[0].strip()} · {q.label}"
    seen: dict[tuple[str, int], int] = {}
    for k, (q, n) in enumerate(numbers):
        scope = q.group if per_section else ""
        if (scope, n) in seen:
            warnings.append(f"{source}:{q.first_line}: {q.label or n} appears again (first at line {seen[scope, n]}); "
                            f"written as page {q.marker.number}")
            continue
        seen[scope, n] = q.first_line
        if not k or (per_section and numbers[k - 1][0].group != q.group):
            continue
        p, pq = numbers[k - 1][1], numbers[k - 1][0]
        if n > p + 1:
            missing = f"question {p + 1}" if n == p + 2 else f"questions {p + 1}-{n - 1}"
            warnings.append(f"{source}:{q.first_line}: {missing} missing between question {p} (line {pq.first_line}) and question {n}")
        elif n < p:
            warnings.append(f"{source}:{q.first_line}: question {n} comes after question {p} (line {pq.first_line})")
    return warnings
