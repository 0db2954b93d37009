"""The hostile document (tests/site/fixtures/hostile/) through the practice page, hide-the-answer mode
and an Anki deck: its markup is shown as text, and nothing of it runs in Debian's Chromium.

The document is imported by the real importer CLI, the site built by the real `mkdocs build --strict`
and the deck written by scripts/export_anki.py; the deck's fields are then opened in Chromium as
Anki would show them (front, then front and back).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from ankikit import read_deck
from sitekit import MATH_DONE, REPO, SCRIPT_BEARING, StaticServer, build_site, hostile_docs
from test_hostile import reader  # noqa: F401 (a fixture: a browser context that records every dialog)

pytestmark = pytest.mark.browser

COLLECTION = "hostile-answers"
# Strings of the fixture that hide a script, as a reader must see them: as text.
AS_TEXT = [
    """<script>alert("script-in-answer")</script>""",
    """<img src=x onerror="alert('img-onerror')">""",
    """<div onmouseover="alert('div-mouseover')">hover me</div>""",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(docs, served site) with the hostile document imported beside the seed."""
    work = tmp_path_factory.mktemp("hostile-revise")
    docs = hostile_docs(work / "docs")
    site = work / "site"
    with StaticServer(site) as server:
        result = build_site(site, docs, site_url=server.url)
        assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
        yield docs, server


def provoke(page, within: str) -> None:
    """What a reader does: hover and click what the fixture hides handlers behind."""
    for text in ("hover me", "click me", "raw link", "math click", "tab click", "title", "emphasis"):
        for target in page.locator(within).get_by_text(text, exact=False).all():
            if target.is_visible() and target.evaluate("e => !e.closest('a[href]')"):  # links lead away
                target.hover()
                target.click(no_wait_after=True)
    page.wait_for_timeout(200)


def assert_inert(page, watcher, dialogs, where: str) -> None:
    assert dialogs == [], f"{where}: a dialog fired: {dialogs}"
    assert page.evaluate(SCRIPT_BEARING) == [], where
    assert watcher.take() == [], where


def test_the_practice_page_shows_the_hostile_answers_as_text(hostile, reader):
    _, server = hostile
    page, watcher, dialogs = reader
    page.set_viewport_size({"width": 390, "height": 844})
    with open(server.root / "practice" / "data" / f"{COLLECTION}.json", encoding="utf-8") as f:
        cards = json.load(f)["cards"]
    assert "<script" not in (server.root / "practice" / "data" / f"{COLLECTION}.json").read_text(encoding="utf-8")
    page.goto(server.url + f"practice/?collection={COLLECTION}", wait_until="load")
    page.wait_for_selector("[data-practice-card]")
    assert page.inner_text(".practice__scope") == "Hostile <script>alert('collection-title')</script> collection"
    shown = []
    for _ in cards:
        page.click("[data-practice-reveal]")
        page.wait_for_function(MATH_DONE)
        provoke(page, "[data-practice-answer], .practice__part, .practice__intro")  # not the title: it links to the page
        shown.append(page.inner_text("[data-practice-card]"))
        assert_inert(page, watcher, dialogs, f"card {len(shown)}")
        page.click("[data-practice-again]")
    everything = "\n".join(shown)
    for text in AS_TEXT + ["<script>alert('meta-title')</script>Meta title"]:
        assert text in everything, f"not shown as text: {text}"
    assert page.locator("[data-practice-card] a", has_text="click me").count() == 0
    page.wait_for_selector("[data-practice-summary]")
    assert_inert(page, watcher, dialogs, "summary")
    # The tag that holds markup is listed as text on the page that lists what to practise.
    page.goto(server.url + "practice/", wait_until="load")
    page.wait_for_selector(".practice__choices")
    assert "<img src=x onerror=alert('tag')>" in page.inner_text("[data-practice-body]")
    page.locator(".practice__choices a", has_text="onerror=alert('tag')").click()
    page.wait_for_selector("[data-practice-card]")
    page.click("[data-practice-reveal]")
    provoke(page, "[data-practice-answer]")
    assert_inert(page, watcher, dialogs, "practice by the hostile tag")


