"""The API's routes: thin views over the Flask-free searcher."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from search_api.openapi import openapi_document
from search_api.params import check_encoding, parse_params
from search_api.searcher import SearchIndex

bp = Blueprint("api", __name__)


def _index() -> SearchIndex:
    return current_app.extensions["search_index"]


@bp.get("/search")
def search():
    check_encoding(request.query_string)
    params = parse_params(request.args)
    found = _index().search(params)
    base = current_app.config["SITE_URL"] or request.script_root
    # Hits hold site-root paths; the answer cache holds them too, so each response gets copies.
    found["results"] = [{**hit, "url": base + hit["url"]} for hit in found["results"]]
    return jsonify(found)


@bp.get("/health")
def health():
    response = jsonify(_index().health())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
