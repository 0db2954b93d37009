"""The header's search box in a real browser (Debian's headless Chromium through Playwright).

With the API (the site and `create_app` from one process, appkit.py) it answers from the API, as the
search page does; served as plain static files (no API) it is Material's built-in search, with
its math typeset. Both widths (1280 and 390 px) and both colour schemes.
"""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from appkit import serve_site_and_api
from sitekit import StaticServer, Watcher

pytestmark = pytest.mark.browser

QUESTION = "questions/deep-learning-exam-answers/q9/"
VIEWS = [pytest.param(width, scheme, id=f"{width}px-{scheme}") for width in (1280, 390) for scheme in ("light", "dark")]
# Visible text in an element with TeX left in it: delimiters, commands, braced sub- and
# superscripts (code may show them).
RAW_TEX = r"""root => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('code, mjx-container')) continue;
    if (!parent.getClientRects().length) continue;
    if (/\\[()\[\]a-zA-Z]|\$|[_^]\{/.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
  }
  return found;
}"""
MATH_DONE = "() => MathJax.startup.promise.then(() => true)"
FOCUSED = """() => document.activeElement.matches('[data-md-component=search-query]')
  && document.querySelector('[data-md-toggle=search]').checked"""
TYPESET = """box => [...box.querySelectorAll('.find__math')].every(el => el.querySelector('mjx-container'))"""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    with serve_site_and_api(tmp_path_factory.mktemp("header-search")) as server:
        yield server


@pytest.fixture
def open_page(chromium):
    """open_page(url, width, scheme) -> (page, watcher), in a fresh browser context."""
    contexts = []

    def opener(url: str, width: int = 1280, scheme: str = "light"):
        context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        watcher = Watcher(context)
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        return page, watcher

    yield opener
    for context in contexts:
        context.close()


def wait_for_answer(page, query: str) -> None:
    """Until the header box shows its answer to `query` (its status line names it)."""
    try:
        page.wait_for_function("q => [...document.querySelectorAll('.kb-hsearch .kb-hsearch__status')]"
                               ".some(p => p.textContent.includes('“' + q + '”'))", arg=query, timeout=10000)
    except Exception as exc:  # say what the box shows instead
        state = page.evaluate("""() => ({value: document.querySelector('[data-md-component=search-query]').value,
          open: document.querySelector('[data-md-toggle=search]').checked, url: location.href,
          focus: document.activeElement.tagName + '.' + document.activeElement.className,
          status: (document.querySelector('.kb-hsearch__status') || {}).textContent,
          mode: document.querySelector('.md-search').dataset.kbSearch})""")
        raise AssertionError(f"no answer to {query!r} in the header box: {state}") from exc


def header_hits(page) -> list[str]:
    return page.eval_on_selector_all(".kb-hsearch a[data-find-hit]", "els => els.map(a => a.href)")


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_header_search_answers_a_misspelled_query_with_the_apis_first_hit(app_server, open_page, width, scheme):
    first = app_server.api(q="inductve bias", limit=8)["results"][0]
    page, watcher = open_page(app_server.url + QUESTION, width, scheme)
    page.evaluate("window.__sameDocument = true")
    page.keyboard.press("Control+k" if width > 400 else "/")  # both open it, on any page
    page.wait_for_function(FOCUSED)
    page.keyboard.type("inductve bias", delay=20)
    box = page.locator(".kb-hsearch")
    wait_for_answer(page, "inductve bias")
    assert page.evaluate("document.activeElement.matches('[data-md-component=search-query]')")
    assert page.locator(".md-search-result").is_hidden(), "Material's own results give way"
    hits = header_hits(page)
    assert hits[0] == app_server.url + first["url"].lstrip("/")
    # As on /find/: grouped under the question, with highlights and the collection's one name.
    group = box.locator(".find__group").first
    assert group.locator(".find__title").inner_text().startswith(first["question"])
    assert "inductive" in " ".join(box.locator("mark").all_inner_texts()).lower()
    with urllib.request.urlopen(app_server.url + "collections.json", timeout=10) as response:
        collection = json.load(response)[first["collection"]]  # the collection page's title
    assert collection and group.locator(".find__meta").inner_text() == collection
    assert any(re.search(r"/q6/#part-[a-z]$", href) for href in hits), "part deep links"
    assert box.locator("[data-find-suggestion], .find__suggest a").inner_text() == "inductive bias"
    everything = box.locator(".kb-hsearch__all")
    target = urlsplit(everything.get_attribute("href"))
    assert target.path == "/find/" and parse_qs(target.query) == {"query": ["inductve bias"]}

    # Keyboard: down into the results, up back to the field, Enter opens the focused hit.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") == hits[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") == hits[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.matches('[data-md-component=search-query]')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(hits[1])
    assert not page.is_checked("[data-md-toggle=search]"), "the box closes on the way"
    assert page.evaluate("window.__sameDocument === true"), "instant navigation, not a reload"

    # On the new page (once swapped in), the box works again; Esc closes it.
    page.wait_for_function("id => document.getElementById(id)", arg=urlsplit(hits[1]).fragment)
    page.wait_for_function(MATH_DONE)  # the new page settled (Material closes its box on arrival)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.wait_for_function(FOCUSED)
    page.keyboard.press("Control+a")
    page.keyboard.type("QK^T", delay=20)
    wait_for_answer(page, "QK^T")
    page.wait_for_function(TYPESET, arg=box.element_handle())
    assert box.locator(".find__math mjx-container").count() > 0
    assert box.evaluate(RAW_TEX) == []
    page.keyboard.press("Escape")
    assert not page.is_checked("[data-md-toggle=search]")
    assert watcher.take() == []


