"""The practice page's data: static JSON written by the site build, read by docs/javascripts/practice.js.

`practice/data/index.json` names what can be practised (collections, tags, concepts, each with its
number of cards and the collections holding them); `practice/data/<collection>.json` holds that
collection's cards, so a session loads only the collections it needs. Text from imported documents
(tags, titles) is data here, which the page shows as text; the cards' HTML is the built page's own.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from typing import Iterable

from kb.revise.cards import Card

DATA_DIR = "practice/data"  # beside the practice page (docs/practice.md -> practice/)
INDEX_FILE = f"{DATA_DIR}/index.json"


def collection_file(slug: str) -> str:
    return f"{DATA_DIR}/{slug}.json"


def _dumps(value) -> str:
    # Compact, and "<" escaped so that no reader of the file ever meets a tag in it.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")


def practice_files(cards: Iterable[Card], collections: dict[str, str], concepts: dict[str, str]) -> dict[str, str]:
    """{site path: JSON text}: the index and one file per collection.

    `collections` maps a slug to its title, `concepts` a concept's slug to its title (both as text)."""
    by_collection: dict[str, list[Card]] = defaultdict(list)
    for card in cards:
        by_collection[card.collection].append(card)
    tags: dict[str, set] = defaultdict(set)
    linked: dict[str, set] = defaultdict(set)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for slug, listed in by_collection.items():
        for card in listed:
            for tag in card.tags:
                tags[tag].add(slug)
                counts["tag", tag] += 1
            for concept in card.concepts:
                linked[concept].add(slug)
                counts["concept", concept] += 1
    index = {
        "collections": [{"slug": slug, "title": title, "cards": len(by_collection.get(slug, []))}
                        for slug, title in collections.items()],
        "tags": [{"tag": tag, "cards": counts["tag", tag], "collections": sorted(tags[tag])}
                 for tag in sorted(tags, key=str.lower)],
        "concepts": [{"slug": slug, "title": concepts.get(slug, slug), "cards": counts["concept", slug],
                      "collections": sorted(linked[slug])}
                     for slug in sorted(linked, key=lambda s: concepts.get(s, s).lower())],
    }
    files = {INDEX_FILE: _dumps(index)}
    for slug in collections:
        files[collection_file(slug)] = _dumps({"cards": [asdict(c) for c in by_collection.get(slug, [])]})
    return files
