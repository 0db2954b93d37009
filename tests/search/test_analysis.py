"""The analyzer keeps math and joined words searchable, stems with Snowball, and normalises text."""

import pytest

from search_api.analysis import normalize_text, text_analyzer, word_analyzer


def terms(text: str) -> list[str]:
    return [t.text for t in text_analyzer()(text)]


@pytest.mark.parametrize("text, expected", [
    ("QK^T", ["qk", "t", "qkt"]),  # parts, then the merged form
    ("O(n^2 d)", ["o", "n", "2", "n2", "d"]),  # one-letter tokens are kept
    ("\\sqrt{d}", ["sqrt", "d"]),
    ("KL-divergence", ["kl", "diverg", "kldiverg"]),
    ("x_{1:T}", ["x", "1", "x1", "t"]),  # TeX braces after a joiner belong to the word
    ("p_\\theta p_theta p_{\\theta}", ["p", "theta", "ptheta"] * 3),  # and so does a TeX command
    ("n \\times d \\left( x \\right)", ["n", "d", "x"]),  # layout commands are not words
    ("the time", ["the", "time"]),
    ("bias biases", ["bias", "bias"]),  # Snowball; Porter would give "bia" and "bias"
    ("Inductive inductive", ["induct", "induct"]),
    ("naïve", ["naiv"]),  # accents folded
    ("a b c", ["a", "b", "c"]),  # no stop words removed from the index
])
def test_text_terms(text, expected):
    assert terms(text) == expected


def test_joined_word_parts_keep_consecutive_positions():
    tokens = [(t.text, t.pos) for t in text_analyzer()("the KL-divergence term", positions=True)]
    assert tokens == [("the", 0), ("kl", 1), ("diverg", 2), ("kldiverg", 1), ("term", 3)]


def test_skipped_layout_commands_leave_no_gap_in_positions():
    tokens = [(t.text, t.pos) for t in text_analyzer()("n \\times d", positions=True)]
    assert tokens == [("n", 0), ("d", 1)]


def test_joined_word_char_offsets_point_into_the_text():
    text = "see QK^T now"
    spans = {t.text: text[t.startchar:t.endchar] for t in text_analyzer()(text, chars=True)}
    assert spans == {"see": "see", "qk": "QK", "t": "T", "qkt": "QK^T", "now": "now"}


def test_word_analyzer_does_not_stem():
    assert [t.text for t in word_analyzer()("Biases inductive")] == ["biases", "inductive"]


@pytest.mark.parametrize("raw, expected", [
    ("  inductive \t bias\n", "inductive bias"),
    ("ﬁne", "fine"),  # NFKC
    ("a\u202eb\u200bc\u2066d", "abcd"),  # bidi override, zero-width space, isolate
    ("x\x00y\x1b[31m", "xy[31m"),  # control characters
    ("Ｑｕｅｒｙ", "Query"),  # full-width forms
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected
