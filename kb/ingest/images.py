"""Images a page links relatively (`![plot](img/plot.png)`): copied beside the pages, or reported.

A relative image next to the source is copied into the collection's folder under
the same relative path, so the link works unchanged. One that is missing, lies
outside the source's folder, is a symlink or is not a raster image (SVG can carry
script) is reported and its link turned into plain text, so the strict build
still passes. External links are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"\n]*\")?\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp")


@dataclass(frozen=True)
class Image:
    url: str  # as written in the source
    file: Path | None  # the file to copy; None for an image the converter extracted (its bytes are provided)


def _local(url: str, folder: Path) -> tuple[Path | None, str]:
    """The file a relative image URL names inside `folder`, or None and why not."""
    rel = unquote(url.split("#")[0].split("?")[0])
    candidate = folder / rel
    if not rel.lower().endswith(RASTER):
        return None, "is not a PNG, JPEG, GIF, WebP, AVIF or BMP image"
    try:
        resolved = candidate.resolve()
        resolved.relative_to(folder.resolve())
    except (ValueError, OSError):
        return None, "lies outside the source's folder"
    if candidate.is_symlink():
        return None, "is a symbolic link"
    if not resolved.is_file():
        return None, "does not exist"
    return resolved, ""


def collect_images(markdown: str, folder: Path, provided: dict[str, bytes] | None = None) -> tuple[str, list[Image], list[tuple[str, str]]]:
    """(Markdown with unusable images turned to text, images to copy, [(url, why)] unusable); `provided` holds
    the images a converter extracted, by the URL the Markdown links them with."""
    provided = provided or {}
    images, problems, out, fence = [], [], [], None

    def swap(m: re.Match) -> str:
        url = m["url"]
        if SCHEME.match(url) or url.startswith(("/", "#")):
            return m.group(0)  # external or absolute: kept as written
        if url in provided and url.lower().endswith(RASTER):
            images.append(Image(url, None))
            return m.group(0)
        file, why = _local(url, folder)
        if file is None:
            problems.append((url, why))
            return f"*[image {url} {why}: {m['alt']}]*" if m["alt"] else f"*[image {url} {why}]*"
        images.append(Image(url, file))
        return m.group(0)

    for line in markdown.split("\n"):
        f = FENCE.match(line)
        if f and (fence is None or f[1][0] == fence[0]):
            fence = None if fence else f[1]
        out.append(line if fence or f or "![" not in line else IMAGE.sub(swap, line))
    return "\n".join(out), images, problems


def image_path(url: str) -> str:
    """The URL's path relative to the page folder, normalised ("./img/../img/a.png" -> "img/a.png")."""
    parts: list[str] = []
    for piece in PurePosixPath(unquote(url.split("#")[0].split("?")[0])).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)
