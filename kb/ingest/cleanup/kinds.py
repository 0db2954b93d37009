"""The kinds of line cleanup gives, beside kb.ingest.lines' own, and a line while it is being cleaned."""

from __future__ import annotations

from dataclasses import dataclass

DROPPED = "dropped"  # left out of every page (an in-page table of contents, "back to top"); its words need not appear
FOLD_OPEN = "fold-open"  # the line that opened a <details> block; its text is the pymdownx.details opener
FOLD_CLOSE = "fold-close"  # the line that closed it (text "")


@dataclass
class _Edit:
    """Where one line stands while it is cleaned."""

    text: str
    kind: str
    frozen: bool = False  # no link rewriting: code, math, dropped and fold lines
