"""The built pages' markup, checked: no script but the theme's and ours, no `on*=` handler, no `javascript:` URL.

Hand-written pages may use Markdown's usual HTML; this check is what keeps that
from running script. The theme's own inline scripts are recognised by comparing
them with the theme's `partials/javascripts/*.html` templates (a `{{ ... }}` there
matches any text without quotes), so a Material upgrade needs no edit here.

Every built page is read whole, usually quickly: a page of plain, well-formed markup
(simple attributes, closed scripts, ordinary comments) is cut by one regular expression
into the very tags, attributes and script texts `HTMLParser` reads there, and those go
to the same checks (`_quick_clean`; runs of tags with nothing to check are skipped in
one match). A page with anything else (a stray `<`, an unclosed tag or script, an odd
comment) or with a finding is read again by `HTMLParser`, which reports it; so the quick
reading passes a page only when `HTMLParser` finds nothing in it either
(tests/site/test_markup_check.py compares the two). A build spends a seventh of the time
it did on this check (it was the largest cost of a build at 10,000 questions).

Where `HTMLParser` and a browser part ways, the page is flagged: a script the page ends
inside, a comment a browser ends sooner (`<!-->`, `--!>`), and an end of a script or style
written other than `</script>` (`</script x>`, `</ script>`), after which one of them reads
as markup what the other reads as text; and the end of an element a browser holds as text
(textarea, title, noscript, iframe...) where HTMLParser reads an attribute value or comment.
"""

from __future__ import annotations

import html
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

    def handle_comment(self, data):
        # HTMLParser ends a comment at "-->"; a browser ends "<!-->", "<!--->" and "--!>" sooner.
        if data.startswith((">", "->")) or "--!>" in data:
            self._flag("a comment a browser ends early (what follows it is markup there)")

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
    odd_ends = _odd_raw_text_ends(page_html) + _hidden_raw_text_ends(page_html)
    if not odd_ends and _quick_clean(page_html, _Scanner(page_url, allowed_inline, site_path)):
        return []
    scanner = _Scanner(page_url, allowed_inline, site_path)
    scanner.feed(page_html)
    scanner.close()
    if scanner._script is not None:  # a browser runs a script the page ends inside (HTMLParser waits for more)
        line, _ = scanner._script
        scanner.findings.append(Finding(line, "inline <script> never closed"))
    return sorted(scanner.findings + odd_ends, key=lambda f: f.line)


# Where HTMLParser may end a script's or a style's text (its CDATA end, Unicode case and spaces) or a
# browser may (`</script` then a space, "/" or ">"). Written as below, both end it at the same place;
# written otherwise ("</script x>", "</ script>", "</style/>"), one of them reads on as text what the
# other reads as markup: a browser would run what follows `{}</script x>` in the theme's JSON settings.
_RAW_TEXT_END = re.compile(r"</\s*(?:script|style)(?=[\s/>])", re.I)
_PLAIN_RAW_TEXT_END = re.compile(r"</(?:[sS][cC][rR][iI][pP][tT]|[sS][tT][yY][lL][eE])[ \t\n\r\f]*>")


def _odd_raw_text_ends(page_html: str) -> list[Finding]:
    return [Finding(page_html.count("\n", 0, m.start()) + 1,
                    f"{page_html[m.start():m.start() + 20]!r}: an end of a <script> or <style> that a browser and "
                    "this check could read differently") for m in _RAW_TEXT_END.finditer(page_html)
            if not _PLAIN_RAW_TEXT_END.match(page_html, m.start())]


# ---- the quick reading: plain markup, cut by one expression into the tokens HTMLParser reads there ----
# Each piece is a narrower form of HTMLParser's own expression (html.parser's tagfind_tolerant,
# attrfind_tolerant, endtagfind, its CDATA end and _markupbase's comment end), so where it matches
# both read the same tag, attributes and script text; where it does not, HTMLParser reads the page.

_SPACE = "[ \t\n\r\f]"  # HTML's whitespace only: anything else inside a tag sends the page to HTMLParser
_NAME = "[a-zA-Z_:][-a-zA-Z0-9_:.]*"
_END = "(?=[ \t\n\r\f>]|\\Z)"  # an unquoted value ends as HTMLParser ends it (\Z: in _attributes)
_VALUE = f"\"[^\"]*\"|'[^']*'|[^\\s\"'=<>`/]+{_END}"
_ATTRIBUTES = f"(?:{_SPACE}+{_NAME}(?:{_SPACE}*={_SPACE}*(?:{_VALUE}))?)*"
_ATTRIBUTE = re.compile(f"{_SPACE}+({_NAME})(?:{_SPACE}*={_SPACE}*({_VALUE}))?")
_URL_NAME = "(?i:" + "|".join(sorted(URL_ATTRIBUTES)) + ")(?![-a-zA-Z0-9_:.])"
# Attributes the checks pass whatever they hold: any name but on*, srcdoc and the URL attributes; and
# a URL that cannot be a script URL, since it starts with neither j, v, a character reference nor
# anything is_script_url skips.
_SAFE_START = "[^jJvV&\\x00-\\x20\\x7f"
_PLAIN_ATTRIBUTE = (f"{_SPACE}+(?:(?!(?i:on)|(?i:srcdoc)(?![-a-zA-Z0-9_:.])|{_URL_NAME}){_NAME}"
                    f"(?:{_SPACE}*={_SPACE}*(?:{_VALUE}))?"
                    f"|{_URL_NAME}{_SPACE}*={_SPACE}*(?:\"(?:{_SAFE_START}\"][^\"]*)?\"|'(?:{_SAFE_START}'][^']*)?'"
                    f"|{_SAFE_START}\\s\"'=<>`/][^\\s\"'=<>`/]*{_END}))")
