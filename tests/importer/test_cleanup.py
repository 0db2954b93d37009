"""kb/ingest/cleanup/: links, tables of contents and <details> answers made build-clean, one line per line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pymdownx.details import DetailsProcessor

from kb.ingest.cleanup import (
    DROPPED, FOLD_CLOSE, FOLD_OPEN, FOLD_TYPE, clean_lines, fold_opener, plain_title, section_text,
)
from kb.ingest.lines import BLANK, CODE, HEADING, MATH, TEXT, classify
from kb.pages import QuestionPage, render_question
from kb.site.config import config_for, write_config
from kb.site.sanitize import RawHtmlAsText, clean_imported_html

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "sources" / "deep-learning-exam-answers.txt"
BASE = "https://github.com/someone/notes/blob/main/ml/README.md"


def cleaned(text: str, base_url: str = ""):
    return clean_lines(classify(text, "doc.md"), "doc.md", base_url)


def texts(text: str, base_url: str = "") -> list[str]:
    return [line.text for line in cleaned(text, base_url).lines]


def kinds(text: str) -> list[str]:
    return [line.kind for line in cleaned(text).lines]


def _lines_text(lines) -> str:
    """How kb/ingest/render.py joined a section's lines before section_text (its `_lines_text`, verbatim):
    section_text must give the same for a document without folds, dropped lines or display math beside text."""
    out: list[str] = []
    for line in lines:
        text = line.text.rstrip()
        if not text and (not out or not out[-1]):
            continue
        out.append(text)
    return "\n".join(out).strip("\n")


def render(page_markdown: str) -> str:
    """Page Markdown as the site renders an imported page: the project's extensions, raw HTML as text, nh3."""
    config = config_for(ROOT, "docs")
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, value = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if value:
            options[name] = value
    raw = RawHtmlAsText()
    raw.active = True
    return clean_imported_html(markdown.markdown(page_markdown, extensions=[*names, raw], extension_configs=options))


# --- Links ----------------------------------------------------------------------------------------------

LINKS = [
    ("[Back to Main Index](./README.md)", "Back to Main Index"),
    ("See [next](part2.md#x).", "See next."),
    ("[c](nothere.md) and [d](../up/there.md)", "c and d"),
    ("An [in-page anchor](#llm-architectures--foundations) link", "An in-page anchor link"),
    ("[attention](/concepts/attention/) page", "attention page"),
    ("![x](/etc/passwd) image", "x image"),
    ("![plot](img/a.png)", "![plot](img/a.png)"),  # kb/ingest/images.py copies relative images
    ("![remote](https://example.org/a.png)", "![remote](https://example.org/a.png)"),
    ("[ok](https://x.org) and [m](mailto:a@b.org)", "[ok](https://x.org) and [m](mailto:a@b.org)"),
    ("[click](javascript:alert(1))", "click"),
    ("[data](data:text/html,hi)", "data"),
    ("[elsewhere](//example.org/p)", "[elsewhere](https://example.org/p)"),
    ('[a](./x.md "a title") b', "a b"),
    ("[![badge](img/b.png)](./README.md)", "![badge](img/b.png)"),
    ("[![abs](/b.png)](#top) x", "abs x"),
    ("[**bold** words](./x.md)", "**bold** words"),
    ("$f[x](t)$ and `[c](d)` stay", "$f[x](t)$ and `[c](d)` stay"),  # math and code are not links
    ("[[src]](https://a.org) [[src2]](https://b.org) [[1]](https://c.org)",
     "[src](https://a.org) [src2](https://b.org) [1](https://c.org)"),
    ("A real wikilink: [[attention]]", "A real wikilink: [[attention]]"),
    ("[[src]](./notes.md)", "src"),
    ("[x]() empty", "x empty"),
    ("No links [here] at all", "No links [here] at all"),
]


@pytest.mark.parametrize("line, expected", LINKS)
def test_links_that_would_break_the_build_or_leave_the_site_become_text(line, expected):
    assert texts(line) == [expected]


def test_links_in_headings_are_rewritten_too():
    result = cleaned("## [Intro](#intro) to [x](./x.md)")
    assert [(line.kind, line.text) for line in result.lines] == [(HEADING, "## Intro to x")]


