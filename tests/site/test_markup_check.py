"""The build-time defences: escaping of untrusted strings, the nh3 pass, and the check of every built page.

The real-build tests run `mkdocs build --strict` on a copy of the repo's docs with one hand-written
page added: a script-bearing attribute or URL there fails the build and the warning names the page.
"""

from __future__ import annotations

import os
import re

import pytest

from kb.site import markup_check, sanitize
from kb.site.catalog import _link_text
from sitekit import build_site, copy_docs

THEME = markup_check.theme_scripts(
    [os.path.join(os.path.dirname(__import__("material").__file__), "templates")])


def findings(html: str, url: str = "concepts/x/") -> list[str]:
    return [f.what for f in markup_check.unsafe_markup(html, url, THEME)]


def test_the_theme_inline_scripts_are_learnt_from_its_templates():
    assert len(THEME) >= 4
    base = ('__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
            '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e))')
    # A prefix of the theme's script is not the theme's script.
    assert any(p.fullmatch(base) for p in THEME) is False
    target = ('var target=document.getElementById(location.hash.slice(1));'
              'target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))')
    assert findings(f"<script>{target}</script>") == []
    assert findings(f"<script>{target};alert(1)</script>")


@pytest.mark.parametrize("html, expected", [
    ('<img src="x.png" onerror="alert(1)">', "<img onerror=...>"),
    ('<div ONMOUSEOVER="x()">', "<div onmouseover=...>"),
    ('<a href="javascript:alert(1)">x</a>', "javascript: URL"),
    ('<a href=" Java&#9;Script:alert(1)">x</a>', "javascript: URL"),  # entity, tab and case, as browsers read it
    ('<form action="javascript:go()"></form>', "javascript: URL"),
    ("<script>alert(1)</script>", "inline <script> not from the theme"),
    ('<script type="module">alert(1)</script>', "inline <script> not from the theme"),
    ('<script src="https://cdn.example/x.js"></script>', "not from the theme or the site's own assets"),
    ('<script src="../../uploads/x.js"></script>', "not from the theme or the site's own assets"),
    ('<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>', "<iframe srcdoc> holding <img onerror=...>"),
])
def test_script_bearing_markup_is_found(html, expected):
    found = findings(html)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize("html", [
    '<script src="../../assets/javascripts/bundle.js"></script>',
    '<script src="../../javascripts/find.js"></script>',
    '<script src="../../assets/mathjax/tex-chtml.js"></script>',
    '<script id="__config" type="application/json">{"base": ".."}</script>',
    '<a href="https://example.org/javascript:x">ok</a> <a href="#one">one</a> <p>javascript: is a word</p>',
    '<span class="arithmatex">\\(\\href{javascript:alert(1)}{x}\\)</span>',  # text: MathJax's safe mode handles it
])
def test_the_theme_our_assets_and_text_pass(html):
    assert findings(html) == []


def test_root_relative_scripts_are_ours_only_under_the_site_s_path():
    # The 404 page links its scripts from the site's root path (from site_url).
    ours = '<script src="/kb/assets/javascripts/bundle.js"></script>'
    assert markup_check.unsafe_markup(ours, "", THEME, "/kb/") == []
    assert markup_check.unsafe_markup(ours, "", THEME, "/")
    assert markup_check.unsafe_markup('<script src="/uploads/x.js"></script>', "", THEME, "/")


def test_front_matter_strings_are_escaped_and_other_keys_kept():
    meta = {"title": "<script>x</script>", "tags": ["<b>", 3], "description": 'a"b', "parts": ["<i>"]}
    assert sanitize.escape_meta(meta) == {"title": "&lt;script&gt;x&lt;/script&gt;", "tags": ["&lt;b&gt;", 3],
                                          "description": "a&quot;b", "parts": ["<i>"]}
    assert meta["title"] == "<script>x</script>"  # the page's own mapping is not changed in place


def test_imported_html_keeps_markdown_output_and_loses_scripts():
    kept = ('<h2 id="part-a">(a) T<a class="headerlink" href="#part-a" title="Permanent link">¶</a></h2>\n'
            '<p><span class="arithmatex">\\(a &lt; b\\)</span> <a href="../../x/">x</a> <code>&lt;b&gt;</code></p>\n'
            '<div class="highlight"><pre><span></span><code><span class="n">x</span></code></pre></div>')
    assert sanitize.clean_imported_html(kept) == kept
    cleaned = sanitize.clean_imported_html(
        '<p onclick="x()">a <a href="javascript:alert(1)">b</a> <img src="data:x" onerror="y()"></p><script>z()</script>')
    assert cleaned == "<p>a <span>b</span> <img></p>"  # a link without its URL is no link


def test_imported_html_cannot_take_the_theme_s_ids():
    assert sanitize.clean_imported_html('<h2 id="__config">x</h2><h2 id="part-a">y</h2>') == '<h2>x</h2><h2 id="part-a">y</h2>'


