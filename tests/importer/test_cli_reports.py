"""The command line's reports: dialect, outline, warnings with lines, --strict, .md and .txt, images."""

import shutil
from pathlib import Path

DIALECTS = Path(__file__).parent / "fixtures" / "dialects"


def copy(tmp_path: Path, *names: str) -> None:
    for name in names:
        shutil.copy(DIALECTS / name, tmp_path / name)


def test_every_run_reports_the_dialect(import_cli, tmp_path):
    copy(tmp_path, "numbered-headings-h4.md", "q-marker-styles.txt")
    result = import_cli("--docs", "docs", "numbered-headings-h4.md", "q-marker-styles.txt")
    assert result.returncode == 0, result.stderr
    assert "  dialect: headings (h4), 4 questions\n" in result.stdout
    assert "  dialect: question labels (Q1, Question 2, Q:), 6 questions\n" in result.stdout
    assert len(list((tmp_path / "docs/questions").glob("*/q*.md"))) == 10  # .md and .txt alike


def test_check_prints_the_outline_with_source_lines_and_writes_nothing(import_cli, tmp_path):
    copy(tmp_path, "bold-questions-in-topics.md")
    result = import_cli("--docs", "docs", "--check", "bold-questions-in-topics.md")
    assert result.returncode == 1  # something would change
    assert ("  lines 1-4: preamble -> collection page\n"
            "  lines 5-8: section 'Optimisation' -> collection page\n"
            "  lines 9-12: Q1 'What is SGD? Why do we use it?' [section: Optimisation]\n") in result.stdout
    assert not (tmp_path / "docs").exists()


def test_warnings_name_file_and_line_and_strict_makes_them_errors(import_cli, tmp_path):
    copy(tmp_path, "gaps-and-empty.txt")
    result = import_cli("--docs", "docs", "gaps-and-empty.txt")
    assert result.returncode == 0
    assert "  warning: gaps-and-empty.txt:5: question Q2 has no answer; written as an open question" in result.stdout
    assert "  warning: gaps-and-empty.txt:7: question 3 missing between question 2 (line 5) and question 4" in result.stdout
    strict = import_cli("--docs", "strict-docs", "--strict", "gaps-and-empty.txt")
    assert strict.returncode == 1
    assert "error: gaps-and-empty.txt:5: question Q2 has no answer" in strict.stderr
    assert "2 warning(s) are errors under --strict" in strict.stderr
    assert not (tmp_path / "strict-docs").exists()


def test_images_beside_the_source_are_copied_and_a_missing_one_is_reported(import_cli, tmp_path):
    copy(tmp_path, "images.md")
    (tmp_path / "img").mkdir()
    shutil.copy(DIALECTS / "img" / "plot.png", tmp_path / "img" / "plot.png")
    result = import_cli("--docs", "docs", "images.md")
    assert result.returncode == 0, result.stderr
    copied = tmp_path / "docs/questions/images/img/plot.png"
    assert copied.read_bytes() == (DIALECTS / "img" / "plot.png").read_bytes()
    assert "warning: images.md:9: image img/missing.png does not exist; shown as text on questions/images/q2.md" in result.stdout
    q1 = (tmp_path / "docs/questions/images/q1.md").read_text()
    assert "![Loss curve](img/plot.png)" in q1
    assert "![a remote chart](https://example.org/chart.png)" in q1 and "(https://arxiv.org/abs/1234.5678)" in q1
    q2 = (tmp_path / "docs/questions/images/q2.md").read_text()
    assert "![Accuracy]" not in q2 and "*[image img/missing.png does not exist: Accuracy]*" in q2
    assert "![not an image, code](img/also-missing.png)" in q2  # code is left alone
    assert "0 new, 0 updated, 4 unchanged" in import_cli("--docs", "docs", "images.md").stdout


def test_images_outside_the_source_folder_or_not_raster_are_not_copied(import_cli, tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    (tmp_path / "sources" / "x.svg").write_text("<svg onload='alert(1)'/>")
    (tmp_path / "sources" / "doc.md").write_text("Q1: What?\n\n![s](../secret.png) ![v](x.svg)\n")
    result = import_cli("--docs", "docs", "sources/doc.md")
    assert result.returncode == 0, result.stderr
    assert "image ../secret.png lies outside the source's folder" in result.stdout
    assert "image x.svg is not a PNG, JPEG, GIF, WebP, AVIF or BMP image" in result.stdout
    assert not list((tmp_path / "docs").rglob("*.png")) and not list((tmp_path / "docs").rglob("*.svg"))


def test_a_pinned_dialect_is_reported_as_pinned(import_cli, tmp_path):
    copy(tmp_path, "pinned.md", "pinned.meta.yml")
    result = import_cli("--docs", "docs", "pinned.md")
    assert "  dialect: bold paragraphs, 3 questions (pinned in the meta file)" in result.stdout
    (tmp_path / "pinned.meta.yml").unlink()
    assert "  dialect: bold paragraphs, 3 questions\n" in import_cli("--docs", "docs2", "pinned.md").stdout


def test_the_collection_page_has_one_h1_when_the_source_and_the_meta_file_both_give_a_title(import_cli, tmp_path):
    (tmp_path / "doc.md").write_text("# The source's own title\n\nIntro.\n\n# Another H1\n\nQ1: What?\n\nA.\n")
    (tmp_path / "doc.meta.yml").write_text("title: The meta title\n")
    assert import_cli("--docs", "docs", "doc.md").returncode == 0
    index = (tmp_path / "docs/questions/doc/index.md").read_text()
    body = index.split("---\n", 2)[2]
    assert [line for line in body.splitlines() if line.startswith("# ")] == ["# The meta title"]
    assert "## The source's own title" in body and "## Another H1" in body