WRAPPED = [
    ("See [the original\npaper](./paper.pdf) now.", "", ["See the original", "paper now."]),
    ("[a\nb](./x.md) and [c\nd](#e) then [f\ng](./y.md)", "", ["a", "b and c", "d then f", "g"]),
    ("- see [the\n  paper](./p.md)", "", ["- see the", "  paper"]),
    ("> quoted [the\n> paper](/abs/)", "", ["> quoted the", "> paper"]),
    ("[the\npaper](./p.md)", BASE, ["[the", "paper](https://github.com/someone/notes/blob/main/ml/p.md)"]),
    ("A [link](\n./x.md) here", "", ["A \\[link](", "./x.md) here"]),  # a target over two lines: escaped
]


@pytest.mark.parametrize("text, base_url, expected", WRAPPED)
def test_links_wrapped_over_lines_are_rewritten_within_their_lines(text, base_url, expected):
    assert texts(text, base_url) == expected


def test_a_lone_carriage_return_becomes_a_space():
    # Python-Markdown would end the line there, and the page would no longer have one line per source line.
    assert texts("a\rb [x](./x.md)") == ["a b x"]


ABSOLUTE = [
    ("[a](./x.md)", "[a](https://github.com/someone/notes/blob/main/ml/x.md)"),
    ("[n](part2.md#x)", "[n](https://github.com/someone/notes/blob/main/ml/part2.md#x)"),
    ("[up](../README.md)", "[up](https://github.com/someone/notes/blob/main/README.md)"),
    ("[s](<my notes.md>)", "[s](https://github.com/someone/notes/blob/main/ml/my%20notes.md)"),
    ("[p](a(1).md)", "[p](https://github.com/someone/notes/blob/main/ml/a%281%29.md)"),
    ('[t](./x.md "kept title")', '[t](https://github.com/someone/notes/blob/main/ml/x.md "kept title")'),
    ("[a](#anchor)", "a"),  # an anchor of the source page is still not on this page
    ("[a](/abs/path/)", "a"),
    ("![plot](img/a.png)", "![plot](img/a.png)"),
]


@pytest.mark.parametrize("line, expected", ABSOLUTE)
def test_with_a_base_url_relative_links_point_at_the_source(line, expected):
    assert texts(line, BASE) == [expected]


def test_a_base_url_must_be_http():
    with pytest.raises(ValueError, match="base_url"):
        cleaned("[a](./x.md)", "file:///etc/")


def test_reference_links_follow_their_definitions():
    text = "See [the notes][1], [ext][2] and [top].\n\n[1]: ./notes.md\n[2]: https://example.org\n[top]: #top"
    result = cleaned(text)
    assert [line.text for line in result.lines][:2] == ["See the notes, [ext][2] and top.", ""]
    assert [line.kind for line in result.lines][2:] == [DROPPED, TEXT, DROPPED]  # a definition shows no words
    assert result.lines[2].text == "[1]: ./notes.md"  # a dropped line keeps its text for the reviewer
    assert result.warnings == ["doc.md:1: link to ./notes.md is not part of the import; kept as text"]
    with_base = texts(text, BASE)
    assert with_base[0] == "See [the notes][1], [ext][2] and top."
    assert with_base[2] == "[1]: https://github.com/someone/notes/blob/main/ml/notes.md"


def test_one_warning_per_document_target_and_none_for_other_rewrites():
    text = "[a](./README.md) [b](./README.md)\n[c](./README.md) [d](data.csv) [e](#x) [f](/abs)\n[g](guide.pdf)"
    result = cleaned(text)
    assert result.warnings == [
        "doc.md:1: link to ./README.md is not part of the import; kept as text",
        "doc.md:3: link to guide.pdf is not part of the import; kept as text",
    ]
    assert result.rewritten_links == 7
    assert cleaned(text, BASE).warnings == []


# --- Tables of contents and "back to top" ---------------------------------------------------------------


