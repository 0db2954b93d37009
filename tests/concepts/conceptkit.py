"""Helpers for the concept tests: real `mkdocs build --strict` runs of the repo's config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kb.site.config import write_config

REPO = Path(__file__).resolve().parents[2]


def build(docs_dir: Path | None, site_dir: Path) -> subprocess.CompletedProcess:
    """The real `mkdocs build --strict` with the repo's config, on the repo's docs or a copy of them."""
    config = REPO / "mkdocs.yml"
    if docs_dir is not None:
        config = write_config(REPO, docs_dir, docs_dir.parent / "mkdocs.yml")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def built(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return result
