#!/usr/bin/env python3
"""Import answer sheets into Markdown question pages (one page per question).

Each SOURCE document becomes a collection docs/questions/<collection>/ with an
index page and one page q<N>.md per question; every part (a), (b)... is a
section with the stable anchor #part-<label>. Titles come from the marker, else
from the companion <source>.meta.yml, else "Question N". Math damaged by PDF
extraction is repaired by the rules listed in kb/ingest/repair.py and counted below.

Pages a contributor edited since the last import are never overwritten (they
are reported as "kept"); --force overwrites them. Nothing is written unless
every SOURCE parses; new and updated pages are moved into place together.

Each run also reports candidate concepts that docs/concepts/ does not have yet
(acronyms defined in the answers, bold terms that recur across questions);
--write-concept-stubs writes a stub page for each, for a person to finish.

Exit status: 0 on success, 1 when a SOURCE is bad (nothing written) or, with
--check, when the import would change something; 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.concepts.concept import load_concepts  # noqa: E402
from kb.concepts.discovery import suggest_concepts, write_concept_stubs  # noqa: E402
from kb.ingest.importer import planned_questions, run  # noqa: E402
from kb.pages import PageError  # noqa: E402
from kb.ingest.lines import DocumentError  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="import_documents.py",
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sources", metavar="SOURCE", nargs="+", type=Path, help="answer sheet(s), UTF-8 text")
    parser.add_argument("--docs", metavar="DIR", type=Path, default=PROJECT_ROOT / "docs", help="docs directory (default: docs/)")
    parser.add_argument("--force", action="store_true", help="overwrite pages even if a contributor edited them")
    parser.add_argument("--check", action="store_true", help="report what would change; write nothing")
    parser.add_argument("--write-concept-stubs", action="store_true",
                        help="write a stub page in DIR/concepts/ for each candidate concept the run reports "
                             "(never over an existing page)")
    args = parser.parse_args(argv)

    try:
        report = run(args.sources, args.docs, force=args.force, check=args.check)
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1

    verb = "would write" if args.check else "wrote"
    for source in report.sources:
        doc = source.document
        parts = sum(len(q.parts) for q in doc.questions)
        print(f"{source.rel}: collection '{source.collection}', {len(doc.questions)} questions, {parts} parts")
        for warning in doc.warnings:
            print(f"  warning: {warning}")
    repairs = report.repairs
    print("repairs: " + (", ".join(f"{name} {n}" for name, n in sorted(repairs.items())) or "none"))
    for d in report.decisions:
        if d.status == "kept-edited":
            print(f"  kept {d.file.path}: edited by hand since the last import (--force overwrites it)")
        elif d.status == "kept-unreadable":
            print(f"  kept {d.file.path}: its front matter cannot be read (--force overwrites it)")
        elif d.status != "unchanged":
            print(f"  {verb} {d.file.path} ({d.status})")
    for path in report.stale:
        print(f"  stale {path}: no longer in its source; delete it by hand if it should go")
    counts = {s: sum(d.status == s for d in report.decisions) for s in ("new", "updated", "unchanged", "kept-edited")}
    print(f"pages: {counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, {counts['kept-edited']} kept")
    report_concepts(report, args.docs, write=args.write_concept_stubs and not args.check)
    return 1 if args.check and report.changes else 0


def report_concepts(report, docs: Path, write: bool) -> None:
    """Candidate concepts (defined acronyms, bold terms recurring across questions) not yet in DIR/concepts/.

    They are only reported: concepts are never invented silently, stub pages are written only when asked.
    """
    try:
        candidates = suggest_concepts(planned_questions(report), load_concepts(docs))
    except PageError as exc:
        print(f"error: cannot read the concept pages: {exc}", file=sys.stderr)
        return
    print(f"candidate concepts: {len(candidates)}" + (" (--write-concept-stubs writes a page for each)" if candidates and not write else ""))
    for c in candidates:
        aliases = f" (aliases: {', '.join(c.aliases)})" if c.aliases else ""
        print(f"  {c.title}{aliases}: {c.reason}")
    if write:
        for path in write_concept_stubs(candidates, docs):
            print(f"  wrote stub {path}")


if __name__ == "__main__":
    sys.exit(main())
