"""Fixtures for the deployment tests: Debian's Chromium, one search index shared by every recipe."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Tests run with --import-mode=importlib: this folder's helpers, and the site tests' (Watcher), go on the path.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "site"))
from deploykit import build_index  # noqa: E402
from sitekit import chromium, open_page  # noqa: E402,F401 (fixtures)


@pytest.fixture(scope="session")
def index(tmp_path_factory) -> Path:
    """The repo's docs indexed once (scripts/build_index.py)."""
    folder = tmp_path_factory.mktemp("deploy-index") / "index"
    build_index(folder)
    return folder


@pytest.fixture
def browse(open_page):
    """browse(url) -> (page, watcher) in a fresh context that may only reach 127.0.0.1 (sitekit.Watcher)."""
    return open_page
