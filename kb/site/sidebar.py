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

The list holds the questions around the current one (`WINDOW` on either side, the
rest one link away on the collection's page). It is rendered here, once per
collection and kind of page, and only the current question marked per page
(`kb_sidebar`, which overrides/partials/nav-item.html prints): through Material's
nav macro each item cost 130 µs, 13 ms a page for a collection of 100 questions.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from kb.site.catalog import Collection
from kb.textmath import html_text
from kb.slugs import relative_url

# Questions listed on either side of the current one: the sidebar (and the page) weighs the same for a
# collection of 30 questions or of 3,000, and each item is two more tags for the build's markup check.
WINDOW = 15


@dataclass
class CollectionNav:
    section: Section
    index: Page
    questions: list[Page]
    labels: list[str]  # each question's sidebar label, as HTML text
    saved: list = field(default_factory=list)  # (object, children) to put back after the page is rendered
    _items: dict = field(default_factory=dict)  # the list item of each question, as seen from a folder
    _position: dict = field(default_factory=dict)  # path -> place in the collection

    def items(self, path: str) -> str:
        """The questions around page `path` as Material's nav items, seen from that page, it marked current.

        At most `WINDOW` on either side; the rest are one link away, on the collection's page.
        """
        # Every question page of a collection sees the same relative URLs: a stand-in page of the folder says which.
        seen_from = path if path.endswith("/index.md") else path.rsplit("/", 1)[0] + "/-.md"
        if seen_from not in self._items:
            self._items[seen_from] = [
                f'<li class="md-nav__item"><a href="{relative_url(seen_from, page.file.src_uri)}" '
                f'class="md-nav__link">{label}</a></li>'
                for page, label in zip(self.questions, self.labels)
            ]
        items = self._items[seen_from]
        at = self.position.get(path)
        first = max(0, min((at or 0) - WINDOW, len(items) - 2 * WINDOW - 1))
        last = min(len(items), first + 2 * WINDOW + 1)
        shown = list(items[first:last])
        if at is not None:
            shown[at - first] = (f'<li class="md-nav__item md-nav__item--active"><a href="./" class="md-nav__link '
                                 f'md-nav__link--active" aria-current="page">{self.labels[at]}</a></li>')
        more = relative_url(seen_from, self.index.file.src_uri)
        if first:
            shown.insert(0, f'<li class="md-nav__item"><a href="{more}" class="md-nav__link">… {first} before</a></li>')
        if last < len(items):
            shown.append(f'<li class="md-nav__item"><a href="{more}" class="md-nav__link">'
                         f'… {len(items) - last} more</a></li>')
        return "\n".join(shown)

    @property
    def position(self) -> dict[str, int]:
        if not self._position:
            self._position.update((page.file.src_uri, i) for i, page in enumerate(self.questions))
        return self._position


def attach(nav: Navigation, pages: dict[str, Page], catalog: dict[str, Collection]) -> dict[str, CollectionNav]:
    """Turn each collection's nav entry into a section and link its question pages into it.

    `pages` maps docs-relative paths to MkDocs pages. Returns the collection of each question page,
    by path (its index page's too). A collection without an index page in the nav gets previous and
    next links only.
    """
    by_page: dict[str, CollectionNav] = {}
    for collection in catalog.values():
        questions = [pages[q.path] for q in collection.questions if q.path in pages]
        labels = [html.escape(f"Q{q.page.question}. {html_text(q.page.title)}", quote=False)
                  for q in collection.questions if q.path in pages]
        for page, label in zip(questions, labels):
            # The breadcrumb's label, as Material's typeset plugin hands one over: the number, and the title as text.
            page.typeset = {"title": label}
        for before, page, after in zip([None, *questions], questions, [*questions[1:], None]):
            page.previous_page, page.next_page = before, after
        index = pages.get(collection.index_path) if collection.index_path else None
        section = _sectioned(nav, index) if index is not None else None
        if section is None:
            continue
        entry = CollectionNav(section, index, questions, labels)
        by_page[index.file.src_uri] = entry  # the collection's own page lists its questions too
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


def expand(entry: CollectionNav, path: str) -> None:
    """While page `path` of this collection is rendered: its questions listed, other collections set aside."""
    entry.saved = [(entry.section, entry.section.children)]
    entry.section.children = [entry.index, *entry.questions]
    entry.section.kb_sidebar = entry.items(path)
    group = entry.section.parent
    if group is not None:
        entry.saved.append((group, group.children))
        group.children = [entry.section]


def collapse(entry: CollectionNav) -> None:
    """Put the nav back as every other page sees it."""
    for item, children in reversed(entry.saved):
        item.children = children
    entry.saved = []
    entry.section.kb_sidebar = None
