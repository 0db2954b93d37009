"""The preview's pure parts (kb/preview/): problems read from a step's output, and pages with the reload script
and the problems banner, escaped."""

from __future__ import annotations

from pathlib import Path

from kb.preview.builder import Project, State, _watched
from kb.preview.problems import Problem, parse
from kb.preview.web import BANNER_ID, Preview, inject

MKDOCS_FAILURE = """INFO    -  Building documentation to directory: /tmp/x/site.build-1
INFO    -  docs/concepts/t.md:2: concept 'T' is not mentioned by any question page
WARNING -  docs/questions/c/q7.md:22: wikilink [[KL divergenc]] names no concept (no concept page has this title)
WARNING -  Doc file 'questions/c/q1.md' contains a link 'nowhere.md', but the target is not found among documentation files.

Aborted with 2 warnings in strict mode!
build_site: the build failed; site/ still serves the last good build
"""


def test_strict_warnings_become_problems_with_file_and_line():
    assert parse("site", MKDOCS_FAILURE) == [
        Problem("site", "wikilink [[KL divergenc]] names no concept (no concept page has this title)",
                "docs/questions/c/q7.md", 22),
        Problem("site", "Doc file 'questions/c/q1.md' contains a link 'nowhere.md', but the target is not found "
                        "among documentation files.", "questions/c/q1.md", 0),
    ]


def test_importer_errors_and_unknown_output_are_problems_too():
    assert parse("import", "error: sources/x.txt:3: repeated question number 2\nnothing was written\n") == [
        Problem("import", "repeated question number 2", "sources/x.txt", 3)]
    assert parse("index", "Traceback...\nbuild_index: docs/q.md: key 'title': is missing\n") == [
        Problem("index", "build_index: docs/q.md: key 'title': is missing")]
    assert parse("site", "") == [Problem("site", "the site step failed without a message")]


def _state(problems=()):
    return {"generation": 4, "building": False, "built": True, "timings": {},
            "problems": [p.as_json() for p in problems]}


def test_pages_get_the_reload_script_and_after_a_failure_the_banner_as_text():
    page = b"<html><body><p>answer</p></body></html>"
    ok = inject(page, _state())
    assert b"kb-dev-reload" in ok and b"var seen = 4;" in ok and BANNER_ID.encode() not in ok
    assert ok.endswith(b"</body></html>")
    bad = inject(page, _state([Problem("site", "<script>alert(1)</script> is wrong", "docs/q<1>.md", 3)])).decode()
    assert f'id="{BANNER_ID}"' in bad and "docs/q&lt;1&gt;.md:3" in bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is wrong" in bad and "<script>alert" not in bad


def _call(app, path="/", headers=None):
    seen = {}
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", **(headers or {})}
    body = b"".join(app(environ, lambda status, hdrs, exc=None: seen.update(status=status, headers=dict(hdrs))))
    return seen["status"], seen["headers"], body, environ


def test_the_wrapper_injects_html_only_and_never_answers_304():
    def site(environ, start_response):
        kind = "text/html; charset=utf-8" if environ["PATH_INFO"].endswith("/") else "application/json"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", "99"), ("ETag", '"x"')])
        return [b"<body>x</body>"]

    state = State(built=True)
    status, headers, body, environ = _call(Preview(site, state), "/q/", {"HTTP_IF_NONE_MATCH": '"x"'})
    assert status == "200 OK" and b"kb-dev-reload" in body and "HTTP_IF_NONE_MATCH" not in environ
    assert headers["Content-Length"] == str(len(body)) and "ETag" not in headers
    assert headers["Cache-Control"] == "no-store"
    assert _call(Preview(site, state), "/search")[2] == b"<body>x</body>"


def test_before_a_first_good_build_every_page_lists_the_problems():
    state = State(generation=1, problems=[Problem("site", "bad", "docs/q.md", 2)])
    status, headers, body, _ = _call(Preview(None, state), "/anything/")
    assert status.startswith("503") and b"docs/q.md:2" in body and b"kb-dev-reload" in body
    status, headers, body, _ = _call(Preview(None, state), "/__dev/status")
    assert status == "200 OK" and b'"generation": 1' in body


def test_only_saves_in_docs_sources_and_the_config_count(tmp_path):
    project = Project(tmp_path, tmp_path / "mkdocs.yml", tmp_path / "docs", tmp_path / "sources", tmp_path / "build",
                      "http://127.0.0.1:1/", tmp_path / "overrides")
    assert _watched(project, tmp_path / "docs" / "q.md") and _watched(project, tmp_path / "sources" / "s.txt")
    assert _watched(project, tmp_path / "overrides" / "main.html")
    assert _watched(project, tmp_path / "mkdocs.yml")
    for path in ("README.md", "docs/.q.md.swp", "docs/q.md~", ".import.lock", "build/site/index.html"):
        assert not _watched(project, tmp_path / Path(path)), path


def test_a_front_matter_yaml_error_is_one_problem_with_its_line_and_whole_message(tmp_path):
    """`make dev` showed "...q3.md: front matter is not valid YAML (while parsing a flow sequence": PyYAML's message
    spans lines, counts from the front matter and the preview kept its first line (issue 19)."""
    from kb.pages import PageError, split_front_matter

    try:
        split_front_matter("---\nid: c/q3\ntitle: A\ntags: [a, b c: d\nparts: []\n---\nbody\n", "docs/questions/c/q3.md")
    except PageError as exc:
        message = str(exc)
    assert "\n" not in message
    [problem] = parse("site", f"ERROR   -  {message}\nAborted with a BuildError!\n")
    assert (problem.file, problem.line) == ("docs/questions/c/q3.md", 5)
    assert problem.message.startswith("front matter is not valid YAML: column ")
    assert "(while parsing a flow sequence)" in problem.message
