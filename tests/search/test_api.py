"""The HTTP contract through Flask's test client: one error shape, headers, CORS, OpenAPI, the site."""

import json

import jsonschema
import pytest
import referencing
from referencing.jsonschema import DRAFT202012

from search_api import create_app
from search_api.errors import ERROR_CODES
from search_api.openapi import openapi_document

ERROR_CASES = [
    ("GET", "/search", 400, "missing_query"),
    ("GET", "/search?q=", 400, "empty_query"),
    ("GET", "/search?q=%C2%83%00%20", 400, "empty_query"),  # only control characters and a space
    ("GET", "/search?q=%FF", 400, "bad_encoding"),
    ("GET", "/search?q=" + "a" * 600, 400, "query_too_long"),
    ("GET", "/search?q=x&limit=100", 400, "bad_limit"),
    ("GET", "/search?q=x&page=0", 400, "bad_page"),
    ("GET", "/search?q=x&type=pages", 400, "bad_type"),
    ("GET", "/search?q=x&concept=Not%20A%20Slug", 400, "bad_concept"),
    ("GET", "/search?q=x&collection=..%2F..", 400, "bad_collection"),
    ("GET", "/nope", 404, "not_found"),
    ("GET", "/search/", 404, "not_found"),
    ("POST", "/search?q=x", 405, "method_not_allowed"),
    ("DELETE", "/health", 405, "method_not_allowed"),
    ("PUT", "/openapi.json", 405, "method_not_allowed"),
]


@pytest.fixture(scope="module")
def openapi():
    return openapi_document()


def validator(openapi, name):
    resource = referencing.Resource.from_contents(openapi, default_specification=DRAFT202012)
    registry = referencing.Registry().with_resource("urn:openapi", resource)
    return jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry)


