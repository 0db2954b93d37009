"""Imported Markdown made build-clean and safe, line by line, losing no word in silence.

Answer sheets from GitHub carry what breaks a strict build or leaves the site: links to
files that are not imported, to in-page anchors (which the split into pages breaks) and
to absolute paths; `[[src]](url)` source links, which the concept linker reads as
wikilinks; in-page tables of contents and "back to top" links; and `<details>` answers,
which an imported page would show as text (it loses its raw HTML). `clean_lines` rewrites
them with exactly one output line per input line, so later stages still name true source
lines, and `section_text` joins cleaned lines into page Markdown.

Each kind of rewrite is a module named after it: `links` (links and their definitions, with
`targets`: what becomes of a link), `navigation` (tables of contents, "back to top"), `folds`
(`<details>` answers, with `tags`: the lines that open and close them), `attributes`
(`{#id}`, `{.class}`: attribute lists made text), `text` (section_text,
plain_title) and `wikilinks` (unlink_wikilinks); `parsers` holds the markdown-it readers they
share, `kinds` the kinds of line cleanup gives. `clean_lines` calls them in order.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from markdown.blockprocessors import ReferenceProcessor

from kb.ingest.cleanup.attributes import defuse as defuse_attributes
from kb.ingest.cleanup.folds import FOLD_TYPE, _folds, _folds_of_navigation, fold_opener
from kb.ingest.cleanup.kinds import DROPPED, FOLD_CLOSE, FOLD_OPEN, _Edit
from kb.ingest.cleanup.links import _definitions, _may_wrap, _rewrite_line, _rewrite_wrapped
from kb.ingest.cleanup.navigation import _is_back_to_top, _navigation
from kb.ingest.cleanup.parsers import _BLOCKS, _as_one_text
from kb.ingest.cleanup.targets import _target
from kb.ingest.cleanup.text import plain_title, section_text
from kb.ingest.cleanup.wikilinks import unlink_wikilinks
from kb.ingest.lines import CODE, HEADING, MATH, TEXT, Line

__all__ = ["DROPPED", "FOLD_CLOSE", "FOLD_OPEN", "FOLD_TYPE", "Cleaned", "clean_lines", "fold_opener", "plain_title",
           "section_text", "unlink_wikilinks"]


@dataclass(frozen=True)
class Cleaned:
    lines: list[Line]  # exactly one output Line per input Line, same numbers, same order
    warnings: list[str]  # "file:line: message"
    dropped: list[tuple[int, str]]  # (line number, why) for every DROPPED line
    rewritten_links: int = 0  # links made text or absolute (expected, so not warnings)


def clean_lines(lines: list[Line], source: str, base_url: str = "") -> Cleaned:
    """Rewrite what would break the strict build or leave the site; one output line per input line."""
    if base_url and urlsplit(base_url).scheme not in ("http", "https"):
        raise ValueError(f"base_url must be an http(s) address, got {base_url!r}")
    # Python-Markdown ends a line at a lone carriage return too: outside code and math it becomes a space.
    view = [line if line.kind in (CODE, MATH) or "\r" not in line.text else replace(line, text=line.text.replace("\r", " "))
            for line in lines]
    if not any("[" in line.text or "<" in line.text or _has_attributes(line) for line in view if line.kind not in (CODE, MATH)):
        # No link, definition, table of contents or fold anywhere (most plain answer sheets): no parse needed.
        why = {n: "back-to-top link" for n, line in enumerate(view) if line.kind == TEXT and _is_back_to_top(line.text, {})}
        out = [replace(line, kind=DROPPED, text=lines[n].text) if n in why else line for n, line in enumerate(view)]
        return Cleaned(out, [], [(lines[n].number, why[n]) for n in sorted(why)])
    edits = [_Edit(line.text, line.kind, frozen=line.kind in (CODE, MATH)) for line in view]
    if any("details" in e.text.lower() for e in edits if not e.frozen):
        _freeze_indented_code(edits, {})  # `<details>` shown as code stays code
    warnings: list[tuple[int, str]] = []
    folds = _folds(view, edits, warnings)
    # The document as its pages will read, folds opened: its link definitions, lists and paragraphs.
    env: dict = {}
    blocks = _freeze_indented_code(edits, env)
    now = [replace(line, text=e.text, kind=e.kind) for line, e in zip(view, edits)]
    why = _navigation(now, blocks, env, {i for i, e in enumerate(edits) if e.frozen})
    why |= _folds_of_navigation(folds, edits, why)
    # A comment the author left for themselves: a page shows raw HTML as text, so it would read as "<!-- ... -->".
    why |= {i: "HTML comment" for i, line in enumerate(now)
            if line.kind == TEXT and not edits[i].frozen and _COMMENT.fullmatch(line.text.strip())}
    plain_labels = _definitions(view, blocks, edits, why, base_url)
    for i in why:
        edits[i] = _Edit(lines[i].text, DROPPED, frozen=True)  # its text as it was, for the reviewer
    found = []  # (line index, links rewritten, target of a document kept as text)
    for i, edit in enumerate(edits):
        if not edit.frozen and edit.kind in (TEXT, HEADING) and "[" in edit.text:
            edit.text, count, documents = _rewrite_line(edit.text, env, base_url, plain_labels)
            found += [(i, count, "")] + [(i, 0, d) for d in documents]
    for _ in range(8) if any(_may_wrap(e.text) for e in edits if not e.frozen) else ():
        wrapped = _rewrite_wrapped(edits, env, base_url, plain_labels)  # as in _rewrite_line: it may free an outer link
        found += wrapped
        if not wrapped:
            break
    for edit in edits:
        if not edit.frozen and edit.kind in (TEXT, HEADING) and "](" in edit.text:
            edit.text = _spaced_targets(edit.text)
        if not edit.frozen and edit.kind in (TEXT, HEADING):
            edit.text = defuse_attributes(edit.text, edit.kind == HEADING)
        if not edit.frozen and edit.kind == TEXT and (definition := _SITE_DEFINITION.match(edit.text)) \
                and _target(definition.group(2)) != "external":
            # Python-Markdown takes `[x]: ./a.md` for a definition on any line of a block, markdown-it only where a
            # block may start: one left inside a paragraph would link the page to a file that is not imported.
            edit.text = edit.text.replace("[", "\\[", 1)
    seen: set[str] = set()
    for i, _, document in sorted(found):
        if document and document not in seen:  # one warning per target, at its first line
            seen.add(document)
            warnings.append((lines[i].number, f"link to {document} is not part of the import; kept as text"))
    return Cleaned(
        lines=[replace(line, text=e.text, kind=e.kind) for line, e in zip(lines, edits)],
        warnings=[f"{source}:{n}: {message}" for n, message in sorted(warnings, key=lambda w: w[0])],
        dropped=[(lines[i].number, why[i]) for i in sorted(why)],
        rewritten_links=sum(count for _, count, _ in found),
    )


# `[the notes](my notes.md)`: no link to CommonMark (so the rules above never saw it), but one to the site's
# Python-Markdown, which then fails the strict build on the missing file. A link out of the site stays.
_SITE_DEFINITION = ReferenceProcessor.RE  # a reference definition as the site's Markdown reads one
_COMMENT = re.compile(r"<!--(?:(?!-->).)*-->")
_SPACED = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*<?([^()<>\n]*\s[^()<>\n]*?)>?\s*\)")


def _has_attributes(line: Line) -> bool:
    """Whether a line has a `{` outside code and math (one inside math, `$x_{i}$`, needs no parse)."""
    return "{" in line.text and defuse_attributes(line.text, line.kind == HEADING) != line.text


def _spaced_targets(text: str) -> str:
    def swap(m: re.Match) -> str:
        target = m.group(3).strip()
        if re.match(r"(?:https?|mailto):", target) and " " not in target.split(" \"")[0].split(" '")[0]:
            return m.group(0)  # `[x](https://a.b "a title")`: a link with a title, not a spaced target
        return f"{m.group(2)} ({target})" if m.group(1) else m.group(2)
    return _SPACED.sub(swap, text)


def _freeze_indented_code(edits: list[_Edit], env: dict) -> list:
    """Read the lines' block structure, frozen lines (code, math, folds) as blank; freeze indented code too.

    Frozen lines read as blank so that a paragraph never runs into code or display math (section_text
    sets display math apart) or across a fold's first or last line, and nothing inside them counts as a
    list, a link definition or a table of contents.
    """
    blocks = _BLOCKS.parse(_as_one_text("" if e.frozen else e.text for e in edits), env)
    for token in blocks:
        if token.type == "code_block" and token.map:  # shown as written
            for i in range(*token.map):
                edits[i].frozen = True
    return blocks
