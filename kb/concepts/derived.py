"""Derived concepts: the concepts the answers define, found over the whole knowledge base.

`derive` puts the findings of `kb.concepts.finders` together across every question of
every collection: spellings, plurals and acronyms fold into one concept (its title the
spelled-out singular, the others aliases); a concept that a written page already has
(by slug, title or alias) is left to that page, which adopts it; a name in the
rejection list (`docs/concepts/rejected.yml`) is left out with its reason. What is
left becomes a concept whose definition is the defining answer's opening, when the
answers define it and at least `MIN_QUESTIONS` questions name it (a term found only in
sentences must recur in `MIN_RECURRING` questions of two collections, and be a phrase
rather than words that chance puts together: `_together`). A one-word name
that most questions use ("model") is too common to mean the concept wherever it
appears, and is left out. The build makes a page of each (`kb.site.link_hooks`);
nothing is written into docs/.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from kb import yamlsafe
from kb.concepts.concept import (Concept, ConceptMatcher, Definition, concept_from_text, is_acronym, load_concepts,
                                 name_key, singular)
from kb.concepts.discovery import _title
from kb.concepts.finders import Finding, find_terms
from kb.concepts.listings import text_html
from kb.pages import PageError, QuestionPage, looks_like_question, question_from_text
from kb.plaintext import inline_text
from kb.slugs import CONCEPTS_DIR, QUESTIONS_DIR, concept_path, question_path, relative_url, slugify

REJECTED_FILE = f"{CONCEPTS_DIR}/rejected.yml"  # docs-relative
MIN_QUESTIONS = 2
MIN_RECURRING = 3
COMMON_SHARE = 0.3  # a one-word name in more than this share of the questions (and 10 of them) is a common word
PHRASE_SAMPLE = 2000
COLLOCATION = 0.5  # a name found only in sentences: its rarest word comes with the rest at least this often
_STRENGTH = {"definition": 0, "topic": 1, "acronym": 2, "sentence": 3}  # which finding's definition is quoted


@dataclass(frozen=True)
class Outcome:
    """What became of one candidate: "derived", or why not ("rejected: ...", "adopted", ...)."""

    title: str
    aliases: tuple[str, ...]
    slug: str
    status: str  # "derived" | "rejected" | "adopted" | "no definition" | "too few questions" | "too common" | "chance"
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
    """Every candidate's outcome, sorted by slug; `questions` are (docs path, page) of every question.

    The questions naming each candidate are found here with one matcher pass; the build counts them
    from its own linking instead (`link_site`).
    """
    questions = list(questions)
    settled, proposed = candidates(questions, concepts, rejected)
    return judge(settled, proposed, _naming_questions(questions, [p.concept for p in proposed]), len(questions))


@dataclass(frozen=True)
class _Proposed:
    concept: Concept  # with its definition and page body
    found: str  # where it was found, for --check
    strong: bool  # found as more than a defining sentence (asked, a topic, spelled out)


def candidates(
    questions: list[tuple[str, QuestionPage]],
    concepts: list[Concept],
    rejected: dict[str, tuple[str, str]] | None = None,
) -> tuple[list[Outcome], list[_Proposed]]:
    """(outcomes settled without counting: adopted, rejected, no definition; the candidates with a definition)."""
    questions = sorted(questions, key=lambda item: (item[1].collection, item[1].question, item[0]))
    rejected = rejected or {}
    written = ConceptMatcher(concepts)
    written_slugs = {c.slug for c in concepts}
    groups = _group([f for _, page in questions for f in find_terms(page)])
    by_id = {page.id: (path, page) for path, page in questions}
    settled: list[Outcome] = []
    proposed: list[_Proposed] = []
    together = _together([g for g in groups if not _strong(g)], [page for _, page in questions])
    for group in groups:
        title, aliases = _naming(group)
        slug = slugify(title)
        names = (title, *aliases)
        if not slug:
            continue
        if together.get(id(group), 1.0) < COLLOCATION:
            settled.append(Outcome(title, aliases, slug, "chance", f"{_found(group)}; its words are mostly used apart "
                                   f"(together in {together[id(group)]:.0%} of the questions using them)"))
            continue
        known = next((n for n in names if written.slug_for(n)), None)
        if slug in written_slugs or known:
            page = concept_path(slug if slug in written_slugs else written.slug_for(known))
            settled.append(Outcome(title, aliases, slug, "adopted", f"docs/{page} has it"))
            continue
        hit = next((rejected[k] for n in names for k in _keys(n) if k in rejected), None)
        if hit:
            settled.append(Outcome(title, aliases, slug, "rejected", f"{REJECTED_FILE}: {hit[0]}: {hit[1]}"))
            continue
        defining = sorted((f for f in group.findings if f.definition), key=lambda f: _STRENGTH[f.kind])
        if not defining:
            settled.append(Outcome(title, aliases, slug, "no definition", f"{_found(group)}; no answer defines it"))
            continue
        best = defining[0]
        path, source = by_id[best.question]
        definition = Definition(_quote(best.definition), path, best.anchor, f"Q{source.question}. {source.title}")
        bare = Concept(slug, title, aliases, "", "", concept_path(slug), definition)
        concept = Concept(slug, title, aliases, "", derived_body(bare), concept_path(slug), definition)
        proposed.append(_Proposed(concept, _found(group), _strong(group)))
    return settled, proposed


def judge(settled: list[Outcome], proposed: list[_Proposed], named: dict[str, tuple[str, ...]],
          total: int) -> list[Outcome]:
    """Each candidate's outcome from the questions naming it (`named`: slug -> question ids), sorted by slug."""
    outcomes = list(settled)
    for p in proposed:
        c = p.concept
        ids = named.get(c.slug, ())
        collections = {q.rsplit("/", 1)[0] for q in ids}
        out = lambda status, reason, concept=None: Outcome(c.title, c.aliases, c.slug, status, reason, ids, concept)  # noqa: E731
        if len(ids) < MIN_QUESTIONS or (not p.strong and (len(ids) < MIN_RECURRING or len(collections) < 2)):
            outcomes.append(out("too few questions", f"{p.found}; named in {len(ids)} question(s) "
                                f"of {len(collections)} collection(s)"))
        elif " " not in c.title and not is_acronym(c.title) and len(ids) > 10 and len(ids) / max(total, 1) > COMMON_SHARE:
            outcomes.append(out("too common", f"{p.found}; a common word: named in {len(ids)} of {total} questions"))
        else:
            outcomes.append(out("derived", f"{p.found}; named in {len(ids)} questions", c))
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


