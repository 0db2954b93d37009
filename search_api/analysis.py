"""Text analysis shared by the index and the queries: tokens that keep math searchable.

Whoosh's default tokenizer drops one-letter tokens and splits ``QK^T`` into
nothing useful, and its Porter stemmer keeps "bias" and "biases" apart. Here a
token is a run of letters and digits optionally joined by ``^ _ - '``
(``QK^T``, ``n^2``, ``x_{0}``, ``KL-divergence``); a joined token is indexed as
its parts at consecutive positions plus the merged form at the first part's
position, so ``KL-divergence`` matches text written "KL divergence" (as a
phrase of parts) and ``QK^T`` matches ``QK^T`` (as the merged term). A TeX
command after a joiner belongs to the word (``p_\\theta`` is ``p_theta``), and TeX
commands that only lay a formula out (``\\times``, ``\\left``) are skipped. Words
are then lower-cased, accent-folded, British spellings made American (`search_api.spelling`) and
Snowball-stemmed.
"""

from __future__ import annotations

import re
import unicodedata

from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

from search_api.spelling import american

# One "word" as written: letters and digits joined by ^ _ - ' (and the typographic apostrophe);
# TeX braces and a TeX command after a joiner belong to the word, so D_{KL}, D_KL, QK^{T} and QK^T
# are all joined, and p_\theta is the word p_theta (its merged form "ptheta" is what both find).
WORD_PATTERN = r"[^\W_]+(?:[\^_\-'\u2019]+\{?\\?[^\W_]+\}?)*"
WORD = re.compile(WORD_PATTERN)
JOINERS = re.compile(r"[\^_\-'\u2019]+")
PIECE = re.compile(r"[^\^_\-'\u2019{}\\]+")
# TeX commands that only lay a formula out. "\times" is not the word "times" (nor "time"), so they
# are not indexed at all; \sqrt, \log, \theta and the like stay searchable.
TEX_LAYOUT = frozenset(
    """left right big bigg text textrm textbf mathrm mathbf mathbb mathcal mathit operatorname frac dfrac
    tfrac times cdot cdots ldots dots quad qquad ll gg leq geq mid lvert rvert vert underbrace limits""".split()
)

# Words that carry no meaning on their own in a question; they never count towards
# "contains all the words" and are dropped from a query that has other words.
STOP_WORDS = frozenset(
    """a also among amongst an and are as at be been but by can could do does did for from had has have how i if in into
    is it its may might not of on or our should so than that the their then there these this those to upon
    us very via was we were what when where whether which while who whom why will with would yet you your
    aren couldn didn doesn don hasn haven isn shouldn wasn weren won wouldn""".split()
)


SEGMENT = "\x1e"  # starts a boosted segment of a combined field's value (see `boosted`)
SEGMENT_GAP = 100  # positions between segments, so no phrase spans a title and a body


def boosted(*segments: tuple[float, str]) -> str:
    """One field value whose segments count `boost` times each: ``boosted((3, title), (1, body))``.

    Whoosh weighs a term in a document by the sum of its tokens' boosts, so one field can rank
    a title word above a body word while a query reads one posting list instead of five.
    """
    return "".join(f"{SEGMENT}{boost:g}{SEGMENT}{text.replace(SEGMENT, ' ')}" for boost, text in segments if text)


_STEM = stemmer_for_language("en")  # Snowball English, as Whoosh's StemFilter(lang="en")
_WORD_CACHE = 200_000  # distinct written words whose terms are kept (a 10,000-question corpus has ~60,000)


@lru_cache(maxsize=_WORD_CACHE)
def word_terms(word: str, stem: bool = True) -> tuple[tuple[tuple[int, int, int, str], ...], int]:
    """The terms of one written word, ((position offset, start, end, term), ...), and how many positions it takes.

    ``KL-divergence`` gives ``kl`` (offset 0), ``divergence`` (1) and the merged ``kldivergence`` (0),
    each stemmed when `stem`. Cached: a corpus repeats its words, and this is the indexing hot path.
    """
    fold = (lambda text: _STEM(american(text.lower().translate(accent_map)))) if stem else (
        lambda text: text.lower().translate(accent_map))
    pieces = [(m.start(), m.group()) for m in PIECE.finditer(word)] if JOINERS.search(word) else None
    if not pieces or len(pieces) == 1:
        offset, text = pieces[0] if pieces else (0, word)
        return ((0, offset, offset + len(text), fold(text)),), 1
    terms = [(i, offset, offset + len(piece), fold(piece)) for i, (offset, piece) in enumerate(pieces)]
    terms.append((0, 0, len(word), fold("".join(piece for _, piece in pieces))))
    return tuple(terms), len(pieces)


