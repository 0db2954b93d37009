"""What a link points at, and what becomes of it: kept, made https or absolute, or made its words."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin

KEPT_SCHEMES = {"http", "https", "mailto"}
DOCUMENTS = (".md", ".markdown", ".mdx", ".html", ".htm", ".pdf", ".txt", ".rst", ".ipynb", ".tex", ".doc", ".docx",
             ".odt")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _target(href: str) -> str:
    """What a link points at: "external" (kept), "host" (`//host/x`), "anchor", "absolute", "scheme", "relative"."""
    if href.startswith("#"):
        return "anchor"
    if href.startswith("//"):
        return "host"
    if href.startswith(("/", "\\")):
        return "absolute"  # a path on this site's host means nothing once the page moves to another
    scheme = SCHEME.match(href)
    if scheme:
        return "external" if scheme.group(0)[:-1].lower() in KEPT_SCHEMES else "scheme"
    return "relative"


def _absolute(base_url: str, href: str) -> str:
    # markdown-it already percent-encoded the href; parentheses would end the Markdown link early.
    return urljoin(base_url, href).replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _is_document(href: str) -> bool:
    return unquote(href.split("#")[0].split("?")[0]).lower().endswith(DOCUMENTS)


def _fate(kind: str, inline: bool, definition_dropped: bool, image: bool, base_url: str) -> str:
    """What becomes of a link: "keep", "https" (`//host` made explicit), "absolute" (joined to `base_url`), "text"."""
    if definition_dropped:
        return "text"  # its definition is gone, so it would show as `[words][label]`
    if kind == "external" or (image and kind == "relative"):
        return "keep"  # relative images are kb/ingest/images.py's to copy
    if kind in ("host", "relative") and not inline:
        return "keep"  # its definition line is rewritten instead (kept only when it could be)
    if kind == "host":
        return "https"
    return "absolute" if kind == "relative" and base_url else "text"
