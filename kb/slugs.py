"""The one place that makes slugs, ids, paths and URLs.

Pages, links, the search index and the API all call these functions, so a URL
scheme change happens here and nowhere else. The site uses directory URLs and
is served at the root: ``questions/<collection>/q3.md`` -> ``/questions/<collection>/q3/``.
"""

from __future__ import annotations

import functools
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
    """A collection is named after its source file's name without the extension: notes.v1.md -> notes-v1."""
    slug = slugify(PurePosixPath(source_name).stem)
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


@functools.lru_cache(maxsize=1 << 16)  # a build asks for the same pages' URLs tens of thousands of times
def page_url(docs_path: str, anchor: str | None = None) -> str:
    """Site-relative URL of a docs-relative Markdown path, with an optional anchor."""
    if not docs_path.endswith(".md"):
        raise ValueError(f"not a Markdown page: {docs_path!r}")
    parent, _, stem = docs_path[:-3].rpartition("/")
    url = "/" + (f"{parent}/" if parent else "") + ("" if stem == "index" else f"{stem}/")
    return f"{url}#{anchor}" if anchor else url


def _relative(src: list[str], dst: list[str]) -> list[str]:
    """Path segments leading from folder `src` to `dst`."""
    common = 0
    while common < min(len(src), len(dst)) and src[common] == dst[common]:
        common += 1
    return [".."] * (len(src) - common) + dst[common:]


def relative_link(from_docs_path: str, to_docs_path: str, anchor: str | None = None) -> str:
    """A Markdown link target from one page to another, as MkDocs validates them."""
    src = from_docs_path.split("/")[:-1]
    dst = to_docs_path.split("/")
    rel = "/".join(_relative(src, dst[:-1]) + dst[-1:])
    return f"{rel}#{anchor}" if anchor else rel


def relative_url(from_docs_path: str, to_docs_path: str, anchor: str | None = None) -> str:
    """The URL of one page relative to another's, as the built site has them ("../../concepts/x/#a").

    For links written straight into HTML, which MkDocs does not rewrite.
    """
    src = page_url(from_docs_path).strip("/").split("/")
    dst = page_url(to_docs_path).strip("/").split("/")
    parts = _relative([p for p in src if p], [p for p in dst if p])
    rel = "/".join(parts) + "/" if parts else "./"
    return f"{rel}#{anchor}" if anchor else rel
