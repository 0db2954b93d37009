"""Where indexes live on disk: one directory per build, and a version file naming the current one.

    .index/
      CURRENT                      "build-20250101T120000123456Z-4242"
      build-20250101T120000123456Z-4242/   Whoosh files + meta.json
      build-...                    older builds, kept a while for searchers still reading them

The indexer writes a new build directory, then replaces CURRENT atomically
(``os.replace``). Servers read CURRENT to notice a new build: Whoosh's own
``up_to_date()`` cannot, since every fresh build is generation 1.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

VERSION_FILE = "CURRENT"
META_FILE = "meta.json"
BUILD_NAME = re.compile(r"^build-\d{8}T\d{12}Z-\d+$")
KEEP_BUILDS = 3  # the current one and two before it


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
    return Build(version=version, path=path, meta=meta)


def publish(index_root: Path, build_dir: Path) -> None:
    """Make `build_dir` (a child of index_root) the current build, atomically."""
    tmp = index_root / f".{VERSION_FILE}.{os.getpid()}.tmp"
    tmp.write_text(build_dir.name + "\n", encoding="utf-8")
    os.replace(tmp, index_root / VERSION_FILE)


def prune(index_root: Path, keep: int = KEEP_BUILDS) -> list[Path]:
    """Delete all but the newest `keep` builds (never the current one), and the half-written
    directories of builds that were killed over an hour ago; return what was deleted."""
    import shutil
    import time

    current = current_version(index_root)
    builds = sorted(p for p in index_root.iterdir() if p.is_dir() and BUILD_NAME.match(p.name))
    doomed = [p for p in builds[:-keep] if p.name != current] if keep else []
    doomed += [p for p in index_root.glob(".tmp-build-*") if p.is_dir() and time.time() - p.stat().st_mtime > 3600]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return doomed
