"""The OpenAPI 3.1 description served at /openapi.json; tests validate real responses against it."""

from __future__ import annotations

from search_api.errors import ERROR_CODES
from search_api.hybrid import MODES
from search_api.params import (MAX_LIMIT, MAX_PHRASE_WORDS, MAX_QUERY_BYTES, MAX_RESULTS_DEPTH, MAX_SLUG_CHARS,
                               MAX_WORDS, SEARCHABLE)
from search_api.schema import RECORD_TYPES

SLUG_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
FILTER_PATTERN = "^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$"  # a slug, or empty


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _param(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


SEARCH_PARAMETERS = [
    _param("q", f"What to search for: words and \"quoted phrases\"; any other character is plain text "
                f"(no wildcard, field, range, boost or fuzzy syntax). At most {MAX_QUERY_BYTES} bytes, "
                f"{MAX_WORDS} words, {MAX_PHRASE_WORDS} words per phrase.",
           {"type": "string", "minLength": 1, "pattern": SEARCHABLE}, required=True),
    _param("limit", "Results per page.", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10}),
    _param("page", f"Page of results, from 1; page × limit may not exceed {MAX_RESULTS_DEPTH}.",
           {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS_DEPTH, "default": 1}),
    # Empty filters are no filters: an HTML form sends its empty fields.
    _param("type", "Only records of this level; empty: every level.",
           {"type": "string", "enum": ["", *RECORD_TYPES]}),
    _param("concept", "Only records that mention this concept (its slug); empty: no filter.",
           {"type": "string", "pattern": FILTER_PATTERN, "maxLength": MAX_SLUG_CHARS}),
    _param("collection", "Only records of this collection (its slug); empty: no filter.",
           {"type": "string", "pattern": FILTER_PATTERN, "maxLength": MAX_SLUG_CHARS}),
    _param("mode", "keyword: the words' ranking alone; semantic: the records nearest the query's sentence "
                   "embedding; hybrid: both fused. Empty: hybrid when the index has embeddings, else keyword; "
                   "semantic and hybrid on an index without them are a 400 mode_unavailable.",
           {"type": "string", "enum": ["", *MODES]}),
]

SCHEMAS = {
    "Result": {
        "type": "object",
        "required": ["id", "type", "collection", "question", "part", "title", "title_text", "page_title", "url",
                     "snippet", "score", "concepts"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "description": "Unique: 'collection/q6', 'collection/q6#part-b', 'concept:slug'."},
            "type": {"type": "string", "enum": list(RECORD_TYPES)},
            "collection": {"type": ["string", "null"], "description": "Null for concepts."},
            "question": {"type": ["string", "null"], "pattern": "^Q[0-9]+$", "description": "'Q' and the number."},
            "part": {"type": ["string", "null"], "description": "The part's label ('b'), or null."},
            "title": {"type": "string", "description": "The question's, part's or concept's title, as the site "
                                                       "writes it: Markdown text that may hold TeX between $...$ "
                                                       "(typeset it, or show title_text)."},
            "title_text": {"type": "string", "description": "The same title as plain text: no Markdown, TeX "
                                                            "turned into Unicode ('p_θ', '‖', '×')."},
            "page_title": {"type": "string", "description": "The title of the page the record is on."},
            "url": {"type": "string", "pattern": "^(/|https?://)",
                    "description": "The page's URL with the part's anchor: absolute under the configured SITE_URL, "
                                   "else a path from the site's root (under the API's own mount point)."},
            "snippet": {"type": "string", "description": "HTML: escaped text whose only markup is <mark>."},
            "score": {"type": "number"},
            "concepts": {"type": "array", "items": {"type": "string", "pattern": SLUG_PATTERN}},
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "page", "limit", "took_ms", "suggestion", "unmatched", "results"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string", "description": "The query as searched (normalised)."},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "took_ms": {"type": "number", "minimum": 0},
            "suggestion": {"type": ["string", "null"], "description": "A corrected query when words were not found."},
            "unmatched": {"type": "array", "items": {"type": "string"},
                          "description": "The query's words (as typed) that match nothing in the index, not even "
                                         "with typos or as a concept's other name; stop words are not listed."},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "version", "built_at", "documents", "counts", "concepts"],
        "additionalProperties": False,
        "properties": {
            "status": {"const": "ok"},
            "version": {"type": "string", "description": "The build being served."},
            "built_at": {"type": "string", "format": "date-time"},
            "documents": {"type": "integer", "minimum": 0},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "concepts": {"type": "integer", "minimum": 0},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {"error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                "message": {"type": "string"},
            },
        }},
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Deep-learning exam answers: search API",
            "version": "1.0.0",
            "description": "Search every question, part and concept page of the knowledge base. "
                           "The contract is documented at /api/ on the site.",
        },
        "paths": {
            "/search": {"get": {
                "summary": "Search questions, parts and concepts",
                "operationId": "search",
                "parameters": SEARCH_PARAMETERS,
                "responses": {
                    "200": {"description": "Ranked results.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResponse"}}}},
                    "400": _error_response("A missing, empty or too long q, a bad limit, page, type, "
                                           "concept or collection, or a query string that is not UTF-8."),
                    "503": _error_response("No index has been built, or it is unreadable."),
                    "default": _error_response("Any other error, in the same shape."),
                },
            }},
            "/health": {"get": {
                "summary": "Index document count and build time",
                "operationId": "health",
                "responses": {
                    "200": {"description": "The index being served.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                    "503": _error_response("No index has been built, or it is unreadable."),
                },
            }},
            "/openapi.json": {"get": {
                "summary": "This description",
                "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {}}}},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
