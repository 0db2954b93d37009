"""Characters a reader cannot see: taken out of imported text, and look-alike letters flagged.

Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder what a page, its title
in the navigation and its tags show ("Trojan Source"); zero-width spaces, word joiners, byte-order
marks and soft hyphens hide inside words, so a title looks like one word and searches as two. None
carries a word, so they are removed (and counted as a repair); a joiner between two letters of
another script (Persian, the Indic scripts, emoji sequences) is kept, since there it shapes the
text. A word that mixes Latin letters with Cyrillic or Greek look-alikes ("Pаypal" with a Cyrillic
а) is left as written and reported: only a person can tell a spoof from a name.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN = "\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c"  # zero width, word joiner, BOM, soft hyphen, marks
JOINERS = "\u200c\u200d"
RULE = "invisible-characters-removed"
_ANY = re.compile(f"[{BIDI_CONTROLS}{HIDDEN}{JOINERS}]")
_LETTERS = re.compile(r"[^\W\d_]+")
# Greek capitals and small letters drawn like Latin ones; other Greek letters beside Latin are math (θL, βx).
_GREEK_LOOKALIKES = set("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧανορτυχικ")


def has_invisible(text: str) -> bool:
    return _ANY.search(text) is not None


def visible(text: str) -> tuple[str, int]:
    """The text without invisible characters, and how many were removed."""
    if not _ANY.search(text):
        return text, 0
    out, removed = [], 0
    for i, c in enumerate(text):
        if c in JOINERS and _shapes(text, i):
            out.append(c)
        elif _ANY.match(c):
            removed += 1
        else:
            out.append(c)
    return "".join(out), removed


def _shapes(text: str, i: int) -> bool:
    """Whether a joiner at text[i] sits between two non-ASCII characters, where it shapes them."""
    return 0 < i < len(text) - 1 and not text[i - 1].isascii() and not text[i + 1].isascii()


def look_alikes(text: str) -> list[str]:
    """Words that mix Latin letters with Cyrillic letters or Greek look-alikes."""
    found = []
    for word in _LETTERS.findall(text):
        scripts = {_script(c) for c in word}
        if "LATIN" in scripts and ("CYRILLIC" in scripts or any(c in _GREEK_LOOKALIKES for c in word)):
            found.append(word)
    return found


def _script(c: str) -> str:
    return unicodedata.name(c, "").split(" ", 1)[0]
