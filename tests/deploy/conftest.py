"""Fixtures for the deployment tests: Debian's Chromium, one search index shared by every recipe."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# Tests run with --import-mode=importlib: this folder's helpers, and the site tests' (Watcher), go on the path.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "site"))
from deploykit import build_index  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def index(tmp_path_factory) -> Path:
    """The repo's docs indexed once (scripts/build_index.py)."""
    folder = tmp_path_factory.mktemp("deploy-index") / "index"
    build_index(folder)
    return folder


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright; never a downloaded browser. Fails under CI=true without it."""
    executable = shutil.which("chromium")
    if executable is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browse(chromium):
    """browse(url) -> (page, watcher) in a fresh context that may only reach 127.0.0.1 (sitekit.Watcher)."""
    from sitekit import Watcher

    contexts = []

    def opener(url: str):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        watcher = Watcher(context)
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page, watcher

    yield opener
    for context in contexts:
        context.close()