def test_an_in_page_table_of_contents_and_its_heading_are_dropped():
    text = "# Notes\n\n## Table of Contents\n\n- [Basics](#basics)\n- [Training](#training)\n  - [SGD](#sgd)\n\n## Basics\nText."
    result = cleaned(text)
    assert [line.kind for line in result.lines] == [
        HEADING, BLANK, DROPPED, BLANK, DROPPED, DROPPED, DROPPED, BLANK, HEADING, TEXT]
    assert result.lines[4].text == "- [Basics](#basics)"
    assert result.dropped == [(n, "in-page table of contents") for n in (3, 5, 6, 7)]
    assert section_text(result.lines) == "# Notes\n\n## Basics\nText."


TOCS = [
    "**Contents**\n1. [A](#a)\n2. [B](#b)",
    "## 📚 Index\n\n* [A](#a)\n* [**B**](#b)",
    "[A](#a) | [B](#b) | [C](#c)",
    "- [A](#a) · [B](#b)\n- [C](#c)",
]


@pytest.mark.parametrize("text", TOCS)
def test_tables_of_contents_in_other_shapes(text):
    assert {kind for kind in kinds(text)} <= {DROPPED, BLANK} and DROPPED in kinds(text)


NOT_TOCS = [
    "- [A](#a)\n- [B](./b.md)",  # a link out of the page: content
    "- [A](#a) (easy)\n- [B](#b)",  # words of its own
    "See [A](#a) and [B](#b).",
    "## Contents\n\nSome prose about the contents.",
    "- [A](#a)",  # one link is not a table
    "```\n- [A](#a)\n- [B](#b)\n```",
]


@pytest.mark.parametrize("text", NOT_TOCS)
def test_what_is_not_a_table_of_contents(text):
    assert DROPPED not in kinds(text)


BACK_TO_TOP = ["Back to top", "⬆ back to top", "[↑ Back to top](#top)", "**[⬆ back to top](#table-of-contents)**",
               '<a href="#top">Back to top</a>', "[⬆](#top)", "[Return to the top](#contents) ⬆️",
               "[Back to Index](#index)"]
NOT_BACK_TO_TOP = ["[Back to Main Index](./README.md)", "The top of the stack", "Back to top: see [x](./x.md)",
                   "Top", "We go back to the top layer and retrain."]


@pytest.mark.parametrize("line", BACK_TO_TOP)
def test_back_to_top_lines_are_dropped(line):
    result = cleaned(line)
    assert result.lines[0].kind == DROPPED and result.lines[0].text == line
    assert result.dropped == [(1, "back-to-top link")]


@pytest.mark.parametrize("line", NOT_BACK_TO_TOP)
def test_lines_that_only_mention_the_top_stay(line):
    assert kinds(line) == [TEXT]


# --- <details> answers ----------------------------------------------------------------------------------


FOLDS = [
    ("<details><summary><b>💡 Show Answer</b></summary>\n\nIt is 4.\n\n</details>",
     [(FOLD_OPEN, f'??? {FOLD_TYPE} "💡 Show Answer"'), (BLANK, ""), (TEXT, "It is 4."), (BLANK, ""), (FOLD_CLOSE, "")]),
    ("<details>\n<summary>Answer</summary>\n\nIt is 4.\n</details>",
     [(FOLD_OPEN, f'??? {FOLD_TYPE} "Answer"'), (BLANK, ""), (BLANK, ""), (TEXT, "It is 4."), (FOLD_CLOSE, "")]),
    ("<details>\n<summary>\n  <strong>Show</strong> the <em>answer</em>\n</summary>\nIt is 4.\n</details>",
     [(FOLD_OPEN, f'??? {FOLD_TYPE} "Show the answer"'), (BLANK, ""), (BLANK, ""), (BLANK, ""), (TEXT, "It is 4."),
      (FOLD_CLOSE, "")]),
    ("<details>\nIt is 4.\n</details>", [(FOLD_OPEN, f'??? {FOLD_TYPE} "Answer"'), (TEXT, "It is 4."), (FOLD_CLOSE, "")]),
    ("<details open><summary>Solution &amp; proof</summary>\nIt is 4.\n</details>",
     [(FOLD_OPEN, f'???+ {FOLD_TYPE} "Solution &amp; proof"'), (TEXT, "It is 4."), (FOLD_CLOSE, "")]),
    ("<DETAILS>\n<Summary>Answer</Summary> It is 4.\n</DETAILS>",
     [(FOLD_OPEN, f'??? {FOLD_TYPE} "Answer"'), (TEXT, "It is 4."), (FOLD_CLOSE, "")]),
    ("<details><summary>Answer</summary><br>\n<p>It is 4.</p>\n</p></details>",
     [(FOLD_OPEN, f'??? {FOLD_TYPE} "Answer"'), (TEXT, "<p>It is 4.</p>"), (FOLD_CLOSE, "")]),
]


