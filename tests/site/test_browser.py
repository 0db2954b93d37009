"""Every page of the built site in a real browser: Playwright driving Debian's headless Chromium.

The site is served by a real HTTP server on 127.0.0.1; any request elsewhere is recorded and blocked.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urlsplit

import pytest

from kb.pages import read_question
from kb.slugs import page_url, question_path
from sitekit import MATH_DONE, REPO, StaticServer, Watcher, settle_animations, build_site, built_pages, copy_docs, page_refs

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "tests" / "screenshots"

# For every .arithmatex element: typeset once (one mjx-container), no MathJax error, no TeX
# left as text (unbalanced braces leave raw TeX and no error element), and every character
# visible: CommonHTML draws each glyph with a CSS ::before rule, so a lost MathJax stylesheet
# leaves typeset but blank math.
MATH_REPORT = """() => Array.from(document.querySelectorAll('.arithmatex')).map(el => {
  const copy = el.cloneNode(true);
  copy.querySelectorAll('mjx-container').forEach(c => c.remove());
  const glyphs = [...el.querySelectorAll('mjx-c')];
  return {
    tex: el.textContent.slice(0, 80),
    containers: el.querySelectorAll(':scope > mjx-container').length,
    errors: el.querySelectorAll('mjx-merror').length,
    leftover: copy.textContent.trim(),
    blank: glyphs.filter(c => ['none', 'normal', ''].includes(getComputedStyle(c, '::before').content)).length,
  };
})"""
# Visible text anywhere on the page (the table of contents included) with TeX delimiters
# that MathJax did not typeset; code is allowed to show them.
RAW_TEX = r"""() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('pre, code, kbd, script, style, textarea, mjx-container')) continue;
    if (!parent.getClientRects().length || getComputedStyle(parent).visibility === 'hidden') continue;
    if (/\\[()\[\]]|\$\$/.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
  }
  return found;
}"""


def math_problems(page) -> list[str]:
    problems = []
    for item in page.evaluate(MATH_REPORT):
        if item["containers"] != 1:
            problems.append(f"math typeset {item['containers']} times: {item['leftover'] or item['tex']!r}")
        if item["errors"]:
            problems.append(f"MathJax error in {item['tex']!r}")
        if item["leftover"]:
            problems.append(f"raw TeX left on the page: {item['leftover'][:80]!r}")
        if item["blank"]:
            problems.append(f"{item['blank']} invisible characters (no MathJax CSS) in {item['tex']!r}")
    problems += [f"untypeset TeX in visible text: {text!r}" for text in page.evaluate(RAW_TEX)]
    return problems


@pytest.fixture
def browse(chromium):
    """A fresh browser context (light colour scheme) and its Watcher."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(**options)
        contexts.append(context)
        return context, Watcher(context)

    yield open_context
    for context in contexts:
        context.close()


def load(page, url: str, watcher: Watcher | None = None) -> None:
    """Open a page and wait until MathJax has typeset it and its requests (fonts, favicon) are done."""
    page.goto(url, wait_until="load")
    page.wait_for_function(MATH_DONE)
    page.evaluate("document.fonts.ready.then(() => true)")
    if watcher is None:
        page.wait_for_load_state("networkidle")
        return
    for _ in range(500):  # leaving a page with requests in flight would abort them
        page.wait_for_timeout(20)
        if not watcher.pending:
            return
    raise AssertionError(f"requests still pending on {url}: {[r.url for r in watcher.pending]}")


class LinkChecker:
    """Resolves internal links over HTTP: the target exists and, with a fragment, has that id."""

    def __init__(self, base: str):
        self.base, self.ids = base, {}

    def problem(self, url: str) -> str | None:
        target, fragment = urldefrag(url)
        if target not in self.ids:
            try:
                with urllib.request.urlopen(target, timeout=10) as response:
                    kind = response.headers.get_content_type()
                    body = response.read().decode("utf-8", "replace") if kind == "text/html" else ""
                    self.ids[target] = page_refs(body).ids
            except HTTPError as exc:
                self.ids[target] = exc.code
        found = self.ids[target]
        if isinstance(found, int):
            return f"link to {url} answers HTTP {found}"
        if fragment and fragment not in found:
            return f"link to {url}: no element with id {fragment!r}"
        return None


