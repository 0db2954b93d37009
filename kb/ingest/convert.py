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
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kb.ingest.lines import DocumentError

MAX_BYTES = 50 * 1024 * 1024  # larger inputs are refused: no exam answer sheet needs more
TIMEOUT = 60.0  # seconds for one document's conversion, every pandoc run included
PANDOC_HEAP = "2g"  # pandoc's own heap limit (+RTS -M), as its manual advises for untrusted input

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


@dataclass(frozen=True)
class Converted:
    text: str  # Markdown (or the plain text as it was, for .md/.txt), Unix newlines, no BOM
    format: str  # one of FORMATS' keys
    converted: bool  # False for markdown/text (read as they are); True when a converter made `text`
    images: dict[str, bytes] = field(default_factory=dict)  # extracted media, by the relative path `text` links
    warnings: tuple[str, ...] = ()  # "file:line: message" (line 1 when no better line is known)


def _we_read() -> str:
    return "we read " + ", ".join(FORMATS.values())


# ---------------------------------------------------------------------------------------------
# Which format: by content first, extension second.

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


def convert(data: bytes, name: str) -> Converted:
    """The document's text as the importer reads it; raises DocumentError(name, line, message)."""
    if len(data) > MAX_BYTES:
        raise DocumentError(name, 1, f"is {len(data):,} bytes; the limit is {MAX_BYTES // 2**20} MB ({MAX_BYTES:,} bytes)")
    fmt = sniff(data, name)
    if fmt in ("markdown", "text"):
        return Converted(decode(data, name), fmt, False)
    if fmt == "pdf":
        text, warnings = _pdf_text(data, name, time.monotonic() + TIMEOUT)
        return Converted(text, fmt, True, {}, warnings)
    return _pandoc_convert(data, name, fmt)


def decode(data: bytes, source: str) -> str:
    """UTF-8 text with Unix newlines; other encodings are an error at the offending line (Markdown and text)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(source, line, f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise DocumentError(source, text[: text.index("\x00")].count("\n") + 1, "contains NUL bytes; is it a binary file?")
    if not text.strip():
        raise DocumentError(source, 1, "is empty")
    return text


# ---------------------------------------------------------------------------------------------
# pandoc: reader -> JSON AST -> tidy -> Markdown writer.

# Every reader without auto_identifiers: we write no heading ids, and making them unique is
# quadratic in pandoc (8,000 headings all called "Answer" take 9 s to read instead of 0.5 s).
_READERS = {
    "latex": "latex-auto_identifiers",  # latex_macros is on by default: \newcommand macros are expanded, in math too
    "docx": "docx-auto_identifiers",
    "odt": "odt-auto_identifiers",
    # MathJax-style math written in the page's text, \(...\) and $...$, is math, not text.
    "html": "html-auto_identifiers+tex_math_dollars+tex_math_single_backslash",
    # Markdown inside <div> in a notebook's cells is read as Markdown, so dropping the tags keeps the text.
    "ipynb": "ipynb-auto_identifiers+markdown_in_html_blocks",
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
_MIME_EXT = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg",
             "image/webp": ".webp", "image/bmp": ".bmp", "image/x-emf": ".emf", "image/x-wmf": ".wmf"}


def _pandoc(args: list[str], stdin: bytes, name: str, deadline: float, cwd: str) -> tuple[bytes, list[str]]:
    """Run pandoc, sandboxed (it reads no file but its input, fetches nothing); stdout and its warnings."""
    import pypandoc  # a lazy import: the Markdown path needs no pandoc

    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DocumentError(name, 1, f"took longer than {TIMEOUT:.0f} s to convert; stopped")
    try:
        command = [pypandoc.get_pandoc_path(), "+RTS", f"-M{PANDOC_HEAP}", "-RTS", "--sandbox", *args]
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=remaining, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise DocumentError(name, 1, f"took longer than {TIMEOUT:.0f} s to convert; stopped") from None
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


def _pandoc_convert(data: bytes, name: str, fmt: str) -> Converted:
    deadline = time.monotonic() + TIMEOUT
    formulas: list[str] = []
    if fmt == "latex":
        data = prepare_latex(decode(data, name)).encode("utf-8")
    elif fmt == "html":
        data = decode(_html_utf8(data, name), name).encode("utf-8")
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
        ast = tidy(ast, fmt)
        ast, images = _collect_media(ast, Path(tmp)) if b'"Image"' in raw else (ast, {})
        out, more = _pandoc(["-f", "json", "-t", _WRITER, "--wrap=none", "--markdown-headings=atx"],
                            json.dumps(ast).encode("utf-8"), name, deadline, tmp)
    text = unescape(out.decode("utf-8").replace("\r\n", "\n")).strip("\n") + "\n"
    if not text.strip():
        raise DocumentError(name, 1, f"has no text once converted from {FORMATS[fmt]}")
    return Converted(text, fmt, True, images, tuple(warnings + more))


def _html_utf8(data: bytes, name: str) -> bytes:
    """HTML as UTF-8: pandoc reads nothing else, and Word's "Save as Web Page" writes windows-1252."""
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        m = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.I)
        try:
            return data.decode(m[1].decode("ascii")).encode("utf-8") if m else decode(data, name).encode()
        except (LookupError, UnicodeDecodeError):
            return decode(data, name).encode()  # raises the UTF-8 error with its line


