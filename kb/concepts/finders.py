"""Finders: the terms one question page defines, each with the Markdown that defines it.

Pure functions over a question's title, parts and body; `kb.concepts.derived` puts
their findings together over the whole knowledge base. Four signals:

- a definition question: the title (or a part's title) asks "What is X?", "What are
  X?", "Define X", "Explain X", "What is meant by X"; the answer's opening defines X;
- a topic: a title or heading that is only a name ("Dropout") and whose first
  sentence starts with that name and "is"/"are"/"refers to";
- an acronym spelled out ("Principal component analysis (PCA)"), from
  `kb.concepts.discovery.acronym_definitions`, defined where its sentence says "is";
- a defining sentence: a paragraph that opens "X is a ..." or "**X** is ...", for
  terms that recur across questions and collections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.concepts.discovery import acronym_definitions
from kb.concepts.links import prose_text
from kb.pages import QuestionPage

MAX_WORDS = 5
# "What is X?", "Define X.", "Explain X"; the lead-ins that only say "X" ("the concept of X") are dropped.
_ASKS = re.compile(
    r"^\s*(?:what\s+(?:is|are)(?:\s+meant\s+by)?|what\s+do\s+you\s+(?:mean|understand)\s+by|define|explain"
    r"|describe\s+what)\s+(?P<term>.+?)\s*[?.!:]*\s*$",
    re.I,
)
_LEAD_IN = re.compile(
    r"^(?:an?|the)\s+|^(?:the\s+)?(?:concept|notion|idea|meaning|definition|term)\s+(?:of|behind)\s+(?:an?\s+|the\s+)?", re.I)
# Context after the term: "overfitting in neural networks" names overfitting.
_CONTEXT = re.compile(r"\s+(?:in|for|with|when|during|on|within|used|and\s+why|and\s+how|\(.*)\b.*$", re.I)
# Questions about a relation between things, or asking how/why, define no one term.
_NOT_ONE_TERM = re.compile(
    r"^(?:how|why|when|where|which|whether|what|who|it|this|that|these|those|your|some|any|all|each|one|two)\b"
    r"|^(?:difference|differences|role|purpose|advantage|advantages|disadvantage|disadvantages|benefit|benefits|"
    r"use|uses|goal|intuition|effect|effects|impact|relationship|relation|importance|need|reason|main|best|"
    r"significance|problem|problems|output|value|values|result|results|type|types|kind|kinds|example|examples|"
    r"trade-?off|tradeoff|way|ways|steps|assumption|assumptions|limitation|limitations|common|typical|"
    r"different|various|key|basic|following|above|below|having|using|being|doing|making|getting|adding|"
    r"choosing|increasing|decreasing|reducing|applying)\b"
    r"|^(?:cheaper|better|worse|faster|slower|larger|smaller|bigger|easier|harder|higher|lower|true|false|"
    r"possible|necessary|wrong|right|correct|important|useful|needed|happening|going\s+on)$"
    r"|'s\b|’s\b"
    r"|\b(?:and|or|vs\.?|versus|between|your|you|we|i|is|are|do|does|did|can|should|would|will)\b",
    re.I,
)
# A name: letters and digits, joined by spaces, hyphens, apostrophes or slashes (never markup).
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9'’\-–/]*(?: [A-Za-z0-9][A-Za-z0-9'’\-–/]*)*$")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z0-9\-]{1,9})\)\s*$")
_DEFINES = r"(?:is|are|refers\s+to|means|denotes|describes)\b"
_SUBJECT_STOP = re.compile(
    r"^(?:this|that|it|these|those|there|here|which|what|he|she|we|you|they|one|each|every|all|some|any|such|"
    r"another|other|our|its|their|my|your|no|not|both|most|many|much|more|less|in|on|for|if|when|while|so|but|"
    r"because|thus|hence|also|then|first|second|finally|note|example|answer|yes|the\s+(?:answer|model|"
    r"result|idea|goal|key|main|problem|reason|difference|same|other|first|second|last|output|input))\b",
    re.I,
)
_OPENING = re.compile(
    rf"^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__)?(?:(?:an?|the)\s+)?(?P<term>[A-Za-z][^\s*_.,;:()]*(?:[ -][^\s*_.,;:()]+){{0,3}}?)"
    rf"(?:\*\*|__)?(?:\s*\((?P<acronym>[A-Z][A-Za-z0-9\-]{{1,9}})\))?,?\s+{_DEFINES}",
    re.I,
)
# A paragraph opening by defining its subject outright: "Batch normalization is a ...", "**PCA** refers to ...".
_PARAGRAPH_DEFINES = re.compile(
    r"[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?P<bold>\*\*|__)?(?:(?:an?|the)\s+)?"
    r"(?P<term>[A-Za-z][^\s*_.,;:()]*(?:[ -][^\s*_.,;:()]+){0,3}?)(?:\*\*|__)?"
    r"(?:\s*\((?P<acronym>[A-Z][A-Za-z0-9\-]{1,9})\))?,?\s+"
    r"(?:(?:is|are)\s+(?:a|an|the|one|any|when|how|what|used)\b|refers\s+to\b|means\b|denotes\b)",
    re.I,
)
# Words that never belong to a name (the subject "as data" of "as data is a ..." is no concept).
_FUNCTION_WORD = re.compile(
    r"\b(?:a|an|the|be|been|being|as|such|these|those|this|that|its|it|is|are|was|were|to|in|on|at|by|from|"
    r"with|than|then|so|very|also|more|most|less|each|every|any|all|some|not|no|can|could|will|would|should|"
    r"may|might|must|do|does|did|has|have|had|we|you|they|which|who|when|where|how|what|why|into|over|under|"
    r"after|before|about|between|but|or|if)\b", re.I)
_DEFINING_VERB = re.compile(r" (?:is|are|refers|means|denotes) ")
_PART_HEADING = re.compile(r"##[ \t][^\n]*?\{#([\w-]+)\}[ \t]*$", re.M)
_PARENTHESISED_ACRONYM = re.compile(r"\([A-Z][A-Za-z0-9\-]{1,9}\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[eE]\.g\.)(?<!\b[iI]\.e\.)(?<!\d\.)\s+(?=[A-Z$`(*_\"'])")
OPENING_CHARS = 400
_WHOLLY_BOLD = re.compile(r"^(?:\*\*|__)[^*_\n]+(?:\*\*|__)[.:]?$")


@dataclass(frozen=True)
class Finding:
    term: str  # as written: "curse of dimensionality", "autoencoders"
    kind: str  # "definition" | "topic" | "acronym" | "sentence"
    question: str  # the question's id, "<collection>/q3"
    anchor: str | None  # the part it is in ("part-a"), None for the page
    definition: str  # the Markdown that defines it (its first sentences), "" when none
    acronym: str = ""  # an acronym given with it: "PCA"


def asked_term(title: str) -> tuple[str, str] | None:
    """(term, acronym) a definition question asks about, or None: "What are autoencoders?" -> ("autoencoders", "")."""
    found = _ASKS.match(title)
    if not found:
        return None
    term = found.group("term").strip()
    acronym = _ACRONYM_AFTER.search(term)
    short = plain_acronym(acronym.group(1)) if acronym else ""
    term = term[: acronym.start()] if acronym else term
    for _ in range(2):
        term = _LEAD_IN.sub("", term).strip()
    term = _CONTEXT.sub("", term).strip(" ,;:'\"")
    return (term, short) if is_name(term) else None


def plain_acronym(short: str) -> str:
    """An acronym in the singular: "CNNs" -> "CNN"."""
    return short[:-1] if len(short) > 2 and short.endswith("s") and short[:-1].isupper() else short


def is_name(term: str) -> bool:
    """A short name of an idea, not a clause: at most MAX_WORDS words, no question word, verb or markup."""
    return bool(term) and len(term.split()) <= MAX_WORDS and bool(_NAME.match(term)) and not _NOT_ONE_TERM.search(term)


def sections(page: QuestionPage) -> list[tuple[str | None, str, str]]:
    """(anchor, title, Markdown body) of the page's opening and of each part, in page order."""
    body = page.body
    anchors = {p.anchor: p for p in page.parts}
    heads = []
    at = body.find("\n## ") if anchors else -1
    while at >= 0:  # str.find from heading to heading: a regex scan of every answer cost more than the rest
        match = _PART_HEADING.match(body, at + 1)
        if match and match.group(1) in anchors:
            heads.append((match, match.group(1)))
        at = body.find("\n## ", at + 1)
    start = re.match(r"(?:[ \t]*\n)*#[ \t].*$", body, re.M)
    out = [(None, page.title, body[start.end() if start else 0: heads[0][0].start() if heads else len(body)])]
    for i, (match, anchor) in enumerate(heads):
        end = heads[i + 1][0].start() if i + 1 < len(heads) else len(body)
        out.append((anchor, anchors[anchor].title, body[match.end(): end]))
    return out


