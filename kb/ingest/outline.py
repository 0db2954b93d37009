"""Which blocks start questions: the level of the document's outline that partitions it into questions.

Every block that could start a question (`kb.ingest.blocks`) joins one family: blocks
with an explicit question label (`Q1:`, `Question 2`, `Q:`) at any level, headings of
one level, bold paragraphs, the items of top-level lists, or plain lines ending in `?`.
Each family is scored on what its members look like as questions (a `?`, an
interrogative or imperative opening, numbering, an answer after each) and on how the
members sit in the document (numbers in order, titles that don't repeat, no empty
stretches), and the best one is the outline. A shallower level of headings that only
groups the chosen one becomes the document's sections.

Nothing here refuses a document: gaps, repeats and numbering that restarts are
warnings; pages are numbered 1..N in document order and each keeps the source's label.
A contributor can pin the family in the source's meta file when the guess is wrong.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from kb.ingest.blocks import HEADING, ITEM, PARAGRAPH, QUOTE, Block, parse_blocks
from kb.ingest.cleanup import plain_title
from kb.ingest.lines import DocumentError, Line
from kb.ingest.markers import (BARE_NUMBER, BOLD_LINE, NUMBERED_BOLD, UNNUMBERED, QuestionMarker, match_part,
                               match_question, numbered_title, split_marks, strip_emphasis, title_and_links)

SHAPES = {
    "q-markers": "question labels (Q1, Question 2, Q:)",
    "headings": "headings",
    "bold": "bold paragraphs",
    "list": "list items",
    "quotes": "quoted lines",
    "lines": "lines ending in '?'",
}
# Older pins (before families), read as the family they name.
PIN_ALIASES = {"numbered-headings": "headings", "question-headings": "headings",
               "numbered-bold": "bold", "question-bold": "bold"}
HEADING_SHAPES = ("headings", "numbered-headings", "question-headings")
LARGEST = 999_999  # q<N>.md for any N up to this

OPENINGS = frozenset("""what why how when which who whom whose where is are was were does do did can could should
would will shall may might must has have had explain describe compare contrast define prove show derive discuss
list give given find state calculate compute name outline differentiate distinguish suppose consider write implement design
sketch draw estimate evaluate justify identify illustrate summarise summarize mention elaborate tell walk
""".split())
# Sub-headings that structure an answer, never a question of their own (whole titles, lower case).
GENERIC = frozenset(x.strip() for x in """answer|answers|solution|solutions|conclusion|conclusions|summary|introduction|
overview|references|reference|example|examples|note|notes|explanation|key points|key takeaways|takeaways|advantages|
disadvantages|pros|cons|pros and cons|definition|intuition|steps|code|implementation|contents|table of contents|output|
result|results|discussion|background|motivation|proof|hint|hints|remarks|remark|your answer|expected trend|
practical considerations|why it matters|how it works|in practice|use cases|applications|limitations|comparison|
further reading|resources|example code|code example|formula|math|mathematics|details|more|see also|tl;dr|tldr|
short answer|long answer|detailed answer|answer:|model answer|sample answer|marking scheme""".split("|"))


@dataclass(frozen=True)
class Candidate:
    index: int  # position in the document's lines
    line: int  # source line number
    shape: str  # the family: a key of SHAPES
    level: int | None  # heading level, None when it is not a heading
    marker: QuestionMarker  # number: the source's number until pages are numbered in order (0 when none)
    score: float = 0.0  # how much the block reads as a question
    source_number: int | None = None  # the number the source gives it, if any
    head: int = 1  # lines the marker takes (a setext heading takes two)
    parent: int = -1  # a list item's list
    up: int = -1  # a nested list item's enclosing item (its line index)
    end: int = 0  # index past the block's last line


@dataclass(frozen=True)
class Dialect:
    shape: str
    level: int | None  # heading level for the heading family

    @property
    def key(self) -> str:
        return self.shape + (f"-h{self.level}" if self.level else "")

    def describe(self) -> str:
        return SHAPES[self.shape] + (f" (h{self.level})" if self.level else "")


@dataclass(frozen=True)
class Choice:
    dialect: Dialect
    markers: list[Candidate]  # the question starts, in document order, numbered 1..N
    warnings: list[str]  # "file:line: message"
    list_family: bool = False  # questions are list items: a bank, where no answer is normal
    sections: dict[int, Candidate] = field(default_factory=dict)  # list items that group the nested questions below


def _words(title: str) -> list[str]:
    return re.findall(r"[a-z]+", title.lower())


def question_likeness(title: str, labelled: bool, numbered: bool, kind: str) -> float:
    """How much a title reads as a question: a `?`, an interrogative or imperative opening, a label, a number."""
    words = _words(title)
    score = 1.2 if labelled else 0.0
    if "?" in title:
        score += 1.0
    if words and words[0] in OPENINGS:
        score += 0.8
    if numbered and not labelled:
        score += 0.3
    if " ".join(words) in GENERIC and not labelled:
        score -= 1.5
    elif not labelled and score == (0.3 if numbered else 0.0) and 0 < len(words) <= 10:
        score += {HEADING: 0.3, PARAGRAPH: 0.1}.get(kind, 0.0)  # a topic: "Cross Validation"
    if len(words) > 40 and kind != ITEM:
        score -= 1.0  # a paragraph, not a title
    return score


# How every paragraph that may start a question begins: bold, a question word's letter, a part's parenthesis.
PARAGRAPH_START = re.compile(r"\s{0,3}(?:[*_(]|[QqPpEeIi])")


def _marker(block: Block, lines: list[Line]) -> tuple[str, QuestionMarker, bool] | None:
    """(family, marker, labelled) for a block that could start a question, or None."""
    raw = lines[block.start].text
    if block.kind == HEADING:
        text = block.text
        if match_part(text):
            return None  # "### (b) ..." is a part
        found = match_question("# " + text)  # a heading's words always title it
        if found:
            return "q-markers", found, True
        m = UNNUMBERED.match(text)
        if m:
            return "q-markers", _titled(0, m["title"], ""), True
        title, links = title_and_links(text)
        numbered = numbered_title(title) or (lambda b: (int(b["n"]), b["title"]) if b else None)(BARE_NUMBER.match(strip_emphasis(title)))
        if numbered:
            return "headings", _titled(numbered[0], numbered[1], links, str(numbered[0])), False
        return "headings", _titled(0, title, links), False
    if block.kind == QUOTE:
        got = _paragraph(re.sub(r"^\s{0,3}>\s?", "", raw))
        return got and (("quotes" if got[0] != "q-markers" else got[0]), *got[1:])
    if block.kind == ITEM:
        text = re.sub(r"^\s*(?:\d{1,9}[.)]|[-*+])\s*", "", raw)
        if not text.strip() and block.ordinal is not None and block.start + 1 < len(lines):
            text = lines[block.start + 1].text  # "1." alone, the question on the next line
        found = match_question(text) if block.depth == 1 else None
        if found and found.title:
            return "q-markers", found, True
        label = str(block.ordinal) if block.ordinal is not None else ""
        title, links = title_and_links(text)
        # Nested items are never a family of their own: they join a chosen list (`_expand`).
        return "list" if block.depth == 1 else "nested", _titled(block.ordinal or 0, title, links, label), False
    return _paragraph(raw)


def _paragraph(raw: str) -> tuple[str, QuestionMarker, bool] | None:
    """(family, marker, labelled) for a paragraph's first line that could start a question, or None."""
    asks = split_marks(raw.strip())[0].endswith("?")  # "What is X? 👶"
    if not PARAGRAPH_START.match(raw) and not asks:
        return None  # most paragraphs: prose, which no pattern below takes
    found = match_question(raw)
    if found:
        return "q-markers", found, True
    if match_part(raw):
        return None
    m = UNNUMBERED.match(raw)
    if m and (m["title"].rstrip("*_ ").endswith("?") or raw.lstrip().startswith(("Q", "q", "**Q", "**q"))):
        return "q-markers", _titled(0, m["title"], ""), True
    if NUMBERED_BOLD.match(raw):
        title, links = title_and_links(raw)
        numbered = numbered_title(title)
        if numbered:
            return "bold", _titled(numbered[0], numbered[1], links, str(numbered[0])), False
    if BOLD_LINE.match(raw):
        title, links = title_and_links(raw)
        return "bold", _titled(0, title, links), False
    if asks and len(raw) < 200 and not raw.lstrip().startswith(("|", ">", "<")):
        return "lines", _titled(0, raw, ""), False
    return None


