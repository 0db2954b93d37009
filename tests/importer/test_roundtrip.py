"""The round trip: every source line in exactly one place, no word lost, on the seed and every fixture."""

from pathlib import Path

import pytest

from kb.ingest import roundtrip
from kb.ingest.importer import load_source, plan
from kb.pages import split_front_matter

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTS = [ROOT / "sources" / "deep-learning-exam-answers.txt", FIXTURES / "all-markers.txt",
             *sorted(p for p in (FIXTURES / "dialects").iterdir() if p.suffix in (".md", ".txt"))]


def bodies(source) -> dict[str, str]:
    files, _ = plan(source)
    out = {}
    for f in files:
        if f.path.endswith("/index.md"):
            out["collection"] = split_front_matter(f.text)[1]
        elif f.path.endswith(".md"):
            out[f.path.rsplit("/", 1)[1][:-3]] = split_front_matter(f.text)[1]
    return out


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_line_lands_in_exactly_one_place(path):
    source = load_source(path, ROOT)
    spans = roundtrip.spans(source.document)
    covered = [n for _, (first, last) in spans for n in range(first, last + 1)]
    assert covered == list(range(1, source.document.line_count + 1))
    assert roundtrip.check(source.document, bodies(source)) == []


def test_a_lost_line_is_named():
    source = load_source(FIXTURES / "dialects" / "q-marker-styles.txt", ROOT)
    pages = bodies(source)
    pages["q2"] = pages["q2"].replace("Shapes are aligned from the right.", "")
    problems = roundtrip.check(source.document, pages)
    assert len(problems) == 1
    assert problems[0].startswith(f"{source.document.source}:7: words of lines 7-10 missing from q2: Shapes, aligned")


def test_a_lost_preamble_is_named():
    source = load_source(FIXTURES / "all-markers.txt", ROOT)
    pages = bodies(source)
    pages["collection"] = "# Title\n"
    assert any("missing from collection" in p for p in roundtrip.check(source.document, pages))
