#!/usr/bin/env python3
"""Benchmark derived concepts: coverage per collection, a precision sample, and the build time.

    python scripts/bench_concepts.py [--questions 10000] [--rounds 1] [--out benchmarks/concepts.json]

Coverage: the repo's docs (the seed) plus the five fixture collections of
tests/concepts/fixtures/collections/ (each in its own layout), imported by the real
importer into a temporary folder, then linked as the build links them, with derived
concepts and without (today's linking): per collection, the share of questions whose
prose links at least one concept and the links per question; the derived pages, each
with its definition's length and the questions that link it; and every link to a
derived page with its sentence, the precision sample, checked by hand (`WRONG` lists
the ones judged wrong; precision is the rest over all).

Build time: `--questions` generated questions (scripts/bench_linking.py's generator)
plus the fixture collections, built by the real `mkdocs build --strict`, alternating
derived concepts off (`extra.derived_concepts: false`) and on, `--rounds` times each,
in the same run. `--questions 0` skips it. Writes --out and benchmarks/concepts.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_linking import generate, timed_build  # noqa: E402
from kb.concepts.concept import load_concepts  # noqa: E402
from kb.concepts.derived import derive, link_site, load_rejections  # noqa: E402
from kb.concepts.derived import knowledge_base as knowledge_base_questions  # noqa: E402
from kb.concepts.linker import Linker  # noqa: E402
from kb.concepts.links import excerpt_at  # noqa: E402
from kb.ingest.importer import run  # noqa: E402
from kb.site.config import write_config  # noqa: E402

FIXTURES = REPO / "tests" / "concepts" / "fixtures" / "collections"
INDEPENDENT = REPO / "tests" / "search" / "fixtures" / "multi" / "questions"
_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"  # kb.concepts.links' link markers
# Links to derived pages judged wrong by hand (page, linked text, concept): the concept is not what is meant.
WRONG = {
    # "to arbitrary precision" (of an approximation), not the classification metric.
    ("questions/deep-learning-exam-answers/q2.md", "precision", "precision"),
}


def knowledge_base(work: Path) -> Path:
    """The repo's docs plus the fixture collections, imported by the real importer."""
    docs = Path(shutil.copytree(REPO / "docs", work / "docs"))
    report = run(sorted(FIXTURES.iterdir()), docs, say=lambda message: None)
    if report.failed:
        raise SystemExit(f"import failed: {report.failed}")
    return docs


