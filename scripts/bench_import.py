"""Benchmark the importer: a generated 5,000-question Markdown document and the seed.

    python scripts/bench_import.py [--questions 5000] [--rounds 3] [--out benchmarks/import.json]

Generates one Markdown document of `--questions` questions (numbered headings,
sections every 100 questions, two or three parts each, prose, lists, inline and
display math, a code block) under benchmarks/generated/import/. For it and for
the seed it measures, `--rounds` times each, the real command line into a fresh
docs folder (wall time, subprocess) and, in this process, each stage of the run
(parse, plan, decide, write), once as the code stands (front matter dumped by
libyaml's emitter) and once with PyYAML's pure-Python emitter, the previous code
and the baseline (`kb.pages.render_question`; the output is byte-identical, checked here). The
slowest functions of one in-process run, by own time, are listed from cProfile.
Everything goes to --out with the command. The machine is shared: CPU seconds
are given beside wall seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from kb import pages  # noqa: E402
from kb.ingest import importer, staging  # noqa: E402

GENERATED = REPO / "benchmarks" / "generated" / "import"
SEED = REPO / "sources" / "deep-learning-exam-answers.txt"
WORDS = ("the model we of to and in is that for this with as by on it can be which are from its training data "
         "layer network output input value loss step each when more than not but between weights learning").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 18))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"$x_{{{rng.randint(1, 9)}}}^T W$")
    return " ".join(words).capitalize() + "."


def generate(questions: int, seed: int = 7) -> Path:
    """Write the generated document and return its path."""
    rng = random.Random(seed)
    lines = ["# A generated answer sheet", "", "Generated for the import benchmark.", ""]
    for n in range(1, questions + 1):
        if n % 100 == 1:
            lines += [f"## Section {n // 100 + 1}", "", sentence(rng), ""]
        lines += [f"### {n}. What is generated concept {n}?", "", sentence(rng) + " " + sentence(rng), ""]
        for label in "abc"[: rng.randint(2, 3)]:
            lines += [f"({label}) Part {label} of question {n}", "", " ".join(sentence(rng) for _ in range(3)), ""]
            lines += ["1. " + sentence(rng), "2. " + sentence(rng), ""]
        if n % 10 == 0:
            lines += ["$$", f"\\sum_{{i=1}}^{{n}} x_i^{n % 7}", "$$", "", "```python", f"# Q{n}: not a question",
                      "print(1)", "```", ""]
    GENERATED.mkdir(parents=True, exist_ok=True)
    path = GENERATED / f"bench-{questions}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def fresh(work: Path) -> Path:
    """A new, empty docs folder; old ones are deleted at the end, so no deletion's writeback is timed."""
    docs = work / f"docs-{len(list(work.iterdir()))}"
    docs.mkdir()
    return docs


def cli_seconds(source: Path, work: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the real command line importing `source` into an empty docs folder."""
    docs = fresh(work)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "import_documents.py"), "--docs", str(docs), str(source)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr}")
    return round(wall, 3), round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 3)


class PurePythonDumper:
    """kb.pages with PyYAML's pure-Python emitter, for the time of a block: the baseline (the previous code)."""

    def __enter__(self):
        self.saved = pages._DUMPER
        pages._DUMPER = yaml.SafeDumper

    def __exit__(self, *exc):
        pages._DUMPER = self.saved


def check_identical(source: Path) -> int:
    """Render every page both ways; raise if one byte differs. Returns the number of pages."""
    loaded = importer.load_source(source, REPO)
    plain = [pages.render_question(importer.question_page(loaded, q)) for q in loaded.document.questions]
    with PurePythonDumper():
        fast = [pages.render_question(importer.question_page(loaded, q)) for q in loaded.document.questions]
    if plain != fast:
        raise SystemExit("libyaml's output differs from PyYAML's")
    return len(plain)


def stages(source: Path, work: Path) -> dict[str, float]:
    """Seconds of each stage of one in-process run into an empty docs folder."""
    docs = fresh(work)
    times, start = {}, time.perf_counter()
    loaded = importer.load_source(source, REPO)
    times["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    files, _ = importer.plan(loaded)
    times["plan"] = time.perf_counter() - start
    start = time.perf_counter()
    decisions = importer.decide(files, docs, force=False)
    times["decide"] = time.perf_counter() - start
    start = time.perf_counter()
    staging.stage_and_move([(d.file.path, d.file.content) for d in decisions], docs)
    times["write"] = time.perf_counter() - start
    return {k: round(v, 3) for k, v in times.items()}


def hot_functions(source: Path, work: Path, top: int = 12) -> list[dict]:
    profile = cProfile.Profile()
    profile.enable()
    stages(source, work)
    profile.disable()
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return [{"function": f"{Path(file).name}:{line}:{name}", "own_s": round(tt, 3), "cumulative_s": round(ct, 3),
             "calls": nc} for (file, line, name), (cc, nc, tt, ct, _) in rows]


def measure(source: Path, questions: int, rounds: int, work: Path) -> dict:
    cli = [cli_seconds(source, work) for _ in range(rounds)]
    staged = [stages(source, work) for _ in range(rounds)]
    with PurePythonDumper():
        staged_py = [stages(source, work) for _ in range(rounds)]
    wall = [w for w, _ in cli]
    return {
        "source": source.relative_to(REPO).as_posix(),
        "questions": questions,
        "cli_wall_s": wall,
        "cli_cpu_s": [c for _, c in cli],
        "cli_wall_s_median": statistics.median(wall),
        "cli_ms_per_question_best": round(1000 * min(wall) / questions, 3),
        "stages_s": staged,
        "stages_s_baseline_pure_python_emitter": staged_py,
        "in_process_total_s_best": round(min(sum(s.values()) for s in staged), 3),
        "in_process_total_s_best_baseline_pure_python_emitter": round(min(sum(s.values()) for s in staged_py), 3),
        "pages_identical_to_baseline": check_identical(source),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "import.json")
    args = parser.parse_args()

    big = generate(args.questions)
    work = GENERATED / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    load_before = os.getloadavg()
    results = {
        "command": "python scripts/bench_import.py " + " ".join(sys.argv[1:]),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "target": "under 5 s for 5,000 questions (command line, wall time)",
        "generated": measure(big, args.questions, args.rounds, work),
        "seed": measure(SEED, 10, args.rounds, work),
        "hot_functions_generated": hot_functions(big, work),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    g, s = results["generated"], results["seed"]
    print(f"{g['questions']} questions: {g['cli_wall_s_median']} s median ({g['cli_ms_per_question_best']} ms/question best); "
          f"seed: {s['cli_wall_s_median']} s; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
