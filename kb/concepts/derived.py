"""Derived concepts: the concepts the answers define, found over the whole knowledge base.

`derive` puts the findings of `kb.concepts.finders` together across every question of
every collection: spellings, plurals and acronyms fold into one concept (its title the
spelled-out singular, the others aliases); a concept that a written page already has
(by slug, title or alias) is left to that page, which adopts it; a name in the
rejection list (`docs/concepts/rejected.yml`) is left out with its reason. What is
left becomes a concept whose definition is the defining answer's opening, when the
answers define it and at least `MIN_QUESTIONS` questions name it (a term found only in
sentences must recur in `MIN_RECURRING` questions of two collections). A one-word name
that most questions use ("model") is too common to mean the concept wherever it
appears, and is left out. The build makes a page of each (`kb.site.link_hooks`);
nothing is written into docs/.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from kb import yamlsafe
from kb.concepts.concept import Concept, ConceptMatcher, Definition, concept_from_text, is_acronym, name_key, singular
from kb.concepts.discovery import _title
from kb.concepts.finders import Finding, find_terms
from kb.concepts.listings import text_html
from kb.pages import PageError, QuestionPage, looks_like_question, question_from_text
from kb.plaintext import inline_text
from kb.slugs import CONCEPTS_DIR, concept_path, relative_url, slugify

REJECTED_FILE = f"{CONCEPTS_DIR}/rejected.yml"  # docs-relative
MIN_QUESTIONS = 2
MIN_RECURRING = 3
COMMON_SHARE = 0.3  # a one-word name in more than this share of the questions is a common word
_STRENGTH = {"definition": 0, "topic": 1, "acronym": 2, "sentence": 3}  # which finding's definition is quoted


@dataclass(frozen=True)
class Outcome:
    """What became of one candidate: "derived", or why not ("rejected: ...", "adopted", ...)."""

    title: str
    aliases: tuple[str, ...]
    slug: str
    status: str  # "derived" | "rejected" | "adopted" | "no definition" | "too few questions" | "too common"
    reason: str  # for --check: "defined in Q3 (What is regularization?); named in 4 questions"
    questions: tuple[str, ...] = ()  # ids of the questions naming it
    concept: Concept | None = None  # the derived concept, when status is "derived"


@dataclass
class _Group:
    names: dict[str, str] = field(default_factory=dict)  # name_key -> name as first written
    findings: list[Finding] = field(default_factory=list)


def load_rejections(docs_dir: Path) -> dict[str, tuple[str, str]]:
    """name_key -> (name, reason) from docs_dir/concepts/rejected.yml; a bad file is a PageError."""
    path = Path(docs_dir) / REJECTED_FILE
    if not path.is_file():
        return {}
    return parse_rejections(path.read_text(encoding="utf-8"), path)


def parse_rejections(text: str, path: str | Path = REJECTED_FILE) -> dict[str, tuple[str, str]]:
    """The rejection list: a mapping of candidate name to the reason it is not a concept."""
    try:
        data = yamlsafe.load(text) or {}
    except (yamlsafe.YAMLRefused, yaml.YAMLError) as exc:
        raise PageError(path, f"is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise PageError(path, "must be a mapping of candidate name to the reason it is rejected")
    out = {}
    for name, reason in data.items():
        if not isinstance(name, str) or not name.strip() or not isinstance(reason, str) or not reason.strip():
            raise PageError(path, f"entry {name!r} needs a name and a reason (name: reason)")
        for key in _keys(name):
            out.setdefault(key, (name.strip(), " ".join(reason.split())))
    return out


def _keys(name: str) -> list[str]:
    one = singular(name)
    return list(dict.fromkeys([name_key(name)] + ([name_key(one)] if one else [])))


def derive(
    questions: Iterable[tuple[str, QuestionPage]],
    concepts: list[Concept],
    rejected: dict[str, tuple[str, str]] | None = None,
) -> list[Outcome]:
    """Every candidate's outcome, sorted by slug; `questions` are (docs path, page) of every question."""
    questions = sorted(questions, key=lambda item: (item[1].collection, item[1].question, item[0]))
    rejected = rejected or {}
    written = ConceptMatcher(concepts)
    written_slugs = {c.slug for c in concepts}
    groups = _group([f for _, page in questions for f in find_terms(page)])
    paths = {page.id: path for path, page in questions}
    titles = {page.id: page for _, page in questions}
    outcomes: list[Outcome] = []
    live: list[tuple[_Group, str, tuple[str, ...], str]] = []
    for group in groups:
        title, aliases = _naming(group)
        slug = slugify(title)
        names = (title, *aliases)
        if not slug:
            continue
        known = next((n for n in names if written.slug_for(n)), None)
        if slug in written_slugs or known:
            page = concept_path(slug if slug in written_slugs else written.slug_for(known))
            outcomes.append(Outcome(title, aliases, slug, "adopted", f"docs/{page} has it"))
            continue
        hit = next((rejected[k] for n in names for k in _keys(n) if k in rejected), None)
        if hit:
            outcomes.append(Outcome(title, aliases, slug, "rejected", f"{REJECTED_FILE}: {hit[0]}: {hit[1]}"))
            continue
        live.append((group, title, aliases, slug))
    candidates = [Concept(slug, title, aliases, "", "", concept_path(slug)) for _, title, aliases, slug in live]
    naming = _naming_questions(questions, candidates)
    total = max(len(questions), 1)
    for (group, title, aliases, slug), candidate in zip(live, candidates):
        named = naming.get(slug, ())
        collections = {q.split("/", 1)[0] for q in named}
        defining = sorted((f for f in group.findings if f.definition), key=lambda f: _STRENGTH[f.kind])
        strong = any(f.kind != "sentence" for f in group.findings)
        out = lambda status, reason, concept=None: Outcome(title, aliases, slug, status, reason, named, concept)  # noqa: E731
        if not defining:
            outcomes.append(out("no definition", f"{_found(group)}; no answer defines it"))
        elif len(named) < MIN_QUESTIONS or (not strong and (len(named) < MIN_RECURRING or len(collections) < 2)):
            outcomes.append(out("too few questions", f"{_found(group)}; named in {len(named)} question(s) "
                                f"of {len(collections)} collection(s)"))
        elif " " not in title and not is_acronym(title) and len(named) / total > COMMON_SHARE and len(named) > 10:
            outcomes.append(out("too common", f"a common word: named in {len(named)} of {total} questions"))
        else:
            best = defining[0]
            source = titles[best.question]
            definition = Definition(_quote(best.definition), paths[best.question], best.anchor,
                                    f"Q{source.question}. {source.title}")
            concept = Concept(slug, title, aliases, "", "", concept_path(slug), definition)
            concept = Concept(slug, title, aliases, "", derived_body(concept), concept_path(slug), definition)
            outcomes.append(out("derived", f"{_found(group)}; named in {len(named)} questions", concept))
    return sorted(outcomes, key=lambda o: (o.slug, o.status))


