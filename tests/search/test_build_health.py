"""`/health` proves the published build answers (its files' checksums, a canary search), for every engine:
a damaged build is a 503 on both /health and /search, in the one JSON error shape, never a 500; the
indexer rebuilds a damaged build in full by itself and never publishes a build that does not answer.

Damage is done to copies of a good build, each published in turn to one real `scripts/serve.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search_api import check, store
from search_api.engines import engine
from search_api.indexer import ENGINE_DIR, build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

REPO = Path(__file__).resolve().parents[2]


def largest_engine_file(build_dir: Path) -> Path:
    return max(check.engine_files(build_dir / ENGINE_DIR), key=lambda p: p.stat().st_size)


def zero_fill(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage_vocabulary(build_dir: Path, text: str) -> None:
    (build_dir / "vocabulary.json").write_text(text, encoding="utf-8")


def write_meta(build_dir: Path, text: str) -> None:
    (build_dir / store.META_FILE).write_text(text, encoding="utf-8")


DAMAGE = {
    "zero-filled segment": lambda b: zero_fill(largest_engine_file(b)),
    "truncated segment": lambda b: truncate(largest_engine_file(b)),
    "garbage vocabulary": lambda b: garbage_vocabulary(b, "\x00\x01 not json"),
    "vocabulary of a list": lambda b: garbage_vocabulary(b, "[1, 2, 3]"),
    "vocabulary of text counts": lambda b: garbage_vocabulary(b, '{"dropout": "many"}'),
    "empty meta": lambda b: write_meta(b, "{}"),
    "meta of a list": lambda b: write_meta(b, "[]"),
    "meta without counts": lambda b: write_meta(
        b, json.dumps({k: v for k, v in json.loads((b / store.META_FILE).read_text()).items() if k != "counts"})),
}


def damaged_copy(index: Path, good: str, n: int, damage) -> str:
    """A copy of build `good` under a new build name (its meta.json saying so), damaged, then published."""
    name = f"build-20300101T000000{n:06d}Z-1"
    copy = Path(shutil.copytree(index / good, index / name))
    meta = json.loads((copy / store.META_FILE).read_text())
    write_meta(copy, json.dumps({**meta, "version": name}))
    damage(copy)
    store.publish(index, copy)
    return name


@pytest.fixture
def index(tmp_path, fixture_docs, engine_name) -> tuple[Path, Path]:
    docs = Path(shutil.copytree(fixture_docs, tmp_path / "docs"))
    report = build(docs, tmp_path / ".index", engine_name=engine_name)
    return docs, report.path


def test_a_damaged_build_is_a_503_on_health_and_search_never_a_500(index, served_class):
    _, good = index
    root = good.parent
    server = served_class(root, None, workers=1)
    try:
        assert server.json("/health")[0] == 200
        for n, (what, damage) in enumerate(DAMAGE.items()):
            damaged_copy(root, good.name, n, damage)
            for path in ("/health", "/search?q=dropout", "/search?q=dropuot+attention"):
                status, headers, body = server.get(path)
                assert status == 503 and headers["Content-Type"] == "application/json", (what, path, status, body)
                error = json.loads(body)["error"]
                assert error["code"] == "index_unavailable" and "build_index.py" in error["message"], (what, error)
                assert str(root) not in error["message"]
            store.publish(root, good)  # the good build again: served at once
            status, body = server.json("/search?q=dropout")
            assert status == 200 and body["results"], what
            assert server.json("/health")[1]["version"] == good.name
        assert "Traceback" not in server.log() and "internal_error" not in server.log()
    finally:
        server.stop()


@pytest.mark.parametrize("what", ["zero-filled segment", "truncated segment", "garbage vocabulary", "empty meta"])
def test_an_incremental_build_over_a_damaged_build_rebuilds_it_in_full(index, what, engine_name):
    docs, good = index
    root = good.parent
    damaged = damaged_copy(root, good.name, 1, DAMAGE[what])
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "build_index.py"), "--docs", str(docs),
                             "--index", str(root), "--engine", engine_name], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "(full build)" in result.stdout and "rebuilt in full" in result.stderr
    current = store.current_version(root)
    assert current not in (damaged, good.name)
    searcher = SearchIndex(root, engine=engine_name)
    assert searcher.health()["version"] == current
    assert searcher.search(parse_params({"q": "dropout"}))["results"]


def test_a_build_that_does_not_answer_is_never_published(index, engine_name, monkeypatch):
    docs, good = index
    module = engine(engine_name)
    write = module.write

    def faulty_write(records, directory, procs=1):  # the disk returns zeros where the segment was written
        write(records, directory, procs)
        zero_fill(max((p for p in Path(directory).rglob("*") if p.is_file()), key=lambda p: p.stat().st_size))

    monkeypatch.setattr(module, "write", faulty_write)
    with pytest.raises(store.IndexUnavailable):
        build(docs, good.parent, engine_name=engine_name, full=True)
    assert store.current_version(good.parent) == good.name
    assert sorted(p.name for p in good.parent.iterdir() if p.name.startswith(("build-", ".tmp-"))) == [good.name]


def test_checksums_are_recorded_for_every_engine_file_and_reused_by_incremental_builds(index, engine_name):
    docs, good = index
    meta = json.loads((good / store.META_FILE).read_text())
    files = {p.relative_to(good / ENGINE_DIR).as_posix() for p in check.engine_files(good / ENGINE_DIR)}
    assert set(meta[check.CHECKSUMS]) == files and files
    page = docs / "questions" / "sample-exam" / "q1.md"
    page.write_text(page.read_text().replace("Dropout switches", "Dropout (a quokka's trick) switches"))
    report = build(docs, good.parent, engine_name=engine_name)
    assert report.incremental and report.changed_pages == 1
    check.verify_files(report.path / ENGINE_DIR, json.loads((report.path / store.META_FILE).read_text())["files"])