# A word with the backslash before it, if any: a TeX layout command is skipped (see TEX_LAYOUT).
_WORD_AFTER = re.compile(r"\\?" + WORD_PATTERN)
# word -> its one term (a str), or (terms with offsets, width) for a joined word: `word_terms` in the
# shape the loop below reads fastest; one dict per `stem`, emptied when it reaches _WORD_CACHE words.
_TERMS: dict[bool, dict[str, object]] = {True: {}, False: {}}


def _terms_entry(word: str, stem: bool, cache: dict) -> object:
    terms, width = word_terms(word, stem)
    entry = terms[0][3] if width == 1 and len(terms) == 1 else ([(offset, term) for offset, _, _, term in terms], width)
    if len(cache) >= _WORD_CACHE:
        cache.clear()
    cache[word] = entry
    return entry


def positioned_terms(value: str, pos: int = 0, stem: bool = True, make=None) -> list:
    """Every term of a text with its position, from `pos` (what the index stores for a field), as
    ``(term, position)`` or, given `make`, as ``make(term, position)``.

    The same terms and positions as the tokenizer below, without a Token per word: tantivy's
    indexing spends most of its Python time here, so a word is one dict lookup and a common
    (unjoined) word one append.
    """
    out = []
    append = out.append
    cache = _TERMS[stem]
    for word in _WORD_AFTER.findall(value):
        if word[0] == "\\":
            word = word[1:]
            if word.lower() in TEX_LAYOUT:
                continue
        entry = cache.get(word)
        if entry is None:
            entry = _terms_entry(word, stem, cache)
        if entry.__class__ is str:
            append(make(entry, pos) if make else (entry, pos))
            pos += 1
        else:
            terms, width = entry
            out.extend((make(term, pos + offset) if make else (term, pos + offset)) for offset, term in terms)
            pos += width
    return out


class WordTokenizer(Tokenizer):
    """Words as written, lower-cased and accent-folded (and stemmed, when `stem`); a joined word as its
    parts plus its merged form.

    ``KL-divergence`` gives ``kl`` (position p), ``divergence`` (p+1) and ``kldivergence`` (p);
    later words shift so positions stay consecutive. One pass, one reused Token (as Whoosh's own
    tokenizers do), each word's terms from `word_terms`' cache: this runs for every word of every
    page at indexing time (stemming here rather than in Whoosh's StemFilter halved that time).
    A value made by `boosted` gives each segment's tokens that segment's boost.
    """

    def __init__(self, stem: bool = False):
        self.stem = stem

    def __eq__(self, other):
        return other and self.__class__ is other.__class__ and self.stem == getattr(other, "stem", False)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.stopped = False
        if not value.startswith(SEGMENT):
            t.boost = 1.0
            yield from self._words(t, value, start_pos, start_char, positions, chars)
            return
        pieces = value.split(SEGMENT)
        pos, char = start_pos, start_char
        for i in range(1, len(pieces) - 1, 2):
            char += len(pieces[i]) + 2
            t.boost = float(pieces[i])
            for t in self._words(t, pieces[i + 1], pos, char, positions, chars):
                pos = t.pos if positions else pos
                yield t
            pos += SEGMENT_GAP
            char += len(pieces[i + 1])

    def _words(self, t, value: str, pos: int, start_char: int, positions: bool, chars: bool):
        stem = self.stem
        for match in WORD.finditer(value):
            word, start = match.group(), match.start()
            if start and value[start - 1] == "\\" and word.lower() in TEX_LAYOUT:
                continue
            terms, width = word_terms(word, stem)
            for offset, first, last, term in terms:
                t.text = term
                if positions:
                    t.pos = pos + offset
                if chars:
                    t.startchar, t.endchar = start_char + start + first, start_char + start + last
                yield t
            pos += width


def text_analyzer():
    """The analyzer of every searchable text field (text, title, headings, math) and of queries."""
    return WordTokenizer(stem=True)


def word_analyzer():
    """Unstemmed lower-case words, as the vocabulary typo corrections are drawn from."""
    return WordTokenizer()


# Control characters, format characters (bidi overrides, zero-width joiners), surrogates, private use.
_STRIP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def normalize_text(text: str) -> str:
    """NFKC-normalise, drop control/format/bidi characters, and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if ch in "\t\n\r\f\v" else ch for ch in text
                   if ch in "\t\n\r\f\v" or unicodedata.category(ch) not in _STRIP_CATEGORIES)
    return " ".join(text.split())