def derived_concepts(outcomes: Iterable[Outcome]) -> list[Concept]:
    return [o.concept for o in outcomes if o.concept is not None]


def _group(findings: list[Finding]) -> list[_Group]:
    """Findings whose names share a key (case, hyphens, plural, acronym) as one group, in first-found order."""
    groups: list[_Group] = []
    by_key: dict[str, _Group] = {}
    for finding in findings:
        names = [finding.term] + ([finding.acronym] if finding.acronym else [])
        keys = [k for n in names for k in _keys(n)]
        found = list(dict.fromkeys(id(by_key[k]) for k in keys if k in by_key))
        if not found:
            group = _Group()
            groups.append(group)
        else:
            group = next(g for g in groups if id(g) == found[0])
            for other in [g for g in groups if id(g) in found[1:]]:  # two groups met through an acronym: merge
                group.findings += other.findings
                for key, name in other.names.items():
                    group.names.setdefault(key, name)
                    by_key[key] = group
                groups.remove(other)
        group.findings.append(finding)
        for name in names:
            group.names.setdefault(name_key(name), name)
        for key in keys:
            by_key[key] = group
    return groups


def _naming(group: _Group) -> tuple[str, tuple[str, ...]]:
    """The title (a spelled-out name in the singular, sentence case) and the other spellings as aliases."""
    names = list(group.names.values())
    words = [n for n in names if not is_acronym(n)] or names
    strongest = min(group.findings, key=lambda f: _STRENGTH[f.kind]).term
    first = strongest if strongest in words else words[0]
    one = singular(first) if " of " not in first else None  # "law of large numbers" is one law
    title = _title(one or first, False) if not is_acronym(first) else first
    aliases, seen = [], set(_keys(title))
    for name in names:
        keys = _keys(name)
        if not seen.intersection(keys):
            aliases.append(name)
            seen.update(keys)
    return title, tuple(aliases)


