"""Which lines start questions: the document's dialect, chosen from every candidate shape.

Each shape is a family of lines that could start a question (Q-markers, numbered
headings at one level, numbered bold lines, question-shaped headings at one
level, question-shaped bold lines). The shape whose markers form the most
consistent sequence wins (ascending numbers, no repeats, no empty questions);
ties go to the more explicit shape. A contributor can pin the shape in the
source's meta file when the guess is wrong.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from kb.ingest.lines import BLANK, CODE, HEADING, MATH, TEXT, DocumentError, Line
from kb.ingest.markers import (BOLD_LINE, NUMBERED_BOLD, QuestionMarker, match_heading, match_part,
                               match_question, numbered_title, strip_emphasis, title_and_links)

# In order of preference when two shapes score the same: the more explicit first.
SHAPES = {
    "q-markers": "Q-markers",
    "numbered-headings": "numbered headings",
    "numbered-bold": "numbered bold lines",
    "question-headings": "question-shaped headings",
    "question-bold": "question-shaped bold lines",
}
NUMBERED_SHAPES = ("q-markers", "numbered-headings", "numbered-bold")
HEADING_SHAPES = ("numbered-headings", "question-headings")
LARGEST = 999_999  # q<N>.md for any N up to this; a larger number is a typo or not a question


@dataclass(frozen=True)
class Candidate:
    index: int  # position in the document's lines
    line: int  # source line number
    shape: str
    level: int | None  # heading level (1-6) of the line, None when it is not a heading
    marker: QuestionMarker  # number 0 for un-numbered shapes until numbers are given in order


@dataclass(frozen=True)
class Dialect:
    shape: str
    level: int | None  # heading level for the heading shapes

    @property
    def key(self) -> str:
        return self.shape + (f"-h{self.level}" if self.shape in HEADING_SHAPES and self.level else "")

    def describe(self) -> str:
        return SHAPES[self.shape] + (f" (h{self.level})" if self.shape in HEADING_SHAPES and self.level else "")


@dataclass(frozen=True)
class Choice:
    dialect: Dialect
    markers: list[Candidate]  # the question starts, in document order, numbered
    warnings: list[str]  # "file:line: message"


def _candidate(index: int, line: Line) -> Candidate | None:
    """The one shape a line could start a question in, if any (Q-markers first)."""
    if line.kind not in (TEXT, HEADING):
        return None
    heading = match_heading(line.text) if line.kind == HEADING else None
    level = heading[0] if heading else None
    marker = match_question(line.text)
    if marker:
        return Candidate(index, line.number, "q-markers", level, marker)
    if match_part(line.text):
        return None
    if heading:
        title, links = title_and_links(heading[1])
        found = numbered_title(title)
        if found:
            return Candidate(index, line.number, "numbered-headings", level, QuestionMarker(found[0], found[1], "", links))
        title = strip_emphasis(title)
        if title.endswith("?"):
            return Candidate(index, line.number, "question-headings", level, QuestionMarker(0, title, "", links))
        return None
    if NUMBERED_BOLD.match(line.text):
        title, links = title_and_links(line.text)
        found = numbered_title(title)
        if found:
            return Candidate(index, line.number, "numbered-bold", None, QuestionMarker(found[0], strip_emphasis(found[1]), "", links))
    if BOLD_LINE.match(line.text):
        title, links = title_and_links(line.text)
        title = strip_emphasis(title)
        if title.endswith("?"):
            return Candidate(index, line.number, "question-bold", None, QuestionMarker(0, title, "", links))
    return None


def candidates(lines: list[Line]) -> list[Candidate]:
    """Every line that could start a question, outside code and math."""
    return [c for i, line in enumerate(lines) if line.kind not in (CODE, MATH, BLANK) and (c := _candidate(i, line))]


def _groups(found: list[Candidate]) -> dict[Dialect, list[Candidate]]:
    groups: dict[Dialect, list[Candidate]] = {}
    for c in found:
        level = c.level if c.shape in HEADING_SHAPES else None
        groups.setdefault(Dialect(c.shape, level), []).append(c)
    return groups


def _score(markers: list[Candidate], lines: list[Line]) -> float:
    """Consistency of a sequence: markers that ascend, less repeats, drops, gaps and empty questions."""
    if markers[0].shape in NUMBERED_SHAPES:
        numbers = [c.marker.number for c in markers]
        score = 1.0
        for before, after in zip(numbers, numbers[1:]):
            if after == before + 1:
                score += 1
            elif after > before:
                score += 0.5  # a gap
            else:
                score -= 2  # a repeat or a restart: the numbers belong to lists inside answers
    else:
        score = 0.75 * len(markers)  # numbers in order are more telling than a question mark
    for a, b in zip(markers, markers[1:]):
        if all(lines[i].kind == BLANK for i in range(a.index + 1, b.index)):
            score -= 0.5  # nothing between two markers: a table of contents, not questions
    return score


def _parse_pin(pin: str) -> Dialect:
    """`numbered-headings` (any level) or `numbered-headings-h4` (that level only)."""
    shape, sep, level = pin.rpartition("-h")
    if sep and shape in HEADING_SHAPES and level.isdigit():
        return Dialect(shape, int(level))
    return Dialect(pin, None)


def choose(lines: list[Line], source: str, pin: str = "") -> Choice:
    """The question starts of a document, numbered, with what the importer saw but did not use."""
    found = candidates(lines)
    groups = _groups(found)
    if pin:
        wanted = _parse_pin(pin)
        options = {d: g for d, g in groups.items() if d.shape == wanted.shape and wanted.level in (None, d.level)}
        if not options:
            raise DocumentError(source, 1, f"the meta file pins dialect '{pin}' but no line has that shape")
    else:
        options = groups
    if not options:
        raise DocumentError(source, 1, "has no question markers (expected lines such as 'Q1:', '## Question 2', "
                                       "'### 1. What is X?' or a bold question '**What is X?**')")
    order = list(SHAPES)
    dialect = max(options, key=lambda d: (_score(options[d], lines), -order.index(d.shape), -(d.level or 0)))
    used = options[dialect]
    warnings: list[str] = []
    if dialect.shape not in NUMBERED_SHAPES:
        used = [replace(c, marker=replace(c.marker, number=n)) for n, c in enumerate(used, start=1)]
    numbered = dialect.shape in NUMBERED_SHAPES
    chosen = {c.index for c in used}
    for c in found:
        if c.index in chosen:
            continue
        if c.shape == "q-markers" and numbered and _fills_gap(c, used):
            used = sorted([*used, c], key=lambda x: x.index)
            warnings.append(f"{source}:{c.line}: question {c.marker.number} is written as a Q-marker in a document of "
                            f"{dialect.describe()}; taken as question {c.marker.number}")
        elif c.shape == "q-markers" or _suspicious(c, dialect, used):
            what = f"question {c.marker.number}" if c.marker.number else "a question"
            seen = Dialect(c.shape, c.level if c.shape in HEADING_SHAPES else None).describe()
            warnings.append(f"{source}:{c.line}: looks like {what} ({seen}) but this document's questions are "
                            f"{dialect.describe()}; kept as text")
    warnings += _check_numbers(used, source)
    return Choice(dialect, used, warnings)


# An un-numbered question written in the numbered shape's own style: a question that lost its number.
UNNUMBERED_TWIN = {"numbered-headings": "question-headings", "numbered-bold": "question-bold"}


def _suspicious(c: Candidate, dialect: Dialect, used: list[Candidate]) -> bool:
    """Whether an unused candidate could be a question the chosen dialect missed (so it is reported)."""
    if dialect.shape not in NUMBERED_SHAPES:
        return c.shape not in NUMBERED_SHAPES  # another un-numbered shape
    if c.shape in NUMBERED_SHAPES:
        return _fills_gap(c, used)  # a number the sequence lacks, right where it is missing
    return UNNUMBERED_TWIN.get(dialect.shape) == c.shape and c.level == dialect.level


def _fills_gap(c: Candidate, used: list[Candidate]) -> bool:
    """True when `c`'s number is missing from the sequence exactly where `c` stands (`used` in line order)."""
    k = bisect.bisect(used, c.index, key=lambda u: u.index)
    low = used[k - 1].marker.number if k else 0
    high = used[k].marker.number if k < len(used) else LARGEST + 1
    return low < c.marker.number < high


def _check_numbers(used: list[Candidate], source: str) -> list[str]:
    """Repeats and impossible numbers are errors; gaps and numbers out of order are warnings."""
    warnings, seen = [], {}
    previous: Candidate | None = None
    for c in used:
        n = c.marker.number
        if n > LARGEST:
            raise DocumentError(source, c.line, f"question number {n} is larger than the importer takes ({LARGEST})")
        if n in seen:
            raise DocumentError(source, c.line, f"question {n} appears again (first at line {seen[n]})")
        seen[n] = c.line
        if previous is not None:
            p = previous.marker.number
            if n > p + 1:
                missing = f"question {p + 1}" if n == p + 2 else f"questions {p + 1}-{n - 1}"
                warnings.append(f"{source}:{c.line}: {missing} missing between question {p} (line {previous.line}) and question {n}")
            elif n < p:
                warnings.append(f"{source}:{c.line}: question {n} comes after question {p} (line {previous.line})")
        previous = c
    return warnings
