"""Heading structure inside a section: no skipped levels, numbered siblings stay siblings.

Answer sheets put headings at random levels ("### 1. Efficiency" then
"## 2. Generalization"). A heading nests under the nearest earlier heading with
a smaller written level; the numbered items of one list ("1.", "2.", ...) first
get one shared level; standalone bold numbered lines ("**1. Sampling:**") are
headings the PDF export flattened, and become headings again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kb.ingest.lines import BLANK, HEADING, TEXT, Line
from kb.ingest.markers import BOLD_LINE, match_heading, numbered, strip_emphasis

DEEPEST = 7  # written level of a bold pseudo-heading: nests under whatever precedes it


@dataclass
class _Entry:
    index: int
    level: int | None  # written level, None for a bold pseudo-heading
    title: str
    number: int | None


def _entries(lines: list[Line]) -> list[_Entry]:
    entries = []
    for i, line in enumerate(lines):
        if line.kind == HEADING:
            level, text = match_heading(line.text)
            title = strip_emphasis(text)
            entries.append(_Entry(i, level, title, numbered(title)))
        elif line.kind == TEXT and BOLD_LINE.match(line.text):
            title = strip_emphasis(line.text)
            standalone = all(
                j < 0 or j >= len(lines) or lines[j].kind == BLANK for j in (i - 1, i + 1)
            )
            if standalone and numbered(title) is not None:
                entries.append(_Entry(i, None, title, numbered(title)))
    return entries


def _share_list_levels(entries: list[_Entry]) -> None:
    """Give every item of a numbered run (1., 2., 3. ...) the shallowest level written in it."""
    run: list[_Entry] = []

    def close():
        levels = [e.level for e in run if e.level is not None]
        for e in run:
            e.level = min(levels) if levels else DEEPEST
        run.clear()

    for e in entries:
        if e.number is not None and run and e.number == run[-1].number + 1:
            run.append(e)
            continue
        close()
        if e.number is not None:
            run.append(e)
        elif e.level is None:
            e.level = DEEPEST
    close()


def normalize_headings(lines: list[Line], base: int) -> list[Line]:
    """Rewrite the section's headings so the first sits at `base` and none skips a level."""
    entries = _entries(lines)
    _share_list_levels(entries)
    stack: list[tuple[int, int]] = []  # (written level, output level)
    out = list(lines)
    for e in entries:
        while stack and stack[-1][0] >= e.level:
            stack.pop()
        level = min(stack[-1][1] + 1 if stack else base, 6)
        stack.append((e.level, level))
        out[e.index] = replace(lines[e.index], text=f"{'#' * level} {e.title}", kind=HEADING)
    return out
