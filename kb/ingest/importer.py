"""The import run: sources -> Markdown -> parsed documents -> planned pages -> files in docs/.

Reads top to bottom: `load_source` (I/O in; any format through `kb.ingest.convert`, then
`kb.ingest.document`), `plan` (page text from `kb.ingest.render`,
images, the round-trip check), `decide` (reads docs/ to protect contributors' edits: a
body edited by hand is kept, and the meta file's title and tags still reach it by a
three-way merge, `kb.ingest.merge`),
`apply` (I/O out). The whole run holds the
import lock (`kb.ingest.lock`). A document that cannot be read is reported and
skipped; the others are written (under `--strict`, a warning anywhere writes nothing),
and the files are moved in as one committed unit (`kb.ingest.staging`).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb import slugs, yamlsafe
from kb.ingest import merge, roundtrip, staging
from kb.concepts.concept import ConceptMatcher, load_concepts
from kb.concepts.links import resolve
from kb.ingest.cleanup import unlink_wikilinks
from kb.ingest.convert import Converted, convert
from kb.ingest.document import Document, parse_document
from kb.ingest.images import collect_images, image_path
from kb.ingest.lines import DocumentError
from kb.ingest.lock import run_lock
from kb.ingest.meta import SourceMeta, check_notes, load_meta, meta_path, unknown_questions
from kb.ingest.paper import Statement, match_statements
from kb.ingest.render import collection_page, question_page
from kb.pages import PageError, QuestionPage, body_hash, question_from_text, render_question, split_front_matter


class StrictError(ValueError):
    """Warnings that --strict turns into errors; one "file:line: message" per item."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Source:
    path: Path  # as given on the command line
    rel: str  # project-relative POSIX path, recorded in front matter
    collection: str
    document: Document
    meta: SourceMeta
    warnings: list[str] = field(default_factory=list)  # the document's, then the run's (images, round trip)
    converted: Converted | None = None  # what a converter made of a LaTeX, Word, HTML, notebook or PDF source
    converted_rel: str = ""  # project-relative path where that Markdown is kept for a reviewer
    paper: Document | None = None  # the exam paper the meta file names, read like any document
    statements: dict[int, Statement] = field(default_factory=dict)  # page number -> the paper's statement
    paper_converted: Converted | None = None

CONVERTED_DIR = "build/converted"  # beside docs/: derived, never edited, rewritten by every import

@dataclass(frozen=True)
class PlannedFile:
    path: str  # docs-relative
    text: str
    data: bytes | None = None  # a copied image; pages have text only
    page: QuestionPage | None = None  # the question page the text renders, so nobody parses it back

    @property
    def content(self) -> bytes:
        return self.data if self.data is not None else self.text.encode("utf-8")


@dataclass(frozen=True)
class Decision:
    file: PlannedFile
    status: str  # new | updated | merged | unchanged | kept-edited | kept-unreadable
    conflicts: tuple[merge.Conflict, ...] = ()  # fields both the contributor and the meta file changed


WRITTEN = ("new", "updated", "merged")  # statuses whose file is written


def render_imported(page: QuestionPage, record: dict | None = None) -> str:
    """The page as the importer writes it, recording the title and tags it wrote (for the next three-way merge)."""
    record = record or {"title": page.title, "tags": list(page.tags)}
    return render_question(page, {f: record[f] for f in merge.FIELDS})


