"""Imported Markdown made build-clean and safe, line by line, losing no word in silence.

Answer sheets from GitHub carry what breaks a strict build or leaves the site: links to
files that are not imported, to in-page anchors (which the split into pages breaks) and
to absolute paths; `[[src]](url)` source links, which the concept linker reads as
wikilinks; in-page tables of contents and "back to top" links; and `<details>` answers,
which an imported page would show as text (it loses its raw HTML). `clean_lines` rewrites
them with exactly one output line per input line, so later stages still name true source
lines, and `section_text` joins cleaned lines into page Markdown.

Markdown structure comes from markdown-it-py, set up as the site reads an imported page
(CommonMark, raw HTML off, `$` math as arithmatex sees it); the source span of each link,
image and tag is recorded by wrapping its inline rule, so a rewrite touches only its span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import html_inline, image, link
from mdit_py_plugins.dollarmath import dollarmath_plugin

from kb.ingest.lines import BLANK, CODE, HEADING, MATH, TEXT, Line, _display_toggles
from kb.plaintext import WIKILINK

DROPPED = "dropped"  # left out of every page (an in-page table of contents, "back to top"); its words need not appear
FOLD_OPEN = "fold-open"  # the line that opened a <details> block; its text is the pymdownx.details opener
FOLD_CLOSE = "fold-close"  # the line that closed it (text "")

# Material styles `success` (green, a check mark): an answer, given. An unknown type would get the default look.
FOLD_TYPE = "success"
DEFAULT_TITLE = "Answer"
KEPT_SCHEMES = {"http", "https", "mailto"}
DOCUMENTS = (".md", ".markdown", ".mdx", ".html", ".htm", ".pdf", ".txt", ".rst", ".ipynb", ".tex", ".doc", ".docx",
             ".odt")
TOC_NAMES = {"table of contents", "table of content", "contents", "content", "toc", "index", "outline"}
SOURCE_NAMES = re.compile(r"(?:src|sources?|refs?|reference|link|\d+)", re.I)
BACK_TO = re.compile(r"(?:back|return|go|jump|scroll)(?: up| back)? to (?:the )?"
                     r"(?:top|start|beginning|contents|table of contents|toc|index)(?: of (?:the )?page)?")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
CLOSING_HASHES = re.compile(r"\s+#+\s*$")
LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
# Tags that may share a line with <details>, </details> or </summary> without carrying any words.
WRAPPERS = {"br", "p", "div", "span", "b", "strong", "i", "em", "hr"}
# What Markdown would read as markup in a fold title; `(` stays, since `\(` is arithmatex math.
TITLE_MARKUP = re.compile(r"([\\`*_{}\[\]$])")


@dataclass(frozen=True)
class Cleaned:
    lines: list[Line]  # exactly one output Line per input Line, same numbers, same order
    warnings: list[str]  # "file:line: message"
    dropped: list[tuple[int, str]]  # (line number, why) for every DROPPED line
    rewritten_links: int = 0  # links made text or absolute (expected, so not warnings)


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    name: str  # lower case
    closing: bool


@dataclass
class _Edit:
    """Where one line stands while it is cleaned."""

    text: str
    kind: str
    frozen: bool = False  # no link rewriting: code, math, dropped and fold lines


def _recording(rule, made: str):
    """`rule`, also recording on the token it makes (`made`) where in the source that token starts and ends."""

    def run(state, silent):
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            token = next(t for t in state.tokens[count:] if t.type == made)
            token.meta["span"] = (start, state.pos)
            if made != "html_inline":
                image = made == "image"  # `![`: the label starts one further, and may hold links
                token.meta["label_end"] = state.md.helpers.parseLinkLabel(state, start + image, not image)
                token.meta["dest"] = _destination(state.src, token.meta["label_end"] + 1, state.pos)
        return True

    return run


def _destination(src: str, pos: int, end: int) -> tuple[int, int] | None:
    """The span of an inline link's destination as written (`pos` is just after its label); None for a reference link."""
    return _written_destination(src, pos + 1, end) if pos < end and src[pos] == "(" else None