def test_hide_the_answer_mode_on_the_hostile_page(hostile, reader):
    _, server = hostile
    page, watcher, dialogs = reader
    page.goto(server.url + f"questions/{COLLECTION}/q1/?revise=1", wait_until="load")
    page.wait_for_function(MATH_DONE)
    folds = page.locator("article > details.kb-reveal")
    assert folds.count() >= 1
    for i in range(folds.count()):
        folds.nth(i).locator("summary").click()
    provoke(page, "article")
    article = page.inner_text("article")
    for text in AS_TEXT:
        assert text in article
    assert_inert(page, watcher, dialogs, "question page in hide-the-answer mode")


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.found.append(f"<{tag} {name}>")
            elif name in ("href", "src") and not (value or "").startswith(("http://", "https://", "kb-")):
                self.found.append(f"<{tag} {name}={value!r}>")


def test_the_hostile_deck_holds_text_and_runs_nothing(hostile, reader, tmp_path):
    docs, _ = hostile
    done = subprocess.run([sys.executable, "scripts/export_anki.py", "--docs", str(docs), "--out", str(tmp_path),
                           "--collection", COLLECTION], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    deck = read_deck(tmp_path / f"{COLLECTION}.apkg")
    assert deck.notes and list(deck.decks.values()) == ["Hostile <script>alert('collection-title')</script> collection"]
    page, watcher, dialogs = reader
    shown = []
    for note in deck.notes:
        for field in note.fields[:2]:
            markup = _Markup()
            markup.feed(field)
            assert markup.found == [], markup.found
        # As Anki shows the answer side: the front, a rule, the back.
        page.set_content(f'<!doctype html><html><body>{note.fields[0]}<hr id="answer">{note.fields[1]}</body></html>')
        provoke(page, "body")
        shown.append(page.inner_text("body"))
        assert_inert(page, watcher, dialogs, f"note {note.fields[2]}")
    everything = "\n".join(shown)
    for text in AS_TEXT + ["<script>alert('meta-title')</script>Meta title"]:
        assert text in everything, f"not in the deck as text: {text}"
    assert any("onerror=alert('tag')" in t for n in deck.notes for t in n.tags), "the tag is carried, as a word"


RAW = {  # what the practice page must never run, even if its data held it raw
    "title": "<svg onload=\"alert('svg-onload')\"></svg>Raw <b onclick=\"alert('title')\">title</b>",
    "intro": "<iframe srcdoc=\"<script>alert('srcdoc')</script>\"></iframe><form><button formaction=\"javascript:alert(1)\">go</button></form>",
    "part": "<a href=\"java\tscript:alert('tab')\">tab link</a>",
    "answer": ("<img src=x onerror=\"alert('img')\"><script>alert('script')</script>"
               "<a href=\"javascript:alert('js')\">js link</a><p style=\"background:url(javascript:alert(1))\">styled</p>"
               "<object data=\"javascript:alert('object')\"></object><p>kept words</p>"),
}


def test_the_practice_page_runs_nothing_even_from_raw_data(revise_server, reader, tmp_path):
    """A second line of defence: the page cleans the data's HTML itself (a site whose data was tampered with)."""
    site = tmp_path / "site"
    shutil.copytree(revise_server.root, site)
    data = site / "practice" / "data" / "deep-learning-exam-answers.json"
    cards = json.loads(data.read_text(encoding="utf-8"))["cards"][:1]
    cards[0].update(RAW)
    data.write_text(json.dumps({"cards": cards}), encoding="utf-8")
    page, watcher, dialogs = reader
    with StaticServer(site) as server:
        page.goto(server.url + "practice/?collection=deep-learning-exam-answers", wait_until="load")
        page.wait_for_selector("[data-practice-card]")
        page.click("[data-practice-reveal]")
        provoke(page, "[data-practice-answer], .practice__part, .practice__intro")
        for text in ("js link", "kept words", "tab link", "Raw title"):
            assert text in page.inner_text("[data-practice-card]")
        card = page.locator("[data-practice-card]")
        assert card.locator("script, iframe, object, form, svg, [style]").count() == 0
        assert dialogs == [] and page.evaluate(SCRIPT_BEARING) == []
        # The image's URL "x" is asked for and missing: the error its onerror= would have turned into an alert.
        missing = (f"HTTP 404: {server.url}x", "console error: Failed to load resource: the server responded with a status of 404")
        assert [p for p in watcher.take() if not p.startswith(missing)] == []
