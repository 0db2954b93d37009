"""The real `mkdocs build --strict` of the repo's config: it passes, and it fails on broken links."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from sitekit import CDN_HOSTS, FIXTURES, REPO, build_site, built_pages, copy_docs, page_path, page_refs
from kb.site.assets import MATHJAX_URL
from kb.pages import read_question
from kb.slugs import page_url, question_path


def _question_pages(docs: Path):
    return [read_question(p) for p in sorted(docs.glob("questions/*/q*.md"))]


def _resolved_links(site: Path, page: Path) -> list[str]:
    """Every <a href> of a built page as a site path with fragment ("/questions/c/q1/#part-a")."""
    base = "http://site/" + page.parent.relative_to(site).as_posix() + "/"
    urls = []
    for href in page_refs(page.read_text(encoding="utf-8")).links:
        url = urlsplit(urljoin(base.replace("/./", "/"), href))
        if url.netloc == "site":
            urls.append(url.path + (f"#{url.fragment}" if url.fragment else ""))
    return urls


def test_repo_site_builds_strict(repo_site):
    assert (repo_site / "index.html").is_file()
    assert (repo_site / "search" / "search_index.json").is_file()


def test_fixture_collection_builds_strict_with_repo_config(fixture_site):
    assert (fixture_site / "questions" / "sample-exam" / "q10" / "index.html").is_file()


@pytest.mark.parametrize("broken", [
    "[a missing page](questions/nowhere.md)",
    "[a missing part](questions/sample-exam/q1.md#part-z)",
    "[a missing heading](#no-such-heading)",
])
def test_broken_link_or_anchor_fails_the_build(tmp_path, broken):
    docs = copy_docs(tmp_path / "docs")
    home = docs / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + f"\n\nSee {broken}.\n", encoding="utf-8")
    result = build_site(tmp_path / "site", docs)
    target = re.search(r"\]\((.*)\)", broken).group(1)
    assert result.returncode == 1, result.stderr
    assert "WARNING" in result.stderr and "'index.md'" in result.stderr and target.split("#")[-1] in result.stderr


def test_home_page_lists_every_question_and_part(repo_site, fixture_site):
    repo_questions = _question_pages(REPO / "docs")
    fixture_questions = _question_pages(FIXTURES)
    assert len(fixture_questions) == 3
    for site, questions in ((repo_site, repo_questions), (fixture_site, repo_questions + fixture_questions)):
        home = site / "index.html"
        links = set(_resolved_links(site, home))
        text = home.read_text(encoding="utf-8")
        for q in questions:
            path = question_path(q.collection, q.question)
            assert page_url(path) in links, f"home page does not link to {q.id}"
            assert escape(q.title, quote=False) in text
            for part in q.parts:
                assert page_url(path, part.anchor) in links, f"no link to {q.id} part {part.label}"
                for words in re.split(r"\$[^$]*\$", part.title):  # math in a title is typeset, not verbatim
                    assert escape(words.strip(), quote=False) in text


def test_collection_index_lists_its_questions_in_number_order(fixture_site):
    index = fixture_site / "questions" / "sample-exam" / "index.html"
    links = [u for u in _resolved_links(fixture_site, index) if re.fullmatch(r"/questions/sample-exam/q\d+/", u)]
    assert links[:3] == ["/questions/sample-exam/q1/", "/questions/sample-exam/q2/", "/questions/sample-exam/q10/"]
    assert "/questions/sample-exam/q10/#part-ii" in _resolved_links(fixture_site, index)


def test_every_collection_is_in_the_nav_without_a_config_edit(fixture_site):
    # mkdocs.yml names no collection; the hook finds docs/questions/*/index.md.
    assert "sample-exam" not in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    nav = (fixture_site / "index.html").read_text(encoding="utf-8").split('md-nav--primary', 1)[1]
    assert 'href="questions/sample-exam/"' in nav


def test_mathjax_files_are_in_the_build(repo_site):
    mathjax = repo_site / MATHJAX_URL
    assert (mathjax / "tex-chtml.js").stat().st_size > 500_000
    assert len(list((mathjax / "output/chtml/fonts/woff-v2").glob("*.woff"))) >= 20
    for extension in ("cancel", "boldsymbol", "ams", "mathtools"):
        assert (mathjax / f"input/tex/extensions/{extension}.js").is_file()
    assert (mathjax / "ui/safe.js").is_file()  # safe mode: TeX cannot add javascript: links
    # Only what the site needs: no SVG or MathML builds, no speech engine.
    top = {p.name for p in mathjax.iterdir()}
    assert top == {"tex-chtml.js", "output", "input", "ui"}


def test_every_page_loads_mathjax_from_the_site(repo_site):
    for page in built_pages(repo_site):
        fetches = [url for tag, url in page_refs(page.read_text(encoding="utf-8")).fetches if tag == "script"]
        assert any(url.endswith(f"{MATHJAX_URL}/tex-chtml.js") for url in fetches), page


@pytest.mark.parametrize("which", ["repo", "fixture"])
def test_no_page_fetches_anything_off_site(which, repo_site, fixture_site):
    site = repo_site if which == "repo" else fixture_site
    for page in built_pages(site):
        html = page.read_text(encoding="utf-8")
        for tag, url in page_refs(html).fetches:
            assert not re.match(r"^([a-z]+:)?//", url, re.I), f"{page}: <{tag}> loads {url}"
        for host in CDN_HOSTS:
            assert host not in html, f"{page} mentions CDN host {host}"


def test_page_path_maps_directory_urls():
    assert page_path(Path("/s"), "/questions/c/q1/") == Path("/s/questions/c/q1/index.html")


def test_the_collections_are_named_by_their_page_titles_in_one_file(fixture_site):
    """The search scripts show a hit's collection by the title of its page, whatever the nav's depth: from
    collections.json, fetched once, not from a list in every page (which grew with the collections)."""
    names = json.loads((fixture_site / "collections.json").read_text(encoding="utf-8"))
    assert names == {"sample-exam": "Sample exam", "deep-learning-exam-answers": "Exam answer sheet 1"}
    for page in ("index.html", "questions/sample-exam/q10/index.html", "concepts/index.html"):
        html = (fixture_site / page).read_text(encoding="utf-8")
        assert 'name="kb-collection"' not in html, page


def test_tags_are_listed_whatever_their_case(repo_site):
    """CNN, MLP and PyTorch were listed before "attention" (issue 19): the tags page sorts case-insensitively."""
    html = (repo_site / "tags" / "index.html").read_text(encoding="utf-8")
    names = [re.sub(r"<[^>]+>", "", h).replace("¶", "").strip()
             for h in re.findall(r'<h2 id="tag:[^"]*"[^>]*>(.*?)</h2>', html, re.S)]
    assert len(names) >= 3 and any(n[:1].isupper() for n in names) and any(n[:1].islower() for n in names), names
    assert names == sorted(names, key=str.casefold), names


def test_a_question_page_is_described_by_its_own_first_sentence(repo_site):
    """Every page carried the site-wide meta description (issue 19): a question page's is its answer's opening."""
    described = {}
    for page in sorted((repo_site / "questions").glob("*/q*/index.html")):
        found = re.search(r'<meta name="description" content="([^"]*)"', page.read_text(encoding="utf-8"))
        assert found, page
        described[page.parent.name] = found[1]
    assert len(set(described.values())) == len(described), "each question has its own description"
    assert described["q1"].startswith("The relationship between the latent dimension h and classification accuracy")
    assert all(len(d) <= 170 and "$" not in d and "<" not in d for d in described.values()), described


def test_a_description_shows_markdown_escapes_as_the_characters_typed():
    from kb.site.describe import description

    assert description("# Q1. T\n\nA model fits noise \\{: .md-banner} and $x_i$ too.\n") == \
        "A model fits noise {: .md-banner} and x_i too."