def test_every_page_renders_cleanly(repo_server, browse):
    context, watcher = browse()
    page = context.new_page()
    links = LinkChecker(repo_server.url)
    report, checked = {}, 0
    for built in built_pages(repo_server.root):
        rel = built.relative_to(repo_server.root).as_posix()
        url = repo_server.url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        load(page, url, watcher)
        problems = math_problems(page) + watcher.take()
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        for href in hrefs:
            if href.startswith(repo_server.url) and (problem := links.problem(href)):
                problems.append(problem)
        if problems:
            report[rel] = sorted(set(problems))
        checked += 1
    assert checked >= 3
    assert not report, "\n".join(f"{p}:\n  " + "\n  ".join(msgs) for p, msgs in report.items())


def _question_urls() -> list[str]:
    pages = [read_question(p) for p in sorted((REPO / "docs").glob("questions/*/q*.md"))]
    with_math = [p for p in pages if "$" in p.body]
    return [page_url(question_path(p.collection, p.question)).lstrip("/") for p in with_math]


def test_instant_navigation_between_questions_keeps_math_typeset(repo_server, browse):
    urls = _question_urls()
    if len(urls) < 2:
        pytest.skip("needs two question pages with math")
    context, watcher = browse()
    page = context.new_page()
    load(page, repo_server.url + urls[0])
    page.evaluate("window.__sameDocument = true")
    # Material's instant navigation handles any same-site link in the page; add one to the next question.
    page.evaluate("""href => {
      const a = Object.assign(document.createElement('a'), {href, id: 'next-question', textContent: 'next'});
      document.querySelector('article').append(a);
    }""", repo_server.url + urls[1])
    page.click("#next-question")
    page.wait_for_url(repo_server.url + urls[1])
    page.wait_for_function("""() => document.querySelectorAll('.arithmatex').length > 0 &&
      [...document.querySelectorAll('.arithmatex')].every(el => el.querySelector('mjx-container'))""")
    page.wait_for_timeout(300)  # a second, duplicated typesetting would show up by now
    assert page.evaluate("window.__sameDocument === true"), "navigation reloaded the page instead of swapping it"
    assert math_problems(page) == []
    assert watcher.take() == []


def test_dark_mode_toggle_switches_and_persists(repo_server, browse):
    context, watcher = browse(color_scheme="light")
    page = context.new_page()
    load(page, repo_server.url)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(scheme) == "default"
    light = page.evaluate(background)
    page.click("form[data-md-component=palette] label:visible")
    page.wait_for_function(f"{scheme} === 'slate'")
    assert page.evaluate(background) != light
    load(page, repo_server.url)
    assert page.evaluate(scheme) == "slate", "the choice does not survive a reload"
    assert watcher.take() == []


@pytest.mark.parametrize("query", ["softmax", "QK^T", "ELBO"])
def test_builtin_search_finds_math_tokens_and_highlights_them(repo_server, browse, query):
    docs = REPO / "docs"
    mentions = {page_url(p.relative_to(docs).as_posix()) for p in docs.rglob("*.md")
                if query.lower() in p.read_text(encoding="utf-8").lower() and p.name != "index.md"}
    questions = {u for u in mentions if u.startswith("/questions/")}
    if not questions:
        pytest.skip(f"no question mentions {query}")
    context, watcher = browse()
    page = context.new_page()
    load(page, repo_server.url)
    page.keyboard.press("s")  # Material's shortcut focuses the search box
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for()
    found = [urlsplit(href).path for href in results.evaluate_all("els => els.map(a => a.href)")]
    assert found[0] in mentions, f"{query!r} first finds {found[0]}, which does not mention it"
    assert questions <= set(found), f"{query!r} misses {questions - set(found)}"
    results.first.click()
    page.wait_for_url(re.compile(r"\?h="))
    page.wait_for_function(MATH_DONE)
    # Words are marked; a formula with a match is marked as a whole, its TeX left intact.
    page.locator("mark[data-md-highlight], .arithmatex[data-search-hit]").first.wait_for()
    words = [t.lower() for t in page.locator("mark[data-md-highlight]").all_inner_texts()]
    formulas = page.locator(".arithmatex[data-search-hit]").count()
    term = query.split("^")[0].lower()
    assert term in words or formulas, f"nothing highlighted for {query!r}"
    if "^" in query:  # only ever written as math
        assert formulas, f"no formula highlighted for {query!r}"
    assert page.locator(".arithmatex > mark").count() == 0  # no mark left splitting raw TeX
    assert math_problems(page) == []
    # The header box asks the API first (javascripts/header-search.js); this static host answers
    # /search with a redirect to the built-in index's folder, which the browser stops at (aborted).
    problems = watcher.take()
    aborted_hop = re.compile(r"request failed: http://127\.0\.0\.1:\d+/search/?\?\S+ \(net::ERR_ABORTED\)")
    assert all(aborted_hop.fullmatch(p) for p in problems), problems


