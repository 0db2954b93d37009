"""Inline Markdown reduced to the text a reader sees: one reduction for search records and excerpts."""

from __future__ import annotations

import html
import re

# Code spans, display math, inline math (arithmatex: no space just inside the dollars), the rest.
INLINE = re.compile(r"(?P<code>(`+)(?P<codetext>.+?)\2)|\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\d)")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")


def _prose(text: str) -> str:
    # Each pattern only where its first character occurs: most of a page's text has none of them,
    # and every search build reduces every line.
    if "[" in text:
        text = WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
        text = LINK.sub(r"\1", text)
    if "<" in text:
        text = TAG.sub(" ", text)
    if "*" in text or "_" in text:
        text = EMPHASIS.sub("", text)
    if "|" in text:
        text = text.replace("|", " ")  # table cell borders
    return html.unescape(text) if "&" in text else text


def inline_text(line: str, math: list[str] | None = None, code_marks: bool = False) -> str:
    """One line of Markdown as plain text; code and math are kept verbatim (math also appended to `math`).

    With `code_marks`, code keeps its backticks, for text that is shown with code formatting.
    """
    if "`" not in line and "$" not in line:  # no code or math: most lines
        return _prose(line)
    out, pos = [], 0
    for m in INLINE.finditer(line):
        out.append(_prose(line[pos:m.start()]))
        if m.group("code"):
            out.append(m.group(0) if code_marks else m.group("codetext").strip())
        else:
            tex = (m.group("display") or m.group("inline")).strip()
            if math is not None:
                math.append(tex)
            out.append(f"${tex}$")
        pos = m.end()
    out.append(_prose(line[pos:]))
    return "".join(out)
