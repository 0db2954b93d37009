"""What proves a build answers: its files are the ones written (sizes and CRC-32s in meta.json), and a canary
search over its engine finds records and reads them back.

A build is checked before it is published (search_api.indexer), before an incremental build copies it,
and by every server process the first time it opens it (search_api.searcher); a failed check is
`IndexUnavailable`: a 503 for the API, a full rebuild for the indexer. A zero-filled segment used to pass
`/health` while every search failed with the engine's own error.
"""

from __future__ import annotations

import heapq
import os
import time
import zlib
from pathlib import Path

from search_api.plan import make_plan
from search_api.query import ConceptNames, parse
from search_api.store import IndexUnavailable

CHECKSUMS = "files"  # meta.json's key: {path under the engine directory: [size, crc32]}
CANARY_WORDS = 20  # the most used words of the vocabulary tried, in order, for one the analyser keeps
CANARY_SECONDS = 30.0


def engine_files(engine_dir: Path) -> list[Path]:
    """The engine's data files (lock files are created by readers and writers, and never copied)."""
    return sorted(p for p in engine_dir.rglob("*") if p.is_file() and "lock" not in p.name.lower())


def _crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def checksums(engine_dir: Path, known: dict | None = None, known_dir: Path | None = None) -> dict[str, list[int]]:
    """Each engine file's [size, crc32]. A file that is a hard link to the same file of `known_dir` (an
    incremental build's copy of a published build, never written) keeps its `known` checksum unread."""
    out = {}
    for path in engine_files(engine_dir):
        name = path.relative_to(engine_dir).as_posix()
        stat = path.stat()
        if known and name in known and known_dir is not None:
            try:
                if os.stat(known_dir / name).st_ino == stat.st_ino:
                    out[name] = known[name]
                    continue
            except OSError:
                pass
        out[name] = [stat.st_size, _crc(path)]
    return out


def verify_files(engine_dir: Path, recorded: dict | None) -> None:
    """IndexUnavailable unless every file recorded is there with its size and CRC-32 (a build written before
    checksums were recorded has none: it is checked by its canary alone)."""
    if recorded is None:
        return
    if not isinstance(recorded, dict):
        raise IndexUnavailable(f"The search index {engine_dir.parent} has a malformed file list in its meta.json.")
    for name, expected in sorted(recorded.items()):
        path = engine_dir / name
        try:
            found = [path.stat().st_size, _crc(path)]
        except OSError as exc:
            raise IndexUnavailable(f"The search index {engine_dir.parent} lacks {name} ({exc.strerror}).") from exc
        if found != expected:
            raise IndexUnavailable(f"The search index {engine_dir.parent} is damaged: {name} is not the file "
                                   "that was written (size or checksum differs).")


def canary(reader, counts: dict, documents: int, where: Path, names: ConceptNames | None = None) -> str:
    """Search the build's most used word the analyser keeps, read its hits back; return the word.

    IndexUnavailable (naming `where`, the build) when the engine's document count is not the build's,
    a search fails or finds nothing, or its records cannot be read.
    """
    try:
        if reader.doc_count() != documents:
            raise IndexUnavailable(f"The search index {where} holds {reader.doc_count()} records, "
                                   f"not the {documents} its build wrote.")
        for word in heapq.nlargest(CANARY_WORDS, counts, key=lambda w: (counts[w], w)):
            plan = make_plan(word, parse(word), reader, names)
            if plan.required is None:
                continue  # a stop word, or one the analyser drops
            collected = reader.search(plan, {}, 10, time.perf_counter() + CANARY_SECONDS)
            records = reader.records([key for key, _ in collected.hits])
            if not collected.total or not records or not all(isinstance(r, dict) and r.get("id") for r in records):
                raise IndexUnavailable(f"The search index {where} does not answer: a search for {word!r}, one of "
                                       "its most used words, found nothing.")
            return word
    except IndexUnavailable:
        raise
    except Exception as exc:  # the engine's own error on damaged data ("Block tag error", a Rust panic...)
        raise IndexUnavailable(f"The search index {where} does not answer a search "
                               f"({exc.__class__.__name__}: {exc}).") from exc
    raise IndexUnavailable(f"The search index {where} has no searchable word in its vocabulary.")