def test_math_checks_catch_broken_tex_and_autoloaded_macros_render(tmp_path, browse):
    """The checks can fail: unbalanced braces (raw TeX, no error) and a MathJax error are reported.

    And a macro MathJax autoloads (\\boldsymbol, \\cancel in the fixture) is fetched from the site's
    own copy of the TeX extensions and renders.
    """
    docs = copy_docs(tmp_path / "docs")
    (docs / "questions" / "sample-exam" / "q99.md").write_text(  # no front matter: not listed, just built
        "# Broken math\n\nUnbalanced: $\\frac{a}{b$.\n\nMissing argument: $\\frac{a}$.\n", encoding="utf-8")
    context, watcher = browse()
    page = context.new_page()
    fetched = []
    page.on("requestfinished", lambda r: fetched.append(urlsplit(r.url).path))
    with StaticServer(tmp_path / "site") as fixture_site:
        result = build_site(tmp_path / "site", docs, site_url=fixture_site.url)
        assert result.returncode == 0, result.stderr
        load(page, fixture_site.url + "questions/sample-exam/q99/", watcher)
        problems = math_problems(page)
        load(page, fixture_site.url + "questions/sample-exam/q1/", watcher)
        assert math_problems(page) == []
    assert any("raw TeX" in p and "frac{a}{b" in p for p in problems), problems
    assert any("MathJax error" in p for p in problems), problems
    for extension in ("boldsymbol", "cancel"):
        assert f"/assets/mathjax/input/tex/extensions/{extension}.js" in fetched
    assert watcher.take() == []


def _showcase_pages(site: Path) -> dict[str, str]:
    """The pages students see most: home, a question, a concept and the search page (when present)."""
    pages = {"home": ""}
    questions = [read_question(p) for p in sorted((REPO / "docs").glob("questions/*/q*.md"))]
    if questions:  # the one with the most display math: what a phone finds hardest
        busiest = max(questions, key=lambda q: q.body.count("$$"))
        pages["question"] = page_url(question_path(busiest.collection, busiest.question)).lstrip("/")
    concepts = sorted(p for p in site.glob("concepts/*/index.html"))
    if concepts:
        pages["concept"] = concepts[0].parent.relative_to(site).as_posix() + "/"
    if (site / "find" / "index.html").is_file():
        pages["search"] = "find/"
    return pages


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_and_screenshots(repo_server, browse, scheme, width):
    """Axe finds nothing serious; the screenshots (tests/screenshots/, git-ignored) are for people to look at."""
    from axe_playwright_python.sync_playwright import Axe

    context, watcher = browse(color_scheme=scheme, viewport={"width": width, "height": 900 if width > 400 else 844})
    page = context.new_page()
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    serious = {}
    for name, url in _showcase_pages(repo_server.root).items():
        load(page, repo_server.url + url)
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}-{scheme}.png", full_page=True)
        settle_animations(page)
        violations = axe.run(page).response["violations"]
        found = [f"{v['id']} ({v['impact']}): {v['help']} -- {[n['target'] for n in v['nodes']][:3]}"
                 for v in violations if v["impact"] in ("serious", "critical")]
        if found:
            serious[f"{name} /{url}"] = found
    assert not serious, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in serious.items())
    assert watcher.take() == []
