"""The markdown-it readers of cleanup: links, tags and block structure, with their source spans.

Markdown structure comes from markdown-it-py, set up as the site reads an imported page
(CommonMark, raw HTML off, `$` math as arithmatex sees it); the source span of each link,
image and tag is recorded by wrapping its inline rule, so a rewrite touches only its span.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import html_inline, image, link
from mdit_py_plugins.dollarmath import dollarmath_plugin


def _recording(rule, made: str):
    """`rule`, also recording on the token it makes (`made`) where in the source that token starts and ends."""

    def run(state, silent):
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            token = next(t for t in state.tokens[count:] if t.type == made)
            token.meta["span"] = (start, state.pos)
            if made != "html_inline":
                image = made == "image"  # `![`: the label starts one further, and may hold links
                token.meta["label_end"] = state.md.helpers.parseLinkLabel(state, start + image, not image)
                token.meta["dest"] = _destination(state.src, token.meta["label_end"] + 1, state.pos)
        return True

    return run


def _destination(src: str, pos: int, end: int) -> tuple[int, int] | None:
    """The span of an inline link's destination as written (`pos` is just after its label); None for a reference link."""
    return _written_destination(src, pos + 1, end) if pos < end and src[pos] == "(" else None


def _written_destination(src: str, pos: int, end: int) -> tuple[int, int]:
    """The span of the link destination that starts at `pos` after spaces; empty when there is none (`[x]()`)."""
    while pos < end and src[pos] in " \t\n":
        pos += 1
    found = _HELPERS.parseLinkDestination(src, pos, end)
    return (pos, found.pos if found.ok else pos)


def _as_one_text(texts) -> str:
    """Lines joined for markdown-it, which also breaks lines at a lone carriage return: a space there keeps its
    line maps on our lines (and every column where it was)."""
    return "\n".join(texts).replace("\r", " ")


def _parser(html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "store_labels": True, "inline_definitions": True})
    # allow_space=False is arithmatex's rule: "$5 and $6" is no math, so a link between them is still a link.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=True, double_inline=True, allow_labels=False)
    md.validateLink = lambda url: True  # see `javascript:` links too, to make them text
    md.disable("html_block")  # the site drops raw HTML blocks of imported pages: their lines are Markdown
    return md


_HELPERS = MarkdownIt().helpers
_INLINE = _parser(html=False)  # links, as the site reads them (inline HTML is text there too)
_INLINE.inline.ruler.at("link", _recording(link, "link_open"))
_INLINE.inline.ruler.at("image", _recording(image, "image"))
_TAGS = _parser(html=True)  # tags, outside code spans and math
_TAGS.inline.ruler.at("html_inline", _recording(html_inline, "html_inline"))
_BLOCKS = _parser(html=False).disable("inline")  # block structure with line maps; inline content read on demand