def _written_destination(src: str, pos: int, end: int) -> tuple[int, int]:
    """The span of the link destination that starts at `pos` after spaces; empty when there is none (`[x]()`)."""
    while pos < end and src[pos] in " \t\n":
        pos += 1
    found = _HELPERS.parseLinkDestination(src, pos, end)
    return (pos, found.pos if found.ok else pos)


def _as_one_text(texts) -> str:
    """Lines joined for markdown-it, which also breaks lines at a lone carriage return: a space there keeps its
    line maps on our lines (and every column where it was)."""
    return "\n".join(texts).replace("\r", " ")


def _parser(html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "store_labels": True, "inline_definitions": True})
    # allow_space=False is arithmatex's rule: "$5 and $6" is no math, so a link between them is still a link.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=True, double_inline=True, allow_labels=False)
    md.validateLink = lambda url: True  # see `javascript:` links too, to make them text
    md.disable("html_block")  # the site drops raw HTML blocks of imported pages: their lines are Markdown
    return md


_HELPERS = MarkdownIt().helpers
_INLINE = _parser(html=False)  # links, as the site reads them (inline HTML is text there too)
_INLINE.inline.ruler.at("link", _recording(link, "link_open"))
_INLINE.inline.ruler.at("image", _recording(image, "image"))
_TAGS = _parser(html=True)  # tags, outside code spans and math
_TAGS.inline.ruler.at("html_inline", _recording(html_inline, "html_inline"))
_BLOCKS = _parser(html=False).disable("inline")  # block structure with line maps; inline content read on demand


def clean_lines(lines: list[Line], source: str, base_url: str = "") -> Cleaned:
    """Rewrite what would break the strict build or leave the site; one output line per input line."""
    if base_url and urlsplit(base_url).scheme not in ("http", "https"):
        raise ValueError(f"base_url must be an http(s) address, got {base_url!r}")
    # Python-Markdown ends a line at a lone carriage return too: outside code and math it becomes a space.
    view = [line if line.kind in (CODE, MATH) or "\r" not in line.text else replace(line, text=line.text.replace("\r", " "))
            for line in lines]
    if not any("[" in line.text or "<" in line.text for line in view if line.kind not in (CODE, MATH)):
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


# --- Links -------------------------------------------------------------------------------------------


def _target(href: str) -> str:
    """What a link points at: "external" (kept), "host" (`//host/x`), "anchor", "absolute", "scheme", "relative"."""
    if href.startswith("#"):
        return "anchor"
    if href.startswith("//"):
        return "host"
    if href.startswith(("/", "\\")):
        return "absolute"  # a path on this site's host means nothing once the page moves to another
    scheme = SCHEME.match(href)
    if scheme:
        return "external" if scheme.group(0)[:-1].lower() in KEPT_SCHEMES else "scheme"
    return "relative"


def _absolute(base_url: str, href: str) -> str:
    # markdown-it already percent-encoded the href; parentheses would end the Markdown link early.
    return urljoin(base_url, href).replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _is_document(href: str) -> bool:
    return unquote(href.split("#")[0].split("?")[0]).lower().endswith(DOCUMENTS)


def _fate(kind: str, inline: bool, definition_dropped: bool, image: bool, base_url: str) -> str:
    """What becomes of a link: "keep", "https" (`//host` made explicit), "absolute" (joined to `base_url`), "text"."""
    if definition_dropped:
        return "text"  # its definition is gone, so it would show as `[words][label]`
    if kind == "external" or (image and kind == "relative"):
        return "keep"  # relative images are kb/ingest/images.py's to copy
    if kind in ("host", "relative") and not inline:
        return "keep"  # its definition line is rewritten instead (kept only when it could be)
    if kind == "host":
        return "https"
    return "absolute" if kind == "relative" and base_url else "text"


