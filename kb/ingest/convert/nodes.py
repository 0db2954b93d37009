"""pandoc's JSON AST, walked and read: every list of elements mapped, inlines as plain text. Pure."""

from __future__ import annotations

_EMPHASIS = {"Strong", "Emph", "Underline", "SmallCaps", "Strikeout"}
_BLANK_INLINES = {"Space", "SoftBreak", "LineBreak"}


def _element(node: object) -> bool:
    return isinstance(node, dict) and "t" in node


def _map_lists(node: object, fn) -> object:
    """Apply `fn` to every list of AST elements, innermost first (an element is {"t": ..., "c": ...})."""
    if type(node) is list:
        node = [_map_lists(item, fn) if type(item) in (list, dict) else item for item in node]
        return fn(node) if node and all(_element(item) for item in node) else node
    if type(node) is dict and type(node.get("c")) is list:  # Str's "c" is a string: nothing inside
        return {**node, "c": _map_lists(node["c"], fn)}
    return node


def _text(inlines: list) -> str:
    """Plain text of inlines (pandoc's stringify, as far as the tests of a label need)."""
    out = []
    for item in inlines:
        t, c = item.get("t"), item.get("c")
        if t == "Str":
            out.append(c)
        elif t in _BLANK_INLINES:
            out.append(" ")
        elif t == "Link":
            out.append(_text(c[1]))  # [attr, inlines, target]
        elif t in _EMPHASIS or t in ("Span", "Quoted", "Cite"):
            out.append(_text(c[-1] if t in ("Span", "Quoted", "Cite") else c))
        elif t == "Math":
            out.append(c[1])
    return "".join(out)


def _plain(inlines: list) -> list:
    """Inlines without emphasis: a heading is bold already, and `# **Q1** *(5 marks)*` hides its label."""
    out = []
    for item in inlines:
        out += _plain(item["c"]) if item.get("t") in _EMPHASIS else [item]
    return out


def _trim(inlines: list) -> list:
    while inlines and inlines[0].get("t") in _BLANK_INLINES:
        inlines = inlines[1:]
    while inlines and inlines[-1].get("t") in _BLANK_INLINES:
        inlines = inlines[:-1]
    return inlines