@pytest.mark.parametrize("text, expected", FOLDS)
def test_details_blocks_become_folds(text, expected):
    result = cleaned(text)
    assert [(line.kind, line.text) for line in result.lines] == expected
    assert result.warnings == []


def test_a_fold_renders_as_material_details_with_its_content_indented():
    text = ("Intro.\n<details><summary><b>💡 Show Answer</b></summary>\n\nIt is **4**:\n```python\nx = 2 + 2\n```\n"
            "$$\nx = 4\n$$\n</details>\nAfter.")
    page = section_text(cleaned(text).lines)
    assert page == (f'Intro.\n\n??? {FOLD_TYPE} "💡 Show Answer"\n\n    It is **4**:\n    ```python\n    x = 2 + 2\n    ```\n'
                    "\n    $$\n    x = 4\n    $$\n\nAfter.")
    html = render(page)
    assert f'<details class="{FOLD_TYPE}">\n<summary>💡 Show Answer</summary>' in html
    inside = html.split("</summary>")[1].split("</details>")[0]
    assert "<strong>4</strong>" in inside and "<code>" in inside and 'class="arithmatex"' in inside
    assert "<p>After.</p>" in html.split("</details>")[1]


def test_nested_folds_nest():
    text = "<details><summary>Outer</summary>\n\nA.\n\n<details><summary>Inner</summary>\n\nB.\n\n</details>\n\nC.\n</details>"
    page = section_text(cleaned(text).lines)
    assert page == (f'??? {FOLD_TYPE} "Outer"\n\n    A.\n\n    ??? {FOLD_TYPE} "Inner"\n\n        B.\n\n    C.')
    html = render(page)
    assert html.count("<details") == 2 and html.index("Inner") < html.index("<p>B.</p>") < html.index("<p>C.</p>")


@pytest.mark.parametrize("text, inside_item", [
    ("1. Question?\n\n    <details><summary>Answer</summary>\n\n    It is 4.\n    </details>\n\n2. Next", True),
    ("1. Question?\n   <details><summary>Answer</summary>\n\n   It is 4.\n   </details>\n\n2. Next", False),
    ("- item\nText\n    <details><summary>Answer</summary>\n\nIt is 4.\n</details>", False),  # no list in Python-Markdown
])
def test_a_fold_in_a_list_item_stays_in_it_when_python_markdown_would_nest_it(text, inside_item):
    html = render(section_text(cleaned(text).lines))
    assert html.count("<details") == 1 and "<p>It is 4.</p>" in html.split("</summary>")[1].split("</details>")[0]
    assert (html.index("<details") < html.index("</li>")) == inside_item


FOLD_LINES = st.sampled_from([
    "<details>", "</details>", "<details open>", "<summary>Answer</summary>", "<details><summary><b>S</b></summary>",
    "<summary>", "</summary>", "</p></details>", "  <details>", "    <details>", "   </details>", "\t<details>", "",
    "text", "- item", "1. item", "  indented", "    four", "> quote", "## Heading", "$$x$$", "[a](#a) [b](#b)",
])


@given(st.lists(FOLD_LINES, max_size=16))
@settings(max_examples=60, deadline=None, database=None)
def test_every_fold_renders_as_one_details_element(lines):
    result = cleaned("\n".join(lines))
    html = render(section_text(result.lines))
    assert html.count("<details") == [line.kind for line in result.lines].count(FOLD_OPEN)


def test_an_unclosed_fold_runs_to_the_end_with_a_warning():
    result = cleaned("Q.\n\n<details>\n<summary>Answer</summary>\n\nIt is 4.\n\nMore.")
    assert result.warnings == ["doc.md:3: <details> opened here is never closed; the fold runs to the end"]
    assert section_text(result.lines) == f'Q.\n\n??? {FOLD_TYPE} "Answer"\n\n    It is 4.\n\n    More.'


