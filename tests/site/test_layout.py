"""Layout in a real browser (Debian's headless Chromium through Playwright): every page fits a phone,
formulas stay out of the Tab order (and in reach of screen readers), lists keep their numbers,
and the 404 page offers a way on."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from sitekit import MATH_DONE, Watcher, built_pages, page_path, settle_animations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# How far the page scrolls sideways, and the elements that stick out (to say which).
OVERFLOW = """() => {
  const doc = document.documentElement;
  const over = doc.scrollWidth - doc.clientWidth;
  const culprits = [];
  if (over > 0) for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > doc.clientWidth + 1) culprits.push(`${el.tagName.toLowerCase()}.${el.className}`);
  }
  return {over, culprits: culprits.slice(-5)};
}"""
# Formulas a Tab press can reach, and formulas without the hidden MathML screen readers read.
MATH_FOCUS = """() => {
  const all = [...document.querySelectorAll('mjx-container')];
  return {
    formulas: all.length,
    // A formula wider than its column scrolls in its own box, which Tab must reach to scroll it.
    tabbable: all.filter(c => (c.tabIndex >= 0 || c.querySelector('[tabindex]:not([tabindex="-1"])'))
      && !c.hasAttribute('data-kb-scrolls')).length,
    unreadable: all.filter(c => !c.querySelector('mjx-assistive-mml math')).length,
  };
}"""


def page_urls(server) -> list[str]:
    urls = []
    for built in built_pages(server.root):
        rel = built.relative_to(server.root).as_posix()
        if rel == "404.html":
            continue
        urls.append(server.url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


def open_context(chromium, **options):
    context = chromium.new_context(**options)
    return context, Watcher(context)


def load(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(MATH_DONE)


def test_every_page_fits_a_phone_and_keeps_formulas_out_of_the_tab_order(repo_server, chromium):
    context, watcher = open_context(chromium, viewport=PHONE)
    page = context.new_page()
    report, formulas = {}, 0
    urls = page_urls(repo_server)
    for url in urls:
        load(page, url)
        problems = []
        overflow = page.evaluate(OVERFLOW)
        if overflow["over"] > 0:
            problems.append(f"scrolls sideways by {overflow['over']} px: {overflow['culprits']}")
        focus = page.evaluate(MATH_FOCUS)
        formulas += focus["formulas"]
        if focus["tabbable"]:
            problems.append(f"{focus['tabbable']} of {focus['formulas']} formulas in the Tab order")
        if focus["unreadable"]:
            problems.append(f"{focus['unreadable']} formulas without MathML for screen readers")
        if problems:
            report[url] = problems
    context.close()
    assert len(urls) > 10 and formulas > 100
    assert not report, "\n".join(f"{u}:\n  " + "\n  ".join(p) for u, p in report.items())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_long_display_formula_scrolls_in_its_own_box_on_a_phone(repo_server, chromium, scheme):
    """The widest display formula of the site is wider than a phone: its own box scrolls, not the page."""
    context, _ = open_context(chromium, viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    widest = None
    for url in page_urls(repo_server):
        if "/questions/" not in url and "/concepts/" not in url:
            continue
        load(page, url)
        found = page.evaluate("""() => Math.max(0, ...[...document.querySelectorAll('div.arithmatex')]
          .map(box => box.scrollWidth - box.clientWidth))""")
        if found > 0 and (widest is None or found > widest[1]):
            widest = (url, found)
    assert widest, "no display formula is wider than a phone: this test checks nothing"
    load(page, widest[0])
    box = page.evaluate("""() => { const box = [...document.querySelectorAll('div.arithmatex')]
        .sort((a, b) => (b.scrollWidth - b.clientWidth) - (a.scrollWidth - a.clientWidth))[0];
      const style = getComputedStyle(box);
      return {overflowX: style.overflowX, right: box.getBoundingClientRect().right,
              page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
              tabindex: box.getAttribute('tabindex')}; }""")
    assert box["overflowX"] in ("auto", "scroll")
    assert box["right"] <= PHONE["width"] and box["page"] == 0, box
    assert box["tabindex"] == "0", "keyboard users reach the box to scroll it"
    context.close()


def test_tab_walks_past_every_formula_of_a_page_full_of_them(repo_server, chromium):
    """Q7 has dozens of formulas: Tab goes from link to link, never into one."""
    context, watcher = open_context(chromium, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    load(page, repo_server.url + "questions/deep-learning-exam-answers/q7/")
    assert page.locator("article mjx-container").count() > 20
    stops = []
    for _ in range(400):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const el = document.activeElement;
          return {math: !!el.closest('mjx-container'), tag: el.tagName, footer: !!el.closest('footer')}; }""")
        stops.append(stop)
        if stop["footer"]:
            break
    assert stops[-1]["footer"], "Tab did not reach the footer in 400 presses"
    assert not any(s["math"] for s in stops)
    context.close()


