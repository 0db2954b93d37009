"""How query text becomes units: words and quoted phrases. No engine, no Flask here.

There is no query syntax beyond words and "quoted phrases": no wildcards,
ranges, fields, boosts, fuzzy or regex operators (measured on 10,000 documents,
Whoosh's default parser lets ``a*`` run for 12 s and deep parentheses raise
RecursionError). Everything else in the text is just text, so ``QK^T``,
``O(n^2 d)`` and ``[a TO z]`` are searched as written; `search_api.plan` turns
the units into a plan and each engine builds its own query objects from it, never
parsing text.

A query is a list of *units* (a word, or a quoted phrase). Each unit matches
exactly (stemmed; a joined word by its merged form, a hyphenated one also as a
phrase of its parts), or, for rare words of 4+ letters, with typos (1 edit from
4 letters, 2 from 9; the first letter must be right; a 4-letter word only when the
index lacks it). Concept names found in
the query also find the records that mention the concept by another name, so
"VAE" finds "variational autoencoder". In a big index, words most records
contain only rank the records found by the rarer words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search_api.analysis import PIECE, STOP_WORDS, WORD, text_analyzer, word_analyzer
from search_api.params import MAX_PHRASE_WORDS, MAX_WORD_PARTS, MAX_WORDS, QueryError

QUOTED = re.compile(r'"([^"]*)"')


# --- Parsing the text into units ---------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A word or a quoted phrase of the query."""

    text: str  # as typed
    start: int  # span in the normalised query
    end: int
    parts: tuple[str, ...]  # analysed terms, in order
    merged: str | None = None  # a joined word's merged form ("kldiverg")
    spaced: bool = True  # a joined word may also be written with spaces ("KL divergence"), not QK^T
    phrase: bool = False
    stop: bool = False
    typo_word: str | None = None  # the lower-case word, when it may carry typos
    max_edits: int = 0

    @property
    def mathy(self) -> bool:
        """Written like math: QK^T, x_0, a single letter, a number."""
        return (self.merged is not None and not self.spaced) or (len(self.parts) == 1 and (
            len(self.parts[0]) == 1 or self.parts[0].isdigit()))


_ANALYZER = text_analyzer()
_WORDS = word_analyzer()


def stem(piece: str) -> str:
    """The index term of one plain piece of a word ("Biases" -> "bias")."""
    tokens = [t.text for t in _ANALYZER(piece)]
    return tokens[0] if tokens else ""


def plain_word(piece: str) -> str:
    tokens = [t.text for t in _WORDS(piece)]
    return tokens[0] if tokens else ""


def max_edits(word: str) -> int:
    """Typos allowed in a word: none up to 3 letters, 1 from 4, 2 from 9 (as Meilisearch, Typesense, whose
    budget starts at 5; a 4-letter word is corrected only when the index lacks it: `Vocabulary.corrections`)."""
    return 0 if len(word) < 4 else 1 if len(word) < 9 else 2


CLITICS = {"s", "t", "d", "ll", "re", "ve", "m"}  # "Bob's", "can't", "we'll": the word is what comes first


def _word_unit(match: re.Match, offset: int) -> Unit:
    word = match.group()
    pieces = [p for p in PIECE.findall(word) if p]
    if len(pieces) > MAX_WORD_PARTS:
        raise QueryError("query_too_long", f"a word may join at most {MAX_WORD_PARTS} parts")
    start, end = offset + match.start(), offset + match.end()
    if len(pieces) == 2 and pieces[1].lower() in CLITICS and re.fullmatch(r"[^\W_]+['\u2019][^\W_]+", word):
        word = pieces = pieces[0]
        pieces = [pieces]
    if len(pieces) > 1:
        parts = tuple(stem(p) for p in pieces)
        spaced = bool(re.search(r"[-'\u2019]", word))
        return Unit(match.group(), start, end, parts, merged=stem("".join(pieces)), spaced=spaced)
    plain = plain_word(word)
    stop = plain in STOP_WORDS
    typo = plain if plain.isalpha() and not stop and max_edits(plain) else None
    return Unit(match.group(), start, end, (stem(word),), stop=stop, typo_word=typo,
                max_edits=max_edits(plain) if typo else 0)


def parse(q: str) -> list[Unit]:
    """Split a normalised query into words and quoted phrases (an unmatched quote is ignored)."""
    units, words, pos = [], 0, 0
    spans = [(m.start(), m.end(), m.group(1)) for m in QUOTED.finditer(q)]
    for start, end, inner in [*spans, (len(q), len(q), None)]:
        for m in WORD.finditer(q[pos:start]):
            units.append(_word_unit(m, pos))
            words += 1
        if inner is not None:
            found = [_word_unit(m, start + 1) for m in WORD.finditer(inner)]
            words += len(found)
            if len(found) > MAX_PHRASE_WORDS:
                raise QueryError("query_too_long", f"a quoted phrase may have at most {MAX_PHRASE_WORDS} words")
            if len(found) == 1:
                units.append(Unit(found[0].text, found[0].start, found[0].end, found[0].parts,
                                  merged=found[0].merged, spaced=found[0].spaced, phrase=True))
            elif found:
                parts = tuple(p for u in found for p in u.parts)
                units.append(Unit(inner.strip(), start, end, parts, phrase=True))
        pos = end
    if words > MAX_WORDS:
        raise QueryError("query_too_long", f"'q' may have at most {MAX_WORDS} words")
    return units


# --- Concept names in a query ------------------------------------------------------------

NAME_WORD = re.compile(r"[^\W_]+")


class ConceptNames:
    """Which concepts a query names: whole names, as the site links them (`kb.concepts.concept.ConceptMatcher`),
    and the leading words of a longer name ("Kullback-Leibler" for "Kullback-Leibler divergence")."""

    def __init__(self, concepts: list):
        from kb.concepts.concept import ConceptMatcher

        self.matcher = ConceptMatcher(concepts)
        self.concepts = self.matcher.concepts
        self.prefixes: dict[tuple[str, ...], str] = {}
        for concept in self.concepts.values():
            for name in concept.names:
                words = [w.lower() for w in NAME_WORD.findall(name)]
                for k in range(2, len(words)):
                    self.prefixes.setdefault(tuple(words[:k]), concept.slug)
        self.longest = max(map(len, self.prefixes), default=0)

    def find(self, q: str) -> list[tuple[int, int, str]]:
        """(start, end, slug) of each concept named in the query."""
        found = list(self.matcher.finditer(q))
        words = [(m.start(), m.end(), m.group().lower()) for m in NAME_WORD.finditer(q)]
        i = 0
        while i < len(words):
            step = 1
            for k in range(min(self.longest, len(words) - i), 1, -1):
                slug = self.prefixes.get(tuple(w for _, _, w in words[i:i + k]))
                if slug:
                    found.append((words[i][0], words[i + k - 1][1], slug))
                    step = k
                    break
            i += step
        return found
