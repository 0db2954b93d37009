"""Anki decks from the Markdown in docs/, without a site build (scripts/export_anki.py, `make anki`).

One deck per collection (`<slug>.apkg`), or one deck of every question part with a tag
(`tag-<tag>.apkg`). The site build writes the same decks from its own pages (kb.revise.hooks).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.pages import split_front_matter
from kb.revise.anki import DeckSpec, deck_bytes, write_deck
from kb.revise.cards import Card, cut_cards
from kb.revise.render import Renderer
from kb.site.catalog import build_catalog
from kb.slugs import QUESTIONS_DIR, page_url, slugify


class ExportError(ValueError):
    """Nothing to export as asked (an unknown collection, a tag no question has)."""


@dataclass(frozen=True)
class Deck:
    spec: DeckSpec
    file_name: str
    cards: tuple[Card, ...]


def collection_deck_name(slug: str) -> str:
    return f"{slug}.apkg"


def read_cards(root: Path, docs: Path) -> tuple[dict[str, str], list[Card]]:
    """({collection slug: title}, every card of every question page under `docs`, in question order)."""
    texts = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted((docs / QUESTIONS_DIR).glob("*/*.md"))}
    catalog = build_catalog(texts.items())
    renderer = Renderer(root)
    cards = []
    for collection in catalog.values():
        for listed in collection.questions:
            body = split_front_matter(texts[listed.path], listed.path)[1]
            cards += cut_cards(renderer.content(body), listed.page, page_url(listed.path), links_from=listed.path)
    return {slug: c.title for slug, c in catalog.items()}, cards


def plan_decks(titles: dict[str, str], cards: list[Card], collections: list[str] | None = None,
               tag: str | None = None) -> list[Deck]:
    """The decks asked for: one per collection (all, or those named), or one for a tag."""
    if tag is not None:
        tagged = tuple(c for c in cards if tag in c.tags)
        if not tagged:
            raise ExportError(f"no question has the tag {tag!r}")
        return [Deck(DeckSpec(f"tag:{tag}", f"Deep-learning exam answers: {tag}"), f"tag-{slugify(tag) or 'tag'}.apkg", tagged)]
    unknown = sorted(set(collections or []) - titles.keys())
    if unknown:
        raise ExportError(f"no such collection: {', '.join(unknown)} (there are: {', '.join(sorted(titles)) or 'none'})")
    decks = []
    for slug in collections or titles:
        decks.append(Deck(DeckSpec(f"collection:{slug}", titles[slug]), collection_deck_name(slug),
                          tuple(c for c in cards if c.collection == slug)))
    return decks


def docs_file_finder(docs: Path):
    """Maps a path under the site root to the file in `docs` (never outside it, never a symbolic link's target)."""
    real = os.path.realpath(docs)

    def find(path: str) -> Path | None:
        candidate = os.path.realpath(os.path.join(docs, *path.split("/")))
        if candidate != os.path.join(real, *path.split("/")) or not os.path.isfile(candidate):
            return None
        return Path(candidate)

    return find


def export(root: Path, docs: Path, out: Path, collections: list[str] | None = None,
           tag: str | None = None) -> list[tuple[Path, int]]:
    """Writes the decks asked for into `out`; returns (file, notes) for each. Every deck is made before any is
    written, so a failure writes nothing."""
    titles, cards = read_cards(root, docs)
    find = docs_file_finder(docs)
    made = [(out / d.file_name, deck_bytes(d.spec, d.cards, find), len(d.cards))
            for d in plan_decks(titles, cards, collections, tag)]
    for path, data, _ in made:
        write_deck(path, data)
    return [(path, notes) for path, _, notes in made]

