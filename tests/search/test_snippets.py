"""Snippets: escaped text, <mark> the only markup, formulas never cut, the best window chosen."""

import re

from search_api.snippets import WIDTH, snippet

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
