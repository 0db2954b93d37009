"""The practice page and the deck download, in Debian's headless Chromium, at 1280 px and 390 px,
light and dark: a whole session (reveal, mark, resume after a reload, summary, "Again" first next time)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from ankikit import read_deck
from appkit import serve_site_and_api
from sitekit import MATH_DONE, REPO
from test_find import type_query

pytestmark = pytest.mark.browser

SEED = "deep-learning-exam-answers"
VIEWS = [pytest.param({"viewport": {"width": 1280, "height": 900}, "color_scheme": "light"}, id="1280px-light"),
         pytest.param({"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"}, id="390px-dark")]


@pytest.fixture(params=VIEWS)
def view(request):
    return request.param


def data(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + "practice/data/" + path, timeout=10) as response:
        return json.load(response)


def current_card(page) -> str:
    page.wait_for_selector("[data-practice-card]")
    return page.get_attribute("[data-practice-card]", "data-practice-card")


def status(page) -> str:
    return page.inner_text("[data-practice-status]")


def no_sideways_scroll(page, view) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= view["viewport"]["width"]


def test_a_whole_session_resumes_after_a_reload(revise_server, open_page, view):
    cards = data(revise_server, f"{SEED}.json")["cards"]
    page, watcher = open_page(revise_server.url + f"practice/?collection={SEED}", **view)
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme == ("slate" if view["color_scheme"] == "dark" else "default")
    first = current_card(page)
    assert status(page).startswith(f"Card 1 of {len(cards)}")
    assert page.inner_text(".practice__scope") == "Exam answer sheet 1"
    answer = page.locator("[data-practice-answer]")
    assert not answer.is_visible()
    page.click("[data-practice-reveal]")
    assert answer.is_visible() and answer.inner_text().strip()
    assert page.evaluate("document.activeElement.hasAttribute('data-practice-knew')"), "focus moves to the marks"
    no_sideways_scroll(page, view)
    page.click("[data-practice-again]")
    second = current_card(page)
    assert second != first and status(page).startswith(f"Card 2 of {len(cards)}")
    page.click("[data-practice-reveal]")
    page.keyboard.press("Enter")  # "Knew it" has the focus
    third = current_card(page)
    assert status(page).startswith(f"Card 3 of {len(cards)} · knew 1 · again 1")

    page.reload(wait_until="load")
    assert current_card(page) == third, "the session resumes where it was"
    assert status(page).startswith(f"Card 3 of {len(cards)} · knew 1 · again 1")
    seen = {first, second, third}
    for _ in range(len(cards) - 2):
        page.click("[data-practice-reveal]")
        page.wait_for_function(MATH_DONE)
        no_sideways_scroll(page, view)
        page.click("[data-practice-knew]")
        if page.locator("[data-practice-summary]").count():
            break
        seen.add(current_card(page))
    assert seen == {c["id"] for c in cards}, "every card once"
    summary = page.locator("[data-practice-summary]")
    assert f"You knew {len(cards) - 1} of {len(cards)}; 1 to see again." in summary.inner_text()
    assert summary.locator(".practice__again a").count() == 1
    assert summary.locator(".practice__again a").get_attribute("href").endswith(first.split("#", 1)[-1])
    marks = page.evaluate("JSON.parse(localStorage.getItem('kb-practice:marks'))")
    assert marks[first] == "again" and marks[second] == "knew"

    page.reload(wait_until="load")
    page.wait_for_selector("[data-practice-summary]")  # a finished session shows its summary
    page.click("[data-practice-restart]")
    assert current_card(page) == first, "the card marked Again comes first next time"
    assert status(page).startswith(f"Card 1 of {len(cards)} · knew 0 · again 0")
    assert watcher.take() == []


def test_math_in_a_practised_answer_is_typeset(revise_server, open_page):
    page, watcher = open_page(revise_server.url + "practice/?cards=" + f"questions/{SEED}/q7/%23part-a")
    assert current_card(page) == f"questions/{SEED}/q7/#part-a"
    page.click("[data-practice-reveal]")
    page.wait_for_function("() => document.querySelector('[data-practice-answer] div.arithmatex mjx-container')")
    page.wait_for_function(MATH_DONE)
    formula = page.locator("[data-practice-answer] div.arithmatex mjx-container").first
    assert formula.is_visible() and formula.bounding_box()["width"] > 20
    # Links in the answer lead to the site's pages.
    hrefs = page.eval_on_selector_all("[data-practice-card] a[href]", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(revise_server.url) for h in hrefs)
    assert page.get_attribute(".practice__title a", "href") == f"{revise_server.url}questions/{SEED}/q7/#part-a"
    assert watcher.take() == []


@pytest.mark.parametrize("query, kind, value", [
    ("tag=attention", "tag", "attention"),
    ("concept=inductive-bias", "concept", "inductive-bias"),
])
def test_a_tag_and_a_concept_are_practised(revise_server, open_page, query, kind, value):
    cards = data(revise_server, f"{SEED}.json")["cards"]
    key = "tags" if kind == "tag" else "concepts"
    wanted = {c["id"] for c in cards if value in c[key]}
    assert wanted
    page, watcher = open_page(revise_server.url + f"practice/?{query}")
    current_card(page)
    assert status(page).startswith(f"Card 1 of {len(wanted)}")
    seen = set()
    for _ in wanted:
        seen.add(current_card(page))
        page.click("[data-practice-reveal]")
        page.click("[data-practice-knew]")
    assert seen == wanted
    page.wait_for_selector("[data-practice-summary]")
    assert watcher.take() == []


def test_without_a_choice_the_page_lists_what_to_practise(revise_server, open_page, view):
    page, watcher = open_page(revise_server.url + "practice/", **view)
    page.wait_for_selector(".practice__choices")
    link = page.locator(".practice__choices").get_by_role("link", name="Exam answer sheet 1")
    assert "(20 cards)" in page.inner_text(".practice__choices")
    link.click()
    current_card(page)
    assert status(page).startswith("Card 1 of 20")
    no_sideways_scroll(page, view)
    assert watcher.take() == []


def test_the_collection_page_offers_its_deck(revise_server, open_page, view, tmp_path):
    page, watcher = open_page(revise_server.url + f"questions/{SEED}/", **view)
    deck_link = page.get_by_role("link", name="Anki deck")
    assert deck_link.is_visible()
    assert page.get_by_role("link", name="Practise these questions").is_visible()
    no_sideways_scroll(page, view)
    with page.expect_download() as download:
        deck_link.click()
    saved = tmp_path / "deck.apkg"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"{SEED}.apkg"
    deck = read_deck(saved)
    assert len(deck.notes) == 20 and list(deck.decks.values()) == ["Exam answer sheet 1"]
    assert any(r"\(h\)" in n.fields[1] for n in deck.notes)
    # Chromium ends the request that became a download as "aborted": the download itself, no failure.
    assert [p for p in watcher.take() if not (p.endswith(f"anki/{SEED}.apkg (net::ERR_ABORTED)"))] == []
    page.get_by_role("link", name="Practise these questions").click()
    current_card(page)
    assert status(page).startswith("Card 1 of 20")
    assert watcher.take() == []


def test_the_site_and_the_script_make_the_same_notes(revise_server, tmp_path):
    done = subprocess.run([sys.executable, "scripts/export_anki.py", "--out", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    built = read_deck((revise_server.root / "anki" / f"{SEED}.apkg").read_bytes())
    exported = read_deck(tmp_path / f"{SEED}.apkg")
    assert sorted(n.guid for n in built.notes) == sorted(n.guid for n in exported.notes)
    assert built.decks == exported.decks and built.models == exported.models


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    with serve_site_and_api(tmp_path_factory.mktemp("practice-app")) as server:
        yield server


def test_practise_these_from_a_search(app_server, open_page):
    page, watcher = open_page(app_server.url + "find/")
    type_query(page, "attention")
    offer = page.locator("[data-practise-these]")
    offer.wait_for(state="visible")
    hits = page.eval_on_selector_all("a[data-find-hit='part'], a[data-find-hit='question'], a[data-find-hit='page']",
                                     "els => els.map(a => a.href)")
    assert hits
    count = int(offer.inner_text().split("(")[1].rstrip(")"))
    assert 0 < count <= len(hits)
    offer.click()
    page.wait_for_url("**/practice/?cards=*")
    first = current_card(page)
    total = int(status(page).split(" of ")[1].split(" ")[0])
    assert total >= count, "a question found brings all its parts"
    assert any(first.split("#")[0] in h for h in hits)
    assert page.inner_text(".practice__scope") == "Search results"
    assert watcher.take() == []


def test_a_concept_page_offers_its_parts(revise_server, open_page):
    cards = data(revise_server, f"{SEED}.json")["cards"]
    wanted = sum("inductive-bias" in c["concepts"] for c in cards)
    page, watcher = open_page(revise_server.url + "concepts/inductive-bias/", viewport={"width": 390, "height": 844})
    offer = page.get_by_role("link", name=f"Practise the {wanted} question parts about this concept")
    offer.click()
    current_card(page)
    assert status(page).startswith(f"Card 1 of {wanted}")
    assert page.inner_text(".practice__scope") == "Concept: Inductive bias"
    assert watcher.take() == []


@pytest.mark.parametrize("path", ["practice/?collection=" + SEED, f"questions/{SEED}/q7/?revise=1",
                                  f"questions/{SEED}/", "concepts/attention/"])
def test_axe_finds_nothing_serious(revise_server, open_page, view, path):
    from axe_playwright_python.sync_playwright import Axe

    from sitekit import settle_animations
    page, watcher = open_page(revise_server.url + path, **view)
    page.wait_for_function(MATH_DONE)
    if path.startswith("practice/"):
        page.click("[data-practice-reveal]")
        page.wait_for_function(MATH_DONE)
    settle_animations(page)
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']}: {v['help']} -- {[n['target'] for n in v['nodes']][:3]}"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert watcher.take() == []


def test_the_production_server_serves_the_deck_and_the_data(app_server):
    with urllib.request.urlopen(app_server.url + f"anki/{SEED}.apkg", timeout=10) as response:
        assert response.status == 200
        # A type a browser downloads: Anki's own where the system's MIME table knows .apkg, else plain bytes.
        assert response.headers["Content-Type"] in ("application/vnd.anki", "application/octet-stream")
        deck = read_deck(response.read())
    assert len(deck.notes) == 20
    with urllib.request.urlopen(app_server.url + "practice/data/index.json", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        assert [c["slug"] for c in json.load(response)["collections"]] == [SEED]