def load_source(path: Path, project_root: Path) -> Source:
    """Read, convert and parse one source document with its meta file (raises DocumentError)."""
    name = str(path)
    if not path.is_file():
        raise DocumentError(name, 1, "does not exist or is not a file")
    try:
        collection = slugs.collection_slug(path.name)
    except ValueError:
        raise DocumentError(name, 1, "its name has no letter or digit to name a collection after; rename the file") from None
    for read in (path, meta_path(path)):
        _refuse_outside_link(read, project_root)
    meta = load_meta(path)
    document, converted, converted_rel = read_document(path, f"{CONVERTED_DIR}/{collection}.md", meta.dialect, meta.url)
    check_notes(meta, {q.marker.number: [s.part.label for s in q.parts] for q in document.questions})
    rel = Path(os.path.relpath(path.resolve(), project_root.resolve())).as_posix()
    unused = unknown_questions(meta, {q.marker.number for q in document.questions})
    source = Source(path, rel, collection, document, meta, [*converted.warnings, *document.warnings, *unused],
                    converted if converted.converted else None, converted_rel)
    if meta.paper:
        paper_path = path.parent / meta.paper
        if not paper_path.is_file():
            raise DocumentError(meta.path, 1, f"key 'paper': {meta.paper} is not a file beside {path.name}")
        source.paper, paper_converted, _ = read_document(paper_path, f"{CONVERTED_DIR}/{collection}.paper.md")
        source.paper_converted = paper_converted if paper_converted.converted else None
        source.statements, said = match_statements(document, source.paper, meta.paper)
        source.warnings += [*paper_converted.warnings, *source.paper.warnings, *said]
    return source


def _refuse_outside_link(path: Path, project_root: Path) -> None:
    """A symbolic link in the way to a file outside the project is refused: sources/ must not publish /etc."""
    real = path.resolve()
    if real != Path(os.path.abspath(path)) and not real.is_relative_to(project_root.resolve()):
        raise DocumentError(str(path), 1, f"is a symbolic link to {real}, outside the project; "
                                          f"copy the file into the project instead")


def claimed_elsewhere(source: Source, docs: Path) -> DocumentError | None:
    """A collection belongs to the source that made it: another source mapping to it is refused, naming both."""
    index = docs / slugs.collection_index_path(source.collection)
    try:
        owner = split_front_matter(index.read_text(encoding="utf-8"), index)[0].get("source")
    except (OSError, PageError, UnicodeDecodeError):
        return None  # no collection yet, or one the build reports as unreadable
    if not isinstance(owner, str) or owner == source.rel:
        return None
    return DocumentError(str(source.path), 1, f"collection '{source.collection}' belongs to {owner} "
                                              f"({index.relative_to(docs.parent).as_posix()}); rename this source, "
                                              f"or delete that collection to give it to this one")


def read_document(path: Path, converted_rel: str, dialect: str = "", base_url: str = "") -> tuple[Document, Converted, str]:
    """A source in any format, converted to Markdown and parsed; (document, conversion, where the Markdown is kept)."""
    converted = convert(path.read_bytes(), str(path))
    # Lines in a converted document's warnings are lines of the Markdown kept for review; pages name the original.
    where = converted_rel if converted.converted else str(path)
    return (parse_document(converted.text, where, dialect, base_url), converted,
            converted_rel if converted.converted else "")


def _with_images(source: Source, path: str, text: str, images: dict[str, PlannedFile], warnings: list[str]) -> str:
    """Plan the copies of a page's relative images; report and defuse the ones that cannot be copied."""
    folder = source.path.parent
    provided = source.converted.images if source.converted else {}
    fixed, found, problems = collect_images(text, folder, provided)
    for image in found:
        target = f"{slugs.QUESTIONS_DIR}/{source.collection}/{image_path(image.url)}"
        data = provided[image.url] if image.file is None else image.file.read_bytes()
        images.setdefault(target, PlannedFile(target, "", data))
    for url, why in problems:
        line = next((ln.number for ln in source.document.lines if url in ln.text), 1)
        warnings.append(f"{source.document.source}:{line}: image {url} {why}; shown as text on {path}")
    return fixed


def _without_dead_wikilinks(source: Source, path: str, text: str, known, warnings: list[str]) -> str:
    """A page's `[[wikilinks]]` to no concept page, made text (and said, at the source line that wrote them)."""
    fixed, gone = unlink_wikilinks(text, known)
    for name in dict.fromkeys(gone):
        line = next((ln.number for ln in source.document.lines if f"[[{name}" in ln.text), 1)
        warnings.append(f"{source.document.source}:{line}: [[{name}]] names no concept page; shown as text on {path}")
    return fixed


