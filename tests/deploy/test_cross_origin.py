"""Recipe: the site on one origin (a static host, under /kb/), the API on another (README, "Site and API on
different origins"). The API's address is set at build time by one setting (KB_SEARCH_API, read by mkdocs.yml's
extra.search_api); the API allows the site's origin (--cors) and makes hit URLs absolute under the site
(KB_SITE_URL). Checked over HTTP (CORS headers) and in Chromium (a cross-origin search and its links)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from deploykit import REPO, build_site, free_port, get, publish, readme_block, serve, static_host


@pytest.fixture(scope="module")
def origins(tmp_path_factory, index):
    work = tmp_path_factory.mktemp("cors")
    site_port, api_port = free_port(), free_port()
    site_root, api_root = f"http://127.0.0.1:{site_port}/kb/", f"http://127.0.0.1:{api_port}/"
    build_site(work / "site", site_url=site_root, search_api=api_root)
    site_origin = site_root.split("/kb/")[0]
    with serve(api_port, None, index, work / "api.log", "--cors", site_origin, extra_env={"KB_SITE_URL": site_root}):
        with static_host(site_port, publish(work / "site", work / "www"), work / "http.log"):
            yield site_root, api_root


def test_one_setting_names_the_api():
    assert 'search_api: !ENV [KB_SEARCH_API, ""]' in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    recipe = readme_block("sh", "KB_SEARCH_API=")
    assert "--cors" in recipe and "KB_SITE_URL=" in recipe


def test_the_api_allows_the_site_origin_only(origins):
    site_root, api_root = origins
    site_origin = site_root.split("/kb/")[0]
    status, headers, _ = get(api_root + "search?q=attention", headers={"Origin": site_origin})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == site_origin
    status, headers, _ = get(api_root + "search?q=attention", headers={"Origin": "http://127.0.0.1:1"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    page = get(site_root + "find/")[2].decode()
    assert f'<meta name="kb-search-api" content="{api_root}">' in page


@pytest.mark.browser
def test_a_cross_origin_search_from_the_site_and_its_links(origins, browse):
    site_root, api_root = origins
    page, watcher = browse(site_root + "find/?query=" + quote("inductve bias"))
    first = page.locator("#find-results a[data-find-hit]").first
    first.wait_for()
    assert watcher.api_calls and all(urlsplit(u).netloc == urlsplit(api_root).netloc for u in watcher.api_calls)
    hrefs = page.eval_on_selector_all("#find-results a[data-find-hit]", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(site_root) for h in hrefs), hrefs
    first.click()
    page.wait_for_url(hrefs[0])
    page.wait_for_function("() => /^Q6\\. /.test(document.querySelector('.md-content__inner h1').textContent)")
    # The header box asks the same API from any page.
    page.keyboard.press("Control+k")
    page.keyboard.type("attention", delay=20)
    page.locator(".kb-hsearch a[data-find-hit]").first.wait_for()
    hrefs = page.eval_on_selector_all(".kb-hsearch a[data-find-hit]", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(site_root) for h in hrefs)
    assert watcher.take() == []
