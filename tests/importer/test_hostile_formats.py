"""Hostile documents in every format the importer converts, imported, built and opened in Chromium: nothing runs.

The fixtures (fixtures/hostile-formats/, the binary ones made by its make_hostile.py) carry script
through each path from a source to a page: an HTML page (`<script>`, `<img onerror>`, `javascript:`
links, `<iframe srcdoc>`, `<svg onload>`, `<style>`, event attributes, a `<details>` whose summary
breaks out of its quotes), a LaTeX sheet (`\\href{javascript:...}`, `\\url{javascript:...}`,
`\\input{/etc/passwd}`), a Markdown sheet whose `<details>` summary holds `"`, `\\` and `<img onerror>`
and whose fold body holds script, beside an SVG drawing that carries script, a notebook (script in
a markdown cell, `text/html` outputs with script, an SVG attachment), a Word file (a hyperlink to
`javascript:`, `<script>` as its words, an embedded SVG) and an answer sheet whose meta file names an
exam paper with script in its statements.

They go through the real CLI in one run, the real `mkdocs build --strict`, a static server on
127.0.0.1, and Debian's Chromium at 1280 and 390 px: no dialog fires, no element in the live DOM has
an `on*` attribute or a `javascript:`/`data:` URL, there is no `<iframe>` and no `<script>` that is
not the theme's or the site's, and the markup the importer kept is there to read, as text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb.site import markup_check

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "site"))  # sitekit: the strict build, the server, the browser fixture
from sitekit import (MATH_DONE, SCRIPT_BEARING, StaticServer, Watcher, build_site, chromium,  # noqa: E402,F401
                     copy_docs)  # (chromium: a fixture)

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).parent / "fixtures" / "hostile-formats"
SOURCES = ["hostile-page.html", "hostile-latex.tex", "hostile-fold.md", "hostile-notebook.ipynb",
           "hostile-word.docx", "hostile-answers.md"]  # hostile-paper.md is read with hostile-answers.md
# Every page the import writes: the collection page and each question page.
PAGES = ["hostile-page/", "hostile-page/q1/", "hostile-page/q2/",
         "hostile-latex/", "hostile-latex/q1/", "hostile-latex/q2/",
         "hostile-fold/", "hostile-fold/q1/", "hostile-fold/q2/", "hostile-fold/q3/",
         "hostile-notebook/", "hostile-notebook/q1/", "hostile-notebook/q2/", "hostile-notebook/q3/",
         "hostile-word/", "hostile-word/q1/", "hostile-word/q2/",
         "hostile-answers/", "hostile-answers/q1/", "hostile-answers/q2/"]
# What each page must show as text: the markup the importer keeps, and the words around what it drops.
SHOWN = {
    "hostile-page/q1/": ["Before the script", "after the script.", "javascript link words", "mixed case link",
                         "Paragraph with event attributes",
                         "Written as text: <script>alert('escaped-text')</script> stays visible."],
    "hostile-page/q2/": ["\"><script>alert('summary-text')</script>", "Fold body with its answer.", "Second fold body."],
    "hostile-latex/q1/": ["href words", "a safe link", "Links with script"],
    "hostile-latex/q2/": ["<script>alert(", "tex-text", "stays text."],
    "hostile-fold/q1/": ["Say \"hi\" \\ then <img src=x onerror=alert('summary-img')> bye",
                         "The fold's body writes <script>alert('fold-script')</script> as its answer."],
    "hostile-fold/q2/": ["alert('summary-breakout')", "Second fold body <img src=x onerror=\"alert('fold-img')\">."],
    "hostile-fold/q3/": ["javascript link", "<a href=\"javascript:alert('md-raw-link')\">a raw link</a>", "the drawing"],
    "hostile-notebook/q1/": ["Cell text", "after the script.", "notebook link", "print('<script>alert(\"nb-code\")</script>')"],
    "hostile-notebook/q2/": ["Show the notebook answer", "The notebook fold's answer"],
    "hostile-notebook/q3/": ["the attached drawing"],
    "hostile-word/q1/": ["a javascript hyperlink", "a safe one", "<script>alert('docx-text')</script>",
                         "<img src=x onerror=alert('docx-img')>"],
    "hostile-word/q2/": ["a drawing", "Part one answer"],
    "hostile-answers/": ["Exam paper <script>alert('paper-h1')</script>",
                         "Instructions: <img src=x onerror=alert('paper-instructions')> answer every question."],
    "hostile-answers/q1/": ["The statement of question one <script>alert('paper-statement')</script> asks about cost.",
                            "What does <b onclick=\"alert('paper-part')\">part a</b> cost?", "the answer of part a",
                            "alert('paper-title')"],
    "hostile-answers/q2/": ["Why does <img src=x onerror=alert('paper-q2')> dropout help?", "the answer to question two"],
}
# What no page may show: the machine's files, which `\input{/etc/passwd}` and its kind ask for.
NEVER_SHOWN = ["root:x:0:0", "/usr/sbin/nologin", "daemon:x:"]
# The folds the sources write as `<details>`, and a sentence of each one's body.
FOLDS = {
    "hostile-fold/q1/": "The fold's body writes",
    "hostile-fold/q2/": "Second fold body",
    "hostile-page/q2/": "Fold body with its answer.",
    "hostile-notebook/q2/": "The notebook fold's answer",
}
WIDTHS = [1280, 390]
SCRIPTS = "() => [...document.scripts].map(s => ({src: s.src, type: s.type, text: s.textContent}))"
THEME_SCRIPTS = markup_check.theme_scripts(
    [ROOT / "overrides", Path(__import__("material").__file__).parent / "templates"])


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The repo's docs plus the hostile sources imported by one CLI run, built strictly, served on 127.0.0.1."""
    work = tmp_path_factory.mktemp("hostile-formats")
    docs = copy_docs(work / "docs", with_fixture_collection=False)
    shutil.copytree(HOSTILE, work / "sources")
    imported = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_documents.py"), "--docs", str(docs),
         *[f"sources/{name}" for name in SOURCES]],
        cwd=work, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in imported.stderr, imported.stderr
    assert imported.returncode == 0, imported.stderr
    site = work / "site"
    with StaticServer(site) as server:
        built = build_site(site, docs, site_url=server.url)
        warnings = [line for line in (built.stdout + built.stderr).splitlines() if line.startswith(("WARNING", "ERROR"))]
        assert built.returncode == 0 and warnings == [], f"mkdocs build --strict failed:\n{built.stderr[-4000:]}"
        server.docs = docs
        yield server


