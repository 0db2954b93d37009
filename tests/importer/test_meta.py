"""Meta files are untrusted input: validated like a schema, errors name the file, the line and the key."""

import shutil
from pathlib import Path

import pytest

from kb.pages import read_question

DIALECTS = Path(__file__).parent / "fixtures" / "dialects"


@pytest.mark.parametrize(
    "meta, line, message",
    [
        ("questions: [1, 2]\n", 1, "key 'questions': must be a mapping of question numbers"),
        ("title: T\nquestions:\n  1: {title: A, tags: attention}\n", 3, "key 'questions.1.tags': must be a list"),
        ("title: T\nsummary: S\n", 2, "key 'summary': is not a meta key"),
        ("questions:\n  one: {title: A}\n", 2, "key 'questions.one': must be a question number"),
        ("questions:\n  1:\n    notes:\n      - part: a\n", 4, "key 'questions.1.notes[0].text': is missing or empty"),
        ("questions:\n  1:\n    notes:\n      - text: x\n        part: z\n", 5, "key 'questions.1.notes[0].part': question 1 has no part (z)"),
        ("questions:\n  9:\n    notes:\n      - text: x\n", 4, "key 'questions.9.notes[0]': question 9 is not in the document"),
        ("dialect: numbered\n", 1, "key 'dialect': 'numbered' is not a dialect"),
        ('a: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n', 1, "anchors are not accepted"),
        ("title: !!python/object:os.system x\n", 1, "tags are not accepted"),
        ("questions: {1: [unclosed\n", 2, "is not valid YAML"),
    ],
)
def test_bad_meta_file_is_a_clear_error_and_nothing_is_written(import_cli, tmp_path, meta, line, message):
    shutil.copy(DIALECTS / "notes.md", tmp_path / "doc.md")
    (tmp_path / "doc.meta.yml").write_text(meta)
    result = import_cli("--docs", "docs", "doc.md")
    assert result.returncode == 1
    assert f"doc.meta.yml:{line}: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "nothing was written" in result.stderr
    assert not (tmp_path / "docs").exists()


def test_billion_laughs_is_refused_without_blowing_up(import_cli, tmp_path):
    shutil.copy(DIALECTS / "notes.md", tmp_path / "doc.md")
    lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lol += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    (tmp_path / "doc.meta.yml").write_text("\n".join(lol) + "\n")
    result = import_cli("--docs", "docs", "doc.md")
    assert result.returncode == 1 and "doc.meta.yml:1: defines the YAML anchor '&a'" in result.stderr


def test_oversized_meta_file_is_refused(import_cli, tmp_path):
    shutil.copy(DIALECTS / "notes.md", tmp_path / "doc.md")
    (tmp_path / "doc.meta.yml").write_text("title: " + "x" * 300_000 + "\n")
    result = import_cli("--docs", "docs", "doc.md")
    assert result.returncode == 1 and "doc.meta.yml:1: is 300008 bytes" in result.stderr


def test_a_source_name_without_letters_is_a_clear_error(import_cli, tmp_path):
    shutil.copy(DIALECTS / "notes.md", tmp_path / "___.txt")
    result = import_cli("--docs", "docs", "___.txt")
    assert result.returncode == 1
    assert "___.txt:1: its name has no letter or digit" in result.stderr and "Traceback" not in result.stderr


def test_editors_notes_are_admonitions_of_escaped_text_at_the_end_of_their_section(import_cli, tmp_path):
    for name in ("notes.md", "notes.meta.yml"):
        shutil.copy(DIALECTS / name, tmp_path / name)
    assert import_cli("--docs", "docs", "notes.md").returncode == 0
    q1 = read_question(tmp_path / "docs/questions/notes/q1.md")
    assert q1.title == "What is attention?"  # the marker's own title wins over the meta's
    intro, part_a, part_b = q1.body.split("\n## ")
    assert intro.endswith("!!! note \"Editor's note\"\n    The heading's 'VV' is a slip for 'V'.\n")
    assert "!!!" not in part_a
    assert part_b.endswith("!!! note \"Editor's note\"\n"
                           "    Values are &lt;b&gt;not&lt;/b&gt; keys &amp; never were: *check* the source.\n"
                           "    Second line.\n")
    q2 = (tmp_path / "docs/questions/notes/q2.md").read_text()
    assert "<script>" not in q2 and "&lt;script&gt;alert(1)&lt;/script&gt; stays text." in q2
    # Re-import keeps them: the notes are the importer's, so the page is not "edited by hand".
    again = import_cli("--docs", "docs", "notes.md")
    assert "0 new, 0 updated, 3 unchanged, 0 kept" in again.stdout
