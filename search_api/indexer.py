"""Build the search index from docs/: records → a new Whoosh directory → swapped in atomically.

A failed build deletes its own directory and leaves the version file, and so
the index being served, untouched. Builds of one index run one at a time (see
store.build_lock): a second build waits, then reads the pages as they are by then.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index

from kb.concepts.concept import load_concepts
from search_api import store
from search_api.records import Record, build_records
from search_api.schema import make_schema
from search_api.vocabulary import Vocabulary

# From this many pages, reading pages and writing the index (Whoosh's multi-process writer) use
# two processes: that pays off with two free cores; on small builds starting them costs more.
MULTIPROCESS_PAGES = 2000


@dataclass(frozen=True)
class BuildReport:
    version: str
    path: Path
    documents: int
    counts: dict
    seconds: float
    bytes: int


def write_index(records: list[Record], directory: Path, procs: int = 1) -> None:
    """Write the records into a new Whoosh index in `directory` (which must be empty or absent)."""
    directory.mkdir(parents=True)
    ix = whoosh_index.create_in(str(directory), make_schema())
    if procs > 1:
        writer = ix.writer(procs=procs, limitmb=128, multisegment=True)
    else:
        writer = ix.writer(limitmb=128)
    try:
        for record in records:
            writer.add_document(**record.fields())
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()


def build(docs_dir: Path, index_root: Path, procs: int | None = None, on_wait=None) -> BuildReport:
    """Index every question, part and concept page under docs_dir and make it the current index.

    on_wait(pid) is called once if another build of index_root is running; this one then waits for it.
    """
    with store.build_lock(index_root, on_wait):
        store.clean_leftovers(index_root)
        return _build_locked(docs_dir, index_root, procs)


def _build_locked(docs_dir: Path, index_root: Path, procs: int | None) -> BuildReport:
    started = time.perf_counter()
    if procs is None:
        pages = sum(1 for _ in docs_dir.rglob("*.md"))
        procs = min(os.cpu_count() or 1, 2) if pages >= MULTIPROCESS_PAGES else 1
    concepts = load_concepts(docs_dir)
    records = build_records(docs_dir, concepts, procs)
    if not records:
        raise ValueError(f"no question or concept pages under {docs_dir}; run the importer first")

    name = store.new_build_name()
    tmp = index_root / f".tmp-{name}"
    try:
        write_index(records, tmp, procs=procs)
        Vocabulary.from_texts(r.text for r in records).save(tmp)
        counts = dict(sorted(Counter(r.type for r in records).items()))
        meta = {
            "version": name,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "documents": len(records),
            "counts": counts,
            "concepts": [{"slug": c.slug, "title": c.title, "aliases": list(c.aliases)} for c in concepts],
        }
        (tmp / store.META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        final = index_root / name
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    store.publish(index_root, final)
    store.prune(index_root)
    size = sum(f.stat().st_size for f in final.iterdir() if f.is_file())
    return BuildReport(name, final, len(records), counts, time.perf_counter() - started, size)
