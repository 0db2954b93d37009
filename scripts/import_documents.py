#!/usr/bin/env python3
"""Import answer sheets into Markdown question pages (one page per question).

Each SOURCE document becomes a collection docs/questions/<collection>/ with an
index page and one page q<N>.md per question; every part (a), (b)... is a
section with the stable anchor #part-<label>. Titles come from the marker, else
from the companion <source>.meta.yml, else "Question N". Math damaged by PDF
extraction is repaired by the rules listed in kb/ingest/repair.py and counted below.

A SOURCE may be Markdown or plain text (.md, .txt), LaTeX (.tex), Word (.docx),
OpenDocument (.odt), HTML (.html), a Jupyter notebook (.ipynb) or a PDF with a
text layer (.pdf), recognised by its content; all but Markdown and text are
converted to Markdown first (pandoc; PDF through pypdfium2), and that Markdown is
kept in build/converted/<collection>.md, where warnings' line numbers point.

Each document is read by its structure: the importer parses its blocks
(headings, paragraphs, list items) and chooses the level of the outline that
partitions it into questions: question labels (Q1: / Question 2 / Q:),
headings of one level, bold paragraphs, top-level list items, or lines ending
in "?", scored on how much they read as questions; it says which ("dialect:
headings (h4), 65 questions"). Pin it with "dialect: headings" (or headings-h4,
q-markers, bold, list, lines) in the meta file. Headings above the questions
become their sections (groups). Pages are numbered 1..N in document order and
keep the source's own label ("Week 2 · Q1"); gaps, repeats and restarts in the
numbering, question-like blocks not used, open questions and missing images
are warnings with file:line; --strict makes them errors. --check prints the
outline it would write (numbers, labels, titles, parts, groups, source lines).

The body of a page a contributor edited since the last import is never
overwritten (reported as "kept"; --force overwrites it), but the meta file's
title and tags still reach its front matter by a three-way merge: a field the
contributor changed on the page stays, and one changed both there and in the
meta file is reported as a conflict with both values. A SOURCE that cannot be
read is reported with file and line and skipped; every other one is written.
New and updated pages are staged, then committed and moved into place together;
an import killed while moving is finished by the next run.
One import runs at a time: a second one waits for the first (--lock-timeout).

Each run also reports candidate concepts that docs/concepts/ does not have yet
(acronyms defined in the answers, bold terms that recur across questions);
--write-concept-stubs writes a stub page for each, for a person to finish. It
then lists the derived concepts of the whole knowledge base (the concepts the
answers define, which the build makes pages of), and every candidate that is not
derived with the reason: rejected in docs/concepts/rejected.yml, no definition,
too few questions, a common word.

Exit status: 0 on success, 1 when a SOURCE could not be read (the others are
written), under --strict when there is any warning (nothing written), or, with
--check, when the import would change something; 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.concepts.concept import load_concepts  # noqa: E402
from kb.concepts.derived import REJECTED_FILE, derive, knowledge_base, load_rejections  # noqa: E402
from kb.concepts.discovery import suggest_concepts, write_concept_stubs  # noqa: E402
from kb.ingest.importer import StrictError, planned_questions, run  # noqa: E402
from kb.ingest.render import question_title, source_label  # noqa: E402
from kb.ingest.lock import LockBusy  # noqa: E402
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
    parser.add_argument("sources", metavar="SOURCE", nargs="+", type=Path, help="answer sheet(s): .md, .txt, .tex, .docx, .odt, .html, .ipynb or .pdf")
    parser.add_argument("--docs", metavar="DIR", type=Path, default=PROJECT_ROOT / "docs", help="docs directory (default: docs/)")
    parser.add_argument("--force", action="store_true", help="overwrite pages even if a contributor edited them")
    parser.add_argument("--check", action="store_true", help="print the outline and what would change; write nothing")
    parser.add_argument("--strict", action="store_true", help="treat warnings (gaps, unused markers, empty questions, "
                        "missing images) as errors: report them all and write nothing")
    parser.add_argument("--lock-timeout", metavar="SECONDS", type=float, default=300.0,
                        help="how long to wait for another import to finish (default: 300)")
    parser.add_argument("--write-concept-stubs", action="store_true",
                        help="write a stub page in DIR/concepts/ for each candidate concept the run reports "
                             "(never over an existing page)")
    args = parser.parse_args(argv)

    try:
        report = run(args.sources, args.docs, force=args.force, check=args.check, strict=args.strict,
                     lock_timeout=args.lock_timeout)
    except (DocumentError, LockBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    except StrictError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"nothing was written: {len(exc.problems)} warning(s) are errors under --strict", file=sys.stderr)
        return 1

    for said in report.recovered:
        print(said)
    for path, exc in report.failed:
        print(f"error: {exc}", file=sys.stderr)
        print(f"  nothing was written for {path}", file=sys.stderr)
    verb = "would write" if args.check else "wrote"
    for source in report.sources:
        doc = source.document
        parts = sum(len(q.parts) for q in doc.questions)
        print(f"{source.rel}: collection '{source.collection}', {len(doc.questions)} questions, {parts} parts"
              + (f" (converted from {source.converted.format}: {source.converted_rel})" if source.converted else ""))
        print(f"  dialect: {doc.dialect.describe()}, {len(doc.questions)} questions"
              + (" (pinned in the meta file)" if source.meta.dialect else ""))
        if source.paper is not None:
            print(f"  exam paper: {source.meta.paper}, {len(source.paper.questions)} questions, "
                  f"{len(source.statements)} matched to an answer (read with this source, not as a collection)")
        if args.check:
            for line in outline(source):
                print(f"  {line}")
        for warning in source.warnings:
            print(f"  warning: {warning}")
    repairs = report.repairs
    print("repairs: " + (", ".join(f"{name} {n}" for name, n in sorted(repairs.items())) or "none"))
    for d in report.decisions:
        if d.status == "kept-edited":
            print(f"  kept {d.file.path}: edited by hand since the last import (--force overwrites it)")
        elif d.status == "kept-unreadable":
            print(f"  kept {d.file.path}: its front matter cannot be read (--force overwrites it)")
        elif d.status == "merged":
            print(f"  {verb} {d.file.path} (merged: the body edited by hand is kept; title and tags from the meta file)")
        elif d.status != "unchanged":
            print(f"  {verb} {d.file.path} ({d.status})")
        for c in d.conflicts:
            print(f"  conflict {d.file.path}: '{c.field}' was changed both on the page ({_shown(c.page)}) and in the "
                  f"meta file ({_shown(c.meta)}); the page's is kept until one is changed to match the other")
    for path in report.stale:
        print(f"  stale {path}: no longer in its source; delete it by hand if it should go")
    counts = {s: sum(d.status == s for d in report.decisions) for s in ("new", "updated", "merged", "unchanged", "kept-edited")}
    print(f"pages: {counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, {counts['kept-edited']} kept"
          + (f", {counts['merged']} merged" if counts["merged"] else "")
          + (f", {sum(len(d.conflicts) for d in report.decisions)} conflict(s)" if any(d.conflicts for d in report.decisions) else ""))
    report_concepts(report, args.docs, write=args.write_concept_stubs and not args.check)
    if report.failed:
        print(f"{len(report.failed)} source(s) could not be read and were not written", file=sys.stderr)
        return 1
    return 1 if args.check and report.changes else 0


def _shown(value) -> str:
    """A front matter value as YAML shows it inline: "a title", [tag, tag]."""
    return json.dumps(value, ensure_ascii=False)


def outline(source) -> list[str]:
    """The split the importer would write, for a person to review: one line per place, in source order."""
    doc, places = source.document, []
    if doc.preamble_span[0] <= doc.preamble_span[1]:
        places.append((doc.preamble_span, "preamble -> collection page"))
    places += [(g.span, f"section '{g.title}' -> collection page") for g in doc.groups]
    for q in doc.questions:
        parts = "; ".join(f"({s.part.label}) {s.part.title}".rstrip() for s in q.parts)
        group = f" [section: {q.group}]" if q.group else ""
        label = f" (source: {source_label(q)})" if source_label(q) else ""
        places.append((q.span, f"Q{q.marker.number}{label} {question_title(source, q)!r}{group}"
                       + (" [open question]" if q.open else "") + (f" parts: {parts}" if parts else "")))
    said = [(span, f"lines {span[0]}-{span[1]}: {text}") for span, text in places]
    said += [((n, n), f"line {n}: left out ({why})") for n, why in doc.dropped]
    return [text for _, text in sorted(said)]


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
    report_derived(report, docs)


def report_derived(report, docs: Path) -> None:
    """The concepts the whole knowledge base defines (this import's pages included): those the build makes
    a page of, and those it does not, with the reason (rejected ones with the reason in the rejection list)."""
    try:
        outcomes = derive(knowledge_base(docs, planned_questions(report)), load_concepts(docs), load_rejections(docs))
    except PageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return
    derived = [o for o in outcomes if o.status == "derived"]
    print(f"derived concepts: {len(derived)} (a page each at build time; docs/concepts/<slug>.md adopts one, "
          f"docs/{REJECTED_FILE} rejects one)")
    for o in derived:
        aliases = f" (aliases: {', '.join(o.aliases)})" if o.aliases else ""
        print(f"  {o.title}{aliases}: {o.reason}")
    for status in ("rejected", "no definition", "too few questions", "too common", "chance"):
        for o in (o for o in outcomes if o.status == status):
            print(f"  not derived ({status}): {o.title}: {o.reason}")


if __name__ == "__main__":
    sys.exit(main())
