#!/usr/bin/env python3
"""Benchmark the search engines: index build, incremental update, in-process and HTTP latency; beside bare
Whoosh and SQLite FTS5, in the same run.

For each knowledge base (the seed in docs/, and generated ones of N questions written
from the seed's sentences and vocabulary, with the seed's concept pages), in one run:

  build        each engine's full build (scripts' indexer: records, analysis, writing), size on disk
  incremental  one page edited, then the default build (only that page re-read, published atomically)
  ours         SearchIndex.search in-process, per engine (safe parsing, typos, aliases, ranking,
               snippets; the answer cache off), p50/p99 over the query set
  http         scripts/serve.py (as `make serve` runs it, one process per core) over that engine's
               index, 1 and 8 concurrent clients, answer cache off
  bare         Whoosh alone on the Whoosh index: stock MultifieldParser over the same fields (text,
               title), search(limit=10), stock highlights of the body
  fts5         SQLite FTS5 (standard library) over the same records: porter tokenizer, bm25 weighted
               like our fields, snippet(); no typos or aliases; its build time counts reading the pages

Whoosh (and so bare Whoosh) is skipped above --whoosh-max questions: at 10,000 its build takes
minutes and its latency is what the scale engine is for. Results go to benchmarks/search.json and
benchmarks/search.md (cases not run this time are kept from the file), with the command and the
machine's load average before and after each case. Generated pages and indexes live in
benchmarks/generated/ (ignored by git).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.concepts.concept import load_concepts  # noqa: E402
from kb.pages import render_question, QuestionPage, Part  # noqa: E402
from search_api.engines import ENGINES  # noqa: E402
from search_api.indexer import ENGINE_DIR, MULTIPROCESS_PAGES, build  # noqa: E402
from search_api.params import parse_params  # noqa: E402
from search_api.records import build_records, question_pages  # noqa: E402
from search_api.searcher import SearchIndex  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / "generated"
QUERIES = [
    "inductive bias", "what is inductive bias", "inductve bias", "translation invariance", "QK^T", "O(n^2 d)",
    "\\sqrt{d}", "O(nd^2)", "Kullback-Leibler", "KL divergence", "ELBO", "VAE", "ConvNets", "EMA",
    "exponential moving average", "universal approximation theorem", "single hidden layer MLP",
    "why must the loss be a scalar", "loss.backward()", "backpropagaton", "atention complexity",
    "latent dimension classification accuracy", "rows with only one non-zero pixel", "attention map pixel",
    "\"hidden layer\"", "\"reverse process\"", "diffusion model reverse process", "sampling from the prior",
    "standard autoencoder generative model", "pooling", "weight sharing", "regularizatoin", "overfitting",
    "hierarchical features", "is convolution just linear", "advantages of CNN over MLP",
    "pros and cons of inductive bias", "why can't we compute the KL divergence", "softmax", "gradients",
]


# --- knowledge bases -------------------------------------------------------------------------------


def seed_docs() -> Path:
    """A copy of docs/ (the incremental measurement edits a page, and docs/ is other people's work)."""
    target = WORK / "docs-seed"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "docs", target)
    return target


