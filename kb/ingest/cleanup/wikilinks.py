"""Wikilinks to no concept: made their words, so that an imported page builds."""

from __future__ import annotations

import re

from kb.plaintext import WIKILINK

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
            pieces = re.split(r"(`+[^`]*`+|\$\$.+?\$\$|\$[^$]+\$)", line)  # inline code and math stay as written
            line = "".join(p if p[:1] in "`$" else WIKILINK.sub(swap, p) for p in pieces)
        out.append(line)
    return "\n".join(out), gone