def _link_edits(text: str, env: dict, base_url: str, plain_labels: set[str], wrapped: bool = False):
    """[(link start, its edits [(start, end, new)], document target or "")] for each link of `text` to rewrite;
    with `wrapped`, only links that run over a line break."""
    found = []
    for token in _INLINE.parseInline(text, env)[0].children or []:
        if "span" not in token.meta:
            continue
        (start, end), label_end, dest = token.meta["span"], token.meta["label_end"], token.meta["dest"]
        if wrapped and "\n" not in text[start:end]:
            continue
        image = token.type == "image"
        href = str(token.attrs.get("src" if image else "href", ""))
        kind = _target(href)
        label = token.meta.get("label")
        fate = _fate(kind, dest is not None, dest is None and label is not None and _label(label) in plain_labels,
                     image, base_url)
        document = ""
        if fate == "https":
            edits = [(*dest, "https:" + href)]
        elif fate == "absolute":
            edits = [(*dest, _absolute(base_url, href))]
        elif fate == "text" and image:
            edits = [(start, end, text[start + 2:label_end])]  # its alt text
        elif fate == "text":
            edits = [(start, start + 1, ""), (label_end, end, "")]  # the words stay, the link goes
            if kind == "relative" and not base_url and _is_document(href):
                document = text[dest[0]:dest[1]].strip("<>") if dest else href
        else:
            continue
        found.append((start + image, edits, document))
    return found


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _rewrite_line(text: str, env: dict, base_url: str, plain_labels: set[str]) -> tuple[str, int, list[str]]:
    """(the line with its links rewritten, how many were rewritten, targets of documents kept as text)."""
    text, count, documents = _source_links(text), 0, []
    for _ in range(8):  # a link's words may hold a link (`[a [b](c.md)](d.md)`): once made text, the outer one is one
        found = _link_edits(text, env, base_url, plain_labels)
        if not found:
            break
        text = _apply(text, [e for _, edits, _ in found for e in edits])
        count += len(found)
        documents += [d for _, _, d in found if d]
    return text, count, documents


def _may_wrap(text: str) -> bool:
    """False for a line no link can run out of (no `[` left open, no `](` target left open): most lines, which
    then spare the document a second reading."""
    if "[" not in text:
        return False
    text = re.sub(r"\\.|(`+).+?\1", "", text)  # escaped characters and code spans hold no brackets
    depth = 0
    for c in text:
        depth = depth + 1 if c == "[" else max(depth - 1, 0) if c == "]" else depth
    return depth > 0 or text.rfind("](") > text.rfind(")")


def _rewrite_wrapped(edits: list[_Edit], env: dict, base_url: str, plain_labels: set[str]) -> list[tuple[int, int, str]]:
    """Rewrite links whose words or target run onto the next line; [(line index, how many, document target)].

    A paragraph is read whole; an edit that stays within one line is made there. One that would join
    two lines (a target broken over them) cannot be, so the link's `[` is escaped instead: it shows as
    typed, words and target, and is no link.
    """
    text = _as_one_text(e.text if not e.frozen and e.kind in (TEXT, HEADING) else "" for e in edits)
    done = []
    for token in _BLOCKS.parse(text, {}):
        if token.type != "inline" or "\n" not in token.content or "[" not in token.content or not token.map:
            continue
        starts, offset = [], 0  # where each content line starts, in the content and in its source line
        for k, piece in enumerate(token.content.split("\n")):
            column = _as_one_text([edits[token.map[0] + k].text]).find(piece)
            if column < 0:
                break
            starts.append((offset, offset + len(piece), token.map[0] + k, column))
            offset += len(piece) + 1
        else:
            by_line: dict[int, list] = {}  # every edit is placed by the content as read, then made at once
            for start, link_edits, document in _link_edits(token.content, env, base_url, plain_labels, wrapped=True):
                where = [next((s for s in starts if s[0] <= a and b <= s[1]), None) for a, b, _ in link_edits]
                if None in where:  # cannot be made within lines: no link either
                    link_edits, where = [(start, start, "\\")], [next(s for s in starts if s[0] <= start <= s[1])]
                for (a, b, new), (first, _, line, column) in zip(link_edits, where):
                    by_line.setdefault(line, []).append((a - first + column, b - first + column, new))
                done.append((where[0][2], 1, document))
            for line, line_edits in by_line.items():
                edits[line].text = _apply(edits[line].text, line_edits)
    return done