def test_details_that_share_a_line_with_text_stay_html_with_a_warning():
    result = cleaned("| Q | <details><summary>A</summary>It is 4.</details> |\n\n</details>\nText <details>\nx\n</details>")
    assert [line.kind for line in result.lines] == [TEXT, BLANK, TEXT, TEXT, TEXT, TEXT]
    shared = "<details> shares its line with other text: left as HTML, which an imported page shows as text"
    assert result.warnings == [f"doc.md:1: {shared}", "doc.md:3: </details> closes no <details>; kept as text",
                               f"doc.md:4: {shared}"]


def test_details_in_code_stay_code():
    text = "```html\n<details><summary>A</summary>\n</details>\n```\n\n    <details>\n    </details>"
    result = cleaned(text)
    assert [line.text for line in result.lines] == text.split("\n") and result.warnings == []


def test_a_fold_holding_only_a_table_of_contents_is_dropped_whole():
    text = "<details>\n<summary>Table of Contents</summary>\n\n- [A](#a)\n- [B](#b)\n\n</details>\n\nText."
    result = cleaned(text)
    assert [line.kind for line in result.lines] == [DROPPED, DROPPED, BLANK, DROPPED, DROPPED, BLANK, DROPPED, BLANK, TEXT]
    assert section_text(result.lines) == "Text."


HOSTILE_TITLES = [
    '"><script>alert(1)</script>',
    '" onmouseover="alert(1)',
    'a"b\\"c\\\\',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "</summary><script>x</script>",
    "[x](javascript:alert(1)) ![i](https://evil.example/t.png)",
    "# heading {: onclick=alert(1) }",
    "line\u2028break\x85and\x0bmore\rcr",
    "`code` *em* _u_ $x$ \\(y\\) <img src=x onerror=alert(1)>",
    "\x00nul\x07bell",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_summary_stays_one_admonition_line_of_text(title):
    result = cleaned(f"<details>\n<summary>{title}</summary>\n\nBody.\n</details>")
    opener = result.lines[0]
    assert opener.kind == FOLD_OPEN and len(result.lines) == 5
    assert "<" not in opener.text and len(opener.text.splitlines()) == 1 and "\x00" not in opener.text
    assert DetailsProcessor.START.fullmatch(opener.text)
    html = render(section_text(result.lines))
    assert html.count("<details") == 1 and html.count("<summary>") == 1
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert "<" not in summary  # no element of any kind: the title is text
    assert "<p>Body.</p>" in html.split("</summary>")[1]


def test_a_summary_that_closes_its_details_leaves_the_block_html():
    result = cleaned("<details>\n<summary></summary></details><script>alert(1)</script></summary>\n\nBody.\n</details>")
    assert FOLD_OPEN not in [line.kind for line in result.lines] and len(result.warnings) == 2
    assert "<script" not in render(section_text(result.lines))  # the site shows raw HTML as text


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None, database=None)
def test_any_fold_title_is_one_opener_line_without_markup(title):
    line = fold_opener(title)
    assert len(line.split("\n")) == 1 and len(line.splitlines()) == 1
    assert "<" not in line and ">" not in line
    m = DetailsProcessor.START.fullmatch(line)
    assert m and m.group(2) == FOLD_TYPE


# --- Titles ---------------------------------------------------------------------------------------------

TITLES = [
    ("What is [[src]](https://x) attention?", "What is attention?"),
    ("Explain Y [[src](https://x.org/a)]", "Explain Y"),
    ("Explain Y [source](https://x.org) [2](https://y.org)?", "Explain Y?"),
    ("_emphasis_ and *x* and **bold**", "emphasis and x and bold"),
    ("[text](https://x.org) and [local](./x.md)", "text and local"),
    ("The `softmax` trick", "The softmax trick"),
    ("<b>Bold</b> <script>x</script> tags", "Bold <script>x</script> tags"),  # formatting goes; any other tag stays, as text
    ("Q &amp; A &lt;3", "Q & A <3"),
    ("  spaced\t out \n title  ", "spaced out title"),
    ("Closing hashes ###", "Closing hashes"),
    ("Math $\\mathbb{E}_q[x]$ and $a_1 * b_2$ stay", "Math $\\mathbb{E}_q[x]$ and $a_1 * b_2$ stay"),
    ("A [[wiki|label]] and [[concept]]", "A label and concept"),
    ("snake_case_name stays", "snake_case_name stays"),
    ("![diagram](a.png) of attention", "diagram of attention"),
    ("C# and #5 stay", "C# and #5 stay"),
]


