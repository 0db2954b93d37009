"""An exam paper beside its answer sheet: the questions' statements, matched to the answers by number.

Many answer sheets (the seed among them) only say "Q1:" and answer. When the sheet's meta
file names the paper (`paper: exam-2024.pdf`), the paper is read like any document (any
format) and each of its questions is matched to the answer with the same number (the
source's own number, else the position); its statement is shown above the answer, part by
part. A statement without an answer, or an answer without a statement, is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.ingest.cleanup import section_text
from kb.ingest.document import Document, Question


@dataclass(frozen=True)
class Statement:
    """What the paper asks: the question's own text and each part's, by part label."""

    title: str
    intro: str  # Markdown
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (the part's title, its Markdown)
    where: str = ""  # "paper.pdf:12", for reports


def _number(question: Question) -> int:
    """The number the source gives a question ("Q3", "Question 3", "3"), else its position."""
    digits = "".join(ch for ch in question.label.rsplit("·", 1)[-1] if ch.isdigit())
    return int(digits) if digits else question.marker.number


def match_statements(answers: Document, paper: Document, name: str) -> tuple[dict[int, Statement], list[str]]:
    """{answer page number: the paper's statement}, and what did not match (as "file:line: message"); `name` is
    the paper's file as the meta file names it."""
    by_number: dict[int, Question] = {}
    warnings = []
    for q in paper.questions:
        n = _number(q)
        if n in by_number:
            warnings.append(f"{paper.source}:{q.first_line}: the paper has question {n} twice; the first is used")
            continue
        by_number[n] = q
    statements, answered = {}, set()
    for q in answers.questions:
        n = _number(q)
        asked = by_number.get(n)
        if asked is None:
            warnings.append(f"{answers.source}:{q.first_line}: answer {q.label or n} has no question {n} in the paper {name}")
            continue
        answered.add(n)
        parts = {s.part.label: (s.part.title, section_text(s.lines)) for s in asked.parts}
        statements[q.marker.number] = Statement(asked.marker.title, section_text(asked.intro.lines), parts,
                                                f"{paper.source}:{asked.first_line}")
        missing = sorted(set(parts) - {s.part.label for s in q.parts}) if q.parts else []
        if missing:
            warnings.append(f"{answers.source}:{q.first_line}: the paper's question {n} has part(s) "
                            f"{', '.join(f'({m})' for m in missing)} that the answer does not")
    for n, q in by_number.items():
        if n not in answered:
            warnings.append(f"{paper.source}:{q.first_line}: question {n} of the paper {name} has no answer in {answers.source}")
    return statements, warnings