def _source_links(text: str) -> str:
    """`[[src]](url)` as `[src](url)`: a source link, which the concept linker would read as the wikilink `[[src]]`.

    Read without the document's link definitions, so that a defined `[1]` inside `[[1]](url)`
    cannot hide the outer link.
    """
    if "[[" not in text:
        return text
    edits = []
    for token in _INLINE.parseInline(text, {})[0].children or []:
        if token.type == "link_open" and token.meta.get("dest"):
            start, label_end = token.meta["span"][0], token.meta["label_end"]
            if re.fullmatch(r"\[[^\[\]]+\]", text[start + 1:label_end]):
                edits += [(start + 1, start + 2), (label_end - 1, label_end)]
    for start, end in sorted(edits, reverse=True):
        text = text[:start] + text[end:]
    return text


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _definitions(lines: list[Line], blocks, edits: list[_Edit], why: dict[int, str], base_url: str) -> set[str]:
    """Rewrite reference definitions (`[1]: ./x.md`) as links are rewritten; the labels whose links must become text.

    A definition shows nothing on a page, so one whose target cannot stay is dropped (no
    visible word is lost) and the links that use it become their text.
    """
    plain: set[str] = set()
    for token in blocks:
        if token.type != "definition" or not token.map or any(edits[i].frozen for i in range(*token.map)):
            continue
        href, first = token.meta["url"], token.map[0]
        kind = _target(href)
        if kind == "external":
            continue
        line = edits[first].text
        at = line.find("]:")
        dest = _written_destination(line, at + 2, len(line)) if at >= 0 else (0, 0)  # on the label's line, if at all
        if kind in ("host", "relative") and dest[1] > dest[0] and (kind == "host" or base_url):
            new = "https:" + href if kind == "host" else _absolute(base_url, href)
            edits[first].text = line[:dest[0]] + new + line[dest[1]:]
            continue
        plain.add(_label(token.meta["id"]))
        for i in range(*token.map):
            if lines[i].kind != BLANK:
                why[i] = "link definition for a target outside the import (its links are kept as text)"
    return plain


# --- Tables of contents and "back to top" --------------------------------------------------------------


def _anchor_links(content: str, env: dict) -> int:
    """How many links to `#anchors` the inline text holds, if that is all it holds (bar punctuation); else 0."""
    if "](#" not in content and "][" not in content and "]\n" not in content and not content.endswith("]"):
        return 0  # no inline link to an anchor, nor a reference link (whose target might be one): most blocks
    links, depth = 0, 0
    for token in _INLINE.parseInline(content, env)[0].children or []:
        if token.type == "link_open":
            if not str(token.attrs.get("href", "")).startswith("#"):
                return 0
            links, depth = links + 1, depth + 1
        elif token.type == "link_close":
            depth -= 1
        elif depth == 0 and (token.type == "image" or any(c.isalnum() for c in token.content)):
            return 0
    return links


NAVIGATION_BLOCKS = {"inline", "paragraph_open", "paragraph_close", "list_item_open", "list_item_close",
                     "bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close"}


