"""Derived listings, as HTML appended to built pages (never written to the Markdown files).

A question page ends with its concepts and related questions; a concept page
with where it is discussed and its related concepts; the concepts index with
every concept A–Z and how many questions discuss it.

The listings are HTML added after Markdown conversion: a knowledge base has
tens of thousands of these list items, and passing them through Markdown
would double the build time. Links use `kb.slugs.relative_url` (the tests and
the browser test check that they resolve); headings carry the same permalink
as Markdown's and are returned for the table of contents; the listings are
added to the built page after the search index has read it, since they
repeat other pages' titles.
"""

from __future__ import annotations

import functools
import html
import re

from kb.concepts.graph import Graph
from kb.slugs import relative_url

_MATH_OR_CODE = re.compile(r"(?<![\\$])\$((?:\\.|[^\\$\n])+?)\$|`([^`\n]+)`")


@functools.lru_cache(maxsize=1 << 14)
def text_html(text: str, escaped: bool = False) -> str:
    """Text with inline `$math$` and `code`, as HTML: math as arithmatex would mark it up for MathJax."""
    if not escaped:
        text = html.escape(text, quote=False)

    def markup(match: re.Match) -> str:
        if match.group(1) is not None:
            return f'<span class="arithmatex">\\({match.group(1)}\\)</span>'
        return f"<code>{match.group(2)}</code>"

    return _MATH_OR_CODE.sub(markup, text)


@functools.lru_cache(maxsize=1 << 16)
def _a(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{text_html(text)}</a>'


def heading(title: str, anchor: str) -> str:
    """An h2 like Markdown's, with its permalink, left out of the search index."""
    return (f'<h2 id="{anchor}">{html.escape(title)}'
            f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a></h2>')


def _block(title: str, anchor: str, items: list[str]) -> str:
    body = "\n".join(f"<li>{item}</li>" for item in items)
    return f'{heading(title, anchor)}\n<ul class="kb-listing">\n{body}\n</ul>'


# Questions listed with their parts and excerpts on a concept page; the rest by title only. A concept
# that 1,500 questions discuss would otherwise make a 900 KB page, and 300 of them most of a large build.
EXCERPTS_UP_TO = 50

# (title, anchor) of the headings each listing adds, for the table of contents.
QUESTION_HEADINGS = (("Concepts in this answer", "kb-concepts"), ("Related questions", "kb-related-questions"))
CONCEPT_HEADINGS = (("Where it is discussed", "kb-discussed"), ("Related concepts", "kb-related-concepts"))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def question_footer(graph: Graph, path: str) -> str:
    """'Concepts in this answer' and 'Related questions' for one question page."""
    sections = []
    slugs = graph.concepts_of(path)
    if slugs:
        items = []
        for slug in slugs:
            concept = graph.concepts[slug]
            summary = f" — {text_html(concept.summary)}" if concept.summary else ""
            items.append(_a(relative_url(path, concept.path), concept.title) + summary)
        sections.append(_block("Concepts in this answer", "kb-concepts", items))
    related = graph.related_questions(path)
    if related:
        items = []
        for question, shared in related:
            titles = [graph.concepts[s].title for s in shared]
            reason = f"{len(shared)} shared concept{'s' if len(shared) > 1 else ''}: {_join(titles)}"
            items.append(f"{_a(relative_url(path, question.path), question.label)} — {text_html(reason)}")
        sections.append(_block("Related questions", "kb-related-questions", items))
    return "\n\n".join(sections)


def concept_footer(graph: Graph, slug: str) -> str:
    """'Where it is discussed' (deep links to parts, with excerpts, for the first `EXCERPTS_UP_TO`) and
    'Related concepts'."""
    concept = graph.concepts[slug]
    items = []
    for i, (question, mentions) in enumerate(graph.discussed(slug)):
        parts = [m for m in mentions if m.anchor is not None]
        head = _a(relative_url(concept.path, question.path), question.label)
        if i >= EXCERPTS_UP_TO:
            pass  # the title only
        elif not parts:
            head += f" — {text_html(mentions[0].excerpt, escaped=True)}"
        else:
            subitems = "".join(
                f"<li>{_a(relative_url(concept.path, question.path, m.anchor), question.part_label(m.anchor) or m.section)}"
                f" — {text_html(m.excerpt, escaped=True)}</li>"
                for m in parts
            )
            head += f"<ul>{subitems}</ul>"
        items.append(head)
    sections = [_block("Where it is discussed", "kb-discussed", items) if items else
                heading("Where it is discussed", "kb-discussed") + "\n<p>No answer mentions this concept yet.</p>"]
    related = graph.related_concepts(slug)
    if related:
        items = [f"{_a(relative_url(concept.path, graph.concepts[o].path), graph.concepts[o].title)} — {text_html(reason)}"
                 for o, reason in related]
        sections.append(_block("Related concepts", "kb-related-concepts", items))
    return "\n\n".join(sections)


def concepts_index(graph: Graph, path: str) -> str:
    """Every concept A–Z with its summary and the number of questions that discuss it."""
    by_letter: dict[str, list] = {}
    for concept in sorted(graph.concepts.values(), key=lambda c: (c.title.casefold(), c.slug)):
        first = concept.title[:1].upper()
        by_letter.setdefault(first if first.isalpha() else "#", []).append(concept)
    letters = sorted(by_letter, key=lambda k: (k == "#", k))
    total = len(graph.concepts)
    if not total:
        return "<p>No concepts yet.</p>"
    jump = " · ".join(f'<a href="#kb-letter-{_anchor(k)}">{k}</a>' for k in letters)
    blocks = [f"<p><strong>{total} concept{'s' if total != 1 else ''}</strong>, A–Z. Jump to: {jump}</p>"]
    for letter in letters:
        items = []
        for concept in by_letter[letter]:
            count = graph.question_count(concept.slug)
            summary = f" — {text_html(concept.summary)}" if concept.summary else ""
            derived = ' <em class="kb-derived">derived</em>' if concept.derived else ""  # no contributor wrote it yet
            items.append(f"{_a(relative_url(path, concept.path), concept.title)} "
                         f"({count} question{'s' if count != 1 else ''}){derived}{summary}")
        blocks.append(_block(f"{letter} ({len(items)})", f"kb-letter-{_anchor(letter)}", items))
    return "\n\n".join(blocks)


def _anchor(letter: str) -> str:
    return "other" if letter == "#" else letter.lower()


def index_headings(graph: Graph) -> list[tuple[str, str]]:
    letters = sorted({(c.title[:1].upper() if c.title[:1].isalpha() else "#") for c in graph.concepts.values()},
                     key=lambda k: (k == "#", k))
    counts = {k: 0 for k in letters}
    for c in graph.concepts.values():
        counts[c.title[:1].upper() if c.title[:1].isalpha() else "#"] += 1
    return [(f"{k} ({counts[k]})", f"kb-letter-{_anchor(k)}") for k in letters]
