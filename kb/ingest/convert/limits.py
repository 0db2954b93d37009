"""What one document may cost: its size, its conversion's time, pandoc's memory.

Documents are untrusted: `convert` refuses more than MAX_BYTES before any work, and a conversion
past its Deadline (TIMEOUT from its start) is stopped, in a pandoc run or between a PDF's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.ingest.lines import DocumentError

MAX_BYTES = 50 * 1024 * 1024  # larger inputs are refused: no exam answer sheet needs more
TIMEOUT = 60.0  # seconds for one document's conversion, every pandoc run included
PANDOC_HEAP = "2g"  # pandoc's own heap limit (+RTS -M), as its manual advises for untrusted input


@dataclass(frozen=True)
class Deadline:
    """When one document's conversion must be done; `seconds` is the limit it was set with, for the message."""

    at: float  # on time.monotonic()'s clock
    seconds: float

    def passed(self, name: str) -> DocumentError:
        return DocumentError(name, 1, f"took longer than {self.seconds:.0f} s to convert; stopped")
