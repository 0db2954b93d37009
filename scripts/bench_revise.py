#!/usr/bin/env python3
"""Benchmark revising at scale: what the cards, the practice data and the Anki decks cost a site build.

On a generated knowledge base (scripts/bench_linking.py's generator: 100 questions per collection,
three parts each, prose with math), by default 1,000 questions:

  build     the real `mkdocs build --strict`, with kb/revise/hooks.py and without it (wall and CPU
            seconds, best of --repeat, the two kinds alternating), and the difference; on a busy machine
            the difference drowns in noise, so also:
  hook      the work the hooks add to a build, timed in this process on the same pages: cutting every
            page's HTML into cards, the practice JSON, and every collection's deck
  data      sizes of the practice page's JSON: the index, and a collection's file (raw and gzip),
            which is what a practice session downloads
  decks     size of a collection's .apkg, and `scripts/export_anki.py` for every collection (wall s)

Results are printed and written to benchmarks/revise.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_linking import generate, timed_build  # noqa: E402
from kb.pages import read_question  # noqa: E402
from kb.revise.anki import DeckSpec, deck_bytes  # noqa: E402
from kb.revise.cards import cut_cards  # noqa: E402
from kb.revise.export import docs_file_finder  # noqa: E402
from kb.revise.practice import practice_files  # noqa: E402
from kb.revise.render import Renderer  # noqa: E402
from kb.site.config import config_for  # noqa: E402
from kb.slugs import page_url  # noqa: E402

import yaml  # noqa: E402

REVISE_HOOK = "kb/revise/hooks.py"


def config(docs: Path, with_revise: bool) -> Path:
    data = config_for(REPO, docs)
    if not with_revise:
        data["hooks"] = [h for h in data["hooks"] if not h.endswith(REVISE_HOOK)]
    out = docs.parent / f"mkdocs-{'with' if with_revise else 'without'}-revise.yml"
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def hook_work(docs: Path) -> dict:
    """Seconds of what kb/revise/hooks.py adds to a build, on pages rendered beforehand (as the build has them)."""
    renderer = Renderer(REPO)
    pages = []
    for path in sorted((docs / "questions").glob("*/q*.md")):
        src = path.relative_to(docs).as_posix()
        question = read_question(path)
        pages.append((renderer.content(question.body), question, page_url(src)))
    started = time.perf_counter()
    cards = [card for content, question, url in pages for card in cut_cards(content, question, url)]
    cut = time.perf_counter()
    titles = {c.collection: c.collection for c in cards}
    practice_files(cards, titles, {})
    data = time.perf_counter()
    find = docs_file_finder(docs)
    for slug in titles:
        deck_bytes(DeckSpec(f"collection:{slug}", slug), [c for c in cards if c.collection == slug], find)
    decks = time.perf_counter()
    return {"cut_s": round(cut - started, 2), "practice_json_s": round(data - cut, 2),
            "decks_s": round(decks - data, 2), "total_s": round(decks - started, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2, help="builds of each kind; the best is kept")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "revise.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb-bench-revise-") as work:
        root = Path(work)
        docs = generate(root, args.questions, max(50, args.questions // 20))
        runs = {False: [], True: []}
        for _ in range(args.repeat):
            for with_revise in (False, True):
                runs[with_revise].append(timed_build(config(docs, with_revise), root / f"site-{with_revise}"))
        builds = {("with" if k else "without"): {"wall_s": round(min(r[0] for r in v), 2),
                                                 "cpu_s": round(min(r[1] for r in v), 2)} for k, v in runs.items()}
        hook = hook_work(docs)
        site = root / "site-True"
        index = (site / "practice" / "data" / "index.json").read_bytes()
        one = (site / "practice" / "data" / "bench-01.json").read_bytes()
        cards = len(json.loads(one)["cards"])
        deck = (site / "anki" / "bench-01.apkg").stat().st_size
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(REPO / "scripts" / "export_anki.py"), "--docs", str(docs),
                               "--out", str(root / "decks")], capture_output=True, text=True)
        export_s = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(done.stderr)
    result = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "questions": args.questions,
        "cards": args.questions * 3,
        "build": {**builds, "revise_cpu_s": round(builds["with"]["cpu_s"] - builds["without"]["cpu_s"], 2)},
        "hook": hook,
        "data": {"index_bytes": len(index), "index_gzip_bytes": len(gzip.compress(index)),
                 "collection_cards": cards, "collection_bytes": len(one),
                 "collection_gzip_bytes": len(gzip.compress(one))},
        "decks": {"collection_apkg_bytes": deck, "export_all_wall_s": round(export_s, 2),
                  "collections": (args.questions + 99) // 100},
        "command": f"python scripts/bench_revise.py --questions {args.questions} --repeat {args.repeat}",
    }
    print(json.dumps(result, indent=2))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
