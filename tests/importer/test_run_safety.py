"""Concurrent and interrupted imports: one run at a time, and a killed run is finished or undone."""

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kb.ingest import staging
from kb.pages import read_question

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = str(ROOT / "scripts" / "import_documents.py")


def generated(n: int, answer: str) -> str:
    return "\n".join(f"## Q{k}: Question {k}\n\n{answer} {k}.\n" for k in range(1, n + 1))


def hold_lock(folder: Path, pid: str = "4242") -> int:
    fd = os.open(folder / ".import.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"{pid}\n".encode())
    return fd


def test_a_second_import_waits_for_the_first_and_then_runs(seed_copy, tmp_path):
    fd = hold_lock(tmp_path)
    proc = subprocess.Popen([sys.executable, SCRIPT, "--docs", "docs", str(seed_copy)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()  # blocks until the run says it is waiting
        assert "waiting for another import (process 4242) to finish" in line
        time.sleep(0.3)
        assert proc.poll() is None and not (tmp_path / "docs").exists()
    finally:
        os.close(fd)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "11 new" in out


def test_a_second_import_gives_up_after_the_timeout_and_writes_nothing(import_cli, seed_copy, tmp_path):
    fd = hold_lock(tmp_path)
    try:
        result = import_cli("--docs", "docs", "--lock-timeout", "0.3", str(seed_copy))
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "another import (process 4242) is still running after 0.3 s" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "docs").exists()


def test_two_imports_at_once_lose_no_result(tmp_path):
    (tmp_path / "big.md").write_text(generated(1500, "Answer"))
    runs = [subprocess.Popen([sys.executable, SCRIPT, "--docs", "docs", "big.md"], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [r.communicate(timeout=120)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0]
    summaries = sorted(line for out in outs for line in out.splitlines() if line.startswith("pages:"))
    assert summaries == ["pages: 0 new, 0 updated, 1501 unchanged, 0 kept", "pages: 1501 new, 0 updated, 0 unchanged, 0 kept"]
    assert len(list((tmp_path / "docs/questions/big").glob("q*.md"))) == 1500


def test_a_run_killed_after_its_commit_is_finished_by_the_next_run(import_cli, tmp_path):
    (tmp_path / "doc.md").write_text(generated(20, "Old answer"))
    assert import_cli("--docs", "docs", "doc.md").returncode == 0
    (tmp_path / "doc.md").write_text(generated(20, "New answer"))
    # Stage and commit the new pages the way a run does, then stop after moving five: a kill at that point.
    new = {p.relative_to(tmp_path / "docs").as_posix(): p for p in (tmp_path / "docs").rglob("*.md")}
    check = import_cli("--docs", str(tmp_path / "preview"), "doc.md")
    files = [(rel, (tmp_path / "preview" / rel).read_bytes()) for rel in sorted(new)]
    folder = staging.stage(files, tmp_path / "docs")
    for rel, _ in files[:5]:
        os.replace(folder / "files" / rel, tmp_path / "docs" / rel)
    assert check.returncode == 0
    result = import_cli("--docs", "docs", "doc.md")
    assert result.returncode == 0, result.stderr
    assert "finished an interrupted import: moved its last 16 file(s) into place" in result.stdout
    assert "0 new, 0 updated, 21 unchanged" in result.stdout
    assert all("New answer" in read_question(p).body for p in (tmp_path / "docs/questions/doc").glob("q*.md"))
    assert not list(tmp_path.glob(".import-*"))


def test_a_run_killed_before_its_commit_changes_nothing_and_its_folder_goes(import_cli, seed_copy, tmp_path):
    leftover = tmp_path / ".import-abc123" / "files" / "questions" / "x"
    leftover.mkdir(parents=True)
    (leftover / "q1.md").write_text("half-written")
    result = import_cli("--docs", "docs", str(seed_copy))
    assert result.returncode == 0
    assert "removed .import-abc123, left by an import stopped before it wrote anything" in result.stdout
    assert not (tmp_path / "docs/questions/x").exists() and not list(tmp_path.glob(".import-*"))


def test_kill_9_at_any_moment_leaves_old_pages_or_a_committed_journal(tmp_path):
    """The real guarantee, with real kills: never some pages moved without a journal to finish the rest."""
    doc, docs = tmp_path / "doc.md", tmp_path / "docs"
    doc.write_text(generated(1500, "Old answer"))
    assert subprocess.run([sys.executable, SCRIPT, "--docs", "docs", "doc.md"], cwd=tmp_path, capture_output=True).returncode == 0
    pages = sorted((docs / "questions/doc").glob("q*.md"))
    for round_, delay in enumerate((0.5, 1.2, 1.8, 2.4, 3.0)):  # spans parsing, staging and moving here
        doc.write_text(generated(1500, f"Answer of round {round_}"))
        proc = subprocess.Popen([sys.executable, SCRIPT, "--docs", "docs", "doc.md"], cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        new = sum(f"round {round_}" in p.read_text() for p in pages)
        committed = any((f / staging.JOURNAL).exists() for f in tmp_path.glob(".import-*"))
        assert new in (0, len(pages)) or committed, (delay, new)
        again = subprocess.run([sys.executable, SCRIPT, "--docs", "docs", "doc.md"], cwd=tmp_path, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert all(f"round {round_}" in p.read_text() for p in pages)
        assert not list(tmp_path.glob(".import-*"))
