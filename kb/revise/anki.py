"""Anki decks (.apkg) of revision cards, written with genanki: one note per card (a question part).

Ids are derived from names, never from the time, so that importing a re-exported deck updates the
student's notes instead of adding copies: Anki matches notes by their guid (here from the card's id,
its part's URL under the site root), and the deck and the note type by their ids (from the deck's key
and a fixed name). Fields are the site's HTML: math as arithmatex writes it, `\\(…\\)` and `\\[…\\]`,
which are Anki's MathJax delimiters; links to the site's own pages become their words (a deck has no
site around it); images go into the package's media under names made from their path.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import genanki

from kb.revise.cards import Card, clean_with

MODEL_NAME = "Deep-learning exam answers (question part)"
_CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.5; text-align: left;
  color: #111; background: #fff; max-width: 46em; margin: 0 auto; }
.nightMode.card, .night_mode .card { color: #eee; background: #222; }
.kb-title { font-weight: 700; } .kb-part { font-weight: 600; margin-top: .5em; }
blockquote { border-left: 3px solid #999; margin: .5em 0; padding-left: .8em; }
img { max-width: 100%; } .arithmatex { overflow-x: auto; } table { border-collapse: collapse; }
td, th { border: 1px solid #999; padding: .2em .4em; }"""


def stable_id(key: str) -> int:
    """A positive 63-bit id from a name: the same name, the same id, in every export."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") >> 2


MODEL = genanki.Model(
    stable_id("model:" + MODEL_NAME),
    MODEL_NAME,
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Link"}],
    templates=[{
        "name": "Part",
        "qfmt": "{{Front}}",
        "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
    }],
    css=_CSS,
)


def note_guid(card: Card) -> str:
    return genanki.guid_for("dl-exam-kb", card.id)


def anki_tag(tag: str) -> str:
    """Anki's tags are single words: spaces become underscores."""
    return re.sub(r"\s+", "_", tag.strip())


@dataclass(frozen=True)
class DeckSpec:
    key: str  # "collection:<slug>" or "tag:<tag>": what the deck's id is made from
    name: str  # shown in Anki


def media_name(path: str) -> str:
    """A flat, stable name for an image at `path` (under the site root)."""
    digest = hashlib.sha256(path.encode("utf-8")).hexdigest()[:10]
    return f"kb-{digest}-{PurePosixPath(path).name}"


def _fields(card: Card, find_file: Callable[[str], Path | None], media: dict[str, Path]) -> list[str]:
    def rewrite(url: str) -> str | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            return url  # http(s) and mailto only (kb.site.sanitize)
        path = url.split("#")[0].split("?")[0]
        if PurePosixPath(path).suffix.lower() in IMAGE_SUFFIXES:
            found = find_file(path)
            if found is not None:
                media[media_name(path)] = found
                return media_name(path)
        return None  # a page of the site: its words stay

    def keep(tag: str, attribute: str, value: str) -> str | None:
        # No ids: a heading's id="qa" would stand in for the Anki reviewer's own elements.
        if attribute in ("id", "name"):
            return None
        return rewrite(value) if attribute in ("href", "src") else value

    front = f'<div class="kb-title">{card.title}</div>' + (f"\n{card.intro}" if card.intro else "")
    if card.part:
        front += f'\n<div class="kb-part">{card.part}</div>'
    # One pass: the cards' HTML is clean already; a link whose URL is dropped stays an <a> without href, plain text.
    return [clean_with(front, keep), clean_with(card.answer, keep), card.id]


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def build_package(spec: DeckSpec, cards: Iterable[Card], find_file: Callable[[str], Path | None]) -> tuple[genanki.Package, dict[str, Path]]:
    """The package of one deck and its media ({name in the deck: file}); `find_file` maps a path under the
    site root to the image file (None: not there, and the image is dropped)."""
    deck = genanki.Deck(stable_id("deck:" + spec.key), spec.name)
    media: dict[str, Path] = {}
    for card in cards:
        deck.add_note(genanki.Note(
            model=MODEL,
            fields=_fields(card, find_file, media),
            tags=[anki_tag(t) for t in (*card.tags, card.collection) if anki_tag(t)],
            guid=note_guid(card),
        ))
    return genanki.Package(deck), media


def deck_bytes(spec: DeckSpec, cards: Iterable[Card], find_file: Callable[[str], Path | None]) -> bytes:
    """The .apkg file of one deck, as bytes: a zip of the collection's SQLite database, a media map and the media.

    genanki's own `write_to_file` writes the database to a temporary file it never deletes and names media
    after their basenames; here the database is made in memory and the zip written as genanki writes it."""
    package, media = build_package(spec, cards, find_file)
    now = time.time()
    db = sqlite3.connect(":memory:")
    try:
        package.write_to_db(db.cursor(), now, itertools.count(int(now * 1000)))
        db.commit()
        database = db.serialize()
    finally:
        db.close()
    names = sorted(media)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki2", database)
        z.writestr("media", json.dumps({str(i): name for i, name in enumerate(names)}))
        for i, name in enumerate(names):
            z.write(media[name], str(i))
    return out.getvalue()


def write_deck(path: Path, data: bytes) -> None:
    """Writes a deck whole or not at all (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