def _titled(number: int, title: str, links: str, label: str = "") -> QuestionMarker:
    title, marks, points = split_marks(plain_title(strip_emphasis(title)))
    return QuestionMarker(number, title, points, links, label, marks)


def candidates(lines: list[Line], blocks: list[Block] | None = None) -> list[Candidate]:
    """Every block that could start a question, with how much it reads as one."""
    found = []
    for block in parse_blocks(lines) if blocks is None else blocks:
        got = _marker(block, lines)
        if not got:
            continue
        shape, marker, labelled = got
        number = marker.number or None
        score = question_likeness(marker.title, labelled, number is not None, block.kind)
        level = block.level if block.kind == HEADING else None
        head = block.end - block.start if block.kind == HEADING else 1
        if block.kind == ITEM and block.ordinal is not None and block.end - block.start == 1 \
                and not re.sub(r"^\s*\d{1,9}[.)]", "", lines[block.start].text).strip():
            head = 2  # "1." alone takes the next line, the question, with it
        if block.kind != HEADING and block.end - block.start >= 2 and not re.search(r"[?.:!)]\W*$", marker.title):
            # "Q3. Why do residual connections help very deep" / "networks train?": a title cut by the line's end
            more = lines[block.start + 1]
            if (more.kind == "text" and more.text.rstrip().endswith("?") and len(more.text) < 120
                    and not re.match(r"\s*(?:[-*+•]|\d{1,3}[.)])\s", more.text)):
                marker = replace(marker, title=f"{marker.title} {strip_emphasis(more.text)}")
                score = question_likeness(marker.title, labelled, number is not None, block.kind)
                head = 2
        found.append(Candidate(block.start, lines[block.start].number, shape, level, marker, score, number, head,
                               block.parent, block.up, block.end))
    return sorted(found + _labels_inside_paragraphs(lines, blocks if blocks is not None else parse_blocks(lines)),
                  key=lambda c: c.index)