def opening(markdown: str, sentences: int = 2) -> str:
    """The first paragraph of prose (headings, math, code, tables, quotes and the question restated
    skipped): its first sentences."""
    for block in re.split(r"\n[ \t]*\n", markdown):
        block = block.strip()
        if not block or block.startswith(("#", "$$", "```", "~~~", "|", "<", ">", "!!!", "???", "\\[", "{")):
            continue
        if block.rstrip("*_ ").endswith("?") or _WHOLLY_BOLD.match(block):  # a question, or a bold label
            continue
        lines = [line.strip() for line in block.splitlines()]
        text = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", " ".join(lines))
        if len(text.split()) < 3:
            continue
        parts = _SENTENCE_END.split(text)
        chosen = parts[0]
        for more in parts[1:sentences]:
            if len(chosen) + len(more) > OPENING_CHARS:
                break
            chosen += " " + more
        return chosen.strip()
    return ""


def _plural_free(term: str) -> str:
    return term.lower().rstrip("s")


def defines(sentence: str, term: str) -> bool:
    """Whether a sentence opens by defining `term` ("Dropout is ...", "An autoencoder is ...", "**PCA** is ...")."""
    found = _OPENING.match(sentence)
    if not found:
        return False
    said = re.sub(r"[\s\-]+", " ", found.group("term")).strip()
    want = re.sub(r"[\s\-]+", " ", term).strip()
    return _plural_free(said) == _plural_free(want) or (found.group("acronym") or "") == term


