#!/usr/bin/env python3
"""Serve the built site at / and the search API at /search (127.0.0.1 unless --host): gunicorn's processes, waitress in each.

Run `scripts/build_site.py` and `scripts/build_index.py` first (`make serve`
does both). Each worker process creates the app after the fork and opens its
index searcher on its first request, never before. The site directory may be
the `site -> site.<build>` link that build_site.py switches: it is followed on
every request. Prints the URL when ready; --port 0 picks a free port (the
printed URL says which). --host 0.0.0.0 serves the LAN; --prefix /kb (or the
SCRIPT_NAME environment variable) serves under a sub-path behind a reverse proxy
that passes the prefix on (deploy/nginx.conf).

Why this set-up (numbers in benchmarks/serve.md, made by scripts/bench_serve.py):
- one process per core, forked and supervised by gunicorn's arbiter (a dead one is
  restarted; Ctrl-C or SIGTERM stops them all): a search is CPU-bound pure
  Python, and threads in one process share one GIL;
- waitress inside each process instead of gunicorn's own workers: its event loop
  reads every request whole before handing it to a thread, so a client sending
  its headers a byte at a time costs a socket, not a worker. With gunicorn's sync
  workers two such clients stopped the server. --worker-class sync|gthread
  runs gunicorn's own workers instead, for comparison;
- a process accepts a connection only while it has a thread free (`Admission`):
  the processes share one listening socket, and a busy one would otherwise
  queue requests behind its running search while another process stood idle.
For the public internet put a buffering reverse proxy in front (see README).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gunicorn.app.base import BaseApplication  # noqa: E402
from gunicorn.workers.base import Worker  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# waitress's bound on the request line plus headers; past it the answer is a JSON 431. The app itself
# answers 414 in JSON above 8 KB of URL (search_api.MAX_URL_BYTES), so this is only the outer wall.
MAX_HEADER_BYTES = 32 * 1024
CONNECTIONS_PER_PROCESS = 1000  # open connections, slow ones included, before a process stops accepting
IDLE_TIMEOUT = 30  # seconds without a byte before waitress closes a connection


def _json_error_channel(admission: Admission | None = None):
    """waitress's connection class, answering its own errors (oversized headers, bad request line) in the
    API's one JSON error shape instead of plain text, and telling `admission` when a request is done."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    from search_api.errors import HTTP_CODES

    class JSONErrorTask(ErrorTask):
        def execute(self):
            error = self.request.error
            code = HTTP_CODES.get(error.code, "internal_error" if error.code >= 500 else "bad_request")
            if error.code == 431:
                message = f"{error.reason}: the request line and headers must be at most {MAX_HEADER_BYTES} bytes"
            else:  # waitress's detail says what was wrong ("Invalid header"), never where on disk
                message = f"{error.reason}: {error.body}" if error.body else error.reason
            body = json.dumps({"error": {"status": error.code, "code": code, "message": message}},
                              separators=(",", ":")).encode()
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend([("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")])
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class JSONErrorChannel(HTTPChannel):
        error_task_class = JSONErrorTask

        draining = False  # a thread is waiting for the event loop to send its output (over the high watermark)

        def service(self):
            try:
                super().service()
            finally:
                if admission is not None:
                    admission.done(self.server)

        def writable(self):
            # While a thread writes its answer it holds the output lock and sends the bytes itself (waitress's
            # send_bytes is 1): asking poll() about this socket then only wakes the event loop again and again
            # (120 times a request at 8 clients) to find the lock taken, and it takes the GIL from the thread.
            # The thread pulls the trigger when it leaves bytes behind, so the loop looks again then.
            if self.requests and not self.draining:
                if not self.outbuf_lock.acquire(blocking=False):
                    return False
                self.outbuf_lock.release()
            return super().writable()

        def _flush_outbufs_below_high_watermark(self):
            self.draining = True  # before it pulls the trigger and waits for the loop
            try:
                super()._flush_outbufs_below_high_watermark()
            finally:
                self.draining = False

        def handle_close(self):
            # Closing a socket with unread input makes the kernel send a reset, which can destroy our answer
            # before the client reads it (a 431 after an oversized header): read what already came first.
            try:
                for _ in range(16):
                    if not self.socket.recv(65536):
                        break
            except (OSError, AttributeError):
                pass
            super().handle_close()

    return JSONErrorChannel


class Admission:
    """One process's requests queued or running, and its listening sockets accepting only while they
    are fewer than its threads.

    gunicorn's processes share one listening socket and the kernel hands a connection to whichever
    process accepts it. waitress accepts whenever its event loop runs, so a process whose thread was
    busy took connections and queued their requests behind the running search while the other process
    stood idle (8 clients, 2 processes of 1 thread: 333 requests of 400 found the thread busy and
    waited in waitress's queue). Declining leaves the connection in the kernel's queue for a process with a
    free thread. A request counts from when waitress has read it whole, so slow clients hold sockets,
    never admission.
    """

    def __init__(self, threads: int):
        self.threads, self.pending, self.lock = threads, 0, threading.Lock()

    def install(self, server) -> None:
        """Count the requests `server` (a waitress listening server) hands to its threads; accept while there is room."""
        readable, add_task = server.readable, server.add_task

        def admitting() -> bool:
            accepting = readable()  # always called: it also closes idle connections now and then
            return accepting and self.pending < self.threads

        def counted(channel) -> None:
            with self.lock:
                self.pending += 1
            add_task(channel)

        server.readable, server.add_task = admitting, counted

    def done(self, server) -> None:
        """A request has been answered (or failed): room for one more; wake the event loop to accept it."""
        with self.lock:
            self.pending -= 1
        server.pull_trigger()