# ---------------------------------------------------------------------------------------------
# LaTeX, before pandoc: what pandoc drops or misreads in answer sheets.

_BOXES = {"fbox": 1, "framebox": 1, "fcolorbox": 3, "makebox": 1, "parbox": 2}  # mandatory arguments; the last is the text
_COUNTERS = {r"\alph*": "a", r"\Alph*": "A", r"\roman*": "i", r"\Roman*": "I", r"\arabic*": "1"}


def _group_end(tex: str, start: int, open_: str = "{", close: str = "}") -> int:
    """Index just past the group opened at tex[start]; braces escaped as \\{ \\} don't count."""
    depth, i = 0, start
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(tex)  # unbalanced: take the rest, pandoc will say what is wrong


def _arguments(tex: str, i: int, count: int) -> tuple[list[str], int]:
    """Skip [optional] arguments and read `count` {mandatory} ones from tex[i:]; ([], i) if they aren't there."""
    args = []
    while len(args) < count:
        while i < len(tex) and tex[i] in " \t\n":
            i += 1
        if i < len(tex) and tex[i] == "[" and not args:
            i = _group_end(tex, i, "[", "]")
        elif i < len(tex) and tex[i] == "{":
            end = _group_end(tex, i)
            args.append(tex[i + 1:end - 1])
            i = end
        else:
            return [], i
    return args, i


def _unbox(tex: str) -> str:
    """`\\fbox{\\parbox{w}{(a) ...}}` -> `(a) ...`: pandoc drops a framed box and the text in it."""
    pattern = re.compile(r"\\(" + "|".join(_BOXES) + r")(?![A-Za-z])")
    out, pos = [], 0
    for m in pattern.finditer(tex):
        if m.start() < pos:
            continue  # inside a box already taken apart: the recursion below handles it
        args, end = _arguments(tex, m.end(), _BOXES[m[1]])
        if not args:
            continue
        # Bare, not in braces: pandoc takes a group after `\noindent` for its argument and drops it.
        out += [tex[pos:m.start()], _unbox(args[-1])]
        pos = end
    return "".join(out) + tex[pos:]


def _enumitem_label(options: str) -> str:
    """enumitem's `[label=(\\alph*)]` -> the `[(a)]` of the enumerate package, which pandoc reads."""
    m = re.search(r"label\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[^,\]]+)", options)
    if not m:
        return options
    label = m[1]
    for counter, sample in _COUNTERS.items():
        label = label.replace(counter, sample)
    label = re.sub(r"\\[A-Za-z]+\*?|[{}\s]", "", label)  # \textbf{(a)} -> (a)
    return label if re.fullmatch(r"\(?[aAiI1][.)]?", label) else options


