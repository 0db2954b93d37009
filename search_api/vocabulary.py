"""The words of the index, unstemmed, with how many records use each: what typos are corrected to.

Kept beside the engine's files (vocabulary.json) rather than as an indexed field:
a second analysed copy of every text doubled the indexing work. Lookups walk
Whoosh's own Levenshtein automaton over the sorted word list.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from pathlib import Path
from typing import Iterable

from whoosh.automata.lev import levenshtein_automaton
from whoosh.support.charset import accent_map

FILE = "vocabulary.json"
MAX_CORRECTIONS = 3  # typo corrections tried per word
SHORT_WORD = 4  # a word this short is corrected only when the index lacks it
MEANT_RATIO = 10  # a word the index has is corrected only to words this many times as common
LETTERS = re.compile(r"[^\W\d_]{2,}")


def words_of(text: str) -> set[str]:
    """The distinct words of a text as a query's typo-prone word is compared (lower-case, accents folded)."""
    text = text.lower()
    return set(LETTERS.findall(text if text.isascii() else text.translate(accent_map)))  # accents are not ASCII


class Vocabulary:
    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        self.words = sorted(counts)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "Vocabulary":
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(words_of(text))
        return cls(dict(counts))

    @classmethod
    def load(cls, directory: Path) -> "Vocabulary":
        """The build's vocabulary; ValueError when the file is not one (the server answers 503, not 500)."""
        path = directory / FILE
        counts = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not isinstance(counts, dict) or not all(type(n) is int and isinstance(w, str) for w, n in counts.items()):
            raise ValueError(f"{path} is not a vocabulary (an object of words and counts)")
        return cls(counts)

    def save(self, directory: Path) -> None:
        (directory / FILE).write_text(json.dumps(dict(sorted(self.counts.items())), ensure_ascii=False),
                                      encoding="utf-8")

    def add(self, words: Iterable[str]) -> None:
        """Count one more record using each of these words (building only: lookups need a reload)."""
        for word in words:
            self.counts[word] = self.counts.get(word, 0) + 1

    def remove(self, words: Iterable[str]) -> None:
        """Count one record fewer using each of these words (building only: lookups need a reload)."""
        for word in words:
            left = self.counts.get(word, 0) - 1
            if left > 0:
                self.counts[word] = left
            else:
                self.counts.pop(word, None)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def __len__(self) -> int:
        return len(self.words)

    def frequency(self, word: str) -> int:
        return self.counts.get(word, 0)

    def within(self, word: str, edits: int, prefix: int = 1) -> set[str]:
        """Words within `edits` Levenshtein edits of `word` that share its first `prefix` letters."""
        words, found = self.words, set()
        if not words or len(word) <= prefix:
            return found
        dfa = levenshtein_automaton(word, edits, prefix).to_dfa()
        i, match = 0, dfa.next_valid_string(words[0])
        while match:
            i = bisect_left(words, match, i)
            if i == len(words):
                break
            term = words[i]
            if term == match:
                found.add(term)
                term += "\0"
            match = dfa.next_valid_string(term)
        return found

    def corrections(self, word: str, edits: int) -> tuple[str, ...]:
        """Words within `edits` of `word` (same first letter), closest and most common first; none for a
        short word the index has, and for a longer one only words MEANT_RATIO times as common.

        Whoosh's automaton counts plain Levenshtein edits, so two swapped letters are added here as one.
        """
        own = self.frequency(word)
        if own and len(word) <= SHORT_WORD:
            return ()  # "bach" may be a typo of "batch"; "mode", "loss" and "rate" in the index are words
        found = {w for w in self.within(word, edits, prefix=1) if w != word}
        swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1))
        found.update(w for w in swaps if w != word and w in self.counts)
        if own:  # a word the index has is taken as meant, unless a neighbour is far more common ("among", "along")
            found = {w for w in found if self.frequency(w) >= MEANT_RATIO * own}
        ranked = sorted(found, key=lambda w: (damerau(word, w), -self.frequency(w), w))
        return tuple(ranked[:MAX_CORRECTIONS])


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (a swap of two letters is one edit)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            cur.append(cost)
        prev2, prev = prev, cur
    return prev[-1]
