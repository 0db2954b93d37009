"""pandoc, run as a sandboxed program: the readers we ask it for, the Markdown it writes, one run.

`_pandoc` runs it once within the document's deadline; pandoc's error is a DocumentError at the
line it names, its warnings are "file:line: pandoc: ..." lines.
"""

from __future__ import annotations

import re
import subprocess
import time

from kb.ingest.convert.limits import PANDOC_HEAP, Deadline
from kb.ingest.lines import DocumentError

# Every reader without auto_identifiers: we write no heading ids, and making them unique is
# quadratic in pandoc (8,000 headings all called "Answer" take 9 s to read instead of 0.5 s).
_READERS = {
    "latex": "latex-auto_identifiers",  # latex_macros is on by default: \newcommand macros are expanded, in math too
    "docx": "docx-auto_identifiers",
    "odt": "odt-auto_identifiers",
    # MathJax-style math written in the page's text, \(...\) and $...$, is math, not text.
    "html": "html-auto_identifiers+tex_math_dollars+tex_math_single_backslash",
    # Markdown inside <div> in a notebook's cells is read as Markdown, so dropping the tags keeps the text.
    "ipynb": "ipynb-auto_identifiers+markdown_in_html_blocks+native_divs",
}
# pandoc's own Markdown, minus everything the importer (markdown-it) and MkDocs (Python-Markdown)
# don't read. Not gfm: its math is $`x`$. Not commonmark_x: it writes hard breaks as a trailing
# backslash, which Python-Markdown shows. Here: ATX headings, $x$ math, **bold**, pipe tables,
# hard breaks as two spaces, `&lt;` for "<" (not `\<`, which Python-Markdown shows), no smart
# quotes turned back into "---" and '...', no raw HTML or TeX, no {#id} or {width=...}, no :::
# divs, no [text]{.span}, no @citations. fancy_lists stays on so "A." lists keep their letters.
_WRITER = "markdown" + "".join("-" + e for e in (
    "raw_html", "raw_tex", "raw_attribute", "native_divs", "native_spans", "fenced_divs", "bracketed_spans",
    "header_attributes", "link_attributes", "inline_code_attributes", "fenced_code_attributes", "smart",
    "citations", "simple_tables", "multiline_tables", "grid_tables", "all_symbols_escapable",
    "escaped_line_breaks", "line_blocks", "superscript", "subscript", "definition_lists", "example_lists",
    "inline_notes"))


def _pandoc(args: list[str], stdin: bytes, name: str, deadline: Deadline, cwd: str) -> tuple[bytes, list[str]]:
    """Run pandoc, sandboxed (it reads no file but its input, fetches nothing); stdout and its warnings."""
    import pypandoc  # a lazy import: the Markdown path needs no pandoc

    remaining = deadline.at - time.monotonic()
    if remaining <= 0:
        raise deadline.passed(name)
    try:
        command = [pypandoc.get_pandoc_path(), "+RTS", f"-M{PANDOC_HEAP}", "-RTS", "--sandbox", *args]
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=remaining, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise deadline.passed(name) from None
    except OSError as exc:
        raise DocumentError(name, 1, f"cannot be converted: pandoc did not start ({exc})") from None
    errors = done.stderr.decode("utf-8", "replace").splitlines()
    if done.returncode:
        # pandoc's error is its first paragraph: "Error at (line 2, column 2):" / "unexpected end of input" / ...
        lines = [e.strip() for e in errors if not e.startswith("[WARNING]")]
        start = next((k for k, e in enumerate(lines) if e), len(lines))
        end = next((k for k in range(start, len(lines)) if not lines[k]), len(lines))
        paragraph = lines[start:end][:3]
        first = " ".join(paragraph[:1] + ["; ".join(paragraph[1:])]).strip() or f"pandoc stopped with exit status {done.returncode}"
        m = re.search(r"line (\d+)", first)
        raise DocumentError(name, int(m[1]) if m else 1, f"cannot be read by pandoc: {first}")
    warnings = []
    for e in errors:
        if e.startswith("[WARNING]"):
            m = re.search(r"line (\d+)", e)
            warnings.append(f"{name}:{m[1] if m else 1}: pandoc: {e.removeprefix('[WARNING]').strip()}")
    return done.stdout, warnings
