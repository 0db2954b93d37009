"""Build the search index from docs/: records → a new build directory → swapped in atomically.

A build is full (every page read, a new index written) or incremental: each build
keeps, in pages.json, a content hash of every page and the ids of its records; the
next build hashes the pages again, reads only those that changed, and applies the
difference to a copy of the current build (hard links: both engines only ever add
files and replace their small table of contents, so the copy costs no data and the
build being served is never written to). Either way the new directory is published
as before: a failed build deletes its own directory and leaves the version file, and
so the index being served, untouched. Builds of one index run one at a time (see
store.build_lock): a second build waits, then reads the pages as they are by then.

A change to the concepts' names (which decide every record's mentions), to the
engine, or to the records' format makes the next build full.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from kb.concepts.concept import Concept, ConceptMatcher
from kb.concepts.derived import site_concepts
from kb.slugs import CONCEPTS_DIR
from search_api import check, semantic, store
from search_api.engines import DEFAULT, engine
from search_api.records import (Record, add_mentions, build_records, concept_record, concept_records, page_records,
                                record_order, stored_words)
from search_api.vocabulary import FILE as VOCABULARY_FILE
from search_api.vocabulary import Vocabulary, words_of

# From this many pages, reading pages and writing the index (Whoosh's multi-process writer) use
# two processes: that pays off with two free cores; on small builds starting them costs more.
MULTIPROCESS_PAGES = 2000
MANIFEST = "pages.json"
ENGINE_DIR = "engine"  # the engine's own files, apart from ours (tantivy has a meta.json of its own too)
FORMAT = 3  # of the records, their terms and pages.json; a build of another format is rebuilt in full
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    version: str
    path: Path
    documents: int
    counts: dict
    seconds: float
    bytes: int
    engine: str = DEFAULT
    incremental: bool = False
    changed_pages: int = 0  # pages read (all of them in a full build)


def page_hashes(docs_dir: Path, known: dict | None = None) -> dict[str, dict]:
    """Every Markdown page under docs_dir (docs-relative path): a hash of its bytes, its size and mtime.

    A page whose size and modification time (in nanoseconds) are those `known` from the last build
    keeps its hash without being read, as git's index does: at 50,000 pages, reading and hashing
    every page was most of the time of a one-page update.
    """
    known = known or {}
    pages = {}
    root = os.path.join(str(docs_dir), "")
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            if not name.endswith(".md"):
                continue
            path = folder + os.sep + name if folder != root else root + name
            relative = path[len(root):].replace(os.sep, "/")
            stat = os.stat(path)
            before = known.get(relative, {})
            if before.get("size") == stat.st_size and before.get("mtime_ns") == stat.st_mtime_ns:
                digest = before["hash"]
            else:
                with open(path, "rb") as page:
                    digest = hashlib.sha256(page.read()).hexdigest()[:32]
            pages[relative] = {"hash": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return dict(sorted(pages.items()))


def build(docs_dir: Path, index_root: Path, procs: int | None = None, on_wait=None, engine_name: str = DEFAULT,
          full: bool = False) -> BuildReport:
    """Index every question, part and concept page under docs_dir and make it the current index:
    incrementally when a build of the same engine exists (unless `full`).

    on_wait(pid) is called once if another build of index_root is running; this one then waits for it.
    """
    engine(engine_name)  # an unknown engine fails before anything is touched
    with store.build_lock(index_root, on_wait):
        store.clean_leftovers(index_root)
        started = time.perf_counter()
        current = None if full else _reusable(index_root, engine_name)
        if current is not None:
            report = _build_incremental(docs_dir, index_root, current, started)
            if report is not None:
                return report
        return _build_full(docs_dir, index_root, procs, engine_name, started)


def _reusable(index_root: Path, engine_name: str) -> store.Build | None:
    """The current build, if the next can be made from it (same engine and format, with a manifest, and it
    answers: a damaged build is rebuilt in full, never copied)."""
    try:
        current = store.open_build(index_root)
        same = current.meta.get("engine", DEFAULT) == engine_name and current.meta.get("format") == FORMAT
        if not same or not (current.path / MANIFEST).is_file():
            return None
        vocabulary = Vocabulary.load(current.path)
        if current.meta.get(check.CHECKSUMS) is None:  # a build from before checksums: the canary alone
            _answers(current.path, current.meta, vocabulary)
        else:  # its canary ran before it was published; what can have changed since is its files
            check.verify_files(current.path / ENGINE_DIR, current.meta[check.CHECKSUMS])
    except (store.IndexUnavailable, OSError, ValueError) as exc:
        if store.current_version(index_root) is not None:
            log.warning("the current index cannot be updated, so it is rebuilt in full: %s", exc)
        return None
    return current


def _answers(build_dir: Path, meta: dict, vocabulary: Vocabulary) -> None:
    """IndexUnavailable unless the build's engine opens and answers a canary search (search_api.check)."""
    try:
        reader = engine(meta["engine"]).open(build_dir / ENGINE_DIR)
    except Exception as exc:
        raise store.IndexUnavailable(f"The search index {build_dir} cannot be opened "
                                     f"({exc.__class__.__name__}: {exc}).") from exc
    try:
        check.canary(reader, vocabulary.counts, meta["documents"], build_dir)
    finally:
        reader.close()


