"""Attribute lists in imported text made text: an imported page gets no author-chosen id or class.

The site's `attr_list` reads `{#id}`, `{.class}` and `{: key=value}` after a heading, at the end of a
block and right after an inline element. On an imported page that would let a document take the
page's own ids (`part-b`, `kb-concepts`, ahead of the real part) or the theme's classes
(`.md-banner`), and it eats words ("## Sets {a, b}" becomes a heading "Sets" with two attributes).
So every `{` outside code and math is escaped, and shows as typed; a heading's trailing list that is
only markup (`### x {#part-b}`) is dropped, like the `{#id}` of a title (cleanup.text.plain_title).
"""

from __future__ import annotations

import re

from markdown.extensions.attr_list import AttrListTreeprocessor

# Code spans, then math ($$...$$, $...$, \(...\)): verbatim, since `\{` is TeX there and shows in code.
_VERBATIM = re.compile(r"(`+).+?\1|\$\$.+?\$\$|(?<![\\$])\$[^\s$](?:[^$]*?[^\s\\$])?\$|\\\(.+?\\\)")
_HEADER = AttrListTreeprocessor.HEADER_RE  # the heading's own trailing list, as attr_list finds it
_UNESCAPED_BRACE = re.compile(r"(?<!\\)((?:\\\\)*)\{")


def defuse(text: str, heading: bool) -> str:
    """The line with no attribute list the site would apply (see the module docstring)."""
    if "{" not in text:
        return text
    if heading and (found := _HEADER.search(text)) and _only_markup(found.group(1)):
        text = text[:found.start()]
    out, at = [], 0
    for span in _VERBATIM.finditer(text):
        out += [_UNESCAPED_BRACE.sub(r"\1\\{", text[at:span.start()]), span.group(0)]
        at = span.end()
    out.append(_UNESCAPED_BRACE.sub(r"\1\\{", text[at:]))
    return "".join(out)


def _only_markup(inner: str) -> bool:
    """Whether a list holds nothing but ids, classes and key=value pairs (no words of the heading)."""
    return all(token.startswith(("#", ".")) or "=" in token for token in inner.lstrip(":").split())
