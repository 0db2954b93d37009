"""tantivy (Rust, through its Python package): the engine for large collections. Schema, writer, reader.

Words are analysed by our own analyzer (`search_api.analysis`) and handed to tantivy
pre-tokenized, positions included, so both engines index exactly the same terms: a
joined word's parts and merged form, math tokens, Snowball stems. tantivy has no
per-token boost: a word of the combined `text` field is repeated at its position
TOKEN_REPEATS times its part's weight (schema.BOOSTS: title 6, body 2, list of parts 1),
as Whoosh's BM25F takes the sum of boosts as the term's frequency. Twice the weight
rather than once: the list of parts (0.5) still counts half a body word, and on the
seed this keeps every relevance case (once per weight put a concept page above the
answer for "reconstruction term"). Searching runs in Rust without Python per posting; the
time limit is checked before the search and the ranking checks, which cannot be
interrupted (at 100,000 questions a search takes milliseconds).
"""

from __future__ import annotations

import json
import time
from itertools import chain
from pathlib import Path

import tantivy

from search_api.analysis import SEGMENT_GAP, positioned_terms
from search_api.engines import Collected
from search_api.plan import Node, Plan, Terms
from search_api.records import Record

NAME = "tantivy"
WORD_FIELDS = ("text", "title", "headings", "math")
FILTER_FIELDS = ("id", "type", "collection", "concepts")
TOKEN_REPEATS = 2  # a `text` token is indexed this many times its part's weight (see above)
HEAP_BYTES = 256_000_000
MANAGED = ".managed.json"  # the files tantivy created and may delete once no segment uses them
LIVE_COUNT_LIMIT = 64  # the writer's buffer, split between its threads


def make_schema() -> tantivy.Schema:
    """The one tantivy schema: the writer below creates it, the reader reads it (see search_api.schema)."""
    builder = tantivy.SchemaBuilder()
    for name in FILTER_FIELDS:  # exact values, matched whole; `concepts` holds one value per slug
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("mentions", tokenizer_name="raw", index_option="freq")  # one slug per mention
    for name in WORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    builder.add_bytes_field("record", stored=True)  # Record.stored() as JSON
    return builder.build()


def _token(term: str, position: int) -> tantivy.Token:
    return tantivy.Token(term, position, 0, 0)


def _words(text: str) -> list[tantivy.Token]:
    """Our analyzer's terms of a text, at its positions."""
    return positioned_terms(text, make=_token)


def _text(segments: list[tuple[float, str]], title: list[tantivy.Token]) -> tantivy.PreTokenizedString:
    """The combined field: each part's tokens TOKEN_REPEATS times its weight at the same position, parts
    SEGMENT_GAP positions apart so no phrase spans two. (Adding a part's tokens once per repeat, as
    separate values of the field, would save Python work but changed every score: measured.)
    The first part is the title, whose tokens are those of the title field."""
    tokens, pos = [], 0
    for n, (boost, value) in enumerate(segments):
        words = title if n == 0 else positioned_terms(value, pos, make=_token) if value else None
        if not words:
            continue
        tokens += _repeated(words, max(1, round(boost * TOKEN_REPEATS)))
        pos = words[-1].position + SEGMENT_GAP
    return tantivy.PreTokenizedString("", tokens)


def _repeated(words: list[tantivy.Token], repeat: int) -> list[tantivy.Token]:
    """Each token `repeat` times, at its position."""
    return words if repeat == 1 else list(chain.from_iterable(zip(*[words] * repeat)))


def _document(record: Record) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", record.id)
    doc.add_text("type", record.type)
    if record.collection:
        doc.add_text("collection", record.collection)
    for slug in record.concepts:
        doc.add_text("concepts", slug)
    if record.mentions:
        doc.add_pre_tokenized_text("mentions", tantivy.PreTokenizedString(
            "", [tantivy.Token(slug, n, 0, 0) for n, slug in enumerate(record.mentions)]))
    title, headings = _words(record.searchable_title), _words(" ".join(record.headings))
    doc.add_pre_tokenized_text("text", _text(record.segments(), title))
    for name, words in (("title", title), ("headings", headings), ("math", _words(" ".join(record.math)))):
        # weighted as the combined field's body: what the relevance cases were tuned on
        doc.add_pre_tokenized_text(name, tantivy.PreTokenizedString("", _repeated(words, TOKEN_REPEATS)))
    doc.add_bytes("record", json.dumps(record.stored(), ensure_ascii=False).encode("utf-8"))
    return doc


def write(records: list[Record], directory: Path, procs: int = 1) -> None:
    """Write the records into a new tantivy index in `directory` (which must be empty or absent)."""
    directory.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(make_schema(), path=str(directory))
    _commit(index.writer(HEAP_BYTES, max(1, procs)), set(), records)