def _lists(tex: str) -> str:
    """Enumerate labels pandoc can read, and `\\item[(a)]` labels kept as the item's first words.

    pandoc ignores enumitem's `label=` and drops the optional label of `\\item` in enumerate and
    itemize (a description list keeps it as the term, so that one is left alone).
    """
    token = re.compile(r"\\(begin|end)\{(enumerate|itemize|description)\}|\\item(?![A-Za-z])")
    out, pos, stack = [], 0, []
    for m in token.finditer(tex):
        if m.start() < pos:
            continue
        if m[1] == "begin":
            stack.append(m[2])
            i = m.end()
            while i < len(tex) and tex[i] in " \t":
                i += 1
            if m[2] == "enumerate" and tex.startswith("[", i):
                end = _group_end(tex, i, "[", "]")
                out += [tex[pos:i], "[", _enumitem_label(tex[i + 1:end - 1]), "]"]
                pos = end
        elif m[1] == "end":
            if stack:
                stack.pop()
        elif stack and stack[-1] != "description":
            i = m.end()
            while i < len(tex) and tex[i] in " \t":
                i += 1
            if tex.startswith("[", i):
                end = _group_end(tex, i, "[", "]")
                out += [tex[pos:m.end()], " {", tex[i + 1:end - 1], "} "]
                pos = end
    return "".join(out) + tex[pos:]


# The `exam` document class (\question, \part, solution environments), which pandoc does not know: it drops
# \question and \part, and with them every part's text. Rewritten to sections and labelled paragraphs.
_EXAM = re.compile(r"\\(?:(?P<q>question|titledquestion|bonusquestion)|(?P<p>part|subpart|subsubpart))(?![A-Za-z])"
                   r"|\\(?P<env>begin|end)\{(?P<name>questions|parts|subparts|subsubparts|solution|solutionorbox|"
                   r"solutionorlines|solutionordottedlines|choices|checkboxes|oneparchoices)\}")
_EXAM_LABELS = {"part": "abcdefghijklmnopqrstuvwxyz", "subpart": ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]}


def _exam_class(tex: str) -> str:
    r"""`\question[10] Why ...?` -> `\section*{Question 1 (10 points)} Why ...?`; `\part[2] ...` -> `(a) ...`;
    a solution environment -> `\textbf{Solution:} ...`. Only documents that use the class's environment."""
    if "\\begin{questions}" not in tex:
        return tex
    out, pos, question, counters = [], 0, 0, {"part": 0, "subpart": 0}
    for m in _EXAM.finditer(tex):
        if m.start() < pos:
            continue
        out.append(tex[pos:m.start()])
        pos = m.end()
        if m["q"]:
            title = ""
            if m["q"] == "titledquestion" and tex.startswith("{", pos):
                end = _group_end(tex, pos)
                title, pos = tex[pos + 1:end - 1], end
            points = ""
            if tex.startswith("[", pos):
                end = _group_end(tex, pos, "[", "]")
                points, pos = tex[pos + 1:end - 1].strip(), end
            question += 1
            counters = {"part": 0, "subpart": 0}
            head = f"Question {question}" + (f": {title}" if title else "") + (f" ({points} points)" if points else "")
            out.append(f"\n\n\\section*{{{head}}}\n\n")
        elif m["p"]:
            kind = "subpart" if m["p"] != "part" else "part"
            if kind == "part":
                counters["subpart"] = 0
            labels = _EXAM_LABELS[kind]
            label = labels[counters[kind]] if counters[kind] < len(labels) else str(counters[kind] + 1)
            counters[kind] += 1
            points = ""
            if tex.startswith("[", pos):
                end = _group_end(tex, pos, "[", "]")
                points, pos = f" ({tex[pos + 1:end - 1].strip()} points)", end
            out.append(f"\n\n({label}){points} ")
        elif m["name"].startswith("solution"):
            if m["env"] == "begin":
                if tex.startswith("[", pos):  # the box height
                    pos = _group_end(tex, pos, "[", "]")
                out.append("\n\n\\textbf{Solution:} ")
            else:
                out.append("\n\n")
        elif m["name"] in ("choices", "checkboxes", "oneparchoices"):
            out.append("\\begin{itemize}" if m["env"] == "begin" else "\\end{itemize}")
        else:
            out.append("\n\n")  # questions, parts: their items are now paragraphs
    out.append(tex[pos:])
    text = re.sub(r"\\CorrectChoice(?![A-Za-z])", r"\\item \\textbf{(correct)} ", "".join(out))
    return re.sub(r"\\choice(?![A-Za-z])", r"\\item ", text)


