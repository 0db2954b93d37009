"""The concept graph: which question parts mention which concepts, and what follows from it.

Pages store only what they mention (`kb.concepts.links.Mention`); backlinks, related
questions and related concepts are derived here on every build, and so are the
checks (duplicate names, concepts nobody mentions, wikilinks to nothing).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from kb.concepts import related
from kb.concepts.concept import Concept, duplicate_names, name_key
from kb.concepts.links import LinkedPage, Mention, WikiLink

RELATED_QUESTIONS = 5
RELATED_CONCEPTS = 8


@dataclass(frozen=True)
class QuestionRef:
    path: str  # docs-relative Markdown path
    id: str  # "<collection>/q9"
    collection: str
    number: int
    title: str
    parts: tuple[tuple[str, str], ...]  # (anchor, label) of each part

    @property
    def label(self) -> str:
        return f"Q{self.number}. {self.title}"

    def part_label(self, anchor: str) -> str | None:
        return next((f"Part ({label})" for a, label in self.parts if a == anchor), None)


@dataclass(frozen=True)
class Problem:
    """A content problem for the build log; `level` is "warning" (fails --strict) or "info"."""

    level: str
    file: str  # docs-relative path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Graph:
    concepts: dict[str, Concept]  # by slug, sorted by slug
    questions: dict[str, QuestionRef]  # by path, in (collection, number) order
    question_mentions: dict[str, tuple[Mention, ...]]  # by question path
    concept_mentions: dict[str, tuple[str, ...]]  # concept slug -> concepts its page mentions
    # Derived indexes, both ways, so every listing is a lookup rather than a scan of all pages.
    by_question: dict[str, tuple[str, ...]] = field(default_factory=dict)  # path -> slugs, first-mention order
    by_concept: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slug -> question paths, in order

    def concepts_of(self, path: str) -> list[str]:
        """Concepts a question mentions, in first-mention order."""
        return list(self.by_question.get(path, ()))

    def discussed(self, slug: str) -> list[tuple[QuestionRef, list[Mention]]]:
        """Where a concept is discussed: each question with its first mention in each section."""
        return [
            (self.questions[path], [m for m in self.question_mentions[path] if m.slug == slug])
            for path in self.by_concept.get(slug, ())
        ]

    def related_questions(self, path: str, limit: int = RELATED_QUESTIONS) -> list[tuple[QuestionRef, list[str]]]:
        """Other questions ranked by how many concepts they share with this one (the shared ones listed)."""
        if limit == RELATED_QUESTIONS:
            best = self.related_paths.get(path, [])
        else:
            best = related.all_related(list(self.questions), self.by_question, limit).get(path, [])
        mine = self.by_question.get(path, ())
        return [(self.questions[other], [s for s in mine if s in self.concept_sets[other]]) for other in best]

    @cached_property
    def related_paths(self) -> dict[str, list[str]]:
        """Every question's related questions, computed once for the whole build (see kb.concepts.related)."""
        return related.all_related(list(self.questions), self.by_question, RELATED_QUESTIONS)

    @cached_property
    def named_by(self) -> dict[str, set[str]]:
        """Concept slug -> the concepts whose pages name it."""
        found: dict[str, set[str]] = {}
        for source, named in self.concept_mentions.items():
            for slug in named:
                found.setdefault(slug, set()).add(source)
        return found

    @cached_property
    def concept_sets(self) -> dict[str, frozenset[str]]:
        return {path: frozenset(slugs) for path, slugs in self.by_question.items()}

    def related_concepts(self, slug: str, limit: int = RELATED_CONCEPTS) -> list[tuple[str, str]]:
        """Concepts that appear in the same questions, or that link to or from this page, with the reason."""
        together: Counter[str] = Counter()
        for path in self.by_concept.get(slug, ()):
            together.update(s for s in self.by_question[path] if s != slug)
        links_to = set(self.concept_mentions.get(slug, ())) - {slug}
        links_from = self.named_by.get(slug, set()) - {slug}
        ranked = []
        for other in set(together) | links_to | links_from:
            reasons = []
            if together[other]:
                n = together[other]
                reasons.append(f"together in {n} question{'s' if n > 1 else ''}")
            if other in links_to:
                reasons.append("named on this page")
            elif other in links_from:
                reasons.append("its page names this concept")
            score = together[other] * 2 + (other in links_to) + (other in links_from)
            ranked.append((-score, other, "; ".join(reasons)))
        return [(other, reason) for _, other, reason in sorted(ranked)[:limit]]

    def question_count(self, slug: str) -> int:
        return len(self.by_concept.get(slug, ()))

    @cached_property
    def order(self) -> dict[str, int]:
        return {path: i for i, path in enumerate(self.questions)}


