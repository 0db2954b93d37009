"""Two replicas (two real `scripts/serve.py` processes on 127.0.0.1) over one index directory, republished
while clients search both: no request fails, and both serve the new build (every engine)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from search_api import store
from search_api.indexer import build

HERE = Path(__file__).parent
ZEBRA = """---
id: sample-exam/q9
collection: sample-exam
question: 9
title: Zebra stripes
parts: []
source: {file: sources/sample-exam.txt, lines: [1, 2]}
hash: sha256:test
---
# Q9. Zebra stripes

Why does a zebra have stripes?
"""


def served_class():
    spec = importlib.util.spec_from_file_location("search_test_server", HERE / "test_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Served


def fetch(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_two_replicas_follow_a_republished_index_without_failing_a_request(tmp_path, fixture_docs, engine_name):
    docs = Path(shutil.copytree(fixture_docs, tmp_path / "docs"))
    index = tmp_path / "shared-index"  # one volume both replicas read; only the builder writes it
    build(docs, index, engine_name=engine_name)
    Served = served_class()
    replicas = [Served(index, None, workers=1), Served(index, None, workers=1)]
    failures, versions, stop = [], [set(), set()], threading.Event()

    def client(n: int) -> None:
        while not stop.is_set():
            for path in ("search?q=zebra+dropout", "health"):
                try:
                    status, body = fetch(replicas[n].url + path)
                except Exception as exc:  # a refused or reset connection is a failed request too
                    failures.append(f"replica {n} {path}: {exc!r}")
                    continue
                if status != 200:
                    failures.append(f"replica {n} {path}: HTTP {status}")
                elif path == "health":
                    versions[n].add(body["version"])

    clients = [threading.Thread(target=client, args=(n,)) for n in (0, 1) for _ in range(2)]
    try:
        for thread in clients:
            thread.start()
        # Both replicas answer before the index changes (a worker's first search loads the model, seconds on a
        # loaded machine): otherwise neither is seen serving the old build.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(versions):
            time.sleep(0.1)
        (docs / "questions" / "sample-exam" / "q9.md").write_text(ZEBRA, encoding="utf-8")
        assert build(docs, index, engine_name=engine_name).incremental  # republished: one page added
        time.sleep(0.5)
        final = build(docs, index, engine_name=engine_name, full=True).version  # and once more, in full
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(final in seen for seen in versions):
            time.sleep(0.1)
        stop.set()
        for thread in clients:
            thread.join(30)
        for replica in replicas:
            status, body = fetch(replica.url + "search?q=zebra")
            assert status == 200 and [r["id"] for r in body["results"]][:1] == ["sample-exam/q9"]
            assert fetch(replica.url + "health")[1]["version"] == final == store.current_version(index)
    finally:
        stop.set()
        for replica in replicas:
            replica.stop()
    assert failures == []
    assert all(len(seen) >= 2 and final in seen for seen in versions), versions  # each saw the old and the new
