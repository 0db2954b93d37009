"""How query text becomes a Whoosh query. No Flask here.

There is no query syntax beyond words and "quoted phrases": no wildcards,
ranges, fields, boosts, fuzzy or regex operators (measured on 10,000 documents,
Whoosh's default parser lets ``a*`` run for 12 s and deep parentheses raise
RecursionError). Everything else in the text is just text, so ``QK^T``,
``O(n^2 d)`` and ``[a TO z]`` are searched as written; the Whoosh query is
built here from Term, Phrase, Or and AndMaybe objects, never parsed.

A query is a list of *units* (a word, or a quoted phrase). Each unit matches
exactly (stemmed; a joined word by its merged form, a hyphenated one also as a
phrase of its parts), or, for rare words of 5+ letters, with typos (1 edit from
5 letters, 2 from 9; the first letter must be right). Concept names found in
the query also find the records that mention the concept by another name, so
"VAE" finds "variational autoencoder". In a big index, words most records
contain only rank the records found by the rarer words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh.matching import ArrayUnionMatcher
from whoosh.query import AndMaybe, Phrase, Query, Term
from whoosh.query import Or as WhooshOr
from whoosh.query.compound import DefaultOr

from search_api.analysis import PIECE, STOP_WORDS, WORD, text_analyzer, word_analyzer
from search_api.params import MAX_PHRASE_WORDS, MAX_WORD_PARTS, MAX_WORDS, QueryError
from search_api.schema import MATH_BOOST

TYPO_BOOST = 0.4
TYPO_THRESHOLD = 5  # words in at least this many records are not also searched with typos
COMMON_SHARE = 0.2  # a word in more than this share of the records...
COMMON_MIN_RECORDS = 1000  # ...of an index this big only ranks records that have a rarer word
ALIAS_BOOST = 0.8
STOPWORD_FIELDS = ("title", "headings")  # stop words only help rank titles such as "What is X?"
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
    """Typos allowed in a word: none up to 4 letters, 1 from 5, 2 from 9 (as Meilisearch, Typesense)."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


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


# --- Compiling units into Whoosh queries -------------------------------------------------


class Or(WhooshOr):
    """Whoosh's OR, with its array matcher sized to the index.

    Whoosh pre-reads the scores of an OR into arrays of 2,048 slots (cleared in Python) on
    indexes up to 5,000 documents, and walks a union tree above. On the seed the array setup
    cost more than the search; sized to the index it is the faster choice up to 5,000 documents.
    """

    ARRAY_LIMIT = 5000

    def _matcher(self, subs, searcher, context):
        doccount = searcher.doc_count_all()
        if context is None or context.needs_current or doccount > self.ARRAY_LIMIT or len(subs) < 2:
            return DefaultOr._matcher(self, subs, searcher, context)
        matchers = [sub.matcher(searcher, context) for sub in subs]
        return ArrayUnionMatcher(matchers, doccount, boost=self.boost, scored=context.weighting is not None,
                                 partsize=min(2048, doccount))



def _match(reader, fieldname: str, parts: tuple[str, ...], merged: str | None = None,
           spaced: bool = True) -> Query | None:
    """The unit in one field, or None when the index cannot match it there (absent terms are pruned).

    A joined word matches its merged form, and, if it could be written with spaces, its parts as
    a phrase; ``n^2`` is always written joined, and phrase matching is the slowest query there is.
    """
    options = []
    if (spaced or not merged) and all((fieldname, p) in reader for p in parts):
        options.append(Term(fieldname, parts[0]) if len(parts) == 1 else Phrase(fieldname, list(parts)))
    if merged and (fieldname, merged) in reader:
        options.append(Term(fieldname, merged))
    return None if not options else options[0] if len(options) == 1 else Or(options)


# Every record's words are in `text` (titles and headings boosted inside it); the title alone
# adds to that, as a short field's BM25 rewards a word that is most of a title.
WORD_FIELDS = ("text", "title")


def _any_field(reader, parts: tuple[str, ...], merged: str | None = None, fields=WORD_FIELDS,
               boost=1.0, spaced: bool = True) -> Query | None:
    options = [m for m in (_match(reader, f, parts, merged, spaced) for f in fields) if m is not None]
    return Or(options, boost=boost) if options else None


@dataclass
class Compiled:
    """The Whoosh query to score with, plus what the ranking needs per unit."""

    query: Query | None
    units: list[Unit]  # the units that count towards "contains all the words"
    exact: list[Query | None] = field(default_factory=list)  # per counted unit: matches it without typos
    typo: list[Query | None] = field(default_factory=list)  # per counted unit: matches it with typos
    terms: set[str] = field(default_factory=set)  # every term that may be highlighted
    concepts: set[str] = field(default_factory=set)  # concepts the query names (their mentions are highlighted)
    suggestion: str | None = None
    phrase: Query | None = None  # the whole query as a phrase, when it has two words or more


