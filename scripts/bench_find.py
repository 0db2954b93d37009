#!/usr/bin/env python3
"""Time the search page: from a keystroke to its results on screen, median of 20 queries.

Builds the site and the index into a temporary directory, serves both with
scripts/serve.py (gunicorn, as `make serve` does) on a free port of 127.0.0.1,
and drives Debian's headless Chromium through Playwright. For each query the
field holds all but its last character, the last one is typed as a real key,
and the time runs from that keydown to the first frame painted after the page
rendered the answer (the debounce included, as a user waits it too); the time
until the math in the results is typeset is recorded as well. Writes one side
(--label before|after) of benchmarks/find.json, keeping the other, then
benchmarks/find.md with both side by side, and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Typos, acronyms, other names, formulas, phrases and plain words, as students type them.
QUERIES = [
    "inductve bias", "attention QK^T", "softmax", "ELBO", "VAE", "ConvNets", "backpropagation",
    "chain rule", "O(n^2 d)", "\\sqrt{d}", "KL divergence", "Kullback-Leibler", "diffusion model",
    "translation invariance", "overfitting", "receptive field", "weight sharing", "vanishing gradient",
    "hidden layer", "autoencoder latent",
]
WARMUP = ["attention", "bias"]

# Before the last key: note its keydown, then resolve once the answer to `q` is rendered and
# painted (a task after the next animation frame) and once its math is typeset.
ARM = """q => {
  const root = document.querySelector('[data-find]');
  const input = document.querySelector('#find-q');
  input.value = q.slice(0, -1);
  input.focus();
  window.__bench = new Promise(resolve => {
    let start = null;
    document.addEventListener('keydown', e => { start = e.timeStamp; }, {capture: true, once: true});
    root.addEventListener('find:rendered', function done(e) {
      if (e.detail.query !== q) return;
      root.removeEventListener('find:rendered', done);
      requestAnimationFrame(() => setTimeout(() => {
        const painted = performance.now();
        const mathjax = window.MathJax;
        Promise.resolve(mathjax && mathjax.startup && mathjax.startup.promise).then(() =>
          requestAnimationFrame(() => setTimeout(() => resolve({
            kind: e.detail.kind, total: e.detail.total,
            rendered_ms: painted - start, typeset_ms: performance.now() - start,
            formulas: document.querySelectorAll('#find-results mjx-container').length,
          }))));
      }));
    });
  });
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(work: Path, url: str) -> tuple[Path, Path]:
    """The site (its URL naming the server's port) and the index, as `make serve` builds them."""
    site, index = work / "site", work / "index"
    env = {**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                   cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "scripts/build_index.py", "--index", str(index)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return site, index


def serve(site: Path, index: Path, port: int) -> subprocess.Popen:
    """scripts/serve.py on `port`, returned once it says it is ready."""
    server = subprocess.Popen([sys.executable, "scripts/serve.py", "--port", str(port), "--site", str(site),
                               "--index", str(index)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if "Serving" not in line:
        server.terminate()
        raise SystemExit(f"bench_find: the server did not start: {line!r}")
    return server


def measure(url: str, chromium: str) -> tuple[list[dict], str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "find/", wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        runs = []
        for n, query in enumerate(WARMUP + QUERIES):
            page.evaluate(ARM, query)
            with page.expect_response(lambda r: "/search?" in r.url) as response:
                page.keyboard.type(query[-1])
            timing = page.evaluate("window.__bench")
            if timing["kind"] != "results":
                raise SystemExit(f"bench_find: {query!r} got {timing['kind']}, not results")
            if n >= len(WARMUP):
                runs.append({"query": query, **{k: round(v, 1) if isinstance(v, float) else v
                                                for k, v in timing.items() if k != "kind"},
                             "api_took_ms": response.value.json()["took_ms"]})
        version = browser.version
        browser.close()
    return runs, version


def debounce_ms() -> int | None:
    """The search page's debounce, as find.js sets it."""
    found = re.search(r"var DEBOUNCE_MS = (\d+);", (ROOT / "docs" / "javascripts" / "find.js").read_text(encoding="utf-8"))
    return int(found.group(1)) if found else None


def write_table(sides: dict, path: Path) -> None:
    """benchmarks/find.md: before and after, side by side, with each query's figures."""
    labels = [k for k in ("before", "after") if k in sides]
    rows = [("median, keystroke to results on screen", "median_ms"), ("p95", "p95_ms"), ("max", "max_ms"),
            ("median, until the math is typeset", "median_typeset_ms"), ("debounce", "debounce_ms"),
            ("median time the API spent searching", "median_api_took_ms")]
    lines = ["# Search page: keystroke to results", "",
             "Written by `scripts/bench_find.py` (see its docstring for what is timed): the seed, 20 queries, "
             "headless Chromium, site and API from `scripts/serve.py` on 127.0.0.1. "
             "`--label before` was run on the commit before the change, `--label after` on the change.", "",
             "| ms | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    for name, key in rows:
        lines.append(f"| {name} | " + " | ".join(str(sides[k].get(key, "")) for k in labels) + " |")
    lines += ["", "Per query (results on screen / math typeset, ms):", "",
              "| query | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    for i, run in enumerate(sides[labels[-1]]["runs"]):
        cells = []
        for k in labels:
            other = sides[k]["runs"][i] if i < len(sides[k]["runs"]) else None
            cells.append(f"{other['rendered_ms']} / {other['typeset_ms']}" if other else "")
        lines.append(f"| `{run['query']}` | " + " | ".join(cells) + " |")
    lines += ["", "Dates: " + ", ".join(f"{k} {sides[k]['date']}" for k in labels) + ".", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_find.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "find.json", help="results file")
    parser.add_argument("--label", choices=["before", "after"], default="after",
                        help="which side of the comparison this run is (the other side is kept)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        print("bench_find: Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="bench-find-") as tmp:
        site, index = build(Path(tmp), url)
        server = serve(site, index, port)
        try:
            runs, version = measure(url, chromium)
        finally:
            server.terminate()
            server.wait(timeout=10)

    rendered = [r["rendered_ms"] for r in runs]
    typeset = [r["typeset_ms"] for r in runs]
    result = {
        "what": "keystroke to results rendered on /find/ (debounce included), headless Chromium, "
                "site and API served by scripts/serve.py on 127.0.0.1",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "chromium": version},
        "debounce_ms": debounce_ms(),
        "queries": len(runs),
        "median_ms": round(statistics.median(rendered), 1),
        "p90_ms": round(statistics.quantiles(rendered, n=10)[-1], 1),
        "p95_ms": round(statistics.quantiles(rendered, n=20)[-1], 1),
        "max_ms": round(max(rendered), 1),
        "median_typeset_ms": round(statistics.median(typeset), 1),
        "median_api_took_ms": round(statistics.median(r["api_took_ms"] for r in runs), 2),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sides = {}
    if args.out.is_file():
        sides = json.loads(args.out.read_text(encoding="utf-8"))
        sides = {k: sides[k] for k in ("before", "after") if k in sides}
    sides[args.label] = result
    args.out.write_text(json.dumps(sides, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_table(sides, args.out.with_suffix(".md"))
    print(f"search page, keystroke to results rendered: median {result['median_ms']} ms over {len(runs)} queries "
          f"(p95 {result['p95_ms']} ms, max {result['max_ms']} ms; debounce {result['debounce_ms']} ms included); "
          f"with math typeset: median {result['median_typeset_ms']} ms; "
          f"API took median {result['median_api_took_ms']} ms -> {args.out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
