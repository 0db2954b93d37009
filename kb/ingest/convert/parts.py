"""Lists of parts ("(a) ...", "(iv) ...") written as labelled paragraphs at the top level. Pure."""

from __future__ import annotations

import re

from kb.ingest.convert.nodes import _text

_LABEL = re.compile(r"\(([a-z]|[ivx]{1,4})\)[.:]?|[a-z]\)")  # "(a)", "(iv)", "a)": part labels, as the importer reads them


def _alpha(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, n = divmod(n, value)
        out += digits * count
    return out


def _first_inlines(blocks: list) -> list:
    return blocks[0]["c"] if blocks and blocks[0].get("t") in ("Para", "Plain") else []


def _part_labels(block: dict, nested_default_alpha: bool) -> list[str] | None:
    """The labels to write for a list of parts, or None when the list is not one.

    A list is parts when it is lettered or in roman numerals ("(a)" is written, whatever the
    delimiter was: it is the importer's part marker), or when every item opens with its own
    label ("(a) ..." typed by hand, or LaTeX's `\\item[(a)]`), which is kept as it is.
    """
    if block["t"] == "OrderedList":
        (start, style, _), items = block["c"][0], block["c"][1]
        style = style["t"]
        if style == "DefaultStyle" and nested_default_alpha:
            style = "LowerAlpha"  # LaTeX numbers a list inside a list (a), (b)
        if style in ("LowerAlpha", "LowerRoman"):
            label = _alpha if style == "LowerAlpha" else _roman
            return [f"({label(start + k)})" for k in range(len(items))]
    elif block["t"] != "BulletList":
        return None
    items = block["c"][1] if block["t"] == "OrderedList" else block["c"]
    if items and all(_LABEL.fullmatch(_text(_first_inlines(item)).split(" ", 1)[0] or "-") for item in items):
        return [""] * len(items)
    return None


def _labelled(label: str, blocks: list) -> list:
    """An item's blocks at the top level, its label leading its first paragraph."""
    if not label:
        return [{"t": "Para", "c": b["c"]} if b.get("t") == "Plain" else b for b in blocks]
    mark = {"t": "RawInline", "c": ["markdown", label]}  # raw, so the writer does not escape it to \(a\)
    first = _first_inlines(blocks)
    head = [{"t": "Para", "c": [mark, {"t": "Space"}, *first] if first else [mark]}]
    rest = blocks[1:] if first else blocks
    return head + [{"t": "Para", "c": b["c"]} if b.get("t") == "Plain" else b for b in rest]


def _parts(blocks: list, nested_default_alpha: bool, depth: int = 0) -> list:
    """Lists of parts become "(a) ..." paragraphs at the top level, where the importer finds part markers.

    Written as a Markdown list, an answer's second paragraph would be indented four spaces under
    "(a)", which the importer (reading "(a)" as text, not a list) would take for a code block.
    A numbered list of questions holding lists of parts is opened up the same way ("1. ...").
    """
    out = []
    for block in blocks:
        labels = _part_labels(block, depth > 0 and nested_default_alpha) if depth < 2 else None
        if labels is not None:
            items = block["c"][1] if block["t"] == "OrderedList" else block["c"]
            for label, item in zip(labels, items):
                out += _labelled(label, item)
        elif block["t"] == "OrderedList" and depth == 0 and any(
                _part_labels(b, nested_default_alpha) is not None for item in block["c"][1] for b in item):
            (start, style, delim), items = block["c"]
            for k, item in enumerate(items):
                number = f"{start + k}"
                label = {"OneParen": f"{number})", "TwoParens": f"({number})"}.get(delim["t"], f"{number}.")
                out += _labelled(label, _parts(item, nested_default_alpha, depth + 1))
        else:
            out.append({"t": "Para", "c": block["c"]} if block["t"] == "Plain" and depth == 0 else block)
    return out
