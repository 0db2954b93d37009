"""Recipes: `make serve HOST=... PORT=...` for a LAN, `make build` with the user's SITE_URL, and the README's
gunicorn command line for process managers (run for real, on 127.0.0.1 only)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

from deploykit import REPO, Service, build_site, free_port, get, readme_block, serve


def make_dry_run(*args: str, **variables: str) -> str:
    """The commands `make -n` would run (nothing runs), with `variables` in make's environment."""
    result = subprocess.run(["make", "-n", *args], cwd=REPO, capture_output=True, text=True, timeout=60,
                            env={**{k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")},
                                 **variables})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_serve_takes_a_host_and_a_port_and_defaults_to_loopback():
    assert "scripts/serve.py --host 0.0.0.0 --port 8080" in make_dry_run("serve", "HOST=0.0.0.0", "PORT=8080")
    assert "scripts/serve.py --host 127.0.0.1 --port 8000" in make_dry_run("serve")


def test_make_build_keeps_the_users_site_url_and_defaults_to_the_local_port():
    assert "SITE_URL='https://kb.example.org/kb/' " in make_dry_run("build", SITE_URL="https://kb.example.org/kb/")
    assert "SITE_URL='https://kb.example.org/' " in make_dry_run("build", "SITE_URL=https://kb.example.org/")
    assert "SITE_URL='http://127.0.0.1:8123/' " in make_dry_run("build", "PORT=8123")


def test_serve_py_binds_the_host_it_is_given(tmp_path, index):
    port = free_port()
    with serve(port, None, index, tmp_path / "serve.log", "--host", "127.0.0.1"):
        assert get(f"http://127.0.0.1:{port}/health")[0] == 200
    assert f"http://127.0.0.1:{port}/" in (tmp_path / "serve.log").read_text()


def test_the_readme_gunicorn_line_serves_the_site_and_the_api(tmp_path, index):
    line = readme_block("sh", "gunicorn").strip()
    port = free_port()
    words = shlex.split(line.replace("127.0.0.1:8000", f"127.0.0.1:{port}"))
    leading = next(i for i, w in enumerate(words) if not re.fullmatch(r"[A-Z_]+=.*", w))
    variables, command = dict(w.split("=", 1) for w in words[:leading]), words[leading:]
    assert command[0] == ".venv/bin/gunicorn" and variables == {"KB_SITE_DIR": "site", "KB_INDEX_DIR": ".index"}
    build_site(tmp_path / "site", site_url=f"http://127.0.0.1:{port}/")
    # The same line, with the test's folders for site/ and .index/ and this interpreter's gunicorn.
    command = [sys.executable, "-m", "gunicorn", *command[1:]]
    with Service(command, f"http://127.0.0.1:{port}/health", tmp_path / "gunicorn.log",
                 {"KB_SITE_DIR": str(tmp_path / "site"), "KB_INDEX_DIR": str(index)}):
        status, _, body = get(f"http://127.0.0.1:{port}/search?q=attention")
        assert status == 200 and json.loads(body)["results"]
        assert get(f"http://127.0.0.1:{port}/questions/deep-learning-exam-answers/q7/")[0] == 200
        assert get(f"http://127.0.0.1:{port}/concepts")[0] == 301


