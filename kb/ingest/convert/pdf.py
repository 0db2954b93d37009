"""PDF: the text layer, a line per printed line; a blank line where the page leaves a gap, and a
heading where the type is larger than the body's (the importer's question parser keys on both).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from kb.ingest.convert.limits import Deadline
from kb.ingest.lines import DocumentError

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


def _pdf_text(data: bytes, name: str, deadline: Deadline) -> tuple[str, tuple[str, ...]]:
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
            if time.monotonic() > deadline.at:  # pdfium works page by page: the time limit is checked between pages
                raise deadline.passed(name)
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