def generated_docs(n: int, seed: int = 4) -> Path:
    """n question pages written from the seed's sentences, plus the seed's concept pages.

    Each generated question has a topic (one of the seed's questions): three quarters of its
    sentences come from that topic, the rest from any; one word in six is replaced by a word of a
    synthetic Zipf-distributed vocabulary of 30,000 made-up words, so term frequencies have the
    long tail of real text instead of every page repeating the same few hundred seed words.
    About 340 words per question; 0 to 4 parts.
    """
    target = WORK / f"docs-{n}"
    marker = target / ".complete"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    rng = random.Random(seed)
    topics = []
    for _, page in question_pages(REPO / "docs"):
        sentences = []
        for paragraph in re.split(r"\n\s*\n", page.body):
            paragraph = " ".join(paragraph.split())
            if paragraph and not paragraph.startswith("#"):
                sentences += [s for s in re.split(r"(?<=[.:])\s+(?=[A-Z$])", paragraph) if len(s) > 20]
        topics.append((page, sentences))
    everything = [s for _, sentences in topics for s in sentences]
    syllables = ["ka", "lo", "mi", "ver", "tan", "sor", "qui", "pel", "dra", "nu", "gem", "bix", "ro", "fal", "ste"]
    made_up = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(40000)})[:30000]
    rng.shuffle(made_up)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(made_up))))

    def paragraph(topic_sentences: list[str], words: int) -> str:
        out, count = [], 0
        while count < words:
            source = topic_sentences if rng.random() < 0.75 else everything
            sentence = rng.choice(source).split(" ")
            for i in range(len(sentence)):
                if sentence[i].isalpha() and rng.random() < 1 / 6:
                    sentence[i] = rng.choices(made_up, cum_weights=cumulative)[0]
            out.append(" ".join(sentence))
            count += len(sentence)
        return "\n\n".join(" ".join(out[i:i + 4]) for i in range(0, len(out), 4))

    folder = target / "questions" / "generated"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text("---\ncollection: generated\ntitle: Generated\n---\n# Generated\n")
    for number in range(1, n + 1):
        topic, sentences = rng.choice(topics)
        labels = "abcd"[:rng.choice([0, 0, 1, 2, 2, 3, 4])]
        titles = [p.title for p in topic.parts] or [topic.title]
        parts = [Part(label, f"{rng.choice(titles)} ({rng.choice(made_up[:3000])})", f"part-{label}")
                 for label in labels]
        body = [f"# Q{number}. Generated {number}", ""]
        for part in parts:
            body += [f"## ({part.label}) {part.title} {{#{part.anchor}}}", "", paragraph(sentences, 340 // len(parts)), ""]
        if not parts:
            body += [paragraph(sentences, 340), ""]
        page = QuestionPage(id=f"generated/q{number}", collection="generated", question=number,
                            title=f"{topic.title} ({rng.choice(made_up[:3000])})", parts=tuple(parts),
                            source_file="sources/generated.txt", source_lines=(1, 2), body="\n".join(body))
        (folder / f"q{number}.md").write_text(render_question(page), encoding="utf-8")
    shutil.copytree(REPO / "docs" / "concepts", target / "concepts")
    marker.touch()
    return target


LARGE_WORDS = ("quokka", "gradient", "layer", "network", "weight", "loss", "training", "model", "bias", "unit")
LARGE_QUERY, NORMAL_QUERY = "quokka", "pooling"  # one only the large page holds, one only the seed's pages


def large_page_docs(megabytes: float, seed: int = 4) -> Path:
    """The seed's docs plus one question page whose body is one line of `megabytes` MB of plain words
    (as an imported source could hold), every word a match of LARGE_QUERY or a common one."""
    target = WORK / f"docs-large-{megabytes:g}mb"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "docs", target)
    rng = random.Random(seed)
    words = rng.choices(LARGE_WORDS, k=int(megabytes * 1e6 / 7))
    page = QuestionPage(id="deep-learning-exam-answers/q999", collection="deep-learning-exam-answers",
                        question=999, title="A large page", parts=(), source_file="sources/large.txt",
                        source_lines=(1, 2), body="# Q999. A large page\n\n" + " ".join(words) + "\n")
    (target / "questions" / "deep-learning-exam-answers" / "q999.md").write_text(render_question(page),
                                                                                  encoding="utf-8")
    return target


# --- measurements ----------------------------------------------------------------------------------


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
            "mean_ms": round(statistics.fmean(ordered), 2), "samples": len(ordered)}


def timed(fn, queries: list[str], rounds: int) -> dict:
    for q in queries:  # warm up: open files, fill the OS cache, compile
        fn(q)
    samples = []
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def bench_ours(index: Path, rounds: int) -> dict:
    search = SearchIndex(index, cache_size=0)
    return timed(lambda q: search.search(parse_params({"q": q})), QUERIES, rounds)


def bench_incremental(docs: Path, index: Path, engine_name: str) -> dict:
    """Edit one question page (a sentence with a new word), build (incrementally), then put it back."""
    page = next((docs / "questions").rglob("q1.md"))
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\nAn edit for the benchmark mentions zanzibarite.\n", encoding="utf-8")
    try:
        report = build(docs, index, engine_name=engine_name)
        found = SearchIndex(index, cache_size=0).search(parse_params({"q": "zanzibarite"}))["total"]
    finally:
        page.write_text(original, encoding="utf-8")
    back = build(docs, index, engine_name=engine_name)
    if not (report.incremental and report.changed_pages == 1 and found > 0 and back.incremental):
        raise RuntimeError(f"the incremental build did not do its job: {report}, {found} hits")
    return {"seconds": round(report.seconds, 2), "changed_pages": report.changed_pages,
            "back_seconds": round(back.seconds, 2)}


