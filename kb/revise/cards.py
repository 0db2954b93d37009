"""Revision cards: one per question part (one per question without parts), cut from the page's HTML.

The HTML is what the site shows (Markdown rendered, imported HTML as text, cleaned by nh3:
kb.site.sanitize), so the practice page and the Anki decks show exactly the page's answer, math
as arithmatex wrote it (`\\(…\\)`, `\\[…\\]`, MathJax's and Anki's delimiters alike).

A page is its title (h1), an intro, then its parts (`<h2 id="part-x">`). What a reader is asked
stays on the front of a card: the title, the intro of a page with parts, the part's heading and the
exam paper's statement (a blockquote right under a heading, kb.ingest.render.quoted) with the line
under the title that names the source; the rest of the part (or of a page without parts) is the answer.
The same split folds answers on the page itself (docs/javascripts/revise.js).
"""

from __future__ import annotations

import re
from html import escape as html_escape
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin, urlsplit

import nh3

from kb.pages import QuestionPage
from kb.site.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, SAFE_SCHEMES, clean_imported_html
from kb.slugs import CONCEPTS_DIR

_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_PART = re.compile(r'^<h2 id="(part-[^"]+)"[^>]*>(.*?)</h2>', re.S | re.M)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# What stays with the question: the source line under the title (`_Source: Q4 · (10 points)_`) and statements.
_PROVENANCE = re.compile(r"\s*<p><em>(?:(?!</?p>)(?!</em>).)*</em></p>", re.S)
_QUOTE_TAG = re.compile(r"<(/?)blockquote\b[^>]*>")
_BASE = "http://site.invalid/"  # resolves relative URLs; never fetched


@dataclass(frozen=True)
class Card:
    id: str  # "questions/<collection>/q3/#part-a": the part's URL under the site root, the same in every build
    collection: str
    question: int
    label: str  # the part's label ("a"), "" for a question without parts
    title: str  # the question's heading, HTML ("Q3. CNNs versus MLPs")
    intro: str  # HTML shown above the part: a page's intro (pages with parts), the paper's statement
    part: str  # the part's heading, HTML; "" for a question without parts
    answer: str  # HTML
    tags: tuple[str, ...]
    concepts: tuple[str, ...]  # slugs of the concept pages the card links to

    @property
    def page(self) -> str:
        """The question page's URL under the site root ("questions/c/q3/")."""
        return self.id.split("#")[0]


def _leading_statement(html: str, provenance: bool) -> int:
    """Where the statement (blockquotes, and the source line when `provenance`) at the start of `html` ends."""
    end = 0
    while True:
        if provenance and (match := _PROVENANCE.match(html, end)):
            end = match.end()
            continue
        start = len(html) - len(html[end:].lstrip())
        if not html.startswith("<blockquote", start):
            return end
        depth = 0
        for tag in _QUOTE_TAG.finditer(html, start):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        else:
            return end


def site_url_rewriter(page_url: str) -> Callable[[str], str | None]:
    """URLs in a page at `page_url` (site-relative, "questions/c/q3/") as URLs under the site root
    ("concepts/x/#a", "questions/c/fig.png"); absolute http(s) and mailto URLs stay as they are."""
    base = urljoin(_BASE, page_url.lstrip("/"))

    def rewrite(url: str) -> str | None:
        if urlsplit(url).scheme:
            return url  # nh3 keeps http(s) and mailto only
        absolute = urljoin(base, url)
        return absolute[len(_BASE):] if absolute.startswith(_BASE) else None

    return rewrite


def clean_with(html: str, attribute_filter: Callable[[str, str, str], str | None]) -> str:
    """`html` through nh3 with kb.site.sanitize's tags, attributes and URL schemes, and `attribute_filter`
    ((tag, attribute, value) -> the value to keep, or None to drop the attribute)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                     link_rel=None, attribute_filter=attribute_filter, strip_comments=True)


def rewrite_urls(html: str, rewrite: Callable[[str], str | None]) -> str:
    """`html` cleaned again (kb.site.sanitize's rules) with every href and src passed through `rewrite`
    (None drops it: a link without its URL becomes its words)."""
    def keep(tag: str, attribute: str, value: str) -> str | None:
        return rewrite(value) if attribute in ("href", "src") else value

    return clean_imported_html(clean_with(html, keep))


_CONCEPT_LINK = re.compile(rf'href="{CONCEPTS_DIR}/([^/"#]+)/')


def cut_cards(content: str, page: QuestionPage, page_url: str, links_from: str | None = None) -> list[Card]:
    """The cards of one question page at `page_url` ("questions/c/q3/") from its content HTML, whose relative
    URLs are relative to `links_from` (the page's URL in a built site; its Markdown file outside one)."""
    rewrite = site_url_rewriter(links_from or page_url)
    html = rewrite_urls(_HEADERLINK.sub("", content), rewrite)  # headings' permalinks (¶) are the page's, not the card's
    page_url = page_url.lstrip("/")
    title_match = _H1.search(html)
    title = title_match.group(1).strip() if title_match else html_escape(f"Q{page.question}. {page.title}")
    body = html[title_match.end():] if title_match else html
    parts = list(_PART.finditer(body))
    sections = []  # (anchor, heading, text)
    if parts:
        intro = body[:parts[0].start()].strip()
        for i, part in enumerate(parts):
            end = parts[i + 1].start() if i + 1 < len(parts) else len(body)
            sections.append((part.group(1), part.group(2).strip(), body[part.end():end]))
    else:
        intro = ""
        sections.append(("", "", body))
    labels = {p.anchor: p.label for p in page.parts}
    cards = []
    for anchor, heading, text in sections:
        split = _leading_statement(text, provenance=not parts)
        asked, answer = text[:split].strip(), text[split:].strip()
        front = "\n".join(piece for piece in (intro, asked) if piece)
        cards.append(Card(
            id=f"{page_url}#{anchor}" if anchor else page_url,
            collection=page.collection,
            question=page.question,
            label=labels.get(anchor, anchor.removeprefix("part-")),
            title=title,
            intro=front,
            part=heading,
            answer=answer,
            tags=page.tags,
            concepts=tuple(dict.fromkeys(_CONCEPT_LINK.findall(front + answer))),
        ))
    return cards