def _any_line(lines: list[Line]) -> list[Candidate]:
    """When no block reads as a question, every line that does, wherever it stands: a document written as one
    run of lines ("Notes.\n**What is X? 👶**\n2. [E] Why?") is still imported rather than refused."""
    found = []
    for i, line in enumerate(lines):
        if line.kind != "text":
            continue
        text = re.sub(r"^\s*\d{1,9}[.)]\s+", "", line.text)
        got = _paragraph(text)
        if got:
            shape, marker, labelled = got
            found.append(Candidate(i, line.number, shape, None, marker,
                                   question_likeness(marker.title, labelled, bool(marker.number), PARAGRAPH),
                                   marker.number or None, 1, -1, -1, i + 1))
    return found


def _labels_inside_paragraphs(lines: list[Line], blocks: list[Block]) -> list[Candidate]:
    """`Q2. What is X?` on the line right after an answer, with no blank line between (plain-text exports):
    a paragraph's later line that carries an explicit question label starts a question too."""
    found = []
    for block in blocks:
        if block.kind != PARAGRAPH:
            continue
        for i in range(block.start + 1, block.end):
            text = lines[i].text
            if not text.lstrip()[:1] in "QqPpEeI*_#":
                continue
            marker = match_question(text)
            if marker is None and (m := UNNUMBERED.match(text)) and text.lstrip(" *_").startswith(("Q", "q")):
                marker = _titled(0, m["title"], "")
            if marker is not None:
                score = question_likeness(marker.title, True, bool(marker.number), PARAGRAPH)
                found.append(Candidate(i, lines[i].number, "q-markers", None, marker, score, marker.number or None, 1,
                                       -1, -1, i + 1))
    return found


