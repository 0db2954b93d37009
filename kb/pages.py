"""Question pages: the dataclasses, their front matter schema, reading and rendering.

A question page is Markdown with YAML front matter. The importer renders them,
and the site hooks, the concept linker and the search indexer read them back
through `read_question`, which validates every key and names the file and key
when something is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb import yamlsafe

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)


class PageError(ValueError):
    """A page on disk that does not follow the schema; names the file and the key."""

    def __init__(self, path: str | Path, message: str, key: str | None = None):
        where = f"{path}" + (f": key '{key}'" if key else "")
        super().__init__(f"{where}: {message}")
        self.path, self.key = str(path), key


@dataclass(frozen=True)
class Part:
    label: str  # "a", "ii"
    title: str  # the part's prompt
    anchor: str  # "part-a"


@dataclass(frozen=True)
class QuestionPage:
    id: str  # "<collection>/q3", unique across collections
    collection: str
    question: int
    title: str
    parts: tuple[Part, ...]
    source_file: str  # project-relative path of the source document
    source_lines: tuple[int, int]  # first and last line, 1-based, inclusive
    body: str  # Markdown after the front matter
    hash: str = ""  # hash of the body as the importer last wrote it
    tags: tuple[str, ...] = field(default=())
    group: str = ""  # the source's section heading above the question, "" when it has none

    @property
    def edited(self) -> bool:
        """True when someone changed the body since the importer wrote it."""
        return bool(self.hash) and self.hash != body_hash(self.body)


def body_hash(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def split_front_matter(text: str, path: str | Path = "<page>") -> tuple[dict, str]:
    """Return (front matter mapping, body); a page without front matter has an empty mapping."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yamlsafe.load(match.group(1)) or {}
    except yamlsafe.YAMLRefused as exc:
        raise PageError(path, f"front matter line {exc.line + 1}: {exc.message}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)  # counted from the front matter's first line, the page's second
        raise PageError(f"{path}:{mark.line + 2}" if mark is not None else path, _yaml_problem(exc)) from exc
    if not isinstance(meta, dict):
        raise PageError(path, "front matter must be a mapping")
    return meta, text[match.end():]


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's error on one line, with the page's own line and column (its message spans several lines and
    counts from the front matter's first line, which a one-line log such as `make dev`'s banner would cut)."""
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
    context = " ".join(str(getattr(exc, "context", None) or "").split())
    where = f"column {mark.column + 1}: " if mark is not None else ""
    return f"front matter is not valid YAML: {where}{problem}" + (f" ({context})" if context else "")


def _require(meta: dict, key: str, kind: type, path) -> object:
    if key not in meta:
        raise PageError(path, "is missing", key)
    value = meta[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PageError(path, f"must be {kind.__name__}, got {type(value).__name__}", key)
    if kind is str and not value.strip():
        raise PageError(path, "must not be empty", key)
    return value


@functools.lru_cache(maxsize=1 << 14)  # the site hooks and the linker read the same pages in one build
def question_from_text(text: str, path: str | Path = "<page>") -> QuestionPage:
    """Parse and validate a question page (the result is immutable, so it can be shared)."""
    meta, body = split_front_matter(text, path)
    if not meta:
        raise PageError(path, "has no front matter")
    parts = []
    for i, raw in enumerate(_require(meta, "parts", list, path)):
        if not isinstance(raw, dict):
            raise PageError(path, f"item {i} must be a mapping", "parts")
        parts.append(Part(*(str(_require(raw, k, str, f"{path}: parts[{i}]")) for k in ("label", "title", "anchor"))))
    source = _require(meta, "source", dict, path)
    lines = source.get("lines")
    if not (isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines)):
        raise PageError(path, "must be a list [first, last] of line numbers", "source.lines")
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise PageError(path, "must be a list of strings", "tags")
    group = meta.get("group", "")
    if not isinstance(group, str):
        raise PageError(path, f"must be str, got {type(group).__name__}", "group")
    return QuestionPage(
        id=_require(meta, "id", str, path),
        collection=_require(meta, "collection", str, path),
        question=_require(meta, "question", int, path),
        title=_require(meta, "title", str, path),
        parts=tuple(parts),
        source_file=_require(source, "file", str, f"{path}: source"),
        source_lines=(lines[0], lines[1]),
        body=body,
        hash=_require(meta, "hash", str, path),
        tags=tuple(tags),
        group=group,
    )


def read_question(path: Path) -> QuestionPage:
    return question_from_text(path.read_text(encoding="utf-8"), path)


def render_question(page: QuestionPage, imported: dict | None = None) -> str:
    """The page's file text; the hash is always recomputed from the body.

    `imported` is what the importer wrote of the editable fields, kept for its next three-way merge.
    """
    meta = {
        "id": page.id,
        "collection": page.collection,
        "question": page.question,
        "title": page.title,
        **({"group": page.group} if page.group else {}),
        "parts": [{"label": p.label, "title": p.title, "anchor": p.anchor} for p in page.parts],
        "source": {"file": page.source_file, "lines": list(page.source_lines)},
        "tags": list(page.tags),
        **({"imported": imported} if imported is not None else {}),
        "hash": body_hash(page.body),
    }
    # libyaml's emitter when PyYAML has it: the pure-Python one was the importer's hottest code.
    dumped = yaml.dump(meta, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
    return f"---\n{dumped}---\n{page.body}"


_QUESTION_KEYS = re.compile(r"\A---\n(?=(?:.*\n)*?question:)(?=(?:.*\n)*?collection:)")


def looks_like_question(text: str) -> bool:
    """A cheap look at the raw front matter, so only question pages pay for YAML parsing."""
    end = text.find("\n---\n", 4)
    return end > 0 and bool(_QUESTION_KEYS.match(text[: end + 1]))


def is_question_file(meta: dict) -> bool:
    """Question pages are recognised by their front matter, not their location."""
    return "question" in meta and "collection" in meta
