"""Cutting a page's HTML into cards (kb/revise/cards.py): what goes on the front, what on the back."""

from __future__ import annotations

from kb.pages import Part, QuestionPage
from kb.revise.cards import cut_cards


def page(parts=(), tags=("attention",)) -> QuestionPage:
    return QuestionPage(id="c/q3", collection="c", question=3, title="Attention", parts=tuple(parts),
                        source_file="sources/c.txt", source_lines=(1, 9), body="", tags=tuple(tags))


PARTED = """<h1 id="q3-attention">Q3. Attention<a class="headerlink" href="#q3-attention" title="Permanent link">&para;</a></h1>
<p>Consider a layer with <span class="arithmatex">\\(n\\)</span> tokens.</p>
<h2 id="part-a">(a) The cost<a class="headerlink" href="#part-a" title="Permanent link">&para;</a></h2>
<blockquote>
<p>What does it cost? <blockquote><p>nested</p></blockquote></p>
</blockquote>
<p>Quadratic: see <a href="../../../concepts/attention/#cost" title="Attention">attention</a> and <a href="#part-b">(b)</a>.</p>
<p><img alt="map" src="../map.png"></p>
<h2 id="not-a-part">Working</h2>
<p>Still part (a).</p>
<h2 id="part-b">(b) Bob's change</h2>
<p>Linear.</p>
<div class="arithmatex">\\[O(n)\\]</div>
"""


def test_a_page_with_parts_has_one_card_per_part():
    cards = cut_cards(PARTED, page([Part("a", "The cost", "part-a"), Part("b", "Bob's change", "part-b")]),
                      "questions/c/q3/")
    assert [c.id for c in cards] == ["questions/c/q3/#part-a", "questions/c/q3/#part-b"]
    a, b = cards
    assert a.title == "Q3. Attention" and a.part == "(a) The cost" and b.part == "(b) Bob's change"
    # The intro and the paper's statement (with what it nests) are the front; the rest of the part the back.
    assert "Consider a layer" in a.intro and "What does it cost?" in a.intro and "nested" in a.intro
    assert "What does it cost?" not in a.answer and "Consider a layer" not in a.answer
    assert "Still part (a)." in a.answer and "Linear." not in a.answer
    assert b.intro.startswith("<p>Consider a layer") and "What does it cost" not in b.intro
    assert r"\[O(n)\]" in b.answer
    # URLs are under the site root; permalinks are gone.
    assert 'href="concepts/attention/#cost"' in a.answer and 'href="questions/c/q3/#part-b"' in a.answer
    assert 'src="questions/c/map.png"' in a.answer
    assert "¶" not in a.title + a.part + a.answer and "headerlink" not in a.answer
    assert a.concepts == ("attention",) and b.concepts == ()
    assert a.tags == ("attention",) and a.label == "a"


def test_a_page_without_parts_is_one_card_with_its_source_line_and_statement_on_the_front():
    html = """<h1 id="q5">Q5. Why a scalar loss?</h1>
<p><em>Source: Q4 · (10 points)</em></p>
<blockquote><p>Why must the loss be a scalar?</p></blockquote>
<p><em>Because</em> gradients are of a scalar.</p>
<blockquote><p>A quote inside the answer.</p></blockquote>
"""
    [card] = cut_cards(html, page(), "questions/c/q5/")
    assert card.id == "questions/c/q5/" and card.part == "" and card.label == ""
    assert "Source: Q4" in card.intro and "Why must the loss" in card.intro
    assert card.answer.startswith("<p><em>Because</em> gradients")
    assert "A quote inside the answer." in card.answer


def test_what_the_cleaner_drops_stays_dropped():
    html = """<h1>Q1. <b onclick="alert(1)">t</b></h1>
<p>text <a href="javascript:alert(1)">link</a> <img src="x" onerror="alert(1)"><script>alert(1)</script></p>"""
    [card] = cut_cards(html, page(), "questions/c/q1/")
    assert "onclick" not in card.title and "onerror" not in card.answer
    assert "javascript" not in card.answer and "<script" not in card.answer
    assert "<span>link</span>" in card.answer
