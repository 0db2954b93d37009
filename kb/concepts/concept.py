"""Concept pages: the dataclass, reading them from docs/concepts/, and finding their mentions.

A concept page is `docs/concepts/<slug>.md` with front matter `title`, `aliases`
(a list of other names: acronyms, spellings) and an optional `summary`; its body
is prose that people write. `ConceptMatcher` finds every name of every concept in
a text with one compiled pattern, so matching costs one pass per text however
many concepts there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.pages import PageError, split_front_matter
from kb.slugs import CONCEPTS_DIR, concept_path, slugify

INDEX_NAME = "index.md"
ALLOWED_KEYS = {"title", "aliases", "summary", "tags"}

# Characters that may join the words of a name: "KL-divergence", "bias–variance".
SEPARATORS = "\\s\\-\u2010\u2011\u2012\u2013\u2014"
_SEPARATOR_RUN = re.compile(f"[{SEPARATORS}]+")
_PLURAL = r"(?:'s|s|es)?"
# A name is a whole word: not glued to letters, digits, "_" or a hyphenated word.
_BEFORE = r"(?<![\w\-])"
_AFTER = r"(?!\w)(?!-\w)"


@dataclass(frozen=True)
class Definition:
    """A derived concept's definition: the opening of the answer that defines it."""

    text: str  # plain text, inline math and code kept: "Regularization is ..."
    question: str  # docs path of the question page it is quoted from
    anchor: str | None  # the part, or None for the page
    label: str  # "Q3. What is regularization?"


@dataclass(frozen=True)
class Concept:
    slug: str  # "kl-divergence", the file's stem
    title: str  # "KL divergence"
    aliases: tuple[str, ...]  # ("KL-divergence", "Kullback-Leibler divergence", "D_KL")
    summary: str  # one sentence, may be empty
    body: str  # the prose after the front matter
    path: str  # docs-relative: "concepts/kl-divergence.md"
    definition: Definition | None = None  # set for a derived concept (kb.concepts.derived), never for a written page

    @property
    def derived(self) -> bool:
        return self.definition is not None

    @property
    def names(self) -> tuple[str, ...]:
        """The title first, then the aliases."""
        return (self.title, *self.aliases)


def name_key(name: str) -> str:
    """How two names are compared: case, hyphens and spacing do not count."""
    return _SEPARATOR_RUN.sub(" ", name.strip()).lower()


