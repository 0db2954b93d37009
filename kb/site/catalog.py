"""The catalogue: every collection and its questions, read from the pages' front matter at build time.

The home page, each collection's index page and the site nav are derived from
it, so they are never hand-maintained and never go stale. Listings are
Markdown with relative links, so MkDocs validates every link and part anchor.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pymdownx.arithmatex import RE_BRACKET_INLINE, RE_SMART_DOLLAR_INLINE

from kb.pages import QuestionPage, is_question_file, looks_like_question, question_from_text, split_front_matter
from kb.slugs import QUESTIONS_DIR, collection_index_path, relative_link

HOME_PATH = "index.md"
# Where a listing goes on the home page or a collection index; without it the listing is appended.
LISTING_MARKER = "<!-- kb:questions -->"


@dataclass(frozen=True)
class ListedQuestion:
    path: str  # docs-relative Markdown path
    page: QuestionPage


@dataclass(frozen=True)
class Collection:
    slug: str
    title: str
    index_path: str | None  # docs-relative path of its index page, if there is one
    questions: tuple[ListedQuestion, ...]  # in question order


def is_collection_index(meta: dict) -> bool:
    """A collection's index page carries `collection` but no `question` in its front matter."""
    return "collection" in meta and "question" not in meta


def build_catalog(pages: Iterable[tuple[str, str]]) -> dict[str, Collection]:
    """Collections by slug, in title order, from (docs-relative path, file text) pairs.

    Question pages are validated (a bad one raises `PageError` naming file and key);
    other pages are looked at only for a collection index's title.
    """
    questions: dict[str, list[ListedQuestion]] = {}
    indexes: dict[str, tuple[str, str]] = {}
    for path, text in pages:
        # A quick look spares question pages a second YAML parse; question_from_text validates.
        meta = None if looks_like_question(text) else split_front_matter(text, path)[0]
        if meta is None or is_question_file(meta):
            page = question_from_text(text, path)
            questions.setdefault(page.collection, []).append(ListedQuestion(path, page))
        elif is_collection_index(meta):
            indexes[str(meta["collection"])] = (path, str(meta.get("title") or meta["collection"]))
    collections = []
    for slug in questions.keys() | indexes.keys():
        index_path, title = indexes.get(slug, (None, slug.replace("-", " ").capitalize()))
        listed = sorted(questions.get(slug, []), key=lambda q: q.page.question)
        collections.append(Collection(slug, title, index_path, tuple(listed)))
    collections.sort(key=lambda c: (c.title.lower(), c.slug))
    return {c.slug: c for c in collections}


# Math as arithmatex finds it in a line: left as it is (arithmatex escapes it), brackets aside.
_MATH = re.compile(f"{RE_SMART_DOLLAR_INLINE}|{RE_BRACKET_INLINE}")


def _link_text(text: str) -> str:
    """Title text as Markdown text: no link break-out, no raw HTML, no attr_list `{: onclick=...}`.

    Math in titles stays math (typeset by MathJax in safe mode).
    """
    def plain(piece: str) -> str:
        for char, escaped in (("{", r"\{"), ("}", r"\}"), ("<", "&lt;")):
            piece = piece.replace(char, escaped)
        return piece

    pieces, pos = [], 0
    for match in _MATH.finditer(text):
        pieces += [plain(text[pos:match.start()]), match.group(0)]
        pos = match.end()
    pieces.append(plain(text[pos:]))
    return "".join(pieces).replace("[", r"\[").replace("]", r"\]")


def render_questions(collection: Collection, from_path: str) -> str:
    """A list of the collection's questions, each with its parts deep-linked to their anchors."""
    lines = []
    for q in collection.questions:
        link = relative_link(from_path, q.path)
        lines.append(f"- **Q{q.page.question}.** [{_link_text(q.page.title)}]({link})")
        for part in q.page.parts:
            target = relative_link(from_path, q.path, part.anchor)
            lines.append(f"    - [({part.label}) {_link_text(part.title)}]({target})")
    return "\n".join(lines) if lines else "_No questions yet._"


# Up to this many questions in all, the home page lists every question and part; past it, each collection
# with a link to its page, which lists them (at 50,000 questions the full list was a 19 MB page).
HOME_LISTS_QUESTIONS_UP_TO = 1000


def render_home(catalog: dict[str, Collection], from_path: str = HOME_PATH) -> str:
    """Every collection as a section: its title, a link to its index page, and its questions (see above)."""
    sections = []
    whole = sum(len(c.questions) for c in catalog.values()) <= HOME_LISTS_QUESTIONS_UP_TO
    for c in catalog.values():
        about = f"{len(c.questions)} question{'s' if len(c.questions) != 1 else ''}"
        if c.index_path:
            about += f" · [about this collection]({relative_link(from_path, c.index_path)})"
        listing = f"\n\n{render_questions(c, from_path)}" if whole or not c.index_path else ""
        sections.append(f"### {_link_text(c.title)}\n\n{about}{listing}")
    return "\n\n".join(sections) if sections else "_No documents have been imported yet._"


def _insert(markdown: str, listing: str) -> str:
    if LISTING_MARKER in markdown:
        return markdown.replace(LISTING_MARKER, listing, 1)
    return f"{markdown.rstrip()}\n\n{listing}\n"


def expand_listing(markdown: str, path: str, meta: dict, catalog: dict[str, Collection]) -> str:
    """The page's Markdown with its derived listing, if it is the home page or a collection index."""
    if path == HOME_PATH:
        return _insert(markdown, render_home(catalog, path))
    if is_collection_index(meta) and str(meta["collection"]) in catalog:
        collection = catalog[str(meta["collection"])]
        listing = render_questions(collection, path)
        if LISTING_MARKER not in markdown:
            listing = f"## Questions\n\n{listing}"
        return _insert(markdown, listing)
    return markdown


def collection_nav(docs_dir: Path) -> list[dict[str, str]]:
    """One nav entry per collection index page found under docs/questions/, in title order."""
    entries = []
    for index in sorted((docs_dir / QUESTIONS_DIR).glob("*/index.md")):
        meta, _ = split_front_matter(index.read_text(encoding="utf-8"), index)
        slug = index.parent.name
        # The theme writes nav titles into the page as they are: a title is text, escaped here.
        entries.append({html.escape(str(meta.get("title") or slug)): collection_index_path(slug)})
    return sorted(entries, key=lambda e: next(iter(e)).lower())


def site_nav(nav: list, docs_dir: Path) -> list:
    """The configured nav without entries whose page does not exist, with the collections after Home.

    One collection is a top-level entry; several are grouped under "Questions".
    """
    def exists(entry) -> bool:
        target = next(iter(entry.values())) if isinstance(entry, dict) else entry
        return not isinstance(target, str) or "://" in target or (docs_dir / target).is_file()

    kept = [entry for entry in nav if exists(entry)]
    collections = collection_nav(docs_dir)
    if len(collections) > 1:
        collections = [{"Questions": collections}]
    return kept[:1] + collections + kept[1:]
