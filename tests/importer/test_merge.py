"""Titles and tags from the meta file reach pages edited by hand: a three-way merge per field (kb/ingest/merge.py)."""

from pathlib import Path

import pytest

from kb.ingest.merge import Conflict, merge_fields, recorded, retitle
from kb.pages import read_question, split_front_matter

Q7 = "docs/questions/deep-learning-exam-answers/q7.md"


@pytest.mark.parametrize(
    "base, page, new, written, record, conflict",
    [
        ("A", "A", "A", "A", "A", None),  # nothing changed
        ("A", "A", "B", "B", "B", None),  # the meta file changed it
        ("A", "C", "A", "C", "A", None),  # the contributor changed it
        ("A", "C", "C", "C", "C", None),  # both, to the same value
        ("A", "C", "B", "C", "A", ("C", "B")),  # both, differently: the page's stays, the record stays old
    ],
)
def test_each_field_merges_three_ways(base, page, new, written, record, conflict):
    values, rec, conflicts = merge_fields({"title": base, "tags": ["t"]}, {"title": page, "tags": ["t"]},
                                          {"title": new, "tags": ["t"]})
    assert values == {"title": written, "tags": ["t"]} and rec == {"title": record, "tags": ["t"]}
    assert conflicts == ([Conflict("title", *conflict)] if conflict else [])


def test_a_page_without_a_record_counts_as_the_importers():
    assert recorded({"title": "T", "tags": ("a",)}) == {"title": "T", "tags": ["a"]}
    assert recorded({"title": "T", "tags": [], "imported": {"title": "Old", "tags": ["x"]}}) == {"title": "Old", "tags": ["x"]}


def test_the_h1_follows_only_when_left_as_written():
    assert retitle("# Q7. Old\n\ntext\n", 7, "Old", "New") == "# Q7. New\n\ntext\n"
    assert retitle("# Q7. My own heading\n\ntext\n", 7, "Old", "New") == "# Q7. My own heading\n\ntext\n"


def _set_meta(seed_copy: Path, old: str, new: str) -> None:
    meta = seed_copy.with_name("deep-learning-exam-answers.meta.yml")
    text = meta.read_text(encoding="utf-8")
    assert old in text
    meta.write_text(text.replace(old, new), encoding="utf-8")


def _edit(page: Path, old: str, new: str) -> str:
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new, 1), encoding="utf-8")
    return page.read_text(encoding="utf-8")


@pytest.fixture
def imported(import_cli, seed_copy, tmp_path) -> Path:
    assert import_cli("--docs", "docs", str(seed_copy)).returncode == 0
    return tmp_path / Q7


def test_meta_title_and_tags_reach_a_page_edited_by_hand(import_cli, seed_copy, imported):
    """The issue's case: Q7 edited by hand, then its title and tags changed in the meta file."""
    _edit(imported, "The attention mechanism computes", "As a contributor explains, attention computes")
    _set_meta(seed_copy, '"The cost of attention"', '"Why attention is quadratic"')
    _set_meta(seed_copy, "tags: [attention, complexity]", "tags: [attention, complexity, transformers]")

    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0, result.stderr
    assert "q7.md (merged" in result.stdout and "conflict" not in result.stdout
    page = read_question(imported)
    assert page.title == "Why attention is quadratic"
    assert page.tags == ("attention", "complexity", "transformers")
    assert "As a contributor explains, attention computes" in page.body  # the contributor's body is kept
    assert page.body.startswith("# Q7. Why attention is quadratic\n")  # its H1 follows the title
    assert page.edited  # still the contributor's: the next import keeps it again
    again = import_cli("--docs", "docs", str(seed_copy))
    assert "kept questions/deep-learning-exam-answers/q7.md: edited by hand" in again.stdout
    assert read_question(imported) == page


def test_a_title_changed_on_the_page_stays_when_the_meta_file_did_not_change_it(import_cli, seed_copy, imported):
    _edit(imported, "title: The cost of attention", "title: Attention, by a contributor")
    _set_meta(seed_copy, "tags: [attention, complexity]", "tags: [attention]")  # another field changes meanwhile
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0 and "conflict" not in result.stdout
    page = read_question(imported)
    assert page.title == "Attention, by a contributor" and page.tags == ("attention",)
    assert not page.edited  # the body was not touched, so it still follows the source


def test_both_changing_the_title_is_a_conflict_reported_with_both_values(import_cli, seed_copy, imported):
    _edit(imported, "title: The cost of attention", "title: Attention, by a contributor")
    _set_meta(seed_copy, '"The cost of attention"', '"Why attention is quadratic"')
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0
    assert ("conflict questions/deep-learning-exam-answers/q7.md: 'title' was changed both on the page "
            '("Attention, by a contributor") and in the meta file ("Why attention is quadratic")') in result.stdout
    assert read_question(imported).title == "Attention, by a contributor"
    # Reported on every run until the two agree; then it is quiet.
    assert "conflict questions/deep-learning-exam-answers/q7.md" in import_cli("--docs", "docs", str(seed_copy)).stdout
    _set_meta(seed_copy, '"Why attention is quadratic"', '"Attention, by a contributor"')
    settled = import_cli("--docs", "docs", str(seed_copy))
    assert "conflict" not in settled.stdout
    assert read_question(imported).title == "Attention, by a contributor"


def test_a_page_written_before_records_takes_the_new_title(import_cli, seed_copy, imported):
    """Pages imported by an older importer have no `imported:` record; their front matter counts as written by it."""
    front, body = split_front_matter(imported.read_text(encoding="utf-8"))
    assert front["imported"] == {"title": "The cost of attention", "tags": ["attention", "complexity"]}
    old = imported.read_text(encoding="utf-8")
    start = old.index("imported:")
    imported.write_text(old[:start] + old[old.index("hash:", start):], encoding="utf-8")
    _edit(imported, "The attention mechanism computes", "Attention computes")
    _set_meta(seed_copy, '"The cost of attention"', '"Why attention is quadratic"')
    assert import_cli("--docs", "docs", str(seed_copy)).returncode == 0
    page = read_question(imported)
    assert page.title == "Why attention is quadratic" and "Attention computes" in page.body


def test_a_page_whose_front_matter_breaks_the_schema_is_kept_as_it_is(import_cli, seed_copy, imported):
    _edit(imported, "question: 7\n", "question: seven\n")
    _edit(imported, "The attention mechanism computes", "Attention computes")
    broken = imported.read_text(encoding="utf-8")
    _set_meta(seed_copy, '"The cost of attention"', '"Why attention is quadratic"')
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0, result.stderr
    assert "kept questions/deep-learning-exam-answers/q7.md: its front matter cannot be read" in result.stdout
    assert imported.read_text(encoding="utf-8") == broken
