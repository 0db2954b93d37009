#!/usr/bin/env python3
"""Relevance across collections: hit@1, MRR@10 and recall@10 per kind of query, for the API with each
engine beside plain BM25, in one run.

The knowledge base is the seed (docs/: its collection and its concept pages) plus the six fixture
collections of tests/search/fixtures/multi/questions, each written in another style (interview lists,
an exam with parts and math, an FAQ of long questions, terse quiz answers, lecture notes with
headings, British spelling in one); the queries are tests/search/fixtures/multi/queries.tsv: keyword,
natural, paraphrase, typo and acronym. A query's expected id is a record (question or part); "q3*"
accepts the question or any of its parts.

  API, <engine>, <mode>   SearchIndex.search in-process, over an index built by the indexer: keyword
                  (the ranking of search_api.ranking), hybrid (fused with the embeddings, search_api.hybrid)
  embeddings alone  mode=semantic: the records nearest the query's all-MiniLM-L6-v2 embedding
  plain BM25      Okapi BM25 (k1 1.5, b 0.75, rank_bm25's BM25Okapi defaults, its idf floor) over the
                  same records' words, lower-cased, no stemming, typos, aliases or field weights

Results go to benchmarks/search_relevance.json and .md, with the command that produced them.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.concepts.concept import load_concepts  # noqa: E402
from search_api.engines import ENGINES  # noqa: E402
from search_api.indexer import build  # noqa: E402
from search_api.params import parse_params  # noqa: E402
from search_api.records import build_records  # noqa: E402
from search_api import semantic  # noqa: E402
from search_api.searcher import SearchIndex  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SUITE = REPO / "tests" / "search" / "fixtures" / "multi"
KINDS = ("keyword", "natural", "paraphrase", "typo", "acronym")
DEPTH = 10


def suite_docs(target: Path) -> Path:
    """A docs tree of the seed (questions and concepts) and the fixture collections, at `target`."""
    shutil.copytree(REPO / "docs", target)
    shutil.copytree(SUITE / "questions", target / "questions", dirs_exist_ok=True)
    return target


def load_queries(path: Path = SUITE / "queries.tsv") -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, query, expected ids) per line; # starts a comment line."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, q, expected = line.split("\t")
            cases.append((kind, q, tuple(expected.split())))
    return cases


def matches(hit_id: str, expected: str) -> bool:
    if expected.endswith("*"):
        return hit_id == expected[:-1] or hit_id.startswith(expected[:-1] + "#")
    return hit_id == expected


def rank_of(ids: list[str], expected: tuple[str, ...]) -> int | None:
    """1-based rank of the first hit that is an expected answer, within DEPTH; None when absent."""
    return next((n for n, hit in enumerate(ids[:DEPTH], 1) if any(matches(hit, e) for e in expected)), None)


def scores(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {"queries": len(ranks), "hit@1": round(sum(r == 1 for r in ranks) / n, 3),
            "mrr@10": round(sum(1 / r for r in ranks if r) / n, 3),
            "recall@10": round(sum(r is not None for r in ranks) / n, 3)}


def evaluate(search, cases) -> dict:
    """Scores overall and per kind of `search(q) -> ranked ids`, and the queries it misses at 1."""
    ranks = {kind: [] for kind in KINDS}
    missed = []
    took = []
    for kind, q, expected in cases:
        started = time.perf_counter()
        ids = search(q)
        took.append((time.perf_counter() - started) * 1000)
        rank = rank_of(ids, expected)
        ranks[kind].append(rank)
        if rank != 1:
            missed.append({"kind": kind, "q": q, "expected": list(expected), "rank": rank, "top": ids[:3]})
    out = {"overall": scores([r for kind in KINDS for r in ranks[kind]])}
    out.update({kind: scores(ranks[kind]) for kind in KINDS if ranks[kind]})
    out["missed"] = missed
    took.sort()
    out["latency_ms"] = {"p50": round(took[len(took) // 2], 2), "p99": round(took[int(len(took) * 0.99)], 2)}
    return out


def encoding_cost(docs: Path, rounds: int = 3) -> dict:
    """What the model costs: loading it, encoding records (per second, as a build does), encoding a query."""
    records = build_records(docs, load_concepts(docs))
    started = time.perf_counter()
    model = semantic.Encoder()
    loaded = time.perf_counter() - started
    texts = [semantic.record_text(r) for r in records]
    started = time.perf_counter()
    model.encode(texts)
    per_second = len(texts) / (time.perf_counter() - started)
    took = []
    for n, (_, q, _) in enumerate(load_queries()[:60]):
        started = time.perf_counter()
        model.encode([f"{q} {n}"], semantic.QUERY_TOKENS)
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return {"load_s": round(loaded, 2), "records_per_s": round(per_second, 1), "records": len(texts),
            "query_p50_ms": round(took[len(took) // 2], 1), "query_p99_ms": round(took[int(len(took) * 0.99)], 1)}


def api_search(index_root: Path, engine_name: str, **params):
    index = SearchIndex(index_root, engine=engine_name, cache_size=0)
    return lambda q: [r["id"] for r in index.search(parse_params({"q": q, "limit": str(DEPTH), **params}))["results"]]


# --- plain BM25, the baseline ---------------------------------------------------------------------

WORDS = re.compile(r"\w+")


def plain_bm25(docs: Path, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25):
    """rank_bm25's BM25Okapi over the records' words (so the same ids as the API's)."""
    records = build_records(docs, load_concepts(docs))
    bags = [Counter(WORDS.findall(r.text.lower())) for r in records]
    lengths = [sum(bag.values()) for bag in bags]
    average = sum(lengths) / len(lengths)
    df = Counter(word for bag in bags for word in bag)
    idf = {w: math.log(len(bags) - n + 0.5) - math.log(n + 0.5) for w, n in df.items()}
    floor = epsilon * sum(idf.values()) / len(idf)
    idf = {w: v if v >= 0 else floor for w, v in idf.items()}

    def search(q: str) -> list[str]:
        words = WORDS.findall(q.lower())
        scored = []
        for n, bag in enumerate(bags):
            s = sum(idf.get(w, 0.0) * bag[w] * (k1 + 1) / (bag[w] + k1 * (1 - b + b * lengths[n] / average))
                    for w in words if w in bag)
            if s > 0:
                scored.append((-s, n))
        return [records[n].id for _, n in sorted(scored)[:DEPTH]]
    return search


# --- the run --------------------------------------------------------------------------------------


def systems(docs: Path, work: Path, engines: list[str]) -> dict:
    """name -> search function, each index built here."""
    found = {}
    for engine_name in engines:
        index = work / f"index-{engine_name}"
        started = time.perf_counter()
        build(docs, index, engine_name=engine_name)
        found[f"build, {engine_name}"] = round(time.perf_counter() - started, 2)
        found[f"API, {engine_name}, keyword"] = api_search(index, engine_name, mode="keyword")
        if semantic.enabled():
            found[f"API, {engine_name}, hybrid"] = api_search(index, engine_name, mode="hybrid")
    if semantic.enabled():
        found["embeddings alone (all-MiniLM-L6-v2, cosine)"] = api_search(index, engine_name, mode="semantic")
    found["plain BM25"] = plain_bm25(docs)
    return found


def run(engines: list[str]) -> dict:
    cases = load_queries()
    with tempfile.TemporaryDirectory() as tmp:
        docs = suite_docs(Path(tmp) / "docs")
        collections = sorted(p.name for p in (docs / "questions").iterdir() if p.is_dir())
        pages = sum(1 for p in (docs / "questions").rglob("q*.md"))
        results, builds = {}, {}
        for name, search in systems(docs, Path(tmp), engines).items():
            if name.startswith("build, "):
                builds[name[len("build, "):]] = search
                continue
            started = time.perf_counter()
            results[name] = evaluate(search, cases)
            results[name]["seconds"] = round(time.perf_counter() - started, 2)
        encoding = encoding_cost(docs) if semantic.enabled() else None
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "collections": collections,
            "question_pages": pages, "queries": len(cases), "kinds": dict(Counter(k for k, _, _ in cases)),
            "build_seconds": builds, "semantic": semantic.enabled(), "systems": results,
            "encoding": encoding}