def bench_bare_whoosh(index: Path, rounds: int) -> dict:
    from whoosh import index as whoosh_index
    from whoosh.qparser import MultifieldParser, OrGroup

    current = (index / "CURRENT").read_text().strip()
    searcher = whoosh_index.open_dir(str(index / current / ENGINE_DIR)).searcher()
    parser = MultifieldParser(["text", "title"], searcher.schema, group=OrGroup)
    errors = []

    def run(q: str):
        try:
            results = searcher.search(parser.parse(q), limit=10)
            return [hit.highlights("text", text=hit["record"]["body"]) for hit in results]
        except Exception as exc:  # the stock parser chokes on some input; counted, not hidden
            errors.append(f"{q}: {exc.__class__.__name__}")

    result = timed(run, QUERIES, rounds)
    result["errors"] = sorted(set(errors))
    if len(result["errors"]) > len(QUERIES) // 2:
        raise RuntimeError(f"bare Whoosh failed on most queries: {result['errors'][:3]}")
    return result


def build_fts5(docs: Path, path: Path) -> dict:
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    pages = sum(1 for _ in docs.rglob("*.md"))
    records = build_records(docs, load_concepts(docs), 2 if pages >= MULTIPROCESS_PAGES else 1)
    read = time.perf_counter() - started
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE records USING fts5(id UNINDEXED, title, headings, body, "
               "tokenize='porter unicode61')")
    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?)",
                   [(r.id, r.title, " ".join(r.headings + r.aliases), r.body) for r in records])
    db.commit()
    db.close()
    return {"seconds": round(time.perf_counter() - started, 2), "reading_pages_seconds": round(read, 2),
            "bytes": path.stat().st_size}


def bench_fts5(path: Path, rounds: int) -> dict:
    db = sqlite3.connect(path)

    def run(q: str):
        phrases = re.findall(r'"([^"]+)"', q)
        words = re.findall(r"\w+", re.sub(r'"[^"]*"', " ", q))
        terms = [f'"{p}"' for p in phrases] + [f'"{w}"' for w in words]
        if not terms:
            return []
        return db.execute("SELECT id, snippet(records, 3, '<mark>', '</mark>', '…', 24) FROM records "
                          "WHERE records MATCH ? ORDER BY bm25(records, 0, 3.0, 2.0, 1.0) LIMIT 10",
                          (" OR ".join(terms),)).fetchall()

    return timed(run, QUERIES, rounds)


class Server:
    """scripts/serve.py on a free port, as `make serve` runs it."""

    def __init__(self, index: Path, site: Path | None, cache: bool, threads: int = 1):
        args = [sys.executable, str(REPO / "scripts" / "serve.py"), "--port", "0", "--index", str(index),
                "--threads", str(threads)]
        args += ["--site", str(site)] if site else ["--no-site"]
        env = {**os.environ, "KB_SEARCH_CACHE": "512" if cache else "0"}
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                        start_new_session=True)
        for line in self.process.stdout:
            if match := re.search(r"http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(match.group(1))
                break
        else:
            raise RuntimeError("serve.py exited before it was ready")
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()

    def request(self, q: str) -> float:
        return self.request_path(f"/search?q={quote(q)}")

    def request_path(self, path: str) -> float:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path!r}: HTTP {response.status}")
        return (time.perf_counter() - started) * 1000

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


def bench_http(server: Server, clients: int, requests_per_client: int) -> dict:
    for q in QUERIES:  # warm up every worker's searcher
        server.request(q)
        server.request(q)

    def client(n: int) -> list[float]:
        order = QUERIES[n % len(QUERIES):] + QUERIES[:n % len(QUERIES)]
        return [server.request(order[i % len(order)]) for i in range(requests_per_client)]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        samples = [ms for run in pool.map(client, range(clients)) for ms in run]
    elapsed = time.perf_counter() - started
    return {**percentiles(samples), "requests_per_s": round(len(samples) / elapsed, 1), "clients": clients}


