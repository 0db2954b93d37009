"""`make dev` (scripts/dev.py) end to end, on a copy of the project's docs and sources, in Chromium: a save
reaches the open page and /search by itself (timed); a broken wikilink shows its file, line and message on the
page while the last good build stays served; a meta file's new title reaches a page edited by hand."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from deploykit import REPO, Service, free_port, get
from kb.site.config import write_config

pytestmark = pytest.mark.browser
Q7 = "questions/deep-learning-exam-answers/q7/"
Q7_FILE = "docs/questions/deep-learning-exam-answers/q7.md"
LIMIT = 90  # seconds for one rebuild to show, on a busy 2-core machine; measured times are printed


def project_copy(work: Path) -> Path:
    """docs/, sources/ and a mkdocs.yml reading them, whose hooks and theme stay the repo's."""
    shutil.copytree(REPO / "docs", work / "docs")
    shutil.copytree(REPO / "sources", work / "sources")
    write_config(REPO, "docs", work / "mkdocs.yml")
    return work


def status(url: str) -> dict:
    return json.loads(get(url + "__dev/status")[2])


def wait_for(check, what: str, limit: float = LIMIT):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {limit} s")


def edit(path: Path, old: str, new: str) -> float:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return time.monotonic()


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    work = project_copy(tmp_path_factory.mktemp("dev"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "scripts/dev.py", "--port", str(port), "-f", str(work / "mkdocs.yml"),
               "--sources", str(work / "sources"), "--work", str(work / "build")]
    with Service(command, url + "__dev/status", work / "dev.log"):
        wait_for(lambda: status(url)["built"] and not status(url)["building"], "the first build", 180)
        yield url, work


def test_a_save_reaches_the_open_page_and_search_by_itself(dev, browse):
    url, work = dev
    page, watcher = browse(url + Q7)
    started = edit(work / Q7_FILE, "The attention mechanism computes", "The zanzibar attention mechanism computes")
    searched = wait_for(lambda: json.loads(get(url + "search?q=zanzibar")[2])["total"] and time.monotonic(),
                        "the edit in /search")
    page.wait_for_function("() => (document.querySelector('.md-content__inner')?.textContent || '').includes('zanzibar')",
                           timeout=LIMIT * 1000)  # reloaded by itself: nobody navigated
    shown = time.monotonic()
    print(f"\nmake dev: edit -> /search {searched - started:.1f} s, edit -> page {shown - started:.1f} s, "
          f"steps {status(url)['timings']}")
    assert page.locator("#kb-dev-problems").count() == 0
    assert watcher.take() == []


def test_a_broken_wikilink_is_shown_in_the_page_over_the_last_good_build(dev, browse):
    url, work = dev
    page, watcher = browse(url + Q7)
    before = status(url)["generation"]
    edit(work / Q7_FILE, "Matrix Multiplication", "Matrix Multiplication, see [[KL divergenc]],")
    banner = page.locator("#kb-dev-problems")
    banner.wait_for(timeout=LIMIT * 1000)  # the page reloaded by itself after the failed rebuild
    assert status(url)["generation"] > before
    text = banner.inner_text()
    assert f"{Q7_FILE}:" in text and "[[KL divergenc]]" in text and "names no concept" in text, text
    article = page.locator(".md-content__inner").inner_text()
    assert "KL divergenc]]" not in article and "Matrix Multiplication" in article, "the last good build"
    # No hang: the server answers at once, the search too, from the last good build.
    started = time.monotonic()
    assert get(url + Q7, timeout=5)[0] == 200 and get(url + "search?q=attention", timeout=5)[0] == 200
    assert time.monotonic() - started < 5
    edit(work / Q7_FILE, "Matrix Multiplication, see [[KL divergenc]],", "Matrix Multiplication")
    banner.wait_for(state="detached", timeout=LIMIT * 1000)
    assert watcher.take() == []


def test_a_new_title_in_the_meta_file_reaches_the_page_edited_by_hand(dev, browse):
    url, work = dev
    page, watcher = browse(url + Q7)
    edit(work / "sources" / "deep-learning-exam-answers.meta.yml", '"The cost of attention"',
         '"Why attention is quadratic"')
    page.wait_for_function("() => (document.querySelector('.md-content__inner h1')?.textContent || '')"
                           ".startsWith('Q7. Why attention is quadratic')", timeout=LIMIT * 1000)
    assert "zanzibar" in page.locator(".md-content__inner").inner_text(), "the hand edit is kept"
    hits = json.loads(get(url + "search?q=" + quote("quadratic") + "&type=question")[2])["results"]
    assert any(h["title"] == "Why attention is quadratic" for h in hits)
    assert watcher.take() == []
