"""Highlighted snippets: escaped document text whose only markup is <mark>.

Whoosh's HtmlFormatter escapes ``& < >`` but not quotes and its other
formatters escape nothing, so the snippet is built here: choose the window of
the text with the most distinct matched terms, cut it between two words and
never inside a ``$...$`` formula, escape every piece of text, and wrap matches in
``<mark>``. A formula is marked whole (so it can still be typeset) when it holds a
matched term of two or more characters, or three distinct one-letter ones (a lone
``d`` is everywhere). A clitic ("can't") or a TeX layout command (``\times``) never
matches on its own. With no match, the text's start is shown.

Only a record's first SCAN characters are looked at (`head`): a snippet's work is
then bounded whatever the size of the body, where scanning a 6 MB body took 0.6 s a hit.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from search_api.analysis import TEX_LAYOUT, text_analyzer

WIDTH = 240  # characters of text in a snippet (more when a formula would be cut)
LEAD = 60  # characters of context before the first match
SCAN = 20_000  # characters of a record's text looked at (pages' records are a few KB; 50 hits of dense matches cost ~0.1 s)
HEAD = 15  # a window starting this close to the text's start starts at it ("(a) …", not "… Computational")
MATH_SPAN = re.compile(r"\$[^$]{1,400}\$")
JOINED = re.compile(r"(?<![^\W_])[^\W_]++(?:[\^_\-'\u2019]+\{?\\?[^\W_]++\}?)+")
# A word piece that is not a match by itself: a clitic ("can't", "model's"; queries drop them too),
# or a TeX layout command ("\times" is not "time").
CLITIC = re.compile(r"(?<=[^\W_]['\u2019])[^\W_]")
_ANALYZER = text_analyzer()

Match = tuple[int, int, str]  # start, end, what matched (a term, or a concept's slug)
_UNJOIN = str.maketrans("", "", "^_-'\u2019{}\\")  # a joined word's merged form: its pieces, together


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _weight(term: str) -> int:
    """A distinct matched term's worth in a window (in tenths, so sums are exact)."""
    return 10 if len(term) > 1 else 3