def prepare_latex(tex: str) -> str:
    """The LaTeX pandoc reads best: the exam class's questions as sections, framed boxes opened, list labels kept."""
    return _lists(_unbox(_exam_class(tex)))


# ---------------------------------------------------------------------------------------------
# ODT formulas: pandoc's ODT reader drops them (they are MathML objects inside the zip), so each
# formula frame becomes a placeholder word, and its MathML goes through pandoc's HTML reader,
# which turns MathML into TeX.

# One frame, no frame inside it (a text box's frames are matched on their own), holding an object.
_FRAME = re.compile(rb"<draw:frame\b(?:(?!</draw:frame>|<draw:frame\b).)*?<draw:object\b[^>]*?xlink:href=\"(?:\./)?([^\"]+?)/?\""
                    rb"(?:(?!</draw:frame>|<draw:frame\b).)*?</draw:frame>", re.S)
_UNPACKED = 8 * MAX_BYTES  # an ODT unpacking to more than this is refused (we rewrite it whole)
_PLACEHOLDER = "KBFORMULA{}X"


def _odt_formulas(data: bytes, name: str) -> tuple[bytes, list[str]]:
    """The ODT with every formula frame replaced by a placeholder, and the formulas' MathML in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: info for info in archive.infolist()}
        if "content.xml" not in members:
            raise DocumentError(name, 1, "is an OpenDocument file without its content.xml; save it again")
        if sum(info.file_size for info in members.values()) > _UNPACKED:
            raise DocumentError(name, 1, f"unpacks to more than {_UNPACKED // 2**20} MB; refused")
        content = archive.read("content.xml")
        formulas: list[str] = []

        def placeholder(m: re.Match) -> bytes:
            member = m[1].decode("utf-8", "replace") + "/content.xml"
            if member not in members or b"MathML" not in archive.read(member)[:4096]:
                return m[0]  # a chart or other object: left to pandoc
            formulas.append(archive.read(member).decode("utf-8", "replace"))
            return _PLACEHOLDER.format(len(formulas) - 1).encode()

        content = _FRAME.sub(placeholder, content)
        if not formulas:
            return data, []
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as copy:
            for info in archive.infolist():
                copy.writestr(info, content if info.filename == "content.xml" else archive.read(info))
    return out.getvalue(), formulas


def _mathml_to_tex(formulas: list[str], name: str, deadline: float, tmp: str) -> list[tuple[str, str]] | None:
    """(kind, tex) per formula, kind "InlineMath" or "DisplayMath", in one pandoc run; None if they don't pair up."""
    bodies = [re.sub(r"^\s*<\?xml[^>]*\?>", "", f) for f in formulas]
    html = "".join(f"<p>{body}</p>" for body in bodies)
    raw, _ = _pandoc(["-f", "html", "-t", "json"], html.encode("utf-8"), name, deadline, tmp)
    maths = [m for p in json.loads(raw)["blocks"] for m in p.get("c", []) if isinstance(m, dict) and m.get("t") == "Math"]
    if len(maths) != len(formulas):
        return None
    return [("DisplayMath" if 'display="block"' in f else m["c"][0]["t"], m["c"][1]) for f, m in zip(formulas, maths)]


