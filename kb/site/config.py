"""The project's mkdocs.yml for another docs folder: what builds of generated corpora, test copies of
the docs and preview copies of the project use, so the paths the file names stay the project's."""

from __future__ import annotations

from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load


def config_for(root: Path, docs_dir: Path | str, extra: dict | None = None) -> dict:
    """`root`'s mkdocs.yml as data with `docs_dir` set, its hooks and theme folder still `root`'s
    (absolute, so the copy can live anywhere), and `extra` merged into its `extra`."""
    with open(root / "mkdocs.yml", encoding="utf-8") as f:
        data = yaml_load(f)  # MkDocs' own loader: resolves !ENV
    data["docs_dir"] = str(docs_dir)
    data["hooks"] = [str(root / hook) for hook in data.get("hooks", [])]
    theme = data.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(root / theme["custom_dir"])
    if extra:
        data["extra"] = {**(data.get("extra") or {}), **extra}
    return data


def write_config(root: Path, docs_dir: Path | str, out: Path, extra: dict | None = None) -> Path:
    """`config_for(root, docs_dir, extra)` written to `out`; returns `out`."""
    out.write_text(yaml.safe_dump(config_for(root, docs_dir, extra), sort_keys=False), encoding="utf-8")
    return out
