"""A question page's Markdown as the site renders it, without a site build: for scripts/export_anki.py.

The Markdown extensions and their settings are mkdocs.yml's (MkDocs' own built-ins first, as MkDocs
adds them); imported raw HTML is text and the output is cleaned as the site's hooks do
(kb.site.sanitize). Concept links are not added: a deck has no site to link to.
"""

from __future__ import annotations

from pathlib import Path

import markdown

from kb.site.config import config_for
from kb.site.sanitize import RawHtmlAsText, clean_imported_html

MKDOCS_BUILTINS = ["toc", "tables", "fenced_code"]  # mkdocs.config.config_options.MarkdownExtensions.builtins


def markdown_settings(root: Path) -> tuple[list[str], dict[str, dict]]:
    """(extension names, their settings) from `root`'s mkdocs.yml."""
    names, settings = list(MKDOCS_BUILTINS), {}
    for item in config_for(root, root / "docs").get("markdown_extensions") or []:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        if options:
            settings[name] = options
    return names, settings


class Renderer:
    """Renders question pages' bodies; one per export (building Markdown's extensions once)."""

    def __init__(self, root: Path):
        names, settings = markdown_settings(root)
        raw_html = RawHtmlAsText()
        raw_html.active = True  # question pages are imported: their HTML is text
        self._md = markdown.Markdown(extensions=[*names, raw_html], extension_configs=settings)

    def content(self, body: str) -> str:
        self._md.reset()
        return clean_imported_html(self._md.convert(body))
