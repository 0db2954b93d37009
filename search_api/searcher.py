"""A search, start to end: parse → plan → engine → ranking → snippets, over the current build.

Each thread holds its own reader of the current build (Whoosh's searchers are not
thread-safe; every engine gets the same treatment), opened lazily, which also means
never before a pre-fork server forks. Each request reads the version file; when it
names a new build, the thread opens that build, with the engine the build was
written by, and closes its old reader.
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

from kb.concepts.concept import Concept
from kb.slugs import concept_path
from search_api import check, hybrid, semantic, store
from search_api.engines import DEFAULT, engine
from search_api.indexer import ENGINE_DIR
from search_api.params import QueryError, SearchParams
from search_api.plan import Plan, make_plan
from search_api.query import ConceptNames, parse
from search_api.hybrid import SEMANTIC_DEPTH
from search_api.ranking import RERANK_WINDOW, rerank
from search_api.records import title_text
from search_api.snippets import head, snippet
from search_api.vocabulary import Vocabulary

log = logging.getLogger(__name__)
DEFAULT_TIME_LIMIT = 1.0  # seconds of matching per search before returning what was found
DEFAULT_CACHE = 512  # answers kept per thread and build for identical requests (0: none)


@dataclass
class OpenIndex:
    """A thread's view of one build, with its typo corrections cached (the index does not change)."""

    version: str
    pid: int
    reader: object  # the engine's Reader
    meta: dict
    names: ConceptNames | None
    vocabulary: Vocabulary
    embeddings: semantic.Embeddings | None = None  # the build's, when it has them and the model is on

    def __post_init__(self):
        self.correct = lru_cache(maxsize=4096)(self.vocabulary.corrections)
        self.cache: OrderedDict[SearchParams, dict] = OrderedDict()

    def remember(self, params: SearchParams, found: dict, size: int) -> None:
        """Keep a search's answer for identical requests to this build (least recently used go first)."""
        self.cache[params] = found
        while len(self.cache) > size:
            self.cache.popitem(last=False)

    def close(self):
        try:
            self.reader.close()
        except Exception:  # a reader over a pruned build may fail to close; it is discarded anyway
            pass


def _names(meta: dict) -> ConceptNames | None:
    """The concepts recorded with the build (so a query expands as the index was built)."""
    concepts = [Concept(slug=c["slug"], title=c["title"], aliases=tuple(c["aliases"]), summary="", body="",
                        path=concept_path(c["slug"])) for c in meta.get("concepts", [])]
    return ConceptNames(concepts) if concepts else None


