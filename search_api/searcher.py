"""Searching the current index: one Whoosh searcher per thread, reopened when the index is swapped.

Whoosh searchers are not thread-safe (8 threads sharing one gave unpickling
errors and wrong results), so each thread opens its own, lazily, which also
means never before a pre-fork server forks. Each request reads the version file;
when it names a new build, the thread opens that build and closes its old searcher.

Ranking, Meilisearch-style: documents containing more of the query's words come
first, then those needing fewer typo corrections, then those holding the query as
an exact phrase, then by BM25F score (a concept page's counting CONCEPT_WEIGHT of an
answer's). The best hits by score (at least RERANK_WINDOW) are re-sorted by that key.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.collectors import TopCollector, WrappingCollector
from whoosh.query import And, Term
from whoosh.scoring import BM25F

from kb.concepts.concept import Concept
from kb.slugs import concept_path
from search_api import store
from search_api.params import SearchParams
from search_api.query import Compiled, ConceptNames, compile_query, parse
from search_api.records import title_text
from search_api.snippets import snippet
from search_api.vocabulary import Vocabulary

log = logging.getLogger(__name__)
RERANK_WINDOW = 30  # hits re-sorted by words matched (at least; more for deeper pages)
# Concept pages define, answers answer: a concept page's score counts this much against an answer's.
CONCEPT_WEIGHT = 0.4
DEFAULT_TIME_LIMIT = 1.0  # seconds of matching per search before returning what was found
DEFAULT_CACHE = 512  # answers kept per thread and build for identical requests (0: none)


class BoundedCollector(WrappingCollector):
    """Collect only allowed documents, and stop at a deadline keeping what was found.

    Whoosh's TimeLimitCollector starts a timer thread per search and, with its default
    alarm, raises outside the main thread; this checks the clock every 32 documents.
    """

    def __init__(self, child, seconds: float, allow: frozenset | None = None):
        super().__init__(child)
        self.seconds, self.allow, self.timed_out = seconds, allow, False

    def prepare(self, top_searcher, q, context):
        self.deadline = time.perf_counter() + self.seconds
        super().prepare(top_searcher, q, context)

    def collect_matches(self):
        child, deadline, allow, offset = self.child, self.deadline, self.allow, self.child.offset
        for n, sub_docnum in enumerate(self.matches()):
            if not n & 31 and time.perf_counter() > deadline:
                self.timed_out = True
                return
            if allow is None or offset + sub_docnum in allow:
                child.collect(sub_docnum)


class CachedLengthsBM25F(BM25F):
    """Whoosh's BM25F, reading a document's length of the big `text` field from a list loaded once
    per segment rather than from the index file for every posting (half the cost of scoring)."""

    CACHED = ("text",)

    def __init__(self):
        super().__init__()
        self._lengths: dict[tuple[int, str], list[int]] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        if fieldname in self.CACHED and hasattr(scorer, "dfl"):
            reader = searcher.reader()
            key = (id(reader), fieldname)
            if key not in self._lengths:
                self._lengths[key] = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            scorer.dfl = self._lengths[key].__getitem__
        return scorer


@dataclass
class OpenIndex:
    """A thread's view of one build, with its typo corrections cached (the index does not change)."""

    version: str
    pid: int
    searcher: object
    meta: dict
    names: ConceptNames | None
    vocabulary: Vocabulary

    def __post_init__(self):
        self.correct = lru_cache(maxsize=4096)(self.vocabulary.corrections)
        self.cache: OrderedDict[SearchParams, dict] = OrderedDict()
        self._filters: dict[tuple, frozenset[int]] = {}
        self.concept_docs = self.docs(("type", "concept"))

    def remember(self, params: SearchParams, found: dict, size: int) -> None:
        """Keep a search's answer for identical requests to this build (least recently used go first)."""
        self.cache[params] = found
        while len(self.cache) > size:
            self.cache.popitem(last=False)

    def docs(self, *terms: tuple[str, str]) -> frozenset[int]:
        """Documents having all these (field, value) terms: a filter, computed once per build."""
        if terms not in self._filters:
            if len(self._filters) >= 256:
                self._filters.clear()
            queries = [Term(name, value) for name, value in terms]
            found = self.searcher.docs_for_query(queries[0] if len(queries) == 1 else And(queries))
            self._filters[terms] = frozenset(found)
        return self._filters[terms]

    def close(self):
        try:
            self.searcher.close()
        except Exception:  # a searcher over a pruned build may fail to close; it is discarded anyway
            pass


def _names(meta: dict) -> ConceptNames | None:
    """The concepts recorded with the build (so a query expands as the index was built)."""
    concepts = [Concept(slug=c["slug"], title=c["title"], aliases=tuple(c["aliases"]), summary="", body="",
                        path=concept_path(c["slug"])) for c in meta.get("concepts", [])]
    return ConceptNames(concepts) if concepts else None


