"""The site served under a sub-path (/kb/, as on GitHub Pages): practice data, links and the deck stay under it."""

from __future__ import annotations

import pytest

from sitekit import StaticServer, build_site

pytestmark = pytest.mark.browser

SEED = "deep-learning-exam-answers"


@pytest.fixture(scope="module")
def under_kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("sub-path")
    with StaticServer(root) as server:
        result = build_site(root / "kb", site_url=server.url + "kb/")
        assert result.returncode == 0, result.stderr
        yield server.url + "kb/"


def test_practice_and_the_deck_under_a_sub_path(under_kb, open_page):
    page, watcher = open_page(under_kb + f"questions/{SEED}/", viewport={"width": 390, "height": 844})
    deck = page.get_by_role("link", name="Anki deck").evaluate("a => a.href")
    assert deck == under_kb + f"anki/{SEED}.apkg"
    page.get_by_role("link", name="Practise these questions").click()
    page.wait_for_selector("[data-practice-card]")
    assert page.url.startswith(under_kb + "practice/")
    assert page.get_attribute(".practice__title a", "href").startswith(under_kb + f"questions/{SEED}/q")
    page.click("[data-practice-reveal]")
    hrefs = page.eval_on_selector_all("[data-practice-card] a[href]", "els => els.map(a => a.href)")
    assert all(h.startswith(under_kb) for h in hrefs), hrefs
    page.click("[data-practice-knew]")
    assert "Card 2 of 20" in page.inner_text("[data-practice-status]")
    assert watcher.take() == []