def _family(c: Candidate) -> Dialect:
    return Dialect(c.shape, c.level if c.shape == "headings" else None)


def _has_body(a: Candidate, end: int, lines: list[Line]) -> bool:
    return bool(a.marker.body) or any(lines[i].text.strip() and lines[i].kind != "dropped"
                                      for i in range(a.index + a.head, end))


def _score(members: list[Candidate], lines: list[Line], heads: list[int]) -> float:
    """A family's score: its members' question-likeness, plus numbers in order, less repeats and empty answers."""
    score = sum(c.score for c in members)
    numbers = [c.source_number for c in members]
    for k in range(1, len(members)):
        before, after = numbers[k - 1], numbers[k]
        if before is None or after is None:
            continue
        if after == before + 1:
            score += 0.5
        elif after <= before:
            # a restart right after a section heading is a new section's numbering; anything else, a list in an answer
            between = bisect.bisect(heads, members[k].index) - bisect.bisect(heads, members[k - 1].index)
            score -= 0.3 if after == 1 and between else 1.5
    titles = [c.marker.title.lower() for c in members if c.marker.title and c.source_number is None]  # a number tells apart
    score -= 1.0 * (len(titles) - len(set(titles)))
    if members[0].shape != "list":
        ends = [c.index for c in members[1:]] + [len(lines)]
        score -= 0.6 * sum(not _has_body(c, e, lines) for c, e in zip(members, ends))
    return score


def _sections_only(upper: list[Candidate], lower: list[Candidate], lines: list[Line]) -> bool:
    """True when the shallower headings only group the deeper ones: not questions, and little text of their own."""
    if not lower or sum(c.score for c in upper) / len(upper) >= 0.9:
        return False
    deeper = {c.index for c in lower}
    bare = 0
    for c in upper:
        i = c.index + c.head
        while i < len(lines) and not lines[i].text.strip():
            i += 1
        bare += i in deeper or i == len(lines)
    return bare >= len(upper) / 2


def _parse_pin(pin: str) -> Dialect:
    shape, sep, level = pin.rpartition("-h")
    if sep and level.isdigit():
        return Dialect(PIN_ALIASES.get(shape, shape), int(level))
    return Dialect(PIN_ALIASES.get(pin, pin), None)


def _pick(options: dict[Dialect, list[Candidate]], lines: list[Line]) -> Dialect:
    heads = sorted(c.index for c in sum(options.values(), []) if c.level is not None)
    scores = {d: _score(m, lines, heads) for d, m in options.items()}
    order = list(SHAPES)
    best = max(options, key=lambda d: (scores[d], -order.index(d.shape), -(d.level or 0)))
    # Questions labelled as such win when they are a real sequence (a label is the most explicit sign there is).
    labelled = Dialect("q-markers", None)
    if labelled in scores and best != labelled and scores[labelled] >= 0.5 * scores[best]:
        best = labelled
    if best.shape == "headings":
        # Deeper headings, bold questions or numbered items under headings that only group them hold the questions.
        deeper = sorted((d for d in options if d != best and scores[d] > 0 and (d.shape != "headings" or d.level > best.level)),
                        key=lambda d: (d.shape != "headings", d.level or 0, -scores[d]))
        for d in deeper:
            if _sections_only(options[best], options[d], lines):
                best = d
                break
    return best


