"""Fixtures for the revision tests: the repo's site really built and served, decks really exported.

The site tests' helpers (tests/site/sitekit.py, appkit.py) are reused: their folder goes on the path.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # ankikit.py
from sitekit import StaticServer, build_site, chromium, open_page  # noqa: E402,F401 (fixtures)


@pytest.fixture(scope="session")
def revise_server(tmp_path_factory):
    """The site of the repo's mkdocs.yml and docs/, served as static files on 127.0.0.1 (no API)."""
    site = tmp_path_factory.mktemp("revise-site") / "site"
    with StaticServer(site) as server:
        result = build_site(site, site_url=server.url)
        assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
        yield server
