"""A question page's meta description: its answer's own first sentence, as plain text.

Search engines and link previews show it under the title; without it every page carried the
site-wide description. Built from the page's Markdown with the concept finders' `opening`, so it
is the same first sentence a derived concept quotes, and escaped by the caller like any front matter.
"""

from __future__ import annotations

import re

from kb.concepts.finders import opening
from kb.plaintext import inline_text
from kb.textmath import html_text

MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
DESCRIPTION_CHARS = 160  # what search result pages show


def description(markdown: str) -> str:
    """Plain text of the first sentence of prose below the page's title, cut at a word near 160 characters."""
    body = markdown.split("\n", 1)[1] if markdown.lstrip().startswith("# ") else markdown
    text = " ".join(html_text(inline_text(opening(body, sentences=1))).split())  # math as text: "h", "x²"
    text = MARKDOWN_ESCAPE.sub(r"\1", text)  # `\{` (the importer's escape of an attribute list) reads `{`
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text.rfind(" ", 0, DESCRIPTION_CHARS)
    return text[: cut if cut > 0 else DESCRIPTION_CHARS].rstrip(" ,;:") + " …"
