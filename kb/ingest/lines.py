"""Source lines, classified once so every later stage knows what it may touch."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.ingest.markers import FENCE, match_heading

TEXT, BLANK, CODE, MATH, HEADING = "text", "blank", "code", "math", "heading"


class DocumentError(ValueError):
    """A source document that cannot be imported; names the file and line."""

    def __init__(self, source: str, line: int, message: str):
        super().__init__(f"{source}:{line}: {message}")
        self.source, self.line, self.message = source, line, message


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the source document
    text: str
    kind: str  # TEXT, BLANK, CODE (inside a fence, fences included), MATH (a multi-line $$ block), HEADING


def _display_toggles(text: str) -> int:
    """How many `$$` delimiters a line holds, outside inline code."""
    return re.sub(r"(`+).+?\1", "", text).count("$$")


def _opens_display(text: str) -> bool:
    """Whether a line opens a `$$` block: it starts or ends with `$$` ("The loss is $$") and leaves it open.
    A `$$` inside a line ("Both $x$$y$ are reals", "<!-- cost: $$ -->") opens nothing."""
    stripped = text.strip()
    return (stripped.startswith("$$") or stripped.endswith("$$")) and _display_toggles(text) % 2 == 1


def classify(text: str, source: str) -> list[Line]:
    """Split into classified lines; an unclosed code fence or `$$` block is an error at its opening line."""
    lines: list[Line] = []
    fence: tuple[str, int] | None = None  # (fence marker, opening line)
    math_open: int | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        if fence:
            lines.append(Line(number, raw, CODE))
            m = FENCE.match(raw)
            if m and m["fence"][0] == fence[0][0] and len(m["fence"]) >= len(fence[0]) and not raw.strip().strip(fence[0][0]):
                fence = None
            continue
        if math_open is not None:
            lines.append(Line(number, raw, MATH))
            if _display_toggles(raw) % 2:
                math_open = None
            continue
        m = FENCE.match(raw)
        if m:
            fence = (m["fence"], number)
            lines.append(Line(number, raw, CODE))
        elif not raw.strip():
            lines.append(Line(number, raw, BLANK))
        elif _opens_display(raw):
            math_open = number
            lines.append(Line(number, raw, MATH))
        elif match_heading(raw):
            lines.append(Line(number, raw, HEADING))
        else:
            lines.append(Line(number, raw, TEXT))
    if fence:
        raise DocumentError(source, fence[1], f"code fence {fence[0]!r} opened here is never closed")
    if math_open is not None:
        raise DocumentError(source, math_open, "display math '$$' opened here is never closed")
    return lines
