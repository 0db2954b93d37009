"""Recognising the lines that start a question or a part, and Markdown headings.

Answer sheets write markers many ways; each pattern below is one documented
shape. Every pattern must match the *whole* line, which is what keeps a mention
inside a sentence ("as discussed in Question 1:") from starting a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `## Q1:`, `**Q5.**`, `**Q5.** Is Z?`, `Q6 — Early stopping`, `## Question 1 (12 points)`, `Problem 4:`,
# `Q1. What is X?`, `Q1) ...`, `### Q1) ...`, `Question 1) ...`. Any number of digits: a number too large to
# take is reported by the document stage, never left to merge silently into the previous question.
QUESTION = re.compile(
    r"""^\s{0,3}(?P<hashes>\#{1,6}\s*)?  # optional heading hashes
        (?P<bold>\*\*|__)?\s*             # optional bold
        (?:Q|Question|Problem)\s*(?P<number>\d+)\s*
        (?:\((?P<points>\d+(?:\.\d+)?)\s*(?:points?|pts?|marks?)\)\s*)?
        (?P<punct>[:.)](?=\s|\*|_|$))?\s*(?P<close>\*\*|__)?\s*  # trailing punctuation, closing bold
        (?:(?P<sep>[—–]|-{1,2}|:)\s*(?P<title>\S.*?)    # a title after a dash (or a colon)
          |(?P<text>[^\s—–:-].*?))?                    # or straight after the punctuation
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
# `1. What is X?`, `3) Explain Y`: a numbered title, any number of digits.
NUMBERED_TITLE = re.compile(r"^(?P<n>\d+)[.)]\s+(?P<title>\S.*)$")
BOLD_LINE = re.compile(r"^\s{0,3}(\*\*|__)(?P<text>[^*_].*?)\1\s*$")
# `**1. What is X?**`, `**1.** What is X?`, `__2)__ Explain Y`
NUMBERED_BOLD = re.compile(r"^\s{0,3}(\*\*|__)\s*\d+[.)]")
# Trailing source links (`[[src](https://...)]`, `[source](...)`) belong to the body, not the title.
SOURCE_LINKS = re.compile(r"(?:\s*\[?\[(?:src|source|ref|link)\]\([^)\s]*\)\]?)+\s*$", re.I)
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


@dataclass(frozen=True)
class QuestionMarker:
    number: int
    title: str  # "" when the marker has none
    points: str  # "" when not given
    body: str = ""  # text after the marker that is the answer's first words (or a source link), not a title


@dataclass(frozen=True)
class PartMarker:
    label: str  # normalised: "a", "ii"
    title: str  # the prompt written on the marker line, "" if none
    body: str = ""  # an answer written on the marker line itself


def strip_emphasis(text: str) -> str:
    """Drop bold markers and a trailing colon: headings carry neither."""
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text).strip()
    text = text.strip("*_ ").strip()
    text = re.sub(r"\s*:\s*$", "", text).strip()
    return re.sub(r"(?<=\S)\s{2,}(?=\S)", " ", text)


def reads_as_answer(text: str) -> bool:
    """True for words after a marker that are an answer, not a prompt: long, or several sentences."""
    text = text.strip()
    if text.endswith(("?", ":")):
        return len(text) > 200
    return len(text) > 120 or (len(text) > 60 and SENTENCE_BREAK.search(text) is not None)


def title_and_links(text: str) -> tuple[str, str]:
    """Split a title from its trailing source links: ("Explain Y", "[[src](https://...)]")."""
    m = SOURCE_LINKS.search(text)
    if not m or not text[: m.start()].strip():
        return text, ""
    return text[: m.start()].rstrip(), m.group(0).strip()


def _title_or_body(words: str, prompt: bool) -> tuple[str, str]:
    """(title, body) from the words on a marker line; a `prompt` line (heading, bold) always titles."""
    words, links = title_and_links(words.strip())
    if not prompt and reads_as_answer(words):
        return "", "\n".join(x for x in (words, links) if x)
    return strip_emphasis(words), links


def match_question(line: str) -> QuestionMarker | None:
    m = QUESTION.match(line)
    if not m:
        return None
    if m["text"] and not (m["punct"] or m["close"]):
        return None  # "Question 1 asks about attention." is a sentence
    words = (m["title"] if m["sep"] else m["text"]) or ""
    number, points = int(m["number"]), m["points"] or ""
    if not words:
        return QuestionMarker(number, "", points)
    heading = bool(m["hashes"])
    whole_bold = bool(m["bold"]) and not m["close"]
    colon = m["sep"] == ":" or (m["punct"] == ":" and not m["sep"])
    if colon and not (heading or whole_bold) and not words.rstrip(" *_").endswith("?"):
        # "Q2: The answer starts here." is body text, not a title; keep it as such.
        return QuestionMarker(number, "", points, body=words.strip())
    prompt = heading or whole_bold or m["sep"] in ("—", "–", "-", "--")
    title, body = _title_or_body(words, prompt)
    return QuestionMarker(number, title, points, body)


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
    title, body = _title_or_body(rest, prompt=bool(m["hashes"] or m["bold"]))
    return PartMarker(label, title, body)


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


def numbered_title(text: str) -> tuple[int, str] | None:
    """(number, title) of a numbered title ("### 1. What is X?" -> (1, "What is X?")), or None."""
    m = NUMBERED_TITLE.match(strip_emphasis(text))
    return (int(m["n"]), m["title"]) if m else None
