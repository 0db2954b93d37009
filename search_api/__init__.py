"""The search API: `create_app(config)` builds the Flask app; nothing is read at import time.

Configuration, lowest precedence first: defaults, environment variables, the
`config` mapping passed in.

| key               | environment            | default   | meaning                                         |
|-------------------|------------------------|-----------|-------------------------------------------------|
| INDEX_DIR         | KB_INDEX_DIR           | `.index`  | index directory written by scripts/build_index.py |
| SITE_DIR          | KB_SITE_DIR            | none      | built MkDocs site served at / (none: API only)  |
| CORS_ORIGINS      | KB_CORS_ORIGINS        | none      | origins allowed to call the API from a browser (comma-separated) |
| SEARCH_TIME_LIMIT | KB_SEARCH_TIME_LIMIT   | `1.0`     | seconds per search (matching, snippets) before partial results |
| SEARCH_CACHE      | KB_SEARCH_CACHE        | `512`     | answers kept per worker thread for identical requests (0: off) |
| ENGINE            | KB_ENGINE              | none      | the engine the index must be built by (`whoosh`, `tantivy`; none: the build's own) |
| SITE_URL          | KB_SITE_URL            | none      | the site's public address: hit URLs are absolute under it (none: paths from the API's root) |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider

from search_api.engines import engine

ENVIRONMENT = {
    "INDEX_DIR": "KB_INDEX_DIR",
    "SITE_DIR": "KB_SITE_DIR",
    "CORS_ORIGINS": "KB_CORS_ORIGINS",
    "SEARCH_TIME_LIMIT": "KB_SEARCH_TIME_LIMIT",
    "SEARCH_CACHE": "KB_SEARCH_CACHE",
    "ENGINE": "KB_ENGINE",
    "SITE_URL": "KB_SITE_URL",
}
API_PATHS = ("/search", "/health", "/openapi.json")
# The longest URL (path and query, as sent) answered; longer is a 414 in the JSON error shape. The server
# in front may stop far longer request lines itself (scripts/serve.py: also in the JSON shape).
MAX_URL_BYTES = 8190


class SafeJSONProvider(DefaultJSONProvider):
    """JSON whose bytes never contain < > &, so no document or query text can read as markup."""

    sort_keys = False

    def dumps(self, obj, **kwargs) -> str:
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _settings(config: Mapping | None) -> dict:
    settings = {"INDEX_DIR": ".index", "SITE_DIR": None, "CORS_ORIGINS": (), "SEARCH_TIME_LIMIT": 1.0,
                "SEARCH_CACHE": 512, "ENGINE": None, "SITE_URL": None}
    for key, var in ENVIRONMENT.items():
        if os.environ.get(var):
            settings[key] = os.environ[var]
    settings.update(config or {})
    origins = settings["CORS_ORIGINS"]
    if isinstance(origins, str):
        origins = [o.strip() for o in origins.split(",")]
    settings["CORS_ORIGINS"] = tuple(o.rstrip("/") for o in origins if o)
    settings["SEARCH_TIME_LIMIT"] = float(settings["SEARCH_TIME_LIMIT"])
    settings["SEARCH_CACHE"] = int(settings["SEARCH_CACHE"])
    settings["INDEX_DIR"] = Path(settings["INDEX_DIR"])
    if settings["ENGINE"]:
        engine(settings["ENGINE"])  # an unknown engine is a configuration error now, not a 503 later
    settings["SITE_URL"] = (settings["SITE_URL"] or "").rstrip("/") or None
    settings["DEBUG"] = False  # never: the debugger would execute code for anyone who can reach it
    settings["PROPAGATE_EXCEPTIONS"] = False
    return settings


def create_app(config: Mapping | None = None) -> Flask:
    """The API (and the built site when SITE_DIR is set) as a WSGI app."""
    from search_api import errors, site, views
    from search_api.searcher import SearchIndex

    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(_settings(config))
    app.json = SafeJSONProvider(app)
    app.extensions["search_index"] = SearchIndex(app.config["INDEX_DIR"], app.config["SEARCH_TIME_LIMIT"],
                                                 app.config["SEARCH_CACHE"], app.config["ENGINE"])
    errors.register(app)
    app.register_blueprint(views.bp)
    if app.config["SITE_DIR"]:
        app.register_blueprint(site.bp)
    app.before_request(_url_length)
    app.after_request(_headers)
    return app


def _url_length():
    url = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or request.full_path
    if len(url) > MAX_URL_BYTES:
        abort(414)


def _headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "application/json":
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    allowed = current_app.config["CORS_ORIGINS"]
    if allowed and request.path in API_PATHS:
        response.vary.add("Origin")
        origin = request.headers.get("Origin", "").rstrip("/")
        if origin and ("*" in allowed or origin in allowed):
            response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Max-Age"] = "600"
    return response


__all__ = ["create_app"]