def write_markdown(results: dict, path: Path) -> None:
    lines = ["# Search relevance across collections", "",
             f"{results['question_pages']} question pages in {len(results['collections'])} collections "
             f"({', '.join(results['collections'])}) and the seed's concept pages; {results['queries']} queries "
             f"({', '.join(f'{n} {k}' for k, n in results['kinds'].items())}), from "
             "`tests/search/fixtures/multi/`. MRR@10 overall and per kind; hit@1 and recall@10 overall. "
             f"Run {results['date'][:16]} with `{results['command']}`; index builds (with embeddings: "
             f"{results['semantic']}) took " + ", ".join(f"{s} s ({e})" for e, s in results["build_seconds"].items())
             + " on a busy 2-core machine.", "",
             "| system | hit@1 | MRR@10 | recall@10 | " + " | ".join(KINDS) + " |",
             "|---|---|---|---|" + "---|" * len(KINDS)]
    for name, r in results["systems"].items():
        o = r["overall"]
        lines.append(f"| {name} | {o['hit@1']} | {o['mrr@10']} | {o['recall@10']} | "
                     + " | ".join(str(r[k]["mrr@10"]) for k in KINDS if k in r) + " |")
    lines += ["", "In-process latency on this small index (ms, p50 / p99): " + "; ".join(
        f"{name} {r['latency_ms']['p50']} / {r['latency_ms']['p99']}" for name, r in results["systems"].items()) + "."]
    if results.get("encoding"):
        e = results["encoding"]
        lines += ["", f"The model: loaded in {e['load_s']} s; {e['records_per_s']} records encoded per second "
                  f"({semantic.DOC_TOKENS} tokens at most, {e['records']} records); a query encoded in "
                  f"{e['query_p50_ms']} ms at the median, {e['query_p99_ms']} ms at p99 (one process, numpy's BLAS)."]
    for name, r in results["systems"].items():
        if name.startswith("API") and name.endswith("hybrid") and r["missed"]:
            lines += ["", f"Not first with {name} ({len(r['missed'])}): "
                      + "; ".join(f"\"{m['q']}\" ({m['kind']}, rank {m['rank'] or '>10'})" for m in r["missed"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(sorted(ENGINES)))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "search_relevance.json")
    args = parser.parse_args(argv)
    results = run(args.engines.split(","))
    results["command"] = "python scripts/bench_relevance.py" + (f" {' '.join(argv)}" if argv else "")
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    write_markdown(results, args.out.with_suffix(".md"))
    for name, r in results["systems"].items():
        print(name, r["overall"], {k: r[k]["mrr@10"] for k in KINDS if k in r})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] if len(sys.argv) > 1 else None))