class WaitressWorker(Worker):
    """A gunicorn worker process serving with waitress on the listening socket gunicorn opened.

    The loop polls waitress's sockets for at most a second at a time, so the arbiter's
    heartbeat (notify) and its stop signal are seen however busy or slow the clients are.
    """

    def run(self):
        from waitress import wasyncore
        from waitress.server import BaseWSGIServer, create_server

        app = _access_logged(self.wsgi) if self.cfg.accesslog else self.wsgi
        sockets = {}
        server = create_server(app, map=sockets, sockets=[getattr(s, "sock", s) for s in self.sockets],
                               url_prefix=self.cfg.env.get("SCRIPT_NAME", ""),
                               threads=self.cfg.threads, connection_limit=CONNECTIONS_PER_PROCESS,
                               channel_timeout=IDLE_TIMEOUT, max_request_header_size=MAX_HEADER_BYTES,
                               max_request_body_size=64 * 1024, asyncore_use_poll=True, ident="dl-exam-kb")
        admission = Admission(self.cfg.threads)
        # waitress warns "Task queue depth is 1" whenever a request is queued before a thread that has just
        # finished is back waiting, which with admission is nearly every request under load: a line on
        # stderr per request, and no longer a sign of overload (waiting requests wait in the kernel now).
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        for listening in [s for s in sockets.values() if isinstance(s, BaseWSGIServer)]:
            admission.install(listening)
            listening.channel_class = _json_error_channel(admission)
        while self.alive and os.getppid() == self.ppid:
            self.notify()
            wasyncore.loop(timeout=1.0, map=sockets, use_poll=True, count=1)
        # Stopping: accept nothing new, let the requests in flight finish (within graceful_timeout).
        server.accepting = False
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline and any(getattr(c, "requests", None) or getattr(c, "total_outbufs_len", 0)
                                                  for c in list(sockets.values())):
            self.notify()
            wasyncore.loop(timeout=0.1, map=sockets, use_poll=True, count=1)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(sockets)


def _access_logged(app):
    """The WSGI app, printing one line per request to stderr (waitress has no access log of its own)."""
    def logged(environ, start_response):
        started = time.perf_counter()

        def start(status, headers, exc_info=None):
            print(f'{environ.get("REMOTE_ADDR", "-")} "{environ["REQUEST_METHOD"]} {environ.get("REQUEST_URI", "")}" '
                  f'{status.split()[0]} {(time.perf_counter() - started) * 1000:.0f} ms', file=sys.stderr, flush=True)
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return logged


WORKER_CLASSES = {"waitress": WaitressWorker, "sync": "sync", "gthread": "gthread"}


class Server(BaseApplication):
    """gunicorn, configured from arguments instead of a config file or the command line."""

    def __init__(self, app_config: dict, options: dict):
        self.app_config, self.options = app_config, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from search_api import create_app

        return create_app(self.app_config)


def _when_ready(server) -> None:
    host, port = server.LISTENERS[0].sock.getsockname()[:2]
    root = f"http://{host}:{port}{server.cfg.env.get('SCRIPT_NAME', '')}/"
    print(f"Serving the site and the search API at {root} (search: {root}search?q=...) - press Ctrl-C to stop",
          flush=True)
    if host in ("0.0.0.0", "::"):
        print("Listening on every interface: other machines reach it at this machine's address, port "
              f"{port}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface, e.g. a LAN)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any free)")
    parser.add_argument("--prefix", default=os.environ.get("SCRIPT_NAME", ""),
                        help="URL path the app is mounted at behind a proxy, e.g. /kb (default: $SCRIPT_NAME or none)")
    parser.add_argument("--site", type=Path, default=PROJECT_ROOT / "site", help="built site (default: site/)")
    parser.add_argument("--no-site", action="store_true", help="serve the API only")
    parser.add_argument("--index", type=Path, default=PROJECT_ROOT / ".index", help="index (default: .index/)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes (default: cores)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per worker process running requests (default 4; sync workers: 1)")
    parser.add_argument("--worker-class", choices=sorted(WORKER_CLASSES), default="waitress",
                        help="waitress (default) or gunicorn's own sync or gthread workers, for comparison")
    parser.add_argument("--cors", default=os.environ.get("KB_CORS_ORIGINS", ""),
                        help="comma-separated origins allowed to call the API from other sites")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    prefix = "/" + args.prefix.strip("/") if args.prefix.strip("/") else ""
    site = None if args.no_site else args.site
    if site is not None and not (site / "index.html").is_file():
        print(f"serve.py: no built site in {site}; run `python scripts/build_site.py` (or use --no-site)",
              file=sys.stderr)
        return 1
    if not (args.index / "CURRENT").is_file():
        print(f"serve.py: warning: no index in {args.index}; /search answers 503 until "
              "`python scripts/build_index.py` has run", file=sys.stderr)
    options = {
        "bind": f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": WORKER_CLASSES[args.worker_class],
        "threads": 1 if args.worker_class == "sync" else args.threads,
        "preload_app": False,  # each worker builds the app (and later its searcher) after the fork
        "timeout": 30,
        # gunicorn's own workers only: its largest request line, so an over-long ?q= gets the API's JSON error.
        "limit_request_line": 8190,
        "graceful_timeout": 5,
        "when_ready": _when_ready,
        "accesslog": "-" if args.access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "dl-exam-kb",
        # waitress strips it from PATH_INFO into SCRIPT_NAME (its url_prefix); gunicorn's own workers read the same.
        "raw_env": [f"SCRIPT_NAME={prefix}"] if prefix else [],
    }
    config = {"INDEX_DIR": args.index, "SITE_DIR": site, "CORS_ORIGINS": args.cors}
    Server(config, options).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
