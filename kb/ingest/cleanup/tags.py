"""The HTML tags of a line, outside code spans and math, as far as a fold needs them.

Which line only opens a `<details>` (and its `<summary>`), which only closes one, and the
summary's text, however many lines it runs over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.ingest.cleanup.parsers import _TAGS
from kb.ingest.lines import BLANK, TEXT, Line

# Tags that may share a line with <details>, </details> or </summary> without carrying any words.
WRAPPERS = {"br", "p", "div", "span", "b", "strong", "i", "em", "hr"}


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    name: str  # lower case
    closing: bool


def _tags(text: str) -> list[_Tag]:
    """The HTML tags of a line, outside code spans and math."""
    if "<" not in text:
        return []
    found = []
    for token in _TAGS.parseInline(text)[0].children or []:
        m = re.match(r"<(/?)([A-Za-z][\w-]*)", token.content) if token.type == "html_inline" else None
        if m:
            found.append(_Tag(*token.meta["span"], m.group(2).lower(), bool(m.group(1))))
    return found


def _summary_at(tags: list[_Tag]) -> int | None:
    """Where the summary's text starts if `tags` (a line's, or the rest of one) begin with `<summary>`."""
    return tags[0].end if tags and tags[0].name == "summary" and not tags[0].closing else None


def _opener(text: str) -> tuple[bool, int | None] | None:
    """(is open, where its summary's text starts) for a line that only opens a fold (and its summary), else None."""
    tags = _tags(text)
    if [t.closing for t in tags if t.name == "details"] != [False] or tags[0].name != "details":
        return None
    if text[:tags[0].start].strip():
        return None
    details, rest = tags[0], tags[1:]
    is_open = re.search(r"\bopen\b", text[details.start:details.end], re.I) is not None
    summary = _summary_at(rest) if not text[details.end:(rest[0].start if rest else 0)].strip() else None
    if summary is None:
        return (is_open, None) if _bare(text, details.end, rest) else None
    close = next((t for t in rest if t.name == "summary" and t.closing), None)
    return (is_open, summary) if close is None or _bare(text, close.end, rest) else None


def _bare(text: str, start: int, tags: list[_Tag]) -> bool:
    """True when `text` from `start` holds nothing but wrapper tags (`<br>`, `</p>`) and spaces."""
    rest, cut = [], start
    for tag in (t for t in tags if t.start >= start):
        if tag.name not in WRAPPERS:
            return False
        rest.append(text[cut:tag.start])
        cut = tag.end
    return not "".join(rest + [text[cut:]]).strip()


def _is_closer(text: str) -> bool:
    """True for a line that only closes a fold (wrapper tags aside)."""
    tags = _tags(text)
    details = [t for t in tags if t.name == "details"]
    if [t.closing for t in details] != [True]:
        return False
    cut = details[0].start
    return _bare(text[:cut], 0, [t for t in tags if t.end <= cut]) and _bare(text, details[0].end, tags)


def _read_summary(lines: list[Line], at: int, start: int, end: int) -> tuple[str, int, _Tag] | None:
    """(the summary's text, the line of its `</summary>`, that tag) for a summary whose text starts at
    `start` of line `at`; None when it is not closed before line `end`."""
    parts = []
    for i in range(at, end):
        if lines[i].kind not in (TEXT, BLANK):
            return None  # a summary holds no code or math: this one never closes
        text = lines[i].text
        close = next((t for t in _tags(text) if t.name == "summary" and t.closing and t.start >= start), None)
        if close:
            return " ".join(parts + [text[start:close.start]]), i, close
        parts.append(text[start:])
        start = 0
    return None
