"""Linking rules, one case per rule, with the negative cases: what must never become a link."""

from __future__ import annotations

import pytest

from kb.concepts.links import expand_markers, link_markdown, page_mentions, prose_text
from kb.slugs import relative_url as slugs_relative_url

PAGE = "questions/c/q1.md"
KL = '<a href="../../../concepts/kl-divergence/" title="KL divergence">{}</a>'
CNN = '<a href="../../../concepts/cnn/" title="Convolutional neural network">{}</a>'

CASES = [
    # (rule, markdown, expected markdown)
    ("first mention links",
     "The KL divergence is small.",
     f"The {KL.format('KL divergence')} is small."),
    ("only the first mention in a section",
     "KL divergence, then KL divergence again.",
     f"{KL.format('KL divergence')}, then KL divergence again."),
    ("each h2 section links again",
     "## (a) One {#part-a}\n\nKL divergence.\n\n## (b) Two {#part-b}\n\nKL divergence.\n",
     f"## (a) One {{#part-a}}\n\n{KL.format('KL divergence')}.\n\n## (b) Two {{#part-b}}\n\n{KL.format('KL divergence')}.\n"),
    ("an h3 does not start a section",
     "## A\n\nKL divergence.\n\n### Sub\n\nKL divergence.\n",
     f"## A\n\n{KL.format('KL divergence')}.\n\n### Sub\n\nKL divergence.\n"),
    ("variants keep the author's spelling",
     "The KL-divergence of CNNs.",
     f"The {KL.format('KL-divergence')} of {CNN.format('CNNs')}."),
    ("inside bold",
     "It is **translation-invariant**.",
     'It is **<a href="../../../concepts/translation-invariance/" title="Translation invariance">'
     'translation-invariant</a>**.'),
    ("not in headings", "# KL divergence\n\n## Why KL divergence\n", "# KL divergence\n\n## Why KL divergence\n"),
    ("not in setext headings", "KL divergence\n=============\n", "KL divergence\n=============\n"),
    ("not in inline code", "Call `kl_divergence(CNN)` here.", "Call `kl_divergence(CNN)` here."),
    ("not in fenced code", "```python\n# CNN with KL divergence\n```\n", "```python\n# CNN with KL divergence\n```\n"),
    ("not in tilde fences", "~~~\nCNN\n~~~\n", "~~~\nCNN\n~~~\n"),
    ("not in an unclosed fence", "```\nCNN\n", "```\nCNN\n"),
    ("not in inline math", "The term $D_KL(q || CNN)$.", "The term $D_KL(q || CNN)$."),
    ("not in display math", "$$\nD_KL = \\text{KL divergence}\n$$\n", "$$\nD_KL = \\text{KL divergence}\n$$\n"),
    ("not in \\( \\) math", "See \\(\\text{CNN}\\).", "See \\(\\text{CNN}\\)."),
    ("not in existing links", "[the KL divergence](https://example.org/kl)", "[the KL divergence](https://example.org/kl)"),
    ("not in reference links", "[CNN][ref] and [CNN]\n\n[ref]: https://example.org/CNN\n",
     "[CNN][ref] and [CNN]\n\n[ref]: https://example.org/CNN\n"),
    ("not in image alt text", "![a CNN diagram](cnn.png)", "![a CNN diagram](cnn.png)"),
    ("not in URLs", "See https://example.org/attention/CNN today.", "See https://example.org/attention/CNN today."),
    ("not in HTML", '<a href="x">CNN</a> <span title="CNN">x</span>', '<a href="x">CNN</a> <span title="CNN">x</span>'),
    ("not in comments", "<!-- CNN -->", "<!-- CNN -->"),
    ("not in attribute lists", "Text {: title='CNN' }", "Text {: title='CNN' }"),
    ("an existing link to the concept counts as its link",
     "[see](../../concepts/cnn.md) the CNN", "[see](../../concepts/cnn.md) the CNN"),
    ("escaped dollars are not math", "It costs \\$5 for a CNN, \\$6 total.",
     f"It costs \\$5 for a {CNN.format('CNN')}, \\$6 total."),
    ("wikilink by title", "See [[KL divergence]].", f"See {KL.format('KL divergence')}."),
    ("wikilink by alias with a label", "See [[kl-divergence|this idea]].", f"See {KL.format('this idea')}."),
    ("wikilink by slug", "See [[map-estimate]].",
     'See <a href="../../../concepts/map-estimate/" title="Maximum a posteriori estimate">map-estimate</a>.'),
    ("a wikilink counts as the section's link", "[[CNN]] and CNN.", f"{CNN.format('CNN')} and CNN."),
    ("unknown wikilink shows its text", "See [[no such thing|this]].", "See this."),
    ("wikilinks in code stay", "`[[CNN]]`", "`[[CNN]]`"),
]


@pytest.mark.parametrize("rule, markdown, expected", CASES, ids=[c[0] for c in CASES])
def test_linking_rules(matcher, rule, markdown, expected):
    assert link_markdown(markdown, PAGE, matcher).markdown == expected, rule


