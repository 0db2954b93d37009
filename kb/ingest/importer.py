"""The import run: sources -> parsed documents -> planned pages -> files in docs/.

Reads top to bottom: `load_source` (I/O in), `plan_pages` (pure), `decide` (reads
docs/ to protect contributors' edits), `apply` (I/O out, atomic per run).
Nothing is written unless every document of the run parsed cleanly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb import slugs
from kb.ingest.document import Document, Question, Section, decode, parse_document
from kb.ingest.lines import DocumentError, Line
from kb.pages import PageError, Part, QuestionPage, body_hash, question_from_text, render_question, split_front_matter


@dataclass(frozen=True)
class SourceMeta:
    """The companion `<source>.meta.yml`: titles and tags contributors can edit."""

    title: str = ""
    description: str = ""
    questions: dict[int, dict] = field(default_factory=dict)


@dataclass
class Source:
    path: Path  # as given on the command line
    rel: str  # project-relative POSIX path, recorded in front matter
    collection: str
    document: Document
    meta: SourceMeta


@dataclass(frozen=True)
class PlannedFile:
    path: str  # docs-relative
    text: str


@dataclass(frozen=True)
class Decision:
    file: PlannedFile
    status: str  # new | updated | unchanged | kept-edited | kept-unreadable


def meta_path(source: Path) -> Path:
    return source.with_name(source.name.split(".")[0] + ".meta.yml")


def load_meta(source: Path) -> SourceMeta:
    path = meta_path(source)
    if not path.exists():
        return SourceMeta()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DocumentError(str(path), getattr(getattr(exc, "problem_mark", None), "line", 0) + 1, f"is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise DocumentError(str(path), 1, "must be a mapping with 'title' and 'questions'")
    questions = {}
    for number, entry in (raw.get("questions") or {}).items():
        if isinstance(entry, str):
            entry = {"title": entry}
        if not isinstance(number, int) or not isinstance(entry, dict):
            raise DocumentError(str(path), 1, f"questions: entry {number!r} must be 'N: {{title: ..., tags: [...]}}'")
        questions[number] = entry
    return SourceMeta(str(raw.get("title", "")), str(raw.get("description", "")), questions)


def load_source(path: Path, project_root: Path) -> Source:
    """Read, decode and parse one source document (raises DocumentError)."""
    name = str(path)
    if not path.is_file():
        raise DocumentError(name, 1, "does not exist or is not a file")
    document = parse_document(decode(path.read_bytes(), name), name)
    rel = Path(os.path.relpath(path.resolve(), project_root.resolve())).as_posix()
    return Source(path, rel, slugs.collection_slug(path.name), document, load_meta(path))


def _lines_text(lines: list[Line]) -> str:
    """Join lines, collapsing runs of blank lines to one."""
    out: list[str] = []
    for line in lines:
        text = line.text.rstrip()
        if not text and (not out or not out[-1]):
            continue
        out.append(text)
    return "\n".join(out).strip("\n")


def question_title(source: Source, question: Question) -> str:
    """The marker's own title, else the companion metadata's, else an automatic one."""
    if question.marker.title:
        return question.marker.title
    entry = source.meta.questions.get(question.marker.number, {})
    if str(entry.get("title", "")).strip():
        return str(entry["title"]).strip()
    first = question.parts[0].part.title if question.parts and question.parts[0].part.title else ""
    return first or f"Question {question.marker.number}"


def part_heading(section: Section) -> str:
    part = section.part
    title = part.title or f"Part ({part.label})"
    return f"## ({part.label}) {title} {{#{slugs.part_anchor(part.label)}}}"


def question_page(source: Source, question: Question) -> QuestionPage:
    number = question.marker.number
    title = question_title(source, question)
    blocks = [f"# Q{number}. {title}", _lines_text(question.intro.lines)]
    for section in question.parts:
        blocks += [part_heading(section), _lines_text(section.lines)]
    body = "\n\n".join(b for b in blocks if b) + "\n"
    parts = tuple(
        Part(s.part.label, s.part.title or f"Part ({s.part.label})", slugs.part_anchor(s.part.label))
        for s in question.parts
    )
    tags = source.meta.questions.get(number, {}).get("tags") or []
    return QuestionPage(
        id=slugs.question_id(source.collection, number),
        collection=source.collection,
        question=number,
        title=title,
        parts=parts,
        source_file=source.rel,
        source_lines=(question.first_line, question.last_line),
        body=body,
        tags=tuple(str(t) for t in tags),
    )


def collection_page(source: Source) -> str:
    """The collection's index page; the hooks add the list of questions at build time."""
    title = source.meta.title or source.collection.replace("-", " ").capitalize()
    blocks = [f"# {title}", source.meta.description.strip(), _lines_text(source.document.preamble)]
    body = "\n\n".join(b for b in blocks if b) + "\n"
    meta = {"collection": source.collection, "title": title, "source": source.rel, "hash": body_hash(body)}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n" + body