def find_terms(page: QuestionPage) -> list[Finding]:
    """Every finding of one question page, in page order (see the module docstring)."""
    found: list[Finding] = []
    for anchor, title, markdown in sections(page):
        asked = asked_term(title)
        if asked:
            found.append(Finding(asked[0], "definition", page.id, anchor, opening(markdown), asked[1]))
        elif (title.split(" ", 1)[0].lower() in markdown[:400].lower() and is_name(title)
              and defines(first := opening(markdown), title)):
            found.append(Finding(title, "topic", page.id, anchor, first))
    if "\n###" in page.body:  # a topic heading inside an answer: "### Dropout" and "Dropout is ..."
        for match in re.finditer(r"^#{3,6}[ \t]+(.+?)[ \t#]*$", page.body, re.M):
            title = re.sub(r"\s*\{[^}]*\}$", "", match.group(1)).strip(" *_:")
            after = opening(page.body[match.end(): match.end() + 2000].split("\n#", 1)[0])
            if is_name(title) and after and defines(after, title):
                found.append(Finding(title, "topic", page.id, None, after))
    if "(" in page.body and _PARENTHESISED_ACRONYM.search(page.body):
        text = prose_text(page.body)
        for long, short in acronym_definitions(page.body):
            sentence = _sentence_with(text, f"({short})")
            found.append(Finding(long, "acronym", page.id, None,
                                 sentence if defines(sentence, long) else "", plain_acronym(short)))
    for paragraph in page.body.split("\n\n"):  # one anchored match per paragraph: cheap where nothing is defined
        head = paragraph[:120]
        if not _DEFINING_VERB.search(head) or not (match := _PARAGRAPH_DEFINES.match(paragraph)):
            continue
        term = match.group("term")
        bold = match.group("bold") is not None
        words = term.lower().split()
        if (_SUBJECT_STOP.match(term) or not is_name(term) or _FUNCTION_WORD.search(term)
                or words[-1] in ("of", "and") or len(set(words)) < len(words)):
            continue
        if len(term.split()) >= 2 or match.group("acronym") or bold:
            found.append(Finding(term, "sentence", page.id, None, opening(paragraph),
                                 plain_acronym(match.group("acronym") or "")))
    return found


def _sentence_with(text: str, needle: str) -> str:
    at = text.find(needle)
    if at < 0:
        return ""
    start = max(text.rfind("\n", 0, at), text.rfind(". ", 0, at) + 1) + 1
    end = min((i for i in (text.find(". ", at), text.find("\n", at)) if i >= 0), default=len(text))
    return text[start: end + 1].strip()
