"""Whoosh: the embedded default, pure Python. Its schema, its writer and its reader.

Whoosh searchers are not thread-safe (8 threads sharing one gave unpickling errors
and wrong results): `search_api.searcher` opens one reader per thread. The reader
scores a plan itself from posting lists read a block at a time (see `Reader`):
Whoosh's matcher trees cost a dozen Python calls per posting, and its collector
dropped matches once its top hits filled up.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from itertools import accumulate
from heapq import heappush, heapreplace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, KEYWORD, STORED, TEXT, SchemaClass
from whoosh.query import And as WhooshAnd
from whoosh.query import Term
from whoosh.reading import TermNotFound
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
        "text": boosted(*record.segments()), "title": record.searchable_title, "headings": " ".join(record.headings),
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


WINDOW = 4096  # documents scored between two looks at the clock (the time limit)


def _tree_sum(scores: list[float]) -> float:
    """A sum in the order of Whoosh's binary matcher trees (a phrase's score is its terms' so added)."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


def _leaf(reader, fieldname: str, term: str):
    """The term's matcher over the segment's postings, deleted records included; None when absent.

    `reader.postings` would wrap it in a FilterMatcher when the segment has deletions, which
    reads the first block to find its first live record: the callers drop deleted ids themselves.
    """
    try:
        return reader._terms.matcher(fieldname, reader._text_to_bytes(fieldname, term),
                                     reader.schema[fieldname].format)
    except TermNotFound:
        return None


def _block(matcher: W3LeafMatcher) -> tuple:
    """The ids of the matcher's current block (Whoosh's own block arrays: whoosh-reloaded is pinned).

    As W3LeafMatcher._read_ids, the gaps summed in C rather than by a Python generator.
    """
    if matcher._data is None:
        matcher._read_data()
    ids = matcher._data[0]
    matcher._ids = ids = ids if matcher._byteids else tuple(accumulate(ids))
    return ids


class Postings:
    """One term's postings in one segment, deleted records left out: ids (ascending), weights and,
    when asked for, the encoded positions.

    Read a block at a time from Whoosh's block arrays: going through its matcher API costs a
    dozen Python calls per posting, which was most of a search's time.
    """

    __slots__ = ("ids", "weights", "values")

    def __init__(self, reader, fieldname: str, term: str, deleted: frozenset, values: bool):
        self.ids: list[int] = []
        self.weights: list[float] = []
        self.values: list[bytes] | None = [] if values else None
        matcher = _leaf(reader, fieldname, term)
        if matcher is None:
            return
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                self.ids.extend(_block(matcher))
                matcher._read_weights()
                self.weights.extend(matcher._weights)
                if values:
                    matcher._read_values()
                    self.values.extend(matcher._values)
                matcher._next_block()
        else:  # an inlined posting list (one posting) or another codec: Whoosh's matcher API
            while matcher.is_active():
                self.ids.append(matcher.id())
                self.weights.append(matcher.weight())
                if values:
                    self.values.append(matcher.value())
                matcher.next()
        if deleted and not deleted.isdisjoint(self.ids):
            keep = [n for n, docnum in enumerate(self.ids) if docnum not in deleted]
            self.ids = [self.ids[n] for n in keep]
            self.weights = [self.weights[n] for n in keep]
            if values:
                self.values = [self.values[n] for n in keep]

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """The list positions of the postings of documents lo to hi (excluded)."""
        return bisect_left(self.ids, lo), bisect_left(self.ids, hi)

    def holds(self, docnum: int) -> bool:
        n = bisect_left(self.ids, docnum)
        return n < len(self.ids) and self.ids[n] == docnum


def _values_at(reader, fieldname: str, term: str, docnums: list[int]) -> dict[int, bytes]:
    """The term's encoded positions in those of these records (ascending) that hold it, reading
    only the blocks that may hold them (a block's last id is in its header)."""
    matcher = _leaf(reader, fieldname, term)
    found: dict[int, bytes] = {}
    if matcher is None:
        return found
    if not isinstance(matcher, W3LeafMatcher):
        for docnum in docnums:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found[docnum] = matcher.value()
        return found
    n = 0
    while matcher.is_active() and n < len(docnums):
        if matcher.block_max_id() < docnums[n]:
            matcher._next_block()  # reads the next block's header only
            continue
        ids = _block(matcher)
        matcher._read_values()
        at = {docnum: i for i, docnum in enumerate(ids)}
        while n < len(docnums) and docnums[n] <= ids[-1]:
            if docnums[n] in at:
                found[docnums[n]] = matcher._values[at[docnums[n]]]
            n += 1
        matcher._next_block()
    return found


def _in_sequence(positions: list[list[int]]) -> bool:
    """Whether the terms' positions hold them one after another (a phrase, as Whoosh's slop of 1)."""
    later = [set(p) for p in positions[1:]]
    return any(all(start + i in at for i, at in enumerate(later, 1)) for start in positions[0])


