#!/usr/bin/env python3
"""Serve the built site at / and the search API at /search on 127.0.0.1, under gunicorn.

Run `mkdocs build --strict` and `scripts/build_index.py` first (`make serve`
does all three). Each worker process creates the app after the fork and opens
its index searcher on its first request, never before. Prints the URL when
ready; --port 0 picks a free port (the printed URL says which).

Why gunicorn with sync workers: on two cores a search is CPU-bound pure Python,
so one process per core is what scales (threads share one GIL); see
benchmarks/search.md for the measurements.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gunicorn.app.base import BaseApplication  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    print(f"Serving the site and the search API at http://{host}:{port}/ (search: http://{host}:{port}/search?q=...)"
          " - press Ctrl-C to stop", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 = any free)")
    parser.add_argument("--site", type=Path, default=PROJECT_ROOT / "site", help="built site (default: site/)")
    parser.add_argument("--no-site", action="store_true", help="serve the API only")
    parser.add_argument("--index", type=Path, default=PROJECT_ROOT / ".index", help="index (default: .index/)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes (default: cores)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1 uses gthread workers)")
    parser.add_argument("--cors", default=os.environ.get("KB_CORS_ORIGINS", ""),
                        help="comma-separated origins allowed to call the API from other sites")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    site = None if args.no_site else args.site
    if site is not None and not (site / "index.html").is_file():
        print(f"serve.py: no built site in {site}; run `mkdocs build --strict` (or use --no-site)", file=sys.stderr)
        return 1
    if not (args.index / "CURRENT").is_file():
        print(f"serve.py: warning: no index in {args.index}; /search answers 503 until "
              "`python scripts/build_index.py` has run", file=sys.stderr)
    options = {
        "bind": f"127.0.0.1:{args.port}",
        "workers": args.workers,
        "worker_class": "gthread" if args.threads > 1 else "sync",
        "threads": args.threads,
        "preload_app": False,  # each worker builds the app (and later its searcher) after the fork
        "timeout": 30,
        # gunicorn's largest request line, so an over-long ?q= still gets the API's JSON error.
        "limit_request_line": 8190,
        "graceful_timeout": 5,
        "when_ready": _when_ready,
        "accesslog": "-" if args.access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "dl-exam-kb",
    }
    config = {"INDEX_DIR": args.index, "SITE_DIR": site, "CORS_ORIGINS": args.cors}
    Server(config, options).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
