"""Pages become question, part and concept records; Markdown is reduced to text, math kept."""

import pytest

from kb.concepts.concept import load_concepts
from kb.pages import question_from_text
from search_api.records import build_records, markdown_text, question_records, split_parts, title_text


@pytest.mark.parametrize("markdown, body", [
    ("**Bold** and __strong__ and *em* words", "Bold and strong and em words"),
    ("A [link](../q2.md#part-a) and ![alt text](img.png)", "A link and alt text"),
    ("See [[inductive bias]] and [[KL divergence|the divergence]].", "See inductive bias and the divergence."),
    ("- item one\n- item two\n1. numbered", "item one item two 1. numbered"),
    ("> quoted", "quoted"),
    ("Raw <b>tags</b> go, &amp; entities decode", "Raw tags go, & entities decode"),
    ("Code `x_i * y_i` stays verbatim", "Code x_i * y_i stays verbatim"),
    ("Math $a_i * b_i$ stays verbatim", "Math $a_i * b_i$ stays verbatim"),
    ("| a | b |\n|---|---|\n| $x \\| y$ | 2 |", "a b $x \\| y$ 2"),  # table borders go, math pipes stay
    ("```\n## not a heading\n```", "## not a heading"),
    ("$$\n\\frac{a}{b}\n$$", "$\\frac{a}{b}$"),  # display math kept as one formula
])
def test_markdown_to_text(markdown, body):
    assert markdown_text(markdown).body == body


def test_headings_and_math_are_collected():
    text = markdown_text("## (a) Part {#part-a}\n\nText $QK^T$.\n\n### Sub $O(n)$\n\n$$x^2$$")
    assert text.headings == ["(a) Part", "Sub $O(n)$"]
    assert text.math == ["QK^T", "O(n)", "x^2"]
    assert text.body == "Text $QK^T$. $x^2$"


PAGE = """---
id: c/q4
collection: c
question: 4
title: Two parts
parts:
- {label: a, title: First, anchor: part-a}
- {label: ii, title: Second, anchor: part-ii}
source: {file: sources/c.txt, lines: [1, 9]}
hash: sha256:x
---
# Q4. Two parts

Intro text.

## (a) First {#part-a}

Alpha.

```
## (x) Not a part {#part-a}
```

## Other h2 {#other}

Still in (a).

## (ii) Second {#part-ii}

Beta.
"""


def test_parts_split_on_the_anchors_the_front_matter_lists():
    page = question_from_text(PAGE)
    intro, sections = split_parts(page)
    assert intro.strip() == "Intro text."
    assert list(sections) == ["part-a", "part-ii"]
    assert "Not a part" in sections["part-a"] and "Still in (a)." in sections["part-a"]
    assert sections["part-ii"].strip() == "Beta."


def test_question_and_part_records():
    question, first, second = question_records(question_from_text(PAGE), "questions/c/q4.md")
    assert (question.id, question.type, question.url, question.part) == ("c/q4", "question", "/questions/c/q4/", None)
    assert question.body == "Intro text." and question.listing == "(a) First (ii) Second"
    assert question.stored()["body"] == "Intro text. (a) First (ii) Second"  # the snippet shows both
    assert (first.id, first.type, first.part, first.title) == ("c/q4#part-a", "part", "a", "First")
    assert first.url == "/questions/c/q4/#part-a"
    assert second.url == "/questions/c/q4/#part-ii" and second.page_title == "Two parts"
    assert "Q4 (ii)" in second.headings


def test_fixture_records(fixture_docs):
    records = {r.id: r for r in build_records(fixture_docs, load_concepts(fixture_docs))}
    assert sorted(records) == [
        "concept:cnn", "concept:kl-divergence", "concept:variational-autoencoder",
        "sample-exam/q1", "sample-exam/q2", "sample-exam/q2#part-a", "sample-exam/q2#part-b", "sample-exam/q3",
    ]
    assert records["sample-exam/q2#part-b"].concepts == ["kl-divergence"]
    assert records["sample-exam/q2#part-b"].mentions == ["kl-divergence", "kl-divergence"]
    assert records["sample-exam/q2"].concepts == ["kl-divergence"]  # the whole page's concepts
    assert records["concept:kl-divergence"].aliases == ["KL divergence", "Kullback-Leibler divergence", "D_KL"]
    assert records["concept:cnn"].url == "/concepts/cnn/"
    assert "QK^T" in records["sample-exam/q2#part-a"].math


def test_records_without_concept_pages(fixture_docs, tmp_path):
    import shutil

    shutil.copytree(fixture_docs / "questions", tmp_path / "questions")
    records = build_records(tmp_path, load_concepts(tmp_path))
    assert {r.type for r in records} == {"question", "part"}
    assert all(r.concepts == [] and r.mentions == [] for r in records)


@pytest.mark.parametrize("title, text", [
    ("Why do we ignore the term $-D_{KL}(q(x^T | x_0) || p_\\theta(x^T))$ in training?",
     "Why do we ignore the term -D_KL(q(x^T | x_0) || p_θ(x^T)) in training?"),
    ("Cost $O(n^2 d)$ of $QK^T$ and $\\frac{1}{d}$", "Cost O(n^2 d) of QK^T and 1/d"),
    ("$\\mathbb{R}^{n \\times d}$ and $x_{1:T}$", "ℝ^(n × d) and x_(1:T)"),
    ("$D_{KL}(q \\,\\|\\, p)$ and $\\log p \\geq \\mathbb{E}_q\\left[ x \\right]$", "D_KL(q ‖ p) and log p ≥ 𝔼_q[ x ]"),
    ("**Bold** and `code` and [a link](x.md)", "Bold and code and a link"),
    ("Plain: no change & none", "Plain: no change & none"),
])
def test_title_text_is_plain(title, text):
    assert title_text(title) == text


def test_hits_carry_plain_titles(seed_search):
    hits = seed_search("ignore the term D_KL", limit=50)["results"]
    tex = [h for h in hits if "$" in h["title"]]
    assert tex, "the seed has a title with TeX (Q9 (c))"
    for hit in hits:
        assert not set("$\\{}") & set(hit["title_text"]), hit["title_text"]
    assert all(h["title_text"] == h["title"] for h in hits if not set("$*`[") & set(h["title"]))