def _navigation(lines: list[Line], blocks, env: dict, frozen: set[int]) -> dict[int, str]:
    """Lines that only navigate the source document: {index: why}."""
    why: dict[int, str] = {}
    i = 0
    while i < len(blocks):
        token = blocks[i]
        if token.level or not token.map or token.type not in ("bullet_list_open", "ordered_list_open", "paragraph_open"):
            i += 1
            continue
        close = _closing(blocks, i)
        counts = [_anchor_links(t.content, env) for t in blocks[i + 1:close] if t.type == "inline"]
        # Its lines, bar the blank ones its range ends with (frozen lines were read as blank).
        span = [n for n in range(*token.map) if lines[n].kind != BLANK]
        while span and span[-1] in frozen:
            span.pop()
        if (all(t.type in NAVIGATION_BLOCKS for t in blocks[i + 1:close]) and counts and all(counts) and sum(counts) >= 2
                and all(lines[n].kind in (TEXT, HEADING) and n not in frozen for n in span)):
            why |= dict.fromkeys(span, "in-page table of contents")
            above = next((n for n in range(token.map[0] - 1, -1, -1) if lines[n].kind != BLANK), None)
            if above is not None and above not in frozen and lines[above].kind in (TEXT, HEADING) \
                    and _is_toc_heading(lines[above].text):
                why[above] = "in-page table of contents"
        i = close + 1
    for n, line in enumerate(lines):
        if line.kind == TEXT and n not in why and n not in frozen and _is_back_to_top(line.text, env):
            why[n] = "back-to-top link"
    return why


def _closing(blocks, i: int) -> int:
    depth = 0
    for j in range(i, len(blocks)):
        depth += blocks[j].nesting
        if depth == 0:
            return j
    return len(blocks) - 1


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _is_toc_heading(text: str) -> bool:
    return _words(plain_title(text.lstrip().lstrip("#"))) in TOC_NAMES


def _is_back_to_top(text: str, env: dict) -> bool:
    if "top" not in text.lower() and "#" not in text and "index" not in text.lower() and "content" not in text.lower():
        return False  # most lines: no parse
    children = _INLINE.parseInline(text, env)[0].children or []
    hrefs = [str(t.attrs.get("href", "")) for t in children if t.type == "link_open"]
    if any(not h.startswith("#") for h in hrefs):
        return False  # a link out of the page is content (rule of links: its words stay)
    words = _words(_plain(text, drop_sources=False))
    return bool(BACK_TO.fullmatch(words)) or (bool(hrefs) and words in ("", "top"))


# --- <details> answers ---------------------------------------------------------------------------------


def _tags(text: str) -> list[_Tag]:
    """The HTML tags of a line, outside code spans and math."""
    if "<" not in text:
        return []
    found = []
    for token in _TAGS.parseInline(text)[0].children or []:
        m = re.match(r"<(/?)([A-Za-z][\w-]*)", token.content) if token.type == "html_inline" else None
        if m:
            found.append(_Tag(*token.meta["span"], m.group(2).lower(), bool(m.group(1))))
    return found


def _summary_at(tags: list[_Tag]) -> int | None:
    """Where the summary's text starts if `tags` (a line's, or the rest of one) begin with `<summary>`."""
    return tags[0].end if tags and tags[0].name == "summary" and not tags[0].closing else None


def _opener(text: str) -> tuple[bool, int | None] | None:
    """(is open, where its summary's text starts) for a line that only opens a fold (and its summary), else None."""
    tags = _tags(text)
    if [t.closing for t in tags if t.name == "details"] != [False] or tags[0].name != "details":
        return None
    if text[:tags[0].start].strip():
        return None
    details, rest = tags[0], tags[1:]
    is_open = re.search(r"\bopen\b", text[details.start:details.end], re.I) is not None
    summary = _summary_at(rest) if not text[details.end:(rest[0].start if rest else 0)].strip() else None
    if summary is None:
        return (is_open, None) if _bare(text, details.end, rest) else None
    close = next((t for t in rest if t.name == "summary" and t.closing), None)
    return (is_open, summary) if close is None or _bare(text, close.end, rest) else None


