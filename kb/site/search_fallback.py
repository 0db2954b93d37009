"""The built-in search index, as a fallback to the API: small at any size, and never raw TeX.

The API is the site's search; Material's client-side index is what a copy of the
site served without the API falls back to, and every visitor who opens the header
search downloads it whole (41 MB at 10,000 questions when it held every answer).
Past `FULL_TEXT_UP_TO` questions it holds what lets a reader find a page by name:
titles, part headings (deep links) and tags for questions, title and summary for
concepts, titles elsewhere. Below it, the answers stay searchable in full, which
costs little on a small site. Either way math is plain text (`kb.site.textmath`):
results show "D_KL(q ‖ p)", not `D_{KL}(q \\,\\|\\, p)`.

In slim mode every page is excluded from Material's own indexing (which parses each
page's HTML) and the entries are made from the front matter instead; Material still
writes the file and its configuration (language, separator), and `rewrite` puts the
entries in.
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.textmath import html_text

FULL_TEXT_UP_TO = 200  # questions; mkdocs.yml `extra: {search_full_text_up_to: N}` changes it
SETTING = "search_full_text_up_to"


def is_slim(extra: dict, questions: int) -> bool:
    return questions > int(extra.get(SETTING, FULL_TEXT_UP_TO))


def page_entries(url: str, meta: dict, title: str) -> list[dict]:
    """The slim entries of one page; `meta` is its front matter as the site hooks escaped it (HTML text)."""
    if "question" in meta and "collection" in meta:
        tags = [str(t) for t in meta.get("tags") or []]
        head = {"location": url, "title": html_text(f"Q{meta['question']}. {meta.get('title', title)}"), "text": ""}
        entries = [{**head, "tags": tags} if tags else head]
        for part in meta.get("parts") or []:
            if isinstance(part, dict) and part.get("anchor"):
                entries.append({"location": f"{url}#{part['anchor']}",
                                "title": html_text(f"({part.get('label', '')}) {part.get('title', '')}"), "text": ""})
        return entries
    summary = meta.get("summary") if "aliases" in meta or "summary" in meta else None
    return [{"location": url, "title": html_text(str(meta.get("title") or title)),
             "text": html_text(str(summary or ""))}]


def rewrite(index_path: Path, slim_entries: list[dict] | None) -> int:
    """Put the slim entries in (or, keeping Material's, make their math plain text); the file's new size."""
    data = json.loads(index_path.read_text(encoding="utf-8"))
    if slim_entries is not None:
        data["docs"] = slim_entries
    else:
        for entry in data["docs"]:
            entry["title"] = html_text(entry["title"])
            entry["text"] = html_text(entry["text"])
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    index_path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