def test_enter_in_the_header_box_opens_the_first_hit_and_all_results_opens_the_search_page(app_server, open_page):
    page, watcher = open_page(app_server.url + QUESTION)
    page.keyboard.press("Control+k")
    page.wait_for_function(FOCUSED)
    page.keyboard.type("attention", delay=20)
    wait_for_answer(page, "attention")
    hits = header_hits(page)
    page.keyboard.press("Enter")
    page.wait_for_url(hits[0])
    page.wait_for_function("url => location.href === url && document.querySelector('.md-content h1')", arg=hits[0])
    page.wait_for_function(MATH_DONE)
    page.wait_for_load_state("networkidle")

    page.keyboard.press("/")
    page.wait_for_function(FOCUSED)
    page.keyboard.press("Control+a")
    page.keyboard.type("softmax", delay=20)
    wait_for_answer(page, "softmax")
    page.focus(".kb-hsearch__all")  # the last link of the list, as the arrow keys reach it
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/find/\?query=softmax$"))
    page.wait_for_function("() => /results? for “softmax”/.test((document.querySelector('#find-status') || {}).textContent)")
    # On the search page, "/" and Ctrl-K go to its own field, not to the header box.
    page.click(".md-content h1")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "find-q"
    assert not page.is_checked("[data-md-toggle=search]")
    assert watcher.take() == []


def test_header_search_names_words_that_matched_nothing(app_server, open_page):
    page, watcher = open_page(app_server.url + QUESTION)
    page.keyboard.press("Control+k")
    page.wait_for_function(FOCUSED)
    page.keyboard.type("gradient clipping", delay=20)
    # Answers to the words typed so far ("gradi") may show first: wait for the whole query's.
    note = page.locator(".kb-hsearch .find__unmatched")
    page.wait_for_function("() => (document.querySelector('.kb-hsearch .find__unmatched') || {}).textContent"
                           " === 'No results for: clipping.'", timeout=10000)
    assert note.inner_text() == "No results for: clipping."
    assert watcher.take() == []


