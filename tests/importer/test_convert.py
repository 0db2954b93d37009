"""Every answer-sheet format -> the Markdown the importer reads, with the real converters on real files.

The binary fixtures in fixtures/formats/ were made by make_binaries.py beside them (pandoc for
.docx/.odt, headless Chromium for the PDFs); the tests only read them.
"""

from __future__ import annotations

import functools
import io
import random
import re
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.ingest import convert as convert_module
from kb.ingest.convert import EXTENSIONS, FORMATS, Converted, convert, layout, prepare_latex, sniff, unescape
from kb.ingest.convert import decode
from kb.ingest.document import parse_document
from kb.ingest.lines import DocumentError

HERE = Path(__file__).parent / "fixtures" / "formats"
FIGURE = (HERE / "figure.png").read_bytes()
CONVERTED = ["sheet-a.tex", "sheet-b.tex", "latex-in.txt", "sheet.html", "sheet.ipynb", "sheet.docx", "sheet.odt",
             "sheet.pdf", "pdf-named.txt"]


@functools.cache
def converted(name: str) -> Converted:
    return convert((HERE / name).read_bytes(), name)


def lines(name: str) -> list[str]:
    return converted(name).text.split("\n")


def outside_math_and_code(text: str) -> str:
    """The text with fenced code, $$ blocks, inline code and inline math taken out."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"^\$\$\n.*?\n\$\$$", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`]*`|(?<!\\)\$[^$\n]+(?<!\\)\$", "", text)


def error(data: bytes, name: str) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        convert(data, name)
    return caught.value


# --- which format -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("sheet-a.tex", "latex"), ("sheet-b.tex", "latex"), ("latex-in.txt", "latex"), ("sheet.html", "html"),
    ("sheet.ipynb", "ipynb"), ("sheet.docx", "docx"), ("sheet.odt", "odt"), ("sheet.pdf", "pdf"),
    ("pdf-named.txt", "pdf"), ("word-source.md", "markdown"),
])
def test_sniff_reads_each_fixture_by_its_content(name, expected):
    assert sniff((HERE / name).read_bytes(), name) == expected


@pytest.mark.parametrize("data, name, expected", [
    (b"# Q1\n(a) text\n", "notes.md", "markdown"),
    (b"# Q1\n", "notes.markdown", "markdown"),
    (b"Q1. plain\n", "notes.txt", "text"),
    (b"Q1. plain\n", "README", "text"),
    (b"<!DOCTYPE html><html><body><h1>Q1</h1></body></html>", "exported.md", "html"),
    (b"\xef\xbb\xbf  <!-- saved by Word --><HTML><body>x</body></HTML>", "sheet.txt", "html"),
    (b"<h1>Q1</h1><p>a fragment</p>", "fragment.htm", "html"),
    (b"\\section*{Question 1}\nAnswer.\n", "answers.md", "latex"),
    (b"Some notes.\n\n```latex\n\\documentclass{article}\n```\n", "quoting-latex.md", "markdown"),
    (b"Answer with \\section inside a sentence.\n", "notes.md", "markdown"),
    (b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "export.json", "ipynb"),
    (b"\\textbf{a fragment}", "part.tex", "latex"),
    (b"caf\xe9 latin-1 text\n", "latin1.md", "markdown"),  # text, so the Markdown path says "not UTF-8"
])
def test_sniff_table(data, name, expected):
    assert sniff(data, name) == expected


def test_content_wins_over_a_wrong_extension():
    for fixture, wrong in [("sheet.docx", "sheet.md"), ("sheet.odt", "sheet.txt"), ("sheet.pdf", "sheet.md"),
                           ("sheet.docx", "sheet"), ("sheet.ipynb", "sheet.txt")]:
        result = convert((HERE / fixture).read_bytes(), wrong)
        assert result.format == sniff((HERE / fixture).read_bytes(), fixture) and result.converted


def test_formats_and_extensions_agree():
    assert set(FORMATS) == {"markdown", "text", "latex", "docx", "odt", "html", "ipynb", "pdf"}
    assert {convert_module._BY_EXTENSION[ext] for ext in EXTENSIONS} == set(FORMATS)


# --- what we don't read: clear errors that name the file and list the formats ----------------

def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return out.getvalue()


@pytest.mark.parametrize("name, data, says", [
    ("png-named.md", (HERE / "png-named.md").read_bytes(), "is a PNG image"),
    ("random.docx", (HERE / "random.docx").read_bytes(), "is named .docx but is not a Word (.docx) file"),
    ("photos.zip", _zip({"a.txt": "hi"}), "neither a Word nor an OpenDocument text file"),
    ("sheet.ods", _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
     "zip archive of application/vnd.oasis.opendocument.spreadsheet"),
    ("noise.bin", random.Random(1).randbytes(5000), "binary file of no format we know"),
    ("noise.md", random.Random(2).randbytes(5000), "binary file of no format we know"),
    ("answers.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old binary Office file"),
    ("cut.docx", (HERE / "sheet.docx").read_bytes()[:2000], "damaged or cut-off zip archive"),
])
def test_unknown_binaries_are_errors_naming_the_formats_we_read(name, data, says):
    exc = error(data, name)
    assert (exc.source, exc.line) == (name, 1)
    assert says in exc.message and "UTF-8" not in exc.message
    assert all(human in exc.message for human in FORMATS.values())
    assert str(exc).startswith(f"{name}:1: ")


def test_pdf_and_word_never_read_as_utf8_text():
    for fixture in ("sheet.pdf", "sheet.docx", "sheet.odt", "scan.pdf", "encrypted.pdf"):
        for name in (fixture, "renamed.md", "renamed.txt"):
            try:
                convert((HERE / fixture).read_bytes(), name)
            except DocumentError as exc:
                assert "UTF-8" not in exc.message and "NUL" not in exc.message


def test_input_over_the_size_cap_is_refused_before_any_work(monkeypatch):
    monkeypatch.setattr(convert_module, "MAX_BYTES", 1000)
    exc = error((HERE / "sheet.docx").read_bytes(), "big.docx")
    assert (exc.line, exc.message) == (1, f"is {(HERE / 'sheet.docx').stat().st_size:,} bytes; the limit is 0 MB (1,000 bytes)")
    assert convert_module.MAX_BYTES == 1000 and "50 MB" in convert_module.__doc__


def test_a_conversion_over_the_time_limit_is_stopped(monkeypatch):
    # A real pandoc run, killed: pandoc needs seconds for this document, the limit is half a second.
    monkeypatch.setattr(convert_module, "TIMEOUT", 0.5)
    long = "\\documentclass{article}\\begin{document}\n" + "\\section*{Q} Some $x^2$ text.\n\n" * 80_000 + "\\end{document}"
    started = time.monotonic()
    exc = error(long.encode(), "long.tex")
    assert (exc.line, exc.message) == (1, "took longer than 0 s to convert; stopped")
    assert time.monotonic() - started < 3


def test_pandoc_failing_is_an_error_with_pandocs_first_lines():
    exc = error(b"\\documentclass{article}\n\\begin{document}\n\\begin{enumerate}\\item x\n", "broken.tex")
    assert exc.source == "broken.tex" and exc.line == 4  # the end of the input, where pandoc gave up
    assert exc.message == ("cannot be read by pandoc: Error at (line 4, column 2): unexpected end of input; "
                           "expecting \\end{enumerate}")
    exc = error(b'{"cells": [, "nbformat": 4}', "broken.ipynb")
    assert exc.message.startswith("cannot be read by pandoc: ipynb decoding error")


def test_latex_cannot_read_other_files_and_says_so(tmp_path):
    secret = tmp_path / "secret.tex"
    secret.write_text("TOP SECRET\n")
    result = convert(f"\\section*{{Q1}}\n\\input{{{secret.with_suffix('')}}}\nAnswer.\n".encode(), "sneaky.tex")
    assert "TOP SECRET" not in result.text and "Answer." in result.text
    assert any(w.startswith("sneaky.tex:2: pandoc: Could not load include file") for w in result.warnings)


# --- Markdown and plain text: exactly decode's rules ---------------------------------------------

@pytest.mark.parametrize("data", [
    b"# Q1\r\nline\r\n", b"\xef\xbb\xbf# Q1\n", b"old mac\rnewlines\r", b"a\nb\x00c\n", b"  \n\t\n", b"",
    "caf\xe9\n".encode("latin-1"), "# hi\n".encode("utf-16"), b"ok\n\xff\xfe broken\n",
])
def test_markdown_and_text_read_exactly_as_decode(data):
    for name in ("doc.md", "doc.txt"):
        try:
            expected = decode(data, name)
        except DocumentError as exc:
            assert str(error(data, name)) == str(exc)
        else:
            result = convert(data, name)
            assert (result.text, result.converted, result.images, result.warnings) == (expected, False, {}, ())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))),
       st.sampled_from(["a.md", "a.txt", "a.markdown"]))
def test_whatever_sniffs_as_markdown_or_text_converts_as_decode_does(data, name):
    try:
        fmt = sniff(data, name)
    except DocumentError:
        return
    if fmt not in ("markdown", "text"):
        return
    try:
        expected = decode(data, name)
    except DocumentError as exc:
        with pytest.raises(DocumentError) as caught:
            convert(data, name)
        assert str(caught.value) == str(exc)
    else:
        assert convert(data, name).text == expected


# --- LaTeX ---------------------------------------------------------------------------------------

def test_latex_sheet_a_headings_parts_and_answers():
    got = lines("sheet-a.tex")
    assert got[0] == "# Deep Learning Answer Sheet A"  # \title, shown by \maketitle
    assert "## 1. Preprocessing Data" in got and "## 2. Variational Autoencoders" in got  # \section* a level down
    assert [l for l in got if re.match(r"\([a-z]\) ", l)] == [
        "(a) Why do we subtract the mean before training?", "(b) Should the mean be computed on the test set?",
        "(a) Write the evidence lower bound.", "(b) What does the $D_{\\mathrm{KL}}\\left(q \\,\\|\\, p\\right)$ term do?"]
    assert sum(l.startswith("**Answer:**") for l in got) == 4


def test_latex_macros_are_expanded_in_math_and_display_math_has_lines_of_its_own():
    text = converted("sheet-a.tex").text
    assert "\\KL" not in text and "\\R" not in text.replace("\\Rightarrow", "")
    assert "$x \\in \\mathbb{R}^{d}$" in text
    block = re.search(r"^\$\$\n(.+)\n\$\$$", text, re.M)
    assert block and block[1].startswith("\\log p(x) \\ge") and "D_{\\mathrm{KL}}\\left(q(z \\mid x)" in block[1]


def test_latex_code_is_fenced_and_text_escapes_stay_minimal():
    text = converted("sheet-a.tex").text
    assert "```\ndef relu(x):\n    return max(0.0, x)\n```" in text
    assert "Prices such as \\$3 and 50% stay as they are." in text


def test_latex_sheet_b_bold_headings_and_framed_parts():
    got = lines("sheet-b.tex")
    assert "# Question 1 (10 marks)" in got and "# Question 2 (5 marks)" in got
    assert "(a) How many weights does one kernel over $C$ input channels have?" in got  # from \fbox{\parbox{..}{..}}
    assert "(b) Why is weight decay written as $\\lambda \\left\\lVert w \\right\\rVert^2$?" in got
    assert "(a) Name one activation function." in got and "(b) Name another one." in got  # \item[(a)]
    assert "**Answer:** It has $9C$ weights and one bias." in got


def test_latex_in_a_txt_file_is_converted():
    result = converted("latex-in.txt")
    assert (result.format, result.converted) == ("latex", True)
    assert result.text == "# Question 1\n\nSaved as a .txt by mistake; $\\alpha = 0.1$.\n"


@pytest.mark.parametrize("source, expected", [
    ("\\fbox{\\parbox{\\textwidth}{(a) text}}", "(a) text"),
    ("\\noindent\\fbox{\\parbox[t]{0.9\\textwidth}{(b) $\\{x\\}$ and {braces}}} after", "\\noindent(b) $\\{x\\}$ and {braces} after"),
    ("\\framebox[3cm][l]{boxed}", "boxed"),
    ("\\fcolorbox{red}{white}{(c) coloured}", "(c) coloured"),
    ("\\fbox x", "\\fbox x"),  # no argument: left for pandoc
    ("\\begin{enumerate}[label=(\\alph*)]\\item x\\end{enumerate}", "\\begin{enumerate}[(a)]\\item x\\end{enumerate}"),
    ("\\begin{enumerate}[label=\\roman*), start=2]", "\\begin{enumerate}[i)]"),
    ("\\begin{enumerate}[label={\\textbf{(\\Alph*)}}]", "\\begin{enumerate}[(A)]"),
    ("\\begin{enumerate}[label=Step \\arabic*:]", "\\begin{enumerate}[label=Step \\arabic*:]"),
    ("\\begin{itemize}\\item[(a)] x\\end{itemize}", "\\begin{itemize}\\item {(a)}  x\\end{itemize}"),
    ("\\begin{description}\\item[Term] x\\end{description}", "\\begin{description}\\item[Term] x\\end{description}"),
])
def test_prepare_latex(source, expected):
    assert prepare_latex(source) == expected


def test_latex_nested_default_list_is_lettered_as_latex_prints_it():
    tex = (b"\\begin{enumerate}\\item What is a CNN?\n\\begin{enumerate}\\item Define a kernel.\n"
           b"\\item Define a stride.\\end{enumerate}\\item Next question.\\end{enumerate}")
    assert convert(tex, "nested.tex").text == (
        "1. What is a CNN?\n\n(a) Define a kernel.\n\n(b) Define a stride.\n\n2. Next question.\n")


# --- HTML ----------------------------------------------------------------------------------------

def test_html_drops_scripts_and_styles_and_keeps_the_answer_structure():
    result = converted("sheet.html")
    text = result.text
    assert "this must not appear" not in text and "MathJax" not in text and "font-family" not in text
    got = text.split("\n")
    assert got[0] == "# Deep Learning Answer Sheet" and "## Question 1: Attention" in got
    assert "(a) Why divide by $\\sqrt{d}$?" in got and "(b) What is multi-head attention?" in got  # <ol type="a">
    assert "(a) What does dropout do?" in got  # typed by hand, not escaped to \(a\)
    assert "**Answer:** Several attention maps in parallel, see [the notes](https://example.org/attention)." in got
    assert "- weight decay" in got and "- early stopping" in got


def test_html_details_keep_their_text_and_mathjax_math_is_math():
    got = lines("sheet.html")
    assert "Show the derivation" in got
    assert "The expected activation is $p\\,x$; scaling by $1/p$ at training time keeps it at $x$." in got
    assert "Scaled dot-product attention computes $\\mathrm{softmax}(QK^\\top / \\sqrt{d})V$." in got


def test_html_images_linked_beside_it_stay_and_embedded_ones_are_extracted():
    result = converted("sheet.html")
    assert "![attention map](figure.png)" in result.text
    assert "![embedded map](media/image1.png)" in result.text and "data:" not in result.text
    assert result.images == {"media/image1.png": FIGURE}


def test_html_in_windows_1252_is_read_by_its_declared_charset():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Na\u00efve \u201cBayes\u201d</p></body></html>'
    assert convert(page.encode("cp1252"), "word-export.htm").text == "Na\u00efve \u201cBayes\u201d\n"


# --- notebooks -------------------------------------------------------------------------------------

def test_notebook_inline_questions_and_answers_survive():
    got = lines("sheet.ipynb")
    assert got[0] == "# Assignment 2: Convolutional Networks"
    k = got.index("### Inline Question 1:")
    assert got[k + 2] == "Why does batch normalisation allow a larger learning rate?"
    assert got[k + 4].startswith("**Your Answer:** It keeps the pre-activations")
    assert "$\\frac{\\partial \\hat{x}}{\\partial W}$" in got[k + 4]
    assert "(a) What is the receptive field of two stacked $3 \\times 3$ convolutions?" in got


def test_notebook_code_is_fenced_python_and_outputs_are_dropped():
    text = converted("sheet.ipynb").text
    assert "```python\nimport numpy as np\nx = np.zeros((2, 3))\nprint('training loss', 0.42)\n```" in text
    assert "training loss 0.42" not in text  # the cell's output
    assert "Graded by hand." in text and "<div" not in text and "color: red" not in text


def test_notebook_attachments_are_extracted():
    result = converted("sheet.ipynb")
    assert "![receptive field](media/image1.png)" in result.text and result.images == {"media/image1.png": FIGURE}


# --- Word and ODT ----------------------------------------------------------------------------------

def test_docx_headings_lettered_parts_bold_and_math():
    got = lines("sheet.docx")
    assert got[0] == "# Deep Learning Answer Sheet (Word)"  # the Title paragraph
    assert "## Question 1: Gradient Descent" in got and "## Question 2: Loss Functions" in got
    assert "(a) Write one update step." in got and "(b) For which $\\eta$ does it converge?" in got
    assert "**Answer:** $w \\leftarrow w - \\eta\\nabla f(w) = (1 - \\eta)w$." in got  # OMML -> TeX
    k = got.index("$$")
    assert got[k + 1].startswith("\\mathcal{L} = -") and got[k + 2] == "$$"
    assert "1.  It is convex in the logits." in got


def test_docx_tables_are_pipe_tables_and_images_come_back_linked_relatively():
    result = converted("sheet.docx")
    assert "| cross-entropy | yes    |" in result.text.split("\n")
    assert "![The loss curve](media/image1.png)" in result.text
    assert result.images == {"media/image1.png": FIGURE}


def test_odt_headings_parts_and_formulas():
    result = converted("sheet.odt")
    got = result.text.split("\n")
    assert "# Question 1: Gradient Descent" in got
    assert "(a) Write one update step." in got and "(b) For which $\\eta$ does it converge?" in got
    assert "**Answer:** For $0 < \\eta < 2$, because then $|1 - \\eta| < 1$." in got  # MathML objects -> TeX
    k = got.index("$$")
    assert got[k + 1].startswith("\\mathcal{L} = -") and got[k + 2] == "$$"
    assert "KBFORMULA" not in result.text
    assert "![](media/image1.png)" in got and result.images == {"media/image1.png": FIGURE}


def test_odt_or_docx_with_broken_insides_are_errors_not_tracebacks():
    exc = error(_zip({"mimetype": "application/vnd.oasis.opendocument.text"}), "hollow.odt")
    assert exc.message == "is an OpenDocument file without its content.xml; save it again"
    exc = error(_zip({"word/document.xml": "<not xml"}), "hollow.docx")
    assert exc.source == "hollow.docx" and exc.message.startswith("cannot be read by pandoc: ")


def test_odt_formula_frames_inside_text_boxes_are_found_one_by_one():
    content = (b'<draw:frame draw:name="box"><draw:text-box><text:p>In a box: '
               b'<draw:frame><draw:object xlink:href="./Object 1"/></draw:frame></text:p></draw:text-box></draw:frame>')
    found = [m[1] for m in convert_module._FRAME.finditer(content)]
    assert found == [b"Object 1"]
    assert convert_module._FRAME.search(content)[0].startswith(b"<draw:frame><draw:object")


# --- PDF -------------------------------------------------------------------------------------------

def test_pdf_text_layer_keeps_a_line_per_line_and_headings():
    result = converted("sheet.pdf")
    assert (result.format, result.converted, result.images, result.warnings) == ("pdf", True, {}, ())
    got = result.text.split("\n")
    assert got[0] == "# Deep Learning Answer Sheet"  # larger type: a heading, by size
    assert "## Question 1: Attention" in got and "## Question 2: Regularisation" in got
    assert "(a) What does dropout do?" in got and "(b) Name two other regularisers." in got
    k = got.index("(a) What does dropout do?")
    assert got[k + 1] == "" and got[k + 2].startswith("Answer: It zeroes activations")  # a gap, a blank line
    assert "weight decay\nearly stopping" in result.text  # no gap: lines of one block
    assert "\r" not in result.text and "this must not appear" not in result.text


def test_pdf_named_txt_is_read_as_pdf():
    assert converted("pdf-named.txt").text == converted("sheet.pdf").text


def test_pdf_without_a_text_layer_is_a_scan():
    exc = error((HERE / "scan.pdf").read_bytes(), "scan.pdf")
    assert (exc.source, exc.line, exc.message) == ("scan.pdf", 1, "has no text layer; it is a scan — OCR it first")


def test_pdf_with_a_scanned_page_warns_and_keeps_the_rest():
    result = convert((HERE / "half-scan.pdf").read_bytes(), "half-scan.pdf")
    assert result.text == "# Question 1\n\nTyped answer.\n"
    assert result.warnings == ("half-scan.pdf:1: page 2 has no text layer (a scanned page?); it is left out",)


def test_encrypted_and_damaged_pdfs_are_clear_errors():
    exc = error((HERE / "encrypted.pdf").read_bytes(), "encrypted.pdf")
    assert exc.message == "is an encrypted PDF (it needs a password); save a copy without one"
    exc = error((HERE / "sheet.pdf").read_bytes()[:1500], "cut.pdf")
    assert exc.source == "cut.pdf" and exc.message.startswith("is a damaged PDF (pdfium: ")


def test_pdf_layout_blank_lines_at_gaps_and_headings_by_size():
    line = convert_module._PdfLine
    page = [line("Title", 700, 20), line("Question 1", 660, 15), line("First line of a", 640, 10),
            line("paragraph.", 628, 10), line("Next paragraph.", 600, 10)]
    assert layout([page, [line("Page two.", 700, 10)]]) == (
        "# Title\n\n## Question 1\n\nFirst line of a\nparagraph.\n\nNext paragraph.\n\nPage two.\n")


# --- what every converted fixture may not hold -------------------------------------------------------

@pytest.mark.parametrize("name", CONVERTED)
def test_converted_markdown_holds_only_what_the_importer_reads(name):
    text = converted(name).text
    assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text and "\ufeff" not in text
    for noise in ("<div", "<span", "<script", "<style", "<!--", "{#", ":::", "{.", "&nbsp;", "\\begin{", "\\textbf"):
        assert noise not in text, noise
    if converted(name).format != "pdf":  # a PDF's text is as printed: "\\(" there is the author's, not pandoc's
        prose = outside_math_and_code(text)
        for escape in ("\\(", "\\)", "\\[", "\\]", "\\#", "\\@", "\\|"):
            assert escape not in prose, escape
    assert all(line.count("$$") in (0, 2) or line.strip() == "$$" for line in text.split("\n"))


@pytest.mark.parametrize("name, questions", [
    ("sheet-a.tex", {1: ["a", "b"], 2: ["a", "b"], 3: []}),
    ("sheet-b.tex", {1: ["a", "b"], 2: ["a", "b"]}),
    ("sheet.html", {1: ["a", "b"], 2: ["a", "b"]}),
    ("sheet.docx", {1: ["a", "b"], 2: []}),
    ("sheet.odt", {1: ["a", "b"], 2: []}),
])
def test_the_importer_finds_the_questions_and_parts(name, questions):
    document = parse_document(converted(name).text, name)
    assert {q.marker.number: [s.part.label for s in q.parts] for q in document.questions} == questions


# --- the escapes pandoc adds and our readers don't need -------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("\\(a\\) What is X?", "(a) What is X?"),
    ("1\\) stays a non-list", "1\\) stays a non-list"),
    ("see \\[1\\] and \\[2\\]", "see [1] and [2]"),
    ("\\[not\\](a-link)", "\\[not\\](a-link)"),
    ("a norm $\\|x\\|$ and a count $\\#S$", "a norm $\\|x\\|$ and a count $\\#S$"),
    ("code `\\(x\\)` stays", "code `\\(x\\)` stays"),
    ("C\\# and F\\#", "C# and F#"),
    ("\\# not a heading", "\\# not a heading"),
    ("a\\|b", "a|b"),
    ("| a\\|b | c |", "| a\\|b | c |"),
    ("a\\. lettered", "a. lettered"),
    ("\\$3 and \\*stars\\*", "\\$3 and \\*stars\\*"),
    ("```\n\\(kept\\)\n```", "```\n\\(kept\\)\n```"),
    ("$$\n\\|x\\| \\#\n$$", "$$\n\\|x\\| \\#\n$$"),
    ("- a\n\n&nbsp;\n\n- b", "- a\n\n- b"),
])
def test_unescape(written, expected):
    assert unescape(written) == expected
