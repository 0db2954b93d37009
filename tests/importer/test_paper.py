"""An answer sheet with its exam paper: the paper's statements above the answers, matched by number, and
what does not match reported (the paper in any format, here LaTeX)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.pages import question_from_text

PAPER = Path(__file__).parent / "fixtures" / "paper"


@pytest.fixture
def project(tmp_path):
    for name in ("answers.md", "answers.meta.yml", "exam-2025.tex"):
        shutil.copy(PAPER / name, tmp_path / name)
    return tmp_path


def page(folder: Path, number: int):
    path = folder / "docs" / "questions" / "answers" / f"q{number}.md"
    return question_from_text(path.read_text(), path.name)


def test_statements_stand_above_their_answers_part_by_part(import_cli, project):
    result = import_cli("--docs", "docs", "answers.md", "exam-2025.tex")  # as `make import` passes every file
    assert result.returncode == 0, result.stderr
    q1 = page(project, 1)
    assert q1.title == "Attention"  # "## Q1:" has no title; the paper's question does
    assert [p.title for p in q1.parts] == ["What is the time complexity of one attention layer?",
                                           "How does linear attention change it?"]
    assert "# Q1. Attention\n\n> Self-attention over $n$ tokens of width $d$.\n\n## (a) What is the time" in q1.body
    assert "{#part-a}\n\n$O(n^2 d)$: the score matrix has $n^2$ entries" in q1.body  # the answer's words follow
    assert "> Why does dropout reduce overfitting?\n\nUnits cannot co-adapt" in page(project, 2).body
    assert "exam paper: exam-2025.tex, 3 questions, 2 matched to an answer" in result.stdout
    assert not (project / "docs" / "questions" / "exam-2025").exists()  # the paper is no collection of its own
    assert (project / "build" / "converted" / "answers.paper.md").is_file()
    index = (project / "docs" / "questions" / "answers" / "index.md").read_text()
    assert "## From the exam paper exam-2025.tex\n\n### Instructions\n\nAnswer all questions." in index


def test_a_statement_without_an_answer_and_an_answer_without_a_statement_are_reported(import_cli, project):
    result = import_cli("--docs", "docs", "answers.md")
    assert "answers.md:13: answer Q4 has no question 4 in the paper exam-2025.tex" in result.stdout
    assert "answers.paper.md:17: question 3 of the paper exam-2025.tex has no answer in answers.md" in result.stdout
    strict = import_cli("--docs", "strict", "--strict", "answers.md")
    assert strict.returncode == 1 and not (project / "strict").exists()


def test_a_paper_the_meta_file_names_but_that_is_missing_is_a_clear_error(import_cli, project):
    (project / "exam-2025.tex").unlink()
    result = import_cli("--docs", "docs", "answers.md")
    assert result.returncode == 1
    assert "answers.meta.yml:1: key 'paper': exam-2025.tex is not a file beside answers.md" in result.stderr


def test_a_paper_outside_the_sources_folder_is_refused(import_cli, project):
    (project / "answers.meta.yml").write_text("paper: ../secret.tex\n")
    result = import_cli("--docs", "docs", "answers.md")
    assert result.returncode == 1 and "key 'paper': must name a file in the source's folder" in result.stderr
