"""End to end: the real build, the real index and `scripts/serve.py` (waitress in gunicorn's processes) on a free
127.0.0.1 port; slow clients, oversized requests and rebuilds of the site under load."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kb.site.config import write_config
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

    def __init__(self, index: Path, site: Path | None, workers: int = 2, extra: tuple = ()):
        args = [sys.executable, str(REPO / "scripts" / "serve.py"), "--port", "0", "--index", str(index),
                "--workers", str(workers), *extra]
        args += ["--site", str(site)] if site else ["--no-site"]
        self.process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self.lines = lines = queue.Queue()
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

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def get(self, path: str, method: str = "GET", headers: dict | None = None,
            timeout: float = 20) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path.lstrip("/"), method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def log(self) -> str:
        """Everything the server has printed so far (stdout and stderr)."""
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return "".join(self.output)

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
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=REPO,
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
        assert str(tmp_path) not in body["error"]["message"] and "/" + tmp_path.parts[1] not in str(body)
        assert server.get("/")[0] == 404  # --no-site: the API only
        shutil.copytree(REPO / "tests" / "search" / "fixtures" / "docs", tmp_path / "docs")
        build(tmp_path / "docs", tmp_path / ".index")
        status, body = server.json("/search?q=attention")
        assert status == 200 and body["results"]
    finally:
        server.stop()


class SlowClients:
    """`count` connections to 127.0.0.1 sending a request's headers one byte every `interval`, never ending them."""

    HEAD = b"GET /search?q=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "

    def __init__(self, port: int, count: int, interval: float = 0.2):
        self.sockets = [socket.create_connection(("127.0.0.1", port), timeout=2) for _ in range(count)]
        self.stop, self.interval = threading.Event(), interval
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        for n in range(10_000):  # bounded: stops by itself after at most interval × 10,000 s
            for sock in self.sockets:
                try:
                    sock.sendall(self.HEAD[n:n + 1] if n < len(self.HEAD) else b"a")
                except OSError:
                    pass
            if self.stop.wait(self.interval):
                return

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_fifty_slow_clients_do_not_stop_normal_ones(world):
    """With gunicorn's sync workers (one request at a time each) two such clients stopped the server."""
    server = world["server"]
    slow = SlowClients(server.port, 50)
    try:
        time.sleep(0.5)  # every slow connection accepted and trickling
        timings = []
        for q in ["attention", "inductive+bias", "VAE", "pooling", "ELBO"] * 6:
            started = time.perf_counter()
            status, _, body = server.get(f"/search?q={q}", timeout=3)
            timings.append(time.perf_counter() - started)
            assert status == 200 and json.loads(body)["results"]
        assert server.get("/questions/deep-learning-exam-answers/q6/", timeout=3)[0] == 200
    finally:
        slow.close()
    assert max(timings) < 1.0, timings  # 30 requests: the slowest is the p99


