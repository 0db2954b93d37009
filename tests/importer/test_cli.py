"""The import command line: idempotence, contributors' edits, --check, bad input, several documents."""

import shutil
from pathlib import Path

import pytest

from kb.pages import PageError, question_from_text, read_question

FIXTURE = Path(__file__).parent / "fixtures" / "all-markers.txt"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_import_writes_one_page_per_question_and_reports_repairs(import_cli, seed_copy, tmp_path):
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0, result.stderr
    pages = sorted((tmp_path / "docs/questions/deep-learning-exam-answers").glob("q*.md"))
    assert len(pages) == 10
    assert "repairs: D-KL-subscript 6, blackboard-R 2, matrix-space-R 4, p-theta-subscript 7, page-break-joined 3" in result.stdout
    page = read_question(tmp_path / "docs/questions/deep-learning-exam-answers/q7.md")
    assert page.id == "deep-learning-exam-answers/q7" and page.question == 7
    assert page.source_file == "sources/deep-learning-exam-answers.txt"
    assert page.source_lines[0] < page.source_lines[1]
    assert not page.edited


def test_rerun_on_unchanged_input_changes_no_byte(import_cli, seed_copy, tmp_path):
    assert import_cli("--docs", "docs", str(seed_copy)).returncode == 0
    before = snapshot(tmp_path / "docs")
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "docs").rglob("*.md")}
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0
    assert "0 new, 0 updated, 11 unchanged" in result.stdout
    assert snapshot(tmp_path / "docs") == before
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "docs").rglob("*.md")} == mtimes


def test_edited_page_is_kept_unless_forced(import_cli, seed_copy, tmp_path):
    assert import_cli("--docs", "docs", str(seed_copy)).returncode == 0
    page = tmp_path / "docs/questions/deep-learning-exam-answers/q6.md"
    edited = page.read_text() + "\nA contributor's extra paragraph.\n"
    page.write_text(edited)
    # The source changes too, so the importer has something it would like to write.
    meta = seed_copy.with_name("deep-learning-exam-answers.meta.yml")
    meta.write_text(meta.read_text().replace('"Inductive bias"', '"Inductive bias, revisited"'))

    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0
    # The body is the contributor's; only the meta file's new title reaches the page (tests/importer/test_merge.py).
    assert "wrote questions/deep-learning-exam-answers/q6.md (merged" in result.stdout
    assert read_question(page).body == edited.split("\n---\n", 1)[1].replace("# Q6. Inductive bias\n",
                                                                          "# Q6. Inductive bias, revisited\n")
    assert "kept questions/deep-learning-exam-answers/q6.md: edited by hand" in import_cli("--docs", "docs", str(seed_copy)).stdout

    forced = import_cli("--docs", "docs", "--force", str(seed_copy))
    assert forced.returncode == 0
    assert "A contributor's extra paragraph." not in page.read_text()
    assert read_question(page).title == "Inductive bias, revisited"


def test_unedited_page_follows_the_source(import_cli, seed_copy, tmp_path):
    assert import_cli("--docs", "docs", str(seed_copy)).returncode == 0
    meta = seed_copy.with_name("deep-learning-exam-answers.meta.yml")
    meta.write_text(meta.read_text().replace('"The cost of attention"', '"Attention costs"'))
    result = import_cli("--docs", "docs", str(seed_copy))
    assert "wrote questions/deep-learning-exam-answers/q7.md (updated)" in result.stdout
    assert read_question(tmp_path / "docs/questions/deep-learning-exam-answers/q7.md").title == "Attention costs"


def test_check_reports_and_writes_nothing(import_cli, seed_copy, tmp_path):
    result = import_cli("--docs", "docs", "--check", str(seed_copy))
    assert result.returncode == 1  # something would change
    assert "would write questions/deep-learning-exam-answers/q1.md (new)" in result.stdout
    assert not (tmp_path / "docs").exists()
    assert import_cli("--docs", "docs", str(seed_copy)).returncode == 0
    assert import_cli("--docs", "docs", "--check", str(seed_copy)).returncode == 0


@pytest.mark.parametrize(
    "data, where, message",
    [
        (b"", "bad.txt:1:", "is empty"),
        (b"Notes without any marker.\n", "bad.txt:1:", "no question markers"),
        (b"Q1:\ncaf\xe9\n", "bad.txt:2:", "is not UTF-8"),
        (b"Q1:\n$$\nx\n", "bad.txt:2:", "'$$' opened here is never closed"),
        (b"Q1:\n~~~\ncode\n", "bad.txt:2:", "never closed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "bad.txt:1:", "LaTeX"),  # names the formats it reads
    ],
)
def test_a_bad_document_is_reported_with_file_and_line_and_the_good_one_is_still_written(import_cli, seed_copy, tmp_path,
                                                                                        data, where, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data)
    other = tmp_path / "worse.md"
    other.write_bytes(b"")
    result = import_cli("--docs", "docs", str(seed_copy), "bad.txt", "worse.md")
    assert result.returncode == 1
    assert where in result.stderr and message in result.stderr
    assert "worse.md:1: is empty" in result.stderr  # every problem of every source, not only the first
    assert "nothing was written for bad.txt" in result.stderr and "2 source(s) could not be read" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((tmp_path / "docs/questions/deep-learning-exam-answers").glob("q*.md"))) == 10
    assert not (tmp_path / "docs/questions/bad").exists()
    assert not list(tmp_path.glob(".import-*"))


