"""Derived concept pages through the real importer and `mkdocs build --strict`, on six collections.

The repo's docs (the seed) plus the five fixture collections of fixtures/collections/, each in
its own layout, imported by the importer's CLI and built with the repo's config: the derived
pages, the links to them, adoption (a contributor's page wins), rejection (the list in
docs/concepts/rejected.yml, its reason in --check), the link rules, and a defining answer with
markup in it, which reaches the derived page as text in Debian's Chromium.
"""

from __future__ import annotations

import json
import urllib.request
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conceptkit import REPO, build, built
from test_site_links import article, concept_links

sys.path.insert(0, str(REPO / "tests" / "site"))
from sitekit import MATH_DONE, SCRIPT_BEARING, StaticServer, Watcher, chromium  # noqa: E402,F401 (fixture)

FIXTURES = Path(__file__).parent / "fixtures"
COLLECTIONS = sorted((FIXTURES / "collections").iterdir())
SEED = "questions/deep-learning-exam-answers"


def import_into(docs: Path, *sources: Path, check: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "scripts/import_documents.py", "--docs", str(docs), *(["--check"] if check else []),
         *map(str, sources)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode in ((0, 1) if check else (0,)), result.stderr
    return result


def knowledge_base(work: Path, *extra: Path) -> Path:
    docs = Path(shutil.copytree(REPO / "docs", work / "docs"))
    import_into(docs, *COLLECTIONS, *extra)
    return docs


@pytest.fixture(scope="module")
def six(tmp_path_factory) -> Path:
    """The six collections, built."""
    work = tmp_path_factory.mktemp("six")
    site = work / "site"
    built(build(knowledge_base(work), site))
    return site


def derived_pages(site: Path) -> dict[str, str]:
    return {p.parent.name: article(site, f"concepts/{p.parent.name}")
            for p in sorted((site / "concepts").glob("*/index.html")) if "kb-derived-note" in p.read_text()}


def test_derived_pages_have_a_quoted_definition_and_at_least_two_questions(six):
    pages = derived_pages(six)
    assert {"curse-of-dimensionality", "principal-component-analysis", "non-maximum-suppression",
            "central-limit-theorem", "positional-encoding", "learning-rate"} <= set(pages)
    for slug, body in pages.items():
        quote = re.search(r'<blockquote class="kb-definition"><p>(.+?)</p>\s*<p class="kb-definition-source">— from '
                          r'<a href="\.\./\.\./(questions/[^"]+/q\d+/)(?:#[\w-]+)?">', body, re.S)
        assert quote and len(re.sub(r"<[^>]+>", "", quote.group(1)).split()) >= 5, slug
        assert (six / quote.group(2) / "index.html").is_file(), slug
        discussed = body.split('id="kb-discussed"')[1].split('id="kb-related-concepts"')[0]
        assert len(set(re.findall(r'href="\.\./\.\./(questions/[^"#]+/q\d+/)', discussed))) >= 2, slug


def test_a_derived_page_lists_every_collection_naming_it_and_related_concepts(six):
    body = article(six, "concepts/learning-rate")
    discussed = body.split('id="kb-discussed"')[1].split('id="kb-related-concepts"')[0]
    collections = set(re.findall(r'href="\.\./\.\./questions/([^/]+)/q\d+/', discussed))
    assert {"ml-interview-questions", "nlp-quick-questions", "vision-topics"} <= collections
    related = body.split('id="kb-related-concepts"')[1]
    assert 'href="../learning-rate-schedule/"' in related and 'href="../gradient-descent/"' in related


def test_pca_folds_its_spelling_and_acronym_and_questions_link_it(six):
    body = article(six, "concepts/principal-component-analysis")
    assert "Also called: PCA." in body
    q6 = article(six, "questions/data-science-bank/q6")  # says only "PCA"
    assert 'href="../../../concepts/principal-component-analysis/" title="Principal component analysis">PCA</a>' in q6


def test_every_collection_of_ten_or_more_links_concepts_in_four_questions_of_five(six):
    shares = {}
    for folder in sorted((six / "questions").iterdir()):
        pages = sorted(folder.glob("q*/index.html"))
        if len(pages) >= 10:
            linking = [p for p in pages
                       if concept_links(article(six, p.parent.relative_to(six).as_posix()).split('id="kb-concepts"')[0])]
            shares[folder.name] = len(linking) / len(pages)
    assert len(shares) == 6
    assert all(share >= 0.8 for share in shares.values()), shares


def test_the_seed_loses_no_link(six, seed_site):
    for path in sorted((REPO / "docs" / SEED).glob("q*.md")):
        alone = set(concept_links(article(seed_site, f"{SEED}/{path.stem}").split('id="kb-concepts"')[0]))
        beside = set(concept_links(article(six, f"{SEED}/{path.stem}").split('id="kb-concepts"')[0]))
        assert alone <= beside, f"{path.name} lost {alone - beside}"
    assert derived_pages(seed_site) == {}  # the seed alone defines nothing its pages do not have


def test_derived_pages_are_in_the_concepts_index_and_the_search_index(six):
    index = article(six, "concepts")
    assert re.search(r'href="curse-of-dimensionality/">Curse of dimensionality</a> \(2 questions\) '
                     r'<em class="kb-derived">derived</em>', index)
    assert re.search(r'href="overfitting/">Overfitting</a> \(\d+ questions\) — ', index)  # written: no mark
    docs = json.loads((six / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    entry = next(d for d in docs if d["location"] == "concepts/curse-of-dimensionality/")
    assert "points become far apart" in entry["text"]


def test_the_longest_name_wins_and_a_concept_links_once_per_section(six):
    q13 = article(six, "questions/ml-interview-questions/q13")
    links = re.findall(r'concepts/([a-z0-9-]+)/" title="[^"]*">([^<]+)</a>', q13.split('id="kb-concepts"')[0])
    assert links[:2] == [("learning-rate-schedule", "learning rate schedule"), ("learning-rate", "learning rate")]
    q3 = article(six, "questions/probability-exam/q3")  # names "confidence interval" twice in one section
    assert len(re.findall(r'concepts/confidence-interval/"', q3.split('id="kb-concepts"')[0])) == 1
    assert "confidence interval for a mean" in q3


def test_links_go_to_pages_that_exist(six):
    for page in sorted((six / "questions").glob("*/q*/index.html")):
        for target in re.findall(r'href="((?:\.\./)+concepts/[a-z0-9-]+/)"', page.read_text(encoding="utf-8")):
            assert (page.parent / target / "index.html").resolve().is_file(), f"{page}: {target}"


# ---- adoption, rejection, hostile text: one build of an edited copy --------------------------

ADOPTED = """---
title: Curse of dimensionality
aliases: [high-dimensional curse]
summary: What goes wrong when data has many features.
---
# Curse of dimensionality

A page a contributor wrote, adopting the derived concept.
"""


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """The six collections plus the hostile one, with one derived concept adopted and one rejected."""
    work = tmp_path_factory.mktemp("edited")
    docs = knowledge_base(work, FIXTURES / "hostile" / "hostile-definitions.md")
    (docs / "concepts" / "curse-of-dimensionality.md").write_text(ADOPTED, encoding="utf-8")
    (docs / "concepts" / "rejected.yml").write_text(
        "Non-maximum suppression: <b>a detector's step</b>, not a concept of its own\n", encoding="utf-8")
    site = work / "site"
    with StaticServer(site) as server:
        built(build(docs, site))
        yield docs, site, server


def test_an_adopted_concept_shows_the_contributors_page(edited):
    _, site, _ = edited
    body = article(site, "concepts/curse-of-dimensionality")
    assert "A page a contributor wrote" in body and "kb-derived-note" not in body
    q5 = article(site, "questions/data-science-bank/q5")
    assert 'concepts/curse-of-dimensionality/" title="Curse of dimensionality">curse of dimensionality</a>' in q5


def test_a_rejected_concept_has_no_page_and_no_links(edited):
    _, site, _ = edited
    assert not (site / "concepts" / "non-maximum-suppression").exists()
    assert not (site / "concepts" / "rejected.yml").exists()  # read by the build, not published
    for page in sorted((site / "questions").glob("*/q*/index.html")):
        assert "concepts/non-maximum-suppression/" not in page.read_text(encoding="utf-8")


def test_check_names_the_rejected_and_adopted_concepts_with_the_reason(edited):
    docs, _, _ = edited
    result = import_into(docs, COLLECTIONS[0], check=True)
    assert ("not derived (rejected): Non-maximum suppression: concepts/rejected.yml: Non-maximum suppression: "
            "<b>a detector's step</b>, not a concept of its own") in result.stdout
    assert "  Curse of dimensionality:" not in result.stdout  # adopted: no longer derived
    assert re.search(r"derived concepts: \d+ ", result.stdout)


def test_a_bad_rejection_list_fails_the_build_naming_the_file(edited, tmp_path):
    docs, _, _ = edited
    copy = Path(shutil.copytree(docs, tmp_path / "docs"))
    (copy / "concepts" / "rejected.yml").write_text("- just a list\n", encoding="utf-8")
    result = build(copy, tmp_path / "site")
    assert result.returncode != 0
    assert "concepts/rejected.yml" in result.stderr and "Traceback" not in result.stderr


HOSTILE_TEXTS = ["""<script>alert('derived-script')</script>""", """<img src=x onerror="alert('derived-img')">"""]


def test_hostile_markup_in_a_defining_answer_is_text_on_the_derived_page(edited):
    _, site, _ = edited
    html = (site / "concepts" / "zebra-kernel" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("<article"): html.index("</article>")]
    assert "&lt;script&gt;alert('derived-script')&lt;/script&gt;" in body
    assert "<script>alert" not in html and not re.search(r"<[a-z]+\b[^<>]*\sonerror=", body)
    assert "&lt;img src=x onerror=\"alert('derived-img')\"&gt;" in body
    assert "javascript:" not in html


@pytest.mark.browser
def test_hostile_markup_shows_as_text_and_runs_nothing_in_chromium(edited, chromium):
    _, _, server = edited
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    watcher = Watcher(context)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(server.url + "concepts/zebra-kernel/", wait_until="load")
        page.wait_for_function(MATH_DONE)
        quote = page.inner_text("blockquote.kb-definition")
        for text in HOSTILE_TEXTS:
            assert text in quote
        assert "looks odd" in quote and page.locator("blockquote.kb-definition mjx-container").count() == 1
        for link in page.locator("blockquote.kb-definition a").all():
            link.hover()
        assert dialogs == [] and page.evaluate(SCRIPT_BEARING) == []
        assert watcher.take() == []
    finally:
        context.close()


def test_the_search_api_finds_derived_concepts_and_expands_their_aliases(edited, tmp_path):
    from appkit import AppServer

    from search_api import create_app
    from search_api.indexer import build as build_index

    docs, site, _ = edited
    build_index(docs, tmp_path / "index")
    with AppServer(create_app({"INDEX_DIR": tmp_path / "index", "SITE_DIR": site})) as server:
        found = server.api(q="PCA")
        ids = [hit["id"] for hit in found["results"]]
        assert "concept:principal-component-analysis" in ids
        # "PCA" is an alias: pages that only spell it out are found, and they name the concept.
        spelled = [h for h in found["results"] if h["id"].startswith("data-science-bank/q4")]
        assert spelled and "principal-component-analysis" in spelled[0]["concepts"]
        assert not [h for h in server.api(q="non-maximum suppression")["results"] if h["type"] == "concept"
                    and h["id"] == "concept:non-maximum-suppression"]  # rejected: no concept record
        status = json.loads(urllib.request.urlopen(server.url + "health", timeout=10).read())
        assert status["concepts"] > 49  # the written pages and the derived ones
