"""Whoosh: the embedded default, pure Python. Its schema, its writer and its reader.

Whoosh searchers are not thread-safe (8 threads sharing one gave unpickling errors
and wrong results): `search_api.searcher` opens one reader per thread.
"""

from __future__ import annotations

import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.collectors import TopCollector, WrappingCollector
from whoosh.fields import ID, KEYWORD, STORED, TEXT, SchemaClass
from whoosh.matching import ArrayUnionMatcher
from whoosh.query import AndMaybe, Phrase, Query, Term
from whoosh.query import And as WhooshAnd
from whoosh.query import Or as WhooshOr
from whoosh.query.compound import DefaultOr
from whoosh.scoring import BM25F

from search_api.analysis import boosted, text_analyzer
from search_api.engines import Collected
from search_api.plan import Node, Plan, Terms
from search_api.records import Record

NAME = "whoosh"
LIVE_COUNT_LIMIT = 64


class RecordSchema(SchemaClass):
    """The one Whoosh schema: the writer below creates it, the reader reads it (see search_api.schema)."""

    id = ID(unique=True)  # "collection/q6", "collection/q6#part-b", "concept:slug"
    type = ID()  # question | part | concept
    collection = ID()  # "" for concepts
    concepts = KEYWORD(commas=True, lowercase=False)  # slugs mentioned: the `concept` filter
    mentions = KEYWORD(scorable=True, lowercase=False)  # one slug per mention: scores alias expansion
    # Title, concept names and aliases, headings and body, as boosted segments (analysis.boosted).
    text = TEXT(analyzer=text_analyzer())
    title = TEXT(analyzer=text_analyzer())  # also alone: stop words rank "What is X?" titles
    headings = TEXT(analyzer=text_analyzer())  # the section headings (and "Q6", "Q6 (b)")
    math = TEXT(analyzer=text_analyzer())  # the LaTeX of every formula, as tokens: QK^T, O(n^2 d), \sqrt{d}
    record = STORED()  # Record.stored(): what a hit shows, snippets included


def _document(record: Record) -> dict:
    return {
        "id": record.id, "type": record.type, "collection": record.collection,
        "concepts": ",".join(record.concepts), "mentions": " ".join(record.mentions),
        "text": boosted(*record.segments()), "title": record.title, "headings": " ".join(record.headings),
        "math": " ".join(record.math), "record": record.stored(),
    }