def test_strict_writes_nothing_when_any_source_is_bad(import_cli, seed_copy, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    result = import_cli("--docs", "docs", "--strict", str(seed_copy), "bad.txt")
    assert result.returncode == 1 and "bad.txt:1: is empty" in result.stderr
    assert not (tmp_path / "docs").exists()


def test_repeated_numbers_are_a_warning_not_a_refusal(import_cli, tmp_path):
    (tmp_path / "rep.txt").write_text("Q1:\nA\n\nQ1:\nB\n")
    result = import_cli("--docs", "docs", "rep.txt")
    assert result.returncode == 0, result.stderr
    assert "rep.txt:4: Q1 appears again (first at line 1); written as page 2" in result.stdout
    assert sorted(p.name for p in (tmp_path / "docs/questions/rep").glob("q*.md")) == ["q1.md", "q2.md"]
    assert "Source: Q1" in (tmp_path / "docs/questions/rep/q2.md").read_text()


def test_missing_source_is_a_clear_error(import_cli, tmp_path):
    result = import_cli("--docs", "docs", "nope.txt")
    assert result.returncode == 1 and "nope.txt:1: does not exist" in result.stderr


def test_several_documents_are_separate_collections(import_cli, seed_copy, tmp_path):
    shutil.copy(FIXTURE, tmp_path / "midterm-answers.txt")
    result = import_cli("--docs", "docs", str(seed_copy), "midterm-answers.txt")
    assert result.returncode == 0, result.stderr
    ids = [read_question(p).id for p in (tmp_path / "docs/questions").glob("*/q*.md")]
    assert len(ids) == len(set(ids)) == 18
    assert (tmp_path / "docs/questions/midterm-answers/index.md").exists()
    assert "Midterm answers, spring term." in (tmp_path / "docs/questions/midterm-answers/index.md").read_text()
    titles = {read_question(p).question: read_question(p).title for p in (tmp_path / "docs/questions/midterm-answers").glob("q*.md")}
    assert titles[5] == "Early stopping"  # from the marker
    assert titles[1] == "Letter part in parentheses"  # automatic: no metadata file
    assert titles[6] == "Question 6"


def test_help_explains_every_option(import_cli):
    result = import_cli("--help")
    assert result.returncode == 0
    for option in ("--docs", "--force", "--check", "SOURCE", "meta.yml", "Exit status"):
        assert option in result.stdout


@pytest.mark.parametrize(
    "front_matter, key",
    [
        ("collection: c\nquestion: 1\ntitle: T\nparts: []\nsource: {file: s, lines: [1, 2]}\nhash: h\n", "id"),
        ("id: c/q1\ncollection: c\nquestion: one\ntitle: T\nparts: []\nsource: {file: s, lines: [1, 2]}\nhash: h\n", "question"),
        ("id: c/q1\ncollection: c\nquestion: 1\ntitle: T\nparts: [{label: a}]\nsource: {file: s, lines: [1, 2]}\nhash: h\n", "title"),
        ("id: c/q1\ncollection: c\nquestion: 1\ntitle: T\nparts: []\nsource: {file: s, lines: 3}\nhash: h\n", "source.lines"),
    ],
)
def test_front_matter_is_validated_on_read(front_matter, key):
    with pytest.raises(PageError) as info:
        question_from_text(f"---\n{front_matter}---\n# Q1. T\n", "docs/q1.md")
    assert info.value.key == key
    assert str(info.value).startswith("docs/q1.md")


def test_broken_metadata_file_is_a_clear_error(import_cli, seed_copy, tmp_path):
    seed_copy.with_name("deep-learning-exam-answers.meta.yml").write_text("questions: {1: [unclosed\n")
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 1
    assert "deep-learning-exam-answers.meta.yml" in result.stderr and "not valid YAML" in result.stderr
    assert not (tmp_path / "docs").exists()


def test_a_second_source_with_the_same_collection_name_is_refused(import_cli, seed_copy, tmp_path):
    (tmp_path / "other").mkdir()
    shutil.copy(seed_copy, tmp_path / "other" / seed_copy.name)
    result = import_cli("--docs", "docs", str(seed_copy), f"other/{seed_copy.name}")
    assert result.returncode == 1 and "collection 'deep-learning-exam-answers' is also produced by" in result.stderr
    assert f"nothing was written for other/{seed_copy.name}" in result.stderr
    assert len(list((tmp_path / "docs/questions/deep-learning-exam-answers").glob("q*.md"))) == 10  # the first one


def test_windows_newlines_and_bom_import_like_unix_text(import_cli, tmp_path):
    text = FIXTURE.read_text()
    (tmp_path / "unix.txt").write_text(text)
    (tmp_path / "dos.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert import_cli("--docs", "docs", "unix.txt", "dos.txt").returncode == 0
    for unix in (tmp_path / "docs/questions/unix").glob("q*.md"):
        dos = tmp_path / "docs/questions/dos" / unix.name
        assert read_question(dos).body == read_question(unix).body


def test_concept_candidates_are_suggested_and_written_only_when_asked(import_cli, seed_copy, tmp_path):
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0, result.stderr
    assert "Evidence lower bound (aliases: ELBO): acronym defined in Q9" in result.stdout
    assert "Exponential moving average (aliases: EMA)" in result.stdout
    assert not (tmp_path / "docs/concepts").exists()

    result = import_cli("--docs", "docs", "--write-concept-stubs", str(seed_copy))
    stub = tmp_path / "docs/concepts/evidence-lower-bound.md"
    assert stub.exists() and "wrote stub" in result.stdout
    stub.write_text(stub.read_text() + "A definition a person wrote.\n")
    import_cli("--docs", "docs", "--write-concept-stubs", str(seed_copy))
    assert "A definition a person wrote." in stub.read_text()
