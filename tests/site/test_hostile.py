"""A hostile document, imported, built and opened in a real browser: its text shows, none of it runs.

The fixture (fixtures/hostile/) carries a script, an `onerror` image, an `iframe srcdoc`,
event-handler attributes (raw and through Markdown's attr_list), `javascript:` links and a
`\\href{javascript:...}` formula in an answer; a script in its meta file's collection title,
question title, description and tag; and a concept page whose title and summary hold HTML.
It goes through the real importer CLI, the real `mkdocs build --strict`, the search index
and `create_app` on 127.0.0.1, and Debian's Chromium opens the pages a reader would.
"""

from __future__ import annotations


import pytest

from search_api import create_app
from search_api.indexer import build as build_index
from sitekit import MATH_DONE, SCRIPT_BEARING, Watcher, build_site, hostile_docs
from test_find import AppServer, wait_for_answer

pytestmark = pytest.mark.browser

# Every string the fixture hides a script in, as the reader must see it: as text.
QUESTION_TEXTS = [
    """<script>alert('meta-title')</script>Meta title""",
    """<script>alert("script-in-answer")</script>""",
    """<img src=x onerror="alert('img-onerror')">""",
    """<iframe srcdoc="<script>alert('iframe-srcdoc')</script>"></iframe>""",
    """<div onmouseover="alert('div-mouseover')">hover me</div>""",
    """(a) The part <b onclick="alert('part-title')">title</b>""",
    """<img src=x onerror=alert('tag')>""",
]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """The repo's docs plus the hostile document (imported by the CLI) and concept page, served with the API."""
    work = tmp_path_factory.mktemp("hostile")
    docs = hostile_docs(work / "docs")
    site, index = work / "site", work / "index"
    build_index(docs, index)
    with AppServer(create_app({"INDEX_DIR": index, "SITE_DIR": site})) as server:
        result = build_site(site, docs, site_url=server.url)
        assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
        yield server


@pytest.fixture
def reader(chromium):
    """A fresh browser context: (page, watcher, dialogs), every dialog recorded and dismissed."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    watcher = Watcher(context)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page, watcher, dialogs
    context.close()


def open_settled(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(MATH_DONE)
    page.wait_for_load_state("networkidle")


def provoke(page) -> None:
    """Do what a reader does to the hostile bits: hover them, click the links and formulas."""
    for text in ("hover me", "click me", "raw link"):
        for target in page.get_by_text(text, exact=False).all():
            if target.is_visible():
                target.hover()
                target.click(no_wait_after=True)
    for formula in page.locator("mjx-container").all():
        if "href" in (formula.get_attribute("data-tex") or "") or formula.locator("[href]").count():
            formula.click(no_wait_after=True)
    page.wait_for_timeout(200)


def assert_inert(page, dialogs, watcher, where: str) -> None:
    provoke(page)
    assert dialogs == [], f"{where}: a dialog fired: {dialogs}"
    assert page.evaluate(SCRIPT_BEARING) == [], where
    problems = watcher.take()
    assert problems == [], f"{where}: {sorted(set(problems))}"


def test_the_question_page_shows_the_markup_as_text_and_runs_none_of_it(hostile_server, reader):
    page, watcher, dialogs = reader
    open_settled(page, hostile_server.url + "questions/hostile-answers/q1/")
    article = page.inner_text("article")
    for text in QUESTION_TEXTS:
        assert text in article, f"not shown as text: {text}"
    assert page.title().startswith("<script>alert('meta-title')</script>Meta title")
    # The link keeps its words and loses its scheme; the formula's \href is typeset without a link.
    assert page.locator("article a", has_text="click me").count() == 0
    assert page.locator("article a", has_text="raw link").count() == 0
    formula = page.locator(".arithmatex", has_text="mathjax-href")
    assert formula.count() == 0 or formula.locator("mjx-container").count() == 1
    assert page.locator("mjx-container").count() >= 2, "math is still typeset"
    # The concept whose title holds HTML is linked, its title shown as text.
    assert "<img src=x onerror=alert('concept-title')>Zebra finch" in article
    assert_inert(page, dialogs, watcher, "question page")


def test_the_mathjax_href_is_not_a_link(hostile_server, reader):
    page, watcher, dialogs = reader
    open_settled(page, hostile_server.url + "questions/hostile-answers/q1/")
    hrefs = page.eval_on_selector_all("mjx-container [href], mjx-container a", "els => els.map(e => e.outerHTML)")
    assert hrefs == []
    assert page.evaluate("!!(MathJax.startup.document.safe)"), "MathJax runs in safe mode"
    assert_inert(page, dialogs, watcher, "question page math")


@pytest.mark.parametrize("path, texts", [
    ("", ["Hostile <script>alert('collection-title')</script> collection",
          "<script>alert('meta-title')</script>Meta title"]),
    ("questions/hostile-answers/", ["Hostile <script>alert('collection-title')</script> collection",
                                    "Described <img src=x onerror=\"alert('description')\">",
                                    "<script>alert('meta-title')</script>Meta title"]),
    ("concepts/zebra-finch/", ["<img src=x onerror=alert('concept-title')>Zebra finch"]),
    ("concepts/", ["<img src=x onerror=alert('concept-title')>Zebra finch",
                   "A bird <script>alert('concept-summary')</script>."]),
])
def test_listings_and_titles_are_text(hostile_server, reader, path, texts):
    page, watcher, dialogs = reader
    open_settled(page, hostile_server.url + path)
    body = page.inner_text("body")
    for text in texts:
        assert text in body, f"/{path}: not shown as text: {text}"
    assert_inert(page, dialogs, watcher, f"/{path}")


def test_the_search_page_shows_the_hostile_hit_as_text(hostile_server, reader):
    page, watcher, dialogs = reader
    open_settled(page, hostile_server.url + "find/?query=zebrafinch")
    wait_for_answer(page, "zebrafinch")
    page.wait_for_function(MATH_DONE)
    titles = page.locator(".find__title").all_inner_texts()
    assert any("<script>alert('meta-title')</script>Meta title" in t for t in titles), titles
    # The collection's name comes from collections.json (its meta file's title), shown as text.
    names = page.locator(".find__meta").all_inner_texts()
    assert "Hostile <script>alert('collection-title')</script> collection" in names, names
    snippets = " ".join(page.locator(".find__snippet").all_inner_texts())
    assert "zebrafinch" in snippets
    assert_inert(page, dialogs, watcher, "/find/")
    # A formula with \href from a snippet is typeset in safe mode: no link.
    page.fill("#find-q", "math click")
    wait_for_answer(page, "math click")
    page.wait_for_function(MATH_DONE)
    assert_inert(page, dialogs, watcher, "/find/ math")
