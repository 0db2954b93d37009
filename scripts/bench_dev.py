#!/usr/bin/env python3
"""Benchmark `make dev`: seconds from a save to the rebuilt page and to /search finding the new text.

Runs scripts/dev.py on a copy of docs/ and sources/ (in a temporary folder, on a free
127.0.0.1 port), then, --rounds times: a new word into Q7's Markdown, timed until
/search finds it and until the page's HTML has it; and one change to the meta file
(a re-import first). The page is polled over HTTP; a browser adds its reload (the
page asks twice a second) and its own rendering. Then, at --index-scale questions
(generated as scripts/bench_search.py does), the index step alone: one page edited,
`build_index.py` as make dev runs it (incremental). Results: benchmarks/dev.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.site.config import write_config  # noqa: E402

Q7 = "docs/questions/deep-learning-exam-answers/q7.md"
PAGE = "questions/deep-learning-exam-answers/q7/"
# Words no page has, letters only (a digit would be a word of its own, found before the rebuild).
WORDS = ("quokka", "axolotl", "narwhal", "pangolin", "wombat", "okapi", "zanzibar", "tapir")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def until(check, limit: float = 180) -> float:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("no update within the limit")
        time.sleep(0.05)
    return time.monotonic()


def copy_project(work: Path) -> Path:
    shutil.copytree(ROOT / "docs", work / "docs")
    shutil.copytree(ROOT / "sources", work / "sources")
    write_config(ROOT, "docs", work / "mkdocs.yml")
    return work


def measure(url: str, path: Path, old: str, new: str, word: str) -> dict:
    text = path.read_text(encoding="utf-8")
    started = time.monotonic()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    searched = until(lambda: json.loads(fetch(f"{url}search?q={word}"))["total"] > 0)
    shown = until(lambda: word.encode() in fetch(url + PAGE))
    steps = json.loads(fetch(url + "__dev/status"))["timings"]
    return {"search_s": round(searched - started, 2), "page_s": round(shown - started, 2),
            "steps_s": {k: round(v, 2) for k, v in steps.items()}}


def index_update(questions: int, rounds: int = 3) -> dict:
    """Seconds for `build_index.py` after one page of `questions` changed (incremental), as make dev runs it."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "scripts" / "bench_search.py")
    bench_search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_search)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(shutil.copytree(bench_search.generated_docs(questions), Path(tmp) / "docs"))
        index = Path(tmp) / "index"
        command = [sys.executable, str(ROOT / "scripts" / "build_index.py"), "--docs", str(docs), "--index", str(index)]
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True)
        full = time.monotonic() - started
        page = sorted((docs / "questions" / "generated").glob("q*.md"))[questions // 2]
        times, said = [], ""
        for word in WORDS[:rounds]:
            page.write_text(page.read_text(encoding="utf-8") + f"\n{word}\n", encoding="utf-8")
            started = time.monotonic()
            said = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
            times.append(round(time.monotonic() - started, 2))
    return {"questions": questions, "full_build_s": round(full, 2), "one_page_edit_s": times,
            "median_one_page_edit_s": statistics.median(times), "build_index_said": said.split(": /")[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help=f"page edits (at most {len(WORDS)})")
    parser.add_argument("--index-scale", type=int, default=1000, help="questions for the index step (0: skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "dev.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = copy_project(Path(tmp))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}/"
        process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "dev.py"), "--port", str(port), "-f",
                                    str(work / "mkdocs.yml"), "--sources", str(work / "sources"), "--work",
                                    str(work / "build")], stdout=subprocess.DEVNULL, start_new_session=True,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        try:
            started = time.monotonic()
            until(lambda: _built(url))
            first = time.monotonic() - started
            edits = []
            before = "The attention mechanism computes"
            for word in WORDS[:args.rounds]:
                edits.append(measure(url, work / Q7, before, f"The {word} attention", word))
                before = f"The {word} attention"
                time.sleep(1)
            meta = measure(url, work / "sources" / "deep-learning-exam-answers.meta.yml", '"The cost of attention"',
                           '"Ocelot attention"', "ocelot")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    result = {
        "what": "seconds from a save to /search finding the new word and to the page's HTML having it (make dev), "
                "on the repo's docs (10 questions, 48 concepts); the browser adds up to 0.5 s (its reload poll) "
                "and its rendering",
        "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                    "python": platform.python_version()},
        "first_build_s": round(first, 2),
        "page_edit": {"rounds": edits,
                      "median_search_s": statistics.median(e["search_s"] for e in edits),
                      "median_page_s": statistics.median(e["page_s"] for e in edits)},
        "meta_file_edit": meta,
        "index_step_at_scale": index_update(args.index_scale) if args.index_scale else None,
        "command": "python scripts/bench_dev.py",
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


def _built(url: str) -> bool:
    try:
        state = json.loads(fetch(url + "__dev/status"))
    except OSError:
        return False
    return state["built"] and not state["building"]


if __name__ == "__main__":
    sys.exit(main())
