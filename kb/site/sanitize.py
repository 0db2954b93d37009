"""Untrusted text on the site: imported pages' Markdown as text, front-matter strings escaped, HTML cleaned.

Imported pages (question pages and collection indexes, recognised by their front
matter) come from documents we did not write, so their raw HTML is shown as text,
never parsed (`RawHtmlAsText`), and their HTML output goes through nh3 as a second
line of defence (`clean_imported_html`), keeping only what Markdown, arithmatex,
pymdownx and Material emit and only http(s), mailto and relative URLs. Front-matter
strings of every page (titles, descriptions, tags) reach the theme's templates,
which do not escape, so they are escaped here (`escape_meta`). The built output is
then checked as a whole by kb.site.markup_check.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown.extensions import Extension

from kb.pages import is_question_file

# Front-matter keys whose strings the theme writes into HTML as they are.
TEXT_KEYS = ("title", "description", "tags")
SAFE_SCHEMES = {"http", "https", "mailto"}  # relative URLs are kept as well

# What Markdown and our extensions emit for a question page; anything else is dropped.
_GENERIC = {"id", "class", "title", "lang", "dir"}
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
}
ALLOWED_ATTRIBUTES = {
    "*": _GENERIC,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "details": {"open"},
    "td": {"align"},
    "th": {"align"},
}


def is_imported(meta: dict) -> bool:
    """Pages the importer writes: question pages and collection indexes (both carry `collection`)."""
    return is_question_file(meta) or ("collection" in meta and "question" not in meta)


def escape_text(value: object) -> str:
    """A string as HTML text and attribute value: markup in it shows as the characters typed."""
    return html.escape(str(value), quote=True)


def escape_meta(meta: dict) -> dict:
    """The page's front matter with its displayed strings escaped (a new dict; other keys untouched)."""
    out = dict(meta)
    for key in TEXT_KEYS:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = escape_text(value)
        elif isinstance(value, list):
            out[key] = [escape_text(v) if isinstance(v, str) else v for v in value]
    return out


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Material finds its own parts by ids and names starting "__" (`#__config`, `__drawer`): an
    # imported `{#__config}` heading must not stand in for them.
    return None if attribute in ("id", "name") and value.startswith("__") else value


# nh3's output is canonical (`<a` then its attributes, quoted), and links do not nest.
_LINK_WITHOUT_HREF = re.compile(r"<a((?:\s(?!href=)[a-z-]+=\"[^\"]*\")*)>(.*?)</a>", re.S)


def clean_imported_html(content: str) -> str:
    """An imported page's HTML with only the tags, attributes and URL schemes Markdown output needs.

    A link whose URL was dropped becomes a <span>: its words stay, and it is no link to click.
    """
    cleaned = nh3.clean(
        content,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel=None,  # keep links as Markdown wrote them
        attribute_filter=_keep_attribute,
        strip_comments=True,
    )
    return _LINK_WITHOUT_HREF.sub(r"<span\1>\2</span>", cleaned)


class RawHtmlAsText(Extension):
    """Python-Markdown without raw HTML while `active`: `<script>` in the source is text on the page.

    This is Python-Markdown's documented way to escape HTML (drop the `html_block`
    preprocessor and the `html` inline pattern), so code spans, fences and arithmatex
    math, which Markdown parses first, are untouched. One instance serves the whole
    build; the site hooks switch it on for each imported page before it is rendered.
    """

    def __init__(self, **kwargs):
        self.active = False
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        if self.active:
            md.preprocessors.deregister("html_block", strict=False)
            md.inlinePatterns.deregister("html", strict=False)
