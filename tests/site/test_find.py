"""The search page (/find/) in a real browser: Playwright driving Debian's headless Chromium.

Against the real thing: the repo's site built by `mkdocs build --strict`, the index built from
docs/, and `create_app` serving both from one process on a free port of 127.0.0.1 (a real WSGI
server in a thread). The unreachable-API case uses the same site served as plain static files.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from appkit import AppServer, serve_site_and_api  # noqa: F401 (AppServer: test_hostile.py imports it from here)
from sitekit import REPO, Watcher, settle_animations

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "tests" / "screenshots"
TYPESET = """() => [...document.querySelectorAll('#find-results .find__math')]
  .every(el => el.querySelector('mjx-container'))"""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """The site and the API from one process (appkit.py)."""
    with serve_site_and_api(tmp_path_factory.mktemp("find")) as server:
        yield server


def settle(page) -> None:
    """Wait until nothing is loading (fonts, favicon), so that the test's next navigation cancels nothing."""
    page.wait_for_load_state("networkidle")


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def wait_for_answer(page, query: str) -> None:
    """Until the page shows its answer to `query` (the status line names it, nothing in flight)."""
    page.wait_for_function(
        """q => { const root = document.querySelector('[data-find]');
                 return root && !root.hasAttribute('aria-busy') &&
                   document.querySelector('#find-status').textContent.includes('“' + q + '”'); }""",
        arg=query)


def type_query(page, query: str) -> None:
    """Type into the search field key by key, as a person does, and wait for the answer."""
    page.click("#find-q")
    page.keyboard.type(query, delay=25)
    wait_for_answer(page, query)


def hits(page, kinds=("question", "part", "concept")) -> list[str]:
    """Hrefs of the result links on screen, in order (the group links of part-only groups excluded)."""
    return page.eval_on_selector_all(
        "[data-find-hit]", "(els, kinds) => els.filter(a => kinds.includes(a.dataset.findHit)).map(a => a.href)",
        list(kinds))


def test_a_typo_finds_the_inductive_bias_answer_first_with_a_highlight_and_a_deep_link(app_server, open_page):
    page, watcher = open_page(app_server.url)
    assert page.locator("[data-find]").count() == 0 and watcher.api_calls == [], "no search before a query"
    settle(page)
    # Arrive as a student does, through the Search tab: Material's instant navigation
    # swaps the page in (and runs its script) without reloading the document.
    page.evaluate("window.__sameDocument = true")
    page.click(".md-tabs a[href$='find/']")
    page.wait_for_url(app_server.url + "find/")
    type_query(page, "inductve bias")
    assert page.evaluate("window.__sameDocument === true")

    status = page.locator("#find-status")
    assert status.get_attribute("aria-live") == "polite"
    assert re.match(r"\d+ results? for “inductve bias”", status.inner_text())
    assert page.locator("[data-find-suggestion]").inner_text() == "inductive bias"

    first = page.locator(".find__group").first
    assert first.locator(".find__title").inner_text().split() [:3] == ["Q6", "Inductive", "bias"]
    marked = " ".join(first.locator(".find__snippet mark").all_inner_texts()).lower()
    assert "inductive" in marked and "bias" in marked
    part = first.locator("a[data-find-hit=part]").first
    href = part.get_attribute("href")  # the API's root-relative URL, resolved against the site's root
    assert re.fullmatch(re.escape(app_server.url) + r"questions/deep-learning-exam-answers/q6/#part-[a-z]+", href), href

    settle(page)
    part.click()
    page.wait_for_url(href)
    anchor = href.split("#")[1]
    page.wait_for_function("""id => { const el = document.getElementById(id);
        if (!el) return false; const top = el.getBoundingClientRect().top;
        return top >= 0 && top < innerHeight / 2; }""", arg=anchor)
    assert page.locator(f"#{anchor}").inner_text().startswith(f"({anchor[-1]})")

    # Back on the search page, the results are there again.
    page.go_back()
    wait_for_answer(page, "inductve bias")
    assert page.locator(".find__group .find__title").first.inner_text().startswith("Q6")
    assert page.evaluate("window.__sameDocument === true")
    assert watcher.take() == []


