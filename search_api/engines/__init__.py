"""The search engines behind one interface: each module writes, updates and reads one kind of index.

An engine module has:

    NAME                                  its name in configuration and in a build's meta.json
    write(records, directory, procs)      a new index of these records in `directory` (absent or empty)
    update(directory, remove, records)    in an index directory (a private copy): delete the records whose
                                          ids are in `remove`, add `records`
    open(directory) -> Reader             one thread's reader of a published index
    join(parts, directory)                (optional) one index of indexes `write` made: an engine that has
                                          it is built by several processes, each writing a share of the
                                          pages (search_api.indexer); without it, records are read in
                                          parallel and `write` gets them all

and its Reader answers `doc_count()`, `doc_frequency(field, term)` (what `plan.Lexicon` asks),
`search(plan, filters, depth, deadline)`, `matching(node, keys)`, `records(keys)`,
`concept_keys(keys)` and `close()`. A key is whatever the engine uses to name a hit; it only
travels from `search` back into the same reader. Engines see only records (`records.Record`),
plans (`plan.Plan`) and plain values.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

ENGINES = {"whoosh": "search_api.engines.whoosh_engine", "tantivy": "search_api.engines.tantivy_engine"}
DEFAULT = "whoosh"


@dataclass
class Collected:
    """An engine's answer: the best hits by score (key, score), how many matched, whether time ran out."""

    hits: list[tuple[object, float]]
    total: int
    timed_out: bool = False


def engine(name: str):
    """The engine module called `name`; ValueError naming the known ones otherwise."""
    if name not in ENGINES:
        raise ValueError(f"unknown search engine {name!r}; known: {', '.join(ENGINES)}")
    return importlib.import_module(ENGINES[name])
