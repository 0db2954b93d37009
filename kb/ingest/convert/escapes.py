r"""The written Markdown, with the escapes pandoc adds for its own Markdown dialect removed where
the importer and MkDocs read the character as itself. \( and \[ matter most: MkDocs' arithmatex
reads "\(a\)" as math.
"""

from __future__ import annotations

import re

_SPANS = re.compile(r"(`+).*?\1|\$\$.*?\$\$|(?<![\\$])\$(?!\s)[^$\n]*?(?<![\\\s])\$")  # code and math: left alone
_BRACKETS = re.compile(r"\\\[(?!\^)([^\[\]\n]*?)\\\](?![(\[:])")  # \[1\] but not a link or a footnote


def _unescape_text(text: str, line_start: bool, table_row: bool) -> str:
    text = text.replace("\\(", "(")
    # "1\)" opening a line stays escaped: unescaped it would start a numbered list.
    text = re.sub(r"\\\)", lambda m: m[0] if line_start and re.fullmatch(r"\s*\d+", text[:m.start()]) else ")", text)
    text = _BRACKETS.sub(r"[\1]", text)
    text = re.sub(r"(?<=\S)\\#|\\#(?=\S)", "#", text) if not line_start else re.sub(r"(?<=\S)\\#", "#", text)
    text = text.replace("\\@", "@")
    if line_start:
        text = re.sub(r"^(\s*[A-Za-z])\\\.(?=\s)", r"\1.", text)  # "a\." : letter lists exist only in pandoc's dialect
    if not table_row:
        text = text.replace("\\|", "|")
    return text


def unescape(markdown: str) -> str:
    """Drop the escapes our readers don't need; code blocks, `$$` blocks and inline code/math untouched."""
    out, fence, in_math = [], "", False
    for line in markdown.split("\n"):
        bare = line.strip()
        if fence:
            fence = "" if bare.startswith(fence) and not bare.strip("`~") else fence
        elif bare.startswith(("```", "~~~")):
            fence = re.match(r"`+|~+", bare)[0]
        elif bare == "$$":
            in_math = not in_math
        elif in_math:
            pass
        elif bare == "&nbsp;":
            continue  # pandoc's separator between two lists: the lists merge, which reads the same
        elif "\\" in line:  # most lines have no escape at all
            pieces, pos, table_row = [], 0, bare.startswith("|")
            for m in _SPANS.finditer(line):
                pieces += [_unescape_text(line[pos:m.start()], pos == 0, table_row), m[0]]
                pos = m.end()
            line = "".join(pieces) + _unescape_text(line[pos:], pos == 0, table_row)
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))
