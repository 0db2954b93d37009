"""MkDocs hooks for revising: the cards of every question page, the practice page's data and the Anki decks.

Listed under `hooks:` in mkdocs.yml. The decks and the data are files of the build (generated in
`on_files`, filled in `on_env`, after every page is rendered and before files are written), so links
to a deck are checked like any other link and `make serve` offers the downloads without another step.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from urllib.parse import urlencode

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from kb.pages import is_question_file, question_from_text, split_front_matter
from kb.revise import practice
from kb.revise.anki import DeckSpec, deck_bytes
from kb.revise.cards import Card, cut_cards
from kb.revise.export import collection_deck_name
from kb.site.catalog import build_catalog, is_collection_index
from kb.slugs import CONCEPTS_DIR, collection_index_path, relative_link, relative_url

log = logging.getLogger("mkdocs.hooks.revise")
DECKS_DIR = "anki"
PRACTICE_PAGE = "practice.md"
_titles: dict[str, str] = {}  # collection slug -> title (text)
_questions: dict[str, int] = {}  # collection slug -> number of questions
_concepts: dict[str, str] = {}  # concept slug -> title (text)
_cards: dict[str, list[Card]] = {}  # question page path -> its cards
_generated: dict[str, File] = {}  # site path -> the file the build writes there


def deck_path(slug: str) -> str:
    return f"{DECKS_DIR}/{collection_deck_name(slug)}"


def on_files(files, config):
    global _titles, _questions, _concepts, _cards, _generated
    pages = [(f.src_uri, f.content_string) for f in files.documentation_pages() if f.src_uri.endswith(".md")]
    catalog = build_catalog(pages)
    _titles = {slug: c.title for slug, c in catalog.items()}
    _questions = {slug: len(c.questions) for slug, c in catalog.items()}
    _concepts = {}
    for src, text in pages:
        if src.startswith(f"{CONCEPTS_DIR}/") and src != f"{CONCEPTS_DIR}/index.md":
            slug = src[len(CONCEPTS_DIR) + 1:-3]
            _concepts[slug] = str(split_front_matter(text, src)[0].get("title") or slug)
    _cards, _generated = {}, {}
    paths = [deck_path(s) for s in _titles] + [practice.INDEX_FILE] + [practice.collection_file(s) for s in _titles]
    for path in paths:
        _generated[path] = File.generated(config, path, content=b"")  # filled in on_env
        files.append(_generated[path])
    return files


@event_priority(50)  # before the collection's listing is appended (kb/site/hooks.py)
def on_page_markdown(markdown, page, config, files):
    # A collection's page offers its practice session and its deck, above the list of its questions.
    meta, src = page.meta, page.file.src_uri
    if not is_collection_index(meta) or str(meta["collection"]) not in _titles or src != collection_index_path(str(meta["collection"])):
        return markdown
    slug = str(meta["collection"])
    practise = relative_link(src, PRACTICE_PAGE) + f"?collection={slug}"
    deck = relative_link(src, deck_path(slug))
    count = _questions[slug]
    # A docs folder without the practice page (a contributor's small site, the importer's tests) offers the deck only.
    button = (f"[Practise these questions]({practise}){{ .md-button .md-button--primary .kb-practise }} "
              if files.get_file_from_path(PRACTICE_PAGE) else "")
    block = (f"{button}[Anki deck]({deck}){{ .md-button .kb-deck }}\n\n"
             f"_Practice: {count} question{'s' if count != 1 else ''}, one part at a time, your progress kept in "
             "this browser only. The Anki deck has one note per part; importing a newer deck updates your notes._")
    return f"{markdown.rstrip()}\n\n{block}\n"


@event_priority(-200)  # after kb.site.safety_hooks cleaned the page (-100)
def on_page_content(html, page, config, files):
    # Each question part becomes a card, cut from the HTML the page shows.
    if is_question_file(page.meta):
        question = question_from_text(page.file.content_string, page.file.src_uri)
        _cards[page.file.src_uri] = cut_cards(html, question, page.url)
    return html


def on_post_page(output, page, config):
    # A concept's page offers the parts that link to it as a practice session (every card is cut by now).
    src = page.file.src_uri
    if not (src.startswith(f"{CONCEPTS_DIR}/") and src != f"{CONCEPTS_DIR}/index.md"):
        return output
    slug = src[len(CONCEPTS_DIR) + 1:-3]
    count = sum(slug in card.concepts for cards in _cards.values() for card in cards)
    end = output.find('<div class="kb-listings">')
    end = end if end >= 0 else output.rfind("</article>")
    if not count or end < 0:
        return output
    href = relative_url(src, PRACTICE_PAGE) + "?" + urlencode({"concept": slug})
    offer = (f'<p class="kb-practise-concept"><a class="md-button" href="{html.escape(href)}">Practise the '
             f'{count} question part{"s" if count != 1 else ""} about this concept</a></p>\n')
    return output[:end] + offer + output[end:]


def on_env(env, config, files):
    # Every page is rendered by now, and no file is written yet.
    cards = [card for src in sorted(_cards, key=_question_order) for card in _cards[src]]
    for path, text in practice.practice_files(cards, _titles, _concepts).items():
        _generated[path].content_string = text

    def find(path: str) -> Path | None:
        found = files.get_file_from_path(path)
        return Path(found.abs_src_path) if found is not None and found.abs_src_path else None

    for slug, title in _titles.items():
        mine = [c for c in cards if c.collection == slug]
        _generated[deck_path(slug)].content_bytes = deck_bytes(DeckSpec(f"collection:{slug}", title), mine, find)
    log.info("revision: %d cards, %d decks", len(cards), len(_titles))
    return env


def _question_order(src: str) -> tuple[str, int]:
    folder, _, name = src.rpartition("/")
    return folder, int(name[1:-3]) if name[1:-3].isdigit() else 0
