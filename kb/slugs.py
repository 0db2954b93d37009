"""The one place that makes slugs, ids, paths and URLs.

Pages, links, the search index and the API all call these functions, so a URL
scheme change happens here and nowhere else. The site uses directory URLs and
is served at the root: ``questions/<collection>/q3.md`` -> ``/questions/<collection>/q3/``.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from pathlib import PurePosixPath

QUESTIONS_DIR = "questions"
CONCEPTS_DIR = "concepts"


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("KL-Divergence (D_KL)" -> "kl-divergence-d-kl")."""
    # Drop accents but keep other non-ASCII (dashes, symbols) as separators: "Bias–variance" -> "bias-variance".
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def collection_slug(source_name: str) -> str:
    """A collection is named after its source file's stem."""
    slug = slugify(PurePosixPath(source_name).stem.split(".")[0])
    if not slug:
        raise ValueError(f"cannot make a collection name from {source_name!r}")
    return slug


def question_slug(number: int) -> str:
    return f"q{number}"


def question_id(collection: str, number: int) -> str:
    """Ids are unique across collections because the collection is part of them."""
    return f"{collection}/{question_slug(number)}"


def part_anchor(label: str) -> str:
    """Stable, documented anchor of a part: (a) -> #part-a, (ii) -> #part-ii."""
    return f"part-{slugify(label)}"


def question_path(collection: str, number: int) -> str:
    """Docs-relative Markdown path of a question page."""
    return f"{QUESTIONS_DIR}/{collection}/{question_slug(number)}.md"


def is_question_path(docs_path: str) -> bool:
    """True for questions/<collection>/q<N>.md."""
    return re.fullmatch(rf"{QUESTIONS_DIR}/[^/]+/q\d+\.md", docs_path) is not None


def collection_index_path(collection: str) -> str:
    return f"{QUESTIONS_DIR}/{collection}/index.md"


def concept_path(slug: str) -> str:
    return f"{CONCEPTS_DIR}/{slug}.md"


def page_url(docs_path: str, anchor: str | None = None) -> str:
    """Site-relative URL of a docs-relative Markdown path, with an optional anchor."""
    path = PurePosixPath(docs_path)
    if path.suffix != ".md":
        raise ValueError(f"not a Markdown page: {docs_path!r}")
    parent = "" if str(path.parent) == "." else f"{path.parent}/"
    url = "/" + (parent if path.stem == "index" else f"{parent}{path.stem}/")
    return f"{url}#{anchor}" if anchor else url


def relative_link(from_docs_path: str, to_docs_path: str, anchor: str | None = None) -> str:
    """A Markdown link target from one page to another, as MkDocs validates them."""
    src = PurePosixPath(from_docs_path).parent
    dst = PurePosixPath(to_docs_path)
    ups = [p for p in src.parts if p not in (".", "")]
    common = 0
    for a, b in zip(ups, dst.parent.parts):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(ups) - common) + list(dst.parts[common:]))
    return f"{rel}#{anchor}" if anchor else rel


@functools.lru_cache(maxsize=1 << 16)  # a build asks for tens of thousands, mostly the same pairs
def relative_url(from_docs_path: str, to_docs_path: str, anchor: str | None = None) -> str:
    """The URL of one page relative to another's, as the built site has them ("../../concepts/x/#a").

    For links written straight into HTML, which MkDocs does not rewrite.
    """
    src, dst = page_url(from_docs_path), page_url(to_docs_path)
    rel = posixpath.relpath(dst, src)
    rel = "./" if rel == "." else rel + "/"
    return f"{rel}#{anchor}" if anchor else rel
