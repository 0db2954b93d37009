"""Concept pages: reading and validating them, and finding their names in text."""

from __future__ import annotations

import re

import pytest

from kb.concepts.concept import Concept, ConceptMatcher, concept_from_text, duplicate_names, load_concepts, singular
from kb.pages import PageError


def test_concept_from_text_reads_title_aliases_summary_and_body():
    concept = concept_from_text(
        "---\ntitle: KL divergence\naliases: [KL-divergence, D_KL]\nsummary: How far apart.\n---\nProse.\n",
        "concepts/kl-divergence.md",
    )
    assert concept == Concept("kl-divergence", "KL divergence", ("KL-divergence", "D_KL"), "How far apart.",
                              "Prose.\n", "concepts/kl-divergence.md")
    assert concept.names == ("KL divergence", "KL-divergence", "D_KL")


@pytest.mark.parametrize("text, key", [
    ("Prose only.\n", None),
    ("---\naliases: [x]\n---\n", "title"),
    ("---\ntitle: ''\n---\n", "title"),
    ("---\ntitle: 3\n---\n", "title"),
    ("---\ntitle: X\naliases: KL\n---\n", "aliases"),
    ("---\ntitle: X\naliases: [ok, 3]\n---\n", "aliases"),
    ("---\ntitle: X\nsummary: [a]\n---\n", "summary"),
    ("---\ntitle: X\nalias: [a]\n---\n", "alias"),
])
def test_invalid_front_matter_names_file_and_key(text, key):
    with pytest.raises(PageError) as error:
        concept_from_text(text, "docs/concepts/x.md")
    assert "docs/concepts/x.md" in str(error.value)
    if key:
        assert f"key '{key}'" in str(error.value)


def test_file_name_must_be_a_slug():
    with pytest.raises(PageError, match="Bad Name.md.*slug"):
        concept_from_text("---\ntitle: X\n---\n", "concepts/Bad Name.md")


def test_load_concepts_skips_the_index_and_sorts(tmp_path):
    folder = tmp_path / "concepts"
    folder.mkdir()
    (folder / "index.md").write_text("# Concepts\n")
    (folder / "b.md").write_text("---\ntitle: B\n---\n")
    (folder / "a.md").write_text("---\ntitle: A\naliases: [AA]\n---\n")
    assert [c.slug for c in load_concepts(tmp_path)] == ["a", "b"]
    assert load_concepts(tmp_path / "missing") == []


def test_duplicate_names_ignore_case_and_hyphens(concepts):
    extra = Concept("kl", "Kullback-Leibler", ("kl divergence",), "", "", "concepts/kl.md")
    found = duplicate_names(concepts + [extra])
    assert list(found) == ["kl divergence"]
    assert [c.slug for c in found["kl divergence"]] == ["kl-divergence", "kl"]
    assert duplicate_names(concepts) == {}


MATCHING = [
    # (text, expected mentioned names in order, why)
    ("The KL divergence is small.", ["KL divergence"], "the title"),
    ("the kl Divergence", ["kl Divergence"], "case-insensitive"),
    ("The KL-divergence term", ["KL-divergence"], "hyphen variant"),
    ("Kullback–Leibler divergence", ["Kullback–Leibler divergence"], "en dash variant"),
    ("KL\ndivergence across a line break", ["KL\ndivergence"], "a single line break joins words"),
    ("KL\n\ndivergence", ["divergence"], "a blank line does not"),
    ("CNNs and ConvNets", ["CNNs", "ConvNets"], "plurals"),
    ("inductive biases", ["inductive biases"], "plural in -es"),
    ("the CNN's filters", ["CNN's"], "possessive"),
    ("the bias-variance trade-off and the Bias–Variance Tradeoff", ["bias-variance trade-off", "Bias–Variance Tradeoff"], "both spellings"),
    ("divergence of KL divergence", ["divergence", "KL divergence"], "longest match first"),
    ("self-attention, attention", ["self-attention", "attention"], "hyphenated alias is one name"),
    ("the MAP estimate", ["MAP"], "acronym"),
    ("the attention map", ["attention"], "acronyms match only in capitals: 'map' is a word"),
    ("D_KL", ["D_KL"], "underscore alias"),
    ("non-attention and attention-like and reattention", [], "no partial words or hyphen-glued words"),
    ("softmaxes", ["softmaxes"], "plural of a word ending in x"),
    ("translationinvariance", [], "separators may not vanish"),
]


@pytest.mark.parametrize("text, expected, why", MATCHING, ids=[m[2] for m in MATCHING])
def test_matcher_finds_names(matcher, text, expected, why):
    assert [text[s:e] for s, e, _ in matcher.finditer(text)] == expected, why


def test_mentions_are_slugs_in_first_mention_order(matcher):
    text = "A CNN has inductive biases; the KL divergence of a CNN. Also D_KL and MAP."
    assert matcher.mentions(text) == ["cnn", "inductive-bias", "kl-divergence", "map-estimate"]


def test_one_compiled_pattern_for_all_concepts(concepts):
    # Many concepts still give one pattern, factored as a trie (no per-concept regex).
    many = concepts + [Concept(f"c{i}", f"concept number {i}", (f"CN{i}",), "", "", f"concepts/c{i}.md") for i in range(300)]
    matcher = ConceptMatcher(many)
    assert isinstance(matcher.pattern, re.Pattern)
    assert matcher.pattern.pattern.count("number") == 1  # shared prefixes written once
    assert matcher.mentions("see concept number 42 and CN7 and KL divergence") == ["c42", "c7", "kl-divergence"]


def test_no_concepts_no_mentions():
    assert ConceptMatcher([]).mentions("anything at all") == []


def test_duplicate_name_goes_to_first_slug(concepts):
    extra = Concept("aaa", "Other", ("KL divergence",), "", "", "concepts/aaa.md")
    assert ConceptMatcher(concepts + [extra]).mentions("KL divergence") == ["aaa"]


@pytest.mark.parametrize("name, one", [
    ("Attention weights", "Attention weight"),
    ("inductive biases", "inductive bias"),
    ("softmaxes", "softmax"),
    ("bias", None), ("loss", None), ("axis", None), ("focus", None),  # not plurals
    ("CNNs", "CNN"),  # then matched as an acronym, in capitals only
    ("KL divergence", None), ("Jacobian matrices", None), ("variational Bayes", None),
])
def test_singular_of_a_plural_name(name, one):
    assert singular(name) == one