class SearchIndex:
    """The index directory as the API sees it: health, and search with ranking and snippets.

    `engine`, when given, is the engine the builds must have been written by; a build by
    another is unavailable (with how to rebuild it) rather than read by the wrong code.
    """

    def __init__(self, index_root: Path, time_limit: float = DEFAULT_TIME_LIMIT, cache_size: int = DEFAULT_CACHE,
                 engine: str | None = None):
        self.index_root = Path(index_root)
        self.time_limit = time_limit
        self.cache_size = cache_size
        self.engine = engine
        self._local = threading.local()
        self._checking = threading.Lock()
        self._checked: set[tuple[str, int]] = set()  # (build, process) pairs that passed check

    def _open(self, version: str) -> OpenIndex:
        build = store.open_build(self.index_root, version)
        name = build.meta.get("engine", DEFAULT)
        if self.engine and name != self.engine:
            raise store.IndexUnavailable(
                f"The search index {build.path} was built by the {name} engine, not {self.engine}. "
                f"Rebuild it with `python scripts/build_index.py --engine {self.engine} --full`.")
        try:
            names = _names(build.meta)
            vocabulary = Vocabulary.load(build.path)
            reader = engine(name).open(build.path / ENGINE_DIR)
        except Exception as exc:
            raise store.IndexUnavailable(f"The search index {build.path} is unreadable ({exc.__class__.__name__}). "
                                         + store.how_to_build(self.index_root)) from exc
        try:
            self._check(build, reader, vocabulary, names)
        except store.IndexUnavailable as exc:
            reader.close()
            raise store.IndexUnavailable(f"{exc} {store.how_to_build(self.index_root)}") from exc
        embeddings = semantic.load(build.path) if semantic.enabled() else None  # the model loads at first use
        return OpenIndex(version, os.getpid(), reader, build.meta, names, vocabulary, embeddings)

    def _check(self, build: store.Build, reader, vocabulary: Vocabulary, names: ConceptNames | None) -> None:
        """Once per build and process (its threads share the result): its files' checksums and a canary search."""
        key = (build.version, os.getpid())
        with self._checking:
            if key in self._checked:
                return
            check.verify_files(build.path / ENGINE_DIR, build.meta.get(check.CHECKSUMS))
            check.canary(reader, vocabulary.counts, build.meta["documents"], build.path, names)
            self._checked.add(key)

    def current(self) -> OpenIndex:
        """This thread's open index, reopened if the version file names another build."""
        version = store.current_version(self.index_root)
        if version is None:
            raise store.IndexUnavailable(store.missing(self.index_root))
        held = getattr(self._local, "index", None)
        pid = os.getpid()
        # A build whose check another thread withdrew (a search failed on it) is opened and checked again.
        if held is not None and held.version == version and held.pid == pid and (version, pid) in self._checked:
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
        if params.mode not in (None, "keyword") and index.embeddings is None:
            raise QueryError("mode_unavailable", f"mode={params.mode} needs the semantic model, which this index "
                                                 "was built without or which is turned off (KB_SEMANTIC=off)")
        found = index.cache.get(params)
        if found is None:
            try:
                found = self._search(index, params, units, time.perf_counter() + self.time_limit)
            except Exception:  # a build pruned (or damaged) under an old reader: check and reopen the current one once
                log.warning("search failed on a held reader; reopening", exc_info=True)
                self._local.index = None
                self._checked.discard((index.version, os.getpid()))
                index = self.current()
                found = self._search(index, params, units, time.perf_counter() + self.time_limit)
            if self.cache_size and not found["timed_out"]:
                index.remember(params, found, self.cache_size)
        else:
            index.cache.move_to_end(params)
        return {"query": params.q, "total": found["total"], "page": params.page, "limit": params.limit,
                "took_ms": round((time.perf_counter() - started) * 1000, 2),
                "suggestion": found["suggestion"], "unmatched": found["unmatched"], "results": found["results"]}

    def _search(self, index: OpenIndex, params: SearchParams, units, deadline: float) -> dict:
        reader = index.reader
        plan = make_plan(params.q, units, reader, index.names, index.correct)
        mode = params.mode or ("hybrid" if index.embeddings is not None else "keyword")
        if plan.required is None and mode != "semantic":
            return {"total": 0, "suggestion": None, "unmatched": plan.unmatched, "results": [], "timed_out": False}
        depth = params.page * params.limit
        filters = {name: value for name, value in
                   (("type", params.type), ("concepts", params.concept), ("collection", params.collection)) if value}
        hits, total, timed_out = [], 0, False
        if mode != "semantic":
            collected = reader.search(plan, filters, max(depth, RERANK_WINDOW), deadline)
            if collected.timed_out:
                log.warning("search for %r hit the %.1f s limit; returning partial results", params.q, self.time_limit)
            ranked = rerank(reader, plan, collected.hits)
            hits = list(zip(reader.records([key for key, _ in ranked]), (score for _, score in ranked)))
            total, timed_out = collected.total, collected.timed_out
        if mode == "semantic" or (mode == "hybrid" and len(plan.units) >= hybrid.MIN_WORDS):
            # keyword hits fused with the records nearest the query's embedding (a short query is a keyword one)
            vector = semantic.encoder().query(params.q)
            found = index.embeddings.nearest(vector, max(depth, SEMANTIC_DEPTH), filters)
            hits = (hybrid.fuse(hits, found, reader.stored_by_id, len(plan.units)) if mode == "hybrid" else
                    hybrid.nearest(found, reader.stored_by_id))
            total = max(total, len(hits))
        # The time limit covers the snippets too: past it, a hit's snippet is its text's start, unmarked.
        results = [_result(record, score, plan, index.names, time.perf_counter() > deadline)
                   for record, score in hits[depth - params.limit:depth]]
        return {"total": total, "suggestion": plan.suggestion, "unmatched": plan.unmatched,
                "timed_out": timed_out or time.perf_counter() > deadline, "results": results}


def _snippet(text: str, plan: Plan, names: ConceptNames | None, late: bool = False) -> str:
    if late:
        return snippet(text, set())
    extra = []
    if plan.concepts and names is not None:
        extra = [(s, e, slug) for s, e, slug in names.matcher.finditer(head(text)) if slug in plan.concepts]
    return snippet(text, plan.terms, extra)


def _result(stored: dict, score: float, plan: Plan, names: ConceptNames | None, late: bool = False) -> dict:
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
        "snippet": _snippet(stored.get("body") or stored["title"], plan, names, late),
        "score": round(score, 3),
        "concepts": list(stored["concepts"]),
    }
