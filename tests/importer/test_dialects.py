"""A corpus of document dialects: each fixture's outline is pinned, and every one passes the round trip."""

from pathlib import Path

import pytest

from kb.ingest.convert import decode
from kb.ingest.document import parse_document
from kb.ingest.importer import load_source, plan
from kb.ingest.lines import DocumentError
from kb.pages import QuestionPage, question_from_text, render_question, split_front_matter
from kb.slugs import is_question_path

DIALECTS = Path(__file__).parent / "fixtures" / "dialects"
ROOT = Path(__file__).resolve().parents[2]

# fixture -> (dialect key, [(number, title, [part labels], group)])
OUTLINES = {
    "numbered-headings-h4.md": ("headings-h4", [
        (1, "What is overfitting?", [], ""),
        (2, "What is dropout?", [], ""),
        (3, "Explain weight decay and how to combat overfitting with it", [], ""),
        (4, "Why does early stopping regularise?", ["a", "b"], ""),
    ]),
    "q-marker-styles.txt": ("q-markers", [
        (1, "What is a tensor?", [], ""),
        (2, "How does broadcasting work?", [], ""),
        (3, "Why normalise inputs?", [], ""),
        (4, "What does a GPU speed up?", [], ""),
        (5, "Is Z equivalent to W?", ["a", "b"], ""),
        (6, "What is a loss function?", [], ""),
    ]),
    "bold-questions-in-topics.md": ("bold", [
        (1, "What is SGD? Why do we use it?", [], "Optimisation"),
        (2, "What does momentum add?", [], "Optimisation"),
        (3, "What is dropout?", [], "Regularisation"),
        (4, "Why does weight decay help?", [], "Regularisation"),
    ]),
    "question-headings.md": ("headings-h2", [
        (1, "What is attention?", [], ""),
        (2, "How expensive is self-attention?", [], ""),
        (3, "What is multi-head attention?", [], ""),
    ]),
    "numbered-bold.txt": ("bold", [
        (1, "What is a convolution?", [], ""),
        (2, "Explain pooling.", [], ""),
        (3, "Why stride?", [], ""),
    ]),
    "code-and-mentions.md": ("q-markers", [
        (1, "Shapes in PyTorch", [], ""),
        (2, "Batches", [], ""),
        (3, "Devices", [], ""),
    ]),
    # Every heading of the chosen level is a question, and the numbered questions written in another shape
    # (Q3:, an h2 "5.") continue the numbering where they stand.
    "mixed-styles.md": ("headings-h3", [
        (1, "What is a GAN?", [], ""),
        (2, "What is mode collapse?", [], ""),
        (3, "What is a discriminator?", [], ""),
        (4, "What is the Wasserstein loss?", [], ""),
        (5, "What is a conditional GAN?", [], ""),
        (6, "What is a CycleGAN?", [], ""),
    ]),
    "long-part-answers.txt": ("q-markers", [(1, "Softmax temperature", ["a", "b", "c"], "")]),
    "numbered-lists-in-answers.md": ("headings-h2", [
        (1, "Why deep networks?", [], ""),
        (2, "Why residual connections?", [], ""),
        (3, "Why batch normalisation?", [], ""),
    ]),
    "gaps-and-empty.txt": ("q-markers", [
        (1, "What is a tensor?", [], ""),
        (2, "What is a gradient?", [], ""),
        (3, "What is a Jacobian?", [], ""),  # pages are numbered in order; the source's "Q4" is its label
    ]),
    "pinned.md": ("bold", [
        (1, "What is a neuron?", [], "1. Basics"),
        (2, "What is a learning rate?", [], "2. Training"),
        (3, "What is a validation set?", [], "3. Evaluation"),
    ]),
    "notes.md": ("q-markers", [(1, "What is attention?", ["a", "b"], ""), (2, "What is a head?", [], "")]),
    "images.md": ("q-markers", [
        (1, "What does the loss curve show?", [], ""),
        (2, "What does the accuracy curve show?", [], ""),
    ]),
}


def outline(path: Path):
    source = load_source(path, ROOT)
    files, warnings = plan(source)
    pages = {f.path: question_from_text(f.text, f.path) for f in files if is_question_path(f.path)}
    got = [(p.question, p.title, [x.label for x in p.parts], source.document.questions[i].group)
           for i, p in enumerate(sorted(pages.values(), key=lambda p: p.question))]
    return source, files, warnings, got


def test_the_corpus_has_every_fixture_pinned():
    on_disk = {p.name for p in DIALECTS.iterdir() if p.suffix in (".md", ".txt")}
    assert on_disk == set(OUTLINES) and len(on_disk) >= 10


@pytest.mark.parametrize("name", sorted(OUTLINES))
def test_outline_is_pinned_and_round_trip_holds(name):
    source, files, warnings, got = outline(DIALECTS / name)
    key, expected = OUTLINES[name]
    assert source.document.dialect.key == key
    assert got == expected
    assert not [w for w in warnings if w.startswith("round trip")], warnings


def test_trailing_source_links_stay_in_the_body():
    _, files, _, _ = outline(DIALECTS / "numbered-headings-h4.md")
    q3 = next(f.text for f in files if f.path.endswith("/q3.md"))
    assert "\ntitle: Explain weight decay and how to combat overfitting with it\n" in q3
    assert "# Q3. Explain weight decay and how to combat overfitting with it\n\n[[src](https://example.org/wd)]" in q3


def test_long_answer_on_a_part_line_is_body_under_a_short_heading():
    _, files, _, _ = outline(DIALECTS / "long-part-answers.txt")
    q1 = next(f.text for f in files if f.path.endswith("/q1.md"))
    assert "## (a) Part (a) {#part-a}\n\nWith temperature $T$, the softmax divides" in q1


