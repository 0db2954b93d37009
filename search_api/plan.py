"""What to look for, for any engine: a query's units planned into plain dataclasses.

Parsing gives units (`search_api.query`); planning decides, against the index's
`Lexicon` (which terms exist, in how many records), what each unit matches: its
exact forms in the word fields, a formula's words in `math`, its typo corrections,
the concepts it names (their records are found by `mentions`), whether it is so
common it only ranks. An engine turns the plan into its own query objects
(`search_api.engines`); nothing here knows one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Protocol, Union

from search_api.query import ConceptNames, Unit, stem

TYPO_BOOST = 0.4
TYPO_THRESHOLD = 5  # words in at least this many records are not also searched with typos
COMMON_SHARE = 0.2  # a word in more than this share of the records...
COMMON_MIN_RECORDS = 1000  # ...of an index this big only ranks records that have a rarer word
ALIAS_BOOST = 0.8
MATH_BOOST = 0.5  # a formula's words (in `math`) add this to their weight in `text`
STOPWORD_FIELDS = ("title", "headings")  # stop words only help rank titles such as "What is X?"
# Every record's words are in `text` (titles and headings boosted inside it); the title alone
# adds to that, as a short field's BM25 rewards a word that is most of a title.
WORD_FIELDS = ("text", "title")


class Lexicon(Protocol):
    """What planning asks of an index (each engine's reader answers it)."""

    def doc_count(self) -> int: ...

    def doc_frequency(self, fieldname: str, term: str) -> int: ...


@dataclass(frozen=True)
class Terms:
    """Records holding these terms in this field: one term, or a phrase of consecutive terms."""

    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Either:
    """Records matching any of the options; the score is the sum of the options matched, times boost."""

    options: tuple["Node", ...]
    boost: float = 1.0


Node = Union[Terms, Either]


@dataclass
class Plan:
    """The query to score with, and what the ranking, the snippets and the response need per unit."""

    required: Either | None  # a record must match one of these
    optional: Either | None  # these only add to the score of records that match `required`
    units: list[Unit]  # the units that count towards "contains all the words"
    exact: list[Node | None] = field(default_factory=list)  # per counted unit: matches it without typos
    typo: list[Node | None] = field(default_factory=list)  # per counted unit: matches it with typos
    phrase: Terms | None = None  # the whole query as a phrase of `text`, when it has two words or more
    terms: set[str] = field(default_factory=set)  # every term that may be highlighted
    concepts: set[str] = field(default_factory=set)  # concepts the query names (their mentions are highlighted)
    suggestion: str | None = None
    unmatched: list[str] = field(default_factory=list)  # words (as typed) that matched nothing in the index
    # What the ranking weighs per counted unit: its IDF in `text`, and the terms whose occurrences it counts
    # (exact, then typo corrections); and the stop words' terms, counted in titles only.
    idf: list[float] = field(default_factory=list)
    counted: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    stop_terms: tuple[str, ...] = ()
    said: tuple[str, ...] = ()  # the query's words and phrases as typed, stop words included


class _Asked:
    """The lexicon, each (field, term) asked once per plan: planning a unit asks about the same
    terms for its exact match, the ranking's checks, typos, commonness and the phrase."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon, self.counts = lexicon, {}
        self.total: int | None = None

    def doc_count(self) -> int:
        if self.total is None:
            self.total = self.lexicon.doc_count()
        return self.total

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        if key not in self.counts:
            self.counts[key] = self.lexicon.doc_frequency(fieldname, term)
        return self.counts[key]


def _has(lexicon: Lexicon, fieldname: str, term: str) -> bool:
    return lexicon.doc_frequency(fieldname, term) > 0


def _match(lexicon: Lexicon, fieldname: str, parts: tuple[str, ...], merged: str | None = None,
           spaced: bool = True) -> Node | None:
    """The unit in one field, or None when the index cannot match it there (absent terms are pruned).

    A joined word matches its merged form, and, if it could be written with spaces, its parts as
    a phrase; ``n^2`` is always written joined, and phrase matching is the slowest query there is.
    """
    options: list[Node] = []
    if (spaced or not merged) and all(_has(lexicon, fieldname, p) for p in parts):
        options.append(Terms(fieldname, parts))
    if merged and _has(lexicon, fieldname, merged):
        options.append(Terms(fieldname, (merged,)))
    return None if not options else options[0] if len(options) == 1 else Either(tuple(options))


def _any_field(lexicon: Lexicon, parts: tuple[str, ...], merged: str | None = None, fields=WORD_FIELDS,
               boost=1.0, spaced: bool = True) -> Node | None:
    options = [m for m in (_match(lexicon, f, parts, merged, spaced) for f in fields) if m is not None]
    return Either(tuple(options), boost) if options else None


def _either(*nodes: Node | None, boost: float = 1.0) -> Node | None:
    present = [n for n in nodes if n is not None]
    return None if not present else Either(tuple(present), boost) if len(present) > 1 or boost != 1.0 else present[0]


def make_plan(q: str, units: list[Unit], lexicon: Lexicon, names: ConceptNames | None = None,
              correct: Callable[[str, int], tuple[str, ...]] = lambda word, edits: ()) -> Plan:
    """Plan each unit (exact or with typos), stop words on titles, concept aliases.

    `correct(word, edits)` gives a word's typo corrections (the searcher passes the build's
    `Vocabulary.corrections`, cached).
    """
    lexicon = _Asked(lexicon)
    counted = [u for u in units if not u.stop] or units
    stops = [u for u in units if u.stop and u not in counted]
    out = Plan(None, None, counted)
    required: list[Node | None] = []
    optional: list[Node | None] = []
    replacements = []
    common = [_is_common(lexicon, unit) for unit in counted]
    if all(common):
        common = [False] * len(counted)
    for unit, is_common in zip(counted, common):
        exact = _any_field(lexicon, unit.parts, unit.merged, spaced=unit.spaced)
        if exact is not None and unit.mathy:  # a formula's words count more in formulas
            exact = _either(exact, _any_field(lexicon, unit.parts, unit.merged, ("math",), MATH_BOOST, unit.spaced))
        out.terms.update(unit.parts + ((unit.merged,) if unit.merged else ()))
        fixes = correct(unit.typo_word, unit.max_edits) if unit.typo_word and _rare(lexicon, unit) else ()
        if fixes and exact is None:
            replacements.append((unit, fixes[0]))
        stems = list(dict.fromkeys(s for s in (stem(w) for w in fixes) if s and s not in unit.parts))
        typo = _either(*(_any_field(lexicon, (s,)) for s in stems), boost=TYPO_BOOST)
        out.terms.update(stems)
        # What the ranking checks per unit: `text` alone holds every word of a record.
        out.exact.append(_any_field(lexicon, unit.parts, unit.merged, ("text",), spaced=unit.spaced))
        out.typo.append(_either(*(_any_field(lexicon, (s,), fields=("text",)) for s in stems)))
        out.idf.append(idf(lexicon, unit.parts, unit.merged, stems))
        out.counted.append(((unit.merged,) if unit.merged and not unit.spaced else unit.parts[:1] + (
            (unit.merged,) if unit.merged else ()), tuple(stems)))
        (optional if is_common else required).extend(c for c in (exact, typo) if c is not None)
    out.stop_terms = tuple(p for unit in stops for p in unit.parts)
    out.said = tuple(unit.text for unit in units)
    for unit in stops:
        optional.append(_any_field(lexicon, unit.parts, fields=STOPWORD_FIELDS, boost=0.5))
    covered_by_concept: set[int] = set()
    if names is not None:
        for start, end, slug in names.find(q):
            if not _has(lexicon, "mentions", slug):
                continue
            expansion = Terms("mentions", (slug,), ALIAS_BOOST)
            out.concepts.add(slug)
            covered = [i for i, unit in enumerate(counted) if unit.start < end and unit.end > start]
            covered_by_concept.update(covered)
            for i in covered:
                out.exact[i] = _either(out.exact[i], expansion)
            (optional if covered and all(common[i] for i in covered) else required).append(expansion)
    out.unmatched = [unit.text for i, unit in enumerate(counted)
                     if out.exact[i] is None and out.typo[i] is None and i not in covered_by_concept]
    required_nodes = [c for c in required if c is not None]
    optional_nodes = [c for c in optional if c is not None]
    if not required_nodes:
        required_nodes, optional_nodes = optional_nodes, []
    if required_nodes:
        out.required = Either(tuple(required_nodes))
        out.optional = Either(tuple(optional_nodes)) if optional_nodes else None
    out.phrase = _phrase(lexicon, units)
    if replacements:
        text = q
        for unit, fix in sorted(replacements, key=lambda r: -r[0].start):
            text = text[:unit.start] + fix + text[unit.end:]
        out.suggestion = text
    return out


def _phrase(lexicon: Lexicon, units: list[Unit]) -> Terms | None:
    """The query's words in order, as one phrase of `text` (stemmed, stop words included, as indexed).

    The ranking puts the records that say "translation invariance" (or "translation-invariant")
    above those that only have both words, or a word with the same stem ("translates").
    """
    parts = [p for unit in units for p in unit.parts]
    if len(parts) < 2 or len(units) < 2 or not all(_has(lexicon, "text", p) for p in parts):
        return None
    return Terms("text", tuple(parts))


def idf(lexicon: Lexicon, parts: tuple[str, ...], merged: str | None, corrections: list[str]) -> float:
    """How much a unit says about a record (BM25's IDF over `text`): from its rarest exact term, or, when
    the index has none of those, its most common correction's (a word the index lacks weighs the most)."""
    total = lexicon.doc_count()
    counts = [lexicon.doc_frequency("text", t) for t in (*parts, *((merged,) if merged else ()))]
    found = [n for n in counts if n] or [max((lexicon.doc_frequency("text", s) for s in corrections), default=0)]
    df = min(n for n in found) if any(found) else 0
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _rare(lexicon: Lexicon, unit: Unit) -> bool:
    """Typos are looked for when a word is in fewer than TYPO_THRESHOLD records (as Typesense's
    typo_tokens_threshold): a word many records use is taken as meant, and not also as "mode" for "model"."""
    return max(lexicon.doc_frequency("text", p) for p in unit.parts) < TYPO_THRESHOLD


def _is_common(lexicon: Lexicon, unit: Unit) -> bool:
    """A word in so many records of a big index that it only ranks the records with a rarer word.

    Lucene's common-terms idea: matching every record that says "model" walks most of the
    index and ranks nothing; the rarer words of the query find the candidates.
    """
    total = lexicon.doc_count()
    if total < COMMON_MIN_RECORDS or unit.phrase:
        return False
    return min(lexicon.doc_frequency("text", p) for p in unit.parts) > COMMON_SHARE * total
