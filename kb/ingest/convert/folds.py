"""`<details>` answers through pandoc: its HTML reader drops the tags (and a notebook's raw HTML is dropped
with the rest), so they go in as divs with a class of ours and come out as the `<details>` lines that
`kb.ingest.cleanup` makes collapsible blocks of. Nothing else of the HTML survives: the fold's summary is
written by pandoc, as text."""

from __future__ import annotations

import re

DETAILS, SUMMARY = "kb-details", "kb-summary"
_TAGS = re.compile(r"<(/?)(details|summary)\b[^>]*>", re.I)


def keep_folds(text: str) -> str:
    """The document with `<details>`/`<summary>` as divs pandoc keeps (unquoted class: this may sit in JSON)."""
    return _TAGS.sub(lambda m: "</div>" if m[1] else f"<div class={DETAILS if m[2].lower() == 'details' else SUMMARY}>", text)


def _raw(text: str) -> dict:
    return {"t": "RawBlock", "c": ["markdown", text]}


def fold(classes: list[str], blocks: list) -> list | None:
    """The blocks that replace one of our divs, or None for any other div."""
    if DETAILS in classes:
        return [_raw("<details>"), *blocks, _raw("</details>")]
    if SUMMARY in classes:
        return [_raw("<summary>"), *blocks, _raw("</summary>")]
    return None
