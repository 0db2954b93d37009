"""Fixtures for the concept tests: a small hand-written concept set, and real `mkdocs build --strict` runs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kb.concepts.concept import ConceptMatcher, concept_from_text

# Tests run with --import-mode=importlib, so this folder's helper module is put on the path here.
sys.path.insert(0, str(Path(__file__).parent))
from conceptkit import REPO, build, built  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_concepts():
    """The concepts in fixtures/concepts/, parsed as the build parses them."""
    return [
        concept_from_text(p.read_text(encoding="utf-8"), f"concepts/{p.name}")
        for p in sorted((FIXTURES / "concepts").glob("*.md"))
    ]


@pytest.fixture(scope="session")
def concepts():
    return fixture_concepts()


@pytest.fixture(scope="session")
def matcher(concepts):
    return ConceptMatcher(concepts)


@pytest.fixture
def docs_copy(tmp_path) -> Path:
    """A copy of the repo's docs/ to edit; the repo's files are never touched."""
    return Path(shutil.copytree(REPO / "docs", tmp_path / "docs"))


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The repo's own docs built once with the repo's config."""
    site = tmp_path_factory.mktemp("concept-seed") / "site"
    built(build(None, site))
    return site
