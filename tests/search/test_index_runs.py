"""Concurrent and interrupted runs of the real `scripts/build_index.py`: one at a time, nothing left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from search_api import store
from search_api.indexer import build
from search_api.params import parse_params
from search_api.searcher import SearchIndex

REPO = Path(__file__).resolve().parents[2]
FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "docs"
PAGE = """---
id: sample-exam/q{n}
collection: sample-exam
question: {n}
title: {title}
parts: []
source: {{file: sources/sample-exam.txt, lines: [1, 2]}}
tags: []
hash: sha256:test
---
# Q{n}. {title}

{body}
"""


def add_page(docs: Path, n: int, title: str, body: str) -> None:
    page = PAGE.format(n=n, title=title, body=body)
    (docs / "questions" / "sample-exam" / f"q{n}.md").write_text(page, encoding="utf-8")


def build_index_process(docs: Path, index: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "scripts" / "build_index.py"), "--docs", str(docs),
                             "--index", str(index), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def ids(index: Path, q: str) -> list[str]:
    return [r["id"] for r in SearchIndex(index).search(parse_params({"q": q}))["results"]]


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc: Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_second_build_waits_for_the_first_and_indexes_the_newer_pages(tmp_path):
    docs = Path(shutil.copytree(FIXTURE_DOCS, tmp_path / "docs"))
    index = tmp_path / ".index"
    build(docs, index)
    before = store.current_version(index)
    with store.build_lock(index):  # a first build, still running
        second = build_index_process(docs, index)
        waiting = []
        reader = threading.Thread(target=lambda: waiting.append(second.stderr.readline()), daemon=True)
        reader.start()
        reader.join(20)
        assert waiting and "another build of this index is running" in waiting[0] and "waiting" in waiting[0]
        assert second.poll() is None and store.current_version(index) == before
        add_page(docs, 99, "Zebra stripes", "Why does a zebra have stripes?")  # written before the first ends
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert store.current_version(index) != before
    assert ids(index, "zebra") == ["sample-exam/q99"]  # the later run read the pages as they were by then


def test_leftovers_of_killed_builds_are_deleted_by_the_next_run(tmp_path):
    index = tmp_path / ".index"
    build(FIXTURE_DOCS, index)
    leftover = index / ".tmp-build-20261130T000000000000Z-1"  # as fresh as a build killed a second ago
    (leftover / "segment").mkdir(parents=True)
    (index / ".CURRENT.1.tmp").write_text("build-x\n")
    build(FIXTURE_DOCS, index)
    assert not leftover.exists() and not (index / ".CURRENT.1.tmp").exists()
    assert ids(index, "dropout")


def test_kill_9_leaves_no_process_behind(tmp_path):
    docs = Path(shutil.copytree(FIXTURE_DOCS, tmp_path / "docs"))
    words = "attention dropout pooling gradient softmax entropy variance latent encoder decoder".split()
    for n in range(100, 700):  # enough pages that reader and writer processes run for a while
        body = " ".join(words[(n + i) % len(words)] for i in range(120))
        add_page(docs, n, f"Generated question {n}", body)
    index = tmp_path / ".index"
    process = build_index_process(docs, index, "--procs", "2")
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and len(seen) < 2:
        seen.update(children_of(process.pid))
        time.sleep(0.02)
    assert process.poll() is None and seen, "the build ended before it started helper processes"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    seen.update(children_of(process.pid))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in seen):
        time.sleep(0.1)
    survivors = [pid for pid in seen if alive(pid)]
    for pid in survivors:  # don't leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
    # and the next run cleans up after the killed one and succeeds
    assert subprocess.run([sys.executable, str(REPO / "scripts" / "build_index.py"), "--docs", str(docs),
                           "--index", str(index), "--procs", "1"], capture_output=True, timeout=120).returncode == 0
    assert not list(index.glob(".tmp-build-*"))