def test_code_blocks_and_mentions_start_nothing():
    source, files, _, _ = outline(DIALECTS / "code-and-mentions.md")
    q1 = next(f.text for f in files if f.path.endswith("/q1.md"))
    assert "# Q4: this comment is code, not a question" in q1
    assert "As discussed in Question 2: the batch comes first." in q1


def test_numbered_lists_and_restarting_sub_headings_do_not_split_answers():
    _, files, _, _ = outline(DIALECTS / "numbered-lists-in-answers.md")
    q1 = next(f.text for f in files if f.path.endswith("/q1.md"))
    assert "## 1. Efficiency" in q1 and "## 2. Hierarchy" in q1 and "1. Edges\n2. Textures\n3. Objects" in q1


def test_sections_become_groups_on_the_collection_page_and_tags():
    source, files, _, _ = outline(DIALECTS / "bold-questions-in-topics.md")
    index = files[0].text
    assert index.count("\n# ") == 1 and "\n# Deep-learning FAQ\n" in index  # the source's H1 is the one H1
    assert "## Optimisation\n\nQuestions about training.\n\n- [Q1. What is SGD? Why do we use it?](q1.md)" in index
    q2 = question_from_text(files[2].text, files[2].path)
    assert q2.tags == ("Optimisation",) and q2.group == "Optimisation" and "\ngroup: Optimisation\n" in files[2].text
    assert "## In practice" in q2.body  # a sub-heading inside an answer is not a section


def test_doubts_gaps_and_open_questions_are_reported_with_lines():
    gaps = load_source(DIALECTS / "gaps-and-empty.txt", ROOT)
    assert [w.split(": ", 1)[0].rsplit(":", 1)[-1] for w in gaps.warnings] == ["5", "7"]
    assert "question Q2 has no answer; written as an open question" in gaps.warnings[0]
    assert "question 3 missing" in gaps.warnings[1]
    assert [q.label for q in gaps.document.questions] == ["Q1", "Q2", "Q4"] and gaps.document.questions[1].open
    q2 = next(f.text for f in plan(gaps)[0] if f.path.endswith("/q2.md"))
    assert "_The source gives no answer to this question yet._" in q2
    q3 = next(f.text for f in plan(gaps)[0] if f.path.endswith("/q3.md"))
    assert "# Q3. What is a Jacobian?\n\n_Source: Q4_\n" in q3  # the source's own label stays in view
    headings = load_source(DIALECTS / "question-headings.md", ROOT).document.warnings
    assert [w.split(":")[1] for w in headings] == ["7", "19"] and all("kept as text" in w for w in headings)
    assert not load_source(DIALECTS / "mixed-styles.md", ROOT).warnings


def _generated(n: int) -> str:
    return "\n".join(f"### {k}. What is concept {k}?\n\nConcept {k} is explained here.\n\n(a) First\n\nA.\n\n(b) Second\n\nB.\n"
                     for k in range(1, n + 1))


def test_a_generated_thousand_question_document():
    doc = parse_document(_generated(1000), "big.md")
    assert doc.dialect.key == "headings-h3"
    assert [q.marker.number for q in doc.questions] == list(range(1, 1001))
    assert doc.questions[999].marker.title == "What is concept 1000?"
    assert all([s.part.label for s in q.parts] == ["a", "b"] for q in doc.questions)
    assert not doc.warnings


def test_numbers_past_9999_are_taken_not_merged():
    doc = parse_document("Q9998:\nA\n\nQ9999:\nB\n\nQ10000:\nC\n\nQ10001:\nD\n", "big.txt")
    assert [q.label for q in doc.questions] == ["Q9998", "Q9999", "Q10000", "Q10001"]
    assert [q.marker.number for q in doc.questions] == [1, 2, 3, 4]


def test_a_number_the_importer_cannot_take_is_an_error():
    with pytest.raises(DocumentError) as info:
        parse_document("Q1:\nA\n\nQ12345678:\nB\n", "big.txt")
    assert str(info.value).startswith("big.txt:4:") and "larger than the importer takes" in str(info.value)


def test_pinning_a_shape_the_document_lacks_is_an_error():
    with pytest.raises(DocumentError) as info:
        parse_document(decode(b"Q1:\nA\n", "x.txt"), "x.txt", dialect="numbered-bold")
    assert "pins dialect 'numbered-bold'" in str(info.value)


def test_preamble_headings_stay_in_the_preamble_and_sections_still_group():
    doc = parse_document("# T\n\nIntro.\n\n## About\n\nAbout text.\n\n## Topic one\n\n**What?**\n\nA.\n\n"
                         "## Topic two\n\n**Why?**\n\nB.\n", "x.md")
    assert doc.title == "T" and [line.text for line in doc.preamble if line.text] == ["Intro.", "## About", "About text."]
    assert [(q.marker.number, q.group) for q in doc.questions] == [(1, "Topic one"), (2, "Topic two")]


def test_a_heading_level_used_inside_answers_makes_no_sections():
    text = "**What?**\n\nA.\n\n## Details\n\nMore.\n\n## Summary\n\nShort.\n\n**Why?**\n\nB.\n"
    doc = parse_document(text, "x.md")
    assert doc.groups == [] and "## Summary" in [line.text for line in doc.questions[0].intro.lines]


@pytest.mark.parametrize("group", ["Topic: one", 'a "quoted" # x', "Émile — ü", "- dash", "tab\there", "\u2028sep", "\x85nel"])
def test_any_section_title_survives_the_front_matter(group):
    page = QuestionPage("c/q1", "c", 1, "T", (), "s.md", (1, 2), "# Q1. T\n", group=group)
    text = render_question(page)
    assert split_front_matter(text)[0]["group"] == group and question_from_text(text).group == group
