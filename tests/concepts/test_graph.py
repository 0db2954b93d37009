"""Derived listings and checks, from pages given in memory: backlinks, related pages, the A–Z index."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.concepts.linker import Linker
from kb.pages import Part, QuestionPage, render_question

FIXTURES = Path(__file__).parent / "fixtures"


def question(number: int, body: str, parts=(), title=None) -> tuple[str, str]:
    names = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}
    page = QuestionPage(
        id=f"c/q{number}", collection="c", question=number, title=title or names[number],
        parts=tuple(Part(label, f"Part {label}", f"part-{label}") for label in parts),
        source_file="sources/c.txt", source_lines=(1, 2), body=body,
    )
    return f"questions/c/q{number}.md", render_question(page)


def concept_pages() -> list[tuple[str, str]]:
    return [(f"concepts/{p.name}", p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "concepts").glob("*.md"))]


@pytest.fixture
def linker() -> Linker:
    pages = concept_pages() + [
        question(1, "# Q1. One\n\n## (a) A {#part-a}\n\nThe KL divergence and the ELBO.\n\n"
                    "## (b) B {#part-b}\n\nAgain the KL-divergence, with softmax.\n", parts="ab"),
        question(2, "# Q2. Two\n\nThe ELBO bounds it; KL divergence again; attention.\n"),
        question(3, "# Q3. Three\n\nA CNN is translation-invariant. Softmax too.\n"),
        question(4, "# Q4. Four\n\nOnly the CNN here, and [[no such concept]].\n"),
        ("concepts/index.md", "---\ntitle: Concepts\n---\n# Concepts\n\nAll of them.\n"),
        ("index.md", "# Home\n\nSee [[inductive bias|this idea]].\n"),
    ]
    return Linker.from_pages(pages)


def render(linker: Linker, path: str) -> str:
    return linker.render(path, linker.bodies[path])


def items(block: str, anchor: str) -> list[str]:
    """The top-level list items under one listing heading, tags and all."""
    section = block.split(f'<h2 id="{anchor}">')[1].split("<h2 ")[0]
    body = section.split('<ul class="kb-listing">\n', 1)[1].rsplit("\n</ul>", 1)[0]
    return body.split("\n")


def test_question_ends_with_its_concepts_and_related_questions(linker):
    block, headings = linker.listing("questions/c/q1.md")
    assert headings == [("Concepts in this answer", "kb-concepts"), ("Related questions", "kb-related-questions")]
    assert items(block, "kb-concepts") == [
        '<li><a href="../../../concepts/kl-divergence/">KL divergence</a> — How far one distribution is from another.</li>',
        '<li><a href="../../../concepts/elbo/">Evidence lower bound</a> — A lower bound on the log-likelihood.</li>',
        '<li><a href="../../../concepts/softmax/">Softmax</a></li>',
    ]
    assert items(block, "kb-related-questions") == [
        '<li><a href="../q2/">Q2. Two</a> — 2 shared concepts: KL divergence and Evidence lower bound</li>',
        '<li><a href="../q3/">Q3. Three</a> — 1 shared concept: Softmax</li>',
    ]


def test_concept_page_lists_parts_with_anchors_and_excerpts(linker):
    block, headings = linker.listing("concepts/kl-divergence.md")
    assert [a for _, a in headings] == ["kb-discussed", "kb-related-concepts"]
    assert items(block, "kb-discussed") == [
        '<li><a href="../../questions/c/q1/">Q1. One</a><ul>'
        '<li><a href="../../questions/c/q1/#part-a">Part (a)</a> — The KL divergence and the ELBO.</li>'
        '<li><a href="../../questions/c/q1/#part-b">Part (b)</a> — Again the KL-divergence, with softmax.</li></ul></li>',
        '<li><a href="../../questions/c/q2/">Q2. Two</a> — The ELBO bounds it; KL divergence again; attention.</li>',
    ]
    related = items(block, "kb-related-concepts")
    assert related[0] == '<li><a href="../elbo/">Evidence lower bound</a> — together in 2 questions; named on this page</li>'
    assert '<li><a href="../attention/">Attention</a> — together in 1 question</li>' in related


def test_excerpts_keep_math_for_mathjax_and_escape_html():
    pages = concept_pages() + [question(1, "# Q1. One\n\nThe KL divergence $D_{KL}(q \\| p) < 1$ of <b>x</b> & y.\n")]
    block, _ = Linker.from_pages(pages).listing("concepts/kl-divergence.md")
    assert items(block, "kb-discussed") == [
        '<li><a href="../../questions/c/q1/">Q1. One</a> — The KL divergence '
        '<span class="arithmatex">\\(D_{KL}(q \\| p) &lt; 1\\)</span> of x &amp; y.</li>'
    ]


def test_concept_page_body_links_other_concepts_but_not_itself(linker):
    path = "concepts/kl-divergence.md"
    page = linker.expand(path, linker.link(path, linker.bodies[path]))
    assert page == ('The KL divergence is never negative. It is the gap in the '
                    '<a href="../elbo/" title="Evidence lower bound">ELBO</a>.\n')


def test_concepts_index_lists_a_to_z_with_counts(linker):
    block, headings = linker.listing("concepts/index.md")
    assert block.startswith('<p><strong>10 concepts</strong>, A–Z. Jump to: <a href="#kb-letter-a">A</a> · '
                            '<a href="#kb-letter-b">B</a>')
    assert headings[:2] == [("A (1)", "kb-letter-a"), ("B (1)", "kb-letter-b")]
    assert ('<li><a href="kl-divergence/">KL divergence</a> (2 questions) — How far one distribution is from '
            'another.</li>') in items(block, "kb-letter-k")
    assert '<li><a href="inductive-bias/">Inductive bias</a> (0 questions)</li>' in items(block, "kb-letter-i")
    assert block.index('id="kb-letter-a"') < block.index(">Attention<") < block.index('id="kb-letter-b"')


def test_front_matter_is_never_linked_nor_counted(linker):
    # A concept named only in the front matter (here the title) is neither linked nor mentioned.
    pages = concept_pages() + [question(5, "# Q5. Plain\n\nNothing here.\n", title="The KL divergence")]
    found = Linker.from_pages(pages)
    assert found.graph.concepts_of("questions/c/q5.md") == []
    assert not render(found, "questions/c/q5.md").startswith("---")


def test_wikilinks_work_in_any_page(linker):
    assert render(linker, "index.md") == (
        '# Home\n\nSee <a href="concepts/inductive-bias/" title="Inductive bias">this idea</a>.\n')


def test_checks_name_file_and_line(linker):
    messages = [(p.level, str(p)) for p in linker.problems]
    # q4.md: 13 lines of front matter, then the wikilink on line 3 of the body.
    front = render_question_lines(4)
    assert ("warning", f"questions/c/q4.md:{front + 3}: wikilink [[no such concept]] names no concept "
            "(no concept page has this title, alias or slug)") in messages
    unmentioned = [m for level, m in messages if level == "info"]
    assert any(m.startswith("concepts/inductive-bias.md:2: concept 'Inductive bias' is not mentioned by any question page")
               for m in unmentioned)
    assert any(m.startswith("concepts/map-estimate.md:2:") for m in unmentioned)
    assert not [m for level, m in messages if level == "warning" and "claimed" in m]


def render_question_lines(number: int) -> int:
    _, text = question(number, "BODY")
    return text[: text.index("BODY")].count("\n")


def test_duplicate_alias_is_a_warning_naming_both_files():
    pages = concept_pages() + [("concepts/zz-kl.md", "---\ntitle: Relative entropy\naliases:\n- other\n- KL-divergence\n---\nText.\n")]
    problems = [str(p) for p in Linker.from_pages(pages).problems if p.level == "warning"]
    assert problems == [
        "concepts/zz-kl.md:5: concept name 'KL-divergence' is also claimed by concepts/kl-divergence.md (line 2); "
        "links use concepts/kl-divergence.md"
    ]


def test_invalid_concept_page_is_a_warning_and_is_skipped():
    pages = concept_pages() + [("concepts/broken.md", "---\naliases: [x]\n---\nText.\n")]
    linker = Linker.from_pages(pages)
    assert "broken" not in linker.graph.concepts
    assert [str(p) for p in linker.problems if p.level == "warning"] == ["concepts/broken.md:1: key 'title': is missing or empty"]


def test_an_edit_changes_the_listings_of_other_pages():
    before = Linker.from_pages(concept_pages() + [question(1, "# Q1. One\n\nA CNN.\n"), question(2, "# Q2. Two\n\nSoftmax.\n")])
    after = Linker.from_pages(concept_pages() + [question(1, "# Q1. One\n\nA CNN.\n"), question(2, "# Q2. Two\n\nA CNN, softmax.\n")])
    assert "Q2. Two" not in render(before, "concepts/cnn.md")
    assert '<li><a href="../../questions/c/q2/">Q2. Two</a> — A CNN, softmax.</li>' in render(after, "concepts/cnn.md")
    assert "Related questions" not in render(before, "questions/c/q1.md")
    assert ('<li><a href="../q2/">Q2. Two</a> — 1 shared concept: Convolutional neural network</li>'
            in render(after, "questions/c/q1.md"))


def test_related_questions_keep_the_five_sharing_most_ties_in_question_order():
    bodies = {1: "CNN, softmax, attention.", 2: "CNN.", 3: "Softmax and CNN.", 4: "Attention.", 5: "CNN.",
              6: "Softmax.", 7: "CNN, softmax and attention.", 8: "Nothing shared."}
    names = {n: f"N{n}" for n in bodies}
    pages = concept_pages() + [
        (f"questions/c/q{n}.md", render_question(QuestionPage(f"c/q{n}", "c", n, names[n], (), "s.txt", (1, 2),
                                                              f"# Q{n}\n\n{text}\n")))
        for n, text in bodies.items()
    ]
    related = Linker.from_pages(pages).graph.related_questions("questions/c/q1.md")
    assert [(q.number, len(shared)) for q, shared in related] == [(7, 3), (3, 2), (2, 1), (4, 1), (5, 1)]
