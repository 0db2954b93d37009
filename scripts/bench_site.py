#!/usr/bin/env python3
"""Benchmark the site in headless Chromium: page weight, and time until all math is typeset.

  weight    bytes transferred for a question page's HTML + CSS + JS, without MathJax
            and with it (tex-chtml.js and any TeX extension it loads), plus its fonts;
            as served (uncompressed) and gzip-compressed
  typeset   time from navigation start until MathJax has typeset every formula of the
            heaviest page (the one with the most formulas), median of 5 cold loads
            (fresh browser context, empty cache) and of 5 warm loads (cached)
  variant   the same cold typeset with MathJax's adaptive CSS switched back on, the
            setting docs/javascripts/mathjax.js turns off (see there why)

The site is built from the repo's mkdocs.yml into a temporary folder and served over
HTTP on a free port of 127.0.0.1. Results are printed and written to benchmarks/site.json.

With `--scale 1000,10000`, instead: the real `mkdocs build --strict` of generated knowledge
bases (scripts/bench_linking.py's generator, in benchmarks/generated/), by this checkout
and, in the same run, by `--baseline <commit>` (checked out into a temporary git worktree,
removed after): wall time, peak RSS, site size, search index size and a question page's
HTML weight. Written under "scale" in benchmarks/site.json and as a table in
benchmarks/site.md.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.site.config import write_config  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Records when MathJax's startup (which typesets the page) finishes, in ms since navigation start.
TYPESET_PROBE = """(() => {
  const poll = setInterval(() => {
    const startup = window.MathJax && window.MathJax.startup;
    if (startup && startup.promise) {
      clearInterval(poll);
      startup.promise.then(() => { window.__typesetAt = performance.now(); });
    }
  }, 2);
})();"""
CODE_TYPES = {"document", "stylesheet", "script"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build(site: Path, url: str) -> float:
    """Build the site with the real `mkdocs build --strict`; return seconds taken."""
    env = {**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1"}
    started = datetime.now()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                   cwd=REPO, env=env, check=True)
    return (datetime.now() - started).total_seconds()


def heaviest_question(site: Path) -> tuple[str, int]:
    """The question page with the most formulas, as a site path, and that count."""
    counts = {}
    for page in site.glob("questions/*/q*/index.html"):
        counts[page.parent.relative_to(site).as_posix() + "/"] = page.read_text().count('class="arithmatex"')
    path = max(counts, key=counts.get)
    return path, counts[path]


def weigh(browser, url: str) -> dict:
    """Bytes of each kind transferred while loading a page into an empty cache."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(TYPESET_PROBE)
    seen = []
    page.on("requestfinished", lambda r: seen.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_function("window.__typesetAt !== undefined")
    page.wait_for_load_state("networkidle")
    totals = {"code": 0, "code_gzip": 0, "mathjax_code": 0, "mathjax_code_gzip": 0,
              "mathjax_fonts": 0, "other": 0, "requests": len(seen)}
    for request in seen:
        body = request.response().body()
        zipped = len(gzip.compress(body, 6))
        path = urlsplit(request.url).path
        mathjax = "/assets/mathjax/" in path or path.endswith("/javascripts/mathjax.js")
        if request.resource_type in CODE_TYPES:
            totals["mathjax_code" if mathjax else "code"] += len(body)
            totals["mathjax_code_gzip" if mathjax else "code_gzip"] += zipped
        elif mathjax and request.resource_type == "font":
            totals["mathjax_fonts"] += len(body)
        else:
            totals["other"] += len(body)
    context.close()
    return {
        "without_mathjax_bytes": totals["code"],
        "without_mathjax_gzip_bytes": totals["code_gzip"],
        "with_mathjax_bytes": totals["code"] + totals["mathjax_code"],
        "with_mathjax_gzip_bytes": totals["code_gzip"] + totals["mathjax_code_gzip"],
        "mathjax_font_bytes": totals["mathjax_fonts"],
        "other_bytes": totals["other"],
        "requests": totals["requests"],
    }


def _adaptive_css(route) -> None:
    response = route.fetch()
    config = response.text()
    assert "adaptiveCSS: false" in config
    route.fulfill(response=response, body=config.replace("adaptiveCSS: false", "adaptiveCSS: true"))


def typeset_times(browser, url: str, runs: int, warm: bool, adaptive_css: bool = False) -> list[float]:
    """Milliseconds from navigation start until all math is typeset, one per run."""
    times = []
    context = browser.new_context() if warm else None
    for _ in range(runs):
        ctx = context or browser.new_context()
        if adaptive_css:
            ctx.route("**/javascripts/mathjax.js", _adaptive_css)
        page = ctx.new_page()
        page.add_init_script(TYPESET_PROBE)
        if warm:  # fill the cache first
            page.goto(url, wait_until="load")
            page.wait_for_function("window.__typesetAt !== undefined")
        page.goto(url, wait_until="load")
        page.wait_for_function("window.__typesetAt !== undefined")
        times.append(round(page.evaluate("window.__typesetAt"), 1))
        formulas = page.evaluate("document.querySelectorAll('.arithmatex mjx-container').length")
        assert formulas == page.evaluate("document.querySelectorAll('.arithmatex').length"), "math left untypeset"
        page.close()
        if context is None:
            ctx.close()
    if context is not None:
        context.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="loads per timing (default 5)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "site.json")
    parser.add_argument("--scale", help="question counts to build, e.g. 1000,10000 (the scale benchmark)")
    parser.add_argument("--baseline", help="commit to build the same corpora with, for comparison")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a scale build is stopped")
    parser.add_argument("--rounds", type=int, default=1, help="scale builds of each kind, interleaved (default 1)")
    args = parser.parse_args(argv)
    if args.scale:
        counts = [int(n.replace("_", "")) for n in args.scale.split(",")]
        run_scale(REPO, counts, args.baseline, args.out, args.timeout, argv if argv is not None else sys.argv[1:],
                  args.rounds)
        return 0

    chromium = shutil.which("chromium")
    if chromium is None:
        parser.error("Debian's chromium is needed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            build_seconds = build(site, base)
            path, formulas = heaviest_question(site)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                weight = weigh(browser, base + path)
                cold = typeset_times(browser, base + path, args.runs, warm=False)
                warm = typeset_times(browser, base + path, args.runs, warm=True)
                adaptive = typeset_times(browser, base + path, args.runs, warm=False, adaptive_css=True)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()

    result = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "chromium": subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()},
        "build_seconds": round(build_seconds, 2),
        "page": "/" + path,
        "formulas": formulas,
        "weight": weight,
        "typeset_ms": {
            "cold_median": statistics.median(cold), "cold_runs": cold,
            "warm_median": statistics.median(warm), "warm_runs": warm,
            "cold_adaptive_css_median": statistics.median(adaptive), "cold_adaptive_css_runs": adaptive,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    if "scale" in previous:  # the scale benchmark's figures stay
        result["scale"] = previous["scale"]
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    kib = lambda n: f"{n / 1024:,.0f} KiB"  # noqa: E731
    print(f"site built in {build_seconds:.2f} s; heaviest question {result['page']} ({formulas} formulas)")
    print(f"weight without MathJax: {kib(weight['without_mathjax_bytes'])} "
          f"({kib(weight['without_mathjax_gzip_bytes'])} gzipped)")
    print(f"weight with MathJax:    {kib(weight['with_mathjax_bytes'])} "
          f"({kib(weight['with_mathjax_gzip_bytes'])} gzipped), plus {kib(weight['mathjax_font_bytes'])} of fonts")
    print(f"math typeset after {result['typeset_ms']['cold_median']:.0f} ms cold, "
          f"{result['typeset_ms']['warm_median']:.0f} ms warm (median of {args.runs}); "
          f"with adaptive CSS {result['typeset_ms']['cold_adaptive_css_median']:.0f} ms cold")
    print(f"written to {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
    return 0


# ---- the scale benchmark: builds of generated knowledge bases, this checkout beside a baseline ----

QUESTION_PAGE = "questions/bench-01/q1/index.html"  # the same page at every size


def _measured_build(root: Path, config: Path, site: Path, timeout: float) -> dict:
    """One real build run from `root` (so its own kb package is imported): wall s, peak RSS, sizes."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(root)}
    started = datetime.now()
    with open(site.parent / "build.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config),
                                    "-d", str(site)], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak RSS, not the largest so far
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = (datetime.now() - started).total_seconds()
    if process.returncode:
        tail = (site.parent / "build.log").read_text(encoding="utf-8")[-2000:]
        return {"failed": f"exit {process.returncode} after {seconds:.0f} s", "log_tail": tail}
    page = (site / QUESTION_PAGE).read_bytes()
    index = site / "search" / "search_index.json"
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),  # what other work on the machine disturbs least
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "site_mb": round(sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6, 1),
        "search_index_mb": round(index.stat().st_size / 1e6, 2),
        "search_index_gzip_mb": round(len(gzip.compress(index.read_bytes(), 6)) / 1e6, 2),
        "question_page_kb": round(len(page) / 1024, 1),
        "question_page_gzip_kb": round(len(gzip.compress(page, 6)) / 1024, 1),
    }


def run_scale(repo: Path, counts: list[int], baseline: str | None, out: Path, timeout: float, argv: list[str],
              rounds: int = 1) -> None:
    sys.path.insert(0, str(repo / "scripts"))
    import bench_linking  # the generator: three parts per question, 300 concepts, 100 questions a collection

    work = repo / "benchmarks" / "generated"
    roots = {"now": repo}
    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        if baseline:
            roots["baseline"] = tmp / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(roots["baseline"]), baseline], cwd=repo,
                           check=True, capture_output=True)
        rows = []
        for count in counts:
            docs = bench_linking.generate(work / f"site-{count}", count, 300)
            row: dict = {"questions": count}
            for round_ in range(rounds):  # interleaved, so both see the same load
                for name in ("baseline", "now") if baseline else ("now",):
                    site = tmp / f"{name}-out" / "site"
                    site.parent.mkdir(parents=True, exist_ok=True)
                    config = write_config(roots[name], docs, site.parent / "mkdocs.yml")
                    result = _measured_build(roots[name], config, site, timeout)
                    shutil.rmtree(site, ignore_errors=True)
                    print(f"{count:>6} questions, {name}, round {round_ + 1}: {result}", flush=True)
                    row.setdefault(f"{name}_rounds", []).append(result)
            for name in ("baseline", "now"):
                results = row.get(f"{name}_rounds", [])
                if results and all("failed" not in r for r in results):
                    # The round with the median CPU time stands for the build; every round is kept.
                    row[name] = sorted(results, key=lambda r: r["cpu_seconds"])[len(results) // 2]
                elif results:
                    row[name] = results[-1]
                if len(results) == 1:
                    del row[f"{name}_rounds"]
            rows.append(row)
    finally:
        if baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(roots["baseline"])], cwd=repo,
                           capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    command = "python scripts/bench_site.py " + " ".join(argv)
    previous = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    previous["scale"] = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command, "baseline": baseline,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "rows": rows,
    }
    out.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    (out.with_suffix(".md")).write_text(scale_table(previous["scale"]), encoding="utf-8")


def scale_table(scale: dict) -> str:
    """benchmarks/site.md: the scale figures as a table, baseline beside now."""
    def cell(result: dict | None, key: str) -> str:
        if not result:
            return "–"
        return "failed" if "failed" in result else f"{result.get(key, '–'):,}" if key in result else "–"

    keys = [("seconds", "build s"), ("cpu_seconds", "CPU s"), ("peak_rss_mb", "peak RSS MB"), ("site_mb", "site MB"),
            ("search_index_mb", "search index MB"), ("search_index_gzip_mb", "index gz MB"),
            ("question_page_kb", "question page KB"), ("question_page_gzip_kb", "page gz KB")]
    lines = ["# Site build at scale", "",
             f"Measured {scale['measured_at']} on {scale['machine']['cpus']} cores (shared with other work; read "
             f"the ratios), Python {scale['machine']['python']}: the real `mkdocs build --strict` of generated "
             "knowledge bases (three parts per question, 300 concepts, 100 questions per collection), "
             f"baseline `{scale['baseline']}` and this checkout in the same run, one after the other.", "",
             f"Command: `{scale['command']}`", "",
             "| questions | build | " + " | ".join(label for _, label in keys) + " |",
             "|---|---|" + "---|" * len(keys)]
    for row in scale["rows"]:
        for name in ("baseline", "now"):
            if name in row:
                lines.append(f"| {row['questions']:,} | {name} | "
                             + " | ".join(cell(row.get(name), key) for key, _ in keys) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
