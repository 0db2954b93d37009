"""MkDocs hooks for the site: the derived nav, sidebar and listings, the fallback search index, and MathJax.

Each event delegates to a kb module (kb.site.catalog, kb.site.sidebar, kb.site.search_fallback,
kb.site.assets).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from material.plugins.tags import tag_name_casefold

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from kb.site import assets, catalog, search_fallback, sidebar
from kb.site.describe import description
from kb.site.sanitize import escape_text
from kb.pages import PageError, is_question_file

log = logging.getLogger("mkdocs.hooks.site")
_catalog: dict[str, catalog.Collection] = {}
_sidebars: dict[str, sidebar.CollectionNav] = {}
_slim_search: list[dict] | None = None  # the fallback index's entries, when it is slim
COLLECTIONS_FILE = "collections.json"  # {collection slug: its page's title}, read by docs/javascripts/kb-search.js


def on_startup(command, dirty):
    # A dirty build re-renders changed pages only, but every page lists what other pages say
    # (backlinks, related questions, listings), and the search index would keep only the changed pages.
    if dirty:
        raise PluginError("--dirty is not supported: every page lists what other pages say (backlinks, related "
                          "questions, the collection listings), so a partial build would be stale; build in full")


def on_config(config):
    # One nav entry per collection, found on disk; entries for pages not written yet are dropped.
    if config["nav"] is not None:
        config["nav"] = catalog.site_nav(config["nav"], Path(config["docs_dir"]))
    # Tags in reading order, whatever their case ("attention" before "CNN"); set here, not in mkdocs.yml, because a
    # !!python/name tag there would not survive kb.site.config's copies of the file.
    tags = config["plugins"].get("material/tags")
    if tags is not None:
        tags.config.tags_sort_by = tags.config.listings_tags_sort_by = tag_name_casefold
    return config


def on_files(files, config):
    # Read every question's front matter once; the listings, sidebars and search entries derive from it.
    global _catalog, _slim_search
    try:
        _catalog = catalog.build_catalog((f.src_uri, f.content_string) for f in files.documentation_pages())
    except PageError as exc:
        raise PluginError(str(exc)) from exc
    questions = sum(len(c.questions) for c in _catalog.values())
    _slim_search = [] if search_fallback.is_slim(config["extra"], questions) else None
    return files


def on_nav(nav, config, files):
    # Each collection becomes a section; its question pages get it as parent, and previous/next in it.
    global _sidebars
    pages = {f.src_uri: f.page for f in files.documentation_pages() if f.page is not None}
    _sidebars = sidebar.attach(nav, pages, _catalog)
    return nav


def on_page_markdown(markdown, page, config, files):
    # A question page is described by its own first sentence (escaped: the theme writes it as it is).
    if is_question_file(page.meta) and not page.meta.get("description"):
        page.meta["description"] = escape_text(description(markdown))
    # The home page and each collection index list their questions and parts.
    return catalog.expand_listing(markdown, page.file.src_uri, page.meta, _catalog)


@event_priority(100)  # before the search plugin reads the page
def on_page_context(context, page, config, nav):
    # A question page's sidebar lists its collection; a slim fallback index takes the page from its front matter.
    if page.file.src_uri in _sidebars:
        sidebar.expand(_sidebars[page.file.src_uri], page.file.src_uri)
    if _slim_search is not None and not (page.meta.get("search") or {}).get("exclude"):
        _slim_search.extend(search_fallback.page_entries(page.url, page.meta, page.title or ""))
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    return context


def on_post_page(output, page, config):
    # Back to the nav every other page sees.
    if page.file.src_uri in _sidebars:
        sidebar.collapse(_sidebars[page.file.src_uri])
    return output


@event_priority(-50)  # after the search plugin wrote its index
def on_post_build(config):
    # One name per collection, its page's title, for the search scripts: one file they fetch once,
    # rather than a list in every page (which made every page grow with the number of collections).
    names = {slug: c.title for slug, c in (_catalog or {}).items()}
    (Path(config["site_dir"]) / COLLECTIONS_FILE).write_text(json.dumps(names, sort_keys=True), encoding="utf-8")
    # MathJax comes from the pinned Python package, never from a CDN.
    copied = assets.copy_mathjax(config["site_dir"])
    log.debug("copied %d bytes of MathJax into %s", copied, config["site_dir"])
    # The fallback search index: slim past a size, and its math as text.
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if index.is_file():
        size = search_fallback.rewrite(index, _slim_search)
        log.info("fallback search index: %s, %.1f MB", "slim" if _slim_search is not None else "full text", size / 1e6)