def plan_pages(source: Source) -> list[PlannedFile]:
    """Every file one document produces, as text (pure)."""
    files = [PlannedFile(slugs.collection_index_path(source.collection), collection_page(source))]
    for question in source.document.questions:
        page = question_page(source, question)
        files.append(PlannedFile(slugs.question_path(source.collection, question.marker.number), render_question(page)))
    return files


def decide(files: list[PlannedFile], docs: Path, force: bool) -> list[Decision]:
    """Compare with docs/: a page whose body was edited by hand is kept unless `force`."""
    decisions = []
    for file in files:
        target = docs / file.path
        if not target.exists():
            decisions.append(Decision(file, "new"))
            continue
        current = target.read_text(encoding="utf-8", errors="replace")
        if current == file.text:
            decisions.append(Decision(file, "unchanged"))
            continue
        if force:
            decisions.append(Decision(file, "updated"))
            continue
        try:
            meta, body = split_front_matter(current, target)
        except PageError:
            decisions.append(Decision(file, "kept-unreadable"))
            continue
        edited = meta.get("hash") != body_hash(body)
        decisions.append(Decision(file, "kept-edited" if edited else "updated"))
    return decisions


def apply(decisions: list[Decision], docs: Path) -> None:
    """Write every new or updated page to a temporary directory, then move them all into place."""
    writes = [d.file for d in decisions if d.status in ("new", "updated")]
    if not writes:
        return
    docs.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=docs.parent))
    try:
        for file in writes:
            path = staging / file.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.text, encoding="utf-8")
        for file in writes:
            target = docs / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / file.path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def stale_pages(source: Source, files: list[PlannedFile], docs: Path) -> list[str]:
    """Question pages of this collection that the source no longer has (reported, never deleted)."""
    folder = docs / slugs.QUESTIONS_DIR / source.collection
    planned = {f.path for f in files}
    return sorted(
        p.relative_to(docs).as_posix()
        for p in folder.glob("q*.md")
        if p.relative_to(docs).as_posix() not in planned
    )


@dataclass
class RunReport:
    sources: list[Source]
    decisions: list[Decision]
    stale: list[str]

    @property
    def repairs(self) -> Counter:
        return sum((s.document.repairs for s in self.sources), Counter())

    @property
    def changes(self) -> list[Decision]:
        return [d for d in self.decisions if d.status in ("new", "updated")]


def planned_questions(report: RunReport) -> list[QuestionPage]:
    """The question pages this run produced (or would produce, under --check)."""
    return [question_from_text(d.file.text, d.file.path) for d in report.decisions if slugs.is_question_path(d.file.path)]


def run(paths: list[Path], docs: Path, force: bool = False, check: bool = False) -> RunReport:
    """Import every source; raises DocumentError before writing anything if any source is bad.

    Source paths in front matter are relative to the docs directory's parent, the project.
    """
    sources = [load_source(p, docs.resolve().parent) for p in paths]
    seen: dict[str, Path] = {}
    for s in sources:
        if s.collection in seen:
            raise DocumentError(str(s.path), 1, f"collection '{s.collection}' is also produced by {seen[s.collection]}; rename one source")
        seen[s.collection] = s.path
    decisions, stale = [], []
    for s in sources:
        files = plan_pages(s)
        decisions += decide(files, docs, force)
        stale += stale_pages(s, files, docs)
    if not check:
        apply(decisions, docs)
    return RunReport(sources, decisions, stale)
