"""Fixtures for the importer tests: the fixture document, the seed and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SEED = ROOT / "sources" / "deep-learning-exam-answers.txt"


@pytest.fixture
def import_cli(tmp_path):
    """Run the real command line; returns CompletedProcess."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "import_documents.py"), *args],
            capture_output=True, text=True, cwd=tmp_path,
        )

    return run


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """The seed and its metadata, copied so tests can't touch the real sources."""
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(SEED, folder)
    shutil.copy(SEED.with_name("deep-learning-exam-answers.meta.yml"), folder)
    return folder / SEED.name
