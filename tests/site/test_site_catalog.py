"""The catalogue behind the home page, collection pages and nav; and the MathJax file selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.site import assets
from kb.site.catalog import (LISTING_MARKER, build_catalog, collection_nav, expand_listing, render_home,
                        render_questions, site_nav)
from kb.pages import PageError, Part, QuestionPage, render_question


def question(collection: str, number: int, title: str, parts=()) -> tuple[str, str]:
    page = QuestionPage(id=f"{collection}/q{number}", collection=collection, question=number, title=title,
                        parts=tuple(Part(label, text, f"part-{label}") for label, text in parts),
                        source_file=f"sources/{collection}.txt", source_lines=(1, 2), body=f"# Q{number}. {title}\n")
    return f"questions/{collection}/q{number}.md", render_question(page)


def index(collection: str, title: str) -> tuple[str, str]:
    return f"questions/{collection}/index.md", f"---\ncollection: {collection}\ntitle: {title}\n---\n\n# {title}\n"


PAGES = [
    question("exam", 10, "Dropout", [("i", "What is it?"), ("ii", "Why?")]),
    question("exam", 2, "The ELBO"),
    question("exam", 1, "Attention [cost]", [("a", "Why $O(n^2)$?")]),
    index("exam", "Exam answers"),
    question("another", 1, "Alone"),  # a collection without an index page
    ("about.md", "# About\n"),
]


def test_questions_are_grouped_by_collection_in_number_order():
    catalog = build_catalog(PAGES)
    assert list(catalog) == ["another", "exam"]  # by title: "Another", "Exam answers"
    exam = catalog["exam"]
    assert exam.title == "Exam answers" and exam.index_path == "questions/exam/index.md"
    assert [q.page.question for q in exam.questions] == [1, 2, 10]
    assert catalog["another"].index_path is None and catalog["another"].title == "Another"


def test_a_bad_question_page_names_file_and_key():
    path, text = question("exam", 3, "Broken")
    with pytest.raises(PageError, match=r"questions/exam/q3.md: key 'title'"):
        build_catalog([(path, text.replace("title: Broken", "title: ''"))])


def test_listing_links_every_question_and_part_relative_to_the_page():
    listing = render_questions(build_catalog(PAGES)["exam"], "questions/exam/index.md")
    assert listing.splitlines() == [
        r"- **Q1.** [Attention \[cost\]](q1.md)",
        "    - [(a) Why $O(n^2)$?](q1.md#part-a)",
        "- **Q2.** [The ELBO](q2.md)",
        "- **Q10.** [Dropout](q10.md)",
        "    - [(i) What is it?](q10.md#part-i)",
        "    - [(ii) Why?](q10.md#part-ii)",
    ]


def test_home_lists_each_collection_with_a_link_to_its_page():
    home = render_home(build_catalog(PAGES))
    assert "### Exam answers\n\n3 questions · [about this collection](questions/exam/index.md)" in home
    assert "### Another\n\n1 question\n" in home
    assert "(questions/exam/q10.md#part-ii)" in home


def test_listing_replaces_the_marker_or_is_appended():
    catalog = build_catalog(PAGES)
    home = expand_listing(f"# Home\n\n{LISTING_MARKER}\n\nMore.\n", "index.md", {}, catalog)
    assert LISTING_MARKER not in home and home.index("### Exam answers") < home.index("More.")
    meta = {"collection": "exam", "title": "Exam answers"}
    page = expand_listing("# Exam answers\n\nProse.\n", "questions/exam/index.md", meta, catalog)
    assert page.startswith("# Exam answers\n\nProse.\n\n## Questions\n\n- **Q1.**")
    other = "# About\n"
    assert expand_listing(other, "about.md", {}, catalog) is other


def test_nav_gets_one_entry_per_collection_and_loses_missing_pages(tmp_path):
    for path, text in PAGES[3:4] + [index("another", "Another exam")]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    (tmp_path / "index.md").write_text("# Home\n")
    (tmp_path / "api.md").write_text("# API\n")
    assert collection_nav(tmp_path) == [{"Another exam": "questions/another/index.md"},
                                        {"Exam answers": "questions/exam/index.md"}]
    nav = site_nav([{"Home": "index.md"}, {"Concepts": "concepts/index.md"}, {"API": "api.md"}], tmp_path)
    assert nav == [{"Home": "index.md"},
                   {"Questions": [{"Another exam": "questions/another/index.md"},
                                  {"Exam answers": "questions/exam/index.md"}]},
                   {"API": "api.md"}]
    (tmp_path / "questions/another/index.md").unlink()
    assert site_nav([{"Home": "index.md"}], tmp_path) == [{"Home": "index.md"},
                                                         {"Exam answers": "questions/exam/index.md"}]


def test_mathjax_selection_is_the_chtml_build_its_fonts_and_tex_extensions():
    files = {f.as_posix() for f in assets.mathjax_files()}
    assert "tex-chtml.js" in files and "input/tex/extensions/cancel.js" in files
    assert "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff" in files
    assert not any(f.startswith(("sre/", "a11y/", "output/svg")) or f.endswith("svg.js") for f in files)


def test_copying_mathjax_twice_copies_nothing_the_second_time(tmp_path):
    first = assets.copy_mathjax(tmp_path)
    assert first > 1_000_000
    assert (tmp_path / assets.MATHJAX_URL / "tex-chtml.js").is_file()
    assert assets.copy_mathjax(tmp_path) == 0


def test_a_missing_mathjax_file_is_an_error(tmp_path):
    (tmp_path / "tex-chtml.js").write_text("")
    with pytest.raises(FileNotFoundError, match="woff"):
        assets.mathjax_files(Path(tmp_path))


def test_a_large_home_page_lists_collections_and_leaves_questions_to_their_pages(monkeypatch):
    from kb.site import catalog as catalog_module

    monkeypatch.setattr(catalog_module, "HOME_LISTS_QUESTIONS_UP_TO", 3)
    home = render_home(build_catalog(PAGES))  # four questions in all
    assert "### Exam answers\n\n3 questions · [about this collection](questions/exam/index.md)" in home
    assert "questions/exam/q10.md" not in home
    assert "(questions/another/q1.md)" in home  # a collection without a page of its own keeps its list
