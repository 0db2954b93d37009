"""scripts/export_anki.py on the seed collection, run as a reader would, and its decks opened again."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ankikit import read_deck
from kb.pages import read_question
from sitekit import REPO

SEED = "deep-learning-exam-answers"
FIGURE = REPO / "tests" / "importer" / "fixtures" / "formats" / "figure.png"


def export(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "export_anki.py"), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def seed_pages():
    return [read_question(p) for p in sorted((REPO / "docs" / "questions" / SEED).glob("q*.md"))]


@pytest.fixture(scope="module")
def two_exports(tmp_path_factory):
    """The seed exported twice, into two folders (a second later, as after an edit)."""
    out = tmp_path_factory.mktemp("anki")
    decks = []
    for name in ("first", "second"):
        done = export("--out", str(out / name))
        assert done.returncode == 0, done.stderr
        assert f"{SEED}.apkg (" in done.stdout
        decks.append(read_deck(out / name / f"{SEED}.apkg"))
    return decks


def test_one_note_per_question_part_with_the_question_on_the_front(two_exports):
    deck = two_exports[0]
    pages = seed_pages()
    assert len(deck.notes) == sum(max(1, len(p.parts)) for p in pages) == deck.cards
    fronts = [n.fields[0] for n in deck.notes]
    for page in pages:
        title = f"Q{page.question}. {page.title}"
        for part in page.parts or [None]:
            wanted = [f for f in fronts if f'<div class="kb-title">{title}</div>' in f and
                      (part is None or f"({part.label}) " in f)]
            assert len(wanted) == 1, (title, part)
    assert all(n.fields[1].strip() for n in deck.notes), "every note has an answer"
    assert list(deck.decks.values()) == ["Exam answer sheet 1"]


def test_answers_are_the_answers_and_tags_are_carried(two_exports):
    notes = {n.fields[2]: n for n in two_exports[0].notes}  # the third field is the card's id
    cnn = notes[f"questions/{SEED}/q3/#part-b"]
    assert "(b) Is Convolution Just Linear?" in cnn.fields[0]
    assert "Alice's claim is <strong>incorrect</strong>" in cnn.fields[1]
    assert "Advantages of CNN" not in cnn.fields[1], "part (a)'s answer is not in (b)'s note"
    assert set(cnn.tags) == {"CNN", SEED}
    for page in seed_pages():
        for note in (n for key, n in notes.items() if key.startswith(f"questions/{SEED}/q{page.question}/")):
            assert {t.replace(" ", "_") for t in page.tags} <= set(note.tags)


def test_math_is_in_ankis_delimiters(two_exports):
    fields = {n.fields[2]: n.fields for n in two_exports[0].notes}
    q1 = fields[f"questions/{SEED}/q1/"][1]
    assert r"\(h\)" in q1 and "$h$" not in q1 and "$" not in q1
    q7 = fields[f"questions/{SEED}/q7/#part-a"][1]
    assert r"\[\text{Softmax}\left(\frac{QK^T}{\sqrt{d}}\right) \cdot V\]" in q7
    assert not any("$" in f for fs in fields.values() for f in fs[:2]), "no dollar math is left"
    # Headings' permalinks (¶) and links to the site's pages are not in a deck; their words are.
    assert not any("¶" in f or "href=" in f for fs in fields.values() for f in fs[:2])


def test_ids_are_the_same_in_every_export(two_exports):
    first, second = two_exports
    assert [n.guid for n in first.notes] == [n.guid for n in second.notes]
    assert len({n.guid for n in first.notes}) == len(first.notes)
    assert first.decks == second.decks and first.models == second.models
    assert {n.model for n in first.notes} == {n.model for n in second.notes} == set(first.models)


def test_an_edited_answer_keeps_its_note(tmp_path):
    """Anki updates a note whose guid it has: an edit changes the fields, never the guid."""
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    before = read_deck(_export_docs(docs, tmp_path / "before"))
    page = docs / "questions" / SEED / "q3.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Alice's claim is", "Alice's claim, edited, is"),
                    encoding="utf-8")
    after = read_deck(_export_docs(docs, tmp_path / "after"))
    by_guid = {n.guid: n for n in before.notes}
    changed = [n for n in after.notes if n.fields != by_guid[n.guid].fields]
    assert [n.fields[2] for n in changed] == [f"questions/{SEED}/q3/#part-b"]
    assert "Alice's claim, edited, is" in changed[0].fields[1]


def _export_docs(docs: Path, out: Path, *args: str) -> Path:
    done = export("--docs", str(docs), "--out", str(out), *args)
    assert done.returncode == 0, done.stderr
    return out / f"{SEED}.apkg"


def test_images_go_into_the_deck(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    shutil.copy(FIGURE, docs / "questions" / SEED / "figure.png")
    page = docs / "questions" / SEED / "q8.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.rstrip("\n") + "\n\n![An attention map](figure.png)\n",
                    encoding="utf-8")
    deck = read_deck(_export_docs(docs, tmp_path / "out"))
    assert list(deck.media.values()) == [FIGURE.read_bytes()]
    name = next(iter(deck.media))
    with_image = [n for n in deck.notes if f'src="{name}"' in n.fields[1]]
    assert [n.fields[2] for n in with_image] == [f"questions/{SEED}/q8/#part-d"]
    assert re.fullmatch(r"kb-[0-9a-f]{10}-figure\.png", name)


def test_a_deck_for_a_tag(tmp_path):
    done = export("--out", str(tmp_path), "--tag", "attention")
    assert done.returncode == 0, done.stderr
    deck = read_deck(tmp_path / "tag-attention.apkg")
    tagged = [p for p in seed_pages() if "attention" in p.tags]
    assert len(deck.notes) == sum(max(1, len(p.parts)) for p in tagged) > 0
    assert all("attention" in n.tags for n in deck.notes)
    assert list(deck.decks.values()) == ["Deep-learning exam answers: attention"]


@pytest.mark.parametrize("args, message", [
    (["--collection", "no-such-thing"], "no such collection: no-such-thing"),
    (["--tag", "no-such-tag"], "no question has the tag 'no-such-tag'"),
])
def test_what_matches_nothing_is_an_error_and_writes_nothing(tmp_path, args, message):
    done = export("--out", str(tmp_path / "out"), *args)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