def _bare(text: str, start: int, tags: list[_Tag]) -> bool:
    """True when `text` from `start` holds nothing but wrapper tags (`<br>`, `</p>`) and spaces."""
    rest, cut = [], start
    for tag in (t for t in tags if t.start >= start):
        if tag.name not in WRAPPERS:
            return False
        rest.append(text[cut:tag.start])
        cut = tag.end
    return not "".join(rest + [text[cut:]]).strip()


def _is_closer(text: str) -> bool:
    """True for a line that only closes a fold (wrapper tags aside)."""
    tags = _tags(text)
    details = [t for t in tags if t.name == "details"]
    if [t.closing for t in details] != [True]:
        return False
    cut = details[0].start
    return _bare(text[:cut], 0, [t for t in tags if t.end <= cut]) and _bare(text, details[0].end, tags)


def _read_summary(lines: list[Line], at: int, start: int, end: int) -> tuple[str, int, _Tag] | None:
    """(the summary's text, the line of its `</summary>`, that tag) for a summary whose text starts at
    `start` of line `at`; None when it is not closed before line `end`."""
    parts = []
    for i in range(at, end):
        if lines[i].kind not in (TEXT, BLANK):
            return None  # a summary holds no code or math: this one never closes
        text = lines[i].text
        close = next((t for t in _tags(text) if t.name == "summary" and t.closing and t.start >= start), None)
        if close:
            return " ".join(parts + [text[start:close.start]]), i, close
        parts.append(text[start:])
        start = 0
    return None


def _folds(lines: list[Line], edits: list[_Edit], warnings: list[tuple[int, str]]) -> list[tuple[int, int, list[int]]]:
    """Turn `<details>` blocks into pymdownx.details folds in `edits`; [(opening line, closing line, summary lines)].

    Nested blocks nest. A block whose `<details>` or `</details>` shares its line with text stays HTML.
    """
    pairs, stack = [], []
    for i, line in enumerate(lines):
        if line.kind != TEXT or edits[i].frozen or "details" not in line.text.lower():
            continue
        for tag in (t for t in _tags(line.text) if t.name == "details"):
            if not tag.closing:
                stack.append(i)
            elif stack:
                pairs.append((stack.pop(), i))
            else:
                warnings.append((line.number, "</details> closes no <details>; kept as text"))
    for i in stack:
        warnings.append((lines[i].number, "<details> opened here is never closed; the fold runs to the end"))
    pairs += [(i, len(lines)) for i in stack]
    folds = []
    for start, end in sorted(pairs):
        opener = _opener(lines[start].text)
        closed = end < len(lines)
        if opener is None or (closed and not _is_closer(lines[end].text)):
            warnings.append((lines[start if opener is None else end].number, "<details> shares its line with other "
                             "text: left as HTML, which an imported page shows as text"))
            continue
        (is_open, offset), at = opener, start
        if offset is None:  # the summary, if any, is the next non-blank line
            at = next((i for i in range(start + 1, end) if lines[i].kind != BLANK), end)
            if at < end and lines[at].kind == TEXT and not lines[at].text[: lines[at].text.find("<")].strip():
                offset = _summary_at(_tags(lines[at].text))
        summary = _read_summary(lines, at, offset, end) if offset is not None else None
        held: list[int] = []
        title = DEFAULT_TITLE
        if summary:
            words, last, close = summary
            title = plain_title(words) or DEFAULT_TITLE
            held = [i for i in range(at, last + 1) if i != start]
            for i in held:
                edits[i] = _Edit("", BLANK, frozen=True)  # its words are in the title
            if last != start and not _bare(lines[last].text, close.end, _tags(lines[last].text)):
                edits[last] = _Edit(lines[last].text[close.end:].strip(), TEXT)  # the answer starts after </summary>
        edits[start] = _Edit(" " * _opener_indent(lines, start) + fold_opener(title, is_open), FOLD_OPEN, frozen=True)
        if closed:
            edits[end] = _Edit("", FOLD_CLOSE, frozen=True)
        folds.append((start, end, held))
    return folds


