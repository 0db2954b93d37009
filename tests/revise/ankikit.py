"""Reading an .apkg back: it is a zip holding an SQLite database (collection.anki2) and a media map."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Note:
    id: int
    guid: str
    model: int
    fields: list[str]
    tags: list[str]


@dataclass(frozen=True)
class ReadDeck:
    notes: list[Note]
    decks: dict[int, str]  # deck id -> name, without Anki's "Default"
    models: dict[int, str]  # note type id -> name
    media: dict[str, bytes]  # name -> content
    cards: int


def read_deck(path: Path | bytes) -> ReadDeck:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work, "deck.apkg")
        if isinstance(path, bytes):
            source.write_bytes(path)
        else:
            source = path
        with zipfile.ZipFile(source) as z:
            z.extract("collection.anki2", work)
            names = json.loads(z.read("media"))
            media = {name: z.read(index) for index, name in names.items()}
        db = sqlite3.connect(Path(work, "collection.anki2"))
        try:
            notes = [Note(i, g, m, f.split("\x1f"), t.split()) for i, g, m, f, t in
                     db.execute("SELECT id, guid, mid, flds, tags FROM notes ORDER BY sfld, guid")]
            decks_json, models_json = db.execute("SELECT decks, models FROM col").fetchone()
            cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
        finally:
            db.close()
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items() if v["name"] != "Default"}
    models = {int(k): v["name"] for k, v in json.loads(models_json).items()}
    return ReadDeck(notes, decks, models, media, cards)