def pages_of(docs: Path) -> list[tuple[str, str]]:
    return [(p.relative_to(docs).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(docs.rglob("*.md"))]


def links_of(markdown: str) -> list[tuple[str, str, int]]:
    """(slug, linked text, offset) of each concept link in a page's linked Markdown."""
    out, pos = [], 0
    while (start := markdown.find(_OPEN, pos)) >= 0:
        mid, end = markdown.index(_MID, start), markdown.index(_CLOSE, start)
        out.append((markdown[start + 1: mid], markdown[mid + 1: end], start))
        pos = end
    return out


def coverage(linker: Linker) -> dict:
    per: dict[str, dict] = {}
    for path, question in linker.graph.questions.items():
        links = links_of(linker.linked[path].markdown) if path in linker.linked else []
        row = per.setdefault(question.collection, {"questions": 0, "linking": 0, "links": 0})
        row["questions"] += 1
        row["linking"] += bool(links)
        row["links"] += len(links)
    for row in per.values():
        row["share_linking"] = round(row["linking"] / row["questions"], 3)
        row["links_per_question"] = round(row["links"] / row["questions"], 2)
    return dict(sorted(per.items()))


def precision_sample(linker: Linker, derived: set[str]) -> list[dict]:
    """Every link to a derived page from a question, with the sentence it is in."""
    sample = []
    for path in linker.graph.questions:
        markdown = linker.linked[path].markdown
        clean = _unmark(markdown)
        for slug, text, offset in links_of(markdown):
            if slug in derived:
                sample.append({"page": path, "text": text, "concept": slug,
                               "sentence": excerpt_at(clean, len(_unmark(markdown[:offset]))),
                               "wrong": (path, text, slug) in WRONG})
    return sample


def _unmark(markdown: str) -> str:
    return re.sub(f"{_OPEN}[a-z0-9-]+{_MID}", "", markdown).replace(_CLOSE, "")


def independent_base(work: Path) -> Path:
    """The repo's docs plus the six collections another engineer wrote for the search tests (never read
    while the finders were written): a check on fixtures not made to be found."""
    docs = Path(shutil.copytree(REPO / "docs", work / "docs"))
    for folder in sorted(INDEPENDENT.iterdir()):
        shutil.copytree(folder, docs / "questions" / folder.name)
    return docs


def measure_coverage(docs: Path) -> dict:
    pages = pages_of(docs)
    today = Linker.from_pages(pages)
    linker, made = link_site(pages, docs)
    derived = {c.slug for c in made}
    sample = precision_sample(linker, derived)
    outcomes = derive(knowledge_base_questions(docs), load_concepts(docs), load_rejections(docs))
    left_out = [{"title": o.title, "status": o.status} for o in outcomes if o.status not in ("derived", "adopted")]
    wrong = [s for s in sample if s["wrong"]]
    return {
        "collections": {name: {"today": row, "derived": coverage(linker)[name]} for name, row in coverage(today).items()},
        "derived_pages": len(made),
        "derived": [{"slug": c.slug, "title": c.title, "aliases": list(c.aliases),
                     "definition_chars": len(c.definition.text), "definition_from": c.definition.question,
                     "questions_linking": linker.graph.question_count(c.slug)} for c in made],
        "precision_sample": {"links": len(sample), "wrong": len(wrong),
                             "precision": round(1 - len(wrong) / len(sample), 3) if sample else None,
                             "wrong_links": wrong},
        "sample": sample,
        "left_out": left_out,
    }


def measure_build(work: Path, questions: int, rounds: int) -> dict:
    docs = generate(work / "generated", questions, 300)
    imported = knowledge_base(work / "fixtures")
    for collection in sorted(p.name for p in FIXTURES.iterdir()):
        name = Path(collection).stem
        shutil.copytree(imported / "questions" / name, docs / "questions" / name)
    configs = {on: write_config(REPO, docs, work / f"mkdocs-derived-{'on' if on else 'off'}.yml",
                                extra={"derived_concepts": on}) for on in (False, True)}
    wall, cpu = {False: [], True: []}, {False: [], True: []}
    for round_ in range(rounds):
        for on in (False, True):
            seconds, cpu_seconds = timed_build(configs[on], work / "site")
            wall[on].append(round(seconds, 1))
            cpu[on].append(round(cpu_seconds, 1))
            print(f"round {round_ + 1}: derived {'on' if on else 'off'}: {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU",
                  flush=True)
    pairs = [w / wo - 1 for w, wo in zip(cpu[True], cpu[False])]
    return {
        "questions": sum(1 for _ in (docs / "questions").glob("*/q*.md")),
        "generated_questions": questions,
        "rounds": rounds,
        "wall_s_derived_off": wall[False], "wall_s_derived_on": wall[True],
        "cpu_s_derived_off": cpu[False], "cpu_s_derived_on": cpu[True],
        "overhead_cpu_paired_median": round(statistics.median(pairs), 3),
        "overhead_wall_median": round(statistics.median(wall[True]) / statistics.median(wall[False]) - 1, 3),
    }


def coverage_rows(coverage: dict) -> list[str]:
    rows = ["| collection | questions | linking ≥1 concept, today | with derived | links per question, today | with derived |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, row in coverage["collections"].items():
        t, d = row["today"], row["derived"]
        rows.append(f"| {name} | {t['questions']} | {t['share_linking']:.0%} | {d['share_linking']:.0%} "
                    f"| {t['links_per_question']} | {d['links_per_question']} |")
    return rows + ["", f"Derived pages: {coverage['derived_pages']}."]


def table(result: dict) -> str:
    lines = ["# Derived concepts", "", "Written by `scripts/bench_concepts.py`.", "",
             "## Coverage: the seed and the five fixture collections of tests/concepts/fixtures/collections/", "",
             "Written for this issue, in five layouts; their answers name each other's terms, as a knowledge base's "
             "collections on one subject do.", "", *coverage_rows(result["coverage"]), "",
             "## Coverage: the seed and the six collections of tests/search/fixtures/multi/", "",
             "Written by another engineer for the search tests, not read while the finders were written. Each "
             "question is on its own topic and few answers name another's terms, so a term defined in one question "
             "is rarely named in a second, and a derived page needs two.", "",
             *coverage_rows(result["independent"]), "",
             "Candidates left out there: " + "; ".join(
                 f"{o['title']} ({o['status']})" for o in result["independent"]["left_out"]) + ".", ""]
    p, q = result["coverage"]["precision_sample"], result["independent"]["precision_sample"]
    lines += ["## Precision sample", "",
              f"Every link to a derived page, checked by hand: {p['links']} in the first knowledge base, {p['wrong']} "
              f"wrong (precision {p['precision']}); {q['links']} in the second, {q['wrong']} wrong. The wrong ones are "
              "marked (`WRONG` in the script).", "", "| page | linked text | concept | sentence | wrong |",
              "|---|---|---|---|---|"]
    for s in result["coverage"]["sample"] + result["independent"]["sample"]:
        sentence = s["sentence"].replace("|", "\\|")
        lines.append(f"| {s['page']} | {' '.join(s['text'].split())} | {s['concept']} | {sentence} | {'**yes**' if s['wrong'] else ''} |")
    if result.get("build"):
        b = result["build"]
        lines += ["", "## Build time", "",
                  f"{b['generated_questions']} generated questions plus the fixture collections, real "
                  f"`mkdocs build --strict`, {b['rounds']} round(s), derived concepts off then on:", "",
                  f"- wall s, off: {b['wall_s_derived_off']}; on: {b['wall_s_derived_on']}",
                  f"- CPU s, off: {b['cpu_s_derived_off']}; on: {b['cpu_s_derived_on']}",
                  f"- overhead (CPU, paired median): {b['overhead_cpu_paired_median']:.1%}; "
                  f"(wall, medians): {b['overhead_wall_median']:.1%}",
                  "", "The finders read every question; the generated ones define nothing (their filler sentences "
                  "are turned down as chance phrases), so the derived pages are the fixture collections'. On a "
                  "shared machine wall times mean little: the paired CPU times are the measure."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10000, help="generated questions for the build time; 0 skips it")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "concepts.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-concepts-") as tmp:
        work = Path(tmp)
        result = {"coverage": measure_coverage(knowledge_base(work / "coverage")),
                  "independent": measure_coverage(independent_base(work / "independent"))}
        if args.questions:
            result["build"] = measure_build(work / "build", args.questions, args.rounds)
        elif args.out.is_file() and "build" in json.loads(args.out.read_text(encoding="utf-8")):
            result["build"] = json.loads(args.out.read_text(encoding="utf-8"))["build"]  # kept from the last run
    result.update({"load_average_after": [round(x, 1) for x in os.getloadavg()],
                   "python": platform.python_version(), "cpus": os.cpu_count()})
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(table(result), encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
