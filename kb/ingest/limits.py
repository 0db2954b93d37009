"""What the importer lets reach the site: sizes and depths the build and the search API stay fast on.

Each limit exists because a later step grows faster than the text it is given: Python-Markdown's
inline pass is quadratic in a paragraph's length (1 MB of inline math took 17 s, 2 MB 69 s) and
recursive in a list's or a quote's depth (500 levels end the build in a RecursionError); the search
API reads a whole page to answer a hit; front matter above kb.yamlsafe's cap is refused by both the
site build and the index build. A document beyond a limit that words would be lost to is refused
with its file and line; one whose structure is only deeper or longer than the site can draw is
written with the excess made plain (paragraphs split, nesting flattened) and a warning. SECURITY.md
lists them; tests/importer/test_limits.py holds each one.
"""

from __future__ import annotations

import re

from kb.ingest.lines import CODE, MATH, DocumentError, Line

TEXT_BYTES = 16 * 2**20  # a document's Markdown (after conversion): more is refused before it is parsed
PAGE_BYTES = 2**20  # one question's text: more is refused (split the question)
PARAGRAPH_CHARS = 20_000  # a longer paragraph is split between words: Python-Markdown is quadratic in it
NESTING = 16  # list and quote levels on one line; deeper markers are shown as text
INDENT = 4 * NESTING  # columns of indentation a line keeps; more is taken off
TAGS = 32  # distinct tags of one question
TAG_CHARS = 64


def check_text(text: str, source: str) -> None:
    """Refuse a document too large to import whole, before any work on it."""
    size = len(text.encode("utf-8"))
    if size > TEXT_BYTES:
        raise DocumentError(source, 1, f"holds {size:,} bytes of text; a document is limited to "
                                       f"{TEXT_BYTES // 2**20} MB of text: split it into several documents")


def check_page(lines: list[Line], number: int, source: str) -> None:
    """Refuse a question whose text is too large for one page (the search API reads pages whole)."""
    size = sum(len(line.text.encode("utf-8")) + 1 for line in lines)
    if size > PAGE_BYTES:
        first = lines[0].number if lines else 1
        raise DocumentError(source, first, f"question {number} holds {size:,} bytes of text; a question page is "
                                           f"limited to {PAGE_BYTES // 2**20} MB: split the question or the document")


def flatten(lines: list[Line], source: str) -> tuple[list[Line], list[str]]:
    """Lines whose list or quote nesting stays within NESTING levels and INDENT columns; one line per line.

    Markers past the limit are escaped, so they show as the characters typed; indentation past INDENT is
    taken off, so the line continues the deepest level allowed. Code and math lines are left as they are.
    """
    out, runs = [], []  # runs: [first line, last line, deepest]
    for line in lines:
        if line.kind in (CODE, MATH) or not line.text[:1].isspace() and line.text[:1] not in "-*+>0123456789":
            out.append(line)
            continue
        if not _DEEP.match(line.text):  # nearly every line: within the limits, as one C-level match tells
            out.append(line)
            continue
        text, depth = _flattened(line.text)
        if text != line.text:
            if runs and runs[-1][1] == out[-1].number:
                runs[-1][1:] = [line.number, max(runs[-1][2], depth)]
            else:
                runs.append([line.number, line.number, depth])
            line = Line(line.number, text, line.kind)
        out.append(line)
    warnings = [f"{source}:{first}: {'line' if first == last else f'lines {first}-{last}'} nested up to {depth} levels "
                f"deep; the site draws {NESTING} levels of lists and quotes (and {INDENT} columns of indentation), "
                f"the rest is shown as text" for first, last, depth in runs]
    return out, warnings


# A line that may be past a limit: more than INDENT columns of indentation, or more than NESTING markers.
_DEEP = re.compile(rf"[ \t]{{{INDENT + 1},}}|\t|(?:[ \t]*(?:[-*+>]|\d{{1,9}}[.)])(?:[ \t]+|$)){{{NESTING + 1}}}")


def _flattened(text: str) -> tuple[str, int]:
    """(the line within the limits, how deep it was nested)."""
    width = len(text) - len(text.lstrip(" \t"))
    columns = len(text[:width].expandtabs(4))
    rest = text[width:]
    indent = text[:width] if columns <= INDENT else " " * INDENT
    depth, i, kept = columns // 2, 0, []
    while i < len(rest):
        marker = _marker(rest, i)
        if not marker:
            break
        depth += 1
        kept.append(rest[i:i + marker] if depth - columns // 2 <= NESTING else _escaped(rest[i:i + marker]))
        i += marker
    if columns <= INDENT and depth - columns // 2 <= NESTING:
        return text, depth
    return indent + "".join(kept) + rest[i:], depth


def _marker(text: str, i: int) -> int:
    """Length of the list or quote marker (with the spaces after it) at text[i], or 0."""
    j = i
    if text[j] == ">":
        j += 1
    elif text[j] in "-*+":
        j += 1
        if j < len(text) and text[j] not in " \t":
            return 0
    else:
        while j < len(text) and j - i < 9 and text[j].isdigit():
            j += 1
        if j == i or j >= len(text) or text[j] not in ".)":
            return 0
        j += 1
        if j < len(text) and text[j] not in " \t":
            return 0
    while j < len(text) and text[j] in " \t":
        j += 1
    return j - i


def _escaped(marker: str) -> str:
    """A list or quote marker that Markdown shows as typed: `\\-`, `\\>`, `3\\.`."""
    if marker[0].isdigit():
        cut = len(marker.rstrip(" \t")) - 1
        return marker[:cut] + "\\" + marker[cut:]
    return "\\" + marker


def split_long(text: str, limit: int = PARAGRAPH_CHARS) -> list[str]:
    """A line longer than `limit` cut into pieces of at most `limit` characters where it can be: at a space
    outside inline math, code and link brackets (a formula longer than `limit` stays whole)."""
    if len(text) <= limit:
        return [text]
    pieces, start, last, i = [], 0, -1, 0
    dollar = paren = code = 0  # open `$` math, open `\(` math, length of the open backtick run
    brackets = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and not code:
            if text.startswith("\\(", i) and not dollar:
                paren += 1
            elif text.startswith("\\)", i) and paren:
                paren -= 1
            i += 2
            continue
        if c == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            code = 0 if code == run else code or run
            i += run
            continue
        if not code and not paren:
            if c == "$":
                dollar ^= 1
            elif not dollar and c == "[":
                brackets += 1
            elif not dollar and c == "]" and brackets:
                brackets -= 1
            elif c == " " and not dollar and not brackets and i > start:
                last = i
        if i - start >= limit and last > start:
            pieces.append(text[start:last])
            start, last = last + 1, -1
        i += 1
    pieces.append(text[start:])
    return [p for p in pieces if p]
