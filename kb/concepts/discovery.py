"""Candidate concepts in question pages, for a person to accept: nothing is written unless asked.

Two signals: acronyms defined in the text ("Evidence Lower Bound (ELBO)",
found with the Schwartz–Hearst rule that the letters of the short form appear
in order in the long form, the first at the start of a word), and bold terms
that recur in several questions. Names that an existing concept already
claims are left out. `write_concept_stubs` writes pages for the candidates it
is given, never over an existing page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from kb.concepts.concept import Concept, ConceptMatcher, name_key
from kb.concepts.links import prose_text
from kb.pages import QuestionPage
from kb.slugs import concept_path, slugify

_PARENTHESIS = re.compile(r"\(([A-Za-z][A-Za-z0-9\-]{1,9})\)")
_BOLD = re.compile(r"\*\*([^*\n]{3,60}?)\*\*|__([^_\n]{3,60}?)__")
_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|\([a-z0-9]+\)|[a-z][.)])\s*", re.I)
# Bold that labels a list item or says something, rather than naming an idea.
_NOT_A_TERM = re.compile(r"[?$`=<>]|\b(?:is|are|was|were|does|do|not|no|why|how|what|the|a|an|of)\b", re.I)
MAX_TERM_WORDS = 4


@dataclass(frozen=True)
class Candidate:
    title: str  # "Evidence lower bound"
    aliases: tuple[str, ...]  # ("ELBO",)
    slug: str
    reason: str  # "acronym defined in Q9", "bold in Q3, Q6"
    questions: tuple[str, ...]  # ids of the questions where it was found

    @property
    def path(self) -> str:
        return concept_path(self.slug)


def long_form(short: str, words_before: str) -> str | None:
    """The long form that `short` abbreviates at the end of `words_before`, or None (Schwartz–Hearst)."""
    if short.endswith("s") and short[:-1].isupper():
        short = short[:-1]
    if sum(c.isupper() for c in short) < 2 or not short[0].isalnum():
        return None
    words = words_before.split()
    text = " ".join(words[-min(len(short) + 5, len(short) * 2):])
    s, pos = len(short) - 1, len(text) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while pos >= 0 and (text[pos].lower() != ch or (s == 0 and pos > 0 and text[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return None
        pos -= 1
        s -= 1
    found = text[text.rfind(" ", 0, pos + 1) + 1:].strip(" ,;:*_")
    if not found or len(re.split(r"[\s-]+", found)) < 2 or found.lower().startswith(("the ", "a ", "an ")):
        return None
    return found


def acronym_definitions(markdown: str) -> list[tuple[str, str]]:
    """(long form, acronym) for each "Long Form (LF)" in the prose of a page, in order."""
    text = prose_text(markdown).replace("**", "").replace("__", "")
    found = []
    for match in _PARENTHESIS.finditer(text):
        line_start = max(text.rfind("\n", 0, match.start()), text.rfind(". ", 0, match.start()) + 1)
        long = long_form(match.group(1), text[line_start + 1: match.start()])
        if long:
            found.append((long, match.group(1)))
    return found


def bold_terms(markdown: str) -> list[str]:
    """Short bold phrases in the prose of a page that look like names of ideas."""
    terms = []
    for match in _BOLD.finditer(prose_text(markdown)):
        term = _NUMBERING.sub("", match.group(1) or match.group(2)).strip(" :.,;")
        if term and len(term.split()) <= MAX_TERM_WORDS and not _NOT_A_TERM.search(term) and term[0].isalpha():
            terms.append(term)
    return terms


def _title(text: str, plural: bool) -> str:
    words = text.split()
    if plural and words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    words = [w if i == 0 or w.isupper() or not w[:1].isupper() else w.lower() for i, w in enumerate(words)]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def suggest_concepts(questions: Iterable[QuestionPage], concepts: list[Concept], min_questions: int = 2) -> list[Candidate]:
    """Candidates from acronym definitions (any question) and bold terms (in `min_questions` or more)."""
    matcher = ConceptMatcher(concepts)
    known = lambda name: matcher.slug_for(name) is not None  # noqa: E731
    acronyms: dict[str, tuple[str, str, list[str]]] = {}
    bold: dict[str, tuple[str, list[str]]] = {}
    for question in sorted(questions, key=lambda q: (q.collection, q.question)):
        for long, short in acronym_definitions(question.body):
            key = name_key(_title(long, short.endswith("s") and short[:-1].isupper()))
            title, acro, ids = acronyms.setdefault(key, (long, short, []))
            if question.id not in ids:
                ids.append(question.id)
        for term in bold_terms(question.body):
            key = name_key(term).removesuffix("s")
            shown, ids = bold.setdefault(key, (term, []))
            if question.id not in ids:
                ids.append(question.id)
    label = lambda ids: ", ".join(f"Q{i.rsplit('/q', 1)[-1]}" for i in ids)  # noqa: E731
    found: dict[str, Candidate] = {}
    for long, short, ids in acronyms.values():
        plural = short.endswith("s") and short[:-1].isupper()
        title, acronym = _title(long, plural), short[:-1] if plural else short
        if known(title) or known(acronym) or known(long):
            continue
        found.setdefault(slugify(title), Candidate(title, (acronym,), slugify(title), f"acronym defined in {label(ids)}", tuple(ids)))
    for shown, ids in bold.values():
        title = _title(shown, False)
        if len(ids) < min_questions or known(shown) or slugify(title) in found or matcher.mentions(shown):
            continue
        found[slugify(title)] = Candidate(title, (), slugify(title), f"bold in {label(ids)}", tuple(ids))
    return [found[slug] for slug in sorted(found)]


def render_stub(candidate: Candidate) -> str:
    """A concept page for a person to finish: front matter, a heading, and a note saying where it came from."""
    meta = {"title": candidate.title, "aliases": list(candidate.aliases), "summary": ""}
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return (
        f"---\n{dumped}---\n# {candidate.title}\n\n"
        f"*Stub suggested by the importer ({candidate.reason}). "
        f"Write a short definition for a student and a one-sentence summary.*\n"
    )


def write_concept_stubs(candidates: Iterable[Candidate], docs_dir: Path) -> list[Path]:
    """Write a stub page per candidate under docs_dir/concepts/; existing pages are never overwritten."""
    written = []
    for candidate in candidates:
        target = Path(docs_dir) / candidate.path
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_stub(candidate), encoding="utf-8")
        written.append(target)
    return written