def _inside(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in spans:
        if start < pos < end:
            return start, end
        if start >= pos:
            break
    return None


@lru_cache(maxsize=65536)
def _term(piece: str) -> str:
    tokens = [t.text for t in _ANALYZER(piece)]
    return tokens[0] if tokens else ""


def term_matches(text: str, terms: set[str]) -> list[Match]:
    """Every word (or part of a joined word) of `text` that analyses to one of `terms`.

    One regular expression finds the words sharing their first letters with a term
    (stemming keeps a word's first letters); only those are stemmed, with a cache.
    """
    if not terms:
        return []
    prefixes = sorted({re.escape(t[:3]) for t in terms}, key=len, reverse=True)
    candidates = re.compile(r"(?<![^\W_])(?:" + "|".join(prefixes) + r")[^\W_]*", re.IGNORECASE)
    found = [(m.start(), m.end(), term) for m in candidates.finditer(text)
             if (term := _term(m.group())) in terms and not _bare(text, m)]
    # A joined word ("n^2", "KL-divergence") also matches by its merged form ("n2"): only those whose
    # merged form starts as a term does are stemmed (a page of formulas has hundreds of joined words).
    if any(c in text for c in "^_-'\u2019"):
        starts = tuple({t[:3] for t in terms})
        for m in JOINED.finditer(text):
            merged = m.group().translate(_UNJOIN)
            if merged[:3].lower().startswith(starts) and (term := _term(merged)) in terms:
                found.append((m.start(), m.end(), term))
    return sorted(found)


def _bare(text: str, match: re.Match) -> bool:
    """A word piece that does not match on its own (see CLITIC and TEX_LAYOUT)."""
    start = match.start()
    if not start:
        return False
    if text[start - 1] == "\\":
        return match.group().lower() in TEX_LAYOUT
    return bool(CLITIC.match(text, start))


def _formulas(matches: list[Match], spans: list[tuple[int, int]]) -> list[Match]:
    """Replace matches inside a formula by the whole formula, when it is worth marking."""
    inside: dict[tuple[int, int], set[str]] = {}
    out = []
    for s, e, what in matches:
        span = _inside(s + 1, spans)
        if span is None:
            out.append((s, e, what))
        else:
            inside.setdefault(span, set()).add(what)
    for (s, e), found in inside.items():
        if any(len(t) > 1 for t in found) or len(found) >= 3:
            out.append((s, e, " ".join(sorted(found))))
    return sorted(out)


def _best_window(matches: list[Match]) -> int:
    """Start of the window holding the most (weighted) distinct matches, earliest on ties.

    One pass: the window's distinct terms are counted as it slides (recounting each window was
    quadratic, and a page of formulas has hundreds of one-letter matches).
    """
    best, best_score, score, counts, j = matches[0][0], 0, 0, {}, 0
    for i, (start, _, _) in enumerate(matches):
        j = max(j, i)  # an empty window (j < i) holds nothing: every match added was removed
        while j < len(matches) and matches[j][1] <= start + WIDTH - LEAD:
            what = matches[j][2]
            counts[what] = counts.get(what, 0) + 1
            score += _weight(what) if counts[what] == 1 else 0
            j += 1
        if score > best_score:
            best, best_score = start, score
        if i < j:
            what = matches[i][2]
            counts[what] -= 1
            score -= _weight(what) if not counts[what] else 0
    return best


def _unit(text: str, pos: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The word or formula (with what is glued to it: "($K$)") that `pos` falls inside, as (start, end);
    (pos, pos) when `pos` is already between two of them."""
    if not _inside(pos, spans) and " " in text[pos - 1: pos + 1]:
        return pos, pos
    start = end = pos
    while start > 0 and (text[start - 1] != " " or _inside(start, spans)):
        span = _inside(start, spans)
        start = span[0] if span else text.rfind(" ", 0, start) + 1
    while end < len(text) and (text[end] != " " or _inside(end, spans)):
        span = _inside(end, spans)
        if span:
            end = span[1]
        else:
            space = text.find(" ", end)
            end = len(text) if space < 0 else space
    return start, end


def _bounds(text: str, start: int, end: int, spans) -> tuple[int, int]:
    """Move a window's ends out of any word or formula they would cut.

    The start moves back to where the word (or formula) begins, or, when that is more than LEAD
    characters back, on past its end; the end moves on to where it ends, unless the snippet would
    then pass twice its width, in which case it stops before it.
    """
    if start > 0:
        first, last = _unit(text, start, spans)
        start = first if start - first <= LEAD or last >= end else last
    if end < len(text):
        first, last = _unit(text, end, spans)
        end = last if last - start <= WIDTH * 2 or first <= start else first
    return start, min(end, len(text))


def head(text: str) -> str:
    """The part of `text` a snippet is chosen from: its first SCAN characters, cut between two words."""
    if len(text) <= SCAN:
        return text
    space = text.rfind(" ", SCAN // 2, SCAN)  # a word cut in half could match as another ("gradients" → "grad")
    return text[:space if space > 0 else SCAN]


def snippet(text: str, terms: set[str], extra: list[Match] = ()) -> str:
    """An HTML snippet of `text` around the analysed `terms` and any `extra` matched spans (found in `head(text)`)."""
    if not text:
        return ""
    full, text = len(text), head(text)
    spans = [m.span() for m in MATH_SPAN.finditer(text)]
    matches = _formulas(sorted(term_matches(text, terms) + list(extra)), spans)
    lead = max(_best_window(matches) - LEAD, 0) if matches else 0
    lead = 0 if lead <= HEAD else lead
    start, end = _bounds(text, lead, lead + WIDTH, spans)
    marks: list[tuple[int, int]] = []
    for s, e, _ in matches:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        if marks and s <= marks[-1][1]:
            marks[-1] = (marks[-1][0], max(marks[-1][1], e))
        else:
            marks.append((s, e))
    out, pos = [], start
    for s, e in marks:
        out.append(_escape(text[pos:s]))
        out.append(f"<mark>{_escape(text[s:e])}</mark>")
        pos = e
    out.append(_escape(text[pos:end]))
    return ("… " if start > 0 else "") + "".join(out).strip() + (" …" if end < full else "")