def test_titles_in_listings_are_text_and_math_stays_math():
    assert _link_text("*x*{: onclick=alert(1)} <b>") == r"*x*\{: onclick=alert(1)\} &lt;b>"
    assert _link_text(r"Why $\frac{a}{b}$ [cost]") == r"Why $\frac{a}{b}$ \[cost\]"


def _concept(docs, body: str) -> None:
    (docs / "concepts" / "hand-written.md").write_text(
        f"---\ntitle: Hand written\n---\n# Hand written\n\n{body}\n", encoding="utf-8")


@pytest.mark.parametrize("body, expected", [
    ('A picture: <img src="x.png" onerror="alert(1)">', "<img onerror=...>"),
    ("A link: [go](javascript:alert(1))", "javascript: URL"),
])
def test_script_in_a_hand_written_page_fails_the_strict_build_naming_the_page(tmp_path, body, expected):
    docs = copy_docs(tmp_path / "docs", with_fixture_collection=False)
    _concept(docs, body)
    result = build_site(tmp_path / "site", docs)
    assert result.returncode == 1, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "concepts/hand-written.md" in warnings[0] and expected in warnings[0], warnings


def test_usual_html_in_a_hand_written_page_builds(tmp_path):
    docs = copy_docs(tmp_path / "docs", with_fixture_collection=False)
    _concept(docs, '<details><summary>More</summary><p>Text <kbd>K</kbd></p></details>\n\n'
                   '<img src="https://example.org/a.png" alt="a">')
    result = build_site(tmp_path / "site", docs)
    assert result.returncode == 0, result.stderr
    assert "<kbd>K</kbd>" in (tmp_path / "site" / "concepts" / "hand-written" / "index.html").read_text()


