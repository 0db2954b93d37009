"""MkDocs hooks that keep untrusted text from running script: each event is one step of kb.site.sanitize
or kb.site.markup_check.

Listed first under `hooks:` in mkdocs.yml; priorities put each step where it must be: the front
matter is escaped before the tags plugin and the other hooks read it (100), an imported page's HTML
is cleaned after every other step changed it (-100), and the built page is checked last (-100).
Problems are warnings, so `--strict` fails on them.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority

from kb.site import markup_check, sanitize

log = logging.getLogger("mkdocs.hooks.safety")
_raw_html = sanitize.RawHtmlAsText()
_theme_scripts: list = []


def on_config(config):
    # Imported pages' raw HTML becomes text; the theme's own inline scripts are learnt from its templates.
    global _theme_scripts
    config["markdown_extensions"].append(_raw_html)
    _theme_scripts = markup_check.theme_scripts(config["theme"].dirs)
    return config


@event_priority(100)
def on_files(files, config):
    # A symlink in docs/ may point anywhere on the machine: never publish what it points to.
    docs = os.path.realpath(config["docs_dir"])
    for file in list(files):
        if not file.abs_src_path or not file.abs_src_path.startswith(os.path.join(config["docs_dir"], "")):
            continue  # the theme's files
        if os.path.realpath(file.abs_src_path) != os.path.join(docs, *file.src_uri.split("/")):
            log.warning("%s is a symbolic link (or inside one): not published", _shown(file.src_uri, config))
            files.remove(file)
    return files


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    # Titles, descriptions and tags are text; an imported page's Markdown loses its raw HTML.
    page.meta = sanitize.escape_meta(page.meta)
    _raw_html.active = sanitize.is_imported(page.meta)
    return markdown


@event_priority(-100)
def on_page_content(html, page, config, files):
    # A second line of defence: attributes (attr_list), URL schemes and tags Markdown let through.
    return sanitize.clean_imported_html(html) if sanitize.is_imported(page.meta) else html


@event_priority(-100)
def on_post_page(output, page, config):
    # The whole page as served, hand-written pages included: nothing in it may run script but ours.
    for finding in markup_check.unsafe_markup(output, page.url, _theme_scripts, _site_path(config)):
        log.warning("%s: %s", _shown(page.file.src_uri, config), finding)
    return output


@event_priority(-100)
def on_post_template(output, template_name, config):
    # The theme's static pages (404.html) carry the nav, collection titles included.
    if template_name.endswith(".html"):
        for finding in markup_check.unsafe_markup(output, "", _theme_scripts, _site_path(config)):
            log.warning("%s: %s", template_name, finding)
    return output


def _site_path(config) -> str:
    return urlsplit(config["site_url"] or "/").path or "/"


def _shown(src_uri: str, config) -> str:
    """A page as the contributor sees it: "docs/concepts/x.md"."""
    root = os.path.dirname(config.config_file_path or "") or os.getcwd()
    rel = os.path.relpath(config["docs_dir"], root)
    prefix = "" if rel.startswith("..") else rel.replace(os.sep, "/").rstrip("/") + "/"
    return prefix + src_uri
