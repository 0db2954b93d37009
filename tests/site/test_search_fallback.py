"""The built-in search index, the fallback to the API: slim past a size, never raw TeX; and --dirty refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.pages import read_question
from kb.site.config import write_config
from kb.site.search_fallback import SETTING, is_slim
from kb.textmath import html_text, tex_text
from sitekit import FIXTURES, REPO, copy_docs

# TeX as typed: commands, math delimiters, braced sub- and superscripts.
RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\\[()\[\]]|\$|[_^]\{")


def _build(docs: Path, site: Path, extra: dict | None = None, *flags: str) -> subprocess.CompletedProcess:
    config = write_config(REPO, docs, docs.parent / "mkdocs.yml", extra)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *flags, "-f", str(config),
                           "-d", str(site)], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def _entries(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def _body_sentences(docs: Path) -> list[str]:
    """A long line of prose from each answer, without math or markup."""
    found = []
    for path in sorted(docs.glob("questions/*/q*.md")):
        for line in read_question(path).body.splitlines():
            if len(line) > 60 and re.fullmatch(r"[A-Za-z ,.;'()-]+", line.strip()):
                found.append(line.strip()[:50])
                break
    return found


@pytest.fixture(scope="module")
def slim_site(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("slim")
    docs = copy_docs(work / "docs")
    result = _build(docs, work / "site", {SETTING: 0})
    assert result.returncode == 0, result.stderr
    assert "fallback search index: slim" in result.stderr
    return docs, work / "site"


def test_slim_index_holds_titles_parts_and_concept_summaries_only(slim_site):
    docs, site = slim_site
    entries = _entries(site)
    by_location = {e["location"]: e for e in entries}
    questions = [read_question(p) for p in sorted(docs.glob("questions/*/q*.md"))]
    assert len(questions) >= 10
    for q in questions:
        url = f"questions/{q.collection}/q{q.question}/"
        assert by_location[url]["title"].startswith(f"Q{q.question}. ")
        assert by_location[url]["text"] == ""
        for part in q.parts:
            assert by_location[f"{url}#{part.anchor}"]["title"].startswith(f"({part.label}) ")
    kl = by_location["concepts/kl-divergence/"]
    assert kl["title"] == "KL divergence" and len(kl["text"]) > 30
    sentences = _body_sentences(docs)
    assert sentences
    index = json.dumps(entries)
    assert not [s for s in sentences if s in index], "answer text in the slim index"
    assert all(e["location"].count("#") <= 1 for e in entries)


def test_no_raw_tex_in_either_index(slim_site, repo_site):
    _, site = slim_site
    for built in (site, repo_site):
        for entry in _entries(built):
            for key in ("title", "text"):
                prose = re.sub(r"<code>.*?</code>", "", entry[key], flags=re.S)  # code may show TeX as typed
                assert not RAW_TEX.search(prose), f"{entry['location']}: {prose[:120]!r}"


def test_a_small_site_keeps_its_answers_searchable_with_math_as_text(repo_site):
    entries = _entries(repo_site)
    index = json.dumps(entries)
    assert any(s in index for s in _body_sentences(REPO / "docs")), "a small site keeps full text"
    assert any("QK^T" in e["text"] for e in entries)  # the built-in search still finds "QK" of \(QK^T\)
    assert not is_slim({}, 10) and is_slim({}, 10_000) and is_slim({SETTING: 5}, 6)


@pytest.mark.parametrize("tex, text", [
    (r"D_{KL}(q \,\|\, p)", "D_KL(q ‖ p)"),
    (r"\frac{QK^T}{\sqrt{d}}", "(QK^T)/(√d)"),
    (r"\text{softmax}(x_i)", "softmax(x_i)"),
    (r"\mathbb{E}_{q}[\log p]", "𝔼_q[log p]"),
    (r"x_{1:T}", "x_(1:T)"),
])
def test_tex_as_text(tex, text):
    assert tex_text(tex) == text
    assert html_text(f"Why \\({tex}\\)?") == f"Why {text}?"


def test_dirty_builds_are_refused_clearly(tmp_path):
    docs = copy_docs(tmp_path / "docs", with_fixture_collection=False)
    result = _build(docs, tmp_path / "site", None, "--dirty")
    assert result.returncode != 0
    assert "--dirty is not supported" in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()