def test_a_symlink_in_docs_is_not_published(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("not for the web\n")
    docs = copy_docs(tmp_path / "docs", with_fixture_collection=False)
    (docs / "stylesheets" / "leak.css").symlink_to(secret)
    (docs / "javascripts" / "linked").symlink_to(secret.parent, target_is_directory=True)
    result = build_site(tmp_path / "site", docs)
    assert result.returncode == 1, result.stderr
    assert "stylesheets/leak.css is a symbolic link" in result.stderr
    assert "javascripts/linked/secret.txt is a symbolic link" in result.stderr
    published = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert published, "the site was written"
    assert not any("not for the web" in p.read_text(errors="replace") for p in published if p.suffix != ".woff")


# --- The quick reading of plain markup (markup_check._quick_clean) against HTMLParser ---

HOSTILE_MARKUP = [
    '<img src=x onerror=alert(1)>', '<a href="javascript:x">', "<a href='&#106;avascript:x'>", '<a href=" javascript:x">',
    '<a href=java&#x09;script:x>', '<script>alert(1)</script>', '<SCRIPT>x</SCRIPT>', '<script>', '</script>', '<style>',
    '</style>', '<iframe srcdoc="&lt;script&gt;x&lt;/script&gt;">', '<!--', '-->', '<!-->', '--!>', '<div ONclick=x>',
    '<svg/onload=x>', '<a\x0bonclick=x>', '<a\xa0onclick=x>', '<a x=y\xa0onclick=z>', '"', "'", '<', '>', '=', '/',
    ' onmouseover="x"', '<a href="VBScript:x">', '<object data="javascript:x">', '<form action=javascript:x>',
    '<a xlink:href="javascript:x">', '<script src="https://evil.example/x.js"></script>', '<a title="x>y', '<a b = "x c>',
    '</script >', '<script type="module">', '<a/href="javascript:x">', '<p onclick', '&', '&#', '<a href=', '<? x >',
    '<!x>', '</ a>', '<a x="1"onclick="y">', ' href="javascript:x"', '<textarea>', '</script x>', '</ script>',
    '</style/>', '<\u017fcript id="__config" type="application/json">', '</\u017fcript>', '<a \u212aey=x>',
    '<script id="__config" type="application/json">{"x": "', '"}</script>',
]
PLAIN_MARKUP = [
    "<p>", "</p>", "text ", '<a href="../x/">', "</a>", '<div class="a b">', '<img src="x.png" alt="">', "<br/>",
    '<script src="../../assets/javascripts/bundle.js"></script>', "<span title='q'>", "<input hidden>", "<a href=x>",
    "<!-- c -->", "<style>p{}</style>", '<a href="">', "\n", '<svg viewBox="0 0 1 1"><path d="M0"/></svg>',
]


def _htmlparser_findings(html: str, url: str = "questions/c/q1/") -> list:
    scanner = markup_check._Scanner(url, THEME)
    scanner.feed(html)
    scanner.close()
    return scanner.findings


@pytest.mark.parametrize("seed", range(4))
def test_the_quick_reading_passes_a_page_only_if_htmlparser_finds_nothing(seed):
    import random

    rng = random.Random(seed)
    passed = 0
    for _ in range(3000):
        pieces = [rng.choice(PLAIN_MARKUP) if rng.random() < 0.7 else rng.choice(HOSTILE_MARKUP) if rng.random() < 0.7
                  else "".join(rng.choice("<>\"'=/ \tonjavascript:&#;!-\x0b\xa0\u017f") for _ in range(rng.randint(1, 6)))
                  for _ in range(rng.randint(1, 12))]
        page = "".join(pieces)
        if markup_check._quick_clean(page, markup_check._Scanner("questions/c/q1/", THEME)):
            passed += 1
            assert _htmlparser_findings(page) == [], page
    assert passed > 500  # the quick reading is exercised, not just skipped


def test_a_script_left_open_and_comments_a_browser_ends_early_are_found():
    # HTMLParser waits for the end of a script that never ends; a browser runs it.
    assert [f.what for f in markup_check.unsafe_markup("<p>x</p><script>alert(1)", "", THEME)] == [
        "inline <script> never closed"]
    assert findings('<iframe srcdoc="&lt;script&gt;alert(1)"></iframe>') == [
        "<iframe srcdoc> holding inline <script> never closed"]
    for comment in ("<!--> <img src=x> -->", "<!---> x -->", "<!-- a --!> b -->"):
        assert findings(comment) == ["a comment a browser ends early (what follows it is markup there)"], comment
    assert findings("<!-- a comment -- with dashes --><!---->") == []


@pytest.mark.parametrize("html", [
    '<style>p {}</style x><img src=x onerror=alert(1)></style>',  # a browser ends the style at "</style x>"
    '<script id="__config" type="application/json">{}</script/><img src=x onerror=alert(1)></script>',
    '<script id="__config" type="application/json">{}</ script><img src=x onerror=alert(1)></script>',
    '<\u017fcript id="__config" type="application/json">{"a": "</\u017fcript><img src=x>"}</script>',
])
def test_script_and_style_ends_a_browser_reads_otherwise_are_found(html):
    found = [f.what for f in markup_check.unsafe_markup(html, "", THEME)]
    assert any("an end of a <script> or <style>" in f for f in found), found


@pytest.mark.parametrize("html", [
    '<textarea><a title="</textarea><img src=x onerror=alert(1)>"></textarea>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    '<title><!-- </title><img src=x onerror=alert(1)> --></title>',
])
def test_markup_hidden_in_text_a_browser_ends_sooner_is_found(html):
    # A browser reads these elements' content as text up to their end tag; HTMLParser reads tags there.
    assert [f.what for f in markup_check.unsafe_markup(html, "", THEME)][0].endswith("a browser ends the <"
                                                                                       + html[1:html.index(">")] + "> there")
    assert _htmlparser_findings(html, "") == []  # what HTMLParser alone missed


def test_text_only_elements_holding_plain_markup_pass():
    assert findings('<noscript><p class="find__fallback">This page needs JavaScript.</p></noscript>'
                    '<title>A &lt;b&gt; title</title><textarea>x</textarea >') == []


def _question_page(site) -> tuple[str, str]:
    page = next(p for p in sorted((site / "questions" / "sample-exam").glob("q*/index.html")))
    return page.read_text(encoding="utf-8"), page.parent.relative_to(site).as_posix() + "/"


def test_every_built_page_is_plain_markup_and_clean(fixture_site):
    # The quick reading serves the whole site (else every page would take HTMLParser's slower one).
    for page in sorted(fixture_site.rglob("*.html")):
        if "assets/mathjax" in page.as_posix():
            continue
        url = page.parent.relative_to(fixture_site).as_posix() + "/" if page.name == "index.html" else ""
        html = page.read_text(encoding="utf-8")
        assert markup_check._quick_clean(html, markup_check._Scanner(url, THEME)), page
        assert _htmlparser_findings(html, url) == [], page
        assert markup_check.unsafe_markup(html, url, THEME) == [], page


def test_markup_anywhere_in_a_built_page_is_found(fixture_site):
    """Wherever a document's text lands (any element's text, any quoted attribute value), markup put there is found.

    Text reaches every part of a page: the head's title and description, the header, the nav and
    sidebar, the breadcrumb, the article, the listings, the footer's previous and next, the scripts'
    settings. Each insertion is checked by unsafe_markup as the build does, and by HTMLParser alone.
    """
    html, url = _question_page(fixture_site)
    in_text = [m.end() for m in re.finditer(r"<[a-zA-Z][^>]*>", html)]
    in_values = [m.end() for m in re.finditer(r'="', html)]
    assert len(in_text) > 200 and len(in_values) > 200
    for at in in_text:
        page = html[:at] + "</script></style><img src=x onerror=alert(1)>" + html[at:]  # out of a script, if in one
        assert markup_check.unsafe_markup(page, url, THEME), html[at - 80:at]
    for at in in_values:
        page = html[:at] + 'x" onmouseover="alert(1)' + html[at:]
        assert markup_check.unsafe_markup(page, url, THEME), html[at - 80:at]