# Script and style hold text, not tags. Names in ASCII letters only, as HTMLParser reads them: under
# re.I, "script" would match "ſcript" too, which HTMLParser (and a browser) reads as text.
_NOT_RAW = "(?![sS][cC][rR][iI][pP][tT][ \t\n\r\f/>]|[sS][tT][yY][lL][eE][ \t\n\r\f/>])"
_TOKEN = re.compile(
    # A run of text, end tags, a doctype and tags whose every attribute passes: nothing to check in it.
    f"(?P<plain>(?:[^<]++|<{_NOT_RAW}[a-zA-Z][-a-zA-Z0-9]*(?:{_PLAIN_ATTRIBUTE})*+{_SPACE}*/?>"
    f"|</[a-zA-Z][-.a-zA-Z0-9:_]*{_SPACE}*>|<!(?i:doctype)[^>]*>)++)"
    f"|<[sS][cC][rR][iI][pP][tT](?P<script>{_ATTRIBUTES}){_SPACE}*>(?P<code>.*?)</\\s*[sS][cC][rR][iI][pP][tT]\\s*>"
    f"|<[sS][tT][yY][lL][eE](?P<style>{_ATTRIBUTES}){_SPACE}*>.*?</\\s*[sS][tT][yY][lL][eE]\\s*>"
    f"|<{_NOT_RAW}(?P<tag>[a-zA-Z][-a-zA-Z0-9]*)(?P<attributes>{_ATTRIBUTES}){_SPACE}*/?>"
    "|<!--(?P<comment>.*?)--\\s*>",
    re.S)


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """A tag's attributes as HTMLParser gives them: names in lower case, values unquoted and unescaped."""
    found = []
    for match in _ATTRIBUTE.finditer(text):
        name, value = match.groups()
        if value is not None:
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            value = html.unescape(value) if "&" in value else value
        found.append((name.lower(), value))
    return found


def _quick_clean(page_html: str, scanner: _Scanner) -> bool:
    """True if the page is plain markup throughout and the checks find nothing in any tag, script or comment."""
    end = 0
    for token in _TOKEN.finditer(page_html):
        if token.start() != end:
            return False  # something plain markup does not hold: HTMLParser decides
        end = token.end()
        plain, script, code, style, tag, attributes, comment = token.groups()
        if plain is not None:
            continue
        if tag is not None:
            scanner.handle_starttag(tag.lower(), _attributes(attributes))
        elif script is not None:
            scanner.handle_starttag("script", _attributes(script))
            scanner.handle_data(code)
            scanner.handle_endtag("script")
        elif style is not None:
            scanner.handle_starttag("style", _attributes(style))
        else:
            scanner.handle_comment(comment)
        if scanner.findings:
            return False
    return end == len(page_html)


# Elements whose content a browser reads as text up to their end tag, where HTMLParser reads tags: an end
# tag that HTMLParser reads as part of an attribute value or a comment ("<textarea><a title='</textarea>
# <img onerror=...>'>") hides from it the markup a browser reads after that end.
_RAW_TEXT_START = re.compile(r"<(textarea|title|xmp|noembed|noframes|noscript|iframe)(?=[ \t\n\r\f/>])", re.I | re.A)


def _hidden_raw_text_ends(page_html: str) -> list[Finding]:
    """Ends of those elements that do not fall between whole plain tokens (see _TOKEN), as findings."""
    found = []
    for start in _RAW_TEXT_START.finditer(page_html):
        end = re.compile(f"</{start.group(1)}(?=[ \t\n\r\f/>])", re.I | re.A).search(page_html, start.end())
        if end is None:
            continue  # a browser reads the rest of the page as text: nothing hides from HTMLParser
        pos = start.start()
        while pos < end.start() and (token := _TOKEN.match(page_html, pos, end.start())) and token.end() > pos:
            pos = token.end()
        if pos != end.start():
            found.append(Finding(page_html.count("\n", 0, end.start()) + 1,
                                 f"{page_html[end.start():end.start() + 20]!r} inside a tag or comment: a browser "
                                 f"ends the <{start.group(1).lower()}> there"))
    return found
