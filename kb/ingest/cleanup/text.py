"""Page text and titles: cleaned lines joined into page Markdown, and titles without markup."""

from __future__ import annotations

import re

from kb.ingest.cleanup.kinds import DROPPED, FOLD_CLOSE, FOLD_OPEN
from kb.ingest.cleanup.parsers import _TAGS
from kb.ingest.limits import PARAGRAPH_CHARS, split_long
from kb.ingest.lines import MATH, TEXT, Line, _display_toggles
from kb.plaintext import WIKILINK

SOURCE_NAMES = re.compile(r"(?:src|sources?|refs?|reference|link|\d+)", re.I)
CLOSING_HASHES = re.compile(r"\s+#+\s*$")


LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")


def section_text(lines: list[Line]) -> str:
    """The Markdown of a run of cleaned lines: dropped lines out, folds indented, display math set apart."""
    out: list[str] = []
    depth, in_math, after_math = 0, False, False
    shift = ""  # a `$$` block indented as GitHub indents a list item's paragraph (2-3 spaces): 4, as Python-Markdown needs
    in_list = False
    written = 0  # characters of the paragraph being written, to keep it under PARAGRAPH_CHARS

    def blank() -> None:  # runs of blank lines collapse to one, as kb/ingest/render.py's _lines_text does
        nonlocal after_math, written
        if out and out[-1]:
            out.append("")
        after_math, written = False, 0

    for line in lines:
        if line.kind == DROPPED:
            continue
        if line.kind == FOLD_CLOSE:
            depth = max(depth - 1, 0)
            blank()
            continue
        pad = "    " * depth
        if line.kind == FOLD_OPEN:
            blank()
            out.append(pad + line.text.rstrip())
            out.append("")  # pymdownx.details wants the content as its own block
            depth += 1
            continue
        text = line.text.rstrip()
        if not text:
            blank()
            continue
        opens_display = line.kind in (TEXT, MATH) and not in_math and text.lstrip().startswith("$$")
        # Arithmatex takes `$$...$$` as display math only as a block of its own: right under or over any
        # other line (text, a heading, a fence) it joins that paragraph, and shows as inline math and stray `$`.
        if (opens_display or after_math) and out and out[-1]:
            out.append("")
        indent = len(text) - len(text.lstrip(" "))
        if opens_display:
            shift = " " * (4 - indent) if in_list and 1 <= indent <= 3 else ""
        elif line.kind != MATH:
            in_list = bool(LIST_ITEM.match(text)) or (in_list and indent >= 2)
        if line.kind == TEXT and not in_math and not opens_display and not text.lstrip().startswith("|"):
            # Python-Markdown's inline pass is quadratic in a paragraph's length: a long one is split between words
            # (a table is not: its rows would lose their header).
            pieces = split_long(text)
            if written and written + len(pieces[0]) > PARAGRAPH_CHARS:
                blank()
            out.append(pad + pieces[0])
            for piece in pieces[1:]:
                blank()
                out.append(pad + _continuation(text) + piece)
            written += len(pieces[-1]) + 1
            after_math = False
            continue
        out.append(pad + (shift + text if shift and (opens_display or in_math or line.kind == MATH) else text))
        closes = False
        if line.kind == MATH:
            if _display_toggles(text) % 2:
                closes, in_math = in_math, not in_math
        elif opens_display:
            closes = len(text.strip()) >= 4 and text.endswith("$$")
        after_math = closes and text.endswith("$$")
        if closes or (opens_display and not in_math and line.kind != MATH):
            shift = "" if closes else shift
    return "\n".join(out).strip("\n")


QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")


def _continuation(text: str) -> str:
    """What a piece cut from this line starts with to stay where the line is: in its list item or its quote."""
    if quote := QUOTE.match(text):
        return quote[0]
    indent = len(text) - len(text.lstrip(" "))
    return " " * (indent + 4 if LIST_ITEM.match(text.lstrip(" ")) else indent)  # Python-Markdown wants 4 under an item


# Characters without which a title holds no markup to take out (most titles: a document has thousands).
MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&#!~]")


ATTRIBUTES = re.compile(r"\s*\{\s*[#.][^{}]*\}\s*$")


def plain_title(text: str) -> str:
    """A title with no link, emphasis, code or HTML markup; source links ("[src]", "[1]") dropped, math kept."""
    if not MARKUP_CHARS.search(text) and "{" not in text:
        return " ".join(text.split())
    text = ATTRIBUTES.sub("", text)  # "My answers {#top}": attr_list's heading id, no words of the title
    return _plain(CLOSING_HASHES.sub("", text), drop_sources=True)


def _plain(text: str, drop_sources: bool) -> str:
    pieces: list[tuple[bool, str]] = []  # (is prose, text); code and math are kept verbatim
    children = _TAGS.parseInline(text)[0].children or []
    i = 0
    while i < len(children):
        token = children[i]
        if token.type == "link_open":
            close = next((j for j in range(i + 1, len(children)) if children[j].type == "link_close"), len(children))
            inner = _plain_pieces(children[i + 1:close])
            if drop_sources and SOURCE_NAMES.fullmatch("".join(t for _, t in inner).strip(" []")):
                pieces.append((True, "\x00"))  # where a source link was: brackets and space around it go too
            else:
                pieces += inner
            i = close + 1
            continue
        pieces += _plain_pieces([token])
        i += 1
    out, prose = [], []
    for is_prose, piece in pieces + [(False, "")]:
        if is_prose:
            prose.append(piece)
            continue
        joined = WIKILINK.sub(lambda m: m.group(2) or m.group(1), "".join(prose))
        joined = re.sub(r"\[\x00\]", "\x00", joined)
        joined = re.sub(r"\s*\x00[\x00\s]*(?=[?.!,;:)]|$)", "", joined).replace("\x00", " ")
        out += [joined, piece]
        prose = []
    return " ".join("".join(out).split())


# Tags that only format their words: dropped from a title, their words kept. Any other tag stays, as text.
FORMATTING = frozenset("b strong i em u s del ins code kbd sub sup small mark span a font abbr cite q".split())


def _plain_pieces(tokens) -> list[tuple[bool, str]]:
    pieces: list[tuple[bool, str]] = []
    for token in tokens:
        if token.type in ("text", "text_special"):
            pieces.append((True, token.content))
        elif token.type in ("softbreak", "hardbreak"):
            pieces.append((True, " "))
        elif token.type == "html_inline":
            name = re.match(r"</?\s*([A-Za-z][A-Za-z0-9]*)", token.content)
            if token.content.lower().startswith("<br"):
                pieces.append((True, " "))
            elif not name or name[1].lower() not in FORMATTING:
                pieces.append((True, token.content))  # `<script>` in a title is words the reader must see, as text
        elif token.type == "code_inline":
            pieces.append((False, token.content))
        elif token.type == "math_inline":
            pieces.append((False, f"${token.content}$"))
        elif token.type == "math_inline_double":
            pieces.append((False, f"$${token.content}$$"))
        elif token.type == "image":
            pieces += _plain_pieces(token.children or [])
    return pieces
