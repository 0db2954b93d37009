"""Recipe: the built site alone on any static host (GitHub Pages and the like) under a sub-path
(README, "A static host"). No API behind it: the search page and the header box fall back to
Material's built-in search, and its result links stay under /kb/."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from deploykit import build_site, free_port, get, publish, readme_block, static_host

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    work = tmp_path_factory.mktemp("static")
    port = free_port()
    root = f"http://127.0.0.1:{port}/kb/"
    build_site(work / "site", site_url=root)
    with static_host(port, publish(work / "site", work / "www"), work / "http.log"):
        yield root


def test_the_readme_builds_for_the_public_address_under_a_sub_path():
    recipe = readme_block("sh", "gh-deploy")
    assert "SITE_URL=https://" in recipe and "scripts/build_site.py" in recipe


def test_pages_are_served_under_the_sub_path(hosted):
    status, _, body = get(hosted + "questions/deep-learning-exam-answers/q6/")
    assert status == 200 and b'<meta name="kb-search-api" content="">' in body
    assert b'href="' + hosted.encode() + b'questions/deep-learning-exam-answers/q6/"' in body, "canonical link"


def test_the_search_page_falls_back_to_the_builtin_search_with_links_under_the_sub_path(hosted, browse):
    page, watcher = browse(hosted + "find/?query=" + quote("inductive bias"))
    page.locator("[data-find-fallback]").wait_for(state="visible")
    page.click("[data-find-builtin]")
    item = page.locator(".md-search-result__item a").first
    item.wait_for()
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(hosted) for h in hrefs)
    before = page.locator(".md-content__inner h1").first.inner_text()
    item.click()
    page.wait_for_url(hrefs[0])
    page.wait_for_function("t => document.querySelector('.md-content__inner h1').textContent !== t", arg=before)
    assert "not found" not in page.locator(".md-content__inner h1").first.inner_text().lower()
    # The only failure allowed: the page's one look for an API at /kb/search, which the static host
    # redirects to the built-in index's folder; the page stops there (never follows it).
    problems = watcher.take()
    assert all(re.fullmatch(r"request failed: http://127\.0\.0\.1:\d+/kb/search/?\?\S+ \(net::ERR_ABORTED\)", p)
               for p in problems), problems


def test_the_header_box_falls_back_to_the_builtin_search(hosted, browse):
    page, watcher = browse(hosted + "questions/deep-learning-exam-answers/q6/")
    page.keyboard.press("/")
    page.keyboard.type("softmax", delay=20)
    page.locator(".md-search-result__item a").first.wait_for()
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(hosted) for h in hrefs)
    assert get(hrefs[0].split("#")[0])[0] == 200
