"""Helpers for the site tests: real `mkdocs build --strict` runs, a real HTTP server on 127.0.0.1,
and reading built HTML (the ids a page defines, the URLs it refers to)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb.site.config import write_config

# MathJax has typeset the page.
MATH_DONE = """() => window.MathJax && MathJax.startup && MathJax.startup.promise
  && MathJax.startup.promise.then(() => true)"""
# Anything in the live DOM (MathJax's output included) that could run script when used.
SCRIPT_BEARING = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020\\u007f]+/g, '').toLowerCase();
      if (/^on/i.test(attr.name)) found.push(`<${el.localName} ${attr.name}>`);
      else if (/^(javascript|vbscript|data):/.test(value) && attr.name !== 'content')
        found.push(`<${el.localName} ${attr.name}="${attr.value.slice(0, 60)}">`);
    }
    if (['iframe', 'frame', 'object', 'embed'].includes(el.localName)) found.push(`<${el.localName}>`);
  }
  return found;
}"""

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def build_site(site_dir: Path, docs_dir: Path | None = None, site_url: str | None = None) -> subprocess.CompletedProcess:
    """Run the real `mkdocs build --strict` of the repo's config, optionally on another docs folder.

    For another docs folder the repo's mkdocs.yml is copied with `docs_dir` pointing there and
    its hook files still taken from the repo. `site_url` is the address the site will be served
    at (Material's instant navigation needs it to match, port included).
    """
    config = REPO / "mkdocs.yml"
    if docs_dir is not None:
        config = write_config(REPO, docs_dir, docs_dir.parent / "mkdocs.yml")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **({"SITE_URL": site_url} if site_url else {})},
    )


def hostile_docs(target: Path) -> Path:
    """The repo's docs with the hostile fixture (fixtures/hostile) imported by the real CLI beside the seed."""
    docs = copy_docs(target, with_fixture_collection=False)
    hostile = FIXTURES / "hostile"
    shutil.copy(hostile / "zebra-finch.md", docs / "concepts" / "zebra-finch.md")
    imported = subprocess.run(
        [sys.executable, "scripts/import_documents.py", "--docs", str(docs), str(hostile / "hostile-answers.txt")],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert (docs / "questions" / "hostile-answers" / "q1.md").is_file()
    return docs


def copy_docs(target: Path, with_fixture_collection: bool = True) -> Path:
    """A copy of the repo's docs/, plus the small hand-written `sample-exam` collection."""
    shutil.copytree(REPO / "docs", target)
    if with_fixture_collection:
        shutil.copytree(FIXTURES / "questions" / "sample-exam", target / "questions" / "sample-exam")
    return target


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output readable
        pass


class ServerThread:
    """A real HTTP server on a free port of 127.0.0.1, serving from a thread while in a `with` block."""

    def __init__(self, httpd):
        self.httpd = httpd
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class StaticServer(ServerThread):
    """A built site as plain static files."""

    def __init__(self, root: Path):
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))))
        self.root = root



# Attributes through which a page makes the browser fetch something (a link is not a fetch).
FETCHING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
            ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}
# <link rel=...> values that name a page rather than load a resource.
NAVIGATIONAL_RELS = {"canonical", "alternate", "prev", "next", "author", "license", "help"}
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com",
             "fonts.gstatic.com", "polyfill.io", "cdn.mathjax.org", "mathjax.org")


@dataclass
class PageRefs:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # href of every <a>
    fetches: list[tuple[str, str]] = field(default_factory=list)  # (tag, url) the browser loads


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs = PageRefs()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.refs.ids.add(attrs[key])
        if tag == "a" and attrs.get("href") is not None:
            self.refs.links.append(attrs["href"])
        if tag == "link" and set((attrs.get("rel") or "").lower().split()) & NAVIGATIONAL_RELS:
            return
        for (t, attr) in FETCHING:
            if t == tag and attrs.get(attr):
                self.refs.fetches.append((tag, attrs[attr]))


def page_refs(html: str) -> PageRefs:
    collector = _Collector()
    collector.feed(html)
    return collector.refs


def built_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site, sorted; MathJax's own files are not pages."""
    return sorted(p for p in site.rglob("*.html"))


def page_path(site: Path, url_path: str) -> Path:
    """The built file a site-relative URL path is served from ("/q/c/q1/" -> site/q/c/q1/index.html)."""
    target = site / url_path.lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


class Watcher:
    """Records what a browser context does wrong: console errors, failed and off-host requests.

    Off-host requests are blocked as well as recorded.
    """

    def __init__(self, context):
        self.problems: list[str] = []
        self.pending: set = set()  # requests in flight
        self.api_calls: list[str] = []  # URLs of requests to the search API
        context.route(lambda url: urlsplit(url).hostname != "127.0.0.1", self._block)
        context.on("console", self._console)
        context.on("weberror", lambda e: self.problems.append(f"page error: {e.error}"))
        context.on("request", self._request)
        context.on("requestfinished", lambda r: self.pending.discard(r))
        context.on("requestfailed", self._failed)
        context.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def _request(self, request):
        self.pending.add(request)
        if urlsplit(request.url).path == "/search":
            self.api_calls.append(request.url)

    def _console(self, message):
        # MathJax reports lost stylesheets and the like as warnings, not errors.
        if message.type == "error" or (message.type == "warning" and "MathJax" in message.text):
            self.problems.append(f"console {message.type}: {message.text[:200]}")

    def _failed(self, request):
        self.pending.discard(request)
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _block(self, route):
        self.problems.append(f"request off 127.0.0.1: {route.request.url}")
        route.abort()

    def take(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems


def settle_animations(page) -> None:
    """Wait for CSS transitions to finish: a full-page screenshot scrolls, and Material fades its header
    tabs out and in on scroll; axe measuring contrast mid-fade reports a colour the reader never rests on."""
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=5000)


# --- Browser fixtures, shared by the site and deployment tests (their conftest.py files import them) ---

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright; never a downloaded browser.

    Module-scoped: one sync Playwright may run at a time in a process, and each
    browser test module gets its own. Skips without chromium, fails under CI=true.
    """
    executable = shutil.which("chromium")
    if executable is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """open_page(url, **context options) -> (page, watcher), each in a fresh browser context.

    `chromium` is Debian's headless Chromium; it skips only when chromium is
    missing and CI is not set, and fails under CI=true."""
    contexts = []

    def opener(url: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(**options)
        contexts.append(context)
        watcher = Watcher(context)
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page, watcher

    yield opener
    for context in contexts:
        context.close()
