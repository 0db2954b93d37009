"""Pages to search records: one per question, one per part, one per concept page.

A question's parts are the h2 sections whose ``{#part-x}`` anchors the front
matter lists; the question record holds the title, the text before the first
part and the list of parts, so every sentence lives in exactly one record and a
hit deep-links to the part that says it. Markdown is reduced to plain text;
math stays in the text as ``$...$`` and is also collected into the math field.
Concept mentions are found with `kb.concepts.concept.ConceptMatcher`, one pass per record.
"""

from __future__ import annotations

import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kb.concepts.concept import ConceptMatcher
from kb.pages import PageError, QuestionPage, looks_like_question, question_from_text
from kb.plaintext import inline_text
from kb.slugs import CONCEPTS_DIR, concept_path, page_url
from kb.textmath import MARKDOWN_MATH, tex_text
from search_api.schema import BOOSTS

FENCE = re.compile(r"^\s*(```+|~~~+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ATTR_LIST = re.compile(r"\s*\{:?\s*[#.][^}]*\}\s*$")
ANCHOR = re.compile(r"\{:?\s*#([\w-]+)[^}]*\}\s*$")
LIST_MARK = re.compile(r"^\s*(?:[-*+]\s+|>\s?|!!!\s+\w+\s*|\?\?\?\+?\s+\w+\s*)")
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|\|?\s*:?-{3,}.*)\s*$")
FENCE_STARTS, RULE_STARTS, LIST_STARTS = frozenset("`~"), frozenset("-*_|:"), frozenset("-*+>!?")
# A link's target, "](https://...)", and a bare address: neither is words a reader searches for or reads
# ("tutorials" found a question through the address in its title).
LINK_TARGET = re.compile(r"\]\((?=[^()\s]*[:/.#])(?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
BARE_URL = re.compile(r"<?\b(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?)\]'\"]>?")


def without_addresses(text: str) -> str:
    """Markdown with its links' targets and bare web addresses left out (link texts stay)."""
    if "://" not in text and "www." not in text and "](" not in text:
        return text
    return BARE_URL.sub("", LINK_TARGET.sub("]", text))


@dataclass
class Record:
    """One search record, the same for every engine."""

    id: str
    type: str  # question | part | concept
    title: str
    url: str
    body: str = ""
    headings: list[str] = field(default_factory=list)
    math: list[str] = field(default_factory=list)
    collection: str = ""
    question: int = 0
    part: str | None = None
    page_title: str = ""
    aliases: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)  # slugs the page or part names, first mention first
    mentions: list[str] = field(default_factory=list)  # a slug per mention in this record's own text
    listing: str = ""  # a question's list of its parts: shown, but counting less than the parts themselves
    source: str = ""  # the page it comes from, relative to docs/ (what incremental builds compare)

    @property
    def text(self) -> str:
        """All its words, for concept mentions and the typo vocabulary."""
        return " ".join([self.title, *self.headings, *self.aliases, self.body, self.listing])

    @property
    def searchable_title(self) -> str:
        """The title's words as indexed: its links' addresses left out."""
        return without_addresses(self.title)

    def segments(self) -> list[tuple[float, str]]:
        """The parts of the combined `text` field with how much each word counts (schema.BOOSTS)."""
        return [(BOOSTS["title"], self.searchable_title), (BOOSTS["aliases"], " ; ".join(self.aliases)),
                (BOOSTS["headings"], " ; ".join(self.headings)), (BOOSTS["body"], self.body),
                (BOOSTS["listing"], self.listing)]

    def stored(self) -> dict:
        """What every engine stores for a hit: the result's fields, and (headings, body) its words."""
        return {
            "id": self.id, "type": self.type, "collection": self.collection, "question": self.question,
            "part": self.part, "url": self.url, "title": self.title, "page_title": self.page_title,
            "headings": self.headings, "body": " ".join(s for s in (self.body, self.listing) if s),
            "concepts": self.concepts, **({"aliases": self.aliases} if self.aliases else {}),
            **({"listing": self.listing} if self.listing else {}),  # the end of `body`, weighed apart
        }


def stored_words(stored: dict) -> str:
    """The words of a stored record, as `Record.text` has them."""
    return " ".join([stored["title"], *stored["headings"], *stored.get("aliases", ()), stored["body"]])


@dataclass
class Text:
    """Markdown reduced to searchable text, its headings and its math."""

    body: str = ""
    headings: list[str] = field(default_factory=list)
    math: list[str] = field(default_factory=list)


def markdown_text(markdown: str) -> Text:
    """Plain text, headings and math of a Markdown body (front matter already removed)."""
    result, lines, fence, display = Text(), [], None, None
    for raw in markdown.splitlines():
        if fence:
            if raw.strip().startswith(fence):
                fence = None
            else:
                lines.append(raw.strip())
            continue
        if display is not None:
            if "$$" in raw:
                display.append(raw.split("$$")[0])
                tex = " ".join(s.strip() for s in display if s.strip())
                result.math.append(tex)
                lines.append(f"${tex}$")
                display = None
            else:
                display.append(raw)
            continue
        stripped = raw.strip()
        first = stripped[:1]  # each pattern below is tried only where its first character is
        if first in FENCE_STARTS and (m := FENCE.match(raw)):
            fence = m.group(1)[:3]
            continue
        if first == "$" and stripped.startswith("$$") and stripped.count("$$") == 1:
            display = [stripped[2:]]
            continue
        if first == "#" and (m := HEADING.match(raw)):
            result.headings.append(inline_text(ATTR_LIST.sub("", m.group(2)), result.math).strip())
            continue
        if first in RULE_STARTS and RULE.match(raw):
            continue
        line = LIST_MARK.sub("", raw) if first in LIST_STARTS else raw
        lines.append(without_addresses(inline_text(line, result.math)).strip())
    result.body = " ".join(" ".join(line for line in lines if line).split())
    return result


def split_parts(page: QuestionPage) -> tuple[str, dict[str, str]]:
    """The intro (before the first part) and each part's Markdown, keyed by anchor."""
    anchors = {p.anchor for p in page.parts}
    intro, sections, current, fence = [], {}, None, None
    for line in page.body.splitlines():
        if m := FENCE.match(line):
            if fence is None:
                fence = m.group(1)[:3]
            elif m.group(1).startswith(fence):
                fence = None
        if not fence and line.startswith("## ") and (a := ANCHOR.search(line)) and a.group(1) in anchors:
            current = a.group(1)
            sections[current] = []
            continue
        if not fence and line.startswith("# "):
            continue  # the page's h1 is the title
        (sections[current] if current else intro).append(line)
    return "\n".join(intro), {anchor: "\n".join(lines) for anchor, lines in sections.items()}


def question_records(page: QuestionPage, docs_path: str) -> list[Record]:
    """The question's record and one per part."""
    label = f"Q{page.question}"
    intro_md, sections = split_parts(page)
    intro = markdown_text(intro_md)
    parts = []
    for part in page.parts:
        text = markdown_text(sections.get(part.anchor, ""))
        parts.append(Record(
            id=f"{page.id}#{part.anchor}", type="part", title=part.title, url=page_url(docs_path, part.anchor),
            body=text.body, headings=[f"{label} ({part.label})", *text.headings], math=text.math,
            collection=page.collection, question=page.question, part=part.label, page_title=page.title,
            source=docs_path,
        ))
    listing = " ".join(f"({p.label}) {p.title}" for p in page.parts)
    question = Record(
        id=page.id, type="question", title=page.title, url=page_url(docs_path),
        body=intro.body, listing=listing, headings=[label, *intro.headings],
        math=intro.math, collection=page.collection, question=page.question, page_title=page.title,
        source=docs_path,
    )
    return [question, *parts]


# --- Titles as plain text, for API clients that show text, not Markdown with TeX ----------


def title_text(title: str) -> str:
    """A title (Markdown, possibly with TeX) as the plain text a reader sees: what `title_text` answers."""
    return " ".join(MARKDOWN_MATH.sub(lambda m: tex_text(m.group(1)), without_addresses(inline_text(title))).split())


def concept_record(concept) -> Record:
    text = markdown_text(concept.body)
    body = " ".join(s for s in (concept.summary or "", text.body) if s)
    return Record(
        id=f"concept:{concept.slug}", type="concept", title=concept.title, url=page_url(concept_path(concept.slug)),
        body=body, headings=text.headings, math=text.math, page_title=concept.title,
        aliases=[concept.title, *concept.aliases], source=concept_source(concept.slug),
    )


def concept_source(slug: str) -> str:
    """A concept page's path relative to docs/."""
    return f"{CONCEPTS_DIR}/{slug}.md"


def _question_page(path: Path, docs_dir: Path) -> tuple[str, QuestionPage] | None:
    """The page at path if its front matter has `question` and `collection` (validated), else None."""
    text = path.read_text(encoding="utf-8")
    if not looks_like_question(text):  # a cheap test first: YAML parsing is the slow part of a build
        return None
    return path.relative_to(docs_dir).as_posix(), question_from_text(text, path)


def question_pages(docs_dir: Path) -> list[tuple[str, QuestionPage]]:
    """Every question page under docs/, with its docs-relative path."""
    return [page for path in sorted(docs_dir.rglob("*.md")) if (page := _question_page(path, docs_dir))]


def page_records(paths: list[Path], docs_dir: Path, concepts: list) -> list[Record]:
    """Records of some pages, with their mentions; runs in a worker process for big builds."""
    records = []
    try:
        for path in paths:
            if found := _question_page(path, docs_dir):
                docs_path, page = found
                records.extend(question_records(page, docs_path))
    except PageError as exc:  # PageError does not survive pickling back to the parent
        raise ValueError(str(exc)) from None
    if concepts:
        add_mentions(records, ConceptMatcher(concepts))
    return records


def record_order(record: Record) -> tuple:
    """The order records are written in: a collection's questions in order, each followed by its parts."""
    return record.collection, record.question, record.id


def concept_records(concepts: list) -> list[Record]:
    """The concept pages' records, with their mentions."""
    own = [concept_record(c) for c in concepts]
    if concepts:
        add_mentions(own, ConceptMatcher(concepts))
    return own


def build_records(docs_dir: Path, concepts: list, procs: int = 1) -> list[Record]:
    """All records of a docs directory, with the concepts each names; `concepts` may be empty.

    With procs > 1 the pages are read and reduced in that many processes (YAML front matter
    and Markdown reduction are pure Python: the slow half of a 10,000-question build).
    """
    paths = sorted(docs_dir.rglob("*.md"))
    if procs > 1 and len(paths) > 100:
        chunks = [paths[i::procs * 4] for i in range(procs * 4)]
        with ProcessPoolExecutor(procs) as pool:
            done = list(pool.map(page_records, chunks, [docs_dir] * len(chunks), [concepts] * len(chunks)))
        records = [r for chunk in done for r in chunk]
    else:
        records = page_records(paths, docs_dir, concepts)
    records.sort(key=record_order)  # the same order however it was built
    return records + concept_records(concepts)


def add_mentions(records: list[Record], matcher: ConceptMatcher) -> None:
    """Each record's concept mentions (one pass of the matcher), and the concepts of each page and part.

    A question's concepts are those of its whole page, parts included; a concept page lists itself first.
    """
    for record in records:
        record.mentions = [slug for _, _, slug in matcher.finditer(record.text)]
    pages: dict[str, list[str]] = {}
    for record in records:
        pages.setdefault(record.id.split("#")[0], []).extend(record.mentions)
    for record in records:
        own = record.mentions if record.type == "part" else pages[record.id]
        first = [record.id.removeprefix("concept:")] if record.type == "concept" else []
        record.concepts = list(dict.fromkeys(first + own))
