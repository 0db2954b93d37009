"""Answer sheets in every common format -> the Markdown (or plain text) the importer reads.

`sniff` names a document's format from its bytes, content first and extension second;
`convert` turns the bytes into text:

- Markdown and plain text are read as they are, by the rules of `decode`
  (UTF-8, BOM dropped, Unix newlines; NUL bytes and empty files refused);
- LaTeX, Word (.docx), OpenDocument text (.odt), HTML and notebooks (.ipynb) go through pandoc,
  run as a sandboxed program: reader -> pandoc's JSON AST -> `tidy` (pure) -> Markdown writer,
  so what comes out is the Markdown subset the importer and MkDocs read;
- a PDF gives its text layer, line by line (pypdfium2).

Documents are untrusted: more than MAX_BYTES (50 MB) is refused before any work, and a
conversion that runs longer than TIMEOUT (60 s) is stopped. Both are DocumentErrors, like
everything else we cannot read; nothing here hangs or lets a converter's traceback out.

Each step is a module named after what it owns, and `convert` calls them in order: `formats`
(sniff), `encoding` (decode), `limits` (size, time, pandoc's heap), `latex` and `odt` (what pandoc
needs done first), `pandoc` (the program, its readers and writer), `tidy` with `nodes` and `parts`
(the AST pass), `media` (the images), `escapes` (unescape) and `pdf` (the text layer).
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.ingest.convert import tidy
from kb.ingest.convert.encoding import _html_utf8, decode
from kb.ingest.convert.folds import keep_folds
from kb.ingest.convert.escapes import unescape
from kb.ingest.convert.formats import _BY_EXTENSION, EXTENSIONS, FORMATS, sniff
from kb.ingest.convert.latex import prepare_latex
from kb.ingest.convert.limits import MAX_BYTES, TIMEOUT, Deadline
from kb.ingest.convert.media import _collect_media
from kb.ingest.convert.odt import _FRAME, _mathml_to_tex, _odt_formulas, _put_formulas
from kb.ingest.convert.pandoc import _READERS, _WRITER, _pandoc
from kb.ingest.convert.pdf import _PdfLine, _pdf_text, layout
from kb.ingest.lines import DocumentError

__all__ = ["EXTENSIONS", "FORMATS", "MAX_BYTES", "TIMEOUT", "Converted", "convert", "decode", "layout", "prepare_latex",
           "sniff", "unescape"]
# Also importable from here, as before the split (the tests read them): _BY_EXTENSION, _FRAME, _PdfLine.
# `convert` reads MAX_BYTES and TIMEOUT from this module, so a test may lower them here.


@dataclass(frozen=True)
class Converted:
    text: str  # Markdown (or the plain text as it was, for .md/.txt), Unix newlines, no BOM
    format: str  # one of FORMATS' keys
    converted: bool  # False for markdown/text (read as they are); True when a converter made `text`
    images: dict[str, bytes] = field(default_factory=dict)  # extracted media, by the relative path `text` links
    warnings: tuple[str, ...] = ()  # "file:line: message" (line 1 when no better line is known)


def convert(data: bytes, name: str) -> Converted:
    """The document's text as the importer reads it; raises DocumentError(name, line, message)."""
    if len(data) > MAX_BYTES:
        raise DocumentError(name, 1, f"is {len(data):,} bytes; the limit is {MAX_BYTES // 2**20} MB ({MAX_BYTES:,} bytes)")
    fmt = sniff(data, name)
    if fmt in ("markdown", "text"):
        return Converted(decode(data, name), fmt, False)
    if fmt == "pdf":
        text, warnings = _pdf_text(data, name, Deadline(time.monotonic() + TIMEOUT, TIMEOUT))
        return Converted(text, fmt, True, {}, warnings)
    return _pandoc_convert(data, name, fmt)


# pandoc: reader -> JSON AST -> tidy -> Markdown writer.
def _pandoc_convert(data: bytes, name: str, fmt: str) -> Converted:
    deadline = Deadline(time.monotonic() + TIMEOUT, TIMEOUT)
    formulas: list[str] = []
    if fmt == "latex":
        data = prepare_latex(decode(data, name)).encode("utf-8")
    elif fmt == "html":
        data = keep_folds(decode(_html_utf8(data, name), name)).encode("utf-8")
    elif fmt == "ipynb":
        data = keep_folds(data.decode("utf-8", "replace")).encode("utf-8")
    elif fmt == "odt":
        data, formulas = _odt_formulas(data, name)
    with tempfile.TemporaryDirectory(prefix="kb-convert-") as tmp:
        args = ["-f", _READERS[fmt], "-t", "json"]
        if fmt in ("docx", "odt", "ipynb"):  # media inside the file; HTML's and LaTeX's are links to files beside it
            args.append("--extract-media=.")
        if fmt == "ipynb":
            # Outputs are dropped: the answers are in the cells people wrote; outputs are logs, plots
            # and HTML tables, often long, that would bury the answers on a question page.
            args.append("--ipynb-output=none")
        raw, warnings = _pandoc(args, data, name, deadline, tmp)
        try:
            ast = json.loads(raw)
        except ValueError:
            raise DocumentError(name, 1, "cannot be read by pandoc: it gave no document") from None
        if formulas:
            tex = _mathml_to_tex(formulas, name, deadline, tmp)
            if tex is None:  # better a marked gap than a formula in the wrong place
                warnings.append(f"{name}:1: {len(formulas)} formulas could not be read; each is shown as [formula]")
                tex = [("", "[formula]")] * len(formulas)
            ast = _put_formulas(ast, tex)
        ast = tidy.tidy(ast, fmt)
        ast, images = _collect_media(ast, Path(tmp)) if b'"Image"' in raw else (ast, {})
        out, more = _pandoc(["-f", "json", "-t", _WRITER, "--wrap=none", "--markdown-headings=atx"],
                            json.dumps(ast).encode("utf-8"), name, deadline, tmp)
    text = unescape(out.decode("utf-8").replace("\r\n", "\n")).strip("\n") + "\n"
    if not text.strip():
        raise DocumentError(name, 1, f"has no text once converted from {FORMATS[fmt]}")
    return Converted(text, fmt, True, images, tuple(warnings + more))