def raw_request(port: int, head: bytes) -> tuple[int, dict, bytes]:
    """Send `head` (after its request line, Connection: close) and read the whole answer."""
    line, rest = head.split(b"\r\n", 1)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(line + b"\r\nConnection: close\r\n" + rest)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    top, _, body = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def test_oversized_requests_get_the_json_error_shape(world):
    port = world["server"].port
    cases = [(b"GET /search?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 414, "uri_too_long"),
             (b"GET /search?q=" + b"x" * 40_000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 431, "headers_too_large"),
             (b"GET /search?q=x HTTP/1.1\r\nHost: h\r\nX-Big: " + b"x" * 40_000 + b"\r\n\r\n", 431,
              "headers_too_large"),
             (b"GET /search?q=x HTTP/1.1\r\nHost: h\r\n" + b"X-Many: y\r\n" * 4000 + b"\r\n", 431,
              "headers_too_large"),
             (b"GET /search?q=x HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n", 400, "bad_request")]
    for head, status, code in cases:
        got, headers, body = raw_request(port, head)
        assert got == status and headers["content-type"] == "application/json", (got, headers, body[:200])
        error = json.loads(body)["error"]
        assert error == {"status": status, "code": code, "message": error["message"]} and error["message"]
        assert b"<" not in body


def test_symlinks_out_of_the_site_are_not_followed(world, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:secret")
    link = world["site"] / "assets" / "p.css"
    link.symlink_to(secret)
    inner = world["site"] / "assets" / "home.html"
    inner.symlink_to(world["site"] / "index.html")  # a link that stays inside the site is a file of the site
    try:
        status, _, body = world["server"].get("/assets/p.css")
        assert status == 404 and b"secret" not in body
        assert world["server"].get("/assets/home.html")[0] == 200
    finally:
        link.unlink()
        inner.unlink()


def test_integers_are_ascii_digits_only_over_http(world):
    for value in ("%D9%A5", "%EF%BC%95", "5%C2%A0"):  # Arabic-Indic five, fullwidth five, no-break space
        status, body = world["server"].json(f"/search?q=attention&limit={value}")
        assert status == 400 and body["error"]["code"] == "bad_limit"
    assert world["server"].json("/search?q=attention&limit=5")[1]["limit"] == 5


def build_site(site: Path, config: Path, wait: bool = True):
    command = [sys.executable, str(REPO / "scripts" / "build_site.py"), "--site", str(site), "-f", str(config), "-q"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if wait:
        return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def running_with(text: str) -> list[int]:
    """Live processes whose command line contains `text` (from /proc: Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_bytes().decode(errors="replace") \
                    and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_rebuilding_the_site_never_takes_it_down(world, tmp_path):
    """Pages asked in a loop while the site is rebuilt: killed mid-build, then well, then badly (a page fails
    --strict). With `mkdocs build` in place about one request in seven was a 404, and none after a failure."""
    docs = Path(shutil.copytree(REPO / "docs", tmp_path / "docs"))
    config, site = write_config(REPO, docs, tmp_path / "mkdocs.yml"), tmp_path / "site"
    first = Path(shutil.copytree(world["site"], tmp_path / "site.20000101T000000000000Z-1"))  # as built before
    site.symlink_to(first.name)
    server = Served(world["index"], site)
    pages = ["/", "/questions/deep-learning-exam-answers/q6/", "/concepts/", "/api/", "/search/search_index.json"]
    answers, failures, stop = [0], [], threading.Event()

    def reader():
        for n in range(100_000):  # bounded; stopped by the test
            if stop.wait(0.01):
                return
            status, _, _ = server.get(pages[n % len(pages)], timeout=10)
            answers[0] += 1
            if status != 200:
                failures.append((pages[n % len(pages)], status))

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        # A killed build, killed once MkDocs is writing: nothing served changes, nothing keeps running.
        killed = build_site(site, config, wait=False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(tmp_path.glob("site.build-*/*")):
            time.sleep(0.02)
        killed.kill()
        killed.wait()
        assert site.resolve() == first and list(tmp_path.glob("site.build-*"))
        time.sleep(0.3)  # the kernel ends MkDocs at once; left alone it would write on for a second or more
        assert not running_with(str(tmp_path / "site.build-"))  # MkDocs died with the build
        # A good build: its change is served once it is done, and what the killed build left is gone.
        question = docs / "questions" / "deep-learning-exam-answers" / "q6.md"
        question.write_text(question.read_text(encoding="utf-8") + "\nOkapi marker sentence.\n", encoding="utf-8")
        assert build_site(site, config).returncode == 0
        assert b"Okapi marker" in server.get("/questions/deep-learning-exam-answers/q6/")[2]
        assert not list(tmp_path.glob("site.build-*")) and site.resolve() != first
        good = site.resolve()
        # A failing build: a page with a broken link fails --strict; the last good build stays served.
        (docs / "broken.md").write_text("# Broken\n\n[nowhere](nowhere.md)\n", encoding="utf-8")
        failed = build_site(site, config)
        assert failed.returncode != 0 and "nowhere.md" in failed.stderr and site.resolve() == good
        assert not list(tmp_path.glob("site.build-*"))
    finally:
        stop.set()
        for thread in readers:
            thread.join()
        server.stop()
    assert failures == [] and answers[0] > 20
    assert b"Okapi marker" in good.joinpath("questions/deep-learning-exam-answers/q6/index.html").read_bytes()


def test_hit_urls_follow_the_prefix_the_api_is_mounted_under(world):
    mounted = Served(world["index"], None, workers=1, extra=("--prefix", "/kb"))
    try:
        status, _, body = mounted.get("/kb/search?q=inductive+bias")
        urls = [r["url"] for r in json.loads(body)["results"]]
        assert status == 200 and urls and all(u.startswith("/kb/questions/") or u.startswith("/kb/concepts/")
                                              for u in urls)
        plain = world["server"].json("/search?q=inductive+bias")[1]["results"]
        assert urls == ["/kb" + r["url"] for r in plain]
    finally:
        mounted.stop()
