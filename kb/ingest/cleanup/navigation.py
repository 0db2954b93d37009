"""Tables of contents and "back to top": lines that only navigate the source document, dropped."""

from __future__ import annotations

import re

from kb.ingest.cleanup.parsers import _INLINE
from kb.ingest.cleanup.text import _plain, plain_title
from kb.ingest.lines import BLANK, HEADING, TEXT, Line

TOC_NAMES = {"table of contents", "table of content", "contents", "content", "toc", "index", "outline"}
BACK_TO = re.compile(r"(?:back|return|go|jump|scroll)(?: up| back)? to (?:the )?"
                     r"(?:top|start|beginning|contents|table of contents|toc|index)(?: of (?:the )?page)?")


def _anchor_links(content: str, env: dict) -> int:
    """How many links to `#anchors` the inline text holds, if that is all it holds (bar punctuation); else 0."""
    if "](#" not in content and "][" not in content and "]\n" not in content and not content.endswith("]"):
        return 0  # no inline link to an anchor, nor a reference link (whose target might be one): most blocks
    links, depth = 0, 0
    for token in _INLINE.parseInline(content, env)[0].children or []:
        if token.type == "link_open":
            if not str(token.attrs.get("href", "")).startswith("#"):
                return 0
            links, depth = links + 1, depth + 1
        elif token.type == "link_close":
            depth -= 1
        elif depth == 0 and (token.type == "image" or any(c.isalnum() for c in token.content)):
            return 0
    return links


NAVIGATION_BLOCKS = {"inline", "paragraph_open", "paragraph_close", "list_item_open", "list_item_close",
                     "bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close"}


def _navigation(lines: list[Line], blocks, env: dict, frozen: set[int]) -> dict[int, str]:
    """Lines that only navigate the source document: {index: why}."""
    why: dict[int, str] = {}
    i = 0
    while i < len(blocks):
        token = blocks[i]
        if token.level or not token.map or token.type not in ("bullet_list_open", "ordered_list_open", "paragraph_open"):
            i += 1
            continue
        close = _closing(blocks, i)
        counts = [_anchor_links(t.content, env) for t in blocks[i + 1:close] if t.type == "inline"]
        # Its lines, bar the blank ones its range ends with (frozen lines were read as blank).
        span = [n for n in range(*token.map) if lines[n].kind != BLANK]
        while span and span[-1] in frozen:
            span.pop()
        if (all(t.type in NAVIGATION_BLOCKS for t in blocks[i + 1:close]) and counts and all(counts) and sum(counts) >= 2
                and all(lines[n].kind in (TEXT, HEADING) and n not in frozen for n in span)):
            why |= dict.fromkeys(span, "in-page table of contents")
            above = next((n for n in range(token.map[0] - 1, -1, -1) if lines[n].kind != BLANK), None)
            if above is not None and above not in frozen and lines[above].kind in (TEXT, HEADING) \
                    and _is_toc_heading(lines[above].text):
                why[above] = "in-page table of contents"
        i = close + 1
    for n, line in enumerate(lines):
        if line.kind == TEXT and n not in why and n not in frozen and _is_back_to_top(line.text, env):
            why[n] = "back-to-top link"
    return why


def _closing(blocks, i: int) -> int:
    depth = 0
    for j in range(i, len(blocks)):
        depth += blocks[j].nesting
        if depth == 0:
            return j
    return len(blocks) - 1


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _is_toc_heading(text: str) -> bool:
    return _words(plain_title(text.lstrip().lstrip("#"))) in TOC_NAMES


def _is_back_to_top(text: str, env: dict) -> bool:
    if "top" not in text.lower() and "#" not in text and "index" not in text.lower() and "content" not in text.lower():
        return False  # most lines: no parse
    children = _INLINE.parseInline(text, env)[0].children or []
    hrefs = [str(t.attrs.get("href", "")) for t in children if t.type == "link_open"]
    if any(not h.startswith("#") for h in hrefs):
        return False  # a link out of the page is content (rule of links: its words stay)
    words = _words(_plain(text, drop_sources=False))
    return bool(BACK_TO.fullmatch(words)) or (bool(hrefs) and words in ("", "top"))
