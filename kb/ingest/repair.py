"""Conservative repairs of PDF-extraction damage: math and page breaks.

Each math rule is listed in `MATH_RULES`, applies only inside `$...$`/`$$...$$`,
and is counted, so the importer's report says exactly what it changed. Nothing
else in the text is rewritten.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

from kb.ingest.lines import BLANK, TEXT, Line


@dataclass(frozen=True)
class MathRule:
    name: str
    pattern: re.Pattern
    replacement: str | Callable[[re.Match], str]


MATH_RULES: tuple[MathRule, ...] = (
    # `$\{R\}^n$`: the blackboard R lost its \mathbb and kept escaped braces.
    MathRule("blackboard-R", re.compile(r"\\\{R\\\}"), r"\\mathbb{R}"),
    # `R^{n \times d}` used as a set of matrices: a bare R with a dimension exponent.
    MathRule("matrix-space-R", re.compile(r"(?<![\\A-Za-z{])R(?=\^\{[^{}]*\\times[^{}]*\})"), r"\\mathbb{R}"),
    # `p\theta(x)`: the subscript underscore was dropped.
    MathRule("p-theta-subscript", re.compile(r"(?<![\\A-Za-z])p\\theta(?![A-Za-z])"), r"p_\\theta"),
    # `DKL(q || p)`: the KL divergence lost its subscript.
    MathRule("D-KL-subscript", re.compile(r"(?<![\\A-Za-z])DKL(?![A-Za-z])"), r"D_{KL}"),
)

# Inline math with spaces just inside the dollars (`$ x $`) is not recognised as math.
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?P<inner>[^$\n]+?)(?<![\\$])\$(?!\$)")
DISPLAY_MATH = re.compile(r"\$\$(?P<inner>.+?)\$\$")
CODE_SPAN = re.compile(r"(`+).+?\1")
TRIM_RULE = "trim-inline-math-spaces"
INLINE_DISPLAY_RULE = "display-math-in-a-sentence-made-inline"


def repair_math(text: str, counts: Counter) -> str:
    """Apply every math rule inside math; `text` is one line or one display block, outside code."""
    if "$" not in text:
        return text  # no math, nothing to repair: most lines of a document

    def fix(inner: str) -> str:
        for rule in MATH_RULES:
            inner, n = rule.pattern.subn(rule.replacement, inner)
            counts[rule.name] += n
        return inner

    def inline(m: re.Match) -> str:
        inner = m["inner"]
        trimmed = inner.strip()
        if not (inner[:1].isspace() and inner[-1:].isspace()):
            return f"${fix(inner)}$" if not inner[-1:].isspace() else m.group(0)  # "$5 and $6": prices, not math
        if trimmed:
            counts[TRIM_RULE] += 1
        return f"${fix(trimmed or inner)}$"

    alone = text.strip().startswith("$$") and text.strip().endswith("$$")

    def display(m: re.Match) -> str:
        if alone:
            return f"$${fix(m['inner'])}$$"
        # "The sum $$x^2$$ is never negative": arithmatex shows `$$` inside a sentence as stray dollars.
        counts[INLINE_DISPLAY_RULE] += 1
        return f"${fix(m['inner'].strip())}$"

    def outside_code(segment: str) -> str:
        segment = DISPLAY_MATH.sub(display, segment)
        # Display math is done; protect it from the inline pattern by splitting on it.
        pieces = re.split(r"(\$\$.+?\$\$)", segment)
        return "".join(p if p.startswith("$$") else INLINE_MATH.sub(inline, p) for p in pieces)

    out, last = [], 0
    for code in CODE_SPAN.finditer(text):
        out.append(outside_code(text[last:code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(outside_code(text[last:]))
    return "".join(out)


def repair_display_block(lines: list[str], counts: Counter) -> list[str]:
    """A multi-line `$$` block: every line is math."""
    fixed = []
    for line in lines:
        for rule in MATH_RULES:
            line, n = rule.pattern.subn(rule.replacement, line)
            counts[rule.name] += n
        fixed.append(line)
    return fixed


# A line the PDF export cut mid-sentence ends in a word or a comma...
CUT_END = re.compile(r"[A-Za-z0-9,\-]$")
# ...and its continuation, after the blank line, starts in lower case or with "(word".
CONTINUATION = re.compile(r"^(?:[a-z]|\((?=[a-z0-9]))")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
PAGE_BREAK_RULE = "page-break-joined"


def join_page_breaks(lines: list[Line], counts: Counter) -> list[Line]:
    """Rejoin sentences cut across blank lines; real paragraph breaks end in punctuation and stay."""
    out: list[Line] = []
    for line in lines:
        k = len(out)
        while k and out[k - 1].kind == BLANK:
            k -= 1
        prev = out[k - 1] if k else None
        if (
            k < len(out)  # at least one blank line in between
            and prev is not None
            and prev.kind == line.kind == TEXT
            and CUT_END.search(prev.text.rstrip())
            and CONTINUATION.match(line.text.lstrip())
            and not LIST_ITEM.match(line.text)
        ):
            counts[PAGE_BREAK_RULE] += 1
            del out[k:]
            out[-1] = replace(prev, text=prev.text.rstrip() + " " + line.text.lstrip())
            continue
        out.append(line)
    return out