def bench_large_page(megabytes: float, engine_name: str, requests: int) -> dict:
    """Over HTTP, with the answer cache off: a search hitting the large page beside one hitting only normal
    pages (1 client, alternating, same server), and /health while 8 clients search the large page."""
    docs = large_page_docs(megabytes)
    index = WORK / f"index-large-{engine_name}"
    shutil.rmtree(index, ignore_errors=True)
    before = load()
    report = build(docs, index, engine_name=engine_name, full=True)
    server = Server(index, None, cache=False, threads=4)
    try:
        for q in (LARGE_QUERY, NORMAL_QUERY) * 4:  # warm up every worker's searcher
            server.request(q)
        large, normal = [], []
        for _ in range(requests):
            large.append(server.request(LARGE_QUERY))
            normal.append(server.request(NORMAL_QUERY))
        stop = threading.Event()

        def hammer(_) -> int:
            count = 0
            while not stop.is_set():
                server.request(LARGE_QUERY)
                count += 1
            return count

        with ThreadPoolExecutor(8) as pool:
            busy = pool.map(hammer, range(8))
            time.sleep(0.5)
            health = [server.request_path("/health") for _ in range(requests)]
            stop.set()
            searches = sum(busy)
    finally:
        server.stop()
    return {"megabytes": megabytes, "engine": engine_name, "build_seconds": round(report.seconds, 2),
            "large": percentiles(large), "normal": percentiles(normal),
            "health_under_8": {**percentiles(health), "searches_meanwhile": searches},
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "load": [before[0], load()[0]]}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_engine(name: str, engine_name: str, docs: Path, rounds: int, http_requests: int, site: Path | None) -> dict:
    index = WORK / f"index-{name}-{engine_name}"
    shutil.rmtree(index, ignore_errors=True)
    print(f"[{name}] {engine_name}: building the index from {docs} ...", flush=True)
    before = load()
    report = build(docs, index, engine_name=engine_name, full=True)
    out = {"records": report.documents, "questions": report.counts.get("question", 0),
           "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "build": {"seconds": round(report.seconds, 2), "bytes": report.bytes}}
    print(f"[{name}] {engine_name}: {report.documents} records in {report.seconds:.1f} s; searching ...", flush=True)
    out["ours"] = bench_ours(index, rounds)
    out["incremental"] = bench_incremental(docs, index, engine_name)
    print(f"[{name}] {engine_name}: one edited page in {out['incremental']['seconds']} s; HTTP ...", flush=True)
    server = Server(index, site, cache=False)
    try:
        out["http"] = {f"{c}_clients": bench_http(server, c, http_requests // c) for c in (1, 8)}
    finally:
        server.stop()
    out["load"] = [before[0], load()[0]]
    return out


def merged(case: dict, old: dict | None) -> dict:
    """A case measured for some engines, with the other engines' results (and bare Whoosh's) kept from the
    last run that measured them; each engine's row carries its own date and load."""
    if not old:
        return case
    for engine_name, measured in old["engines"].items():
        if engine_name not in case["engines"]:
            measured.setdefault("date", old["date"])
            measured.setdefault("load", [old["load_before"][0], old["load_after"][0]])
            case["engines"][engine_name] = measured
            if engine_name == "whoosh" and "bare_whoosh" in old and "bare_whoosh" not in case:
                case["bare_whoosh"] = {**old["bare_whoosh"], "date": measured["date"]}
    case["engines"] = dict(sorted(case["engines"].items()))
    return case


def run_case(name: str, docs: Path, rounds: int, http_requests: int, site: Path | None, engines: list[str]) -> dict:
    case = {"load_before": load(), "engines": {}}
    for engine_name in engines:
        case["engines"][engine_name] = run_engine(name, engine_name, docs, rounds, http_requests, site)
    first = next(iter(case["engines"].values()))
    case["questions"], case["records"] = first["questions"], first["records"]
    if "whoosh" in case["engines"]:
        case["bare_whoosh"] = bench_bare_whoosh(WORK / f"index-{name}-whoosh", rounds)
    fts = WORK / f"fts5-{name}.sqlite"
    case["fts5_build"] = build_fts5(docs, fts)
    case["fts5"] = bench_fts5(fts, rounds)
    case["load_after"] = load()
    print(f"[{name}] done: {json.dumps(case)}", flush=True)
    return case


def _ms(m: dict | None) -> str:
    return f"{m['p50_ms']} / {m['p99_ms']}" if m else "–"


def growth(cases: dict) -> list[str]:
    """How each cost grows from one generated size to the next, per engine (factors beside the size's)."""
    lines = []
    sized = sorted((c["questions"], c) for name, c in cases.items() if name != "seed")
    for engine_name in sorted({e for _, c in sized for e in c["engines"]}):
        points = [(n, c["engines"][engine_name]) for n, c in sized if engine_name in c["engines"]]
        steps = []
        for (n0, a), (n1, b) in zip(points, points[1:]):
            def f(get):
                before, after = get(a), get(b)
                return f"×{after / before:.1f}" if before else "–"
            steps.append(f"{n0:,} → {n1:,} questions (×{n1 / n0:g}): build {f(lambda e: e['build']['seconds'])}, "
                         f"index size {f(lambda e: e['build']['bytes'])}, edit {f(lambda e: e['incremental']['seconds'])}, "
                         f"p50 {f(lambda e: e['ours']['p50_ms'])}, p99 {f(lambda e: e['ours']['p99_ms'])}, "
                         f"HTTP p99 at 8 clients {f(lambda e: e['http']['8_clients']['p99_ms'])}")
        if steps:
            lines += ["", f"Growth, {engine_name}: " + "; ".join(steps) + "."]
    return lines


def _load(case: dict, measured: dict) -> list[float]:
    return measured.get("load") or [case["load_before"][0], case["load_after"][0]]


def write_markdown(results: dict, path: Path) -> None:
    lines = ["# Search benchmark", "",
             f"Machine: {results['machine']}. Latencies in milliseconds (p50 / p99) over the "
             f"{len(QUERIES)} queries listed below. `ours` is the API's search in-process with that engine; "
             "`bare Whoosh` is Whoosh alone (stock parser, search, stock highlights) on the Whoosh index; "
             "`FTS5` is SQLite FTS5 on the same records (no typos, aliases or ranking of ours); `HTTP` is "
             "`scripts/serve.py` (one process per core, waitress in each) with the answer cache off, the clients "
             "threads on the same machine. Build times include reading and reducing the pages (FTS5's too); "
             "`edit` is the default build after one page was edited (incremental: that page re-read, the "
             "build published atomically). Load is the 1-minute load average before / after that engine's "
             "measurements (other people's work shares the 2 cores); `run` is when they started.", "",
             "| knowledge base | engine | records | build s | index MB | edit s | ours | HTTP 1 client "
             "| HTTP 8 clients | req/s at 8 | bare Whoosh | FTS5 (build s) | load | run |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in results["cases"].items():
        for engine_name, e in c["engines"].items():
            h1, h8 = e["http"]["1_clients"], e["http"]["8_clients"]
            lines.append(
                f"| {name} | {engine_name} | {e['records']} | {e['build']['seconds']} | "
                f"{e['build']['bytes'] / 1e6:.1f} | {e['incremental']['seconds']}{'*' if 'command' in e['incremental'] else ''} "
                f"| {_ms(e['ours'])} | {_ms(h1)} "
                f"| {_ms(h8)} | {h8['requests_per_s']} | {_ms(c.get('bare_whoosh'))} | {_ms(c['fts5'])} "
                f"({c['fts5_build']['seconds']}) | {' / '.join(map(str, _load(c, e)))} | {e.get('date', c['date'])[:16]} |")
    remeasured = sorted({e["incremental"]["command"] for c in results["cases"].values() for e in c["engines"].values()
                         if "command" in e["incremental"]})
    if remeasured:
        lines += ["", "\\* re-measured on the same indexes, after the change that skips pages whose size and "
                  "modification time are unchanged, by " + ", ".join(f"`{c}`" for c in remeasured) + "."]
    lines += growth(results["cases"])
    for name, c in results["cases"].items():
        if c.get("bare_whoosh", {}).get("errors"):
            lines += ["", f"Bare Whoosh's stock parser failed on {len(c['bare_whoosh']['errors'])} queries "
                      f"({name}): " + "; ".join(c["bare_whoosh"]["errors"])]
    if results.get("large_page"):
        lines += ["", "## One large page", "",
                  "The seed plus one question page whose body is one line of plain words (`--large-page MB`), over "
                  f"HTTP with the answer cache off: `{LARGE_QUERY}` hits the large page, `{NORMAL_QUERY}` only normal "
                  "pages (one client, alternating, same server), and `/health` while 8 clients search the large "
                  "page. Milliseconds, p50 / p99.", "",
                  "| engine | page MB | large-page search | normal search | /health under 8 | load | run |",
                  "|---|---|---|---|---|---|---|"]
        for engine_name, m in sorted(results["large_page"].items()):
            lines.append(f"| {engine_name} | {m['megabytes']:g} | {_ms(m['large'])} | {_ms(m['normal'])} | "
                         f"{_ms(m['health_under_8'])} | {' / '.join(map(str, m['load']))} | {m['date'][:16]} |")
        if results.get("large_page_note"):
            lines += ["", results["large_page_note"]]
    if results.get("note"):
        lines += ["", results["note"]]
    lines += ["", "Commands: " + "; ".join(f"`{c}`" for c in results.get("commands", [])) + ".",
              "", "Queries: " + ", ".join(f"`{q}`" for q in QUERIES) + ".", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_search.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="seed,1000,10000",
                        help="comma-separated: seed and/or numbers of questions (also 50000, 100000)")
    parser.add_argument("--engines", default=",".join(sorted(ENGINES)), help="comma-separated engines to measure")
    parser.add_argument("--whoosh-max", type=int, default=10000, help="largest size Whoosh is measured at")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the query set in-process")
    parser.add_argument("--http-requests", type=int, default=400, help="requests per HTTP run (split among clients)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "search.json")
    parser.add_argument("--note", default="", help="a remark to keep with the results (the machine's state; "
                                                   "with --large-page, with that table)")
    parser.add_argument("--incremental-only", action="store_true",
                        help="only re-measure the one-page edit on the indexes a previous run left in "
                             "benchmarks/generated/ (after one unmeasured edit, so page sizes and times are known)")
    parser.add_argument("--large-page", metavar="MB", type=float, default=None,
                        help="only measure searches over the seed plus one page of MB megabytes (see 'One large page')")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    given = argv if argv is not None else sys.argv[1:]
    shown = [a for i, a in enumerate(given) if a != "--note" and (i == 0 or given[i - 1] != "--note")]
    command = "python scripts/bench_search.py " + " ".join(shown)  # the note is kept apart, with the results
    results = {"machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}",
               "note": args.note if args.large_page is None else "", "queries": QUERIES, "commands": [], "cases": {},
               "large_page": {}}
    site = REPO / "site" if (REPO / "site" / "index.html").is_file() else None
    if args.out.exists():  # keep the cases not run this time (the big ones take minutes)
        kept = json.loads(args.out.read_text(encoding="utf-8"))
        results["cases"] = {name: case for name, case in kept["cases"].items() if "engines" in case}
        results["commands"] = kept.get("commands", []) if results["cases"] else []
        results["note"] = (args.large_page is None and args.note) or kept.get("note", "")
        results["large_page"] = kept.get("large_page", {})
        results["large_page_note"] = kept.get("large_page_note", "")
    if args.large_page is not None:
        results["large_page_note"] = args.note or results.get("large_page_note", "")
    results["commands"] = [c for c in results["commands"] if c != command] + [command]
    if args.large_page is not None:
        for engine_name in args.engines.split(","):
            print(f"[large page] {engine_name}: {args.large_page:g} MB ...", flush=True)
            results["large_page"][engine_name] = {**bench_large_page(args.large_page, engine_name, args.rounds * 4),
                                                  "command": command}
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(results, args.out.with_suffix(".md"))
        print(f"wrote {args.out} and {args.out.with_suffix('.md')}")
        return 0
    for size in args.sizes.split(",") if args.incremental_only else ():
        name = size if size == "seed" else f"{int(size):,} questions"
        docs = seed_docs() if size == "seed" else generated_docs(int(size))
        for engine_name, measured in results["cases"][name]["engines"].items():
            index = WORK / f"index-{size}-{engine_name}"
            bench_incremental(docs, index, engine_name)
            measured["incremental"] = {**bench_incremental(docs, index, engine_name), "command": command,
                                       "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                       "load": load()}
            print(f"[{name}] {engine_name}: one edited page in {measured['incremental']['seconds']} s", flush=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(results, args.out.with_suffix(".md"))
    for size in args.sizes.split(",") if not args.incremental_only else ():
        docs = seed_docs() if size == "seed" else generated_docs(int(size))
        name = size if size == "seed" else f"{int(size):,} questions"
        engines = [e for e in args.engines.split(",") if e != "whoosh" or size == "seed" or int(size) <= args.whoosh_max]
        date = datetime.now(timezone.utc).isoformat(timespec="seconds")
        results["cases"][name] = merged({"date": date, "command": command,
                                         **run_case(size, docs, args.rounds, args.http_requests,
                                                    site if size == "seed" else None, engines)},
                                        results["cases"].get(name))
        args.out.parent.mkdir(parents=True, exist_ok=True)  # after each case: a long run keeps what it measured
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(results, args.out.with_suffix(".md"))
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
