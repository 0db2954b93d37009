"""The one place that makes slugs and URLs, checked with a table."""

import pytest

from kb import slugs


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Inductive bias", "inductive-bias"),
        ("KL-Divergence (D_KL)", "kl-divergence-d-kl"),
        ("Bias–variance trade-off", "bias-variance-trade-off"),
        ("  Ünïcödé  ", "unicode"),
        ("ELBO", "elbo"),
        ("", ""),
    ],
)
def test_slugify(text, slug):
    assert slugs.slugify(text) == slug


@pytest.mark.parametrize(
    "docs_path, anchor, url",
    [
        ("index.md", None, "/"),
        ("questions/dl/index.md", None, "/questions/dl/"),
        ("questions/dl/q6.md", "part-b", "/questions/dl/q6/#part-b"),
        ("concepts/kl-divergence.md", None, "/concepts/kl-divergence/"),
    ],
)
def test_page_url(docs_path, anchor, url):
    assert slugs.page_url(docs_path, anchor) == url


@pytest.mark.parametrize(
    "src, dst, anchor, link",
    [
        ("questions/dl/q6.md", "concepts/pooling.md", None, "../../concepts/pooling.md"),
        ("concepts/pooling.md", "questions/dl/q6.md", "part-b", "../questions/dl/q6.md#part-b"),
        ("questions/dl/q6.md", "questions/dl/q7.md", None, "q7.md"),
        ("index.md", "questions/dl/q1.md", "part-a", "questions/dl/q1.md#part-a"),
    ],
)
def test_relative_link(src, dst, anchor, link):
    assert slugs.relative_link(src, dst, anchor) == link


def test_ids_paths_and_anchors():
    assert slugs.collection_slug("sources/Deep-Learning Exam.answers.txt") == "deep-learning-exam-answers"
    # Only the extension goes: two versions of one sheet are two collections, a dot-file is named too.
    assert slugs.collection_slug("notes.v1.md") != slugs.collection_slug("notes.v2.md")
    assert slugs.collection_slug(".hidden.md") == "hidden"
    assert slugs.question_id("dl", 3) == "dl/q3"
    assert slugs.question_path("dl", 3) == "questions/dl/q3.md"
    assert slugs.part_anchor("ii") == "part-ii"
    with pytest.raises(ValueError):
        slugs.collection_slug("!!!.txt")
    with pytest.raises(ValueError):
        slugs.page_url("questions/dl/q3.txt")