@pytest.mark.parametrize("text, expected", TITLES)
def test_plain_title(text, expected):
    assert plain_title(text) == expected


# --- Page text ------------------------------------------------------------------------------------------


def test_section_text_is_lines_text_for_the_seed():
    lines = classify(SEED.read_text(encoding="utf-8"), str(SEED))
    assert section_text(lines) == _lines_text(lines)
    result = clean_lines(lines, str(SEED))
    assert result.lines == lines and result.warnings == [] and result.dropped == []  # nothing in the seed to clean
    assert section_text(result.lines) == _lines_text(lines)


MATH_SPACING = [
    ("Text\n$$x$$\nMore", "Text\n\n$$x$$\n\nMore"),
    ("Text\n$$\nx\n$$\nMore", "Text\n\n$$\nx\n$$\n\nMore"),
    ("Text\n\n$$x$$\n\nMore", "Text\n\n$$x$$\n\nMore"),
    ("Inline $$x$$ in a sentence\nnext", "Inline $$x$$ in a sentence\nnext"),
    ("## Heading\n$$x$$\n```\ncode\n```", "## Heading\n\n$$x$$\n\n```\ncode\n```"),
    ("- item\n    $$\n    x\n    $$", "- item\n\n    $$\n    x\n    $$"),
    ("The loss is $$\nx\n$$", "The loss is $$\nx\n$$"),  # not display math: arithmatex leaves it too
    ("$$\na\n$$\n$$\nb\n$$\ntext", "$$\na\n$$\n\n$$\nb\n$$\n\ntext"),
]


@pytest.mark.parametrize("text, expected", MATH_SPACING)
def test_display_math_under_text_gets_its_own_paragraph(text, expected):
    assert section_text(classify(text, "doc.md")) == expected


@pytest.mark.parametrize("text", ["The output is\n$$QK^T$$\nfor each head.", "## Head\n$$\nQK^T\n$$\n```\ncode\n```",
                                  "$$\na\n$$\n$$\nb\n$$\ntext"])
def test_display_math_next_to_other_lines_renders_as_display_math(text):
    html = render(section_text(classify(text, "doc.md")))
    assert html.count('<div class="arithmatex">') == text.count("$$") // 2 and "$" not in html


def test_dropped_lines_leave_no_gap():
    result = cleaned("Intro.\n\n[⬆ back to top](#top)\n\n\nNext.")
    assert section_text(result.lines) == "Intro.\n\nNext."


# --- One line per line ------------------------------------------------------------------------------------

FRAGMENTS = [
    "word", "Some text.", "[a](./x.md)", "[b](#anchor)", "[c](/abs/)", "[d](https://e.org)", "![i](img/i.png)",
    "![j](/etc/passwd)", "[[src]](https://s.org)", "[[wiki]]", "[e][1]", "<details>", "</details>",
    "<summary>Answer</summary>", "<details><summary><b>💡 Show</b></summary>", "<p align=\"center\">", "</p>", "<br>",
    "<b>x</b>", "- [T](#t)", "Back to top", "`[c](d)`", "$f[x](t)$", "$$x$$", "## Heading [h](#h)", "**Contents**",
    "[", "]", "(", ")", "[x](", "\"", "&amp;", "    indented [q](q.md)", "\r", "[a [b](c.md)](d.md)", "[wrapped",
    "words](w.md)", "[q]: //h/x", "[p][q]", "<summary>", "</summary>",
]
BLOCKS = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=4).map(" ".join),  # a line of text (or blank)
    st.just("[1]: ./ref.md"),
    st.lists(st.sampled_from(FRAGMENTS), max_size=3).map(lambda body: "\n".join(["```", *body, "```"])),
    st.lists(st.sampled_from(FRAGMENTS), max_size=3).map(lambda body: "\n".join(["$$", *body, "$$"])),
)


