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
        (?P<word>Q|(?:Inline\s+)?Question|Problem|Exercise)\s*(?P<number>\d+)\s*
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
          |(?:(?P<blabel>[a-z])\))                                         # a)
          |(?:(?P<dlabel>[a-z])\.(?=\s|$)))                                  # a.  (as a PDF prints a lettered list)
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
    label: str = ""  # the source's own label: "Q1", "Question 66", "41"; "" when it gives none
    marks: str = ""  # tags, emoji and difficulty marks written around the title ("[E]", "👶"), kept apart from it


# `Q: Explain LoRA`, `**Question:** What is X?`, `### Q. Why?`: a question word with no number.
UNNUMBERED = re.compile(r"^\s{0,3}(?:\#{1,6}\s*)?(?:\*\*|__)?\s*(?:Q|Question)\s*(?:\*\*|__)?\s*[:.]\s*(?:\*\*|__)?\s*"
                        r"(?P<title>\S.*?)\s*$", re.I)
# `1 Softmax`: a heading numbered without a dot (headings only; at most three digits, so a year stays a title).
BARE_NUMBER = re.compile(r"^(?P<n>\d{1,3})\s+(?P<title>[^\W\d].*)$")
# `[E]`, `[Medium]`, `[ML]`: short bracketed tags before or after a title.
# A task-list box ("[x]", "[ ]") is the answer of a quiz, not a tag.
TAG = re.compile(r"^\[(?![xX]\])(?P<tag>[^\[\]\s]{1,12})\](?!\()\s*|\s*\[(?![xX]\])(?P<end>[^\[\]\s]{1,12})\](?!\()$")
POINTS = re.compile(r"\s*[(\[](?P<points>\d+(?:\.\d+)?)\s*(?:points?|pts?|marks?)[)\]]\s*$", re.I)


def _is_mark(ch: str) -> bool:
    """Emoji and symbols (👶, ⭐️, 🔥, ✅), joiners and variation selectors: decoration, not words."""
    import unicodedata
    return unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") or ch in "\u200d\ufe0f\ufe0e\u20e3"


def split_marks(title: str) -> tuple[str, str, str]:
    """(title, marks, points) from a title with tags, emoji or points around it: "[E] What is X? 👶"."""
    if title[:1].isalnum() and (title[-1:].isalnum() or title[-1:] in "?.!:") and "[" not in title:
        return title.strip(), "", ""  # most titles: nothing around them
    marks: list[str] = []
    points = ""
    while True:
        before = title
        title = title.strip()
        m = POINTS.search(title)
        if m and m.start() > 0:
            points, title = m["points"], title[: m.start()]
        m = TAG.search(title)
        if m and len(title) > len(m.group(0)):
            marks.append(m.group(0).strip())
            title = title[: m.start()] + title[m.end():]
        end = len(title)
        while end and (_is_mark(title[end - 1]) or title[end - 1].isspace()):
            end -= 1
        start = 0
        while start < end and (_is_mark(title[start]) or title[start].isspace()):
            start += 1
        if (start or end < len(title)) and end > start:
            marks += [x for x in (title[:start].strip(), title[end:].strip()) if x]
            title = title[start:end]
        if title == before:
            return title.strip(), " ".join(marks), points


def question_label(word: str, number: int) -> str:
    """The label as the source writes it, normalised: "Q1", "Question 66", "Problem 3"."""
    word = " ".join(word.split())
    return f"Q{number}" if word.lower() == "q" else f"{word[0].upper()}{word[1:]} {number}"


@dataclass(frozen=True)
class PartMarker:
    label: str  # normalised: "a", "ii"
    title: str  # the prompt written on the marker line, "" if none
    body: str = ""  # an answer written on the marker line itself


def plain_title(text: str) -> str:
    from kb.ingest.cleanup import plain_title as plain  # cleanup reads Markdown with markdown-it; it imports us

    return plain(text)


def strip_emphasis(text: str) -> str:
    """Drop bold markers and a trailing colon: headings carry neither."""
    if "*" not in text and "_" not in text and "  " not in text and not text.rstrip().endswith(":"):
        return text.strip()  # most lines: nothing to drop
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text).strip()
    if "$" not in text:  # (math keeps its underscores)
        text = re.sub(r"(?<![\w*])([*_])(?![\s*_])(.+?)(?<![\s*_])\1(?![\w*])", r"\2", text)  # "_dropout_"
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
    for mark in ("**", "__"):
        if words.count(mark) % 2 and line.rstrip().endswith(mark):
            words += mark  # "# Q1. What is **attention**": the closing bold is the title's own
    number, points = int(m["number"]), m["points"] or ""
    label = question_label(m["word"], number)
    if not words:
        return QuestionMarker(number, "", points, label=label)
    heading = bool(m["hashes"])
    whole_bold = bool(m["bold"]) and not m["close"]
    colon = m["sep"] == ":" or (m["punct"] == ":" and not m["sep"])
    if colon and not (heading or whole_bold) and not words.rstrip(" *_").endswith("?"):
        # "Q2: The answer starts here." is body text, not a title; keep it as such.
        return QuestionMarker(number, "", points, body=words.strip(), label=label)
    prompt = heading or whole_bold or m["sep"] in ("—", "–", "-", "--")
    title, body = _title_or_body(words, prompt)
    title, marks, more = split_marks(plain_title(title) if title else title)
    return QuestionMarker(number, title, points or more, body, label, marks)


def match_part(line: str) -> PartMarker | None:
    m = PART.match(line)
    if not m:
        return None
    label = (m["plabel"] or m["label"] or m["blabel"] or m["dlabel"]).lower()
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
