"""Benchmark concept linking: build a generated knowledge base with and without the link hook.

    python scripts/bench_linking.py [--questions 1000] [--concepts 300] [--rounds 2] [--out benchmarks/linking.json]

Generates `--questions` question pages (three parts each, prose with concept
names, inline and display math) and `--concepts` concept pages under
benchmarks/generated/, then runs the real `mkdocs build --strict` of the repo's
config on it, alternating a build without kb/site/link_hooks.py and one with it,
`--rounds` times each, in the same run. Writes wall and CPU times of every
build, the overhead of linking (median and best of each), and the CPU time of
the linking stage alone (run in this process) to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.concepts.linker import Linker  # noqa: E402
from kb.pages import Part, QuestionPage, render_question  # noqa: E402
from kb.slugs import question_path, slugify  # noqa: E402

ADJECTIVES = ("adaptive sparse latent residual stochastic spectral causal contrastive gated recurrent "
              "variational implicit hierarchical orthogonal kernel dilated masked grouped").split()
NOUNS = ("normalization projection embedding routing pooling decoding sampling kernel gradient attention "
         "estimator bottleneck regularizer encoder scheduler tokenizer objective").split()
FILLER = ("the model we a of to and in is that for this with as by on it can be which are from its "
          "training data layer network output input value loss step each when more than not but an "
          "between weights learning features result function error large small used such these").split()
LINK_HOOK = "kb/site/link_hooks.py"


def concept_names(count: int) -> list[str]:
    pairs = [f"{a} {n}" for n in NOUNS for a in ADJECTIVES]
    if count > len(pairs):
        raise SystemExit(f"at most {len(pairs)} concepts")
    return pairs[:count]


def sentence(rng: random.Random, names: list[str]) -> str:
    """Filler words; one sentence in four names a concept (the seed's answers: ~13 mentions per question)."""
    words = [rng.choice(FILLER) for _ in range(rng.randint(10, 18))]
    if rng.random() < 0.25:
        name = rng.choice(names)
        form = rng.choice([name, name.replace(" ", "-"), name + "s", name.title()])
        words.insert(rng.randrange(len(words)), form)
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"$x_{{{rng.randint(1, 9)}}}^T W$")
    return " ".join(words).capitalize() + "."


