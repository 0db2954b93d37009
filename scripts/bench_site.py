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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
