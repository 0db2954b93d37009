"""The order of hits, Meilisearch-style, the same for every engine.

Records containing more of the query's words come first, then those needing fewer
typo corrections, then those holding the query as an exact phrase, then by the
engine's BM25 score (a concept page's counting CONCEPT_WEIGHT of an answer's). The
engine's best hits by score (at least RERANK_WINDOW) are re-sorted by that key.
"""

from __future__ import annotations

from search_api.plan import Plan

RERANK_WINDOW = 30  # hits re-sorted by words matched (at least; more for deeper pages)
# Concept pages define, answers answer: a concept page's score counts this much against an answer's.
CONCEPT_WEIGHT = 0.4


def weigh(reader, hits: list[tuple[object, float]]) -> list[tuple[object, float]]:
    """Scores with concept pages counting CONCEPT_WEIGHT."""
    concepts = reader.concept_keys([key for key, _ in hits])
    return [(key, score * (CONCEPT_WEIGHT if key in concepts else 1.0)) for key, score in hits]


def rerank(reader, plan: Plan, hits: list[tuple[object, float]]) -> list[tuple[object, float]]:
    """Sort hits by (words matched desc, words matched only with typos asc, exact phrase first, score desc)."""
    order = {key: n for n, (key, _) in enumerate(sorted(hits, key=lambda h: h[0]))}  # ties: index order
    if len(plan.units) < 2 and not any(plan.typo) and plan.phrase is None:
        return sorted(hits, key=lambda h: (-h[1], order[h[0]]))
    keys = [key for key, _ in hits]
    matched = dict.fromkeys(keys, 0)
    typos = dict.fromkeys(keys, 0)
    for exact, typo in zip(plan.exact, plan.typo):
        exact_keys = reader.matching(exact, keys)
        typo_keys = reader.matching(typo, keys) - exact_keys
        for key in exact_keys | typo_keys:
            matched[key] += 1
        for key in typo_keys:
            typos[key] += 1
    phrased = reader.matching(plan.phrase, keys)
    return sorted(hits, key=lambda h: (-matched[h[0]], typos[h[0]], h[0] not in phrased, -h[1], order[h[0]]))