def choose(lines: list[Line], source: str, pin: str = "", blocks: list[Block] | None = None) -> Choice:
    """The question starts of a document, numbered 1..N, with what the importer doubted."""
    found = candidates(lines, blocks)
    if not found:
        found = _any_line(lines)
    first = next((i for i, line in enumerate(lines) if line.text.strip()), -1)
    if [c.index for c in found if c.level == 1][:1] == [first] and sum(c.level == 1 for c in found) == 1:
        found = [c for c in found if c.index != first or c.shape != "headings"]  # the document's title
    groups: dict[Dialect, list[Candidate]] = {}
    for c in found:
        groups.setdefault(_family(c), []).append(c)
    nested = [c for c in found if c.shape == "nested"]
    sections: dict[int, Candidate] = {}
    bank = Dialect("list", None)
    if bank in groups:
        # A bank is judged by its questions, nested ones included ("1. Vectors" over "1. [E] What is ...?").
        groups[bank], sections = _expand(_members(groups[bank], bank), nested)
    if pin:
        wanted = _parse_pin(pin)
        options = {d: g for d, g in groups.items() if d.shape == wanted.shape and wanted.level in (None, d.level)}
        if not options:
            raise DocumentError(source, 1, f"the meta file pins dialect '{pin}' but no block has that shape")
    else:
        options = {d: g for d, g in groups.items()
                   if d.shape != "nested" and (_score(g, lines, []) > 0 or d.shape in ("q-markers", "headings"))}
        # Nothing reads well as questions: the best there is, rather than nothing (the outline says what was taken).
        options = options or {d: g for d, g in groups.items() if d.shape != "nested"}
    if not options:
        raise DocumentError(source, 1, "has no question markers (expected question labels such as 'Q1:', headings, "
                                       "bold questions or a list of questions)")
    dialect = _pick(options, lines)
    used = options[dialect] if dialect == bank else _members(options[dialect], dialect)
    if dialect != bank:
        sections = {}
    used = _adopt(used, found, dialect)
    used = _headers(used, found, lines)
    warnings = _doubts(found, used, dialect, source)
    for c in used:
        if c.source_number is not None and c.source_number > LARGEST:
            raise DocumentError(source, c.line, f"question number {c.source_number} is larger than the importer takes ({LARGEST})")
    numbered = [replace(c, marker=replace(c.marker, number=n)) for n, c in enumerate(used, start=1)]
    return Choice(dialect, numbered, warnings, dialect.shape == "list", sections)


def _asks(c: Candidate) -> bool:
    """A bank's item asks when it reads as a question or wears a difficulty tag ("[E]", "[M]")."""
    return c.score >= 1.0 or c.marker.marks.startswith("[")


def _expand(top: list[Candidate], nested: list[Candidate]) -> tuple[list[Candidate], dict[int, Candidate]]:
    """A question bank's nested questions: "43. Cross-validation." over "1. [E] Why is k-fold ...?" makes the
    nested items questions, and the item above them a section when it asks nothing itself. Each nested question's
    label names the items above it ("43 · 1")."""
    by_index = {c.index: c for c in [*top, *nested]}
    taken = {c.index for c in top}

    def chain(c: Candidate) -> list[Candidate]:
        out = []
        while c.up in by_index:
            c = by_index[c.up]
            out.append(c)
        return out

    asking = [c for c in nested if _asks(c) and chain(c) and chain(c)[-1].index in taken]
    above = {a.index for c in asking for a in chain(c)}
    sections = {i: by_index[i] for i in above if not _asks(by_index[i])}
    used = []
    for c in sorted([*(c for c in top if c.index not in sections), *asking], key=lambda c: c.index):
        labels = [a.marker.label for a in reversed(chain(c)) if a.marker.label]
        if labels and c.marker.label:
            c = replace(c, marker=replace(c.marker, label=" · ".join([*labels, c.marker.label])))
        used.append(c)
    return used, sections


