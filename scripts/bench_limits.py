#!/usr/bin/env python3
"""Benchmark the build on long paragraphs of inline math: written raw, and as the importer writes them.

  raw       one page holding one paragraph of N MB of "the loss $x_i^2$ is small and ...", written
            straight into docs/ (what the importer wrote before kb/ingest/limits.py): Python-Markdown's
            inline pass is quadratic in a paragraph's length
  imported  the same text as a source document, through scripts/import_documents.py: paragraphs split
            at 20,000 characters and questions of at most 1 MB (larger ones are refused), so N MB is
            spread over questions of 0.5 MB

Each is the real `mkdocs build --strict` of the repo's mkdocs.yml on a docs folder holding only that
collection, timed wall-clock, one after the other in the same run. Raw builds past `--raw-limit` MB
are not run (5 MB took 404 s when the issue was filed). Results: benchmarks/limits.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.ingest.limits import PAGE_BYTES  # noqa: E402
from kb.site.config import write_config  # noqa: E402

UNIT = "the loss $x_i^2$ is small and "


def paragraph(mb: float) -> str:
    return (UNIT * int(mb * 2**20 // len(UNIT))).strip()


def build(work: Path, timeout: float) -> float | None:
    config = write_config(REPO, work / "docs", work / "mkdocs.yml")
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config),
                               "-d", str(work / "site")], cwd=REPO, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    except subprocess.TimeoutExpired:
        return None
    if done.returncode:
        raise SystemExit(f"build failed:\n{done.stderr[-2000:]}")
    return round(time.perf_counter() - start, 2)


def raw(mb: float, timeout: float) -> float | None:
    """The page as the importer wrote it before the limits: one question imported, its body one paragraph."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-limits-") as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        (work / "sources").mkdir()
        source = work / "sources" / "long.md"
        source.write_text("# Q1. What is long?\n\nShort.\n", encoding="utf-8")
        subprocess.run([sys.executable, str(REPO / "scripts" / "import_documents.py"), "--docs", str(work / "docs"),
                        str(source)], cwd=work, capture_output=True, check=True, timeout=timeout)
        page = work / "docs" / "questions" / "long" / "q1.md"
        front = page.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        page.write_text(f"{front}\n---\n# Q1. What is long?\n\n{paragraph(mb)}\n", encoding="utf-8")
        return build(work, timeout)


def imported(mb: float, timeout: float) -> tuple[float | None, float, int]:
    """(build seconds, import seconds, question pages)."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-limits-") as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        (work / "sources").mkdir()
        count = max(1, int(mb * 2**20 // (PAGE_BYTES // 2)))
        text = paragraph(mb / count)
        source = work / "sources" / "long.md"
        source.write_text("".join(f"# Q{n}. What is long {n}?\n\n{text}\n\n" for n in range(1, count + 1)), encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(REPO / "scripts" / "import_documents.py"), "--docs", str(work / "docs"),
                               str(source)], cwd=work, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise SystemExit(f"import failed:\n{done.stderr[-2000:]}")
        seconds = round(time.perf_counter() - start, 2)
        return build(work, timeout), seconds, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.25,0.5,1,2,5", help="MB of inline-math text (default: 0.25,0.5,1,2,5)")
    parser.add_argument("--raw-limit", type=float, default=1.0, help="largest raw build run, in MB (default: 1)")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "limits.json")
    args = parser.parse_args(argv)
    rows = []
    for mb in [float(s) for s in args.sizes.split(",")]:
        row = {"mb": mb, "raw_build_s": raw(mb, args.timeout) if mb <= args.raw_limit else None}
        row["imported_build_s"], row["import_s"], row["pages"] = imported(mb, args.timeout)
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.machine(),
              "cpus": os.cpu_count(), "load": round(os.getloadavg()[0], 2), "rows": rows}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = ["# Build time on long paragraphs of inline math", "",
             f"Run {result['date']} on {result['cpus']} CPUs (load {result['load']}) by `scripts/bench_limits.py`.", "",
             "| MB of text | raw page, one paragraph: build | imported: pages | import | build |", "|---|---|---|---|---|"]
    for r in rows:
        shown = f"{r['raw_build_s']} s" if r["raw_build_s"] is not None else "not run"
        lines.append(f"| {r['mb']} | {shown} | {r['pages']} | {r['import_s']} s | {r['imported_build_s']} s |")
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
