"""Keyword and semantic hits fused into one order: weighted reciprocal-rank fusion.

Each list gives a record 1 / (RRF_K + rank), the semantic list SEMANTIC_WEIGHT times that; a record
in both adds the two. Ranks rather than scores, because BM25 and cosine are on unrelated scales;
the constants are those that did best on the multi-collection suite (benchmarks/search_relevance.md;
k from 2 to 20, weights 0.3 to 0.7, and a linear fusion of scores measured beside): a small k keeps
a clear keyword lead where it is (first and second keyword hits are far apart), and the semantic
list, weighing 0.7 of the keyword one, reorders where the keyword order is weak (paraphrases).
"""

from __future__ import annotations

MODES = ("keyword", "semantic", "hybrid")
RRF_K = 2
SEMANTIC_WEIGHT = 0.7
MIN_WORDS = 5  # a query of fewer words is a keyword query: the keyword order is what it asks for
CONCEPT_PREFIX = "concept:"  # a concept record's id (search_api.records)
SEMANTIC_DEPTH = 30  # nearest records taken from the embeddings (at least; more for deeper pages)


def fuse(keyword: list[tuple[dict, float]], semantic: list[tuple[str, float]], stored_by_id,
         words: int = MIN_WORDS) -> list[tuple[dict, float]]:
    """(record, fused score), best first. `keyword`: ranked (stored record, score); `semantic`: ranked (id,
    cosine); `stored_by_id(ids)` gives the stored records of the ids only the semantic list has; `words`:
    the query's words (stop words aside). Concept pages come from the keyword list only: a definition is
    near many questions' embeddings, and put itself above the answers."""
    if words < MIN_WORDS:
        return keyword
    semantic = [(i, score) for i, score in semantic if not i.startswith(CONCEPT_PREFIX)]
    scores: dict[str, float] = {}
    records = {record["id"]: record for record, _ in keyword}
    for rank, (record, _) in enumerate(keyword, 1):
        scores[record["id"]] = 1.0 / (RRF_K + rank)
    for rank, (record_id, _) in enumerate(semantic, 1):
        scores[record_id] = scores.get(record_id, 0.0) + SEMANTIC_WEIGHT / (RRF_K + rank)
    missing = [record_id for record_id in scores if record_id not in records]
    records.update((record["id"], record) for record in stored_by_id(missing))
    ranked = sorted((record_id for record_id in scores if record_id in records), key=lambda i: (-scores[i], i))
    return [(records[i], scores[i]) for i in ranked]


def nearest(found: list[tuple[str, float]], stored_by_id) -> list[tuple[dict, float]]:
    """Semantic mode alone: the nearest records (id, cosine) as (stored record, cosine)."""
    records = {record["id"]: record for record in stored_by_id([i for i, _ in found])}
    return [(records[i], score) for i, score in found if i in records]
