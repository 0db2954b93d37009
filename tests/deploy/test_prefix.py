"""The app mounted under a prefix (SCRIPT_NAME=/kb, as serve.py --prefix and gunicorn set it): its own redirects
keep the prefix (search_api/site.py), without nginx in front."""

from __future__ import annotations

import pytest

from search_api import create_app


@pytest.fixture
def client(tmp_path):
    site = tmp_path / "site"
    (site / "concepts").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    (site / "concepts" / "index.html").write_text("<html></html>", encoding="utf-8")
    return create_app({"SITE_DIR": site, "INDEX_DIR": tmp_path / "index"}).test_client()


@pytest.mark.parametrize("script_name, path, location", [
    ("/kb", "/concepts", "/kb/concepts/"),
    ("/kb", "/concepts?x=1", "/kb/concepts/?x=1"),
    ("/a/b", "/concepts", "/a/b/concepts/"),
    ("", "/concepts", "/concepts/"),
])
def test_a_folder_without_its_slash_redirects_under_the_prefix(client, script_name, path, location):
    response = client.get(path, environ_overrides={"SCRIPT_NAME": script_name})
    assert response.status_code == 301 and response.headers["Location"] == location