def plan(source: Source, known=lambda name: True) -> tuple[list[PlannedFile], list[str]]:
    """Every file one document produces, and the run's warnings about it (images, wikilinks, round trip);
    `known(name)` says whether a wikilink target is a concept page."""
    images: dict[str, PlannedFile] = {}
    warnings: list[str] = []
    index_path = slugs.collection_index_path(source.collection)
    index_text = _with_images(source, index_path, collection_page(source), images, warnings)
    files = [PlannedFile(index_path, _without_dead_wikilinks(source, index_path, index_text, known, warnings))]
    bodies = {"collection": split_front_matter(files[0].text)[1]}
    for question in source.document.questions:
        page = question_page(source, question)
        path = slugs.question_path(source.collection, question.marker.number)
        fixed = _without_dead_wikilinks(source, path, _with_images(source, path, page.body, images, warnings), known, warnings)
        if fixed != page.body:
            page = QuestionPage(**{**page.__dict__, "body": fixed})
        bodies[f"q{question.marker.number}"] = page.body
        text = render_imported(page)
        if text.index("\n---\n") > yamlsafe.MAX_BYTES:  # the site build and the index build would refuse it
            raise DocumentError(source.document.source, question.first_line, f"question {question.marker.number}'s front "
                                f"matter (title, parts, tags) would be over {yamlsafe.MAX_BYTES // 1024} KB; "
                                f"shorten its title or its part titles")
        files.append(PlannedFile(path, text, page=page))
    warnings += [f"round trip: {p}" for p in roundtrip.check(source.document, bodies)]
    return files + sorted(images.values(), key=lambda f: f.path), warnings


def plan_pages(source: Source) -> list[PlannedFile]:
    """Every file one document produces (pages as text, images as bytes)."""
    return plan(source)[0]


def decide(files: list[PlannedFile], docs: Path, force: bool) -> list[Decision]:
    """Compare with docs/: a question page edited by hand keeps its body and takes the meta file's title and
    tags where the contributor did not change them too (`merge_page`); a collection page edited by hand is
    kept unless `force`."""
    decisions = []
    for file in files:
        target = docs / file.path
        if not target.exists():
            decisions.append(Decision(file, "new"))
            continue
        current = target.read_bytes()
        if current == file.content:
            decisions.append(Decision(file, "unchanged"))
            continue
        if force or file.data is not None:
            decisions.append(Decision(file, "updated"))  # images follow their source
            continue
        text = current.decode("utf-8", errors="replace")
        try:
            meta, body = split_front_matter(text, target)
        except PageError:
            decisions.append(Decision(file, "kept-unreadable"))
            continue
        if file.page is not None:
            decisions.append(merge_page(file, meta, body, text))
            continue
        edited = meta.get("hash") != body_hash(body)
        decisions.append(Decision(file, "kept-edited" if edited else "updated"))
    return decisions


def merge_page(file: PlannedFile, front: dict, body: str, current: str) -> Decision:
    """The three views of a question page's title and tags (`kb.ingest.merge`), and of its body: the body as the
    importer last wrote it follows the source; a body edited by hand is kept whole."""
    planned = file.page
    base = merge.recorded(front)
    values, record, conflicts = merge.merge_fields(base, front, {"title": planned.title, "tags": list(planned.tags)})
    title, tags = values["title"], tuple(values["tags"] or ())
    if front.get("hash") == body_hash(body):
        page = replace(planned, title=title, tags=tags,
                       body=merge.retitle(planned.body, planned.question, planned.title, title))
        text, status = render_imported(page, record), "updated"
    else:
        # The contributor's front matter and body stay (the parts listed match that body); its hash stays the one
        # the importer wrote, so the page still reads as edited by hand.
        kept = merge.retitle(body, planned.question, base["title"], title)
        text = merge.page_text(merge.with_record({**front, "title": title, "tags": list(tags)}, record), kept)
        try:
            page, status = question_from_text(text, file.path), "merged"
        except PageError:  # the contributor broke the front matter's schema: theirs to fix, never ours to guess
            return Decision(file, "kept-unreadable")
    if text == current:
        status = "kept-edited" if status == "merged" else "unchanged"
    return Decision(PlannedFile(file.path, text, page=page), status, tuple(conflicts))


