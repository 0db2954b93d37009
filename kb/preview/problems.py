"""What went wrong in a preview rebuild, as file, line and message, read from the step's own output.

Every step already names file and line in its messages (MkDocs' strict warnings through our hooks,
the importer's DocumentError, the indexer's PageError), so the preview only has to find them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# "WARNING -  docs/q7.md:22: wikilink ..." (MkDocs' log), "error: sources/x.txt:3: ..." (importer).
_LEVEL = re.compile(r"^(?:(?:WARNING|ERROR)\s+-\s+|error:\s+)(?P<text>.+)$")
_WHERE = re.compile(r"^(?P<file>[^\s:][^:]*?\.(?:md|txt|ya?ml|html|py)):(?P<line>\d+):\s*(?P<message>.+)$")
# MkDocs' own wording for a page: "Doc file 'questions/q7.md' contains a link ..."
_DOC_FILE = re.compile(r"Doc file '(?P<file>[^']+)'")
_NOISE = ("Aborted with", "nothing was written", "the build failed")


@dataclass(frozen=True)
class Problem:
    step: str  # import | site | index
    message: str
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        return f"{where}{self.message}"

    def as_json(self) -> dict:
        return asdict(self)


def _problem(step: str, text: str) -> Problem:
    where = _WHERE.match(text)
    if where:
        return Problem(step, where["message"], where["file"], int(where["line"]))
    doc = _DOC_FILE.search(text)
    return Problem(step, text, doc["file"] if doc else "")


def parse(step: str, output: str) -> list[Problem]:
    """The problems a failed step printed; its last line when it printed none in a known shape."""
    found = []
    for raw in output.splitlines():
        level = _LEVEL.match(raw.strip())
        if level and not any(n in raw for n in _NOISE):
            found.append(_problem(step, level["text"].strip()))
    if not found:
        lines = [ln.strip() for ln in output.splitlines() if ln.strip() and not any(n in ln for n in _NOISE)]
        found.append(_problem(step, lines[-1] if lines else f"the {step} step failed without a message"))
    return found
