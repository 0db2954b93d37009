"""Concept links through the real `mkdocs build --strict`: the seed's links, determinism, edits, checks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from conceptkit import REPO, build, built

from kb.concepts.concept import load_concepts
from kb.pages import read_question

SEED = "questions/deep-learning-exam-answers"


def html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def article(site: Path, page: str) -> str:
    text = html(site, page)
    return text[text.index("<article"): text.index("</article>")]


def concept_links(fragment: str) -> list[str]:
    return re.findall(r'href="(?:\.\./)+concepts/([a-z0-9-]+)/"', fragment)


def test_the_seed_ships_enough_concepts_with_definitions():
    concepts = load_concepts(REPO / "docs")
    assert len(concepts) >= 25
    for concept in concepts:
        assert concept.summary, concept.path
        assert len(concept.body.split()) >= 60, f"{concept.path}: the definition is too short"


def test_every_seed_question_links_at_least_two_concepts(seed_site):
    for path in sorted((REPO / "docs" / SEED).glob("q*.md")):
        body = article(seed_site, f"{SEED}/{path.stem}")
        prose = body.split('id="kb-concepts"')[0]
        assert len(set(concept_links(prose))) >= 2, f"{path.name} links {set(concept_links(prose))}"


def test_q3_links_translation_invariance(seed_site):
    body = article(seed_site, f"{SEED}/q3")
    assert re.search(r'<a href="\.\./\.\./\.\./concepts/translation-invariance/" title="Translation invariance">'
                     r"translation-invariant</a>", body)


def test_linear_attention_lists_q7_part_b(seed_site):
    # Q7(b) never says "linear attention": it names the idea by its key product, K^T V.
    body = article(seed_site, "concepts/linear-attention")
    discussed = body.split('id="kb-discussed"')[1].split('id="kb-related-concepts"')[0]
    assert 'href="../../questions/deep-learning-exam-answers/q7/#part-b"' in discussed


def test_links_never_split_a_bold_or_italic_term(seed_site):
    pages = [f"{SEED}/{p.stem}" for p in sorted((REPO / "docs" / SEED).glob("q*.md"))]
    pages += [f"concepts/{p.stem}" for p in sorted((REPO / "docs" / "concepts").glob("*.md")) if p.stem != "index"]
    whole = re.compile(r'<a href="[^"]*" title="[^"]*">[^<]*</a>[.,;:!?]?')
    checked = 0
    for page in pages:
        for tag, inner in re.findall(r"<(strong|em)>(.*?)</\1>", article(seed_site, page), re.S):
            if "<a " in inner and "<strong>" not in inner and "<em>" not in inner:
                checked += 1
                assert whole.fullmatch(inner.strip()), f"{page}: <{tag}>{inner}</{tag}>"
    assert checked >= 5  # the seed has bold terms that are linked whole
    q8 = article(seed_site, f"{SEED}/q8")
    assert "<strong>attention weight</strong>" in q8  # its concept is linked earlier in the part, by "attention map"


def test_kl_divergence_page_lists_q9_and_q10_with_deep_links(seed_site):
    body = article(seed_site, "concepts/kl-divergence")
    discussed = body.split('id="kb-discussed"')[1].split('id="kb-related-concepts"')[0]
    assert 'href="../../questions/deep-learning-exam-answers/q9/#part-a"' in discussed
    assert 'href="../../questions/deep-learning-exam-answers/q10/#part-b"' in discussed
    assert "VAEs introduce a KL-divergence term in the loss function to regularize the latent space." in discussed


def test_links_never_land_in_math_or_headings(seed_site):
    for page in ("q7", "q9"):
        body = article(seed_site, f"{SEED}/{page}")
        for math in re.findall(r'<(?:span|div) class="arithmatex">(.*?)</(?:span|div)>', body, re.S):
            assert "<a " not in math
        for heading in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", body, re.S):
            assert "concepts/" not in heading


def test_question_pages_end_with_related_questions_and_reasons(seed_site):
    body = article(seed_site, f"{SEED}/q9")
    related = body.split('id="kb-related-questions"')[1]
    assert re.search(r'<a href="\.\./q10/">Q10\. [^<]+</a> — \d+ shared concepts: [^<]*KL divergence', related)


def test_concepts_index_lists_every_concept_with_counts(seed_site):
    body = article(seed_site, "concepts")
    for concept in load_concepts(REPO / "docs"):
        assert f'href="{concept.slug}/"' in body
    assert re.search(r'<a href="kl-divergence/">KL divergence</a> \(2 questions\)', body)


def test_the_build_never_rewrites_markdown(tmp_path):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (REPO / "docs").rglob("*.md")}
    built(build(None, tmp_path / "site"))
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (REPO / "docs").rglob("*.md")} == before


def test_two_builds_give_identical_html(docs_copy, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    built(build(docs_copy, one))
    built(build(docs_copy, two))
    first = {p.relative_to(one): p.read_bytes() for p in one.rglob("*.html")}
    second = {p.relative_to(two): p.read_bytes() for p in two.rglob("*.html")}
    assert first.keys() == second.keys() and len(first) > 50
    assert [p for p in first if first[p] != second[p]] == []


def test_an_edit_to_one_page_changes_backlinks_elsewhere(docs_copy, tmp_path):
    q3, q7 = docs_copy / SEED / "q3.md", docs_copy / SEED / "q7.md"
    q3.write_text(q3.read_text().replace("**translation-invariant**", "**shift-robust**"))
    q7.write_text(q7.read_text() + "\nUnlike a CNN, attention has no translation invariance built in.\n")
    site = tmp_path / "site"
    built(build(docs_copy, site))
    discussed = article(site, "concepts/translation-invariance").split('id="kb-discussed"')[1]
    assert "deep-learning-exam-answers/q3/" not in discussed
    assert "deep-learning-exam-answers/q7/" in discussed
    assert "deep-learning-exam-answers/q6/" in discussed
    cnn = article(site, "concepts/cnn").split('id="kb-discussed"')[1]
    assert "deep-learning-exam-answers/q7/" in cnn


def test_a_new_concept_links_at_the_next_build(docs_copy, tmp_path):
    (docs_copy / "concepts" / "pixel.md").write_text(
        "---\ntitle: Pixel\naliases: []\nsummary: One dot of an image.\n---\n# Pixel\n\nOne dot of an image.\n")
    site = tmp_path / "site"
    result = built(build(docs_copy, site))
    assert "concept 'Pixel' is not mentioned" not in result.stderr
    assert 'concepts/pixel/" title="Pixel">pixel</a>' in article(site, f"{SEED}/q8")
    assert read_question(docs_copy / SEED / "q8.md").edited is False


def test_duplicate_alias_fails_the_strict_build_naming_file_and_line(docs_copy, tmp_path):
    (docs_copy / "concepts" / "zz-convnet.md").write_text(
        "---\ntitle: Convolutional net\naliases:\n- CNN\n---\n# Convolutional net\n\nText.\n")
    result = build(docs_copy, tmp_path / "site")
    assert result.returncode != 0
    assert ("WARNING -  docs/concepts/zz-convnet.md:4: concept name 'CNN' is also claimed by concepts/cnn.md "
            "(line 4); links use concepts/cnn.md") in result.stderr


def test_unknown_wikilink_fails_the_strict_build_naming_file_and_line(docs_copy, tmp_path):
    q5 = docs_copy / SEED / "q5.md"
    text = q5.read_text()
    q5.write_text(text + "\nSee also [[gradient clipping]].\n")
    result = build(docs_copy, tmp_path / "site")
    assert result.returncode != 0
    line = len((text + "\nSee also").splitlines())
    assert f"WARNING -  docs/{SEED}/q5.md:{line}: wikilink [[gradient clipping]] names no concept" in result.stderr


def test_known_wikilinks_build_and_unmentioned_concepts_are_reported_without_failing(docs_copy, tmp_path):
    (docs_copy / "index.md").write_text((docs_copy / "index.md").read_text() + "\nStart with [[inductive bias|this idea]].\n")
    (docs_copy / "concepts" / "dropout.md").write_text(
        "---\ntitle: Dropout regularisation\naliases: []\n---\n# Dropout\n\nText.\n")
    site = tmp_path / "site"
    result = built(build(docs_copy, site))
    assert ("INFO    -  docs/concepts/dropout.md:2: concept 'Dropout regularisation' is not mentioned by any "
            "question page") in result.stderr
    assert '<a href="concepts/inductive-bias/" title="Inductive bias">this idea</a>' in html(site, "")


def test_every_concept_and_listing_link_resolves_to_a_page_and_anchor(seed_site):
    # Concept links and listings are HTML that MkDocs does not validate, so check every link of every article.
    checked = 0
    for page in seed_site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        if "<article" not in text:
            continue
        body = text[text.index("<article"): text.index("</article>")]
        for href in re.findall(r'<a href="([^"]+)"', body):
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            target = target / "index.html" if target.is_dir() else target
            where = f"{page.relative_to(seed_site)}: {href}"
            assert target.is_file(), where
            if anchor:
                assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), where
            checked += 1
    assert checked > 500


def test_listings_join_the_toc_but_not_the_search_index(seed_site):
    page = html(seed_site, f"{SEED}/q9")
    toc = page.split('data-md-component="toc"')[1].split("</nav>")[0]
    assert 'href="#kb-concepts"' in toc and 'href="#kb-related-questions"' in toc
    index = (seed_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "kb-related-questions" not in index and "Where it is discussed" not in index
    assert "Convolutional neural network" in index  # the concept pages themselves are searchable
