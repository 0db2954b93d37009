"""The site and the search API from one process, for the browser tests of search (test_find.py,
test_header_search.py): `create_app` under a real WSGI server on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from search_api import create_app
from search_api.indexer import build as build_index
from sitekit import REPO, ServerThread, build_site


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args):  # keep test output readable
        pass


class AppServer(ServerThread):
    """`create_app` (the built site at /, the API at /search) under a real WSGI server."""

    def __init__(self, app):
        super().__init__(make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler))

    def api(self, **params) -> dict:
        query = urllib.request.Request(self.url + "search?" + "&".join(f"{k}={urllib.request.quote(str(v))}"
                                                                        for k, v in params.items()))
        with urllib.request.urlopen(query, timeout=10) as response:
            return json.load(response)


def serve_site_and_api(work: Path):
    """A context manager: the repo's site and index built under `work`, served with the API.

    The port is taken first so that the site's URL names it."""
    site, index = work / "site", work / "index"
    build_index(REPO / "docs", index)
    server = AppServer(create_app({"INDEX_DIR": index, "SITE_DIR": site}))
    result = build_site(site, site_url=server.url)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return server
