"""MathJax, served by the site itself: which files of the pinned package the site needs, and copying them.

The `django-static-mathjax` package carries the MathJax 3 distribution under
`mathjax/static/mathjax/es5/`. The site loads `tex-chtml.js`, which fetches
the CommonHTML fonts and, through `[tex]/autoload`, TeX extensions such as
`cancel` or `boldsymbol` on first use; without the extensions folder one such
macro stops the whole page from rendering. `ui/safe` filters what TeX may put in the
page (`\\href` URLs, `\\class`, `\\style`). Nothing else is copied.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

MATHJAX_URL = "assets/mathjax"  # site-relative folder, as listed in mkdocs.yml's extra_javascript

# Glob patterns relative to the es5 folder; each must match at least one file.
MATHJAX_FILES = (
    "tex-chtml.js",
    "output/chtml/fonts/woff-v2/*.woff",
    "input/tex/extensions/*.js",
    "ui/safe.js",  # MathJax's safe mode: no javascript: links, classes, ids or styles from TeX
)


def mathjax_source() -> Path:
    """The es5 folder of the installed MathJax distribution."""
    return Path(str(files("mathjax"))) / "static" / "mathjax" / "es5"


def mathjax_files(source: Path | None = None) -> list[Path]:
    """The files the site needs, relative to the es5 folder, sorted."""
    source = source or mathjax_source()
    found: list[Path] = []
    for pattern in MATHJAX_FILES:
        matches = sorted(p.relative_to(source) for p in source.glob(pattern) if p.is_file())
        if not matches:
            raise FileNotFoundError(f"MathJax file(s) {pattern!r} not found under {source}")
        found.extend(matches)
    return found


def copy_mathjax(site_dir: str | Path, source: Path | None = None) -> int:
    """Copy the needed MathJax files into the built site; return how many bytes were copied.

    A file already there with the same size is left alone, so live-reload rebuilds stay quick.
    """
    source = source or mathjax_source()
    target = Path(site_dir) / MATHJAX_URL
    copied = 0
    for rel in mathjax_files(source):
        src, dst = source / rel, target / rel
        if dst.is_file() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        copied += src.stat().st_size
    return copied
