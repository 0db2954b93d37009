"""The build-time defences: escaping of untrusted strings, the nh3 pass, and the check of every built page.

The real-build tests run `mkdocs build --strict` on a copy of the repo's docs with one hand-written
page added: a script-bearing attribute or URL there fails the build and the warning names the page.
"""

from __future__ import annotations

import os

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