@given(st.lists(BLOCKS, max_size=25), st.sampled_from(["", BASE]))
@settings(max_examples=200, deadline=None, database=None)
def test_one_output_line_per_input_line_and_code_and_math_untouched(blocks, base_url):
    lines = classify("\n".join(blocks), "doc.md")
    result = clean_lines(lines, "doc.md", base_url)
    assert [line.number for line in result.lines] == [line.number for line in lines]
    for before, after in zip(lines, result.lines):
        assert "\n" not in after.text
        if before.kind in (CODE, MATH):
            assert after == before
        elif after.kind != DROPPED:
            assert "\r" not in after.text  # Python-Markdown would end the line there
        if after.kind == DROPPED:
            assert after.text == before.text
    assert {n for n, _ in result.dropped} == {line.number for line in result.lines if line.kind == DROPPED}
    section_text(result.lines)
    # No link out of the site is left: read as section_text writes it (a fold's first and last lines blank, code
    # and math blocks apart), folds unindented, since a fold's content is read like the page's.
    apart = (CODE, MATH, DROPPED, FOLD_OPEN, FOLD_CLOSE)
    page = "\n".join("" if line.kind in apart else line.text for line in result.lines)
    links = MarkdownIt("commonmark", {"html": False}).use(dollarmath_plugin, allow_space=False, double_inline=True)
    for token in links.parse(page):
        for child in token.children or []:
            href = child.attrs.get("href") if child.type == "link_open" else None
            assert href is None or href.startswith(("https://", "mailto:")), page


# --- The real build ---------------------------------------------------------------------------------------

EVERYTHING = """\
## Table of Contents

- [What is attention?](#what-is-attention)
- [Why scale?](#why-scale)

Attention weighs values by similarity [[src]](https://arxiv.org/abs/1706.03762). See
[the notes](./notes.md), [a section](#why-scale) and [a page](/concepts/attention/).

The output is
$$\\text{softmax}(QK^T)V$$
for each head.

<details><summary><b>💡 Show Answer</b></summary>

It costs $O(n^2 d)$ [[ref]](https://example.org/ref):

```python
scores = q @ k.T
```

<details>
<summary>Why "quadratic"? <i>(hint)</i></summary>

Every pair of positions.

</details>
</details>

**[⬆ back to top](#table-of-contents)**
"""


def test_a_cleaned_page_passes_the_strict_build(tmp_path):
    result = clean_lines(classify(EVERYTHING, "sources/everything.md"), "sources/everything.md")
    assert result.warnings == ["sources/everything.md:7: link to ./notes.md is not part of the import; kept as text"]
    docs = tmp_path / "docs"
    (docs / "questions" / "demo").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "questions" / "demo" / "index.md").write_text("---\ncollection: demo\ntitle: Demo\n---\n\n# Demo\n",
                                                          encoding="utf-8")
    body = "# Q1. What is attention?\n\n" + section_text(result.lines) + "\n"
    page = QuestionPage(id="demo/q1", collection="demo", question=1, title="What is attention?", parts=(),
                        source_file="sources/everything.md", source_lines=(1, len(result.lines)), body=body)
    (docs / "questions" / "demo" / "q1.md").write_text(render_question(page), encoding="utf-8")
    config = write_config(ROOT, docs, tmp_path / "mkdocs.yml")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0 and "WARNING" not in build.stderr, build.stderr
    html = (tmp_path / "site" / "questions" / "demo" / "q1" / "index.html").read_text(encoding="utf-8")
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert article.count(f'<details class="{FOLD_TYPE}">') == 2
    assert "<summary>💡 Show Answer</summary>" in article and "<summary>Why \"quadratic\"? (hint)</summary>" in article
    assert '<a href="https://arxiv.org/abs/1706.03762">src</a>' in article
    assert '<div class="arithmatex">' in article and "Table of Contents" not in article and "back to top" not in article
    assert not re.search(r'href="(?!https://|#)', article.split('class="kb-listings"')[0].replace('class="headerlink" href="#', ""))
