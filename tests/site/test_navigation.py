"""Question pages a student can move through, in a real browser: the collection in the sidebar,
previous/next, a breadcrumb, the tab highlighted; tag chips and the tags page; concept summaries on hover."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from kb.pages import read_question
from kb.slugs import page_url, question_path, slugify
from sitekit import REPO, Watcher

pytestmark = pytest.mark.browser

SEED = sorted((read_question(p) for p in (REPO / "docs").glob("questions/*/q*.md")),
              key=lambda q: (q.collection, q.question))


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    watcher = Watcher(context)
    yield context.new_page()
    context.close()
    # Requests cut short by moving to the next page (a font MathJax was fetching) are no fault.
    assert [p for p in watcher.take() if "ERR_ABORTED" not in p] == []


def _path(href: str) -> str:
    return urlsplit(href).path


def _collection(q):
    return [p for p in SEED if p.collection == q.collection]


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_question_page_has_sidebar_prev_next_breadcrumb_and_active_tab(repo_server, page, position):
    if len(SEED) < 3:
        pytest.skip("needs three questions")
    questions = _collection(SEED[0])
    i = {"first": 0, "middle": len(questions) // 2, "last": len(questions) - 1}[position]
    q = questions[i]
    page.goto(repo_server.url + page_url(question_path(q.collection, q.question)).lstrip("/"))

    # The sidebar lists the collection's questions, in order, the current one marked.
    sidebar = page.locator(".md-sidebar--primary .md-nav__list .md-nav__link[href]")
    listed = [_path(h) for h in sidebar.evaluate_all("els => els.map(a => a.href)")]
    expected = [page_url(question_path(p.collection, p.question)) for p in questions]
    assert list(dict.fromkeys(u for u in listed if re.search(r"/q\d+/$", u))) == expected
    current = page.locator(".md-sidebar--primary a.md-nav__link--active").first
    assert _path(current.evaluate("a => a.href")) == expected[i]
    assert f"Q{q.question}." in current.inner_text()

    # Previous and next stay in the collection; none before the first or after the last.
    prev, nxt = page.locator("a.md-footer__link--prev"), page.locator("a.md-footer__link--next")
    assert prev.count() == (i > 0) and nxt.count() == (i < len(questions) - 1)
    if i > 0:
        assert _path(prev.evaluate("a => a.href")) == expected[i - 1]
    if i < len(questions) - 1:
        assert _path(nxt.evaluate("a => a.href")) == expected[i + 1]
        nxt.click()
        page.wait_for_url(re.compile(re.escape(expected[i + 1]) + "$"))

    # The breadcrumb: home, the collection's page, the question itself.
    page.goto(repo_server.url + expected[i].lstrip("/"))
    crumbs = page.locator("nav.md-path .md-path__item")
    links = [_path(h) for h in crumbs.locator("a").evaluate_all("els => els.map(a => a.href)")]
    assert links[-1] == page_url(f"questions/{q.collection}/index.md")
    assert f"Q{q.question}." in crumbs.last.inner_text()
    # The tab of the collection (or of all collections) is the highlighted one.
    active = page.locator(".md-tabs__item--active a")
    assert active.count() == 1 and _path(active.evaluate("a => a.href")) == links[-1]


def test_tag_chips_link_to_the_tags_page_and_its_links_resolve(repo_server, page):
    tagged = next((q for q in SEED if q.tags), None)
    if tagged is None:
        pytest.skip("no tagged question")
    page.goto(repo_server.url + page_url(question_path(tagged.collection, tagged.question)).lstrip("/"))
    chips = page.locator("nav.md-tags a.md-tag")
    assert sorted(chips.all_inner_texts()) == sorted(tagged.tags)
    chips.first.click()
    page.wait_for_url(re.compile(r"/tags/#"))
    fragment = urlsplit(page.url).fragment
    page.locator(f"article [id='{fragment}']").wait_for()  # instant navigation swaps the page in after the URL
    # Every link of the tags page lands on a page of the site (and on an element, with a fragment).
    page.wait_for_load_state("networkidle")
    hrefs = page.locator("article a[href]").evaluate_all("els => els.map(a => a.href)")
    targets = {h for h in hrefs if h.startswith(repo_server.url) and "/questions/" in h}
    every_tag = {t for q in SEED for t in q.tags}
    assert len(targets) >= len({q.id for q in SEED if q.tags})
    for tag in every_tag:
        assert page.locator(f"article [id='tag:{slugify(tag)}']").count() == 1, tag
    for href in sorted(targets):
        response = page.request.get(href)
        assert response.ok, href


def test_hovering_a_concept_link_previews_the_concept(repo_server, page):
    q = next((p for p in SEED if p.question == 9), SEED[0])
    page.goto(repo_server.url + page_url(question_path(q.collection, q.question)).lstrip("/"))
    page.wait_for_load_state("networkidle")
    link = page.locator("article a[href*='concepts/']").first
    target = urlsplit(link.evaluate("a => a.href")).path
    page.wait_for_timeout(300)
    link.hover()
    preview = page.locator(".md-tooltip2 .md-typeset").first
    preview.wait_for(timeout=10_000)
    heading = page.request.get(repo_server.url + target.lstrip("/")).text().split("<h1", 1)[1].split(">", 1)[1]
    title = html.unescape(re.sub(r"<[^>]+>", "", heading.split("</h1>", 1)[0])).replace("¶", "").strip()
    assert title and title in preview.inner_text()


def test_a_question_page_carries_its_own_collection_only(fixture_site):
    # Two collections: a page's sidebar lists its own questions, never the other collection's,
    # so a question page weighs the same however many collections the site has.
    html = (fixture_site / "questions" / "sample-exam" / "q2" / "index.html").read_text(encoding="utf-8")
    nav = html.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert "../q1/" in nav and "../q10/" in nav
    assert "deep-learning-exam-answers" not in nav
    home = (fixture_site / "index.html").read_text(encoding="utf-8")
    home = home.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert "questions/deep-learning-exam-answers/" in home and "questions/sample-exam/" in home
    assert "questions/sample-exam/q1/" not in home, "the home page's nav lists no question"
