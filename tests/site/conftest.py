"""Fixtures for the site tests: the repo's site and the fixture collection's site, really built."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Tests run with --import-mode=importlib, so this folder's helper module is put on the path here.
sys.path.insert(0, str(Path(__file__).parent))
from sitekit import StaticServer, build_site, chromium, copy_docs, open_page  # noqa: E402,F401 (fixtures)


def _built(result, site: Path) -> Path:
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def repo_server(tmp_path_factory):
    """The site built from the repo's own mkdocs.yml and docs/, served on 127.0.0.1.

    The server takes its free port before the build, so the site's URL names it.
    """
    site = tmp_path_factory.mktemp("repo-site") / "site"
    with StaticServer(site) as server:
        _built(build_site(site, site_url=server.url), site)
        yield server


@pytest.fixture(scope="session")
def repo_site(repo_server) -> Path:
    return repo_server.root


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The repo's docs plus the sample-exam fixture collection, built with the repo's config."""
    work = tmp_path_factory.mktemp("fixture-site")
    docs = copy_docs(work / "docs")
    site = work / "site"
    return _built(build_site(site, docs), site)
