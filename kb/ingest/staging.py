"""Moving a run's files into docs/ together: stage, commit a journal, move, and finish after a crash.

Every file is first written to a `.import-*` folder beside docs/. Writing its
JOURNAL (atomically, by rename) is the commit point. A run killed before that
point leaves docs/ untouched; one killed after it may leave some files moved and
some not, and the next run (under the same lock) finishes the moves before it
does anything else. Folders left without a journal are deleted. So after any
kill, docs/ holds the old files, or the new ones once the next import starts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = ".import-"
JOURNAL = "JOURNAL"


def stage_and_move(files: list[tuple[str, bytes]], docs: Path) -> None:
    """Write `files` (docs-relative path, content) into docs/ as one committed unit."""
    if files:
        finish(stage(files, docs))


def stage(files: list[tuple[str, bytes]], docs: Path) -> Path:
    """Write `files` beside docs/ and commit them; return the staging folder `finish` empties."""
    docs.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=PREFIX, dir=docs.parent))
    made: set[Path] = set()  # one mkdir per folder, not per file: thousands of pages share a few folders
    for path, data in files:
        target = staging / "files" / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
    journal = {"docs": docs.name, "files": [path for path, _ in files]}
    (staging / (JOURNAL + ".tmp")).write_text(json.dumps(journal), encoding="utf-8")
    os.replace(staging / (JOURNAL + ".tmp"), staging / JOURNAL)  # the commit point
    return staging


def finish(staging: Path) -> int:
    """Move every staged file the journal lists that is still there; return how many moved."""
    journal = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    docs = staging.parent / journal["docs"]
    moved, made = 0, set()
    for path in journal["files"]:
        source, target = staging / "files" / path, docs / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.replace(source, target)
        except FileNotFoundError:
            continue  # moved before the run was killed
        moved += 1
    (staging / JOURNAL).unlink()  # before the folder goes, so a kill now leaves nothing to redo
    shutil.rmtree(staging, ignore_errors=True)
    return moved


def recover(root: Path) -> list[str]:
    """Finish committed runs and delete uncommitted ones found in `root`; say what was done."""
    said = []
    for leftover in sorted(root.glob(PREFIX + "*")):
        if not leftover.is_dir():
            continue
        if (leftover / JOURNAL).is_file():
            try:
                moved = finish(leftover)
            except (OSError, ValueError, KeyError) as exc:
                said.append(f"could not finish the interrupted import in {leftover.name} ({exc}); delete it by hand")
                continue
            said.append(f"finished an interrupted import: moved its last {moved} file(s) into place")
        else:
            shutil.rmtree(leftover, ignore_errors=True)
            said.append(f"removed {leftover.name}, left by an import stopped before it wrote anything")
    return said
