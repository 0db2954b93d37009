"""Recognising the lines that start a question or a part, and Markdown headings.

Answer sheets write markers many ways; each pattern below is one documented
shape. Every pattern must match the *whole* line, which is what keeps a mention
inside a sentence ("as discussed in Question 1:") from starting a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `## Q1:`, `**Q5.**`, `Q6 — Early stopping`, `## Question 1 (12 points)`, `Problem 4:`, `Q2: Title`
QUESTION = re.compile(
    r"""^\s{0,3}(?:\#{1,6}\s*)?          # optional heading hashes
        (?P<bold>\*\*|__)?\s*             # optional bold
        (?:Q|Question|Problem)\s*(?P<number>\d{1,4})\s*
        (?:\((?P<points>\d+(?:\.\d+)?)\s*(?:points?|pts?|marks?)\)\s*)?
        [:.)]?\s*(?:\*\*|__)?\s*          # trailing punctuation, closing bold
        (?:(?P<sep>[—–]|-{1,2}|:)\s*(?P<title>\S.*?))?   # a title after a dash (or a colon)
        \s*(?:\*\*|__)?\s*$""",
    re.X | re.I,
)

# `(a)`, `a)`, `**(a) ...**`, `### (b): ...`, `### Part (a): ...`, `Part A.`, `(i)`, `(ii)`
PART = re.compile(
    r"""^\s{0,3}(?P<hashes>\#{1,6}\s+)?
        (?P<bold>\*\*|__)?\s*
        (?:(?:Part\s+\(?(?P<plabel>[A-Za-z]|[ivxIVX]{1,4})\)?[:.)]?)      # Part (a) / Part A.
          |(?:\((?P<label>[a-z]|[ivx]{1,4})\)[:.]?)                       # (a)  (ii)
          |(?:(?P<blabel>[a-z])\)))                                        # a)
        (?P<rest>.*)$""",
    re.X,
)

HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")
NUMBERED = re.compile(r"^(?P<n>\d{1,3})[.)]\s+\S")
BOLD_LINE = re.compile(r"^\s{0,3}(\*\*|__)(?P<text>[^*_].*?)\1\s*$")

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


@dataclass(frozen=True)
class QuestionMarker:
    number: int
    title: str  # "" when the marker has none
    points: str  # "" when not given
    body: str = ""  # text after "Q2:" on a plain line: the answer's first words, not a title


@dataclass(frozen=True)
class PartMarker:
    label: str  # normalised: "a", "ii"
    title: str  # the prompt written on the marker line, "" if none


def strip_emphasis(text: str) -> str:
    """Drop bold markers and a trailing colon: headings carry neither."""
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text).strip()
    text = text.strip("*_ ").strip()
    text = re.sub(r"\s*:\s*$", "", text).strip()
    return re.sub(r"(?<=\S)\s{2,}(?=\S)", " ", text)


def match_question(line: str) -> QuestionMarker | None:
    m = QUESTION.match(line)
    if not m:
        return None
    title = strip_emphasis(m["title"] or "")
    if m["sep"] == ":" and not (m["bold"] or line.lstrip().startswith("#")):
        # "Q2: The answer starts here." is body text, not a title; keep it as such.
        return QuestionMarker(int(m["number"]), "", m["points"] or "", body=m["title"].strip())
    return QuestionMarker(int(m["number"]), title, m["points"] or "")


def match_part(line: str) -> PartMarker | None:
    m = PART.match(line)
    if not m:
        return None
    label = (m["plabel"] or m["label"] or m["blabel"]).lower()
    rest = m["rest"]
    if m["blabel"] and rest and not rest[0].isspace():
        return None  # "a)b" is not a marker
    if m["bold"]:
        # `**(a) Title**`: the closing bold belongs to the marker line, not the title.
        rest = re.sub(r"(\*\*|__)\s*$", "", rest)
    rest = rest.strip()
    if rest.startswith(":"):
        rest = rest[1:]
    return PartMarker(label, strip_emphasis(rest))


def next_label(previous: str | None, roman: bool) -> str:
    """The only label that may follow `previous`: parts come in order, so a stray "(c)" stays text."""
    if previous is None:
        return "i" if roman else "a"
    if roman:
        index = ROMAN.index(previous) + 1
        return ROMAN[index] if index < len(ROMAN) else ""
    return chr(ord(previous) + 1) if previous < "z" else ""


def match_heading(line: str) -> tuple[int, str] | None:
    m = HEADING.match(line)
    return (len(m["hashes"]), m["text"]) if m else None


def numbered(text: str) -> int | None:
    """The number of a numbered heading title ("2. Generalization") or None."""
    m = NUMBERED.match(strip_emphasis(text) + " ")
    return int(m["n"]) if m else None