def _strong(group: _Group) -> bool:
    """Found as more than a defining sentence: asked about, a topic, or spelled out."""
    return any(f.kind != "sentence" for f in group.findings)


def _together(groups: list[_Group], pages: list[QuestionPage]) -> dict[int, float]:
    """id(group) -> how often the words of its name, where they occur, occur as the name.

    Phrase statistics for terms found only in defining sentences: a name is a collocation, and the
    questions holding its rarest word mostly hold the whole name ("imbalance" comes with "class
    imbalance"); "features model", two words every answer uses apart, is not one. Shares are of
    question pages holding the text (substrings, a sample of `PHRASE_SAMPLE` pages at most).
    """
    if not groups or not pages:
        return {}
    step = max(1, len(pages) // PHRASE_SAMPLE)  # a share is estimated as well from a few thousand pages
    texts = [page.body.lower() for page in pages[::step]]
    share: dict[str, float] = {}

    def among(*needles: str) -> float:
        key = "\0".join(needles)
        if key not in share:
            share[key] = sum(any(n in text for n in needles) for text in texts) / len(texts)
        return share[key]

    out = {}
    for group in groups:
        best = 1.0 if not any(" " in n or "-" in n for n in group.names.values()) else 0.0
        for name in group.names.values():
            words = [w for w in re.split(r"[\s\-]+", name.lower()) if w]
            if len(words) < 2:
                continue
            rarest = min(among(w) for w in words)
            phrase = among(" ".join(words), "-".join(words))
            best = max(best, phrase / rarest if rarest else 0.0)
        out[id(group)] = best
    return out


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


_LT = "\ue004"  # stands for "<" while the Markdown is reduced, so raw HTML stays the characters typed


def _quote(markdown: str) -> str:
    """The defining Markdown as plain text (math and code kept), one line; raw HTML in it stays text,
    as the question page shows it."""
    return " ".join(inline_text(markdown.replace("<", _LT), code_marks=True).replace(_LT, "<").split())


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


def knowledge_base(docs_dir: Path, planned: Iterable[QuestionPage] = ()) -> list[tuple[str, QuestionPage]]:
    """(docs path, page) of every question under docs_dir/questions/, with `planned` (an import's pages,
    written or not) in place of the pages they replace: the whole knowledge base the finders look at."""
    found = {}
    for path in sorted((Path(docs_dir) / QUESTIONS_DIR).glob("*/q*.md")):
        try:
            page = question_from_text(path.read_text(encoding="utf-8"), path)
        except (PageError, UnicodeDecodeError):
            continue  # the build reports a page that cannot be read
        found[question_path(page.collection, page.question)] = page
    for page in planned:
        found[question_path(page.collection, page.question)] = page
    return sorted(found.items())


def site_concepts(docs_dir: Path) -> list[Concept]:
    """Every concept of the site, written and derived, sorted by slug: what the search index reads.

    A derived concept's body is its definition alone here (its page's note on adopting it is no
    text to search). The build judges candidates on its own links (`link_site`) and this on a
    matcher pass, which differ only for a name found solely in code or math.
    """
    written = load_concepts(docs_dir)
    outcomes = derive(knowledge_base(docs_dir), written, load_rejections(docs_dir))
    derived = [dataclasses.replace(c, body=c.definition.text) for c in derived_concepts(outcomes)]
    return sorted([*written, *derived], key=lambda c: c.slug)


def link_site(pages: list[tuple[str, str]], docs_dir: Path) -> tuple["Linker", list[Concept]]:
    """The build's linker over `pages` with the derived concepts, and those concepts (their pages to add).

    Every candidate is linked like a concept; the linking's own mentions then say which questions
    name each one, and those that `judge` turns down are taken out again (only the pages naming
    them are linked again): one pass over the text, not two.
    """
    from kb.concepts.linker import Linker, is_concept_path  # the linker knows nothing of derived concepts

    written = []
    for path, text in pages:
        if is_concept_path(path):
            try:
                written.append(concept_from_text(text, path))
            except PageError:
                continue  # the linker reports it
    questions = question_pages(pages)
    settled, proposed = candidates(questions, written, load_rejections(docs_dir))
    made = [p.concept for p in proposed]
    linker = Linker.from_pages(pages + [(c.path, derived_page(c)) for c in made], made)
    graph = linker.graph
    named = {c.slug: tuple(graph.questions[q].id for q in graph.by_concept.get(c.slug, ())) for c in made}
    kept = derived_concepts(judge(settled, proposed, named, len(questions)))
    dropped = {c.slug for c in made} - {c.slug for c in kept}
    return (linker.without(dropped) if dropped else linker), kept
