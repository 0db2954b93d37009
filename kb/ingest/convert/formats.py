"""Which format a document is in: by content first, extension second.

`sniff` names it (a key of FORMATS); a binary we don't read is a DocumentError that says what it is
and which formats we read.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from kb.ingest.lines import DocumentError

FORMATS: dict[str, str] = {
    "markdown": "Markdown (.md)",
    "text": "plain text (.txt)",
    "latex": "LaTeX (.tex)",
    "docx": "Word (.docx)",
    "odt": "OpenDocument text (.odt)",
    "html": "HTML (.html)",
    "ipynb": "Jupyter notebook (.ipynb)",
    "pdf": "PDF with a text layer (.pdf)",
}
EXTENSIONS: tuple[str, ...] = (".md", ".markdown", ".txt", ".tex", ".docx", ".odt", ".html", ".htm", ".ipynb", ".pdf")
_BY_EXTENSION = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".tex": "latex", ".docx": "docx",
                 ".odt": "odt", ".html": "html", ".htm": "html", ".ipynb": "ipynb", ".pdf": "pdf"}


def _we_read() -> str:
    return "we read " + ", ".join(FORMATS.values())


# Binary files people drop in by mistake, by their first bytes: named, so the error can say what it is.
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old binary Office file (.doc, .xls); save it as .docx"),
    (b"{\\rtf", "an RTF file; save it as .docx"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"\x7fELF", "a program"),
)
_LATEX = re.compile(rb"^[ \t]*\\(?:documentclass\b|begin\{document\}|(?:sub)*section\*?\s*\{)", re.M)
_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_FENCE = re.compile(rb"^[ \t]{0,3}(?:```|~~~)", re.M)


def _zip_format(data: bytes, name: str) -> str:
    """docx or odt by the members that make one; any other zip is an error saying what it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip() if "mimetype" in members else ""
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        raise DocumentError(name, 1, f"is a damaged or cut-off zip archive ({exc}); {_we_read()}") from None
    if "word/document.xml" in members:
        return "docx"
    if mimetype == "application/vnd.oasis.opendocument.text":
        return "odt"
    what = f"a zip archive of {mimetype}" if mimetype else "a zip archive that is neither a Word nor an OpenDocument text file"
    raise DocumentError(name, 1, f"is {what}; {_we_read()}")


def _looks_binary(head: bytes) -> bool:
    """Not UTF-8, and control bytes (other than tab, newlines, form feed) in more than 1 byte in 20.

    Text in another encoding (Latin-1, UTF-16 with its BOM) and UTF-8 with a stray NUL stay
    text, so the Markdown path can say what is wrong with them, at which line.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return False  # a character cut in two by the 8 KB window
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13) or b == 127)
    return controls * 20 > len(head)


def _looks_latex(data: bytes) -> bool:
    """A preamble or sectioning command at the start of a line, before any Markdown code fence."""
    m = _LATEX.search(data)
    fence = _FENCE.search(data)
    return bool(m) and not (fence and fence.start() < m.start())  # a .md quoting LaTeX in a fence stays Markdown


def sniff(data: bytes, name: str) -> str:
    """The format of `data` (a key of FORMATS); raises DocumentError for a binary we don't read."""
    ext = PurePosixPath(name).suffix.lower()
    head = data[:8192]
    if b"%PDF-" in data[:1024]:  # the PDF header may follow a little junk
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(data, name)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise DocumentError(name, 1, f"is {what}; {_we_read()}")
    if ext in (".docx", ".odt", ".pdf"):
        raise DocumentError(name, 1, f"is named {ext} but is not a {FORMATS[_BY_EXTENSION[ext]]} file; {_we_read()}")
    if _looks_binary(head):
        raise DocumentError(name, 1, f"is a binary file of no format we know; {_we_read()}")
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"{") and b'"cells"' in data and b'"nbformat"' in data:
        return "ipynb"
    if _HTML.match(stripped):
        return "html"
    if _looks_latex(data):
        return "latex"
    return _BY_EXTENSION.get(ext, "text")
