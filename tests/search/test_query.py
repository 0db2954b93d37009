"""What a client may ask: parameters, caps, words and phrases, and no engine syntax."""

import time

import pytest

from search_api.params import MAX_QUERY_BYTES, QueryError, parse_params
from search_api.query import max_edits, parse
from search_api.vocabulary import Vocabulary, damerau


@pytest.mark.parametrize("args, code", [
    ({}, "missing_query"),
    ({"q": ""}, "empty_query"),
    ({"q": "   \t "}, "empty_query"),
    ({"q": "\x85\x9f\x00 "}, "empty_query"),  # only control characters and a space (invisible ones are searched)
    ({"q": "a" * (MAX_QUERY_BYTES + 1)}, "query_too_long"),
    ({"q": "é" * (MAX_QUERY_BYTES // 2 + 1)}, "query_too_long"),  # bytes, not characters
    ({"q": "x " * 5000}, "query_too_long"),
    ({"q": " ".join(["word"] * 33)}, "query_too_long"),
    ({"q": '"' + " ".join(["w"] * 9) + '"'}, "query_too_long"),
    ({"q": "^".join("abcdefghi")}, "query_too_long"),
    ({"q": "x", "limit": "0"}, "bad_limit"),
    ({"q": "x", "limit": "51"}, "bad_limit"),
    ({"q": "x", "limit": "ten"}, "bad_limit"),
    ({"q": "x", "limit": "-1"}, "bad_limit"),
    ({"q": "x", "limit": "1e3"}, "bad_limit"),
    ({"q": "x", "page": "0"}, "bad_page"),
    ({"q": "x", "page": "9999999"}, "bad_page"),
    ({"q": "x", "page": "21", "limit": "50"}, "bad_page"),  # deeper than 1000
    ({"q": "x", "type": "page"}, "bad_type"),
    ({"q": "x", "concept": "KL Divergence"}, "bad_concept"),
    ({"q": "x", "collection": "../etc"}, "bad_collection"),
])
def test_bad_parameters_are_query_errors(args, code):
    with pytest.raises(QueryError) as raised:
        parse(parse_params(args).q)
    assert raised.value.code == code


def test_parameters_and_defaults():
    params = parse_params({"q": "  Inductive\u00a0bias ", "limit": "5", "page": "2", "type": "part",
                           "concept": "inductive-bias", "collection": "deep-learning-exam-answers"})
    assert (params.q, params.limit, params.page, params.type) == ("Inductive bias", 5, 2, "part")
    assert (params.concept, params.collection) == ("inductive-bias", "deep-learning-exam-answers")
    assert parse_params({"q": "x", "type": "", "concept": ""}) == parse_params({"q": "x"})
    assert (parse_params({"q": "x"}).limit, parse_params({"q": "x"}).page) == (10, 1)


def test_words_phrases_and_joined_words():
    units = parse(parse_params({"q": 'What is "inductive bias" of KL-divergence QK^T'}).q)
    assert [(u.text, u.parts, u.merged, u.phrase, u.stop) for u in units] == [
        ("What", ("what",), None, False, True),
        ("is", ("is",), None, False, True),
        ("inductive bias", ("induct", "bias"), None, True, False),
        ("of", ("of",), None, False, True),
        ("KL-divergence", ("kl", "diverg"), "kldiverg", False, False),
        ("QK^T", ("qk", "t"), "qkt", False, False),
    ]


def test_unmatched_quote_is_plain_text_and_curly_quotes_work():
    assert [u.phrase for u in parse(parse_params({"q": 'hidden "layer'}).q)] == [False, False]
    assert [u.text for u in parse(parse_params({"q": "\u201chidden layer\u201d"}).q)] == ["hidden layer"]


@pytest.mark.parametrize("word, edits", [
    ("ema", 0), ("kl", 0), ("bias", 1), ("adam", 1), ("convs", 1), ("dropout", 1), ("gradient", 1),
    ("attention", 2), ("backpropagation", 2),
])
def test_typo_budget_by_length(word, edits):
    assert max_edits(word) == edits
    unit = parse(word)[0]
    assert unit.max_edits == edits and unit.typo_word == (word if edits else None)


def test_no_typos_for_stop_words_digits_or_joined_words():
    assert all(u.typo_word is None for u in parse("which x2345 KL-divergence would"))


@pytest.mark.parametrize("a, b, distance", [
    ("dropout", "dropout", 0), ("droput", "dropout", 1), ("drpoout", "dropout", 1),  # a swap is one edit
    ("pooling", "polling", 1), ("hyperprameterz", "hyperparameters", 2), ("", "ab", 2),
])
def test_damerau(a, b, distance):
    assert damerau(a, b) == distance


@pytest.mark.parametrize("q", [
    "a*", "a* b* c* d* e*", "[a TO z]", "a~5", "title:attention", "attention^100", "(((((((((x)))))))))",
    "NOT AND OR", "*", "?", "\\", "{a TO z}", "<script>alert(1)</script>", "'; DROP TABLE x; --",
])
def test_engine_syntax_is_just_text(fixture_search, q):
    started = time.perf_counter()
    response = fixture_search(q)
    assert time.perf_counter() - started < 1.0
    assert response["query"] == q


def test_deep_nesting_and_long_queries_are_refused_or_fast(fixture_search):
    started = time.perf_counter()
    response = fixture_search("(" * 200 + "attention" + ")" * 200)
    assert time.perf_counter() - started < 1.0 and response["results"]
    with pytest.raises(QueryError):
        fixture_search(" ".join(["attention"] * 2000))


def test_vocabulary_corrections():
    vocabulary = Vocabulary({"dropout": 3, "dropped": 1, "pooling": 2, "polling": 1, "hyperparameters": 1})
    assert vocabulary.corrections("droput", 1) == ("dropout",)
    assert vocabulary.corrections("rdopout", 1) == ()  # the first letter must be right
    assert vocabulary.corrections("drpoout", 1) == ("dropout",)  # a swap is one edit
    assert vocabulary.corrections("pooling", 1) == ()  # a word the index has, and "polling" is no commoner
    assert Vocabulary({"pooling": 2, "polling": 20}).corrections("pooling", 1) == ("polling",)
    assert Vocabulary({"bach": 1, "batch": 50}).corrections("bach", 1) == ()  # short words the index has are meant
    assert Vocabulary({"batch": 50}).corrections("bach", 1) == ("batch",)
    assert vocabulary.corrections("hyperprameterz", 2) == ("hyperparameters",)
    assert vocabulary.corrections("hyperprameterz", 1) == ()
