"""The Whoosh reader scores a plan as Whoosh's own query objects do, every match counted, and stops at the deadline."""

import random

import pytest
from whoosh.query import AndMaybe, Or, Phrase, Term

from search_api.engines import whoosh_engine
from search_api.plan import Terms, make_plan
from search_api.query import parse
from search_api.records import Record

COMMON = "model layer network the of a what is".split()  # in most records: they only rank (plan.COMMON_SHARE)
RARE = ("gradient descent momentum bias variance hidden kernel pooling stride latent decoder encoder "
        "attention softmax dropout weight decay batch norm non-zero").split()
QUERIES = ["gradient descent", "hidden layer kernel", '"hidden layer"', "latent decoder attention",
           "what is the bias of a model", "weight decay dropout batch", "momentum", "softmax attention pooling",
           "the kernel of a layer", "non-zero stride", "model network layer", "bias network"]


def _records(rng: random.Random, count: int, start: int = 0) -> list[Record]:
    records = []
    for n in range(start, start + count):
        title = " ".join(rng.choices(COMMON, k=rng.randint(0, 2)) + rng.choices(RARE, k=rng.randint(1, 3)))
        body = " ".join(rng.choices(COMMON, k=rng.randint(3, 40)) + rng.choices(RARE, k=rng.randint(1, 4)))
        records.append(Record(id=f"c/q{n}", type="question", title=title, url=f"/q{n}/", body=body))
    return records


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """1,200 records in three segments, some deleted: big enough for a query's best 30 to fill up."""
    directory = tmp_path_factory.mktemp("whoosh-scoring") / "engine"
    rng = random.Random(12)
    whoosh_engine.write(_records(rng, 1200), directory)
    whoosh_engine.update(directory, {f"c/q{n}" for n in range(0, 1200, 7)}, _records(rng, 40, 1200))
    whoosh_engine.update(directory, {f"c/q{n}" for n in range(3, 1200, 11)}, _records(rng, 40, 1240))
    opened = whoosh_engine.open(directory)
    assert len(opened.segments) > 1 and opened.deletions
    yield opened
    opened.close()


def _whoosh_query(node):
    """Whoosh's own query of a plan node."""
    if isinstance(node, Terms):
        if len(node.terms) == 1:
            return Term(node.field, node.terms[0], boost=node.boost)
        return Phrase(node.field, list(node.terms), boost=node.boost)
    return Or([_whoosh_query(option) for option in node.options], boost=node.boost)


def _every_match(reader, plan) -> dict[int, float]:
    """Every record the plan matches with its score, by Whoosh searching without a limit (nothing pruned)."""
    query = _whoosh_query(plan.required)
    if plan.optional is not None:
        query = AndMaybe(query, _whoosh_query(plan.optional))
    return {hit.docnum: hit.score for hit in reader.searcher.search(query, limit=None)}


@pytest.mark.parametrize("q", QUERIES)
def test_search_scores_as_whoosh_and_counts_every_match(reader, q):
    plan = make_plan(q, parse(q), reader)
    expected = _every_match(reader, plan)
    found = reader.search(plan, {}, 30, float("inf"))
    assert found.total == len(expected) and not found.timed_out
    assert len(found.hits) == min(30, len(expected))
    for docnum, score in found.hits:
        assert score == pytest.approx(expected[docnum], rel=1e-12)
    # The best 30 by score, ties in document order.
    assert found.hits == sorted(found.hits, key=lambda hit: (-hit[1], hit[0]))
    worst = found.hits[-1][1] if found.hits else 0
    assert all(score <= worst * (1 + 1e-12) for docnum, score in expected.items() if docnum not in dict(found.hits))


def test_filters_count_only_allowed_records(reader):
    plan = make_plan("gradient descent", parse("gradient descent"), reader)
    everything = reader.search(plan, {}, 2000, float("inf"))
    allowed = reader._docs((("type", "question"),))
    filtered = reader.search(plan, {"type": "question"}, 2000, float("inf"))
    assert filtered.total == len([d for d, _ in everything.hits if d in allowed]) > 0
    assert reader.search(plan, {"type": "concept"}, 30, float("inf")).total == 0


@pytest.mark.parametrize("q", ["hidden layer kernel", '"hidden layer"'])
def test_matching_agrees_with_the_search(reader, q):
    plan = make_plan(q, parse(q), reader)
    keys = [docnum for docnum, _ in reader.search(plan, {}, 30, float("inf")).hits]
    for node in plan.exact:
        expected = {d for d in _every_match_of(reader, node)}
        assert reader.matching(node, keys) == expected & set(keys)


def _every_match_of(reader, node) -> set[int]:
    return set(reader.searcher.docs_for_query(_whoosh_query(node)))


def test_a_search_out_of_time_keeps_the_windows_it_finished(reader, monkeypatch):
    plan = make_plan("gradient descent", parse("gradient descent"), reader)
    first = reader.segments[0]
    monkeypatch.setattr(whoosh_engine, "WINDOW", 256)
    clock = iter([0.0, 2.0])  # the first window starts in time, the second does not
    monkeypatch.setattr(whoosh_engine.time, "perf_counter", lambda: next(clock, 2.0))
    found = reader.search(plan, {}, 2000, 1.0)
    expected = {d for d in _every_match(reader, plan) if first.offset <= d < first.offset + 256}
    assert found.timed_out and found.total == len(expected) > 0
    assert {docnum for docnum, _ in found.hits} == expected
