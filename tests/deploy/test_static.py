"""Recipe: the built site alone on any static host (GitHub Pages and the like) under a sub-path
(README, "A static host"). No API behind it: the search page and the header box fall back to
Material's built-in search, and its result links stay under /kb/. `mkdocs gh-deploy` runs for real, pushing to a bare
repository in the test's folder, whose gh-pages branch is then served the same way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from deploykit import REPO, build_site, env, free_port, get, publish, readme_block, static_host
from kb.site.config import write_config

pytestmark = pytest.mark.browser
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "kb test", "GIT_AUTHOR_EMAIL": "kb@127.0.0.1", "GIT_COMMITTER_NAME": "kb test",
                "GIT_COMMITTER_EMAIL": "kb@127.0.0.1"}


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    work = tmp_path_factory.mktemp("static")
    port = free_port()
    root = f"http://127.0.0.1:{port}/kb/"
    build_site(work / "site", site_url=root)
    with static_host(port, publish(work / "site", work / "www"), work / "http.log"):
        yield root


def test_the_readme_builds_for_the_public_address_under_a_sub_path():
    recipe = readme_block("sh", "gh-deploy")
    assert "SITE_URL=https://" in recipe and "scripts/build_site.py" in recipe


def test_pages_are_served_under_the_sub_path(hosted):
    status, _, body = get(hosted + "questions/deep-learning-exam-answers/q6/")
    assert status == 200 and b'<meta name="kb-search-api" content="">' in body
    assert b'href="' + hosted.encode() + b'questions/deep-learning-exam-answers/q6/"' in body, "canonical link"


def test_the_search_page_falls_back_to_the_builtin_search_with_links_under_the_sub_path(hosted, browse):
    page, watcher = browse(hosted + "find/?query=" + quote("inductive bias"))
    page.locator("[data-find-fallback]").wait_for(state="visible")
    page.click("[data-find-builtin]")
    item = page.locator(".md-search-result__item a").first
    item.wait_for()
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(hosted) for h in hrefs)
    before = page.locator(".md-content__inner h1").first.inner_text()
    item.click()
    page.wait_for_url(hrefs[0])
    page.wait_for_function("t => document.querySelector('.md-content__inner h1').textContent !== t", arg=before)
    assert "not found" not in page.locator(".md-content__inner h1").first.inner_text().lower()
    # The only failure allowed: the page's one look for an API at /kb/search, which the static host
    # redirects to the built-in index's folder; the page stops there (never follows it).
    problems = watcher.take()
    assert all(re.fullmatch(r"request failed: http://127\.0\.0\.1:\d+/kb/search/?\?\S+ \(net::ERR_ABORTED\)", p)
               for p in problems), problems


def test_the_header_box_falls_back_to_the_builtin_search(hosted, browse):
    page, watcher = browse(hosted + "questions/deep-learning-exam-answers/q6/")
    page.keyboard.press("/")
    page.keyboard.type("softmax", delay=20)
    page.locator(".md-search-result__item a").first.wait_for()
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(hosted) for h in hrefs)
    assert get(hrefs[0].split("#")[0])[0] == 200


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                            env={**GIT_IDENTITY, **env()})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_mkdocs_gh_deploy_publishes_a_branch_a_static_host_serves_under_the_sub_path(tmp_path, browse):
    """`mkdocs gh-deploy` as the README has it, pushing to a bare repository on disk instead of GitHub."""
    recipe = next(line for line in readme_block("sh", "gh-deploy").splitlines() if "gh-deploy" in line)
    assert recipe.split("#")[0].split()[-2:] == ["gh-deploy", "--strict"]
    project, pages = tmp_path / "project", tmp_path / "pages.git"
    project.mkdir()
    _git("init", "--bare", "-q", str(pages), cwd=tmp_path)
    _git("init", "-q", cwd=project)
    # The repo's config, reading the repo's docs, hooks and theme (as sitekit.build_site does), in a repository of
    # its own whose "origin" is the bare one: the push never leaves this folder.
    write_config(REPO, REPO / "docs", project / "mkdocs.yml")
    _git("add", "mkdocs.yml", cwd=project)
    _git("commit", "-q", "-m", "config", cwd=project)
    _git("remote", "add", "origin", str(pages), cwd=project)
    port = free_port()
    root = f"http://127.0.0.1:{port}/kb/"
    deployed = subprocess.run([sys.executable, "-m", "mkdocs", "gh-deploy", "--strict", "-f", "mkdocs.yml"],
                              cwd=project, capture_output=True, text=True, timeout=300,
                              env={**GIT_IDENTITY, **env(SITE_URL=root)})
    assert deployed.returncode == 0, deployed.stderr
    files = _git("ls-tree", "-r", "--name-only", "gh-pages", cwd=pages).split()
    assert {".nojekyll", "index.html", "search/search_index.json", "find/index.html"} <= set(files)
    www = tmp_path / "www" / "kb"
    www.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=pages, capture_output=True, timeout=60, check=True)
    subprocess.run(["tar", "-x", "-C", str(www)], input=archive.stdout, check=True, timeout=60)
    with static_host(port, www.parent, tmp_path / "http.log"):
        page, watcher = browse(root + "questions/deep-learning-exam-answers/q6/")
        page.keyboard.press("/")
        page.keyboard.type("softmax", delay=20)
        page.locator(".md-search-result__item a").first.wait_for()
        hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
        assert hrefs and all(h.startswith(root) for h in hrefs)