def _put_formulas(ast: dict, tex: list[tuple[str, str]]) -> dict:
    """Placeholder words back to math; a paragraph holding nothing but one formula shows it displayed."""
    word = re.compile(_PLACEHOLDER.format(r"(\d+)"))

    def inlines(items: list) -> list:
        out = []
        for item in items:
            if item.get("t") == "Str" and word.search(item["c"]):
                for k, piece in enumerate(word.split(item["c"])):
                    if k % 2:
                        kind, source = tex[int(piece)]
                        out.append({"t": "Math", "c": [{"t": kind}, source]} if kind else {"t": "Str", "c": source})
                    elif piece:
                        out.append({"t": "Str", "c": piece})
            else:
                out.append(item)
        if len(out) == 1 and out[0].get("t") == "Math" and len(items) == 1:
            out[0]["c"][0] = {"t": "DisplayMath"}
        return out

    blocks = _map_lists(ast["blocks"], lambda items: inlines(items) if any(i.get("t") == "Str" for i in items) else items)
    return {**ast, "blocks": blocks}


# ---------------------------------------------------------------------------------------------
# The AST, tidied into what the importer reads. Pure: JSON in, JSON out.

_EMPHASIS = {"Strong", "Emph", "Underline", "SmallCaps", "Strikeout"}
_LABEL = re.compile(r"\(([a-z]|[ivx]{1,4})\)[.:]?|[a-z]\)")  # "(a)", "(iv)", "a)": part labels, as the importer reads them
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
        elif t in _EMPHASIS or t in ("Span", "Link", "Quoted", "Cite"):
            out.append(_text(c[-1] if t in ("Span", "Link", "Quoted", "Cite") else c))
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


def _collect_media(ast: dict, folder: Path) -> tuple[dict, dict[str, bytes]]:
    """Images pandoc extracted (into `folder`) or the document embedded (data: URIs) -> media/imageN.ext.

    Links to files outside the document (HTML's and LaTeX's images beside it) are left as they are.
    """
    images: dict[str, bytes] = {}
    names: dict[str, str] = {}
    root = folder.resolve()

    def take(src: str) -> str:
        if src in names:
            return names[src]
        if src.startswith("data:"):
            m = re.match(r"data:([\w/+.-]+)?(;base64)?,(.*)", src, re.S)
            if not (m and m[2]):
                return src
            try:
                payload = base64.b64decode(m[3], validate=False)
            except (binascii.Error, ValueError):
                return src
            ext = _MIME_EXT.get((m[1] or "").lower(), ".bin")
        else:
            path = (folder / src).resolve()
            if "://" in src or not path.is_relative_to(root) or not path.is_file():
                return src
            payload, ext = path.read_bytes(), path.suffix.lower()
        key = f"media/image{len(images) + 1}{ext}"
        images[key] = payload
        names[src] = key
        return key

    def visit(items: list) -> list:
        for item in items:
            if item.get("t") == "Image":
                item["c"][2] = [take(item["c"][2][0]), item["c"][2][1]]
        return items

    return {**ast, "blocks": _map_lists(ast["blocks"], visit)}, images


# ---------------------------------------------------------------------------------------------
# The written Markdown, with the escapes pandoc adds for its own Markdown dialect removed where
# the importer and MkDocs read the character as itself. \( and \[ matter most: MkDocs' arithmatex
# reads "\(a\)" as math.

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


# ---------------------------------------------------------------------------------------------
# PDF: the text layer, a line per printed line; a blank line where the page leaves a gap, and a
# heading where the type is larger than the body's (the importer's question parser keys on both).

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\x02": "-", "\u00ad": "-"})


