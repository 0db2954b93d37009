"""The linking stage of the build: every page's Markdown in; linked Markdown, listings and problems out.

`Linker.from_pages` reads all pages once (concepts first, then every page is
linked and its mentions recorded), derives the graph, and runs the checks, so
that a page rendered later can list what other pages say. `link` gives a
page's Markdown with its links as markers, `expand` turns the markers into
`<a>` links in the page's HTML, and `listing` is the HTML that ends the built
page; files on disk are never touched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable

from kb.concepts import listings
from kb.concepts.concept import INDEX_NAME, Concept, ConceptMatcher, concept_from_text
from kb.concepts.graph import Graph, Problem, QuestionRef, build_graph, check
from kb.concepts.links import LinkedPage, expand_markers, link_markdown
from kb.pages import PageError, is_question_file, looks_like_question, question_from_text, split_front_matter
from kb.slugs import CONCEPTS_DIR

CONCEPTS_INDEX = f"{CONCEPTS_DIR}/{INDEX_NAME}"


def is_concept_path(path: str) -> bool:
    return path.startswith(f"{CONCEPTS_DIR}/") and path.count("/") == 1 and path != CONCEPTS_INDEX


@dataclass
class Linker:
    matcher: ConceptMatcher
    graph: Graph
    bodies: dict[str, str]  # path -> Markdown after the front matter, as linked
    linked: dict[str, LinkedPage]
    kinds: dict[str, str]  # path -> "question" | "concept" | "other"
    problems: list[Problem]
    seconds: float
    _listings: dict = field(default_factory=dict, repr=False)
    # What `without` needs to check again: concept files' text, front matter line counts, read problems.
    _sources: dict = field(default_factory=dict, repr=False)
    _offsets: dict = field(default_factory=dict, repr=False)
    _read_problems: list = field(default_factory=list, repr=False)

    @classmethod
    def from_pages(cls, pages: Iterable[tuple[str, str]], derived: Iterable[Concept] = ()) -> "Linker":
        """`pages` are (docs-relative path, file text) of every Markdown page of the site; `derived` are the
        concepts of `kb.concepts.derived`, whose pages (among `pages`) the build made."""
        started = time.perf_counter()
        pages = sorted(pages)
        problems: list[Problem] = []
        concepts: list[Concept] = list(derived)
        sources: dict[str, str] = {}
        made = {c.path for c in concepts}
        for path, text in pages:
            if is_concept_path(path) and path not in made:
                try:
                    concepts.append(concept_from_text(text, path))
                    sources[path] = text
                except PageError as exc:
                    problems.append(Problem("warning", path, 1, str(exc).removeprefix(f"{path}: ")))
        matcher = ConceptMatcher(concepts)
        by_path = {c.path: c for c in concepts}
        questions, bodies, offsets, kinds, linked = [], {}, {}, {}, {}
        for path, text in pages:
            try:
                kind, body, question = _read(path, text, by_path.get(path))
            except PageError as exc:  # the page is left as it is, unlinked
                problems.append(Problem("warning", path, 1, str(exc).removeprefix(f"{path}: ")))
                continue
            if question is not None:
                questions.append(question)
            body = body.lstrip("\n")  # as MkDocs hands it to on_page_markdown
            offsets[path] = text[: len(text) - len(body)].count("\n")
            kinds[path], bodies[path] = kind, body
            if kind != "other" or "[[" in body:
                linked[path] = _link(body, path, kind, matcher)
        graph = build_graph(concepts, questions, linked)
        wikilinks = {path: page.wikilinks for path, page in linked.items() if page.wikilinks}
        checked = check(graph, sources, wikilinks, offsets)
        return cls(matcher, graph, bodies, linked, kinds, problems + checked, time.perf_counter() - started,
                   _sources=sources, _offsets=offsets, _read_problems=problems)

    def without(self, slugs: set[str]) -> "Linker":
        """This linker with the (derived) concepts `slugs` gone: their pages dropped, and only the pages
        that named them linked again, since a name changes the links only where it matched."""
        started = time.perf_counter()
        gone = {self.matcher.concepts[slug].path for slug in slugs}
        concepts = [c for slug, c in self.matcher.concepts.items() if slug not in slugs]
        matcher = ConceptMatcher(concepts)
        linked = {}
        for path, page in self.linked.items():
            if path in gone:
                continue
            if any(m.slug in slugs for m in page.mentions) or any(w.slug in slugs for w in page.wikilinks):
                page = _link(self.bodies[path], path, self.kinds[path], matcher)
            linked[path] = page
        graph = build_graph(concepts, list(self.graph.questions.values()), linked)
        wikilinks = {path: page.wikilinks for path, page in linked.items() if page.wikilinks}
        problems = self._read_problems + check(graph, self._sources, wikilinks, self._offsets)
        kept = lambda d: {path: value for path, value in d.items() if path not in gone}  # noqa: E731
        return Linker(matcher, graph, kept(self.bodies), linked, kept(self.kinds), problems,
                      self.seconds + time.perf_counter() - started,
                      _sources=self._sources, _offsets=self._offsets, _read_problems=self._read_problems)

    def link(self, path: str, markdown: str) -> str:
        """A page's Markdown with its concept links (and wikilinks) as markers; `expand` makes them links."""
        if path in self.linked and markdown == self.bodies.get(path):
            return self.linked[path].markdown
        kind = self.kinds.get(path, "other")
        if kind != "other" or "[[" in markdown:
            return _link(markdown, path, kind, self.matcher).markdown
        return markdown

    def expand(self, path: str, html: str) -> str:
        """The page's HTML with the markers of `link` turned into `<a>` links."""
        return expand_markers(html, path, self.matcher)

    def listing(self, path: str) -> tuple[str, list[tuple[str, str]]]:
        """The HTML to append to a built page, and (title, anchor) of the headings it adds."""
        if path not in self._listings:
            self._listings[path] = self._make_listing(path)
        return self._listings[path]

    def _make_listing(self, path: str) -> tuple[str, list[tuple[str, str]]]:
        kind = self.kinds.get(path, "other")
        if kind == "question":
            block, headings = listings.question_footer(self.graph, path), listings.QUESTION_HEADINGS
        elif kind == "concept":
            block, headings = listings.concept_footer(self.graph, self.graph_slug(path)), listings.CONCEPT_HEADINGS
        elif path == CONCEPTS_INDEX:
            return listings.concepts_index(self.graph, path), listings.index_headings(self.graph)
        else:
            return "", []
        return block, [h for h in headings if f'id="{h[1]}"' in block]

    def render(self, path: str, markdown: str) -> str:
        """Markdown with links, then the listing's HTML (what the site shows, for tests and benchmarks)."""
        block, _ = self.listing(path)
        linked = self.expand(path, self.link(path, markdown))
        return linked.rstrip("\n") + "\n\n" + block + "\n" if block else linked

    def graph_slug(self, path: str) -> str:
        return next(s for s, c in self.graph.concepts.items() if c.path == path)

    def summary(self) -> str:
        mentions = sum(len(m) for m in self.graph.question_mentions.values())
        return (
            f"concept links: {len(self.graph.concepts)} concepts, {len(self.graph.questions)} questions, "
            f"{mentions} mentions, {sum(p.level == 'warning' for p in self.problems)} warnings "
            f"in {self.seconds * 1000:.0f} ms"
        )


def _read(path: str, text: str, concept: Concept | None) -> tuple[str, str, QuestionRef | None]:
    """(kind, body, question) of one page, its front matter parsed once."""
    if concept is not None:
        return "concept", concept.body, None
    if not looks_like_question(text):
        meta, body = split_front_matter(text, path)
        if not is_question_file(meta):
            return "other", body, None
    page = question_from_text(text, path)  # parses and validates the front matter
    parts = tuple((p.anchor, p.label) for p in page.parts)
    return "question", page.body, QuestionRef(path, page.id, page.collection, page.question, page.title, parts)


def _link(markdown: str, path: str, kind: str, matcher: ConceptMatcher, markers: bool = True) -> LinkedPage:
    self_slug = path.rsplit("/", 1)[-1][:-3] if kind == "concept" else None
    return link_markdown(markdown, path, matcher, autolink=kind in ("question", "concept"), self_slug=self_slug,
                         markers=markers)