def build_graph(
    concepts: list[Concept],
    questions: list[QuestionRef],
    linked: dict[str, LinkedPage],
) -> Graph:
    """Put the pages' own mentions together; `linked` maps docs paths to `link_markdown` results."""
    ordered = sorted(questions, key=lambda q: (q.collection, q.number, q.path))
    by_path = {c.path: c.slug for c in concepts}
    question_mentions = {q.path: linked[q.path].mentions for q in ordered if q.path in linked}
    by_question = {path: tuple(dict.fromkeys(m.slug for m in found)) for path, found in question_mentions.items()}
    by_concept: dict[str, list[str]] = {}
    for path, slugs in by_question.items():
        for slug in slugs:
            by_concept.setdefault(slug, []).append(path)
    return Graph(
        concepts={c.slug: c for c in sorted(concepts, key=lambda c: c.slug)},
        questions={q.path: q for q in ordered},
        question_mentions=question_mentions,
        concept_mentions={
            by_path[path]: tuple(dict.fromkeys(m.slug for m in page.mentions))
            for path, page in sorted(linked.items())
            if path in by_path
        },
        by_question=by_question,
        by_concept={slug: tuple(paths) for slug, paths in by_concept.items()},
    )


def name_line(text: str, name: str) -> int:
    """The line of a concept file's front matter that declares `name` (1 when not found)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == "---" and number > 1:
            break
        if name in line:
            return number
    return 1


def check(
    graph: Graph,
    sources: dict[str, str],
    wikilinks: dict[str, tuple[WikiLink, ...]],
    line_offsets: dict[str, int] | None = None,
) -> list[Problem]:
    """Content problems, in a stable order.

    `sources` maps concept paths to their file text (to find the line of an alias),
    `wikilinks` maps every page to its wikilinks, and `line_offsets` gives how many
    lines of front matter precede each page's Markdown.
    """
    problems = []
    offsets = line_offsets or {}
    for key, owners in duplicate_names(list(graph.concepts.values())).items():
        first = owners[0]
        for other in owners[1:]:
            name = next(n for n in other.names if _same(n, key))
            problems.append(Problem(
                "warning", other.path, name_line(sources.get(other.path, ""), name),
                f"concept name '{name}' is also claimed by {first.path} "
                f"(line {name_line(sources.get(first.path, ''), next(n for n in first.names if _same(n, key)))}); "
                f"links use {first.path}",
            ))
    for slug, concept in graph.concepts.items():
        if not graph.question_count(slug):
            problems.append(Problem(
                "info", concept.path, name_line(sources.get(concept.path, ""), "title:"),
                f"concept '{concept.title}' is not mentioned by any question page "
                f"(add an alias that the answers use, or link it with [[{concept.title}]])",
            ))
    for path in sorted(wikilinks):
        for link in wikilinks[path]:
            if link.slug is None:
                problems.append(Problem(
                    "warning", path, link.line + offsets.get(path, 0),
                    f"wikilink [[{link.target}]] names no concept (no concept page has this title, alias or slug)",
                ))
    return problems


def _same(name: str, key: str) -> bool:
    return name_key(name) == key
