"""MkDocs hooks for the site: the derived nav and listings, and MathJax served from the site.

Each event is one line delegating to a kb module (kb.site.catalog, kb.site.assets).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from kb.site import assets, catalog
from kb.pages import PageError

log = logging.getLogger("mkdocs.hooks.site")
_catalog: dict[str, catalog.Collection] = {}


def on_config(config):
    # One nav entry per collection, found on disk; entries for pages not written yet are dropped.
    if config["nav"] is not None:
        config["nav"] = catalog.site_nav(config["nav"], Path(config["docs_dir"]))
    return config


def on_files(files, config):
    # Read every question's front matter once; the listings below are derived from it.
    global _catalog
    try:
        _catalog = catalog.build_catalog((f.src_uri, f.content_string) for f in files.documentation_pages())
    except PageError as exc:
        raise PluginError(str(exc)) from exc
    return files


def on_page_markdown(markdown, page, config, files):
    # The home page and each collection index list their questions and parts.
    return catalog.expand_listing(markdown, page.file.src_uri, page.meta, _catalog)


def on_post_build(config):
    # MathJax comes from the pinned Python package, never from a CDN.
    copied = assets.copy_mathjax(config["site_dir"])
    log.debug("copied %d bytes of MathJax into %s", copied, config["site_dir"])