def _concept_names(concepts) -> list[dict]:
    return [{"slug": c.slug, "title": c.title, "aliases": list(c.aliases)} for c in concepts]


def _concepts_named(meta: dict) -> list[Concept]:
    """The concepts of a build's meta, names only (derived ones have no file to read them from)."""
    return [Concept(c["slug"], c["title"], tuple(c["aliases"]), "", "", f"{CONCEPTS_DIR}/{c['slug']}.md")
            for c in meta.get("concepts", [])]


def _publish(index_root: Path, tmp: Path, meta: dict, vocabulary: Vocabulary, manifest: dict,
             previous: store.Build | None = None) -> Path:
    """Check the build answers, write its files beside the engine's (with the engine files' checksums), then
    rename it into place and make it current. `previous`: the build an incremental one was copied from."""
    _answers(tmp, meta, vocabulary)
    known = previous.meta.get(check.CHECKSUMS) if previous else None
    meta[check.CHECKSUMS] = check.checksums(tmp / ENGINE_DIR, known, previous.path / ENGINE_DIR if previous else None)
    vocabulary.save(tmp)
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (tmp / store.META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    final = index_root / meta["version"]
    tmp.rename(final)
    store.publish(index_root, final)
    store.prune(index_root)
    return final


def _meta(name: str, engine_name: str, counts: Counter, concepts: list[dict]) -> dict:
    return {
        "version": name,
        "engine": engine_name,
        "format": FORMAT,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "documents": sum(counts.values()),
        "counts": dict(sorted((k, v) for k, v in counts.items() if v)),
        "concepts": concepts,
    }


def _manifest(hashes: dict[str, dict], ids: dict[str, list[str]]) -> dict:
    return {"pages": {path: {**page, "ids": ids.get(path, [])} for path, page in hashes.items()}}


def _report(final: Path, meta: dict, started: float, engine_name: str, incremental: bool, pages: int) -> BuildReport:
    size = sum(f.stat().st_size for f in final.rglob("*") if f.is_file())
    return BuildReport(meta["version"], final, meta["documents"], meta["counts"], time.perf_counter() - started,
                       size, engine_name, incremental, pages)


def _ids_by_page(records: list[Record]) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for record in records:
        ids.setdefault(record.source, []).append(record.id)
    return ids


@dataclass
class Written:
    """What a build keeps of the records it wrote: their ids per page, counts per type, words' record counts."""

    ids: dict[str, list[str]]
    counts: Counter
    words: Counter

    @classmethod
    def of(cls, records: list[Record]) -> "Written":
        words: Counter = Counter()
        for record in records:
            words.update(words_of(record.text))
        return cls(_ids_by_page(records), Counter(r.type for r in records), words)

    def add(self, other: "Written") -> None:
        self.ids.update(other.ids)
        self.counts.update(other.counts)
        self.words.update(other.words)


def _write_pages(engine_name: str, paths: list[Path], docs_dir: Path, concepts: list, directory: Path) -> Written:
    """In a worker process: read and reduce these pages and write them as an index of their own."""
    records = sorted(page_records(paths, docs_dir, concepts), key=record_order)
    engine(engine_name).write(records, directory, 1)
    return Written.of(records)


def _write_in_parallel(engine_name: str, docs_dir: Path, pages: list[str], concepts: list, procs: int,
                       directory: Path) -> Written:
    """Each of `procs` processes reads, reduces, analyses and writes a contiguous share of the pages into an
    index of its own (the concept pages go into one more, written here meanwhile); the engine then joins them.

    Analysing the words is most of an engine's writing time in Python, so it is shared out with the
    reading rather than left to one process after it.
    """
    paths = [docs_dir / page for page in pages]  # the pages the manifest hashed, in its (sorted) order
    shares = [paths[len(paths) * i // procs:len(paths) * (i + 1) // procs] for i in range(procs)]
    parts = [directory.parent / f"part-{i}" for i in range(procs + 1)]
    try:
        with ProcessPoolExecutor(procs) as pool:
            futures = [pool.submit(_write_pages, engine_name, share, docs_dir, concepts, part)
                       for share, part in zip(shares, parts)]
            own = concept_records(concepts)
            engine(engine_name).write(own, parts[-1], 1)
            written = Written({}, Counter(), Counter())
            for future in futures:
                written.add(future.result())
        written.add(Written.of(own))
        engine(engine_name).join(parts, directory)
    finally:
        for part in parts:
            shutil.rmtree(part, ignore_errors=True)
    return written


def _build_full(docs_dir: Path, index_root: Path, procs: int | None, engine_name: str, started: float) -> BuildReport:
    hashes = page_hashes(docs_dir)  # before reading: a page edited meanwhile is read again next time
    if procs is None:
        procs = min(os.cpu_count() or 1, 2) if len(hashes) >= MULTIPROCESS_PAGES else 1
    concepts = site_concepts(docs_dir)  # the written concept pages and the derived ones (kb/concepts/derived.py)
    name = store.new_build_name()
    tmp = index_root / f".tmp-{name}"
    try:
        records = None
        if procs > 1 and hasattr(engine(engine_name), "join"):
            written = _write_in_parallel(engine_name, docs_dir, list(hashes), concepts, procs, tmp / ENGINE_DIR)
        else:
            records = build_records(docs_dir, concepts, procs)
            if records:
                engine(engine_name).write(records, tmp / ENGINE_DIR, procs=procs)
            written = Written.of(records)
        if semantic.enabled():  # every record's embedding, beside the engine's files (search_api.semantic)
            semantic.write(tmp, records if records is not None else build_records(docs_dir, concepts, procs))
        if not sum(written.counts.values()):
            raise ValueError(f"no question or concept pages under {docs_dir}; run the importer first")
        meta = _meta(name, engine_name, written.counts, _concept_names(concepts))
        final = _publish(index_root, tmp, meta, Vocabulary(dict(written.words)), _manifest(hashes, written.ids))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _report(final, meta, started, engine_name, False, len(hashes))


def _link_copy(source: Path, target: Path) -> None:
    """A copy of a build directory made of hard links (lock files left out)."""
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.is_dir():
            _link_copy(path, target / path.name)
        elif path.is_file() and "lock" not in path.name.lower():
            os.link(path, target / path.name)


def _build_incremental(docs_dir: Path, index_root: Path, current: store.Build, started: float) -> BuildReport | None:
    """The current build with the changed pages' records replaced; None when only a full build will do."""
    old_pages = json.loads((current.path / MANIFEST).read_text(encoding="utf-8"))["pages"]
    hashes = page_hashes(docs_dir, old_pages)
    changed = sorted(p for p, page in hashes.items() if old_pages.get(p, {}).get("hash") != page["hash"])
    removed = sorted(set(old_pages) - set(hashes))
    concepts = site_concepts(docs_dir) if any(p.startswith(f"{CONCEPTS_DIR}/") for p in changed + removed) else None
    if concepts is not None and _concept_names(concepts) != current.meta.get("concepts"):
        return None  # names decide every record's mentions
    engine_name = current.meta["engine"]
    if semantic.enabled() != semantic.written(current.path):
        return None  # the model was turned on or off since: every record is embedded, or none
    if not changed and not removed:
        return _report(current.path, current.meta, started, engine_name, True, 0)  # nothing to do
    if concepts is None:
        concepts = _concepts_named(current.meta) if changed else []  # the names are all mentions need
    records = _changed_records(docs_dir, changed, concepts)
    old_ids = {i for p in changed + removed for i in old_pages.get(p, {}).get("ids", [])}
    name = store.new_build_name()
    tmp = index_root / f".tmp-{name}"
    try:
        _link_copy(current.path, tmp)
        vocabulary = Vocabulary.load(current.path)
        counts = Counter(current.meta["counts"])
        reader = engine(engine_name).open(current.path / ENGINE_DIR)
        try:
            for old in reader.stored_by_id(sorted(old_ids)):
                vocabulary.remove(words_of(stored_words(old)))
                counts[old["type"]] -= 1
        finally:
            reader.close()
        for record in records:
            vocabulary.add(words_of(record.text))
            counts[record.type] += 1
        if not sum(counts.values()):
            raise ValueError(f"no question or concept pages under {docs_dir}; run the importer first")
        engine(engine_name).update(tmp / ENGINE_DIR, old_ids, records)
        if semantic.enabled():  # the kept records' embeddings reused, the changed pages' encoded
            semantic.write(tmp, records, current.path, old_ids)
        for path in (tmp / MANIFEST, tmp / store.META_FILE, tmp / VOCABULARY_FILE):
            path.unlink(missing_ok=True)  # links to the current build's: written anew, never through
        pages = {p: {**old_pages[p], **hashes[p]} for p in hashes if p in old_pages and p not in changed}
        pages.update(_manifest({p: hashes[p] for p in changed}, _ids_by_page(records))["pages"])
        meta = _meta(name, engine_name, counts, current.meta.get("concepts", []))
        final = _publish(index_root, tmp, meta, vocabulary, {"pages": dict(sorted(pages.items()))}, current)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _report(final, meta, started, engine_name, True, len(changed))


def _changed_records(docs_dir: Path, changed: list[str], concepts: list) -> list[Record]:
    """The records of these pages (question and concept pages), with their mentions."""
    concept_paths = {f"{CONCEPTS_DIR}/{c.slug}.md": c for c in concepts}
    records = page_records([docs_dir / p for p in changed if p not in concept_paths], docs_dir, concepts)
    own = [concept_record(concept_paths[p]) for p in changed if p in concept_paths]
    if own:
        add_mentions(own, ConceptMatcher(concepts))
    return records + own
