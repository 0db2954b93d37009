"""Snippets: escaped text, <mark> the only markup, formulas never cut, the best window chosen."""

import html as html_lib
import re
from pathlib import Path

import pytest

from kb.concepts.concept import load_concepts
from search_api.records import build_records
from search_api.snippets import MATH_SPAN, WIDTH, snippet

REPO = Path(__file__).resolve().parents[2]

MARKUP = re.compile(r"<(?!/?mark>)")


def test_text_is_escaped_quotes_included():
    html = snippet('He said "<b>bias</b>" & left \'now\'', {"bias"})
    assert html == "He said &quot;&lt;b&gt;<mark>bias</mark>&lt;/b&gt;&quot; &amp; left &#x27;now&#x27;"


def test_no_match_gives_the_start_of_the_text():
    text = "word " * 200
    html = snippet(text, {"absent"})
    assert html.startswith("word word") and html.endswith(" …") and "<mark>" not in html
    assert snippet("", {"x"}) == ""


def test_window_moves_to_the_densest_matches():
    text = "alpha " * 100 + "inductive bias here " + "omega " * 100
    html = snippet(text, {"induct", "bias"})
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>inductive</mark> <mark>bias</mark>" in html
    assert len(re.sub(r"</?mark>", "", html)) < WIDTH + 40


def test_formulas_are_never_cut_and_marked_whole():
    text = "x " * 100 + "the cost is $O(n^2 d)$ for $n$ tokens " + "y " * 100
    html = snippet(text, {"n2", "n", "d", "o", "2"})
    assert "<mark>$O(n^2 d)$</mark>" in html
    assert "$n$" in html and "<mark>$n$</mark>" not in html  # a lone one-letter match is everywhere
    assert html.count("$") % 2 == 0


def test_window_edges_move_out_of_formulas():
    formula = "$\\frac{a_1 + a_2 + a_3}{b}$"
    text = "word " * 30 + formula + " tail " * 60 + "target " + "end " * 50
    for html in (snippet(text, {"target"}), snippet(text, {"tail"})):
        assert html.count("$") % 2 == 0


def test_only_mark_is_markup():
    html = snippet('<script>alert("x")</script> <img src=x onerror=alert(1)> alert', {"alert", "script", "img"})
    assert not MARKUP.search(html)
    assert "<mark>alert</mark>" in html


def test_extra_spans_are_marked():
    text = "A variational autoencoder learns."
    assert snippet(text, set(), [(2, 25, "variational-autoencoder")]) == "A <mark>variational autoencoder</mark> learns."


# --- Cut only between words, never inside a formula --------------------------------------

def plain(html: str) -> str:
    """The text a snippet shows, without its marks and its ellipses."""
    text = html_lib.unescape(re.sub(r"</?mark>", "", html))
    return text.removeprefix("… ").removesuffix(" …")


def assert_cut_cleanly(text: str, html: str) -> None:
    shown = plain(html)
    start = text.find(shown)
    assert start >= 0, (shown, text)
    end = start + len(shown)
    assert start == 0 or text[start - 1] == " ", f"starts mid-word: {shown[:30]!r}"
    assert end == len(text) or text[end] == " ", f"ends mid-word: {shown[-30:]!r}"
    assert html.startswith("… ") == (start > 0) and html.endswith(" …") == (end < len(text))
    formulas = [m.group() for m in MATH_SPAN.finditer(text)]
    assert all(f in formulas for f in MATH_SPAN.findall(shown)) and shown.count("$") % 2 == 0, shown


WORDS = ("Repeatedly stepping the parameters against the gradient, an $a \\times b$ matrix by a $b \\times c$ "
         "matrix, the ($K$) term, in the sequence length, each is moderate (grey), results in an $n \\times d$ "
         "matrix, overfitting or underfitting, (a) Computational Time, the model's performance, one to one "
         "alignment").split(" ")


@pytest.mark.parametrize("where", range(0, len(WORDS), 3))
def test_snippets_cut_between_words_and_outside_formulas(where):
    # The cuts ("alignm", "the model's pe", "eatedly", "... b$ matrix") wherever the match falls.
    filler = "alpha beta gamma delta epsilon zeta eta theta".split()
    for pad in range(0, 9):
        text = " ".join(filler[:pad] + WORDS[:where] + ["target"] + WORDS[where:] + filler[:pad])
        assert_cut_cleanly(text, snippet(text, {"target"}))


@pytest.mark.parametrize("text, terms, starts", [
    ("(a) " + "w" * 56 + " target (b) more " + "words " * 60, {"target"}, "(a) "),  # the Q7 question's "("
    ("(a) Computational Time Complexity of the Attention Layer (b) Bob's Proposed Change " + "x " * 150,
     {"propos", "chang"}, "(a) "),
    ("Repeatedly stepping " + "x" * 45 + " target " + "y " * 200, {"target"}, "Repeatedly"),
])
def test_a_snippet_keeps_the_first_word_whole(text, terms, starts):
    html = snippet(text, terms)
    assert html.startswith(starts), html


def test_a_snippet_ending_on_the_last_word_keeps_it_whole():
    for gap in range(30, 60):
        text = "target " + "word " * gap + "the target and the source are almost in one to one alignment"
        assert_cut_cleanly(text, snippet(text, {"target"}))


def test_a_formula_at_the_start_is_kept_whole_or_dropped():
    for gap in range(0, 60):
        text = "intro " * 30 + "an $a \\times b$ matrix by a $b \\times c$ matrix " + "x" * gap + " target " + "y " * 100
        html = snippet(text, {"target"})
        assert not re.match(r"… [^$\s]+\$", html), html  # never "… b$ matrix"
        assert_cut_cleanly(text, html)


def test_formula_tokens_never_match_inside_words():
    html = snippet("Why can't we ignore $x^T$ in the model's loss?", {"x", "t", "xt", "s"})
    assert "can&#x27;t" in html and "<mark>t</mark>" not in html and "<mark>s</mark>" not in html
    assert "<mark>$x^T$</mark>" in html


def test_tex_layout_commands_do_not_match_words():
    html = snippet("The time is $n \\times d$ and $\\left( x \\right)$.", {"time", "left"})
    assert html == "The <mark>time</mark> is $n \\times d$ and $\\left( x \\right)$."


def test_a_tex_command_after_a_joiner_is_part_of_the_word():
    assert "<mark>$p_\\theta(x_0)$</mark>" in snippet("so $p_\\theta(x_0)$ is it", {"ptheta"})


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    """What each seed record's snippet is cut from, by id."""
    return {r.id: r.stored()["body"] or r.title for r in build_records(REPO / "docs", load_concepts(REPO / "docs"))}


@pytest.mark.parametrize("q", ["one to one alignment", "model's performance", "sequence length", "moderate grey",
                               "underfitting", "gradient descent", "time complexity attention layer", "matrix",
                               "x^T", "p_theta", "translation invariance", "attention weight"])
def test_seed_snippets_cut_cleanly(seed_search, seed_texts, q):
    texts = seed_texts
    hits = seed_search(q, limit=50)["results"]
    assert hits
    for hit in hits:
        assert_cut_cleanly(texts[hit["id"]], hit["snippet"])
