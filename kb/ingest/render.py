"""Parsed source -> page Markdown: question pages, with parts, points and editor's notes, and the collection page.

Pure: a `Source` in, page text out. Meta text is untrusted, so what reaches a page from it
as Markdown (notes, titles in links) is escaped to text.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import yaml

from kb import slugs
from kb.ingest.cleanup import section_text
from kb.ingest.outline import question_likeness
from kb.ingest.document import Question, Section
from kb.ingest.meta import Note
from kb.ingest.paper import Statement
from kb.pages import Part, QuestionPage, body_hash

if TYPE_CHECKING:
    from kb.ingest.importer import Source


def quoted(markdown: str) -> str:
    """Markdown as a blockquote: the exam paper's statement above the answer."""
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))


def question_title(source: Source, question: Question) -> str:
    """The marker's own title, else the companion metadata's, else the exam paper's, else an automatic one."""
    if question.marker.title:
        return question.marker.title
    entry = source.meta.questions.get(question.marker.number, {})
    if str(entry.get("title", "")).strip():
        return str(entry["title"]).strip()
    statement = source.statements.get(question.marker.number)
    if statement and statement.title:
        return statement.title
    first = question.parts[0].part.title if question.parts and question.parts[0].part.title else ""
    if first.endswith(".") and question_likeness(first, False, False, "paragraph") < 0.8:
        first = ""  # "(a) The KL term pulls every code towards the prior.": an answer, not a title
    return first or f"Question {question.marker.number}"


def part_title(section: Section, statement: Statement | None) -> str:
    """The part's title: the exam paper's, when the paper states the part, else the answer sheet's own."""
    asked = statement.parts.get(section.part.label, ("", ""))[0] if statement else ""
    return asked or section.part.title or f"Part ({section.part.label})"


def part_heading(section: Section, statement: Statement | None = None) -> str:
    return f"## ({section.part.label}) {part_title(section, statement)} {{#{slugs.part_anchor(section.part.label)}}}"


def note_block(note: Note) -> str:
    """An editor's note as a Material admonition; its text is untrusted, so no HTML gets through."""
    text = html.escape(note.text.strip(), quote=False)
    lines = [f"    {line}" if line.strip() else "" for line in text.split("\n")]
    return '!!! note "Editor\'s note"\n' + "\n".join(lines)


def _notes(source: Source, number: int, part: str) -> list[str]:
    notes = source.meta.questions.get(number, {}).get("notes", [])
    return [note_block(n) for n in notes if n.part == part]


OPEN = "_The source gives no answer to this question yet._"


def source_label(question: Question) -> str:
    """The source's own label when the page's number does not already say it ("Week 2 · Q1", "Q4" on page 3)."""
    n = str(question.marker.number)
    plain = question.label in (n, f"Q{n}", f"Question {n}", f"Question{n}")
    return "" if plain or not question.label else question.label


def provenance(question: Question) -> str:
    """The line under the title that says what the source calls the question, and the marks it wore; "" for plain Q<N>."""
    marker = question.marker
    said = []
    if source_label(question):
        said.append(f"Source: {question.label}")
    if marker.marks:
        said.append(marker.marks)
    if marker.points:
        said.append(f"({marker.points} points)")
    return f"_{_link_text(' · '.join(said))}_" if said else ""


def question_page(source: Source, question: Question) -> QuestionPage:
    number = question.marker.number
    title = question_title(source, question)
    statement = source.statements.get(number)
    asked = quoted(statement.intro) if statement and statement.intro else ""
    blocks = [f"# Q{number}. {title}", provenance(question), asked, section_text(question.intro.lines),
              OPEN if question.open else "", *_notes(source, number, "")]
    for section in question.parts:
        asked, text = statement.parts.get(section.part.label, ("", "")) if statement else ("", "")
        # Under the paper's own part title, what the answer sheet wrote on its part line is the answer's first words.
        own = section.part.title if asked and section.part.title else ""
        blocks += [part_heading(section, statement), quoted(text) if text else "", own, section_text(section.lines),
                   *_notes(source, number, section.part.label)]
    body = "\n\n".join(b for b in blocks if b) + "\n"
    parts = tuple(Part(s.part.label, part_title(s, statement), slugs.part_anchor(s.part.label)) for s in question.parts)
    tags = [str(t) for t in source.meta.questions.get(number, {}).get("tags") or []]
    if question.group and question.group not in tags:
        tags.append(question.group)  # a section heading is a tag the reader can follow
    return QuestionPage(
        id=slugs.question_id(source.collection, number),
        collection=source.collection,
        question=number,
        title=title,
        parts=parts,
        source_file=source.rel,
        source_lines=(question.first_line, question.last_line),
        body=body,
        tags=tuple(tags),
        group=question.group or "",
    )


def _link_text(text: str) -> str:
    """Title text that cannot break out of a Markdown link or become HTML."""
    return html.escape(text, quote=False).replace("[", r"\[").replace("]", r"\]")


def collection_page(source: Source) -> str:
    """The collection's index page; the hooks add the list of questions at build time.

    Sections (groups) are written here with their intro text and their questions, so the
    reader sees the document's own structure.
    """
    doc = source.document
    title = source.meta.title or doc.title or source.collection.replace("-", " ").capitalize()
    own_title = f"## {doc.title}" if doc.title and source.meta.title else ""  # the source's H1 is kept, one level down
    blocks = [f"# {title}", source.meta.description.strip(), own_title, section_text(doc.preamble)]
    if source.paper is not None and (source.paper.title or source.paper.preamble):
        paper_title = f"### {source.paper.title}" if source.paper.title else ""
        blocks += [f"## From the exam paper {source.meta.paper}", paper_title, section_text(source.paper.preamble)]
    for group in doc.groups:
        listed = [q for q in doc.questions if q.group == group.title]
        links = "\n".join(f"- [Q{q.marker.number}. {_link_text(question_title(source, q))}]"
                          f"({slugs.question_slug(q.marker.number)}.md)" for q in listed)
        blocks += [f"{'#' * min(group.depth + 1, 6)} {group.title}", section_text(group.intro), links]
    body = "\n\n".join(b for b in blocks if b) + "\n"
    meta = {"collection": source.collection, "title": title, "source": source.rel, "hash": body_hash(body)}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n" + body
