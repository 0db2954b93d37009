"""End to end: the real build, the real index and `scripts/serve.py` (gunicorn) on a free 127.0.0.1 port."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search_api.indexer import build

REPO = Path(__file__).resolve().parents[2]
ZEBRA = """---
id: deep-learning-exam-answers/q99
collection: deep-learning-exam-answers
question: 99
title: Zebra stripes
parts: []
source: {file: sources/deep-learning-exam-answers.txt, lines: [1, 2]}
hash: sha256:test
---
# Q99. Zebra stripes

Why does a zebra have stripes?
"""


class Served:
    """`scripts/serve.py --port 0` in a subprocess; knows its URL once the server says it is ready."""

    def __init__(self, index: Path, site: Path | None, workers: int = 2):
        args = [sys.executable, str(REPO / "scripts" / "serve.py"), "--port", "0", "--index", str(index),
                "--workers", str(workers)]
        args += ["--site", str(site)] if site else ["--no-site"]
        self.process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        self.output, deadline = [], time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            if "http://127.0.0.1:" in line:
                self.url = line.split("http://", 1)[1].split("/", 1)[0]
                self.url = f"http://{self.url}/"
                return
        self.stop()
        raise RuntimeError("serve.py did not print its URL:\n" + "".join(self.output))

    def get(self, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path.lstrip("/"), method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, path: str) -> tuple[int, dict]:
        status, _, body = self.get(path)
        return status, json.loads(body)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A copy of docs/, its built site and index, and serve.py over them."""
    work = tmp_path_factory.mktemp("e2e")
    docs = Path(shutil.copytree(REPO / "docs", work / "docs"))
    site = work / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=REPO,
                            capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    build(docs, work / ".index")
    served = Served(work / ".index", site)
    yield {"docs": docs, "site": site, "index": work / ".index", "server": served}
    served.stop()


def test_prints_the_url_and_serves_site_and_api_on_one_origin(world):
    server = world["server"]
    assert server.url.startswith("http://127.0.0.1:")
    status, headers, body = server.get("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"Deep-learning exam" in body
    assert server.get("/questions/deep-learning-exam-answers/q6/")[0] == 200
    assert server.get("/api/")[0] == 200
    assert server.get("/search/search_index.json")[0] == 200  # Material's own search still works
    status, response = server.json("/search?q=inductve+bias")
    assert status == 200 and response["suggestion"] == "inductive bias"
    assert response["results"][0]["id"].startswith("deep-learning-exam-answers/q6")
    assert response["results"][0]["url"].startswith("/questions/deep-learning-exam-answers/q6/")
    assert server.get(response["results"][0]["url"])[0] == 200  # the deep link resolves on the same origin
    assert server.json("/health")[1]["documents"] > 0
    assert server.get("/openapi.json")[0] == 200
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_errors_over_http_are_json(world):
    server = world["server"]
    for path, method, status, code in [("/search?q=", "GET", 400, "empty_query"),
                                       ("/search?q=" + "x" * 3000, "GET", 400, "query_too_long"),
                                       ("/search?q=" + "%C3%A9" * 1300, "GET", 400, "query_too_long"),
                                       ("/search?q=x", "POST", 405, "method_not_allowed"),
                                       ("/search/nothing", "GET", 404, "not_found")]:
        got, headers, body = server.get(path, method=method)
        assert got == status and headers["Content-Type"] == "application/json"
        assert json.loads(body)["error"]["code"] == code
    status, _, body = server.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E+attention")
    assert status == 200 and b"<script" not in body and b"<" not in body


def test_eight_concurrent_clients(world):
    server = world["server"]
    queries = ["inductive+bias", "QK%5ET", "Kullback-Leibler", "ELBO", "atention", "VAE", "O(n%5E2+d)", "pooling"]
    expected = {q: server.json(f"/search?q={q}")[1]["results"] for q in queries}

    def client(n: int) -> list[bool]:
        return [server.json(f"/search?q={q}")[1]["results"] == expected[q]
                for q in queries[n % 8:] + queries[:n % 8] for _ in range(2)]

    with ThreadPoolExecutor(8) as pool:
        outcomes = [ok for run in pool.map(client, range(8)) for ok in run]
    assert len(outcomes) == 128 and all(outcomes)


def test_a_rebuilt_index_is_served_without_restart_or_failed_requests(world):
    server = world["server"]
    before = server.json("/health")[1]["version"]
    assert server.json("/search?q=zebra")[1]["results"] == []
    failures, stop = [], threading.Event()

    def hammer():
        while not stop.is_set():
            status, _, body = server.get("/search?q=inductive+bias")
            if status != 200 or not json.loads(body)["results"]:
                failures.append((status, body[:200]))

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        (world["docs"] / "questions" / "deep-learning-exam-answers" / "q99.md").write_text(ZEBRA)
        build(world["docs"], world["index"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not server.json("/search?q=zebra")[1]["results"]:
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    results = server.json("/search?q=zebra")[1]["results"]
    assert [r["id"] for r in results] == ["deep-learning-exam-answers/q99"]
    assert server.json("/health")[1]["version"] != before


def test_a_server_started_before_the_index_is_built(tmp_path):
    server = Served(tmp_path / ".index", None, workers=1)
    try:
        status, body = server.json("/search?q=attention")
        assert status == 503 and "build_index.py" in body["error"]["message"]
        assert server.get("/")[0] == 404  # --no-site: the API only
        shutil.copytree(REPO / "tests" / "search" / "fixtures" / "docs", tmp_path / "docs")
        build(tmp_path / "docs", tmp_path / ".index")
        status, body = server.json("/search?q=attention")
        assert status == 200 and body["results"]
    finally:
        server.stop()