def join(parts: list[Path], directory: Path) -> None:
    """One index in `directory` (absent) of the indexes in `parts` (written by `write`), in that order.

    A tantivy index is a set of self-contained segments, named by random UUIDs, that meta.json
    lists: joining moves the segment files and lists them all, reading and rewriting nothing
    (a writer with N threads leaves N segments the same way). A searcher sums the BM25 statistics
    over segments, so scores are those of one index of all the records.
    """
    metas = [json.loads((part / "meta.json").read_text(encoding="utf-8")) for part in parts]
    if any(meta["schema"] != metas[0]["schema"] for meta in metas):
        raise ValueError("the indexes to join have different schemas")
    directory.mkdir(parents=True)
    managed: set[str] = set()
    for part in parts:
        managed.update(json.loads((part / MANAGED).read_text(encoding="utf-8")))
        for path in part.iterdir():
            if not path.name.startswith(".") and path.name != "meta.json":  # tantivy's locks and lists
                path.rename(directory / path.name)
    (directory / MANAGED).write_text(json.dumps(sorted(managed)), encoding="utf-8")
    meta = {**metas[0], "segments": [segment for meta in metas for segment in meta["segments"]],
            "opstamp": max(meta["opstamp"] for meta in metas)}
    (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def update(directory: Path, remove: set[str], records: list[Record]) -> None:
    """Delete the records with these ids and add these, in one commit."""
    _commit(tantivy.Index.open(str(directory)).writer(50_000_000, 1), remove, records)


def _commit(writer, remove: set[str], records: list[Record]) -> None:
    """Delete these ids, add these records, commit; nothing is committed when anything fails."""
    try:
        for record_id in remove:
            writer.delete_documents_by_term("id", record_id)
        for record in records:
            writer.add_document(_document(record))
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    writer.wait_merging_threads()


class Reader:
    """One thread's searcher over one tantivy index. Keys are (segment, doc) pairs."""

    def __init__(self, directory: Path):
        self.index = tantivy.Index.open(str(directory))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        # An incremental build deletes records; tantivy's document frequencies still count them
        # until segments merge (as Lucene's do), so rare terms are counted live (see doc_frequency).
        self.deletions = any(p.suffix == ".del" for p in Path(directory).iterdir())
        self._addresses: dict[tuple[int, int], object] = {}
        self._stored: dict[tuple[int, int], dict] = {}

    def doc_count(self) -> int:
        return self.searcher.num_docs

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Records holding the term: exact (live records only) below LIVE_COUNT_LIMIT, where it decides
        whether a word matches at all (`unmatched`, typos); above, deleted records may still count."""
        found = self.searcher.doc_freq(fieldname, term)
        if not found or not self.deletions or found > LIVE_COUNT_LIMIT:
            return found
        query = tantivy.Query.term_query(self.schema, fieldname, term, index_option="basic")
        return self.searcher.search(query, 1, count=True).count

    def query(self, node: Node) -> tantivy.Query:
        """The tantivy query of a plan node."""
        if isinstance(node, Terms):
            if len(node.terms) == 1:
                query = tantivy.Query.term_query(self.schema, node.field, node.terms[0], index_option="freq")
            else:
                query = tantivy.Query.phrase_query(self.schema, node.field, list(node.terms))
        else:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Should, self.query(o)) for o in node.options])
        return query if node.boost == 1.0 else tantivy.Query.boost_query(query, node.boost)

    def _filter(self, field: str, values: list[str]) -> tuple:
        """A clause that only restricts (scores nothing)."""
        return (tantivy.Occur.Must, tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(self.schema, field, values), 0.0))

    def search(self, plan: Plan, filters: dict[str, str], depth: int, deadline: float) -> Collected:
        if time.perf_counter() > deadline:
            return Collected([], 0, True)
        clauses = [(tantivy.Occur.Must, self.query(plan.required))]
        if plan.optional is not None:
            clauses.append((tantivy.Occur.Should, self.query(plan.optional)))
        clauses += [self._filter(name, [value]) for name, value in sorted(filters.items())]
        found = self.searcher.search(tantivy.Query.boolean_query(clauses), depth, count=True)
        self._addresses = {(a.segment_ord, a.doc): a for _, a in found.hits}
        self._stored = {key: json.loads(self.searcher.doc(a).get_first("record"))
                        for key, a in self._addresses.items()}
        return Collected([((a.segment_ord, a.doc), score) for score, a in found.hits], found.count,
                         time.perf_counter() > deadline)

    def concept_keys(self, keys) -> set:
        return {key for key in keys if self._stored[key]["type"] == "concept"}

    def matching(self, node: Node | None, keys) -> set:
        """Which of the keys (hits of the last search) the node matches: one search among them."""
        if node is None or not keys:
            return set()
        among = self._filter("id", [self._stored[key]["id"] for key in keys])
        found = self.searcher.search(tantivy.Query.boolean_query([(tantivy.Occur.Must, self.query(node)), among]),
                                     len(keys), count=False)
        return {(a.segment_ord, a.doc) for _, a in found.hits}

    def records(self, keys) -> list[dict]:
        return [self._stored[key] for key in keys]

    def stored_by_id(self, ids: list[str]) -> list[dict]:
        if not ids:
            return []
        found = self.searcher.search(tantivy.Query.term_set_query(self.schema, "id", list(ids)), len(ids),
                                     count=False)
        return [json.loads(self.searcher.doc(a).get_first("record")) for _, a in found.hits]

    def close(self) -> None:
        self.searcher = self.index = None


def open(directory: Path) -> Reader:  # noqa: A001 - the engine interface's name
    return Reader(directory)
