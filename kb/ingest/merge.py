"""Three-way merge of a question page's title and tags: what the importer last wrote, the page now, the meta file now.

Every page the importer writes records the title and tags it wrote under `imported:` in
its front matter. On the next import, per field:

    page == recorded             -> the importer's new value (the meta file may have changed it)
    new == recorded or == page   -> the page's value (the contributor changed it; nothing to decide)
    all three differ             -> a conflict: the page's value stays, both are reported, and the
                                    record keeps the old value so the conflict is reported again until
                                    someone makes the two agree

A page written before records existed counts as unchanged since the import (its values are
taken as the record): the README only ever invited edits below the front matter.

The body is never merged: a body edited by hand is kept whole (only its `# Qn. Title` line
follows a title change, when the contributor left that line as the importer wrote it).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from kb.pages import _DUMPER

FIELDS = ("title", "tags")
RECORD = "imported"  # front matter key holding what the importer last wrote


@dataclass(frozen=True)
class Conflict:
    field: str
    page: object  # the contributor's value, kept
    meta: object  # what the meta file (the importer) says now


def recorded(front: dict) -> dict:
    """What the importer last wrote for each field: the page's record, else (an older page) its values."""
    record = front.get(RECORD)
    record = record if isinstance(record, dict) else {}
    return {f: _plain(record[f]) if f in record else _plain(front.get(f)) for f in FIELDS}


def merge_fields(base: dict, page: dict, new: dict) -> tuple[dict, dict, list[Conflict]]:
    """(values to write, record to write, conflicts) from the three views of each field."""
    values, record, conflicts = {}, {}, []
    for f in FIELDS:
        b, p, n = _plain(base.get(f)), _plain(page.get(f)), _plain(new.get(f))
        if p == b:
            values[f], record[f] = n, n
        elif n in (b, p):
            values[f], record[f] = p, n
        else:
            values[f], record[f] = p, b
            conflicts.append(Conflict(f, p, n))
    return values, record, conflicts


def heading(number: int, title: str) -> str:
    """A question page's first line, as `kb.ingest.render` writes it."""
    return f"# Q{number}. {title}"


def retitle(body: str, number: int, old_title: str, new_title: str) -> str:
    """The body with its H1 following a title change, only when the H1 is still the one written for `old_title`."""
    first, sep, rest = body.partition("\n")
    if old_title == new_title or first != heading(number, old_title):
        return body
    return heading(number, new_title) + sep + rest


def dump(front: dict) -> str:
    """Front matter text as `kb.pages.render_question` dumps it (libyaml, key order kept, one line per value)."""
    return yaml.dump(front, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)


def with_record(front: dict, record: dict) -> dict:
    """The front matter with `imported:` set, placed just before `hash` (the last key) so pages read the same."""
    out = {k: v for k, v in front.items() if k not in (RECORD, "hash")}
    out[RECORD] = {f: record[f] for f in FIELDS}
    if "hash" in front:
        out["hash"] = front["hash"]
    return out


def page_text(front: dict, body: str) -> str:
    return f"---\n{dump(front)}---\n{body}"


def _plain(value):
    """Tags compare as lists whatever YAML gave (a tuple from a page model, a list from a file)."""
    return list(value) if isinstance(value, (list, tuple)) else value
