#!/usr/bin/env python3
"""Benchmark serving set-ups side by side: throughput, and /search latency while slow clients hold connections.

For each set-up of scripts/serve.py (same worker processes, same index of docs/, the
answer cache off so every search costs its CPU), in one run, in interleaved rounds
(the set-ups take turns, in a rotating order, so a change in the machine's load
hits them alike; each figure is the median over the rounds):

  throughput  N concurrent clients, one connection per request, for some seconds:
              requests per second, p50, p99
  slow        S connections that send their request headers a byte at a time and
              never finish, held open while the same clients measure /search:
              p50, p99 and the requests that failed or took longer than the timeout

Set-ups: gunicorn's sync workers (what `make serve` ran before), gunicorn's gthread
workers, and waitress inside gunicorn's worker processes (what it runs now).
Results go to benchmarks/serve.json; benchmarks/serve.md comments them.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search_api.indexer import build  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SETUPS = {
    "gunicorn sync (before)": ["--worker-class", "sync"],
    "gunicorn gthread, 4 threads": ["--worker-class", "gthread", "--threads", "4"],
    "waitress in gunicorn processes, 4 threads": ["--worker-class", "waitress", "--threads", "4"],
    "waitress in gunicorn processes, 1 thread": ["--worker-class", "waitress", "--threads", "1"],
}
QUERIES = ["inductive bias", "inductve bias", "attention", "QK^T", "O(n^2 d)", "Kullback-Leibler", "ELBO", "VAE",
           "translation invariance", "dropout", "batch normalization", "pooling", "latent dimension", "softmax",
           "universal approximation", "gradient descent"]


class Served:
    """scripts/serve.py on a free port of 127.0.0.1, API only, answer cache off."""

    def __init__(self, index: Path, workers: int, extra: list[str]):
        command = [sys.executable, str(REPO / "scripts" / "serve.py"), "--port", "0", "--no-site",
                   "--index", str(index), "--workers", str(workers), *extra]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        env={**os.environ, "KB_SEARCH_CACHE": "0"}, start_new_session=True)
        for line in self.process.stdout:
            if "http://127.0.0.1:" in line:
                self.port = int(line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
                threading.Thread(target=self.process.stdout.read, daemon=True).start()
                return
        raise RuntimeError("serve.py did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class SlowClients:
    """`count` connections sending `GET ... HTTP/1.1` and headers one byte per `interval`, never ending them;
    a connection the server closes is opened again (and counted)."""

    HEAD = b"GET /search?q=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "

    def __init__(self, port: int, count: int, interval: float = 0.5):
        self.port, self.count, self.interval = port, count, interval
        self.reopened, self._stop = 0, threading.Event()
        self.sockets = [self._open() for _ in range(count)]
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        sock.sendall(self.HEAD[:1])
        return sock

    def _trickle(self) -> None:
        sent = itertools.count(1)
        while not self._stop.wait(self.interval):
            n = next(sent)
            for i, sock in enumerate(self.sockets):
                try:
                    sock.sendall(self.HEAD[n:n + 1] if n < len(self.HEAD) else b"a")
                except OSError:
                    sock.close()
                    self.reopened += 1
                    try:
                        self.sockets[i] = self._open()
                    except OSError:
                        pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.sockets:
            sock.close()


def one_request(port: int, path: str, timeout: float) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        ok = response.status == 200
    except OSError:
        ok = False
    return ok, time.perf_counter() - started


def load(port: int, clients: int, seconds: float, timeout: float) -> dict:
    """`clients` threads asking /search in a loop for `seconds`; a failure counts at its full duration."""
    deadline = time.monotonic() + seconds

    def client(n: int) -> list[tuple[bool, float]]:
        results = []
        for q in itertools.islice(itertools.cycle(QUERIES), n, None):
            if time.monotonic() > deadline:
                return results
            results.append(one_request(port, f"/search?q={quote(q)}&page={1 + n % 3}", timeout))
        return results

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [r for rs in pool.map(client, range(clients)) for r in rs]
    elapsed = time.perf_counter() - started
    times = sorted(t for _, t in results)
    failed = sum(1 for ok, _ in results if not ok)
    return {"requests": len(results), "failed_or_timed_out": failed, "ok_per_s": round((len(results) - failed) / elapsed, 1),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1)}


def run_setup(index: Path, extra: list[str], args) -> dict:
    server = Served(index, args.workers, extra)
    try:
        load(server.port, args.clients, 1.0, args.timeout)  # warm-up: searchers opened in every process
        result = {"throughput": load(server.port, args.clients, args.seconds, args.timeout)}
        slow = SlowClients(server.port, args.slow)
        try:
            time.sleep(1.0)  # let every slow connection be accepted and start trickling
            result["slow"] = load(server.port, args.clients, args.seconds, args.timeout)
            result["slow"]["slow_connections"] = args.slow
            result["slow"]["slow_connections_reopened"] = slow.reopened
        finally:
            slow.close()
        return result
    finally:
        server.stop()


def summary(rounds: list[dict]) -> dict:
    """Median of each figure over the rounds; failures summed."""
    out = {}
    for key in rounds[0]:
        values = [r[key] for r in rounds]
        out[key] = sum(values) if key.startswith(("failed", "requests", "slow_connections_reopened")) \
            else statistics.median(values)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes per set-up")
    parser.add_argument("--clients", type=int, default=8, help="concurrent normal clients")
    parser.add_argument("--slow", type=int, default=50, help="slow connections held open")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="turns each set-up takes")
    parser.add_argument("--timeout", type=float, default=5.0, help="a request slower than this failed")
    parser.add_argument("--only", action="append", choices=sorted(SETUPS), help="run only these set-ups")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "serve.json")
    args = parser.parse_args(argv)
    names = [name for name in SETUPS if not args.only or name in args.only]
    rounds: dict[str, list[dict]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / ".index"
        build(REPO / "docs", index)
        for n in range(args.rounds):
            for name in names[n % len(names):] + names[:n % len(names)]:
                rounds[name].append(run_setup(index, SETUPS[name], args))
                print(f"round {n + 1}, {name}:\n  {json.dumps(rounds[name][-1])}", flush=True)
    results = {name: {"throughput": summary([r["throughput"] for r in runs]),
                      "slow": summary([r["slow"] for r in runs]), "rounds": runs} for name, runs in rounds.items()}
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.platform(),
              "cores": os.cpu_count(), "load_average_at_end": os.getloadavg(), "python": platform.python_version(),
              "settings": {k: getattr(args, k) for k in ("workers", "clients", "slow", "seconds", "rounds", "timeout")},
              "command": "python scripts/bench_serve.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "setups": results}
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\n| set-up | req/s | p50 ms | p99 ms | with {args.slow} slow: req/s | p50 ms | p99 ms | failed |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        t, w = r["throughput"], r["slow"]
        print(f"| {name} | {t['ok_per_s']} | {t['p50_ms']} | {t['p99_ms']} | {w['ok_per_s']} | {w['p50_ms']} | "
              f"{w['p99_ms']} | {w['failed_or_timed_out']} of {w['requests']} |")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