def _columns(text: str) -> int:
    return len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip())


def _opener_indent(lines: list[Line], start: int) -> int:
    """How far a fold's first line is indented: as far as the list item it sits in allows, in steps of four.

    Python-Markdown nests by four columns: `???` indented one to three is no fold at all, and indented
    four outside a list is code. HTML's indentation meant nothing, so only a list item above keeps it.
    """
    own = _columns(lines[start].text)
    item = next((i for i in range(start - 1, -1, -1) if lines[i].kind != BLANK and _columns(lines[i].text) < own), None)
    if item is None or not LIST_ITEM.match(lines[item].text):
        return 0
    top = item  # Python-Markdown starts no list inside a paragraph: the lines above, up to a blank, are the list's
    while top > 0 and lines[top - 1].kind != BLANK:
        top -= 1
        if not LIST_ITEM.match(lines[top].text) and not _columns(lines[top].text):
            return 0
    return own // 4 * 4 if LIST_ITEM.match(lines[top].text) else 0


def _folds_of_navigation(folds, edits: list[_Edit], dropped: dict[int, str]) -> dict[int, str]:
    """The lines of folds that hold nothing but dropped lines (a table of contents in a fold): they go too."""
    drop: dict[int, str] = {}
    for start, end, held in folds:
        content = [i for i in range(start + 1, end) if edits[i].kind != BLANK and i not in held]
        if content and all(i in dropped for i in content):
            for i in [start, *held, *([end] if end < len(edits) else [])]:
                drop[i] = dropped[content[0]]
    return drop


def fold_opener(title: str, is_open: bool = False) -> str:
    """The pymdownx.details opener for `title`, which is untrusted: one line, shown as typed, no `<`."""
    title = "".join(c for c in " ".join(title.split()) if unicodedata.category(c) != "Cc") or DEFAULT_TITLE
    # Entities, not backslashes, for & < > ": Markdown keeps an entity and shows its character, while `\"`
    # would show its backslash. The title regex ends at the last `"`, so a quote could not end it early anyway.
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    title = TITLE_MARKUP.sub(r"\\\1", title)
    if title.startswith("#"):
        title = "\\" + title  # `??? x "# y"` would make the summary a heading
    return f'???{"+" if is_open else ""} {FOLD_TYPE} "{title}"'


# --- Page text and titles ------------------------------------------------------------------------------


def section_text(lines: list[Line]) -> str:
    """The Markdown of a run of cleaned lines: dropped lines out, folds indented, display math set apart."""
    out: list[str] = []
    depth, in_math, after_math = 0, False, False

    def blank() -> None:  # runs of blank lines collapse to one, as kb/ingest/render.py's _lines_text does
        nonlocal after_math
        if out and out[-1]:
            out.append("")
        after_math = False

    for line in lines:
        if line.kind == DROPPED:
            continue
        if line.kind == FOLD_CLOSE:
            depth = max(depth - 1, 0)
            blank()
            continue
        pad = "    " * depth
        if line.kind == FOLD_OPEN:
            blank()
            out.append(pad + line.text.rstrip())
            out.append("")  # pymdownx.details wants the content as its own block
            depth += 1
            continue
        text = line.text.rstrip()
        if not text:
            blank()
            continue
        opens_display = line.kind in (TEXT, MATH) and not in_math and text.lstrip().startswith("$$")
        # Arithmatex takes `$$...$$` as display math only as a block of its own: right under or over any
        # other line (text, a heading, a fence) it joins that paragraph, and shows as inline math and stray `$`.
        if (opens_display or after_math) and out and out[-1]:
            out.append("")
        out.append(pad + text)
        closes = False
        if line.kind == MATH:
            if _display_toggles(text) % 2:
                closes, in_math = in_math, not in_math
        elif opens_display:
            closes = len(text.strip()) >= 4 and text.endswith("$$")
        after_math = closes and text.endswith("$$")
    return "\n".join(out).strip("\n")


