"""Candidate concepts for new documents: reported, never written unless asked."""

from __future__ import annotations


import pytest

from conceptkit import REPO
from kb.concepts.concept import concept_from_text, load_concepts
from kb.concepts.discovery import (Candidate, acronym_definitions, bold_terms, long_form, render_stub, suggest_concepts,
                          write_concept_stubs)
from kb.pages import QuestionPage, read_question


def page(number: int, body: str) -> QuestionPage:
    return QuestionPage(f"c/q{number}", "c", number, f"T{number}", (), "sources/c.txt", (1, 2), body)


@pytest.mark.parametrize("short, before, expected", [
    ("ELBO", "rooted in the Evidence Lower Bound", "Evidence Lower Bound"),
    ("EMA", "instead of Exponential Moving Average", "Exponential Moving Average"),
    ("CNNs", "Convolutional Neural Networks", "Convolutional Neural Networks"),
    ("VAEs", "as Variational Autoencoders", "Variational Autoencoders"),
    ("KL", "the Kullback-Leibler", "Kullback-Leibler"),
    ("ReLU", "a rectified linear unit", "rectified linear unit"),
    ("UAT", "source token", None),          # letters not found in order
    ("English", "a specific source token", None),  # not an acronym
    ("e.g", "some words", None),
])
def test_long_form(short, before, expected):
    assert long_form(short, before) == expected


def test_acronym_definitions_skip_math_and_code():
    body = ("The **Evidence Lower Bound (ELBO)** is used. `Mean Squared Error (MSE)` in code.\n\n"
            "$$\\text{Kullback Leibler (KL)}$$\n\nA source token (English) is not one.\n")
    assert acronym_definitions(body) == [("Evidence Lower Bound", "ELBO")]


def test_bold_terms_skip_labels_and_sentences():
    body = "**Gradient Clipping:** text. **1. Weight Decay** and **incorrect**? **Why is this wrong?** **$x$**"
    assert bold_terms(body) == ["Gradient Clipping", "Weight Decay", "incorrect"]


def test_suggestions_exclude_existing_concepts_and_need_recurrence(concepts):
    questions = [
        page(1, "We use the Evidence Lower Bound (ELBO) and Layer Normalization (LN). **Gradient clipping** helps."),
        page(2, "With **gradient clipping** again, and **Weight decay** once. A Recurrent Neural Network (RNN)."),
    ]
    found = suggest_concepts(questions, concepts)
    assert found == [
        Candidate("Gradient clipping", (), "gradient-clipping", "bold in Q1, Q2", ("c/q1", "c/q2")),
        Candidate("Layer normalization", ("LN",), "layer-normalization", "acronym defined in Q1", ("c/q1",)),
        Candidate("Recurrent neural network", ("RNN",), "recurrent-neural-network", "acronym defined in Q2", ("c/q2",)),
    ]


def test_the_seed_has_no_candidates_left():
    questions = [read_question(p) for p in sorted((REPO / "docs/questions/deep-learning-exam-answers").glob("q*.md"))]
    assert [c.aliases for c in suggest_concepts(questions, [])] == [("CNN",), ("ELBO",), ("EMA",), ("UAT",), ("VAE",)]
    assert suggest_concepts(questions, load_concepts(REPO / "docs")) == []


def test_stubs_are_written_only_for_new_pages(tmp_path):
    (tmp_path / "concepts").mkdir()
    kept = tmp_path / "concepts" / "layer-normalization.md"
    kept.write_text("---\ntitle: Layer normalization\n---\nMine.\n")
    candidates = [Candidate("Layer normalization", ("LN",), "layer-normalization", "acronym defined in Q1", ("c/q1",)),
                  Candidate("Gradient clipping", (), "gradient-clipping", "bold in Q1, Q2", ("c/q1", "c/q2"))]
    written = write_concept_stubs(candidates, tmp_path)
    assert written == [tmp_path / "concepts" / "gradient-clipping.md"]
    assert kept.read_text() == "---\ntitle: Layer normalization\n---\nMine.\n"
    stub = concept_from_text(written[0].read_text(), "concepts/gradient-clipping.md")
    assert (stub.title, stub.aliases) == ("Gradient clipping", ())
    assert "Stub suggested by the importer (bold in Q1, Q2)" in stub.body


def test_stub_round_trips_through_the_concept_schema():
    candidate = Candidate("Evidence lower bound", ("ELBO",), "evidence-lower-bound", "acronym defined in Q9", ("c/q9",))
    concept = concept_from_text(render_stub(candidate), candidate.path)
    assert (concept.slug, concept.title, concept.aliases, concept.summary) == (
        "evidence-lower-bound", "Evidence lower bound", ("ELBO",), "")
