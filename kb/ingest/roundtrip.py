"""The round-trip check: every source line lands in exactly one place, and none of its words is lost.

The places are the collection page (preamble and section intros) and the question
pages. Their source spans must tile the document, and every word of the lines a
place owns must appear in that place's page. Marker lines count only for the
words they carry over (a title, the answer written on the marker line, points).
"""

from __future__ import annotations

from collections import Counter

from kb.ingest.document import Document
from kb.ingest.lines import BLANK

# Every ASCII character but letters and digits separates words (str.translate is ~3x a regex here).
SEPARATORS = {c: " " for c in range(128) if not chr(c).isalnum()}


def _words(text: str) -> Counter:
    return Counter(text.translate(SEPARATORS).split())


def spans(document: Document) -> list[tuple[str, tuple[int, int]]]:
    """(place, (first, last)) for every non-empty span, in source order."""
    places = [("collection", document.preamble_span)]
    places += [("collection", g.span) for g in document.groups]
    places += [(f"q{q.marker.number}", q.span) for q in document.questions]
    return sorted((p for p in places if p[1][0] <= p[1][1]), key=lambda p: p[1])


def check(document: Document, pages: dict[str, str]) -> list[str]:
    """Problems found, as "file:line: message"; `pages` maps place ("collection", "q3") to page body."""
    problems, expected = [], 1
    source = document.source
    for place, (first, last) in spans(document):
        if first != expected:
            problems.append(f"{source}:{expected}: lines {expected}-{first - 1} belong to no page")
        expected = max(expected, last + 1)
    if expected != document.line_count + 1:
        problems.append(f"{source}:{expected}: lines {expected}-{document.line_count} belong to no page")
    overlap = [(a, b) for a, b in zip(spans(document), spans(document)[1:]) if b[1][0] <= a[1][1]]
    problems += [f"{source}:{b[1][0]}: line is in both {a[0]} and {b[0]}" for a, b in overlap]

    starts = {q.first_line: f"{q.marker.title} {q.marker.body} {q.marker.points} {q.marker.marks}" for q in document.questions}
    starts |= {q.first_line + k: "" for q in document.questions for k in range(1, q.head)}  # the marker's own lines
    starts |= {g.line: g.title for g in document.groups}
    starts |= {s.marker_line: f"{s.part.label} {s.part.title} {s.part.body}" for q in document.questions for s in q.parts}
    if document.title:
        starts[_title_line(document)] = document.title
    starts |= {number: "" for number, _ in document.dropped}  # left out on purpose, and listed by --check
    by_number = {line.number: line for line in document.lines}
    for place, (first, last) in spans(document):
        need = _words(" ".join(starts.get(n, by_number[n].text) for n in range(first, last + 1)))
        missing = need - _words(pages.get(place, ""))
        if missing:
            words = ", ".join(sorted(missing)[:8])
            problems.append(f"{source}:{first}: words of lines {first}-{last} missing from {place}: {words}")
    return problems


def _title_line(document: Document) -> int:
    return next(line.number for line in document.lines if line.kind != BLANK)
