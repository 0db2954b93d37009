"""Links: what would break the strict build or leave the site becomes text, or an absolute address.

A link to a file that is not imported, to an in-page anchor (which the split into pages breaks),
to an absolute path or to another scheme keeps its words and loses its target, unless a base URL
makes a relative one absolute (kb.ingest.cleanup.targets decides which); `[[src]](url)` source
links, which the concept linker would read as wikilinks, become `[src](url)`; reference
definitions follow their links.
"""

from __future__ import annotations

import re

from kb.ingest.cleanup.kinds import _Edit
from kb.ingest.cleanup.parsers import _BLOCKS, _INLINE, _as_one_text, _written_destination
from kb.ingest.cleanup.targets import _absolute, _fate, _is_document, _target
from kb.ingest.lines import BLANK, HEADING, TEXT, Line


def _link_edits(text: str, env: dict, base_url: str, plain_labels: set[str], wrapped: bool = False):
    """[(link start, its edits [(start, end, new)], document target or "")] for each link of `text` to rewrite;
    with `wrapped`, only links that run over a line break."""
    found = []
    for token in _INLINE.parseInline(text, env)[0].children or []:
        if "span" not in token.meta:
            continue
        (start, end), label_end, dest = token.meta["span"], token.meta["label_end"], token.meta["dest"]
        if wrapped and "\n" not in text[start:end]:
            continue
        image = token.type == "image"
        href = str(token.attrs.get("src" if image else "href", ""))
        kind = _target(href)
        label = token.meta.get("label")
        fate = _fate(kind, dest is not None, dest is None and label is not None and _label(label) in plain_labels,
                     image, base_url)
        document = ""
        if fate == "https":
            edits = [(*dest, "https:" + href)]
        elif fate == "absolute":
            edits = [(*dest, _absolute(base_url, href))]
        elif fate == "text" and image:
            edits = [(start, end, text[start + 2:label_end])]  # its alt text
        elif fate == "text":
            edits = [(start, start + 1, ""), (label_end, end, "")]  # the words stay, the link goes
            if kind == "relative" and not base_url and _is_document(href):
                document = text[dest[0]:dest[1]].strip("<>") if dest else href
        else:
            continue
        found.append((start + image, edits, document))
    return found


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _rewrite_line(text: str, env: dict, base_url: str, plain_labels: set[str]) -> tuple[str, int, list[str]]:
    """(the line with its links rewritten, how many were rewritten, targets of documents kept as text)."""
    text, count, documents = _source_links(text), 0, []
    for _ in range(8):  # a link's words may hold a link (`[a [b](c.md)](d.md)`): once made text, the outer one is one
        found = _link_edits(text, env, base_url, plain_labels)
        if not found:
            break
        text = _apply(text, [e for _, edits, _ in found for e in edits])
        count += len(found)
        documents += [d for _, _, d in found if d]
    return text, count, documents


def _may_wrap(text: str) -> bool:
    """False for a line no link can run out of (no `[` left open, no `](` target left open): most lines, which
    then spare the document a second reading."""
    if "[" not in text:
        return False
    text = re.sub(r"\\.|(`+).+?\1", "", text)  # escaped characters and code spans hold no brackets
    depth = 0
    for c in text:
        depth = depth + 1 if c == "[" else max(depth - 1, 0) if c == "]" else depth
    return depth > 0 or text.rfind("](") > text.rfind(")")


def _rewrite_wrapped(edits: list[_Edit], env: dict, base_url: str, plain_labels: set[str]) -> list[tuple[int, int, str]]:
    """Rewrite links whose words or target run onto the next line; [(line index, how many, document target)].

    A paragraph is read whole; an edit that stays within one line is made there. One that would join
    two lines (a target broken over them) cannot be, so the link's `[` is escaped instead: it shows as
    typed, words and target, and is no link.
    """
    text = _as_one_text(e.text if not e.frozen and e.kind in (TEXT, HEADING) else "" for e in edits)
    done = []
    for token in _BLOCKS.parse(text, {}):
        if token.type != "inline" or "\n" not in token.content or "[" not in token.content or not token.map:
            continue
        starts, offset = [], 0  # where each content line starts, in the content and in its source line
        for k, piece in enumerate(token.content.split("\n")):
            column = _as_one_text([edits[token.map[0] + k].text]).find(piece)
            if column < 0:
                break
            starts.append((offset, offset + len(piece), token.map[0] + k, column))
            offset += len(piece) + 1
        else:
            by_line: dict[int, list] = {}  # every edit is placed by the content as read, then made at once
            for start, link_edits, document in _link_edits(token.content, env, base_url, plain_labels, wrapped=True):
                where = [next((s for s in starts if s[0] <= a and b <= s[1]), None) for a, b, _ in link_edits]
                if None in where:  # cannot be made within lines: no link either
                    link_edits, where = [(start, start, "\\")], [next(s for s in starts if s[0] <= start <= s[1])]
                for (a, b, new), (first, _, line, column) in zip(link_edits, where):
                    by_line.setdefault(line, []).append((a - first + column, b - first + column, new))
                done.append((where[0][2], 1, document))
            for line, line_edits in by_line.items():
                edits[line].text = _apply(edits[line].text, line_edits)
    return done


def _source_links(text: str) -> str:
    """`[[src]](url)` as `[src](url)`: a source link, which the concept linker would read as the wikilink `[[src]]`.

    Read without the document's link definitions, so that a defined `[1]` inside `[[1]](url)`
    cannot hide the outer link.
    """
    if "[[" not in text:
        return text
    edits = []
    for token in _INLINE.parseInline(text, {})[0].children or []:
        if token.type == "link_open" and token.meta.get("dest"):
            start, label_end = token.meta["span"][0], token.meta["label_end"]
            if re.fullmatch(r"\[[^\[\]]+\]", text[start + 1:label_end]):
                edits += [(start + 1, start + 2), (label_end - 1, label_end)]
    for start, end in sorted(edits, reverse=True):
        text = text[:start] + text[end:]
    return text


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _definitions(lines: list[Line], blocks, edits: list[_Edit], why: dict[int, str], base_url: str) -> set[str]:
    """Rewrite reference definitions (`[1]: ./x.md`) as links are rewritten; the labels whose links must become text.

    A definition shows nothing on a page, so one whose target cannot stay is dropped (no
    visible word is lost) and the links that use it become their text.
    """
    plain: set[str] = set()
    for token in blocks:
        if token.type != "definition" or not token.map or any(edits[i].frozen for i in range(*token.map)):
            continue
        href, first = token.meta["url"], token.map[0]
        kind = _target(href)
        if kind == "external":
            continue
        line = edits[first].text
        at = line.find("]:")
        dest = _written_destination(line, at + 2, len(line)) if at >= 0 else (0, 0)  # on the label's line, if at all
        if kind in ("host", "relative") and dest[1] > dest[0] and (kind == "host" or base_url):
            new = "https:" + href if kind == "host" else _absolute(base_url, href)
            edits[first].text = line[:dest[0]] + new + line[dest[1]:]
            continue
        plain.add(_label(token.meta["id"]))
        for i in range(*token.map):
            if lines[i].kind != BLANK:
                why[i] = "link definition for a target outside the import (its links are kept as text)"
    return plain