def test_hit_urls_and_the_api_resolve_under_a_sub_path(repo_site, tmp_path, open_page):
    """A site under /kb/ asks /kb/search, and the API's root-relative URLs land under /kb/."""
    (tmp_path / "kb").symlink_to(repo_site, target_is_directory=True)
    answer = {"query": "x", "total": 1, "page": 1, "limit": 8, "took_ms": 1.0, "suggestion": None,
              "results": [{"id": "c/q6", "type": "question", "collection": "deep-learning-exam-answers",
                           "question": "Q6", "part": None, "title": "Inductive bias", "page_title": "Inductive bias",
                           "url": "/questions/deep-learning-exam-answers/q6/", "snippet": "<mark>x</mark>",
                           "score": 1.0, "concepts": []},
                          {"id": "javascript", "type": "question", "collection": "c", "question": "Q1",
                           "part": None, "title": "bad", "page_title": "bad", "url": "javascript:alert(1)",
                           "snippet": "", "score": 1.0, "concepts": []}]}
    with StaticServer(tmp_path) as server:
        page, watcher = open_page(server.url + "kb/" + QUESTION)
        asked = []

        route_urls = []

        def api(route):
            asked.append(urlsplit(route.request.url).path)
            route_urls.append(route.request.url)
            route.fulfill(json=answer, headers={"Access-Control-Allow-Origin": "*"})  # the API's CORS setting

        page.route(re.compile(r"/search\?"), api)
        page.keyboard.press("Control+k")
        page.keyboard.type("x", delay=20)
        page.locator(".kb-hsearch a[data-find-hit]").first.wait_for()
        assert asked == ["/kb/search"]
        hits = header_hits(page)
        assert hits[0] == server.url + "kb/questions/deep-learning-exam-answers/q6/"
        assert not any(h.startswith("javascript:") for h in hits), "only http(s) links"
        assert urlsplit(page.get_attribute(".kb-hsearch__all", "href")).path == "/kb/find/"

        # The build-time setting (extra.search_api, KB_SEARCH_API) is the <meta> the scripts read:
        # empty here, and another base URL sends the requests there.
        meta = 'meta[name="kb-search-api"]'
        assert page.get_attribute(meta, "content") == ""
        page.evaluate("m => document.querySelector(m).setAttribute('content', 'http://127.0.0.1:9/api')", meta)
        page.keyboard.type("y", delay=20)
        wait_for_answer(page, "xy")
        assert asked[-1] == "/api/search" and urlsplit(route_urls[-1]).port == 9


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_without_the_api_the_header_box_is_the_builtin_search_with_math_typeset(repo_server, open_page, width, scheme):
    page, watcher = open_page(repo_server.url + QUESTION, width, scheme)
    page.keyboard.press("/")
    page.wait_for_function(FOCUSED)
    page.keyboard.type("KL divergence", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert page.locator(".kb-hsearch").is_hidden()
    page.wait_for_function("() => !document.querySelector('.md-search-result .find__math--pending')")
    page.wait_for_function("""() => window.MathJax.startup.promise.then(() => true)""")
    result = page.locator(".md-search-result")
    # The built-in index holds math as text (kb/site/search_fallback.py); TeX that reaches the
    # results anyway is typeset by header-search.js. Either way, no TeX on screen.
    assert result.locator(".find__math:not(:has(mjx-container))").count() == 0
    assert result.evaluate(RAW_TEX) == [], "no raw TeX in the built-in search's results"
    # Where TeX does reach a result (an index built without that step), it is typeset, marks kept:
    # in a paragraph, and loose between blocks as Material writes display math.
    page.evaluate("""() => { const li = document.createElement('li');
      li.className = 'md-search-result__item';
      li.innerHTML = '<a class="md-search-result__link" href="#"><article class="md-search-result__article md-typeset">'
        + '<h1>T</h1><p>KL is \\\\(D_{<mark>KL</mark>}(q \\\\| p)\\\\) here</p>'
        + '\\\\[\\\\frac{a}{b}\\\\] <p>after</p></article></a>';
      document.querySelector('.md-search-result__list').prepend(li); }""")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item:first-child mjx-container').length === 2")
    first = page.locator(".md-search-result__item").first
    assert first.evaluate(RAW_TEX) == []
    assert first.locator("mark > .find__math").count() == 1, "a formula with a match is marked whole"
    first.evaluate("li => li.remove()")
    results.first.click()
    page.wait_for_url(re.compile(r"\?h="))
    # The static host answers /search with a redirect to the built-in index's folder; the
    # browser stops there and reports the unsent hop as aborted. Nothing else goes wrong.
    problems = watcher.take()
    aborted_hop = re.compile(r"request failed: http://127\.0\.0\.1:\d+/search/?\?\S+ \(net::ERR_ABORTED\)")
    assert all(aborted_hop.fullmatch(p) for p in problems), problems
