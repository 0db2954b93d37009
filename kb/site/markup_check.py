"""The built pages' markup, checked: no script but the theme's and ours, no `on*=` handler, no `javascript:` URL.

Hand-written pages may use Markdown's usual HTML; this check is what keeps that
from running script. The theme's own inline scripts are recognised by comparing
them with the theme's `partials/javascripts/*.html` templates (a `{{ ... }}` there
matches any text without quotes), so a Material upgrade needs no edit here.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

# Folders of the built site whose scripts are the theme's or ours (docs/javascripts, MathJax).
SCRIPT_FOLDERS = ("assets/javascripts/", "assets/mathjax/", "javascripts/")
# Attributes that hold a URL the browser may follow or load.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}", re.S)
# Browsers ignore ASCII whitespace and control characters in a URL's scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def theme_scripts(theme_dirs: Iterable[str | Path]) -> list[re.Pattern]:
    """Patterns for the inline scripts the theme's templates write."""
    patterns = []
    for folder in theme_dirs:
        for template in sorted(Path(folder).glob("partials/javascripts/*.html")):
            for body in _INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
                pieces = _JINJA.split(body.strip())
                patterns.append(re.compile(r'[^"<\\]*'.join(re.escape(p) for p in pieces), re.S))
    return patterns


def is_script_url(value: str) -> bool:
    """True for a `javascript:` (or `vbscript:`) URL, however it is spaced or cased."""
    return _IGNORED_IN_SCHEME.sub("", value).lower().startswith(("javascript:", "vbscript:"))


@dataclass(frozen=True)
class Finding:
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.what} (line {self.line} of the built page)"


class _Scanner(HTMLParser):
    def __init__(self, page_url: str, allowed_inline: list[re.Pattern], site_path: str = "/"):
        super().__init__(convert_charrefs=True)  # entities decoded, as the browser reads attributes
        self.page_dir = posixpath.dirname(page_url.lstrip("/"))
        self.site_path = site_path.rstrip("/") + "/"
        self.allowed_inline = allowed_inline
        self.findings: list[Finding] = []
        self._script: tuple[int, dict] | None = None  # (line, attrs) of the open inline <script>
        self._script_text: list[str] = []

    def _flag(self, what: str) -> None:
        self.findings.append(Finding(self.getpos()[0], what))

    def handle_starttag(self, tag, attrs):
        self._check_attributes(tag, attrs)
        if tag == "script":
            attributes = {k: v or "" for k, v in attrs}
            if "src" in attributes:
                if not self._own_script(attributes["src"]):
                    self._flag(f"<script src=\"{attributes['src']}\"> is not from the theme or the site's own assets")
            else:
                self._script, self._script_text = (self.getpos()[0], attributes), []

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            line, attributes = self._script
            text = "".join(self._script_text).strip()
            self._script = None
            if not self._theme_inline(attributes, text):
                self.findings.append(Finding(line, f"inline <script> not from the theme: {text[:60]!r}"))

    def _check_attributes(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self._flag(f"<{tag} {name}=...> (an event handler attribute)")
            elif name == "srcdoc" and value:  # a document of its own: its scripts run too
                for finding in unsafe_markup(value, self.page_dir + "/", [], self.site_path):
                    self._flag(f"<{tag} srcdoc> holding {finding.what}")
            elif value and name in URL_ATTRIBUTES and is_script_url(value):
                self._flag(f"<{tag} {name}={value[:60]!r}> (a javascript: URL)")

    def _own_script(self, src: str) -> bool:
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
            return False
        src = src.split("?")[0].split("#")[0]
        if src.startswith("/"):  # the 404 page links from the site's root path
            if not src.startswith(self.site_path):
                return False
            src = src[len(self.site_path):]
            path = posixpath.normpath(src)
        else:
            path = posixpath.normpath(posixpath.join(self.page_dir, src))
        return path.startswith(SCRIPT_FOLDERS) and path.endswith(".js")

    def _theme_inline(self, attributes: dict, text: str) -> bool:
        # The theme's configuration is JSON, which the browser never runs.
        if attributes.get("id") == "__config" and attributes.get("type") == "application/json":
            return True
        return set(attributes) <= {"type"} and any(p.fullmatch(text) for p in self.allowed_inline)


def unsafe_markup(page_html: str, page_url: str, allowed_inline: list[re.Pattern],
                  site_path: str = "/") -> list[Finding]:
    """What in one built page could run script.

    `page_url` is its site-relative URL ("questions/c/q1/"); `site_path` the path of the site's
    root on its host (from `site_url`), which root-relative URLs start with.
    """
    scanner = _Scanner(page_url, allowed_inline, site_path)
    scanner.feed(page_html)
    scanner.close()
    return scanner.findings
