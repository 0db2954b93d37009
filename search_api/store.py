"""Where indexes live on disk: one directory per build, and a version file naming the current one.

    .index/
      CURRENT                      "build-20250101T120000123456Z-4242"
      build-20250101T120000123456Z-4242/
        engine/                    the engine's files (Whoosh or tantivy, as meta.json says)
        meta.json  vocabulary.json  pages.json (each page's content hash and record ids)
      build-...                    older builds, kept a while for searchers still reading them

The indexer writes a new build directory (a full build, or a hard-linked copy of the
current one with the changed pages' records replaced), then replaces CURRENT atomically
(``os.replace``). A published build directory is never written again. Servers read
CURRENT to notice a new build: the engines' own freshness checks cannot, since every
fresh build is a new index.

One build at a time: a build holds LOCK_FILE (``flock``) from before it reads the
pages until it has published, so a second build waits and then reads the newer
pages; the kernel releases the lock when its holder dies, however it dies. Whoever
holds the lock may delete every ``.tmp-build-*`` directory: they are leftovers of
killed builds.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

VERSION_FILE = "CURRENT"
META_FILE = "meta.json"
BUILD_NAME = re.compile(r"^build-\d{8}T\d{12}Z-\d+$")
KEEP_BUILDS = 3  # the current one and two before it
LOCK_FILE = ".lock"


class IndexUnavailable(Exception):
    """There is no readable index; the message says how to build one."""


@dataclass(frozen=True)
class Build:
    version: str  # the build directory's name
    path: Path
    meta: dict


def new_build_name() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"build-{stamp}-{os.getpid()}"


def current_version(index_root: Path) -> str | None:
    """The name in the version file, or None when there is none (cheap: one small read)."""
    try:
        name = (index_root / VERSION_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise IndexUnavailable(f"cannot read {index_root / VERSION_FILE}: {exc.strerror}") from exc
    return name if BUILD_NAME.match(name) else None


def how_to_build(index_root: Path) -> str:
    return (f"Build it with `python scripts/build_index.py --index {index_root}` (or `make index`), "
            "then retry; the server picks it up without a restart.")


def missing(index_root: Path) -> str:
    return f"No search index in {index_root}. " + how_to_build(index_root)


def open_build(index_root: Path, version: str | None = None) -> Build:
    """The current build (or `version`), with its metadata; IndexUnavailable when missing or broken."""
    version = version or current_version(index_root)
    if version is None:
        raise IndexUnavailable(missing(index_root))
    path = index_root / version
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"The search index {path} is unreadable ({exc.__class__.__name__}). "
                               + how_to_build(index_root)) from exc
    wrong = _wrong_meta(meta, version)
    if wrong:
        raise IndexUnavailable(f"The search index {path} has a malformed {META_FILE} ({wrong}). "
                               + how_to_build(index_root))
    return Build(version=version, path=path, meta=meta)


# What /health and the searcher read from meta.json, and their types ("documents" is a count, never a bool).
META_FIELDS = {"version": str, "engine": str, "built_at": str, "documents": int, "counts": dict, "concepts": list}


def _wrong_meta(meta, version: str) -> str | None:
    """What is wrong with a build's metadata, or None: a build whose meta.json says otherwise is not served."""
    if not isinstance(meta, dict):
        return "not an object"
    for key, kind in META_FIELDS.items():
        if type(meta.get(key)) is not kind:
            return f"'{key}' missing or not {'a' if kind is not int else 'an'} {kind.__name__}"
    if meta["version"] != version:
        return f"'version' is not the build's name, {version}"
    return None


def publish(index_root: Path, build_dir: Path) -> None:
    """Make `build_dir` (a child of index_root) the current build, atomically."""
    tmp = index_root / f".{VERSION_FILE}.{os.getpid()}.tmp"
    tmp.write_text(build_dir.name + "\n", encoding="utf-8")
    os.replace(tmp, index_root / VERSION_FILE)


@contextlib.contextmanager
def build_lock(index_root: Path, on_wait=None):
    """Hold the index's build lock for the block; if another build holds it, call
    on_wait(holder_pid) once and wait for it."""
    index_root.mkdir(parents=True, exist_ok=True)
    with open(index_root / LOCK_FILE, "a+", encoding="ascii") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                lock.seek(0)
                on_wait(lock.read().strip() or "?")
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


def clean_leftovers(index_root: Path) -> list[Path]:
    """Delete the half-written directories of killed builds; call only while holding build_lock."""
    doomed = [p for p in index_root.glob(".tmp-build-*") if p.is_dir()]
    doomed += [p for p in index_root.glob(f".{VERSION_FILE}.*.tmp") if p.is_file()]
    for path in doomed:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return doomed


def prune(index_root: Path, keep: int = KEEP_BUILDS) -> list[Path]:
    """Delete all but the newest `keep` builds (never the current one); return what was deleted."""
    current = current_version(index_root)
    builds = sorted(p for p in index_root.iterdir() if p.is_dir() and BUILD_NAME.match(p.name))
    doomed = [p for p in builds[:-keep] if p.name != current] if keep else []
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return doomed