class SearchIndex:
    """The index directory as the API sees it: health, and search with ranking and snippets."""

    def __init__(self, index_root: Path, time_limit: float = DEFAULT_TIME_LIMIT, cache_size: int = DEFAULT_CACHE):
        self.index_root = Path(index_root)
        self.time_limit = time_limit
        self.cache_size = cache_size
        self._local = threading.local()

    def _open(self, version: str) -> OpenIndex:
        build = store.open_build(self.index_root, version)
        try:
            searcher = whoosh_index.open_dir(str(build.path)).searcher(weighting=CachedLengthsBM25F())
        except Exception as exc:
            raise store.IndexUnavailable(f"The search index {build.path} is unreadable ({exc.__class__.__name__}). "
                                         + store.how_to_build(self.index_root)) from exc
        return OpenIndex(version, os.getpid(), searcher, build.meta, _names(build.meta), Vocabulary.load(build.path))

    def current(self) -> OpenIndex:
        """This thread's open index, reopened if the version file names another build."""
        version = store.current_version(self.index_root)
        if version is None:
            raise store.IndexUnavailable(store.missing(self.index_root))
        held = getattr(self._local, "index", None)
        if held is not None and held.version == version and held.pid == os.getpid():
            return held
        fresh = self._open(version)
        if held is not None and held.pid == os.getpid():
            held.close()
        self._local.index = fresh
        return fresh

    def health(self) -> dict:
        meta = self.current().meta
        return {"status": "ok", "version": meta["version"], "built_at": meta["built_at"],
                "documents": meta["documents"], "counts": meta["counts"], "concepts": len(meta.get("concepts", []))}

    def search(self, params: SearchParams) -> dict:
        started = time.perf_counter()
        units = parse(params.q)  # a bad query is the client's error even when there is no index
        index = self.current()
        found = index.cache.get(params)
        if found is None:
            try:
                found = self._search(index, params, units)
            except Exception:  # a build pruned under an old searcher: reopen the current one once
                log.warning("search failed on a held searcher; reopening", exc_info=True)
                self._local.index = None
                index = self.current()
                found = self._search(index, params, units)
            if self.cache_size and not found["timed_out"]:
                index.remember(params, found, self.cache_size)
        else:
            index.cache.move_to_end(params)
        return {"query": params.q, "total": found["total"], "page": params.page, "limit": params.limit,
                "took_ms": round((time.perf_counter() - started) * 1000, 2),
                "suggestion": found["suggestion"], "results": found["results"]}

    def _search(self, index: OpenIndex, params: SearchParams, units) -> dict:
        searcher = index.searcher
        compiled = compile_query(params.q, units, searcher.reader(), index.names, index.correct)
        if compiled.query is None:
            return {"total": 0, "suggestion": None, "results": [], "timed_out": False}
        depth = params.page * params.limit
        filters = [(name, value) for name, value in
                   (("type", params.type), ("concepts", params.concept), ("collection", params.collection)) if value]
        allow = index.docs(*filters) if filters else None
        collector = BoundedCollector(TopCollector(limit=max(depth, RERANK_WINDOW), usequality=False),
                                     self.time_limit, allow)
        searcher.search_with_collector(compiled.query, collector)
        results = collector.results()
        if collector.timed_out:
            log.warning("search for %r hit the %.1f s limit; returning partial results", params.q, self.time_limit)
        weights = index.concept_docs
        hits = rerank(searcher, compiled, [(hit.docnum, hit.score * (CONCEPT_WEIGHT if hit.docnum in weights else 1.0))
                                           for hit in results])
        page = hits[depth - params.limit:depth]
        return {"total": len(results), "suggestion": compiled.suggestion, "timed_out": collector.timed_out,
                "results": [_result(searcher.stored_fields(docnum), score, compiled, index.names)
                            for docnum, score in page]}


def rerank(searcher, compiled: Compiled, hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Sort hits by (words matched desc, words matched only with typos asc, exact phrase first, score desc)."""
    if len(compiled.units) < 2 and not any(compiled.typo) and compiled.phrase is None:
        return sorted(hits, key=lambda h: (-h[1], h[0]))
    docnums = sorted(docnum for docnum, _ in hits)
    matched = dict.fromkeys(docnums, 0)
    typos = dict.fromkeys(docnums, 0)
    for exact, typo in zip(compiled.exact, compiled.typo):
        exact_docs = _docs_among(searcher, exact, docnums)
        typo_docs = _docs_among(searcher, typo, docnums) - exact_docs
        for docnum in exact_docs | typo_docs:
            matched[docnum] += 1
        for docnum in typo_docs:
            typos[docnum] += 1
    phrased = _docs_among(searcher, compiled.phrase, docnums)
    return sorted(hits, key=lambda h: (-matched[h[0]], typos[h[0]], h[0] not in phrased, -h[1], h[0]))


def _docs_among(searcher, query, docnums: list[int]) -> set[int]:
    """Which of the (sorted) docnums the query matches, by skipping through its matcher."""
    if query is None:
        return set()
    matcher = query.matcher(searcher, searcher.boolean_context())  # matching only, no scoring
    found = set()
    for docnum in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            found.add(docnum)
    return found


def _snippet(text: str, compiled: Compiled, names: ConceptNames | None) -> str:
    extra = []
    if compiled.concepts and names is not None:
        extra = [(s, e, slug) for s, e, slug in names.matcher.finditer(text) if slug in compiled.concepts]
    return snippet(text, compiled.terms, extra)


def _result(stored: dict, score: float, compiled: Compiled, names: ConceptNames | None) -> dict:
    kind = stored["type"]
    return {
        "id": stored["id"],
        "type": kind,
        "collection": stored["collection"] or None,
        "question": f"Q{stored['question']}" if kind != "concept" else None,
        "part": stored.get("part"),
        "title": stored["title"],
        "title_text": title_text(stored["title"]),
        "page_title": stored["page_title"],
        "url": stored["url"],
        "snippet": _snippet(stored.get("body") or stored["title"], compiled, names),
        "score": round(score, 3),
        "concepts": [c for c in stored.get("concepts", "").split(",") if c],
    }
