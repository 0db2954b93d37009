"""What a client may ask of GET /search: the parameters, their limits, and the error for anything else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import unquote_to_bytes

from search_api.analysis import normalize_text
from search_api.hybrid import MODES
from search_api.schema import RECORD_TYPES

MAX_RAW_CHARS = 2048  # before normalisation (bounds the work of normalising)
MAX_QUERY_BYTES = 512  # after normalisation, UTF-8
MAX_WORDS = 32
MAX_PHRASE_WORDS = 8
MAX_WORD_PARTS = 8  # "a^b^c^..." joined pieces in one word
MAX_LIMIT = 50
MAX_RESULTS_DEPTH = 1000  # page × limit
ASCII_INT = re.compile(r"[ \t]*([0-9]{1,6})[ \t]*")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_CHARS = 100
# What a q must hold (the OpenAPI description's pattern, the same text in Python's and ECMAScript's regex
# dialects): a character other than whitespace and control characters. A q of only invisible ones that
# normalising drops (a zero-width space) is searched, and finds nothing.
SEARCHABLE = r"[^\s\ufeff\x00-\x1f\x7f-\x9f]"
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})


class QueryError(ValueError):
    """A request the client must change: becomes a 400 with this code and message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class SearchParams:
    q: str  # normalised
    limit: int = 10
    page: int = 1
    type: str | None = None
    concept: str | None = None
    collection: str | None = None
    mode: str | None = None  # keyword | semantic | hybrid; None: hybrid when the build has embeddings


def _int_param(args: Mapping, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    # ASCII digits only: \d and int() would also take "٥" (Arabic-Indic five) or "５" (fullwidth) as 5.
    match = ASCII_INT.fullmatch(raw)
    if not match or not low <= int(match[1]) <= high:
        raise QueryError(f"bad_{name}", f"'{name}' must be a whole number from {low} to {high}")
    return int(match[1])


def _slug_param(args: Mapping, name: str) -> str | None:
    raw = args.get(name)
    if raw is None or raw == "":  # an empty field (an HTML form sends one): no filter
        return None
    if len(raw) > MAX_SLUG_CHARS or not SLUG.match(raw):
        raise QueryError(f"bad_{name}", f"'{name}' must be a slug such as 'kl-divergence'")
    return raw


def check_encoding(query_string: bytes) -> None:
    """QueryError unless the query string is UTF-8 once its escapes are decoded (Werkzeug keeps an invalid
    escape such as %FF as its literal text, which was then searched for)."""
    try:
        unquote_to_bytes(query_string).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError("bad_encoding", "the query string must be percent-encoded UTF-8 (an escape such as "
                                         "%FF alone is not)") from exc


def parse_params(args: Mapping[str, str]) -> SearchParams:
    """Validate the query string of GET /search; raise QueryError for anything out of contract."""
    raw = args.get("q")
    if raw is None:
        raise QueryError("missing_query", "the 'q' parameter is required, e.g. /search?q=inductive+bias")
    if len(raw) > MAX_RAW_CHARS:
        raise QueryError("query_too_long", f"'q' must be at most {MAX_QUERY_BYTES} bytes")
    if not re.search(SEARCHABLE, raw):
        raise QueryError("empty_query", "'q' must contain something to search for")
    q = normalize_text(raw.translate(QUOTES))
    if len(q.encode("utf-8")) > MAX_QUERY_BYTES:
        raise QueryError("query_too_long", f"'q' must be at most {MAX_QUERY_BYTES} bytes")
    limit = _int_param(args, "limit", 10, 1, MAX_LIMIT)
    page = _int_param(args, "page", 1, 1, MAX_RESULTS_DEPTH)
    if page * limit > MAX_RESULTS_DEPTH:
        raise QueryError("bad_page", f"results deeper than {MAX_RESULTS_DEPTH} are not served (page × limit)")
    kind = args.get("type") or None
    if kind is not None and kind not in RECORD_TYPES:
        raise QueryError("bad_type", f"'type' must be one of: {', '.join(RECORD_TYPES)}")
    mode = args.get("mode") or None
    if mode is not None and mode not in MODES:
        raise QueryError("bad_mode", f"'mode' must be one of: {', '.join(MODES)}")
    return SearchParams(q, limit, page, kind, _slug_param(args, "concept"), _slug_param(args, "collection"), mode)