def apply(decisions: list[Decision], docs: Path, sources: list[Source] = ()) -> None:
    """Write every new or updated file into docs/ as one committed unit (see `kb.ingest.staging`), and keep the
    Markdown the converters made where a reviewer can read it."""
    staging.stage_and_move([(d.file.path, d.file.content) for d in decisions if d.status in WRITTEN], docs)
    root = docs.resolve().parent
    kept = [(s.converted_rel, s.converted) for s in sources if s.converted]
    kept += [(f"{CONVERTED_DIR}/{s.collection}.paper.md", s.paper_converted) for s in sources if s.paper_converted]
    for rel, converted in kept:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(converted.text, encoding="utf-8")
        os.replace(tmp, target)


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
    recovered: list[str] = field(default_factory=list)  # what the run finished or cleaned up from a killed one
    failed: list[tuple[Path, DocumentError]] = field(default_factory=list)  # sources that could not be read, and why

    @property
    def repairs(self) -> Counter:
        return sum((s.document.repairs for s in self.sources), Counter())

    @property
    def changes(self) -> list[Decision]:
        return [d for d in self.decisions if d.status in WRITTEN]


def planned_questions(report: RunReport) -> list[QuestionPage]:
    """The question pages this run produced (or would produce, under --check)."""
    return [d.file.page for d in report.decisions if d.file.page is not None]


def paper_of(path: Path) -> Path | None:
    """The exam paper a source's meta file names, or None (a bad meta file is reported when its source is read)."""
    try:
        paper = load_meta(path).paper
    except DocumentError:
        return None
    return (path.parent / paper).resolve() if paper else None


def concept_names(docs: Path):
    """Whether a wikilink target names a concept page in docs/concepts/ (its slug, title or an alias)."""
    try:
        matcher = ConceptMatcher(load_concepts(docs))
    except (PageError, OSError):
        return lambda name: True  # the build reports unreadable concept pages; the importer changes no link
    return lambda name: resolve(name, matcher) is not None


def read_sources(paths: list[Path], root: Path) -> tuple[list[Source], list[tuple[Path, DocumentError]]]:
    """Every source that can be read, and an error for each one that cannot: one bad document stops no other."""
    sources, failed, seen = [], [], {}
    papers = {paper_of(p) for p in paths} - {None}
    for p in paths:
        if p.resolve() in papers:
            continue  # an exam paper is read with its answer sheet, not as a collection of its own
        try:
            s = load_source(p, root)
        except DocumentError as exc:
            failed.append((p, exc))
            continue
        except Exception as exc:  # noqa: BLE001  an importer bug must not cost the run's other documents
            failed.append((p, DocumentError(str(p), 1, f"could not be imported: the importer failed on it "
                                                       f"({type(exc).__name__}: {exc}); please report this")))
            continue
        if s.collection in seen:
            failed.append((p, DocumentError(str(s.path), 1, f"collection '{s.collection}' is also produced by "
                                                            f"{seen[s.collection]}; rename one source")))
            continue
        seen[s.collection] = s.path
        sources.append(s)
    return sources, failed


def run(paths: list[Path], docs: Path, force: bool = False, check: bool = False, strict: bool = False,
        lock_timeout: float = 300.0, say=lambda message: print(message, file=sys.stderr)) -> RunReport:
    """Import every source that can be read under the import lock; the report lists the ones that could not.

    Under `strict`, any warning or unreadable source raises StrictError before anything is written.
    Source paths in front matter are relative to the docs directory's parent, the project.
    """
    root = docs.resolve().parent
    with run_lock(root, lock_timeout, say):
        recovered = [] if check else staging.recover(root)  # --check writes nothing, not even a recovery
        sources, failed = read_sources(paths, root)
        known = concept_names(docs)
        decisions, stale, planned = [], [], []
        for s in sources:
            try:
                if error := claimed_elsewhere(s, docs):
                    raise error
                files, warnings = plan(s, known)
            except DocumentError as exc:
                failed.append((s.path, exc))
                continue
            planned.append(s)
            s.warnings += warnings
            decisions += decide(files, docs, force)
            stale += stale_pages(s, files, docs)
        if strict and (failed or any(s.warnings for s in planned)):
            raise StrictError([str(e) for _, e in failed] + [w for s in planned for w in s.warnings])
        if not check:
            apply(decisions, docs, planned)
    return RunReport(planned, decisions, stale, recovered, failed)
