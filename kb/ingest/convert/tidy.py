"""The AST, tidied into what the importer reads. Pure: JSON in, JSON out.

`tidy` reduces pandoc's AST to what the Markdown we write may hold (see kb.ingest.convert.pandoc's
_WRITER): element by element here, lists of parts opened up by kb.ingest.convert.parts.
"""

from __future__ import annotations

import re

from kb.ingest.convert.folds import fold
from kb.ingest.convert.nodes import _map_lists, _plain, _text, _trim
from kb.ingest.convert.parts import _parts


def _raw(markdown: str) -> dict:
    """Markdown written as is: the writer copies a raw block of its own format unchanged."""
    return {"t": "RawBlock", "c": ["markdown", markdown]}


def _fence(attr: list, code: str) -> dict:
    """Always a ``` fence (pandoc indents code that has no language), with the language alone as info."""
    language = next((c for c in attr[1] if c not in ("sourceCode", "numberLines", "code", "cell")), "")
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    return _raw(f"{ticks}{language}\n{code.rstrip(chr(10))}\n{ticks}")


def _display(tex: str) -> dict:
    """Display math as `$$` lines around the TeX; a blank line inside would end the Markdown block."""
    tex = re.sub(r"\n\s*\n", "\n", tex.strip())
    return _raw(f"$$\n{tex}\n$$")


def _paragraphs(kind: str, inlines: list) -> list:
    """A paragraph with display math in it: the text around it, and the math on lines of its own."""
    out, run = [], []
    for item in inlines:
        if item.get("t") == "Math" and item["c"][0]["t"] == "DisplayMath":
            if _trim(run):
                out.append({"t": kind, "c": _trim(run)})
            out.append(_display(item["c"][1]))
            run = []
        else:
            run.append(item)
    if _trim(run):
        out.append({"t": kind, "c": _trim(run)})
    return out


def _tidy_element(item: dict) -> list:
    """One element -> what replaces it (its children are tidy already)."""
    t, c = item["t"], item.get("c")
    if t == "Div" and (folded := fold(c[0][1], c[1])) is not None:
        return folded
    if t in ("Div", "Span"):
        return c[1]  # no ::: divs or [text]{.class} spans: the content alone
    if t in ("RawBlock", "RawInline"):
        return [item] if c[0] == "markdown" else []  # no raw HTML or TeX; ours (markdown) stays
    if t == "CodeBlock":
        return [_fence(c[0], c[1])]
    if t == "Header":
        inlines = _trim(_plain(c[2]))
        return [{"t": "Header", "c": [c[0], ["", [], []], inlines]}] if inlines else []
    if t in ("Para", "Plain"):
        return _paragraphs(t, c)
    if t == "LineBlock":
        lines = [line for line in c if line]
        return [{"t": "Para", "c": [x for k, line in enumerate(lines) for x in ([{"t": "LineBreak"}] if k else []) + line]}]
    if t == "DefinitionList":  # a term in bold, then its definitions: MkDocs has no definition lists here
        return [b for term, defs in c for b in [{"t": "Para", "c": [{"t": "Strong", "c": term}]}, *[x for d in defs for x in d]]]
    if t == "Figure":
        caption = [b for b in c[1][1] if b.get("t") in ("Para", "Plain")]
        body = [{"t": "Para", "c": b["c"]} if b.get("t") == "Plain" else b for b in c[2]]
        alts = {_text(i["c"][1]).strip() for b in body if b.get("t") == "Para" for i in b["c"] if i.get("t") == "Image"}
        return body + [{"t": "Para", "c": b["c"]} for b in caption if _text(b["c"]).strip() not in alts]
    if t == "Link":
        if c[2][0].startswith("#"):
            return c[1]  # a reference inside the document: headings carry no ids here, so the text alone
        return [{"t": "Link", "c": [["", [], []], c[1], c[2]]}]
    if t == "Image":
        return [{"t": "Image", "c": [["", [], []], c[1], c[2]]}]
    if t in ("Underline", "SmallCaps", "Cite"):
        return c[-1] if t == "Cite" else c
    if t == "Math" and c[0]["t"] == "InlineMath":
        return [{"t": "Math", "c": [c[0], " ".join(c[1].split())]}]  # one line, no spaces inside the dollars
    return [item]


def _tidy_list(items: list) -> list:
    return [out for item in items for out in _tidy_element(item)]


def tidy(ast: dict, fmt: str) -> dict:
    """pandoc's AST for `fmt`, reduced to what the Markdown we write may hold (see _WRITER)."""
    blocks = _map_lists(ast["blocks"], _tidy_list)
    blocks = _parts(blocks, nested_default_alpha=fmt == "latex")
    title = ast.get("meta", {}).get("title")
    if fmt in ("latex", "docx", "odt") and title and title.get("t") == "MetaInlines":
        # LaTeX's \title and Word's Title paragraph are on the page; pandoc moves them to metadata.
        # It becomes the one H1, the sections below it (H1 in LaTeX and Word) a level down, as
        # printed: at the sections' level the importer would take the title for question 1.
        first = blocks[0] if blocks else {}
        if not (first.get("t") == "Header" and _text(first["c"][2]) == _text(title["c"])):
            if any(b["t"] == "Header" and b["c"][0] == 1 for b in blocks):
                blocks = [{"t": "Header", "c": [min(b["c"][0] + 1, 6), *b["c"][1:]]} if b["t"] == "Header" else b
                          for b in blocks]
            blocks = [{"t": "Header", "c": [1, ["", [], []], _plain(title["c"])]}, *blocks]
    return {**ast, "meta": {}, "blocks": blocks}
