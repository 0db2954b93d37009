"""Every question and part marker style, and the lines that must not be markers."""

import pytest

from kb.ingest.markers import match_part, match_question


@pytest.mark.parametrize(
    "line, number, title",
    [
        ("Q1:", 1, ""),
        ("## Q1:", 1, ""),
        ("### Q3:", 3, ""),
        ("**Q5.**", 5, ""),
        ("Q6 — Early stopping", 6, "Early stopping"),
        ("Q6 - Early stopping", 6, "Early stopping"),
        ("Question 2", 2, ""),
        ("## Question 1 (12 points)", 1, ""),
        ("Problem 4:", 4, ""),
        ("Q7)", 7, ""),
        ("## Q2: Heading title", 2, "Heading title"),
        ("**Q9: Bold title**", 9, "Bold title"),
    ],
)
def test_question_markers(line, number, title):
    marker = match_question(line)
    assert marker is not None, line
    assert (marker.number, marker.title) == (number, title)


def test_plain_colon_marker_keeps_following_words_as_body():
    marker = match_question("Q2: The answer starts here.")
    assert marker.number == 2 and marker.title == "" and marker.body == "The answer starts here."


@pytest.mark.parametrize(
    "line",
    [
        "as discussed in Question 1: the bias",
        "Question 1 asks about attention.",
        "Q&A session",
        "Qx:",
        "The Q1: marker mid-line",
        "- Q1: in a list",
    ],
)
def test_not_question_markers(line):
    assert match_question(line) is None


@pytest.mark.parametrize(
    "line, label, title",
    [
        ("(a)", "a", ""),
        ("(a) Advantages of CNN over MLP:", "a", "Advantages of CNN over MLP"),
        ("a) Bare letter", "a", "Bare letter"),
        ("**(a) What is Inductive Bias?**", "a", "What is Inductive Bias?"),
        ("### (b): Bob's Proposed Change", "b", "Bob's Proposed Change"),
        ("### Part (a): Time Complexity", "a", "Time Complexity"),
        ("Part A.", "a", ""),
        ("Part B. Letter with a dot", "b", "Letter with a dot"),
        ("(i)", "i", ""),
        ("(ii) Roman", "ii", "Roman"),
        ("**(c) Why $-D_{KL}(q)$  in training?**", "c", "Why $-D_{KL}(q)$ in training?"),
    ],
)
def test_part_markers(line, label, title):
    marker = match_part(line)
    assert marker is not None, line
    assert (marker.label, marker.title) == (label, title)


@pytest.mark.parametrize("line", ["(close to 0) to the rest", "(e.g. edges)", "a)b", "(1) numbered", "apart (a) mid-line"])
def test_not_part_markers(line):
    assert match_part(line) is None