def test_the_query_lives_in_the_url_and_back_and_forward_restore_it(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    type_query(page, "inductve bias")
    assert query_of(page.url) == {"query": "inductve bias"}

    page.click("[data-find-suggestion]")
    wait_for_answer(page, "inductive bias")
    assert query_of(page.url) == {"query": "inductive bias"}
    page.fill("#find-q", "attention")
    wait_for_answer(page, "attention")
    attention_hits = hits(page)
    assert query_of(page.url) == {"query": "attention"}

    page.go_back()
    wait_for_answer(page, "inductive bias")
    assert page.input_value("#find-q") == "inductive bias"
    page.go_back()
    wait_for_answer(page, "inductve bias")
    assert page.input_value("#find-q") == "inductve bias"
    page.go_forward()
    wait_for_answer(page, "inductive bias")
    assert watcher.take() == []

    # Shareable: the URL alone reproduces the results.
    shared, shared_watcher = open_page(app_server.url + "find/?query=attention")
    wait_for_answer(shared, "attention")
    assert hits(shared) == attention_hits
    # A ?q= link works too, and does not leave Material's own search box open over the page.
    settle(shared)
    shared.goto(app_server.url + "find/?q=attention")
    wait_for_answer(shared, "attention")
    assert query_of(shared.url) == {"query": "attention"}
    assert not shared.is_checked("[data-md-toggle=search]")
    assert shared_watcher.take() == []


def test_arrow_keys_move_through_results_and_enter_opens_one(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    type_query(page, "attention")
    links = page.eval_on_selector_all("[data-find-hit]", "els => els.map(a => a.href)")
    assert len(links) >= 3
    focused = "document.activeElement.href || document.activeElement.id"

    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == links[0]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == links[2]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == links[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == "find-q"
    assert page.evaluate("scrollY") == 0, "arrow keys must not scroll the page as well"

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    settle(page)
    page.keyboard.press("Enter")
    page.wait_for_url(links[1])
    assert watcher.take() == []


def test_type_and_concept_filters_narrow_the_results(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    type_query(page, "attention")
    assert page.locator(".find__concepts").count() == 1

    with page.expect_response(lambda r: "type=part" in r.url) as answer:
        page.check("input[name=type][value=part]")
    wait_for_answer(page, "attention")
    assert query_of(page.url) == {"query": "attention", "type": "part"}
    parts = answer.value.json()["results"]
    assert parts and {r["type"] for r in parts} == {"part"}
    assert sorted(hits(page)) == sorted(app_server.url + r["url"].lstrip("/") for r in parts)  # grouped by question
    assert page.locator(".find__concepts").count() == 0

    options = page.eval_on_selector_all("#find-concept option", "els => els.map(o => o.value)")
    assert options[0] == "" and len(options) > 2, options
    slug = options[2]  # not the most common concept, so the filter visibly narrows
    with page.expect_response(lambda r: f"concept={slug}" in r.url) as answer:
        page.select_option("#find-concept", slug)
    wait_for_answer(page, "attention")
    assert query_of(page.url) == {"query": "attention", "type": "part", "concept": slug}
    narrowed = answer.value.json()["results"]
    assert narrowed and all(slug in r["concepts"] and r["type"] == "part" for r in narrowed)
    assert len(hits(page)) == len(narrowed) < len(parts)

    page.go_back()
    wait_for_answer(page, "attention")
    assert page.input_value("#find-concept") == ""
    assert page.is_checked("input[name=type][value=part]")
    assert watcher.take() == []


def test_the_concept_filter_lists_every_concept_before_a_search_and_the_field_is_focused(app_server, open_page):
    concepts = [p for p in (REPO / "docs" / "concepts").glob("*.md") if p.name != "index.md"]
    assert len(concepts) > 5
    page, watcher = open_page(app_server.url + "find/")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'find-q'")
    options = page.eval_on_selector_all("#find-concept option", "els => els.map(o => [o.value, o.textContent])")
    assert options[0][0] == "" and len(options) == len(concepts) + 1, options
    assert {value for value, _ in options[1:]} == {p.stem for p in concepts}
    names = [name for _, name in options[1:]]
    assert "KL divergence" in names and "Kl divergence" not in names, "titles, not slugs"
    assert watcher.api_calls == []
    assert watcher.take() == []


def test_a_word_that_matched_nothing_is_named(app_server, open_page):
    """"gradient clipping": the API's `unmatched` names "clipping", and the page says so above the results."""
    assert app_server.api(q="gradient clipping")["unmatched"] == ["clipping"]
    page, watcher = open_page(app_server.url + "find/")
    type_query(page, "gradient clipping")
    assert page.locator(".find__unmatched").inner_text() == "No results for: clipping."
    assert page.locator(".find__group").count() > 0
    page.fill("#find-q", "attention")
    wait_for_answer(page, "attention")
    assert page.locator(".find__unmatched").count() == 0, "no note when every word matched"
    assert watcher.take() == []


@pytest.mark.parametrize("width", [1280, 390])
def test_results_with_long_formulas_fit_the_page(app_server, open_page, width):
    """The Concepts column cut display formulas, and a long one widened the page: each scrolls in its own box."""
    page, watcher = open_page(app_server.url + "find/?query=KL+divergence", viewport={"width": width, "height": 900})
    wait_for_answer(page, "KL divergence")
    page.wait_for_function(TYPESET)
    report = page.evaluate("""() => {
      const doc = document.documentElement;
      const formulas = [...document.querySelectorAll('#find-results mjx-container')];
      return {
        page: doc.scrollWidth - doc.clientWidth,
        formulas: formulas.length,
        sticking: formulas.filter(f => f.getBoundingClientRect().right > f.closest('p, li, h3').getBoundingClientRect().right + 1).length,
        clipped: formulas.filter(f => f.scrollWidth > f.clientWidth + 1 && !['auto', 'scroll'].includes(getComputedStyle(f).overflowX)).length,
      };
    }""")
    assert report["formulas"] > 5, report
    assert report["page"] == 0 and report["sticking"] == 0 and report["clipped"] == 0, report
    assert watcher.take() == []


def test_more_results_appends_the_next_page_and_focuses_it(app_server, open_page):
    total = app_server.api(q="attention")["total"]
    assert total > 10, "the seed must have more than one page of results for this test"
    page, watcher = open_page(app_server.url + "find/?query=attention")
    wait_for_answer(page, "attention")
    first_page = hits(page)
    assert len(first_page) == 10
    assert "showing 10" in page.inner_text("#find-status")

    page.click("[data-find-more]")
    page.wait_for_function("n => document.querySelectorAll('[data-find-hit]:not([data-find-hit=page])').length > n",
                           arg=len(first_page))
    both = hits(page)
    assert len(both) == min(total, 20) and len(set(both)) == len(both)
    assert set(first_page) <= set(both)
    assert page.evaluate("document.activeElement.matches('[data-find-hit]')")
    assert watcher.take() == []


def test_math_in_snippets_is_typeset_and_highlighted_whole(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    type_query(page, "QK^T")
    page.wait_for_function(TYPESET)
    report = page.evaluate("""() => ({
      formulas: document.querySelectorAll('#find-results .find__math mjx-container').length,
      errors: document.querySelectorAll('#find-results mjx-merror').length,
      markedFormulas: document.querySelectorAll('#find-results mark > .find__math mjx-container').length,
      rawTeX: [...document.querySelectorAll('#find-results .find__snippet')]
        .some(p => /\\$|\\\\\\(/.test([...p.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join(''))),
    })""")
    assert report["formulas"] > 0 and report["markedFormulas"] > 0, report
    assert report["errors"] == 0 and not report["rawTeX"], report
    assert watcher.take() == []


MALICIOUS = {
    "query": "x", "total": 2, "page": 1, "limit": 10, "took_ms": 1.0, "suggestion": None,
    "results": [
        {"id": "c/q1", "type": "question", "collection": "c", "question": "Q1", "part": None,
         "title": "<img src=x onerror=\"window.pwned=1\">", "page_title": "<img src=x onerror=\"window.pwned=1\">",
         "url": "/questions/deep-learning-exam-answers/q1/",
         "snippet": "&lt;script&gt;window.pwned=1&lt;/script&gt; <mark>x</mark> <img src=x onerror=\"window.pwned=1\">"
                    "<b>bold</b><script>window.pwned=1</script>",
         "score": 2.0, "concepts": []},
        {"id": "c/q1#part-a", "type": "part", "collection": "c", "question": "Q1", "part": "a",
         "title": "Cut formulas", "page_title": "t", "url": "/questions/deep-learning-exam-answers/q1/#part-a",
         "snippet": "… b$ matrix by a <mark>$b \\times c$</mark> matrix costs $O(abc)$, then $\\frac{a}{ …",
         "score": 1.0, "concepts": []},
    ],
}


def test_snippets_are_inserted_as_text_and_mark_only_and_cut_math_stays_tex(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    page.route(re.compile(r"/search\?"), lambda route: route.fulfill(json=MALICIOUS))
    type_query(page, "x")
    page.wait_for_function(TYPESET)
    results = page.locator("#find-results")
    assert results.locator("img, script, b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned=1</script>" in results.inner_text()
    assert "<img src=x" in page.locator(".find__title").first.inner_text()
    assert results.locator("mark").all_inner_texts()[0] == "x"
    # The formula cut at the start and the one cut at the end are shown as TeX; the whole ones typeset.
    assert page.locator("code.find__tex").all_inner_texts() == ["b", "\\frac{a}{"]
    assert page.locator("#find-results .find__math mjx-container").count() == 2
    assert page.locator("#find-results mjx-merror").count() == 0
    assert watcher.take() == []


def test_only_the_latest_answer_is_shown(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    page.evaluate("""() => { const fetch = window.fetch;  // answers for "attention" arrive late
      window.fetch = (url, init) => fetch(url, init).then(r =>
        String(url).includes('q=attention') ? new Promise(done => setTimeout(() => done(r), 800)) : r); }""")
    with page.expect_request(lambda r: "q=attention" in r.url):
        page.fill("#find-q", "attention")
    page.fill("#find-q", "inductive bias")
    wait_for_answer(page, "inductive bias")
    page.wait_for_timeout(1200)  # the late answer has arrived by now
    assert "“inductive bias”" in page.inner_text("#find-status")
    assert page.locator(".find__group").first.locator(".find__title").inner_text().startswith("Q6")
    assert watcher.take() == []


def test_unreachable_api_offers_the_builtin_search_without_console_errors(repo_server, open_page):
    """The site as plain static files: no API behind /search."""
    page, watcher = open_page(repo_server.url + "find/")
    assert watcher.api_calls == [], "nothing is requested before there is a query"
    page.click("#find-q")
    page.keyboard.type("inductive bias")
    fallback = page.locator("[data-find-fallback]")
    fallback.wait_for(state="visible")
    box = fallback.bounding_box()
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('[data-find-fallback]')).lineHeight)")
    assert box["height"] < 2 * line, "the fallback is one line"
    assert "not running" in fallback.inner_text()
    assert page.locator("[data-find-filters]").is_hidden()
    assert page.locator("#find-results").inner_text() == ""
    page.keyboard.type(" prior")
    page.wait_for_timeout(400)
    assert len(watcher.api_calls) == 1, "once the API is known to be missing, typing asks no more"

    page.click("[data-find-builtin]")
    assert page.is_checked("[data-md-toggle=search]")
    assert page.input_value("[data-md-component=search-query]") == "inductive bias prior"
    page.locator(".md-search-result__item").first.wait_for()
    # Opening the page with a query goes straight to the fallback.
    settle(page)
    page.goto(repo_server.url + "find/?query=softmax")
    fallback.wait_for(state="visible")
    # The page asks /search without following redirects (the API never redirects). A static
    # server redirects /search to the site's /search/ folder; the browser stops there and reports
    # that hop, never sent, as aborted. No console error, no 4xx, nothing else.
    problems = watcher.take()
    aborted_hop = re.compile(r"request failed: http://127\.0\.0\.1:\d+/search/?\?\S+ \(net::ERR_ABORTED\)")
    assert problems and all(aborted_hop.fullmatch(p) for p in problems), problems


def test_an_api_that_never_answers_shows_searching_then_the_fallback(app_server, open_page):
    """The API accepts the request and never answers (a route that is never fulfilled)."""
    page, watcher = open_page(app_server.url + "find/")
    hung = []
    page.route(re.compile(r"/search\?"), lambda route: hung.append(route))  # never fulfilled
    page.fill("#find-q", "attention")
    status = page.locator("#find-status")
    page.wait_for_function("() => document.querySelector('#find-status').textContent === 'Searching…'", timeout=3000)
    assert status.is_visible() and page.locator("[data-find-fallback]").is_hidden()
    started = page.evaluate("performance.now()")
    fallback = page.locator("[data-find-fallback]")
    fallback.wait_for(state="visible", timeout=15000)
    waited = page.evaluate("performance.now()") - started
    assert 5000 < waited < 10000, waited
    assert "did not answer" in status.inner_text()
    assert page.get_attribute("[data-find]", "aria-busy") is None
    assert page.locator("#find-results").inner_text() == ""
    assert len(hung) == 1
    page.click("[data-find-builtin]")  # the same way out as without an API
    assert page.is_checked("[data-md-toggle=search]")
    problems = watcher.take()  # the aborted request, and nothing else
    assert all(re.fullmatch(r"request failed: \S+/search\?\S+ \(net::ERR_ABORTED\)", p) for p in problems), problems


def test_an_index_that_is_not_built_is_reported_with_the_fallback(app_server, open_page):
    page, _ = open_page(app_server.url + "find/")
    error = {"error": {"status": 503, "code": "index_unavailable", "message": "No search index yet."}}
    page.route(re.compile(r"/search\?"), lambda route: route.fulfill(status=503, json=error))
    page.fill("#find-q", "attention")
    page.locator("[data-find-fallback]").wait_for(state="visible")
    assert "No search index yet." in page.inner_text("#find-status")


def test_a_bad_query_shows_the_api_message_and_keeps_searching(app_server, open_page):
    page, _ = open_page(app_server.url + "find/")
    long_query = " ".join(["word"] * 40)  # over the API's 32 words
    page.fill("#find-q", long_query)
    page.wait_for_function("() => /32 words|too long/i.test(document.querySelector('#find-status').textContent)")
    assert page.locator("[data-find-fallback]").is_hidden()
    page.fill("#find-q", "attention")
    wait_for_answer(page, "attention")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_has_no_serious_accessibility_violations(app_server, open_page, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page, watcher = open_page(app_server.url + "find/?query=attention+QK%5ET", color_scheme=scheme)
    wait_for_answer(page, "attention QK^T")
    page.wait_for_function(TYPESET)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"find-results-{scheme}.png"), full_page=True)
    settle_animations(page)
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert watcher.take() == []


@pytest.mark.parametrize("touch", [False, True])
def test_keyboard_hints_are_shown_only_where_there_is_a_keyboard(app_server, open_page, touch):
    """↓ ↑ Enter, / or Ctrl K were shown on a phone at 390 px (issue 19)."""
    options = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True} if touch else {}
    page, watcher = open_page(app_server.url + "find/", **options)
    help_text = page.locator("#find-help")
    assert "Results appear as you type" in help_text.inner_text()
    assert page.locator("#find-help .find__keys").is_visible() is (not touch)
    assert watcher.take() == []


def test_the_page_a_hit_opens_marks_the_words_found(app_server, open_page):
    """API hits linked without the query, so the page a student landed on marked nothing (issue 19): a hit carries the
    words its snippet marked (the corrected spelling of a typo), and the page it opens marks them, as text only; a
    link may also name them (?hl=)."""
    page, watcher = open_page(app_server.url + "find/?query=inductve+bias")
    wait_for_answer(page, "inductve bias")
    link = page.locator("a[data-find-hit='question']").first
    assert "inductive" in link.get_attribute("data-kb-hl").split(), link.get_attribute("data-kb-hl")
    link.click()
    page.wait_for_function("() => document.querySelectorAll('article mark.kb-hl').length > 0")
    marked = page.eval_on_selector_all("article mark.kb-hl", "els => els.map(e => e.textContent.toLowerCase())")
    assert "inductive" in marked and set(marked) <= {"inductive", "bias", "biases"}, marked
    inside = page.evaluate("() => [...document.querySelectorAll('mark.kb-hl')].filter(m => m.closest('code, pre, mjx-container')).length")
    assert inside == 0
    hostile = app_server.url + "questions/deep-learning-exam-answers/q6/?hl=" + quote('bias <img src=x onerror="alert(1)">')
    page.goto(hostile)
    page.wait_for_function("() => document.querySelectorAll('article mark.kb-hl').length > 0")
    assert page.evaluate("() => document.querySelectorAll('article img[src=\"x\"]').length") == 0
    assert watcher.take() == []
