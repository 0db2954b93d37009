"""What a client can send and what it gets back, through Flask's test client: digits, paths, symlinks, long URLs."""

from __future__ import annotations

import logging

import pytest

from search_api import create_app
from search_api.params import QueryError, parse_params


@pytest.mark.parametrize("name", ["limit", "page"])
@pytest.mark.parametrize("value", ["\u0665", "\uff15", "\u0967", "1\u0660", "5\u00a0", "\u20095", "+5", "5.0", "0x5"])
def test_integer_parameters_take_ascii_digits_only(name, value):
    with pytest.raises(QueryError) as error:
        parse_params({"q": "attention", name: value})
    assert error.value.code == f"bad_{name}"


def test_ascii_integers_still_work():
    params = parse_params({"q": "attention", "limit": " 5 ", "page": "2"})
    assert (params.limit, params.page) == (5, 2)


def test_the_503_names_no_path_of_the_server_and_the_log_does(tmp_path, caplog):
    client = create_app({"INDEX_DIR": tmp_path / "secret-place" / ".index"}).test_client()
    with caplog.at_level(logging.WARNING, logger="search_api.errors"):
        response = client.get("/search?q=attention")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "secret-place" not in text and str(tmp_path) not in text and "build_index.py" in text
    assert "secret-place" in caplog.text  # the operator still learns where


@pytest.fixture
def site_with_links(fixture_index, tmp_path):
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Home</h1>")
    (tmp_path / "passwd").write_text("root:x:0:0 secret")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.html").write_text("secret page")
    (site / "assets" / "p.css").symlink_to(tmp_path / "passwd")
    (site / "leak").symlink_to(tmp_path / "outside")
    (site / "assets" / "home.html").symlink_to(site / "index.html")
    return create_app({"INDEX_DIR": fixture_index, "SITE_DIR": site}).test_client()


def test_the_site_serves_no_file_a_symlink_leads_out_to(site_with_links):
    for path in ("/assets/p.css", "/leak/", "/leak/index.html", "/leak"):
        response = site_with_links.get(path)
        assert response.status_code == 404 and "secret" not in response.get_data(as_text=True), path
    assert site_with_links.get("/assets/home.html").get_data(as_text=True) == "<h1>Home</h1>"


def test_the_site_follows_its_own_link_per_request(fixture_index, tmp_path):
    for name, text in (("site.1", "one"), ("site.2", "two")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(text)
    (tmp_path / "site").symlink_to("site.1")
    client = create_app({"INDEX_DIR": fixture_index, "SITE_DIR": tmp_path / "site"}).test_client()
    assert client.get("/").get_data(as_text=True) == "one"
    (tmp_path / "next").symlink_to("site.2")
    (tmp_path / "next").replace(tmp_path / "site")
    assert client.get("/").get_data(as_text=True) == "two"


def test_an_overlong_url_is_a_json_414(client):
    response = client.get("/search?q=" + "x" * 9000)
    assert response.status_code == 414 and response.get_json()["error"]["code"] == "uri_too_long"