def generate(root: Path, questions: int, concepts: int, seed: int = 7) -> Path:
    """Write a docs/ folder of generated pages under root and return it."""
    rng = random.Random(seed)
    docs = root / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    (docs / "concepts").mkdir(parents=True)
    names = concept_names(concepts)
    for i, name in enumerate(names):
        words = name.split()
        acronym = "".join(w[0] for w in words).upper() + str(i)
        meta = {"title": name.capitalize(), "aliases": [acronym], "summary": f"Generated concept {i}."}
        body = " ".join(sentence(rng, names) for _ in range(6))
        (docs / "concepts" / f"{slugify(name)}.md").write_text(
            f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n# {name.capitalize()}\n\n{body}\n", encoding="utf-8")
    (docs / "concepts" / "index.md").write_text("---\ntitle: Concepts\n---\n# Concepts\n", encoding="utf-8")
    (docs / "index.md").write_text("# Generated knowledge base\n\n<!-- kb:questions -->\n", encoding="utf-8")
    per_collection = 100
    for n in range(1, questions + 1):
        collection = f"bench-{(n - 1) // per_collection + 1:02d}"
        parts = tuple(Part(label, f"Part {label} of question {n}", f"part-{label}") for label in "abc")
        lines = [f"# Q{n}. Generated question {n}", "", sentence(rng, names), ""]
        for part in parts:
            lines += [f"## ({part.label}) {part.title} {{#{part.anchor}}}", ""]
            for _ in range(3):
                lines += [" ".join(sentence(rng, names) for _ in range(4)), ""]
            lines += ["$$", f"\\sum_{{i=1}}^{{n}} x_i^{n % 7}", "$$", ""]
        page = QuestionPage(f"{collection}/q{n}", collection, n, f"Generated question {n}", parts,
                            f"sources/{collection}.txt", (1, 2), "\n".join(lines))
        path = docs / question_path(collection, n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_question(page), encoding="utf-8")
    for c in sorted({p.parent for p in (docs / "questions").glob("*/q*.md")}):
        (c / "index.md").write_text(f"---\ncollection: {c.name}\ntitle: {c.name}\n---\n# {c.name}\n", encoding="utf-8")
    return docs


# --c-yaml: what reading front matter with libyaml (as MkDocs itself does) would give; both builds get it.
C_YAML_HOOK = """import yaml, kb.pages
kb.pages.yaml = type("CYaml", (), {"safe_load": staticmethod(lambda s: yaml.load(s, Loader=yaml.CSafeLoader)),
                                  "YAMLError": yaml.YAMLError})
"""


def write_config(docs: Path, with_links: bool, c_yaml: bool = False) -> Path:
    with open(REPO / "mkdocs.yml", encoding="utf-8") as f:
        data = yaml_load(f)
    data["docs_dir"] = str(docs)
    hooks = [str(REPO / h) for h in data.get("hooks", []) if with_links or h != LINK_HOOK]
    if c_yaml:
        (docs.parent / "c_yaml_hooks.py").write_text(C_YAML_HOOK, encoding="utf-8")
        hooks.insert(0, str(docs.parent / "c_yaml_hooks.py"))
    data["hooks"] = hooks
    config = docs.parent / f"mkdocs-{'with' if with_links else 'without'}-links{'-c-yaml' if c_yaml else ''}.yml"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return config


def timed_build(config: Path, site: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one real build; CPU time is what other load on the machine disturbs least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(f"build failed ({config.name}):\n{result.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="builds of each kind, alternating")
    parser.add_argument("--c-yaml", action="store_true",
                        help="also time both builds with front matter read by libyaml (a proposed change to kb.pages)")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "generated")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "linking.json")
    args = parser.parse_args(argv)

    docs = generate(args.work, args.questions, args.concepts)
    kinds = [(False, False), (True, False)] + ([(False, True), (True, True)] if args.c_yaml else [])
    configs = {kind: write_config(docs, *kind) for kind in kinds}
    wall: dict = {kind: [] for kind in kinds}
    cpu: dict = {kind: [] for kind in kinds}
    for round_ in range(args.rounds):
        for kind in kinds:
            seconds, cpu_seconds = timed_build(configs[kind], args.work / "site")
            wall[kind].append(round(seconds, 2))
            cpu[kind].append(round(cpu_seconds, 2))
            label = f"{'with' if kind[0] else 'without'} linking{' (libyaml)' if kind[1] else ''}"
            print(f"round {round_ + 1}: {label}: {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU", flush=True)
    # The linking stage alone, in this process: read, link and render every page.
    pages = [(str(p.relative_to(docs)).replace(os.sep, "/"), p.read_text(encoding="utf-8")) for p in docs.rglob("*.md")]
    stage_cpu = []
    for _ in range(3):
        started = time.process_time()
        linker = Linker.from_pages(pages)
        for path, body in linker.bodies.items():
            linker.render(path, body)
        stage_cpu.append(round(time.process_time() - started, 2))

    def overhead(series: dict, c_yaml: bool, pick) -> float:
        return round((pick(series[(True, c_yaml)]) - pick(series[(False, c_yaml)])) / pick(series[(False, c_yaml)]), 3)

    def paired(series: dict, c_yaml: bool) -> float:
        """Median over rounds of (with / without - 1): each pair ran back to back, under the same load."""
        pairs = zip(series[(True, c_yaml)], series[(False, c_yaml)])
        return round(statistics.median(w / wo - 1 for w, wo in pairs), 3)

    result = {
        "questions": args.questions,
        "concepts": args.concepts,
        "pages": len(pages),
        "section_mentions": sum(len(m) for m in linker.graph.question_mentions.values()),
        "rounds": args.rounds,
        "wall_s_without_linking": wall[(False, False)],
        "wall_s_with_linking": wall[(True, False)],
        "cpu_s_without_linking": cpu[(False, False)],
        "cpu_s_with_linking": cpu[(True, False)],
        "overhead_cpu_paired_median": paired(cpu, False),
        "overhead_cpu_median": overhead(cpu, False, statistics.median),
        "overhead_cpu_min": overhead(cpu, False, min),
        "overhead_wall_median": overhead(wall, False, statistics.median),
        "overhead_wall_min": overhead(wall, False, min),
        "linking_stage_cpu_s": stage_cpu,
    }
    if args.c_yaml:
        result.update({
            "c_yaml_cpu_s_without_linking": cpu[(False, True)],
            "c_yaml_cpu_s_with_linking": cpu[(True, True)],
            "c_yaml_overhead_cpu_paired_median": paired(cpu, True),
            "c_yaml_overhead_cpu_median": overhead(cpu, True, statistics.median),
            "c_yaml_overhead_cpu_min": overhead(cpu, True, min),
            "c_yaml_overhead_wall_median": overhead(wall, True, statistics.median),
        })
    result.update({
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