# Characters without which a title holds no markup to take out (most titles: a document has thousands).
MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&#!~]")


def plain_title(text: str) -> str:
    """A title with no link, emphasis, code or HTML markup; source links ("[src]", "[1]") dropped, math kept."""
    if not MARKUP_CHARS.search(text):
        return " ".join(text.split())
    return _plain(CLOSING_HASHES.sub("", text), drop_sources=True)


def _plain(text: str, drop_sources: bool) -> str:
    pieces: list[tuple[bool, str]] = []  # (is prose, text); code and math are kept verbatim
    children = _TAGS.parseInline(text)[0].children or []
    i = 0
    while i < len(children):
        token = children[i]
        if token.type == "link_open":
            close = next((j for j in range(i + 1, len(children)) if children[j].type == "link_close"), len(children))
            inner = _plain_pieces(children[i + 1:close])
            if drop_sources and SOURCE_NAMES.fullmatch("".join(t for _, t in inner).strip(" []")):
                pieces.append((True, "\x00"))  # where a source link was: brackets and space around it go too
            else:
                pieces += inner
            i = close + 1
            continue
        pieces += _plain_pieces([token])
        i += 1
    out, prose = [], []
    for is_prose, piece in pieces + [(False, "")]:
        if is_prose:
            prose.append(piece)
            continue
        joined = WIKILINK.sub(lambda m: m.group(2) or m.group(1), "".join(prose))
        joined = re.sub(r"\[\x00\]", "\x00", joined)
        joined = re.sub(r"\s*\x00[\x00\s]*(?=[?.!,;:)]|$)", "", joined).replace("\x00", " ")
        out += [joined, piece]
        prose = []
    return " ".join("".join(out).split())


def _plain_pieces(tokens) -> list[tuple[bool, str]]:
    pieces: list[tuple[bool, str]] = []
    for token in tokens:
        if token.type in ("text", "text_special"):
            pieces.append((True, token.content))
        elif token.type in ("softbreak", "hardbreak"):
            pieces.append((True, " "))
        elif token.type == "html_inline":
            pieces.append((True, " " if token.content.lower().startswith("<br") else ""))
        elif token.type == "code_inline":
            pieces.append((False, token.content))
        elif token.type == "math_inline":
            pieces.append((False, f"${token.content}$"))
        elif token.type == "math_inline_double":
            pieces.append((False, f"$${token.content}$$"))
        elif token.type == "image":
            pieces += _plain_pieces(token.children or [])
    return pieces


# --- Wikilinks to no concept -----------------------------------------------------------------------------

_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")


def unlink_wikilinks(markdown: str, known) -> tuple[str, list[str]]:
    """`[[name]]` that names no concept (`known(name)` is False) becomes its words: an imported page must build,
    and the site fails a strict build on a wikilink to nothing. Code is left alone. Returns the text and the
    names unlinked, in order."""
    if "[[" not in markdown:
        return markdown, []
    out, gone, fence = [], [], None

    def swap(m: re.Match) -> str:
        if known(m.group(1).strip()):
            return m.group(0)
        gone.append(m.group(1).strip())
        return (m.group(2) or m.group(1)).strip()

    for line in markdown.split("\n"):
        opened = _FENCE_LINE.match(line)
        if opened and (fence is None or opened.group(1)[0] == fence):
            fence = None if fence else opened.group(1)[0]
        elif fence is None and "[[" in line:
            pieces = re.split(r"(`+[^`]*`+)", line)  # inline code stays as written
            line = "".join(p if p.startswith("`") else WIKILINK.sub(swap, p) for p in pieces)
        out.append(line)
    return "\n".join(out), gone
