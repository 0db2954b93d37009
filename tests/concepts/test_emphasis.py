"""Two linking rules with their own cases: the longest name wins, and a link never breaks emphasis."""

from __future__ import annotations

import pytest

from kb.concepts.concept import Concept, ConceptMatcher
from kb.concepts.links import link_markdown

PAGE = "questions/c/q1.md"
ATTENTION = Concept("attention", "Attention", ("attention mechanism",), "", "", "concepts/attention.md")
WEIGHTS = Concept("attention-weights", "Attention weights", ("attention scores",), "", "", "concepts/attention-weights.md")
KL = Concept("kl-divergence", "KL divergence", ("D_KL",), "", "", "concepts/kl-divergence.md")
LINK = '<a href="../../../concepts/{}/" title="{}">{}</a>'


def linked(markdown: str, *concepts: Concept) -> str:
    return link_markdown(markdown, PAGE, ConceptMatcher(list(concepts or (ATTENTION, WEIGHTS, KL)))).markdown


def link(concept: Concept, text: str) -> str:
    return LINK.format(concept.slug, concept.title, text)


@pytest.mark.parametrize("text, slug", [
    ("attention weight", "attention-weights"),  # the singular of a title in the plural
    ("attention weights", "attention-weights"),
    ("attention scores", "attention-weights"),
    ("attention mechanism", "attention"),
    ("attention", "attention"),
])
def test_the_longest_name_at_a_position_wins(text, slug):
    matcher = ConceptMatcher([ATTENTION, WEIGHTS])
    assert [(s, e, found) for s, e, found in matcher.finditer(f"the {text} here")] == [(4, 4 + len(text), slug)]


def test_a_bold_term_links_whole_to_the_longest_name():
    assert linked("Each pixel is the **attention weight** of a token.") == (
        f"Each pixel is the **{link(WEIGHTS, 'attention weight')}** of a token.")


def test_the_singular_never_takes_a_name_another_concept_has():
    single = Concept("attention-weight", "Attention weight", (), "", "", "concepts/attention-weight.md")
    assert ConceptMatcher([WEIGHTS, single]).mentions("one attention weight") == ["attention-weight"]


@pytest.mark.parametrize("markdown, expected", [
    ("*KL divergence*", "*{kl}*"),
    ("**KL divergence:** the gap.", "**{kl}:** the gap."),
    ("***KL divergence***", "***{kl}***"),
    ("**the KL divergence term** and then KL divergence.", "**the KL divergence term** and then {kl}."),
    ("*KL divergence of q*, KL divergence.", "*KL divergence of q*, {kl}."),
    ("**a *KL divergence* term**", "**a *KL divergence* term**"),
    ("**A KL divergence\nover two lines**", "**A KL divergence\nover two lines**"),
    ("a * b and KL divergence * c", "a * b and {kl} * c"),  # spaced stars are no emphasis
    ("x_KL divergence_y", "x_KL divergence_y"),  # "_" inside words is no emphasis (and glued words no name)
    ("the `**` KL divergence", "the `**` {kl}"),  # stars in code are no delimiters
    ("**$q$ and KL divergence**", "**$q$ and KL divergence**"),
])
def test_a_link_never_breaks_emphasis(markdown, expected):
    assert linked(markdown) == expected.format(kl=link(KL, "KL divergence"))


def test_an_unlinked_mention_in_emphasis_still_counts_for_backlinks():
    result = link_markdown("## (a) A {#part-a}\n\n**the KL divergence term**\n", PAGE, ConceptMatcher([KL]))
    assert [(m.slug, m.anchor) for m in result.mentions] == [("kl-divergence", "part-a")]
    assert "<a " not in result.markdown
