"""Bytes as text: Markdown and plain text as they are read (`decode`), HTML as UTF-8 for pandoc."""

from __future__ import annotations

import re

from kb.ingest.lines import DocumentError


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
