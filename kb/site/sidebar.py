"""Question pages in the site's navigation: each collection a section, its questions in the sidebar.

Question pages stay out of the configured nav (`not_in_nav`): a nav holding every
question would be rendered into every page, so a page would grow with the whole
site. Instead each collection's nav entry becomes a section holding its index
page, every question page gets that section as its parent (the breadcrumb, the
highlighted tab) and its neighbours in the collection as previous and next
(Material's footer), and only while one of its questions is rendered does the
section list the collection's questions (the sidebar), with the other collections
set aside. A question page thus carries its own collection and nothing else,
whatever the size of the site.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from kb.site.catalog import Collection
from kb.site.textmath import title_text


@dataclass
class CollectionNav:
    section: Section
    index: Page
    questions: list[Page]
    saved: list = field(default_factory=list)  # (object, children) to put back after the page is rendered


def attach(nav: Navigation, pages: dict[str, Page], catalog: dict[str, Collection]) -> dict[str, CollectionNav]:
    """Turn each collection's nav entry into a section and link its question pages into it.

    `pages` maps docs-relative paths to MkDocs pages. Returns the collection of each question page,
    by path. A collection without an index page in the nav gets previous and next links only.
    """
    by_page: dict[str, CollectionNav] = {}
    for collection in catalog.values():
        questions = [pages[q.path] for q in collection.questions if q.path in pages]
        for q, page in zip(collection.questions, questions):
            # The sidebar's label, as Material's typeset plugin hands it over: the number, and the title as text.
            page.typeset = {"title": html.escape(f"Q{q.page.question}. {title_text(q.page.title)}", quote=False)}
        for before, page, after in zip([None, *questions], questions, [*questions[1:], None]):
            page.previous_page, page.next_page = before, after
        index = pages.get(collection.index_path) if collection.index_path else None
        section = _sectioned(nav, index) if index is not None else None
        if section is None:
            continue
        entry = CollectionNav(section, index, questions)
        for page in questions:
            page.parent = section
            by_page[page.file.src_uri] = entry
    return by_page


def _sectioned(nav: Navigation, index: Page) -> Section | None:
    """Replace the nav entry of a collection's index page by a section holding it; the section."""
    for siblings, parent in _lists(nav.items, None):
        for i, item in enumerate(siblings):
            if item is index:
                section = Section(index.title, [index])
                section.parent, index.parent = parent, section
                siblings[i] = section
                return section
    return None


def _lists(items: list, parent: Section | None):
    yield items, parent
    for item in items:
        if isinstance(item, Section):
            yield from _lists(item.children, item)


def expand(entry: CollectionNav) -> None:
    """While a question page of this collection is rendered: its questions listed, other collections set aside."""
    entry.saved = [(entry.section, entry.section.children)]
    entry.section.children = [entry.index, *entry.questions]
    group = entry.section.parent
    if group is not None:
        entry.saved.append((group, group.children))
        group.children = [entry.section]


def collapse(entry: CollectionNav) -> None:
    """Put the nav back as every other page sees it."""
    for item, children in reversed(entry.saved):
        item.children = children
    entry.saved = []
