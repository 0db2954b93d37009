"""Hide-the-answer mode on question pages, in Debian's headless Chromium, at 1280 px and 390 px."""

from __future__ import annotations

import pytest

from sitekit import MATH_DONE

pytestmark = pytest.mark.browser

SEED = "questions/deep-learning-exam-answers"
WIDTHS = [pytest.param({"width": 1280, "height": 900}, id="1280px"),
          pytest.param({"width": 390, "height": 844}, id="390px")]
ARTICLE = """() => { const a = document.querySelector('article').cloneNode(true);
  a.querySelector('[data-kb-revise-toggle]').remove(); return a.innerHTML; }"""
FOLDS = "article > details.kb-reveal"


def open_settled(open_page, url, viewport, **options):
    page, watcher = open_page(url, viewport=viewport, **options)
    page.wait_for_function(MATH_DONE)
    return page, watcher


def test_the_mode_folds_every_answer_and_off_is_the_page_as_built(revise_server, open_page, viewport):
    page, watcher = open_settled(open_page, revise_server.url + f"{SEED}/q3/", viewport)
    toggle = page.locator("[data-kb-revise-toggle]")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    assert page.locator(FOLDS).count() == 0
    as_built = page.evaluate(ARTICLE)

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.locator(FOLDS).count() == 2, "one fold per part"
    # The title and both part headings stay in view; the answers do not.
    assert page.locator("article h1").is_visible()
    for anchor in ("part-a", "part-b"):
        assert page.locator(f"#{anchor}").is_visible()
    answer = page.get_by_text("Alice's claim is")
    assert not answer.is_visible()
    assert page.locator(f"{FOLDS} > summary").all_inner_texts() == ["Show answer", "Show answer"]
    # Reveal part (b) only.
    page.locator(f"{FOLDS} > summary").nth(1).click()
    assert answer.is_visible()
    assert not page.get_by_text("Main Advantage of CNN").is_visible()
    assert page.locator(f"{FOLDS} > summary").nth(1).inner_text() == "Hide answer"

    toggle.click()
    assert page.locator(FOLDS).count() == 0
    assert page.evaluate(ARTICLE) == as_built, "with the mode off the page is exactly as built"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert watcher.take() == []


def test_the_mode_is_remembered_and_keyboard_reachable(revise_server, open_page, viewport):
    page, watcher = open_settled(open_page, revise_server.url + f"{SEED}/q6/", viewport)
    # Tab reaches the toggle; Enter turns the mode on.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-kb-revise-toggle')"):
            break
    else:
        pytest.fail("Tab never reached the toggle")
    page.keyboard.press("Enter")
    assert page.locator(FOLDS).count() == 3
    # Tab then reaches a "Show answer", and Enter opens it.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.localName === 'summary'"):
            break
    page.keyboard.press("Enter")
    assert page.locator(f"{FOLDS}[open]").count() == 1
    assert page.evaluate("localStorage.getItem('kb-revise')") == "on"
    page.reload(wait_until="load")
    page.wait_for_function(MATH_DONE)
    assert page.locator(FOLDS).count() == 3, "remembered across a reload"
    assert page.locator(f"{FOLDS}[open]").count() == 0
    assert watcher.take() == []


def test_the_url_parameter_sets_the_mode(revise_server, open_page, viewport):
    page, watcher = open_settled(open_page, revise_server.url + f"{SEED}/q7/?revise=1", viewport)
    assert page.locator(FOLDS).count() == 2
    assert page.locator("[data-kb-revise-toggle]").get_attribute("aria-pressed") == "true"
    page.goto(revise_server.url + f"{SEED}/q7/?revise=0", wait_until="load")
    page.wait_for_function(MATH_DONE)
    assert page.locator(FOLDS).count() == 0
    assert page.evaluate("localStorage.getItem('kb-revise')") == "off"
    assert watcher.take() == []


def test_math_in_a_revealed_answer_is_typeset(revise_server, open_page, viewport):
    page, watcher = open_settled(open_page, revise_server.url + f"{SEED}/q7/?revise=1", viewport)
    first = page.locator(FOLDS).first
    formula = first.locator("div.arithmatex mjx-container").first
    assert not formula.is_visible()
    first.locator("summary").click()
    assert formula.is_visible()
    box = formula.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, box
    assert first.locator("mjx-merror").count() == 0
    # Nothing typeset is left as TeX in the revealed answer.
    assert "\\frac" not in first.inner_text()
    assert watcher.take() == []


def test_instant_navigation_keeps_the_mode(revise_server, open_page, viewport):
    page, watcher = open_settled(open_page, revise_server.url + f"{SEED}/q3/?revise=1", viewport)
    page.evaluate("window.__kbStay = 1")  # gone if the next page is a full load
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url("**/q4/")
    page.wait_for_function("() => document.querySelector('article h1').textContent.includes('Q4.')")
    assert page.evaluate("window.__kbStay") == 1, "instant navigation swapped the page in"
    page.wait_for_function(f"() => document.querySelectorAll('{FOLDS}').length === 1")
    assert not page.get_by_text("Slower Adaptation").is_visible()
    page.locator(f"{FOLDS} > summary").click()
    page.wait_for_function(MATH_DONE)
    assert page.get_by_text("Slower Adaptation").is_visible()
    assert watcher.take() == []


@pytest.fixture(params=WIDTHS)
def viewport(request):
    return request.param