@pytest.mark.parametrize("method, path, status, code", ERROR_CASES)
def test_every_error_has_the_one_shape(client, openapi, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["status"] == status and body["error"]["code"] == code and body["error"]["message"]
    validator(openapi, "Error").validate(body)
    assert code in ERROR_CODES and ERROR_CODES[code] == status


def test_method_not_allowed_says_what_is(client):
    assert set(client.post("/search").headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_missing_index_is_a_503_saying_how_to_build_it(tmp_path, openapi):
    client = create_app({"INDEX_DIR": tmp_path / "no-index"}).test_client()
    for path in ("/search?q=attention", "/health"):
        response = client.get(path)
        assert response.status_code == 503
        error = response.get_json()["error"]
        assert error["code"] == "index_unavailable" and "scripts/build_index.py" in error["message"]
        validator(openapi, "Error").validate(response.get_json())
    assert client.get("/search").status_code == 400  # a bad request is still the client's problem


def test_an_unexpected_failure_is_a_generic_500_without_a_trace(app, monkeypatch):
    from search_api.searcher import SearchIndex

    def explode(self, params):
        raise RuntimeError("secret internals at /srv/whatever")

    monkeypatch.setattr(SearchIndex, "search", explode)
    response = app.test_client().get("/search?q=attention")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)
    assert app.debug is False


def test_real_responses_match_the_openapi_description(client, openapi):
    search = validator(openapi, "SearchResponse")
    for query in ("attention", "inductve bias", "Kullback-Leibler", "QK^T", "zzzz", "latent&type=part",
                  "attention&limit=1&page=2", "dropout&concept=cnn", "<script>"):
        response = client.get(f"/search?q={query}")
        assert response.status_code == 200
        search.validate(response.get_json())
    validator(openapi, "Health").validate(client.get("/health").get_json())
    jsonschema.Draft202012Validator.check_schema(openapi["components"]["schemas"]["SearchResponse"])


def test_openapi_is_served_and_describes_every_route(client, app, openapi):
    served = client.get("/openapi.json").get_json()
    assert served == json.loads(json.dumps(openapi))
    assert served["openapi"].startswith("3.1")
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == set(served["paths"])
    params = {p["name"] for p in served["paths"]["/search"]["get"]["parameters"]}
    assert params == {"q", "limit", "page", "type", "concept", "collection", "mode"}


def test_health(client):
    health = client.get("/health")
    assert health.status_code == 200 and health.headers["Cache-Control"] == "no-store"
    body = health.get_json()
    assert body["documents"] == 8 and body["counts"]["part"] == 2 and body["built_at"]


def test_security_headers(client):
    for path in ("/search?q=attention", "/health", "/nope", "/search"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_json_bytes_never_carry_markup(client):
    raw = client.get('/search?q=<script>alert("code")</script> alert').get_data(as_text=True)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    body = json.loads(raw)
    assert body["query"] == '<script>alert("code")</script> alert'
    assert any("<mark>" in r["snippet"] for r in body["results"])


def test_cors_for_configured_origins_only(client):
    allowed = client.get("/search?q=attention", headers={"Origin": "https://allowed.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://allowed.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/search?q=attention", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/search", headers={"Origin": "https://allowed.example",
                                                  "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://allowed.example"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_cors_any_origin_and_none(fixture_index):
    star = create_app({"INDEX_DIR": fixture_index, "CORS_ORIGINS": "*"}).test_client()
    assert star.get("/health", headers={"Origin": "https://x.example"}).headers["Access-Control-Allow-Origin"] == "*"
    none = create_app({"INDEX_DIR": fixture_index}).test_client()
    assert "Access-Control-Allow-Origin" not in none.get("/health", headers={"Origin": "https://x.example"}).headers


def test_configuration_comes_from_the_environment_at_creation(fixture_index, monkeypatch, tmp_path):
    monkeypatch.setenv("KB_INDEX_DIR", str(fixture_index))
    monkeypatch.setenv("KB_CORS_ORIGINS", "https://a.example, https://b.example/")
    monkeypatch.setenv("KB_SEARCH_TIME_LIMIT", "0.5")
    app = create_app()
    assert app.config["CORS_ORIGINS"] == ("https://a.example", "https://b.example")
    assert app.config["SEARCH_TIME_LIMIT"] == 0.5
    assert app.test_client().get("/health").status_code == 200
    assert create_app({"INDEX_DIR": tmp_path}).test_client().get("/health").status_code == 503  # argument wins


@pytest.fixture
def site_client(fixture_index, tmp_path):
    site = tmp_path / "site"
    (site / "questions" / "q1").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Home</h1>")
    (site / "404.html").write_text("<h1>Not found page</h1>")
    (site / "questions" / "q1" / "index.html").write_text("<h1>Q1</h1>")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text('{"docs": []}')
    (tmp_path / "secret.txt").write_text("outside the site")
    return create_app({"INDEX_DIR": fixture_index, "SITE_DIR": site}).test_client()


def test_site_is_served_beside_the_api(site_client):
    assert site_client.get("/").get_data(as_text=True) == "<h1>Home</h1>"
    assert site_client.get("/questions/q1/").get_data(as_text=True) == "<h1>Q1</h1>"
    redirect = site_client.get("/questions/q1?x=1")
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith("/questions/q1/?x=1")
    assert site_client.get("/search/search_index.json").get_json() == {"docs": []}  # the built-in search
    assert site_client.get("/search?q=attention").get_json()["results"]  # the API wins at /search
    assert site_client.get("/").headers["X-Content-Type-Options"] == "nosniff"


def test_site_never_serves_outside_its_directory(site_client):
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/questions/../../secret.txt", "/..%2fsecret.txt"):
        response = site_client.get(path)
        assert response.status_code == 404 and "outside" not in response.get_data(as_text=True)


def test_missing_page_is_the_site_404_for_browsers_and_json_otherwise(site_client):
    browser = site_client.get("/missing/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 404 and "Not found page" in browser.get_data(as_text=True)
    program = site_client.get("/missing/")
    assert program.status_code == 404 and program.get_json()["error"]["code"] == "not_found"
    api = site_client.get("/search/", headers={"Accept": "text/html"})
    assert api.status_code == 404


def test_urls_are_site_paths_under_the_apis_mount_point(app, openapi):
    client = app.test_client()
    root = client.get("/search?q=dropout").get_json()["results"]
    assert root[0]["url"] == "/questions/sample-exam/q1/"
    mounted = client.get("/search?q=dropout", base_url="http://localhost/kb/").get_json()["results"]
    assert [r["url"] for r in mounted] == ["/kb" + r["url"] for r in root]
    assert client.get("/search?q=dropout").get_json()["results"] == root  # the answer cache kept site paths


def test_urls_are_absolute_under_site_url(fixture_index, engine_name, monkeypatch, openapi):
    root = create_app({"INDEX_DIR": fixture_index}).test_client().get("/search?q=attention").get_json()["results"]
    site = create_app({"INDEX_DIR": fixture_index, "ENGINE": engine_name, "SITE_URL": "https://kb.example.org/docs/"})
    body = site.test_client().get("/search?q=attention", base_url="http://localhost/api/").get_json()
    assert [r["url"] for r in body["results"]] == ["https://kb.example.org/docs" + r["url"] for r in root]
    validator(openapi, "SearchResponse").validate(body)
    monkeypatch.setenv("KB_SITE_URL", "https://other.example")
    from_env = create_app({"INDEX_DIR": fixture_index}).test_client().get("/search?q=attention").get_json()
    assert from_env["results"][0]["url"].startswith("https://other.example/")


def test_an_index_built_by_another_engine_is_unavailable_saying_how_to_rebuild(fixture_index, engine_name):
    other = next(name for name in ("whoosh", "tantivy") if name != engine_name)
    response = create_app({"INDEX_DIR": fixture_index, "ENGINE": other}).test_client().get("/search?q=attention")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "index_unavailable"
    with pytest.raises(ValueError, match="unknown search engine"):
        create_app({"INDEX_DIR": fixture_index, "ENGINE": "lucene"})


@pytest.mark.parametrize("q", [
    '""', '"a"', '" "', '"the the the"', "the", "a b c d e f g h", " ".join(["attention"] * 32),
    " ".join(f'"w{i} x{i}"' for i in range(4)), "^".join("abcdefgh"), "x_{0}^{T}-y'z", "\\frac{a}{b} \\times",
    "é" * 200, "𝔼 ℝ ∑ ∫", "*:* OR title:x [a TO z] a~2 /re/", "(((((((((())))))))))", "0 00 000 1e9",
])
def test_hostile_queries_are_answered_never_a_500(client, q):
    response = client.get("/search", query_string={"q": q, "limit": "50"})
    assert response.status_code in (200, 400), (q, response.get_data(as_text=True)[:200])
    if response.status_code == 200:
        assert isinstance(response.get_json()["unmatched"], list)
