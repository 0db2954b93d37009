"""The OpenAPI description and the behaviour agree on every parameter value: a value the schema admits is
never a 400 for that parameter, one it refuses always is; and paths no file can have (a NUL, a segment
over 255 bytes) are 404s, never 500s, over a real server too, with no traceback in its log."""

from __future__ import annotations

import re
from urllib.parse import quote

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_api import create_app
from search_api.openapi import SEARCH_PARAMETERS

SCHEMAS = {p["name"]: p["schema"] for p in SEARCH_PARAMETERS}


def admitted(name: str, value) -> bool:
    """Whether the OpenAPI description admits `value` for the parameter `name` (a query string value)."""
    schema = SCHEMAS[name]
    if schema["type"] == "integer":
        if not re.fullmatch(r"-?[0-9]+", value):
            return False
        value = int(value)
    return jsonschema.Draft202012Validator(schema).is_valid(value)


@pytest.fixture(scope="module")
def api(fixture_index):
    return create_app({"INDEX_DIR": fixture_index, "SEARCH_CACHE": 0}).test_client()


def answer(api, query: str) -> tuple[int, str | None]:
    response = api.get("/search?" + query)
    body = response.get_json()
    return response.status_code, body["error"]["code"] if response.status_code >= 400 else None


CASES = [
    ("q", "a"), ("q", " "), ("q", "\u0083"), ("q", "\u200b"), ("q", "\ufeff"), ("q", "\u00a0"), ("q", "\x00a"),
    ("q", "\u202e"), ("q", "$x$"),
    ("page", "1000"), ("page", "1001"), ("page", "0"), ("page", "1"),
    ("type", ""), ("type", "part"), ("type", "pages"),
    ("concept", ""), ("concept", "kl-divergence"), ("concept", "a" * 100), ("concept", "a" * 101), ("concept", "-a"),
    ("collection", ""), ("collection", "sample-exam"), ("collection", "Sample"),
]


@pytest.mark.parametrize("name, value", CASES)
def test_the_schema_and_the_api_agree(api, name, value):
    query = f"{name}={quote(value)}" + ("" if name == "q" else "&q=dropout") + ("&limit=1" if name == "page" else "")
    status, code = answer(api, query)
    if admitted(name, value):
        assert status == 200, (name, value, code)
    else:
        assert status == 400 and code in ("empty_query", f"bad_{name}"), (name, value, status, code)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=12, alphabet=st.characters(exclude_categories=["Cs"])))
def test_any_q_the_schema_admits_is_searched_and_any_other_is_an_empty_query(api, q):
    status, code = answer(api, "q=" + quote(q))
    if admitted("q", q):
        assert status == 200 or code == "query_too_long", (q, code)
    else:
        assert code == "empty_query", (q, status, code)


@pytest.mark.parametrize("raw", ["%FF", "%C3", "%E2%80", "caf%E9", "%ED%A0%80"])
def test_a_query_string_that_is_not_utf8_is_a_400_not_a_search(api, raw):
    assert answer(api, f"q={raw}") == (400, "bad_encoding")
    assert answer(api, f"q=dropout&concept={raw}") == (400, "bad_encoding")


def test_utf8_queries_are_still_searched(api):
    assert answer(api, "q=caf%C3%A9") == (200, None)
    assert answer(api, "q=%E2%80%8B")[0] == 200  # only a zero-width space: found nothing, said so


@pytest.fixture(scope="module")
def server(fixture_index, tmp_path_factory, served_class):
    site = tmp_path_factory.mktemp("contract-site") / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>Home</h1>")
    (site / "404.html").write_text("<h1>Not here</h1>")
    served = served_class(fixture_index, site, workers=1)
    yield served, site
    served.stop()


IMPOSSIBLE_PATHS = ["/index.html%00.css", "/%00", "/%00/", "/a%00b/index.html", "/" + "a" * 256,
                    "/" + "a" * 300 + "/", "/x/" + "%C3%A9" * 200 + "/index.html", "/" + "b" * 5000]


def test_paths_no_file_can_have_are_404s_over_http(server):
    served, site = server
    for path in IMPOSSIBLE_PATHS:
        status, headers, body = served.get(path)
        assert status == 404 and headers["Content-Type"] == "application/json", (path, status, body[:200])
        status, headers, body = served.get(path, headers={"Accept": "text/html"})
        assert status == 404 and b"Not here" in body, path
    assert served.get("/")[0] == 200
    log = served.log()
    assert "Traceback" not in log and str(site) not in log and "internal_error" not in log, log


def test_the_contract_over_http(server):
    served, _ = server
    for query, status, code in [("q=%FF", 400, "bad_encoding"), ("q=%C2%83", 400, "empty_query"),
                                ("q=dropout&type=&concept=&collection=", 200, None),
                                ("q=dropout&page=1001&limit=1", 400, "bad_page"),
                                ("q=dropout&page=1000&limit=1", 200, None)]:
        got, body = served.json("/search?" + query)
        assert got == status and (code is None or body["error"]["code"] == code), (query, got, body)
    assert "Traceback" not in served.log()