def is_acronym(name: str) -> bool:
    """Names written in capitals ("ELBO", "MAP") match only in capitals, so "map" stays a word."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in name.strip()


_PLURAL_END = re.compile(r"[^\W\daiosuAIOSU_]s$")
_IRREGULAR = re.compile(r"(?:ices|yes)$", re.I)  # "matrices", "Bayes": no singular by dropping letters


def singular(name: str) -> str | None:
    """A name written in the plural, in the singular: "Attention weights" -> "Attention weight".

    Plurals of every name already match, so a title in the plural needs its singular to match too.
    Only a last word ending in a consonant (or "e") and "s": "bias", "loss" and "axis" stay as they are.
    """
    name = name.strip()
    if is_acronym(name) or not _PLURAL_END.search(name) or len(name.split()[-1]) < 4 or _IRREGULAR.search(name):
        return None
    return name[:-2] if re.search(r"(?:s|x|z|ch|sh)es$", name, re.I) else name[:-1]


def concept_from_text(text: str, path: str | Path) -> Concept:
    """Parse and validate one concept page; `path` is docs-relative or absolute."""
    path = Path(path)
    meta, body = split_front_matter(text, path)
    if not meta:
        raise PageError(path, "has no front matter (a concept needs at least 'title')")
    unknown = sorted(set(meta) - ALLOWED_KEYS)
    if unknown:
        raise PageError(path, f"is not a concept key (allowed: {', '.join(sorted(ALLOWED_KEYS))})", unknown[0])
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PageError(path, "is missing or empty" if title is None else "must be a non-empty string", "title")
    aliases = meta.get("aliases", [])
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list):
        raise PageError(path, f"must be a list of strings, got {type(aliases).__name__}", "aliases")
    for i, alias in enumerate(aliases):
        if not isinstance(alias, str) or not alias.strip():
            raise PageError(path, f"item {i} must be a non-empty string", "aliases")
    summary = meta.get("summary", "")
    if summary is None:
        summary = ""
    if not isinstance(summary, str):
        raise PageError(path, f"must be a string, got {type(summary).__name__}", "summary")
    slug = path.stem
    if slugify(slug) != slug:
        raise PageError(path, f"file name must be a slug (e.g. '{slugify(slug)}.md')")
    return Concept(
        slug=slug,
        title=title.strip(),
        aliases=tuple(a.strip() for a in aliases),
        summary=" ".join(summary.split()),
        body=body,
        path=concept_path(slug),
    )


def load_concepts(docs_dir: Path) -> list[Concept]:
    """Every concept page under docs_dir/concepts/, sorted by slug; the index page is not a concept."""
    folder = Path(docs_dir) / CONCEPTS_DIR
    if not folder.is_dir():
        return []
    return [
        concept_from_text(p.read_text(encoding="utf-8"), p)
        for p in sorted(folder.glob("*.md"))
        if p.name != INDEX_NAME
    ]


def duplicate_names(concepts: list[Concept]) -> dict[str, list[Concept]]:
    """Names (by `name_key`) claimed by more than one concept, with the concepts claiming them."""
    owners: dict[str, list[Concept]] = {}
    for concept in concepts:
        for key in dict.fromkeys(name_key(n) for n in concept.names):
            owners.setdefault(key, []).append(concept)
    return {key: found for key, found in sorted(owners.items()) if len(found) > 1}


_SEP = object()  # trie unit: a run of separators between two words
_END = ""  # trie key marking that a name ends here
# Between words: spaces, hyphens, dashes, or one line break (never a blank line).
_SEP_PATTERN = "(?:[ \\t\u00a0\\-\u2010-\u2014]|\\n(?![ \\t]*\\n))+"


def _units(name: str, fold: bool) -> list:
    units: list = []
    for i, word in enumerate(w for w in _SEPARATOR_RUN.split(name.strip()) if w):
        if i:
            units.append(_SEP)
        units.extend(word.lower() if fold else word)
    return units


def _trie_pattern(names: list[str], fold: bool) -> str:
    """One regex for many names, factored as a trie so each position tries a few branches only.

    A node where a name ends and longer names go on renders as `(?:...)?`:
    greedy, so the longest name is tried first and shorter ones on backtracking.
    """
    root: dict = {}
    for name in names:
        node = root
        for unit in _units(name, fold):
            node = node.setdefault(unit, {})
        node[_END] = {}

    def render(node: dict) -> str:
        branches = [
            (_SEP_PATTERN if unit is _SEP else re.escape(unit)) + render(child)
            for unit, child in sorted(
                ((u, c) for u, c in node.items() if u != _END), key=lambda item: (item[0] is _SEP, str(item[0]))
            )
        ]
        if not branches:
            return ""
        if len(branches) == 1 and _END not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if _END in node else group

    return render(root)


class ConceptMatcher:
    """Find concept names in text: one compiled pattern over every name of every concept.

    Matching is case-insensitive (acronyms excepted, see `is_acronym`), on word
    boundaries, accepts plurals ("CNNs", "biases") and hyphen/space variants
    ("KL-divergence" for "KL divergence"), a name in the plural also in the singular
    ("attention weight" for "Attention weights"), and the longest name at a position
    wins ("KL divergence" before "divergence", "attention weight" before
    "attention"). When two concepts claim a name, the first concept (by slug) keeps
    it; `duplicate_names` reports it.
    """

    def __init__(self, concepts: list[Concept]):
        self.concepts = {c.slug: c for c in sorted(concepts, key=lambda c: c.slug)}
        self._slug_by_key: dict[str, str] = {}
        self._slug_of_match: dict[str, str | None] = {}  # matched text -> slug_for(it); bounded by the names' spellings
        words, acronyms = set(), set()
        for concept in self.concepts.values():
            for name in concept.names:
                self._slug_by_key.setdefault(name_key(name), concept.slug)
                (acronyms if is_acronym(name) else words).add(name.strip())
        for concept in self.concepts.values():  # after every written name, which always comes first
            for name in concept.names:
                one = singular(name)
                if one and name_key(one) not in self._slug_by_key:
                    self._slug_by_key[name_key(one)] = concept.slug
                    (acronyms if is_acronym(one) else words).add(one)
        branches = []
        if words:
            branches.append("(?i:" + _trie_pattern(sorted(words), fold=True) + ")")
        if acronyms:
            branches.append("(?:" + _trie_pattern(sorted(acronyms), fold=False) + ")")
        self.pattern = re.compile(f"{_BEFORE}(?:{'|'.join(branches)}){_PLURAL}{_AFTER}") if branches else None

    def slug_for(self, name: str) -> str | None:
        """The concept a matched name (possibly plural) belongs to, or None."""
        key = name_key(name)
        candidates = [key]
        if key.endswith("'s"):
            candidates.append(key[:-2])
        if key.endswith("es"):
            candidates.append(key[:-2])
        if key.endswith("s"):
            candidates.append(key[:-1])
        for candidate in candidates:
            if candidate in self._slug_by_key:
                return self._slug_by_key[candidate]
        return None

    def finditer(self, text: str, start: int = 0, end: int | None = None):
        """Yield (start, end, slug) for every mention in text[start:end], left to right."""
        if self.pattern is None:
            return
        known = self._slug_of_match
        for match in self.pattern.finditer(text, start, len(text) if end is None else end):
            name = match.group(0)
            slug = known.get(name, False)
            if slug is False:  # a text names the same few concepts again and again: look each spelling up once
                slug = known[name] = self.slug_for(name)
            if slug is not None:
                yield match.start(), match.end(), slug

    def mentions(self, text: str) -> list[str]:
        """Slugs of the concepts named in text, in order of first mention.

        This looks at the text as given; `kb.concepts.links.page_mentions` skips code,
        math, headings and links in Markdown.
        """
        seen: dict[str, None] = {}
        for _, _, slug in self.finditer(text):
            seen.setdefault(slug)
        return list(seen)
