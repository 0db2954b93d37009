"""Every format the importer reads, end to end through the real command line: questions, parts, images,
the converted Markdown kept for review, and a mixed run where the unreadable sources are reported and the rest written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.pages import question_from_text

FORMATS = Path(__file__).parent / "fixtures" / "formats"
ROOT = Path(__file__).resolve().parents[2]

# fixture -> (format, [(title, parts)]): the same answer sheet saved by different programs reads the same.
EXPECTED = {
    "sheet-a.tex": ("latex", [("Preprocessing Data", ["a", "b"]), ("Variational Autoencoders", ["a", "b"]), ("Code", [])]),
    "sheet.docx": ("docx", [("Gradient Descent", ["a", "b"]), ("Loss Functions", [])]),
    "sheet.odt": ("odt", [("Gradient Descent", ["a", "b"]), ("Loss Functions", [])]),
    "sheet.html": ("html", [("Attention", ["a", "b"]), ("Regularisation", ["a", "b"])]),
    "sheet.pdf": ("pdf", [("Attention", ["a", "b"]), ("Regularisation", ["a", "b"])]),
    "sheet.ipynb": ("ipynb", [("Why does batch normalisation allow a larger learning rate?", []),
                              ("What is the receptive field of two stacked $3 \\times 3$ convolutions?", ["a"])]),
    "pdf-named.txt": ("pdf", [("Attention", ["a", "b"]), ("Regularisation", ["a", "b"])]),
    # LaTeX's `exam` class: \question, \part and solution environments, which pandoc alone drops with their text.
    "exam-class.tex": ("latex", [("Normalisation", []), ("Consider a convolutional layer with $C$ input channels.", ["a", "b"]),
                                 ("Which activation is not zero-centred?", [])]),
}


def unique(name: str) -> str:
    """sheet.docx -> sheet-docx.docx: one collection per file (a collection is named after its file)."""
    path = Path(name)
    return f"{path.stem}-{path.suffix[1:]}{path.suffix}" if path.stem == "sheet" else name


def pages(folder: Path) -> dict[int, object]:
    return {p.question: p for p in (question_from_text(f.read_text(), f.name) for f in folder.glob("q*.md"))}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """One run over every format, the refused ones among them, as `make import` would pass them."""
    work = tmp_path_factory.mktemp("formats")
    (work / "sources").mkdir()
    names = [*map(unique, EXPECTED), "png-named.md", "random.docx", "scan.pdf", "encrypted.pdf"]
    for name in [*EXPECTED, "png-named.md", "random.docx", "scan.pdf", "encrypted.pdf"]:
        shutil.copy(FORMATS / name, work / "sources" / unique(name))
    shutil.copy(FORMATS / "figure.png", work / "sources" / "figure.png")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "import_documents.py"), "--docs", "docs",
                             *[f"sources/{n}" for n in names]], capture_output=True, text=True, cwd=work)
    return work, result


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_imports_with_its_questions_and_parts(imported, name):
    work, result = imported
    fmt, expected = EXPECTED[name]
    collection = work / "docs" / "questions" / Path(unique(name)).stem
    got = pages(collection)
    assert [(got[n].title, [p.label for p in got[n].parts]) for n in sorted(got)] == expected, result.stdout
    said = next(line for line in result.stdout.splitlines() if line.startswith(f"sources/{unique(name)}: collection"))
    assert f"(converted from {fmt}: build/converted/{collection.name}.md)" in said
    assert all(p.source_file == f"sources/{unique(name)}" for p in got.values())  # the page names the original


def test_the_converted_markdown_is_kept_where_a_reviewer_reads_it(imported):
    work, _ = imported
    kept = work / "build" / "converted" / "sheet-a.md"
    assert "(a) Why do we subtract the mean before training?" in kept.read_text()
    assert "\\newcommand" not in kept.read_text()  # macros expanded


def test_the_unreadable_sources_are_reported_and_the_others_written(imported):
    work, result = imported
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "png-named.md:1: is a PNG image; we read Markdown (.md)" in result.stderr
    assert "random.docx:1: is named .docx but is not a Word (.docx) file" in result.stderr
    assert "scan.pdf:1: has no text layer" in result.stderr and "encrypted.pdf:1: is an encrypted PDF" in result.stderr
    assert "4 source(s) could not be read and were not written" in result.stderr
    assert len(list((work / "docs" / "questions").iterdir())) == len(EXPECTED)


def test_images_a_converter_extracts_are_copied_beside_the_pages(imported):
    work, _ = imported
    folder = work / "docs" / "questions" / "sheet-docx"
    linked = [p for p in pages(folder).values() if "](media/" in p.body]
    assert linked and list((folder / "media").glob("image1.*"))


def test_check_prints_the_outline_of_a_converted_document(import_cli, tmp_path):
    shutil.copy(FORMATS / "sheet-b.tex", tmp_path / "exam.tex")
    result = import_cli("--docs", "docs", "--check", "exam.tex")
    assert "exam.tex: collection 'exam', 2 questions, 4 parts (converted from latex: build/converted/exam.md)" in result.stdout
    assert "Q1 (source: Question 1)" not in result.stdout and "Q1 'Consider a convolutional layer" in result.stdout
    assert not (tmp_path / "build").exists() and not (tmp_path / "docs").exists()  # --check writes nothing


def test_make_import_passes_every_format(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    line = next(x for x in makefile.splitlines() if x.startswith("SOURCES :="))
    from kb.ingest.convert import EXTENSIONS

    assert all(ext in line for ext in EXTENSIONS)


def test_the_exam_class_keeps_points_parts_solutions_and_the_correct_choice(imported):
    work, _ = imported
    got = pages(work / "docs" / "questions" / "exam-class")
    assert "_(10 points)_" in got[1].body and "**Solution:** So that every feature" in got[1].body
    assert [p.title for p in got[2].parts] == ["(2 points) How many weights does one $3\\times3$ kernel have?",
                                               "(3 points) What is the receptive field of two stacked layers?"]
    assert "**Solution:** $9C$, plus one bias." in got[2].body
    assert "- **(correct)** sigmoid" in got[3].body