def _either(*queries: Query | None, boost: float = 1.0) -> Query | None:
    present = [q for q in queries if q is not None]
    return None if not present else Or(present, boost=boost) if len(present) > 1 or boost != 1.0 else present[0]


def compile_query(q: str, units: list[Unit], reader, names: ConceptNames | None = None,
                  correct=lambda word, edits: ()) -> Compiled:
    """Build the scoring query: each unit (exact or with typos), stop words on titles, concept aliases.

    `correct(word, edits)` gives a word's typo corrections (the searcher passes the build's
    `Vocabulary.corrections`, cached).
    """
    counted = [u for u in units if not u.stop] or units
    stops = [u for u in units if u.stop and u not in counted]
    out = Compiled(None, counted)
    required, optional, replacements = [], [], []
    common = [_is_common(reader, unit) for unit in counted]
    if all(common):
        common = [False] * len(counted)
    for unit, is_common in zip(counted, common):
        exact = _any_field(reader, unit.parts, unit.merged, spaced=unit.spaced)
        if exact is not None and unit.mathy:  # a formula's words count more in formulas
            exact = _either(exact, _any_field(reader, unit.parts, unit.merged, ("math",), MATH_BOOST, unit.spaced))
        out.terms.update(unit.parts + ((unit.merged,) if unit.merged else ()))
        fixes = correct(unit.typo_word, unit.max_edits) if unit.typo_word and _rare(reader, unit) else ()
        if fixes and exact is None:
            replacements.append((unit, fixes[0]))
        stems = list(dict.fromkeys(s for s in (stem(w) for w in fixes) if s and s not in unit.parts))
        typo = _either(*(_any_field(reader, (s,)) for s in stems), boost=TYPO_BOOST)
        out.terms.update(stems)
        # What the ranking checks per unit: `text` alone holds every word of a record.
        out.exact.append(_any_field(reader, unit.parts, unit.merged, ("text",), spaced=unit.spaced))
        out.typo.append(_either(*(_any_field(reader, (s,), fields=("text",)) for s in stems)))
        (optional if is_common else required).extend(c for c in (exact, typo) if c is not None)
    for unit in stops:
        optional.append(_any_field(reader, unit.parts, fields=STOPWORD_FIELDS, boost=0.5))
    if names is not None:
        for start, end, slug in names.find(q):
            expansion = _concept_query(reader, slug)
            if expansion is None:
                continue
            out.concepts.add(slug)
            covered = [i for i, unit in enumerate(counted) if unit.start < end and unit.end > start]
            for i in covered:
                out.exact[i] = _either(out.exact[i], expansion)
            (optional if covered and all(common[i] for i in covered) else required).append(expansion)
    required = [c for c in required if c is not None]
    optional = [c for c in optional if c is not None]
    if not required:
        required, optional = optional, []
    if required:
        # The optional side is only visited at required matches: a union tree skips there, an array cannot.
        out.query = Or(required) if not optional else AndMaybe(Or(required), DefaultOr(optional))
    out.phrase = _phrase(reader, units)
    if replacements:
        text = q
        for unit, fix in sorted(replacements, key=lambda r: -r[0].start):
            text = text[:unit.start] + fix + text[unit.end:]
        out.suggestion = text
    return out


def _phrase(reader, units: list[Unit]) -> Query | None:
    """The query's words in order, as one phrase of `text` (stemmed, stop words included, as indexed).

    The ranking puts the records that say "translation invariance" (or "translation-invariant")
    above those that only have both words, or a word with the same stem ("translates").
    """
    parts = [p for unit in units for p in unit.parts]
    if len(parts) < 2 or len(units) < 2 or not all(("text", p) in reader for p in parts):
        return None
    return Phrase("text", parts)


def _rare(reader, unit: Unit) -> bool:
    """Typos are looked for when a word is in fewer than TYPO_THRESHOLD records (as Typesense's
    typo_tokens_threshold): a word many records use is taken as meant, and not also as "mode" for "model"."""
    return max(reader.doc_frequency("text", p) for p in unit.parts) < TYPO_THRESHOLD


def _is_common(reader, unit: Unit) -> bool:
    """A word in so many records of a big index that it only ranks the records with a rarer word.

    Lucene's common-terms idea: matching every record that says "model" costs Whoosh a walk
    over most of the index and ranks nothing; the rarer words of the query find the candidates.
    """
    total = reader.doc_count()
    if total < COMMON_MIN_RECORDS or unit.phrase:
        return False
    return min(reader.doc_frequency("text", p) for p in unit.parts) > COMMON_SHARE * total


def _concept_query(reader, slug: str) -> Query | None:
    """Records that mention the concept by any of its names (the indexer found them with the same matcher)."""
    return Term("mentions", slug, boost=ALIAS_BOOST) if ("mentions", slug) in reader else None