@dataclass(frozen=True)
class _PdfLine:
    text: str
    baseline: float  # y of the first character's origin, in points from the page's bottom
    size: float  # font size of the first character


def _page_lines(textpage) -> list[_PdfLine]:
    """The lines of one page as pdfium orders them; pdfium ends each line with generated \\r\\n."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_double(), ctypes.c_double()
    lines, chars, first = [], [], -1
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code == 10:
            text = "".join(chars).rstrip("\r").translate(_LIGATURES)
            if text.strip() and first >= 0:
                pdfium_c.FPDFText_GetCharOrigin(textpage, first, x, y)
                lines.append(_PdfLine(text.rstrip(), y.value, pdfium_c.FPDFText_GetFontSize(textpage, first)))
            chars, first = [], -1
            continue
        ch = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
        if first < 0 and not ch.isspace():
            first = i
        chars.append(ch)
    text = "".join(chars).translate(_LIGATURES)
    if text.strip() and first >= 0:
        pdfium_c.FPDFText_GetCharOrigin(textpage, first, x, y)
        lines.append(_PdfLine(text.rstrip(), y.value, pdfium_c.FPDFText_GetFontSize(textpage, first)))
    return lines


def layout(pages: list[list[_PdfLine]]) -> str:
    """Lines -> text: blank lines at gaps and between pages, `#` headings for larger type. Pure."""
    sizes: dict[float, int] = {}
    for line in (line for page in pages for line in page):
        sizes[round(line.size, 1)] = sizes.get(round(line.size, 1), 0) + len(line.text)
    body = max(sizes, key=sizes.get) if sizes else 0.0
    larger = sorted({s for s in sizes if s >= body * 1.15}, reverse=True)[:3]  # at most three heading levels
    out: list[str] = []
    for page in pages:
        if out:
            out.append("")
        previous = None
        for line in page:
            level = larger.index(round(line.size, 1)) + 1 if round(line.size, 1) in larger and len(line.text) < 150 else 0
            gap = previous is not None and previous.baseline - line.baseline > 1.45 * max(line.size, previous.size, 1)
            if out and out[-1] and (level or gap or (previous and previous.size >= body * 1.15)):
                out.append("")
            out.append("#" * level + " " + line.text.strip() if level else line.text.strip())
            previous = line
    return "\n".join(out).strip("\n") + "\n"


def _pdf_text(data: bytes, name: str, deadline: float) -> tuple[str, tuple[str, ...]]:
    """The PDF's text layer; a scan (no text at all) or an unreadable PDF is a DocumentError."""
    import pypdfium2 as pdfium  # lazy: loading pdfium is for PDFs only

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = re.search(r"PDFium: ([^)]*)", str(exc))
        reason = reason[1].rstrip(".").lower() if reason else str(exc)
        if "password" in reason:
            raise DocumentError(name, 1, "is an encrypted PDF (it needs a password); save a copy without one") from None
        raise DocumentError(name, 1, f"is a damaged PDF (pdfium: {reason})") from None
    pages: list[list[_PdfLine]] = []
    warnings: list[str] = []
    try:
        for number in range(len(pdf)):
            if time.monotonic() > deadline:  # pdfium works page by page: the time limit is checked between pages
                raise DocumentError(name, 1, f"took longer than {TIMEOUT:.0f} s to convert; stopped")
            page = pdf[number]
            textpage = page.get_textpage()
            try:
                pages.append(_page_lines(textpage))
            finally:
                textpage.close()
                page.close()
    except pdfium.PdfiumError as exc:
        raise DocumentError(name, 1, f"is a damaged PDF ({exc})") from None
    finally:
        pdf.close()
    if not any(pages):
        raise DocumentError(name, 1, "has no text layer; it is a scan — OCR it first")
    for number, page in enumerate(pages, start=1):
        if not page:
            warnings.append(f"{name}:1: page {number} has no text layer (a scanned page?); it is left out")
    return layout([p for p in pages if p]), tuple(warnings)
