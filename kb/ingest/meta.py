"""The companion `<source>.meta.yml`: read as plain YAML and validated like a schema.

Meta files come from outside, so they are read with `kb.yamlsafe` (no aliases,
anchors, tags, bounded size) and every error names the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb import yamlsafe
from kb.ingest.outline import PIN_ALIASES, SHAPES
from kb.ingest.invisible import visible
from kb.ingest.limits import TAG_CHARS, TAGS
from kb.ingest.lines import DocumentError

TOP_KEYS = ("title", "description", "dialect", "url", "paper", "questions")
QUESTION_KEYS = ("title", "tags", "notes")
NOTE_KEYS = ("text", "part")


@dataclass(frozen=True)
class Note:
    text: str
    part: str = ""  # "" for a note on the whole question
    key: str = ""  # where it is written, for error messages: "questions.7.notes[0]"


@dataclass(frozen=True)
class SourceMeta:
    """Titles, tags, notes and the pinned dialect contributors can edit."""

    title: str = ""
    description: str = ""
    dialect: str = ""
    questions: dict[int, dict] = field(default_factory=dict)  # number -> {"title": str, "tags": [str], "notes": [Note]}
    path: str = ""
    url: str = ""  # the source's public address: relative links in it point there instead of becoming text
    paper: str = ""  # the exam paper the questions' statements come from, relative to the source's folder


def meta_path(source: Path) -> Path:
    return source.with_name(source.stem + ".meta.yml")  # notes.v1.md -> notes.v1.meta.yml


def _key_line(text: str, keys: list) -> int:
    """1-based line of the deepest of `keys` found in the YAML text (1 when not found)."""
    try:
        node = yaml.compose(text, Loader=yamlsafe._LOADER)
    except yaml.YAMLError:
        return 1
    line = 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if str(k.value) == str(key)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _key_name(keys: list) -> str:
    name = ""
    for k in keys:
        name += f"[{k}]" if isinstance(k, int) and name.endswith("notes") else (f".{k}" if name else str(k))
    return name


def _is_text(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def load_meta(source: Path) -> SourceMeta:
    """The meta file beside `source`, validated; a missing file is an empty one."""
    path = meta_path(source)
    if not path.exists():
        return SourceMeta()
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yamlsafe.load(text)
    except UnicodeDecodeError as exc:
        raise DocumentError(where, 1, f"is not UTF-8 ({exc.reason})") from None
    except yamlsafe.YAMLRefused as exc:
        raise DocumentError(where, exc.line, exc.message) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DocumentError(where, (mark.line + 1) if mark else 1, f"is not valid YAML: {exc}") from None

    def fail(keys: list, message: str):
        raise DocumentError(where, _key_line(text, keys), f"key '{_key_name(keys)}': {message}")

    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise DocumentError(where, 1, "must be a mapping with 'title' and 'questions'")
    for key in raw:
        if key not in TOP_KEYS:
            fail([key], f"is not a meta key (expected one of {', '.join(TOP_KEYS)})")
    for key in ("title", "description", "dialect", "url", "paper"):
        if raw.get(key) is not None and not _is_text(raw[key]):
            fail([key], "must be text")
    dialect = str(raw.get("dialect") or "")
    base, _, level = dialect.rpartition("-h")
    if dialect and PIN_ALIASES.get(dialect, dialect) not in SHAPES and not (
            PIN_ALIASES.get(base, base) == "headings" and level.isdigit() and 1 <= int(level) <= 6):
        fail(["dialect"], f"'{dialect}' is not a dialect (one of {', '.join(SHAPES)}; headings may add -h1 ... -h6)")
    url = str(raw.get("url") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        fail(["url"], "must be the source's public address, starting with https:// or http://")
    paper = str(raw.get("paper") or "").strip()
    if paper and (Path(paper).is_absolute() or ".." in Path(paper).parts):
        fail(["paper"], "must name a file in the source's folder, e.g. 'exam-2024.pdf'")
    entries = raw.get("questions") or {}
    if not isinstance(entries, dict):
        fail(["questions"], "must be a mapping of question numbers to titles, e.g. '1: {title: ..., tags: [...]}'")
    questions = {}
    for number, entry in entries.items():
        keys = ["questions", number]
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            fail(keys, "must be a question number, e.g. '1: {title: ..., tags: [...]}'")
        if _is_text(entry):
            entry = {"title": str(entry)}
        if not isinstance(entry, dict):
            fail(keys, "must be a title or a mapping '{title: ..., tags: [...], notes: [...]}'")
        for key in entry:
            if key not in QUESTION_KEYS:
                fail([*keys, key], f"is not a question key (expected one of {', '.join(QUESTION_KEYS)})")
        if entry.get("title") is not None and not _is_text(entry["title"]):
            fail([*keys, "title"], "must be text")
        tags = entry.get("tags") or []
        if not isinstance(tags, list) or not all(_is_text(t) for t in tags):
            fail([*keys, "tags"], "must be a list of words, e.g. [attention, complexity]")
        tags = _tags(tags, lambda message: fail([*keys, "tags"], message))
        notes = entry.get("notes") or []
        if not isinstance(notes, list):
            fail([*keys, "notes"], "must be a list of '- text: ...' items")
        parsed = []
        for i, note in enumerate(notes):
            nkeys = [*keys, "notes", i]
            if not isinstance(note, dict):
                fail(nkeys, "must be a mapping '{text: ..., part: a}'")
            for key in note:
                if key not in NOTE_KEYS:
                    fail([*nkeys, key], "is not a note key (expected text and, optionally, part)")
            if not _is_text(note.get("text")) or not str(note["text"]).strip():
                fail([*nkeys, "text"], "is missing or empty")
            if note.get("part") is not None and not _is_text(note["part"]):
                fail([*nkeys, "part"], "must be a part label such as a or ii")
            part = str(note.get("part") or "").strip().strip("()").lower()
            parsed.append(Note(str(note["text"]), part, _key_name(nkeys)))
        title, _ = visible(str(entry.get("title") or ""))
        questions[number] = {"title": title, "tags": tags, "notes": parsed}
    return SourceMeta(visible(str(raw.get("title") or ""))[0], str(raw.get("description") or ""), dialect, questions, where, url, paper)


def _tags(raw: list, fail) -> list[str]:
    """Tags as the page gets them: visible characters only, one of each (first spelling kept), within the limits."""
    tags: dict[str, str] = {}
    for tag in raw:
        text = " ".join(visible(str(tag))[0].split())
        if len(text) > TAG_CHARS:
            fail(f"'{text[:40]}...' is {len(text)} characters; a tag is limited to {TAG_CHARS}")
        if text:
            tags.setdefault(text.casefold(), text)
    if len(tags) > TAGS:
        fail(f"has {len(tags)} different tags; a question is limited to {TAGS}")
    return list(tags.values())


def unknown_questions(meta: SourceMeta, numbers: set[int]) -> list[str]:
    """A warning for each entry of the meta file that names a question the document does not have."""
    if not meta.path or all(number in numbers for number in meta.questions):
        return []
    text = Path(meta.path).read_text(encoding="utf-8")
    return [f"{meta.path}:{_key_line(text, ['questions', number])}: key 'questions.{number}': question {number} is not "
            f"in the document (it has {len(numbers)} question{'s' if len(numbers) != 1 else ''}); the entry is not used"
            for number in meta.questions if number not in numbers]


def check_notes(meta: SourceMeta, parts_of: dict[int, list[str]]) -> None:
    """A note must name a question the document has, and a part that question has."""
    if not meta.path:
        return
    text = Path(meta.path).read_text(encoding="utf-8")
    for number, entry in meta.questions.items():
        for i, note in enumerate(entry["notes"]):
            keys = ["questions", number, "notes", i]
            if number not in parts_of:
                raise DocumentError(meta.path, _key_line(text, keys), f"key '{note.key}': question {number} is not in the document")
            if note.part and note.part not in parts_of[number]:
                have = ", ".join(f"({p})" for p in parts_of[number]) or "no parts"
                raise DocumentError(meta.path, _key_line(text, [*keys, "part"]),
                                    f"key '{note.key}.part': question {number} has no part ({note.part}); it has {have}")
