"""One JSON error shape for every error: {"error": {"status": 400, "code": "empty_query", "message": "..."}}.

Anything a client can send ends in one of these; an unexpected exception is
logged and answered with a generic 500 in the same shape, never a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from search_api.params import QueryError
from search_api.store import IndexUnavailable

log = logging.getLogger(__name__)

# Codes for HTTP errors raised by routing rather than by our code.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    414: "uri_too_long",
    431: "headers_too_large",
}
# Every code the API can answer with, for the docs and the OpenAPI description.
ERROR_CODES = {
    "missing_query": 400, "empty_query": 400, "query_too_long": 400, "bad_limit": 400, "bad_page": 400,
    "bad_mode": 400, "mode_unavailable": 400, "bad_type": 400, "bad_concept": 400, "bad_collection": 400,
    "bad_encoding": 400, "bad_request": 400,
    "not_found": 404,
    "method_not_allowed": 405, "request_too_large": 413, "uri_too_long": 414, "headers_too_large": 431,
    "internal_error": 500, "index_unavailable": 503,
}
# The 503 message: how to fix it, without the server's paths.
PUBLIC_INDEX_UNAVAILABLE = ("No readable search index yet. Build it with `python scripts/build_index.py` "
                            "(or `make index`), then retry; the server picks it up without a restart.")


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"status": status, "code": code, "message": message}})
    response.status_code = status
    return response


def _query_error(exc: QueryError):
    return error_response(400, exc.code, exc.message)


def _index_unavailable(exc: IndexUnavailable):
    # The exception names the server's own paths: they go to the log, the client gets what to do.
    log.warning("search index unavailable: %s", exc)
    response = error_response(503, "index_unavailable", PUBLIC_INDEX_UNAVAILABLE)
    response.headers["Retry-After"] = "10"
    return response


def _http_error(exc: HTTPException):
    if exc.code == 404 and (page := _site_not_found_page()) is not None:
        return page
    status = exc.code or 500
    code = HTTP_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    response = error_response(status, code, exc.description or exc.name)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


def _unexpected(exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "The server failed to answer this request; it has been logged.")


def _site_not_found_page():
    """A browser navigating to a missing page of the site gets the site's own 404 page."""
    site = current_app.config.get("SITE_DIR")
    if not site or request.method not in ("GET", "HEAD"):
        return None
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
        return None
    from search_api.site import not_found_page

    return not_found_page(site)


def register(app: Flask) -> None:
    app.register_error_handler(QueryError, _query_error)
    app.register_error_handler(IndexUnavailable, _index_unavailable)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