def test_lists_are_numbered_as_written(repo_site):
    """Q4's points are separated by paragraphs and keep numbers 1 to 4; in Q7 (a) the bullets after
    a numbered point are their own list (sane_lists), not more numbered items."""
    q4 = page_path(repo_site, "/questions/deep-learning-exam-answers/q4/").read_text(encoding="utf-8")
    starts = [start or "1" for start in re.findall(r'<ol(?: start="(\d+)")?>', q4.split('class="md-content"')[1])]
    assert starts[:4] == ["1", "2", "3", "4"], starts
    q7 = page_path(repo_site, "/questions/deep-learning-exam-answers/q7/").read_text(encoding="utf-8")
    part_a = q7.split('id="part-a"')[1].split('id="part-b"')[0]
    first_list = part_a[part_a.index("<ol>"):]
    assert re.match(r"<ol>\s*<li>[^<]*Matrix Multiplication.*?</li>\s*</ol>\s*<ul>", first_list, re.S), first_list[:300]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_404_page_offers_search_home_and_concepts(repo_server, chromium, width):
    context, watcher = open_context(chromium, viewport={"width": width, "height": 900})
    page = context.new_page()
    load(page, repo_server.url + "404.html")
    assert page.locator(".md-content h1").inner_text() == "Page not found"
    links = page.eval_on_selector_all(".md-content a[href]", "els => els.map(a => a.href)")
    paths = {urlsplit(href).path for href in links}
    assert {"/", "/concepts/"} <= paths, paths
    assert page.evaluate(OVERFLOW)["over"] == 0
    from axe_playwright_python.sync_playwright import Axe

    settle_animations(page)
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.fill("#kb-404-q", "inductive bias")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/find/\?"))
    assert parse_qs(urlsplit(page.url).query) == {"query": ["inductive bias"]}
    context.close()


def test_home_leads_with_a_search_box_and_the_collections(repo_server, chromium):
    context, watcher = open_context(chromium, viewport=PHONE)
    page = context.new_page()
    load(page, repo_server.url)
    first_screen = page.evaluate("""() => [...document.querySelectorAll('.md-content input, .md-content a')]
      .filter(el => el.getBoundingClientRect().bottom < innerHeight).map(el => el.id || el.getAttribute('href'))""")
    assert "kb-home-q" in first_screen, "the search box is on the first phone screen"
    assert any("questions/" in href for href in first_screen if href), "so are the collections' questions"
    text = page.locator(".md-content").inner_text()
    assert "make serve" not in text and "contributing" not in text.lower()
    footer = page.eval_on_selector_all("footer a[href]", "els => els.map(a => a.href)")
    assert any(h.endswith("/contributing/") for h in footer) and any(h.endswith("/api/") for h in footer)
    tabs = page.eval_on_selector_all(".md-tabs a", "els => els.map(a => a.textContent.trim())")
    assert "API" not in tabs
    assert watcher.take() == []
    page.fill("#kb-home-q", "ELBO")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/find/\?query=ELBO$"))
    context.close()
