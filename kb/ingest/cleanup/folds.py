"""<details> answers, which an imported page would show as text (it loses its raw HTML), as folds.

A `<details>` line becomes a pymdownx.details opener (FOLD_OPEN) titled by its summary, its
`</details>` a FOLD_CLOSE line; section_text indents what lies between.
"""

from __future__ import annotations

import re
import unicodedata

from kb.ingest.cleanup.kinds import FOLD_CLOSE, FOLD_OPEN, _Edit
from kb.ingest.cleanup.tags import _bare, _is_closer, _opener, _read_summary, _summary_at, _tags
from kb.ingest.cleanup.text import plain_title
from kb.ingest.lines import BLANK, TEXT, Line

# Material styles `success` (green, a check mark): an answer, given. An unknown type would get the default look.
FOLD_TYPE = "success"
DEFAULT_TITLE = "Answer"
LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
# What Markdown would read as markup in a fold title; `(` stays, since `\(` is arithmatex math.
TITLE_MARKUP = re.compile(r"([\\`*_{}\[\]$])")


def _folds(lines: list[Line], edits: list[_Edit], warnings: list[tuple[int, str]]) -> list[tuple[int, int, list[int]]]:
    """Turn `<details>` blocks into pymdownx.details folds in `edits`; [(opening line, closing line, summary lines)].

    Nested blocks nest. A block whose `<details>` or `</details>` shares its line with text stays HTML.
    """
    pairs, stack = [], []
    for i, line in enumerate(lines):
        if line.kind != TEXT or edits[i].frozen or "details" not in line.text.lower():
            continue
        for tag in (t for t in _tags(line.text) if t.name == "details"):
            if not tag.closing:
                stack.append(i)
            elif stack:
                pairs.append((stack.pop(), i))
            else:
                warnings.append((line.number, "</details> closes no <details>; kept as text"))
    for i in stack:
        warnings.append((lines[i].number, "<details> opened here is never closed; the fold runs to the end"))
    pairs += [(i, len(lines)) for i in stack]
    folds = []
    for start, end in sorted(pairs):
        opener = _opener(lines[start].text)
        closed = end < len(lines)
        if opener is None or (closed and not _is_closer(lines[end].text)):
            warnings.append((lines[start if opener is None else end].number, "<details> shares its line with other "
                             "text: left as HTML, which an imported page shows as text"))
            continue
        (is_open, offset), at = opener, start
        if offset is None:  # the summary, if any, is the next non-blank line
            at = next((i for i in range(start + 1, end) if lines[i].kind != BLANK), end)
            if at < end and lines[at].kind == TEXT and not lines[at].text[: lines[at].text.find("<")].strip():
                offset = _summary_at(_tags(lines[at].text))
        summary = _read_summary(lines, at, offset, end) if offset is not None else None
        held: list[int] = []
        title = DEFAULT_TITLE
        if summary:
            words, last, close = summary
            title = plain_title(words) or DEFAULT_TITLE
            held = [i for i in range(at, last + 1) if i != start]
            for i in held:
                edits[i] = _Edit("", BLANK, frozen=True)  # its words are in the title
            if last != start and not _bare(lines[last].text, close.end, _tags(lines[last].text)):
                edits[last] = _Edit(lines[last].text[close.end:].strip(), TEXT)  # the answer starts after </summary>
        edits[start] = _Edit(" " * _opener_indent(lines, start) + fold_opener(title, is_open), FOLD_OPEN, frozen=True)
        if closed:
            edits[end] = _Edit("", FOLD_CLOSE, frozen=True)
        folds.append((start, end, held))
    return folds


def _columns(text: str) -> int:
    return len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip())


def _opener_indent(lines: list[Line], start: int) -> int:
    """How far a fold's first line is indented: as far as the list item it sits in allows, in steps of four.

    Python-Markdown nests by four columns: `???` indented one to three is no fold at all, and indented
    four outside a list is code. HTML's indentation meant nothing, so only a list item above keeps it.
    """
    own = _columns(lines[start].text)
    item = next((i for i in range(start - 1, -1, -1) if lines[i].kind != BLANK and _columns(lines[i].text) < own), None)
    if item is None or not LIST_ITEM.match(lines[item].text):
        return 0
    top = item  # Python-Markdown starts no list inside a paragraph: the lines above, up to a blank, are the list's
    while top > 0 and lines[top - 1].kind != BLANK:
        top -= 1
        if not LIST_ITEM.match(lines[top].text) and not _columns(lines[top].text):
            return 0
    return own // 4 * 4 if LIST_ITEM.match(lines[top].text) else 0


def _folds_of_navigation(folds, edits: list[_Edit], dropped: dict[int, str]) -> dict[int, str]:
    """The lines of folds that hold nothing but dropped lines (a table of contents in a fold): they go too."""
    drop: dict[int, str] = {}
    for start, end, held in folds:
        content = [i for i in range(start + 1, end) if edits[i].kind != BLANK and i not in held]
        if content and all(i in dropped for i in content):
            for i in [start, *held, *([end] if end < len(edits) else [])]:
                drop[i] = dropped[content[0]]
    return drop


def fold_opener(title: str, is_open: bool = False) -> str:
    """The pymdownx.details opener for `title`, which is untrusted: one line, shown as typed, no `<`."""
    title = "".join(c for c in " ".join(title.split()) if unicodedata.category(c) != "Cc") or DEFAULT_TITLE
    # Entities, not backslashes, for & < > ": Markdown keeps an entity and shows its character, while `\"`
    # would show its backslash. The title regex ends at the last `"`, so a quote could not end it early anyway.
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    title = TITLE_MARKUP.sub(r"\\\1", title)
    if title.startswith("#"):
        title = "\\" + title  # `??? x "# y"` would make the summary a heading
    return f'???{"+" if is_open else ""} {FOLD_TYPE} "{title}"'