@pytest.mark.parametrize("rule, markdown, expected", CASES, ids=[c[0] for c in CASES])
def test_markers_expand_to_the_same_links(matcher, rule, markdown, expected):
    # The build leaves markers in the Markdown and makes them links in the HTML.
    marked = link_markdown(markdown, PAGE, matcher, markers=True).markdown
    assert marked.count("<a href") == markdown.count("<a href")
    assert expand_markers(marked, PAGE, matcher) == expected, rule


def test_a_concept_page_never_links_to_itself(matcher):
    result = link_markdown("The KL divergence and the CNN. [[KL divergence]]", "concepts/kl-divergence.md",
                           matcher, self_slug="kl-divergence")
    assert result.markdown == ('The KL divergence and the <a href="../cnn/" title="Convolutional neural network">CNN</a>.'
                               ' KL divergence')
    assert [m.slug for m in result.mentions] == ["cnn"]


def test_wikilinks_only_when_autolink_is_off(matcher):
    result = link_markdown("CNN and [[CNN|nets]].", "index.md", matcher, autolink=False)
    assert result.markdown == 'CNN and <a href="concepts/cnn/" title="Convolutional neural network">nets</a>.'


def test_wikilinks_are_reported_with_lines(matcher):
    result = link_markdown("One.\n\nSee [[CNN]].\n\nAnd [[nothing here|x]].\n", PAGE, matcher)
    assert [(w.target, w.label, w.slug, w.line) for w in result.wikilinks] == [
        ("CNN", "CNN", "cnn", 3), ("nothing here", "x", None, 5)]


def test_mentions_record_section_anchor_and_excerpt(matcher):
    markdown = (
        "# Q1. Title\n\nIntro on CNNs.\n\n## (a) First {#part-a}\n\n"
        "Some text. Then the **KL-divergence** term is dropped, because it is tiny. More.\n\n"
        "## (b) Second {#part-b}\n\n### KL divergence\n\nIt cannot be computed.\n"
    )
    mentions = link_markdown(markdown, PAGE, matcher).mentions
    got = [(m.slug, m.anchor, m.excerpt, m.line, m.in_heading) for m in mentions]
    assert got == [
        ("cnn", None, "Intro on CNNs.", 3, False),
        ("kl-divergence", "part-a", "Then the KL-divergence term is dropped, because it is tiny.", 7, False),
        ("kl-divergence", "part-b", "It cannot be computed.", 11, True),  # listed, never linked
    ]
    assert ">KL divergence</a>" not in link_markdown(markdown, PAGE, matcher).markdown


def test_excerpts_keep_math_whole_and_are_one_line(matcher):
    long_tail = " ".join(["word"] * 80)
    markdown = f"- The KL divergence $D_{{KL}}(q \\| p)$ is used, {long_tail}.\n"
    [mention] = link_markdown(markdown, PAGE, matcher).mentions
    assert mention.excerpt.startswith("The KL divergence $D_{KL}(q \\| p)$ is used")
    assert mention.excerpt.endswith("…") and "\n" not in mention.excerpt and len(mention.excerpt) < 200


def test_page_mentions_skip_code_and_math(matcher):
    assert page_mentions("`CNN` $KL divergence$ softmax and ELBO", matcher) == ["softmax", "elbo"]


def test_prose_text_blanks_code_and_math_but_keeps_offsets():
    text = "A `code` and $x$ and [link](u).\n```\nfenced\n```\nEnd"
    prose = prose_text(text)
    assert "code" not in prose and "$" not in prose and "fenced" not in prose
    assert "link" in prose and "(u)" not in prose and prose.count("\n") == text.count("\n")


def test_linking_is_deterministic(matcher):
    markdown = "## A\n\nKL divergence, CNN, softmax, attention.\n" * 20
    assert link_markdown(markdown, PAGE, matcher) == link_markdown(markdown, PAGE, matcher)


def test_a_long_sentence_is_cut_around_the_mention(matcher):
    head = "The theorem states that a network with one hidden layer and finitely many units can approximate " \
           "any continuous function on a compact subset of $\\mathbb{R}^n$ to arbitrary precision,"
    markdown = f"{head} provided the softmax is applied at the end, which is the case in many many settings.\n"
    [mention] = link_markdown(markdown, PAGE, matcher).mentions
    assert mention.excerpt.startswith("… ") and "softmax is applied at the end" in mention.excerpt
    assert mention.excerpt.count("$") in (0, 2) and len(mention.excerpt) <= 200


@pytest.mark.parametrize("src, dst, anchor, expected", [
    ("questions/c/q3.md", "concepts/translation-invariance.md", None, "../../../concepts/translation-invariance/"),
    ("concepts/kl-divergence.md", "questions/c/q9.md", "part-a", "../../questions/c/q9/#part-a"),
    ("concepts/x.md", "concepts/y.md", None, "../y/"),
    ("concepts/index.md", "concepts/x.md", None, "x/"),
    ("index.md", "concepts/x.md", None, "concepts/x/"),
    ("concepts/x.md", "index.md", None, "../../"),
    ("questions/c/q1.md", "questions/c/q1.md", "a", "./#a"),
])
def test_slugs_relative_url_matches_the_built_site(src, dst, anchor, expected):
    assert slugs_relative_url(src, dst, anchor) == expected