@pytest.fixture
def reader(chromium):
    """reader(width) -> (page, watcher, dialogs) in a fresh context; every dialog is recorded and dismissed."""
    contexts = []

    def open_reader(width: int):
        context = chromium.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
        contexts.append(context)
        watcher = Watcher(context)
        page = context.new_page()
        dialogs: list[str] = []

        def on_dialog(dialog):
            dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page, watcher, dialogs

    yield open_reader
    for context in contexts:
        context.close()


def open_settled(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(MATH_DONE)
    page.wait_for_load_state("networkidle")


def provoke(page) -> None:
    """Do what a reader does: hover the answer's blocks, open its folds, click its formulas (no link is followed)."""
    for target in page.locator("article :is(p, li, h1, h2, h3, summary, img, b, blockquote)").all()[:40]:
        if target.is_visible():
            target.hover(force=True, timeout=3000)
    for summary in page.locator("article summary").all():
        if summary.is_visible():
            summary.click(timeout=3000)
    for formula in page.locator("article mjx-container").all():
        if formula.is_visible():
            formula.click(no_wait_after=True)
    page.wait_for_timeout(200)


def foreign_scripts(page, site_url: str) -> list[str]:
    """Every <script> in the live DOM that is neither the theme's inline script nor a file of the site's own."""
    found = []
    for script in page.evaluate(SCRIPTS):
        src, kind, text = script["src"], script["type"], script["text"].strip()
        if "alert(" in text or "alert(" in src:
            found.append(f"a script from the document: {(src or text)[:120]!r}")
        elif src:
            path = urlsplit(src).path.lstrip("/")
            if not src.startswith(site_url) or not path.startswith(markup_check.SCRIPT_FOLDERS):
                found.append(f"a script from elsewhere: {src}")
        elif kind in ("", "text/javascript", "module") and not any(p.fullmatch(text) for p in THEME_SCRIPTS):
            found.append(f"an inline script that is not the theme's: {text[:120]!r}")
    return found


def test_the_import_writes_every_page(hostile_site):
    written = sorted(p.relative_to(hostile_site.docs / "questions").as_posix()
                     for name in SOURCES for p in (hostile_site.docs / "questions" / Path(name).stem).glob("*.md"))
    expected = sorted(p + "index.md" if p.endswith("/") and p.count("/") == 1 else p.rstrip("/") + ".md" for p in PAGES)
    assert written == expected


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_the_page_runs_nothing_and_shows_the_markup_as_text(hostile_site, reader, path, width):
    page, watcher, dialogs = reader(width)
    where = f"/questions/{path} at {width} px"
    open_settled(page, hostile_site.url + "questions/" + path)
    provoke(page)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    body = page.inner_text("body")  # the text as rendered: what a reader sees, folds opened
    for text in SHOWN.get(path, []):
        assert text in body, f"{where}: not shown as text: {text!r}"
    for text in NEVER_SHOWN:
        assert text not in body, f"{where}: shows a file of the machine ({text!r})"
    assert dialogs == [], f"{where}: a dialog fired: {dialogs}"
    assert page.evaluate(SCRIPT_BEARING) == [], where
    assert foreign_scripts(page, hostile_site.url) == [], where
    assert watcher.take() == [], where


@pytest.mark.parametrize("path", sorted(FOLDS))
def test_the_fold_opens_by_click_and_shows_its_body(hostile_site, reader, path):
    page, watcher, dialogs = reader(1280)
    open_settled(page, hostile_site.url + "questions/" + path)
    fold = page.locator("article details").first
    assert page.locator("article details").count() >= 1, f"/questions/{path}: the source's <details> is no fold"
    body = fold.get_by_text(FOLDS[path], exact=False).first
    assert fold.get_attribute("open") is None, "a fold written closed starts closed"
    assert not body.is_visible()
    fold.locator("summary").first.click()
    page.wait_for_function("el => el.open", arg=fold.element_handle())
    body.wait_for(state="visible", timeout=5000)
    assert dialogs == [], dialogs
    assert page.evaluate(SCRIPT_BEARING) == []
    assert watcher.take() == []


def test_no_file_the_import_copied_runs_script_when_opened(hostile_site, reader):
    """Images copied beside the pages are served from the site's own origin: opened directly, none may run script."""
    copied = sorted(p for name in SOURCES for p in (hostile_site.docs / "questions" / Path(name).stem).rglob("*")
                    if p.is_file() and p.suffix != ".md")
    assert not [p for p in copied if p.suffix.lower() in (".svg", ".svgz", ".html", ".htm", ".xml", ".xhtml")], copied
    page, _, dialogs = reader(1280)
    for file in copied:
        page.goto(hostile_site.url + file.relative_to(hostile_site.docs).as_posix(), wait_until="load")
        page.wait_for_timeout(100)
    assert dialogs == [], dialogs
    # What the sources tried to have copied is refused and said on the page, never dropped in silence.
    for path in ("hostile-fold/q3/", "hostile-notebook/q3/", "hostile-word/q2/"):
        page.goto(hostile_site.url + "questions/" + path, wait_until="load")
        assert re.search(r"image \S+\.svg\b", page.inner_text("article")), f"{path}: the refused drawing is not named"