def _members(family: list[Candidate], dialect: Dialect) -> list[Candidate]:
    """The family's blocks that are questions: in a list or among bold lines, only the ones that read as one."""
    if dialect.shape in ("headings", "q-markers"):
        return list(family)
    asking = [c for c in family if _asks(c)] if dialect.shape == "list" else [c for c in family if c.score >= 1.0]
    if dialect.shape == "list":
        # Every item of a list most of whose items ask something: "43. Cross-validation." is a question of the bank too.
        items, asked = Counter(c.parent for c in family), Counter(c.parent for c in asking)
        kept = {p for p in items if 2 * asked[p] >= items[p]}
        # A list whose numbers continue the bank's ("1) Gradient" under one heading, "2) ...?" under the next).
        last = None
        for c in family:
            if c.parent not in kept and c.source_number is not None and last is not None and c.source_number == last + 1:
                kept.add(c.parent)
            if c.parent in kept and c.source_number is not None:
                last = c.source_number
        for c in reversed(family):
            if c.parent not in kept and c.source_number is not None and last is not None and c.source_number == last - 1:
                kept.add(c.parent)
            if c.parent in kept and c.source_number is not None:
                last = c.source_number
        return [c for c in family if c.parent in kept] or list(family)
    marks = {c.marker.marks for c in asking if c.marker.marks}
    # "**Precision-recall trade-off ⭐️**" has no `?`, but wears the marks its neighbours' questions wear; and
    # "**2.** Gradient" has none, but its number follows the sequence of the others.
    numbers = [c.source_number for c in family if c.source_number is not None]
    sequence = len(numbers) >= 2 and 2 * sum(b == a + 1 for a, b in zip(numbers, numbers[1:])) >= len(numbers) - 1
    return [c for c in family if c.score >= 1.0 or (c.marker.marks and c.marker.marks in marks)
            or (sequence and c.source_number is not None)] or list(family)


def _adopt(used: list[Candidate], found: list[Candidate], dialect: Dialect) -> list[Candidate]:
    """Numbered questions written in another shape that continue the chosen numbering right where they stand
    (`#### 65)` then `### 66)`; `Q3:` between `### 2.` and `### 4.`)."""
    numbered = [c for c in used if c.source_number is not None]
    if len(numbered) < 2:
        return used
    chosen = {c.index for c in used}
    for c in found:
        if c.index in chosen or c.source_number is None or c.score < 1.0 or c.shape == "list":
            continue  # a numbered list continuing the numbers is an answer's own list
        k = bisect.bisect(numbered, c.index, key=lambda u: u.index)
        low = numbered[k - 1].source_number if k else 0
        high = numbered[k].source_number if k < len(numbered) else None
        if c.source_number == low + 1 and (high is None or c.source_number < high):
            numbered.insert(k, c)
            used = sorted([*used, c], key=lambda x: x.index)
    return used


def _headers(used: list[Candidate], found: list[Candidate], lines: list[Line]) -> list[Candidate]:
    """A numbered line right above an unnumbered question is its header: "**1)** **Topic:** Fundamentals" over
    "**Q:** How do you tell ...?" is question 1, and the header's words are marks around its title."""
    chosen = {c.index for c in used}
    before = {c.index: c for c in found if c.index not in chosen and c.source_number is not None and "?" not in c.marker.title}
    out = []
    for c in used:
        k = c.index - 1
        while k >= 0 and not lines[k].text.strip():
            k -= 1
        header = before.get(k)
        if c.source_number is None and header is not None and header.head == 1 and header.shape == "bold":
            marks = " ".join(x for x in (header.marker.title, c.marker.marks) if x)
            c = replace(c, index=header.index, line=header.line, source_number=header.source_number,
                        head=c.index + c.head - header.index,
                        marker=replace(c.marker, label=header.marker.label, marks=marks))
        out.append(c)
    return out


def _doubts(found: list[Candidate], used: list[Candidate], dialect: Dialect, source: str) -> list[str]:
    """Blocks that read as questions but were not taken as one: said, with file and line."""
    chosen = {i for c in used for i in range(c.index, c.index + c.head)}  # a marker's own lines included
    warnings = []
    for c in found:
        if c.index in chosen or c.score < 1.8:
            continue
        # Under explicit labels, a question-shaped heading or bold line is an answer's own; anything else is a doubt.
        if c.shape == "q-markers" or dialect.shape != "q-markers":
            what = f"question {c.marker.label}" if c.marker.label else "a question"
            warnings.append(f"{source}:{c.line}: looks like {what} ({_family(c).describe()}) but this document's "
                            f"questions are {dialect.describe()}; kept as text")
    return warnings
