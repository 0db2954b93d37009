#!/usr/bin/env python3
"""Write Anki decks (.apkg) of the question pages in docs/: one per collection, or one for a tag.

One note per question part (front: the question and the part's heading; back: the answer), math in
Anki's MathJax delimiters, images included, tags carried over, and ids that stay the same across
exports, so importing a new export updates the notes already in Anki. Logic: kb/revise/export.py.

Usage: export_anki.py [--docs DIR] [--out DIR] [--collection SLUG ...] [--tag TAG]
Exit status: 0 on success, 1 when a page is invalid or nothing matches what was asked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.pages import PageError  # noqa: E402
from kb.revise.export import ExportError, export  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=PROJECT_ROOT / "docs", help="the docs folder (default: docs/)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "build" / "anki",
                        help="where the decks go (default: build/anki/)")
    parser.add_argument("--collection", action="append", metavar="SLUG", help="only this collection (repeatable)")
    parser.add_argument("--tag", help="one deck of every question part with this tag, across collections")
    args = parser.parse_args(argv)
    if args.tag is not None and args.collection:
        parser.error("--tag and --collection do not go together")
    try:
        written = export(PROJECT_ROOT, args.docs, args.out, args.collection, args.tag)
    except (ExportError, PageError) as exc:
        print(f"export_anki: {exc}", file=sys.stderr)
        return 1
    for path, notes in written:
        print(f"wrote {path} ({notes} note{'s' if notes != 1 else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