def write(records: list[Record], directory: Path, procs: int = 1) -> None:
    """Write the records into a new Whoosh index in `directory` (which must be empty or absent)."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), RecordSchema())
    writer = ix.writer(procs=procs, limitmb=128, multisegment=True) if procs > 1 else ix.writer(limitmb=128)
    _commit(ix, writer, set(), records)


def update(directory: Path, remove: set[str], records: list[Record]) -> None:
    """Delete the records with these ids and add these, in one commit: a new segment, merged with the
    other small ones only (Whoosh's default), so the cost follows the edit, not the index. Whoosh
    writes new files and a new table of contents, never into the files of the build it copies."""
    ix = whoosh_index.open_dir(str(directory))
    _commit(ix, ix.writer(limitmb=64), remove, records)


def _commit(ix, writer, remove: set[str], records: list[Record]) -> None:
    """Delete these ids, add these records, commit; a failure cancels the writer, committing nothing."""
    try:
        for record_id in remove:
            writer.delete_by_term("id", record_id)
        for record in records:
            writer.add_document(**_document(record))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()


class BoundedCollector(WrappingCollector):
    """Collect only allowed documents, and stop at a deadline keeping what was found.

    Whoosh's TimeLimitCollector starts a timer thread per search and, with its default
    alarm, raises outside the main thread; this checks the clock every 32 documents.
    """

    def __init__(self, child, deadline: float, allow: frozenset | None = None):
        super().__init__(child)
        self.deadline, self.allow, self.timed_out = deadline, allow, False

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


def query_of(node: Node, union=Or) -> Query:
    """The Whoosh query of a plan node; `union` is the OR to use (see Reader.matching)."""
    if isinstance(node, Terms):
        if len(node.terms) == 1:
            return Term(node.field, node.terms[0], boost=node.boost)
        return Phrase(node.field, list(node.terms), boost=node.boost)
    return union([query_of(option, union) for option in node.options], boost=node.boost)


class Reader:
    """One thread's searcher over one Whoosh index."""

    def __init__(self, directory: Path):
        self.searcher = whoosh_index.open_dir(str(directory)).searcher(weighting=CachedLengthsBM25F())
        self.reader = self.searcher.reader()
        self.deletions = self.reader.has_deletions()
        self._filters: dict[tuple, frozenset[int]] = {}
        self._concepts = self._docs((("type", "concept"),))

    def doc_count(self) -> int:
        return self.reader.doc_count()

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Records holding the term: exact (live records only) below LIVE_COUNT_LIMIT, where it decides
        whether a word matches at all (`unmatched`, typos); above, records deleted by an incremental
        build may still count (Whoosh's term statistics keep them until segments merge)."""
        found = self.reader.doc_frequency(fieldname, term)
        if not found or not self.deletions or found > LIVE_COUNT_LIMIT:
            return found
        return sum(1 for _ in self.reader.postings(fieldname, term).all_ids())  # postings skip deleted records

    def _docs(self, terms: tuple[tuple[str, str], ...]) -> frozenset[int]:
        """Documents having all these (field, value) terms: a filter, computed once per build."""
        if terms not in self._filters:
            if len(self._filters) >= 256:
                self._filters.clear()
            queries = [Term(name, value) for name, value in terms]
            found = self.searcher.docs_for_query(queries[0] if len(queries) == 1 else WhooshAnd(queries))
            self._filters[terms] = frozenset(found)
        return self._filters[terms]

    def search(self, plan: Plan, filters: dict[str, str], depth: int, deadline: float) -> Collected:
        required = Or([query_of(o) for o in plan.required.options])
        query = required if plan.optional is None else AndMaybe(
            # The optional side is only visited at required matches: a union tree skips there, an array cannot.
            required, DefaultOr([query_of(o) for o in plan.optional.options]))
        allow = self._docs(tuple(sorted(filters.items()))) if filters else None
        collector = BoundedCollector(TopCollector(limit=depth, usequality=False), deadline, allow)
        self.searcher.search_with_collector(query, collector)
        results = collector.results()
        return Collected([(hit.docnum, hit.score) for hit in results], len(results), collector.timed_out)

    def concept_keys(self, keys) -> set:
        return {k for k in keys if k in self._concepts}

    def matching(self, node: Node | None, keys) -> set:
        """Which of the keys (docnums) the node matches, by skipping through its matcher.

        With union trees, not arrays: an array reads every posting of every term up front, a tree
        skips to the 30-odd keys (this was 40% of the time of a search at 1,000 questions).
        """
        if node is None:
            return set()
        if isinstance(node, Terms) and len(node.terms) > 1:
            return self._phrase_among(node, keys)
        matcher = query_of(node, DefaultOr).matcher(self.searcher, self.searcher.boolean_context())  # no scoring
        found = set()
        for docnum in sorted(keys):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found.add(docnum)
        return found

    def _phrase_among(self, node: Terms, keys) -> set:
        """Which keys hold the phrase, from the positions of its terms in those records only.

        Whoosh's Phrase matcher finds the next record holding the phrase by computing the spans of
        every record holding all its words; for a whole query with "the" and "a" in it, that was
        most of the index for 30 records (17 ms of a 40 ms search at 1,000 questions).
        """
        postings = [self.reader.postings(node.field, term) for term in node.terms]
        found = set()
        for docnum in sorted(keys):
            positions = []
            for matcher in postings:
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if not matcher.is_active() or matcher.id() != docnum:
                    break
                positions.append(set(matcher.value_as("positions")))
            else:
                if any(all(start + i in at for i, at in enumerate(positions[1:], 1)) for start in positions[0]):
                    found.add(docnum)
        return found

    def records(self, keys) -> list[dict]:
        return [self.searcher.stored_fields(docnum)["record"] for docnum in keys]

    def stored_by_id(self, ids: list[str]) -> list[dict]:
        found = (self.searcher.document(id=record_id) for record_id in ids)
        return [fields["record"] for fields in found if fields]

    def close(self) -> None:
        self.searcher.close()


def open(directory: Path) -> Reader:  # noqa: A001 - the engine interface's name
    return Reader(directory)
