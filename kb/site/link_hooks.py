"""MkDocs hooks for concept links: each event is one line delegating to kb.concepts.linker.

Listed under `hooks:` in mkdocs.yml. Problems are logged through MkDocs' logger,
so warnings (duplicate concept names, wikilinks to nothing) fail `--strict`.
"""

from __future__ import annotations

import logging
import os

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.toc import AnchorLink

from kb.concepts.derived import derived_page, link_site
from kb.concepts.linker import Linker
from kb.pages import PageError

log = logging.getLogger("mkdocs.plugins.kb.concepts.links")
_linker: Linker | None = None


def on_files(files, config):
    # Read every page once, add a page for each derived concept, link them all and derive the graph
    # before any page is rendered.
    global _linker
    pages = [(f.src_uri, f.content_string) for f in files.documentation_pages()]
    on = (config["extra"] or {}).get("derived_concepts", True)
    try:
        _linker, made = link_site(pages, config["docs_dir"]) if on else (Linker.from_pages(pages), [])
    except PageError as exc:
        raise PluginError(str(exc)) from exc
    for concept in made:
        files.append(File.generated(config, concept.path, content=derived_page(concept)))
    prefix = _docs_prefix(config)
    for problem in _linker.problems:
        (log.warning if problem.level == "warning" else log.info)("%s%s", prefix, problem)
    log.info(_linker.summary())
    return files


def on_page_markdown(markdown, page, config, files):
    # Concept links in the prose, as markers Markdown carries as text; the file itself is never rewritten.
    return _linker.link(page.file.src_uri, markdown) if _linker else markdown


def on_page_content(html, page, config, files):
    # The markers become links; the listings' headings join the table of contents (their HTML: on_post_page).
    if not _linker:
        return html
    _, headings = _linker.listing(page.file.src_uri)
    items = page.toc.items
    parent = items[0].children if len(items) == 1 and items[0].level == 1 else items
    parent.extend(AnchorLink(title, anchor, 2) for title, anchor in headings)
    return _linker.expand(page.file.src_uri, html)


def on_post_page(output, page, config):
    # Backlinks, related pages and the A–Z index end the article; added after the search index read
    # the page, since they repeat other pages' titles.
    block, _ = _linker.listing(page.file.src_uri) if _linker else ("", [])
    end = output.rfind("</article>")
    if not block or end < 0:
        return output
    return f'{output[:end]}<div class="kb-listings">\n{block}\n</div>\n{output[end:]}'


def _docs_prefix(config) -> str:
    """Messages name files as the contributor sees them: "docs/concepts/x.md:3"."""
    root = os.path.dirname(config.config_file_path or "") or os.getcwd()
    rel = os.path.relpath(config["docs_dir"], root)
    return "" if rel.startswith("..") else rel.replace(os.sep, "/").rstrip("/") + "/"
