"""Concept links in Markdown: automatic first-mention links and `[[wikilinks]]`.

`link_markdown` reads a page's Markdown once, left to right. It splits the text
into protected pieces (code, math, headings, links, HTML, attribute lists) and
plain prose; only prose gets links. A section starts at each h1/h2 heading
(a question's parts are h2), and in each section the first mention of each
concept becomes a link to its page. A link never splits a bold or italic term:
inside emphasis a name is linked only when it is the whole term
("**attention weight**"), else the next mention gets the link. The page's
Markdown file is never changed: MkDocs gets the linked text at build time. Links are HTML `<a>` elements with
site URLs from `kb.slugs.relative_url`; in the build they travel through
Markdown as markers (`markers=True`, then `expand_markers` on the HTML), since
thousands of Markdown links cost MkDocs far more. MkDocs does not validate
these links, so the tests check that every one resolves.

It also reports what it saw, for the backlinks: every (concept, section)
mention with a one-line excerpt, and every wikilink with its line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from kb.concepts.concept import Concept, ConceptMatcher
from kb.plaintext import inline_text
from kb.slugs import CONCEPTS_DIR, relative_url

# Protected pieces. Block-level ones are found line by line; inline ones only
# where one of their first characters occurs, so prose costs one fast scan.
_BLOCK = re.compile(r"(?P<fence>[ \t]*(?P<fc>`{3,}|~{3,}))|(?P<heading>[ \t]{0,3}(?P<hashes>\#{1,6})(?:[ \t]|$))"
                    r"|(?P<block>[ \t]*(?:!!!|\?\?\?\+?|\[[^\]\n]+\]:))")  # admonition line, link definition
_SETEXT = re.compile(r"[ \t]{0,3}(=+|-+)[ \t]*$")
_NOT_SETEXT_TEXT = re.compile(r"[ \t]*(?:[-*+>|]|\d+[.)])(?:[ \t]|$)")  # list items, quotes, tables
_INLINE_START = re.compile(r"<|\$|\\|`|\[|!|\{|http")
_INLINE = re.compile(
    r"""
     (?P<comment><!--.*?(?:-->|\Z))
    |(?P<dmath>\$\$.*?(?:\$\$|\Z)|\\\[.*?(?:\\\]|\Z))                     # display math
    |(?P<code>(?P<ticks>`+).*?(?<!`)(?P=ticks)(?!`))                      # inline code
    |(?P<imath>\$(?<![\\$]\$)(?:\\.|[^\\$\n])+?\$|\\\(.*?\\\))            # inline math, not \$
    |(?P<wiki>\[\[(?P<target>[^\[\]|\n]+?)(?:\|(?P<label>[^\[\]\n]+?))?\]\])
    |(?P<footnote>\[\^[^\]\n]+\])
    |(?P<link>!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]
              (?:\((?P<url><[^>\n]*>|[^)\s]*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)|\[[^\]\n]*\])?)
    |(?P<element><(?P<tag>a|code|pre|script|style|kbd|svg|math)\b[^>]*>.*?</(?P=tag)\s*>)
    |(?P<html></?[A-Za-z][^>\n]*>|<https?://[^>\n]*>)
    |(?P<url_text>(?<![\w/])https?://[^\s)>\]]+)
    |(?P<attrs>\{[:\#.][^}\n]*\})
    """,
    re.S | re.X,
)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    kind: str  # "heading", "fence", "block", or an _INLINE group name
    level: int = 0  # heading level
    match: re.Match | None = None  # inline tokens: the match, for its groups


def _tokens(markdown: str):
    """Protected pieces of the Markdown, left to right; what lies between them is prose."""
    lines = markdown.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    i, stretch = 0, None  # stretch: offset where the current run of prose lines began

    def inline(start: int, end: int):
        pos = start
        while True:
            found = _INLINE_START.search(markdown, pos, end)
            if not found:
                return
            match = _INLINE.match(markdown, found.start(), end)
            if match:
                yield _Token(match.start(), match.end(), match.lastgroup, 0, match)
                pos = match.end()
            else:
                pos = found.start() + 1

    while i < len(lines):
        line, start = lines[i], starts[i]
        block = _BLOCK.match(line)
        setext = (
            not block and line.strip() and not _NOT_SETEXT_TEXT.match(line)
            and i + 1 < len(lines) and _SETEXT.match(lines[i + 1])
        )
        if not block and not setext:
            stretch = start if stretch is None else stretch
            i += 1
            continue
        if stretch is not None:
            yield from inline(stretch, start)
            stretch = None
        if setext:
            level = 1 if lines[i + 1].lstrip().startswith("=") else 2
            yield _Token(start, starts[i + 1] + len(lines[i + 1]), "heading", level)
            i += 2
        elif block.group("fence"):
            fence = block.group("fc")
            j = i + 1
            while j < len(lines) and not re.match(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", lines[j]):
                j += 1
            j = min(j, len(lines) - 1)
            yield _Token(start, starts[j] + len(lines[j]), "fence")
            i = j + 1
        elif block.group("heading"):
            yield _Token(start, start + len(line), "heading", len(block.group("hashes")))
            i += 1
        else:
            yield _Token(start, start + len(line), "block")
            i += 1
    if stretch is not None:
        yield from inline(stretch, len(markdown))


_CONCEPT_TARGET = re.compile(rf"(?:^|/){CONCEPTS_DIR}/([a-z0-9-]+)\.md(?:#.*)?$")
_EXPLICIT_ID = re.compile(r"\{[^}\n]*#([\w-]+)[^}\n]*\}\s*$")
# A sentence ends at . ! or ? and a capital, not after "2." or "e.g.".
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\d\.)(?<!\b[a-z]\.[a-z]\.)\s+(?=[A-Z0-9*_(\[\"'])")
EXCERPT_CHARS = 180


@dataclass(frozen=True)
class Mention:
    """The first mention of a concept in one section of a page."""

    slug: str
    page: str  # docs-relative path of the page
    anchor: str | None  # the section's explicit anchor ("part-a"), None before the first h2
    section: str  # the section heading's text, "" before the first h2
    excerpt: str  # its sentence as plain text (HTML-escaped), inline math and code kept whole
    line: int  # 1-based line in the Markdown given
    in_heading: bool = False  # first named in a heading (listed as a mention; headings are never linked)


@dataclass(frozen=True)
class WikiLink:
    target: str  # as written: "inductive bias"
    label: str  # the text shown
    slug: str | None  # the concept it names, None when unknown
    line: int  # 1-based line in the Markdown given


@dataclass(frozen=True)
class LinkedPage:
    markdown: str  # the Markdown with links added
    mentions: tuple[Mention, ...]  # in the order of the page
    wikilinks: tuple[WikiLink, ...]


def resolve(target: str, matcher: ConceptMatcher) -> str | None:
    """The concept a wikilink target names: its slug, title or any alias."""
    target = target.strip()
    return target if target in matcher.concepts else matcher.slug_for(target)


def link_markdown(
    markdown: str,
    page: str,
    matcher: ConceptMatcher,
    *,
    autolink: bool = True,
    self_slug: str | None = None,
    markers: bool = False,
) -> LinkedPage:
    """Add concept links to one page's Markdown (see the module docstring).

    `page` is the docs-relative path, used to make relative link targets;
    `autolink` False handles only wikilinks; `self_slug` is never linked
    (a concept page does not link to itself). With `markers`, each link is
    left as a marker that Markdown passes through as text, for
    `expand_markers` to turn into `<a>` in the HTML (the build's way: the
    cheapest for Markdown to carry).
    """
    make = _marker if markers else _link
    out: list[str] = []
    mentions: dict[tuple[str, int], Mention] = {}
    wikilinks: list[WikiLink] = []
    linked: set[str] = set()  # concepts already linked in the current section
    section = _Section(None, "", 0)
    pos = 0

    def line_at(offset: int) -> int:
        return markdown.count("\n", 0, offset) + 1

    def note(slug: str, offset: int, *, heading: bool = False, excerpt: str | None = None) -> None:
        key = (slug, section.index)
        if key not in mentions and slug != self_slug:
            mentions[key] = Mention(
                slug, page, section.anchor, section.title,
                excerpt if excerpt is not None else excerpt_at(markdown, offset),
                line_at(offset), heading,
            )

    def prose(start: int, end: int) -> None:
        cursor = start
        for m_start, m_end, slug in matcher.finditer(markdown, start, end):
            note(slug, m_start)
            if not autolink or slug == self_slug or slug in linked or splits(emphasis, m_start, m_end):
                continue
            linked.add(slug)
            out.append(markdown[cursor:m_start])
            out.append(make(markdown[m_start:m_end], page, matcher.concepts[slug]))
            cursor = m_end
        out.append(markdown[cursor:end])

    tokens = list(_tokens(markdown))
    emphasis = emphasis_spans(markdown, tokens) if autolink else []
    for token in tokens:
        prose(pos, token.start)
        pos = token.end
        text = markdown[token.start: token.end]
        kind = token.kind
        if kind == "heading":
            if token.level <= 2:
                section = _Section(_explicit_id(text), _heading_text(text), section.index + 1)
                linked = set()
            after = None
            for m_start, _, slug in matcher.finditer(markdown, token.start, token.end):
                if after is None:
                    after = _first_sentence_after(markdown, token.end) or _heading_text(text)
                note(slug, m_start, heading=True, excerpt=after)
            out.append(text)
        elif kind == "wiki":
            target, label = token.match.group("target").strip(), (token.match.group("label") or token.match.group("target")).strip()
            slug = resolve(target, matcher)
            wikilinks.append(WikiLink(target, label, slug, line_at(token.start)))
            if slug is None or slug == self_slug:
                out.append(label)
            else:
                note(slug, token.start)
                linked.add(slug)
                out.append(make(label, page, matcher.concepts[slug]))
        else:
            if kind == "link":
                found = _CONCEPT_TARGET.search((token.match.group("url") or "").strip("<>"))
                if found and found.group(1) in matcher.concepts:
                    linked.add(found.group(1))
            out.append(text)
    prose(pos, len(markdown))
    return LinkedPage("".join(out), tuple(mentions.values()), tuple(wikilinks))


def page_mentions(markdown: str, matcher: ConceptMatcher) -> list[str]:
    """Concepts a page's Markdown names outside code, math and links, in first-mention order."""
    found = link_markdown(markdown, "page.md", matcher, autolink=False).mentions
    return list(dict.fromkeys(m.slug for m in found))


# ---- emphasis ------------------------------------------------------------

# Bold and italic spans, as CommonMark mostly reads them: the delimiter touches text on its inner
# side, "_" never inside a word, and no span crosses a blank line.
_LINE = r"(?:[^\n]|\n(?![ \t]*\n))"
_EMPHASIS = re.compile(
    rf"\*\*(?=\S)(?P<strong>{_LINE}+?)(?<=\S)\*\*"
    rf"|(?<!\w)__(?=\S)(?P<ustrong>{_LINE}+?)(?<=\S)__(?!\w)"
    rf"|(?<!\*)\*(?=[^\s*])(?P<em>{_LINE}+?)(?<=[^\s*])\*(?!\*)"
    rf"|(?<!\w)_(?=[^\s_])(?P<uem>{_LINE}+?)(?<=[^\s_])_(?!\w)"
)
_HIDDEN = "\ue003"  # stands for a protected piece: text, but never a delimiter
# What may surround the emphasised term inside its delimiters and still count as "the whole term".
_TRIM = " \t\n*_.,;:!?"


def emphasis_spans(markdown: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """(start, end) of the text inside each bold or italic span, trimmed of punctuation.

    Code, math, links and HTML are hidden first (offsets kept), so a `*` in a formula is no delimiter.
    """
    if "*" not in markdown and "_" not in markdown:
        return []
    pieces, pos = [], 0
    for token in tokens:
        pieces.append(markdown[pos:token.start])
        pieces.append(re.sub(r"[^\n]", _HIDDEN, markdown[token.start:token.end]))
        pos = token.end
    pieces.append(markdown[pos:])
    blank = "".join(pieces)
    spans = []
    for found in _EMPHASIS.finditer(blank):
        start, end = found.span(found.lastgroup)
        while start < end and blank[start] in _TRIM:
            start += 1
        while end > start and blank[end - 1] in _TRIM:
            end -= 1
        # A strong span may hold an italic one ("**a *b* c**"): look inside it too.
        inner = _EMPHASIS.finditer(blank, found.start() + 2, found.end() - 2) if found.lastgroup in ("strong", "ustrong") else ()
        spans.append((start, end))
        spans.extend((m.start(m.lastgroup), m.end(m.lastgroup)) for m in inner)
    return sorted(spans)


def splits(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether a link on markdown[start:end] would cut an emphasised term: it must cover the whole of
    every span it touches ("**attention weight**" links whole or not at all)."""
    return any(s < end and start < e and not (start <= s and e <= end) for s, e in spans)


@dataclass(frozen=True)
class _Section:
    anchor: str | None
    title: str
    index: int


def _link(text: str, page: str, concept: Concept) -> str:
    """An HTML link, which Markdown passes through (MkDocs does not validate it; the tests do)."""
    return f'<a href="{relative_url(page, concept.path)}" title="{html.escape(concept.title)}">{text}</a>'


# Private-use characters: plain text to Markdown, and never in real content.
_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"
_MARKER = re.compile(f"{_OPEN}([a-z0-9-]+){_MID}")


def _marker(text: str, page: str, concept: Concept) -> str:
    return f"{_OPEN}{concept.slug}{_MID}{text}{_CLOSE}"


def expand_markers(html_text: str, page: str, matcher: ConceptMatcher) -> str:
    """Turn the markers of `link_markdown(markers=True)`, now in a page's HTML, into links."""
    if _OPEN not in html_text:
        return html_text

    def opening(match: re.Match) -> str:
        concept = matcher.concepts[match.group(1)]
        return f'<a href="{relative_url(page, concept.path)}" title="{html.escape(concept.title)}">'

    return _MARKER.sub(opening, html_text).replace(_CLOSE, "</a>")

def _explicit_id(heading: str) -> str | None:
    found = _EXPLICIT_ID.search(heading.splitlines()[0])
    return found.group(1) if found else None


def _heading_text(heading: str) -> str:
    first = heading.splitlines()[0]
    first = re.sub(r"\s*\{[^}\n]*\}\s*$", "", first)
    first = re.sub(r"^[ \t]*#{1,6}[ \t]*|[ \t]+#+[ \t]*$", "", first)
    return _plain(first.strip())


# ---- excerpts ------------------------------------------------------------

_INLINE_MATH = re.compile(r"(?<![\\$])\$(?:\\.|[^\\$\n])+?\$|`[^`\n]+`")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _plain(text: str) -> str:
    """Markdown reduced to what a reader sees, inline math and code kept whole."""
    return " ".join(inline_text(text, code_marks=True).split())


def _sentence(line: str, offset: int | None) -> tuple[str, int]:
    """The sentence of one line around `offset` (None: the first), never split inside math or code,
    and where `offset` falls in it."""
    math = [(m.start(), m.end()) for m in _INLINE_MATH.finditer(line)] if "$" in line or "`" in line else []
    start, end = 0, len(line)
    for boundary in _SENTENCE_END.finditer(line):
        if any(a < boundary.start() < b for a, b in math):
            continue
        if offset is not None and boundary.end() <= offset:
            start = boundary.end()
        else:
            end = boundary.start()
            break
    sentence = line[start:end]
    inner = max((offset or 0) - start, 0)
    if start == 0:
        bare = _LIST_MARK.sub("", sentence)
        inner, sentence = max(inner - (len(sentence) - len(bare)), 0), bare
    return sentence, inner


def _word_cut(text: str, at: int, forward: bool) -> int:
    """A space near `at` (the next one, or the previous one), moved out of any math or code."""
    cut = text.find(" ", at) if forward else text.rfind(" ", 0, at)
    if cut < 0:
        return len(text) if forward else 0
    for math in _INLINE_MATH.finditer(text):
        if math.start() < cut < math.end():
            cut = math.start() if forward else math.end()
    return cut


def _clip(sentence: str, offset: int = 0) -> str:
    """Plain text of a sentence, at most about EXCERPT_CHARS around `offset` (math kept whole), HTML-escaped."""
    text = _plain(sentence)
    if len(text) > EXCERPT_CHARS:
        # Where the mention lands in the plain text (the sentinel keeps a trailing space).
        at = len(_plain(sentence[:offset] + "\x01")) - 1
        lead = ""
        if at > EXCERPT_CHARS - 60:
            begin = _word_cut(text, at - 40, forward=False)
            text, lead = text[begin:].lstrip(), "… "
        if len(text) > EXCERPT_CHARS:
            cut = _word_cut(text, EXCERPT_CHARS, forward=True)
            if cut < len(text):
                text = text[:cut].rstrip(" ,;:") + " …"
        text = lead + text
    return html.escape(text, quote=False)


def excerpt_at(markdown: str, offset: int) -> str:
    """One line of prose around `offset`: its sentence (or the part of it around `offset`) as plain text."""
    line_start = markdown.rfind("\n", 0, offset) + 1
    line_end = markdown.find("\n", offset)
    line = markdown[line_start: len(markdown) if line_end < 0 else line_end]
    return _clip(*_sentence(line, offset - line_start))


def _first_sentence_after(markdown: str, offset: int) -> str:
    """The first sentence of prose after a heading, or "" when another heading or a block comes first."""
    rest = markdown[offset: offset + 2000].lstrip("\n")
    first = rest.split("\n", 1)[0]
    if not first.strip() or first.lstrip().startswith(("#", "$$", "```", "~~~", "|", "<")):
        return ""
    return _clip(_sentence(first, None)[0])


def prose_text(markdown: str) -> str:
    """The Markdown with code, math, HTML and link targets blanked out (headings and link texts kept)."""
    out, pos = [], 0
    for token in _tokens(markdown):
        out.append(markdown[pos: token.start])
        kind = token.kind
        text = markdown[token.start: token.end]
        if kind == "heading":
            out.append(text)
        elif kind == "wiki":
            out.append((token.match.group("label") or token.match.group("target")).strip())
        elif kind == "link":
            out.append(re.sub(r"^!?\[(.*)\].*$", r"\1", text, flags=re.S))
        else:
            out.append(" " * len(text.split("\n", 1)[0]) + "\n" * text.count("\n"))
        pos = token.end
    out.append(markdown[pos:])
    return "".join(out)