class Segment:
    """What scoring reads of one segment besides postings: its deleted records and its field lengths."""

    def __init__(self, searcher, offset: int):
        self.searcher, self.offset = searcher, offset
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.deleted = frozenset(self.reader.deleted_docs_set) if self.reader.has_deletions() else frozenset()
        self._lengths: dict[str, list] = {}

    def lengths(self, fieldname: str) -> list:
        """Every record's length of the field as Whoosh scores it (stored as a byte), read once per
        segment: reading it from the index file for each posting was half the cost of scoring."""
        if fieldname not in self._lengths:
            length = self.reader.doc_field_length
            self._lengths[fieldname] = [length(d, fieldname, 1) for d in range(self.size)]
        return self._lengths[fieldname]

    def positions(self, fieldname: str):
        """The function decoding a posting's value of the field into its positions."""
        return self.reader.schema[fieldname].format.decoder("positions")


class Reader:
    """One thread's searcher over one Whoosh index.

    `search` scores the plan itself, as Whoosh's query objects would (BM25F as Whoosh computes
    it, an OR adding its options' scores in order times its boost, a lone option unboosted as
    Whoosh's Or does, a phrase scoring the sum of its terms, optional nodes adding to required
    matches; best score first, then document order) from posting lists read a block at a time,
    a window of WINDOW documents at a time so a search out of time keeps the documents it
    finished. The lists a search read stay for `matching`, which the ranking asks about its hits.
    """

    def __init__(self, directory: Path):
        self.searcher = whoosh_index.open_dir(str(directory)).searcher(weighting=BM25F())
        self.reader = self.searcher.reader()
        self.deletions = self.reader.has_deletions()
        self.segments = [Segment(s, offset) for s, offset in self.searcher.leaf_searchers()]
        self._filters: dict[tuple, frozenset[int]] = {}
        self._concepts = self._docs((("type", "concept"),))
        self._postings: dict[tuple, Postings] = {}  # (segment, field, term): the lists the last search read
        self._scorers: dict[tuple[str, str], tuple] = {}

    def doc_count(self) -> int:
        return self.reader.doc_count()

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Records holding the term: exact (live records only) below LIVE_COUNT_LIMIT, where it decides
        whether a word matches at all (`unmatched`, typos); above, records deleted by an incremental
        build may still count (Whoosh's term statistics keep them until segments merge)."""
        found = self.reader.doc_frequency(fieldname, term)
        if not found or not self.deletions or found > LIVE_COUNT_LIMIT:
            return found
        return sum(len(Postings(s.reader, fieldname, term, s.deleted, False).ids) for s in self.segments)

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
        self._postings = {}
        allow = self._docs(tuple(sorted(filters.items()))) if filters else None
        best: list[tuple[float, int]] = []  # a heap of (score, -docnum): the best `depth` so far
        total, timed_out = 0, False
        for segment in self.segments:
            offset = segment.offset
            for lo in range(0, segment.size, WINDOW):
                if time.perf_counter() > deadline:
                    timed_out = True
                    break
                found = self._scores(plan.required, segment, lo, lo + WINDOW, None, {})
                if plan.optional is not None:  # adds to the required matches only
                    extra = self._scores(plan.optional, segment, lo, lo + WINDOW, found, {})
                    for docnum, score in extra.items():
                        found[docnum] += score
                for docnum, score in found.items():
                    if allow is not None and offset + docnum not in allow:
                        continue
                    total += 1
                    item = (score, -offset - docnum)
                    if len(best) < depth:
                        heappush(best, item)
                    elif item > best[0]:
                        heapreplace(best, item)
            if timed_out:
                break
        best.sort(reverse=True)
        return Collected([(-negated, score) for score, negated in best], total, timed_out)

    def _list(self, segment: Segment, fieldname: str, term: str, values: bool = False) -> Postings:
        key = (segment.offset, fieldname, term)
        held = self._postings.get(key)
        if held is None or (values and held.values is None):
            held = self._postings[key] = Postings(segment.reader, fieldname, term, segment.deleted, values)
        return held

    def _scorer(self, fieldname: str, term: str) -> tuple[float, float, float, float]:
        """The term's BM25F constants (idf, average field length, B, K1), from Whoosh's own scorer."""
        key = (fieldname, term)
        if key not in self._scorers:
            if len(self._scorers) >= 65536:
                self._scorers.clear()
            scorer = self.searcher.weighting.scorer(self.searcher, fieldname, term)
            self._scorers[key] = (scorer.idf, scorer.avgfl, scorer.B, scorer.K1)
        return self._scorers[key]

    def _term_scores(self, segment: Segment, fieldname: str, term: str, lo: int, hi: int,
                     among: dict | None) -> dict[int, float]:
        """BM25F of the term in each record from lo to hi holding it (among these, when given).

        Whoosh's formula with the same operations in the same order, so the same floats.
        """
        postings = self._list(segment, fieldname, term)
        first, last = postings.span(lo, hi)
        if first == last:
            return {}
        idf, avgfl, B, K1 = self._scorer(fieldname, term)
        lengths, k1_1, one_b = segment.lengths(fieldname), K1 + 1, 1 - B
        pairs = zip(postings.ids[first:last], postings.weights[first:last])
        if among is None:
            return {d: idf * ((tf * k1_1) / (tf + K1 * (one_b + B * lengths[d] / avgfl))) for d, tf in pairs}
        return {d: idf * ((tf * k1_1) / (tf + K1 * (one_b + B * lengths[d] / avgfl))) for d, tf in pairs
                if d in among}

    def _phrase_scores(self, segment: Segment, node: Terms, lo: int, hi: int, among: dict | None) -> dict[int, float]:
        """Records holding the terms at consecutive positions, scored as Whoosh scores a phrase:
        the sum of its terms' scores (positions are decoded only for records holding every term)."""
        lists = [self._list(segment, node.field, term, values=True) for term in node.terms]
        scores = [self._term_scores(segment, node.field, term, lo, hi, among) for term in node.terms]
        common = set(scores[0]).intersection(*scores[1:])
        if not common:
            return {}
        decode = segment.positions(node.field)
        found = {}
        for docnum in common:
            if _in_sequence([decode(p.values[bisect_left(p.ids, docnum)]) for p in lists]):
                found[docnum] = _tree_sum([s[docnum] for s in scores])
        return found

    def _scores(self, node: Node, segment: Segment, lo: int, hi: int, among: dict | None,
                memo: dict) -> dict[int, float]:
        """The node's score in each record from lo to hi it matches (among these, when given).

        An OR adds its options' scores, each times its boost, in order (as Whoosh's array
        matcher); a lone option is not boosted (Whoosh's Or gives it its own matcher).
        A returned dict may be shared through `memo`: callers copy before changing it.
        """
        if node in memo:
            return memo[node]
        if isinstance(node, Terms):
            if len(node.terms) > 1:
                found = self._phrase_scores(segment, node, lo, hi, among)
            else:
                found = self._term_scores(segment, node.field, node.terms[0], lo, hi, among)
            if node.boost != 1.0:
                found = {d: s * node.boost for d, s in found.items()}
        elif len(node.options) == 1:
            found = self._scores(node.options[0], segment, lo, hi, among, memo)
        else:
            found, boost = {}, node.boost
            for option in node.options:
                scores = self._scores(option, segment, lo, hi, among, memo)
                if not found:
                    found = {d: s * boost for d, s in scores.items()} if boost != 1.0 else dict(scores)
                    continue
                get = found.get
                for docnum, score in scores.items():
                    found[docnum] = get(docnum, 0.0) + score * boost
        memo[node] = found
        return found

    def concept_keys(self, keys) -> set:
        return {k for k in keys if k in self._concepts}

    def matching(self, node: Node | None, keys) -> set:
        """Which of the keys (docnums of the last search's hits) the node matches, from the posting
        lists that search read (or reads them): a binary search per key and term."""
        if node is None or not keys:
            return set()
        if isinstance(node, Terms) and len(node.terms) > 1:
            return self._phrase_among(node, keys)
        if isinstance(node, Terms):
            found = set()
            for segment in self.segments:
                start, end = segment.offset, segment.offset + segment.size
                mine = [k for k in keys if start <= k < end]
                if mine:
                    postings = self._list(segment, node.field, node.terms[0])
                    found.update(k for k in mine if postings.holds(k - start))
            return found
        found = set()
        for option in node.options:
            found |= self.matching(option, [k for k in keys if k not in found])
        return found

    def _phrase_among(self, node: Terms, keys) -> set:
        """Which keys hold the phrase, from the positions of its terms in those records only.

        Whoosh's Phrase matcher finds the next record holding the phrase by computing the spans of
        every record holding all its words; for a whole query with "the" and "a" in it, that was
        most of the index for 30 records (17 ms of a 40 ms search at 1,000 questions).
        """
        found = set()
        for segment in self.segments:
            start, end = segment.offset, segment.offset + segment.size
            among = sorted(k - start for k in keys if start <= k < end)
            for term in node.terms:  # the lists the search read rule records out without reading positions
                held = self._postings.get((segment.offset, node.field, term))
                if held is not None:
                    among = [docnum for docnum in among if held.holds(docnum)]
            # The rarest term first, each record keeping the phrase's possible starts: most hits lose
            # them after a term or two, and the common words' blocks are then read for few records.
            decode, starts = segment.positions(node.field), {}
            for n in sorted(range(len(node.terms)), key=lambda n: segment.reader.doc_frequency(node.field, node.terms[n])):
                if not among:
                    break
                values = _values_at(segment.reader, node.field, node.terms[n], among)
                kept = []
                for docnum in among:
                    if docnum in values:
                        possible = {position - n for position in decode(values[docnum])}
                        possible = possible & starts[docnum] if docnum in starts else possible
                        if possible:
                            starts[docnum] = possible
                            kept.append(docnum)
                among = kept
            found.update(start + docnum for docnum in among)
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
