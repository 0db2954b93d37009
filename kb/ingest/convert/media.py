"""The images of a converted document: extracted or embedded ones taken in as media/imageN.ext."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

from kb.ingest.convert.nodes import _map_lists

_MIME_EXT = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg",
             "image/webp": ".webp", "image/bmp": ".bmp", "image/x-emf": ".emf", "image/x-wmf": ".wmf"}


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
