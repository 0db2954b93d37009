"""British spellings folded into American ones (search_api.spelling), and only the safe ones."""

import pytest

from search_api.query import stem
from search_api.spelling import american


@pytest.mark.parametrize("british, us", [
    ("normalisation", "normalization"), ("normalise", "normalize"), ("normalised", "normalized"),
    ("regularisation", "regularization"), ("optimiser", "optimizer"), ("initialisation", "initialization"),
    ("tokenisation", "tokenization"), ("recognise", "recognize"), ("memorising", "memorizing"),
    ("visualise", "visualize"), ("analyse", "analyze"), ("colour", "color"), ("behaviours", "behaviors"),
    ("neighbour", "neighbor"), ("centre", "center"), ("learnt", "learned"), ("grey", "gray"),
])
def test_british_spellings_fold(british, us):
    assert american(british) == us
    assert stem(british) == stem(us) == stem(british.capitalize())


@pytest.mark.parametrize("word", [
    "supervised", "supervise", "precise", "noise", "exercise", "promise", "advise", "revise", "otherwise",
    "compromise", "surprise", "expertise", "advertise", "raise", "hour", "four", "your", "genre", "acre",
    "analysis", "basis", "crisis", "normalization", "color",
])
def test_other_words_stay(word):
    assert american(word) == word
