"""The sidebar of a collection's pages: the questions around the current one, rendered once per collection."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from kb.site import sidebar


def _page(path: str):
    return SimpleNamespace(file=SimpleNamespace(src_uri=path))


def _collection(n: int) -> sidebar.CollectionNav:
    questions = [_page(f"questions/c/q{i}.md") for i in range(1, n + 1)]
    return sidebar.CollectionNav(None, _page("questions/c/index.md"), questions, [f"Q{i}. T&amp;{i}" for i in range(1, n + 1)])


def _shown(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*)" class="md-nav__link[^"]*"[^>]*>([^<]*)</a>', html)


def test_a_small_collection_is_listed_whole_the_current_question_marked():
    items = _shown(_collection(10).items("questions/c/q4.md"))
    assert [label for _, label in items] == [f"Q{i}. T&amp;{i}" for i in range(1, 11)]
    assert items[3][0] == "./" and items[0][0] == "../q1/" and items[9][0] == "../q10/"
    assert _collection(10).items("questions/c/q4.md").count("md-nav__link--active") == 1


@pytest.mark.parametrize("current, first, before, after", [(1, 1, 0, 69), (50, 35, 34, 35), (100, 70, 69, 0)])
def test_a_large_collection_shows_a_window_and_links_the_rest(current, first, before, after):
    w = sidebar.WINDOW
    items = _shown(_collection(100).items(f"questions/c/q{current}.md"))
    questions = [label for _, label in items if label.startswith("Q")]
    assert len(questions) == 2 * w + 1 and questions[0].startswith(f"Q{first}.")
    assert (f"… {before} before" in items[0][1]) == bool(before) and (f"… {after} more" in items[-1][1]) == bool(after)
    assert all(href == "../" for href, label in items if label.startswith("…"))


def test_the_collection_page_sees_its_questions_from_its_own_folder():
    items = _shown(_collection(3).items("questions/c/index.md"))
    assert items == [("q1/", "Q1. T&amp;1"), ("q2/", "Q2. T&amp;2"), ("q3/", "Q3. T&amp;3")]