def _naming_questions(questions: list[tuple[str, QuestionPage]], candidates: list[Concept]) -> dict[str, tuple[str, ...]]:
    """slug -> ids of the questions whose page (title or body) names the candidate."""
    if not candidates:
        return {}
    matcher = ConceptMatcher(candidates)
    named: dict[str, list[str]] = {}
    for _, page in questions:
        for slug in matcher.mentions(page.title + "\n" + page.body):
            named.setdefault(slug, []).append(page.id)
    return {slug: tuple(ids) for slug, ids in named.items()}


def _found(group: _Group) -> str:
    kinds = {"definition": "asked", "topic": "a topic", "acronym": "spelled out", "sentence": "defined"}
    seen = list(dict.fromkeys((f.kind, f.question) for f in group.findings))
    said = ", ".join(f"{kinds[k]} in {_short(q)}" for k, q in seen[:3])
    return said + (f" (+{len(seen) - 3})" if len(seen) > 3 else "")


def _short(question_id: str) -> str:
    collection, _, number = question_id.rpartition("/q")
    return f"{collection} Q{number}"


def _quote(markdown: str) -> str:
    """The defining Markdown as plain text (math and code kept), one line."""
    return " ".join(inline_text(markdown, code_marks=True).split())


# ---- the derived page ----------------------------------------------------------------

def derived_body(concept: Concept) -> str:
    """The page's Markdown: the title, a note that it is derived, the definition quoted with its question.

    The quote is HTML made here from plain text, every character of the answer escaped: an answer's
    markup reaches the page as the characters typed.
    """
    d = concept.definition
    href = relative_url(concept.path, d.question, d.anchor)
    aliases = f" Also called: {html.escape(', '.join(concept.aliases))}." if concept.aliases else ""
    return (
        f"# {html.escape(concept.title)}\n\n"
        f'<blockquote class="kb-definition"><p>{text_html(d.text)}</p>\n'
        f'<p class="kb-definition-source">— from <a href="{html.escape(href)}">{text_html(d.label)}</a></p>'
        f"</blockquote>\n\n"
        f'<p class="kb-derived-note"><em>A derived concept: found in the answers, not written by a contributor.'
        f"{aliases} To adopt it, write <code>docs/{concept.path}</code>; to reject it, add it to "
        f"<code>docs/{REJECTED_FILE}</code> with the reason.</em></p>\n"
    )


def derived_page(concept: Concept) -> str:
    """The whole file MkDocs is given for a derived concept: front matter, then `derived_body`."""
    meta = {"title": concept.title, "derived": True}
    return f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)}---\n{concept.body}"


def question_pages(pages: Iterable[tuple[str, str]]) -> list[tuple[str, QuestionPage]]:
    """(path, page) of the question pages among (docs path, file text); a page that cannot be read is skipped
    (the linker reports it)."""
    out = []
    for path, text in pages:
        if looks_like_question(text):
            try:
                out.append((path, question_from_text(text, path)))
            except PageError:
                continue
    return out


def link_site(pages: list[tuple[str, str]], docs_dir: Path) -> tuple["Linker", list[Concept]]:
    """The build's linker over `pages` with the derived concepts, and those concepts (their pages to add).

    A derived concept that, once linked, fewer than `MIN_QUESTIONS` questions link (its names found
    only in code or math, say) is dropped and the pages linked again without it.
    """
    from kb.concepts.linker import Linker, is_concept_path  # the linker knows nothing of derived concepts

    written = []
    for path, text in pages:
        if is_concept_path(path):
            try:
                written.append(concept_from_text(text, path))
            except PageError:
                continue  # the linker reports it
    made = derived_concepts(derive(question_pages(pages), written, load_rejections(docs_dir)))
    while True:
        linker = Linker.from_pages(pages + [(c.path, derived_page(c)) for c in made], made)
        kept = [c for c in made if linker.graph.question_count(c.slug) >= MIN_QUESTIONS]
        if len(kept) == len(made):
            return linker, made
        made = kept
