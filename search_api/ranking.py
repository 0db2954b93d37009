"""The order of hits: one score, computed here from the records themselves, the same for every engine.

The engine finds the candidates (its best RERANK_WINDOW by its own BM25); each is then scored by
BM25F over its own words (title, aliases, headings, body, weighted as schema.BOOSTS), each query
unit weighing its IDF, times how much of the query's weight the record covers (a record with the
rare word beats one with two common ones), times a bonus for the whole query as a phrase. A word
matched only through a typo correction counts TYPO_BOOST of itself; a concept page's score counts
CONCEPT_WEIGHT of an answer's, so it comes first only when it is clearly the best answer. Both
engines hand over the same candidates and the score is computed from the same records and the
same document frequencies, so they give the same order (where Whoosh's BM25F and tantivy's BM25
differed on one query in ten).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from search_api.analysis import positioned_terms
from search_api.plan import TYPO_BOOST, Plan
from search_api.records import without_addresses
from search_api.schema import BOOSTS

RERANK_WINDOW = 60  # candidates scored here (at least; more for deeper pages)
CONCEPT_WEIGHT = 0.4  # concept pages define, answers answer
COVERAGE_POWER = 2.0  # the share of the query's weight a record covers, to this power, scales its score
PHRASE_BONUS = 2.0  # the query's words in order, as one phrase
TYPO_COVERAGE = 0.7  # how much of its weight a word matched only with a typo covers
ALIAS_TF = 0.8  # a unit matched by a concept's other name (a mention) counts as this many occurrences
STOP_WEIGHT = 0.3  # a stop word in a title ("What is X?") adds this much, as a word of that IDF
TITLE_BONUS = 2.0  # the title has the query's words as typed, in order ("Exponential moving average versus...")
K1, B = 1.2, 0.75
RANKED_CHARS = 20_000  # of each part of a record
WRITTEN = re.compile(r"[^\W_]+")


def _words(stored: dict) -> tuple[list[tuple[float, Counter]], float]:
    """The record's terms per weighted part, and its length (each part's tokens times its weight)."""
    body, listing = stored["body"], stored.get("listing", "")
    if listing and body.endswith(listing):
        body = body[:-len(listing)]
    return _counted(without_addresses(stored["title"]), " ; ".join(stored.get("aliases") or ()), " ; ".join(stored["headings"]),
                    body, listing)


@lru_cache(maxsize=4096)  # a build's records do not change, and popular queries share their hits
def _counted(title: str, aliases: str, headings: str, body: str, listing: str) -> tuple[list, float]:
    counted, length = [], 0.0
    for boost, text in ((BOOSTS["title"], title), (BOOSTS["aliases"], aliases), (BOOSTS["headings"], headings),
                        (BOOSTS["body"], body), (BOOSTS["listing"], listing)):
        if text:
            # the head of a long text only, as snippets read (a page of megabytes costs what a long page does)
            terms = Counter(term for term, _ in positioned_terms(text[:RANKED_CHARS]))
            counted.append((boost, terms))
            length += boost * sum(terms.values())
    return counted, length


def _says(title: str, words: tuple[str, ...]) -> bool:
    """Whether the title has these words, as written, one after another."""
    have = [w.lower() for w in WRITTEN.findall(title)]
    n = len(words)
    return any(tuple(have[i:i + n]) == words for i in range(len(have) - n + 1))


def _tf(words: list[tuple[float, Counter]], terms: tuple[str, ...], title_only: bool = False) -> float:
    """Weighted occurrences of any of these terms (the most frequent of them in each part)."""
    found = 0.0
    for boost, counts in words[:1] if title_only else words:
        found += boost * max((counts[t] for t in terms), default=0)
    return found


def _saturated(tf: float, length: float, average: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average)) if tf else 0.0


def rerank(reader, plan: Plan, hits: list[tuple[object, float]]) -> list[tuple[object, float]]:
    """The hits in order of our score (best first), each with that score; ties in order of record id."""
    if not hits:
        return []
    keys = [key for key, _ in hits]
    stored = dict(zip(keys, reader.records(keys)))
    words = {key: _words(stored[key]) for key in keys}
    average = sum(length for _, length in words.values()) / len(keys) or 1.0
    exact = [reader.matching(node, keys) for node in plan.exact]
    typo = [reader.matching(node, keys) - found for node, found in zip(plan.typo, exact)]
    phrased = reader.matching(plan.phrase, keys)
    total_weight = sum(plan.idf) or 1.0
    said = tuple(w.lower() for unit in plan.said for w in WRITTEN.findall(unit))
    scored = []
    for key in keys:
        parts, length = words[key]
        score = covered = 0.0
        for weight, (terms, corrections), exact_keys, typo_keys in zip(plan.idf, plan.counted, exact, typo):
            if key in exact_keys:
                tf = _tf(parts, terms) or ALIAS_TF  # matched through an alias, a formula or a phrase of parts
                covered += weight
            elif key in typo_keys:
                tf = TYPO_BOOST * (_tf(parts, corrections) or 1.0)
                covered += TYPO_COVERAGE * weight
            else:
                continue
            score += weight * _saturated(tf, length, average)
        if plan.stop_terms:
            score += STOP_WEIGHT * _saturated(_tf(parts, plan.stop_terms, title_only=True), length, average)
        score *= (covered / total_weight) ** COVERAGE_POWER
        if key in phrased:
            score *= PHRASE_BONUS
        if said and _says(stored[key]["title"], said):
            score *= TITLE_BONUS
        if stored[key]["type"] == "concept":
            score *= CONCEPT_WEIGHT
        scored.append((key, score))
    return sorted(scored, key=lambda h: (-h[1], stored[h[0]]["id"]))
