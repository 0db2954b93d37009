"""Helpers for the deployment tests: the README's commands as real processes on 127.0.0.1 (builds, serve.py,
gunicorn, nginx), each stopped when its `with` block ends."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
NGINX = "/usr/sbin/nginx"  # Debian's nginx (.ci/run installs it)


def free_port() -> int:
    """A port free on 127.0.0.1 now (taken before a build, since the site's URL must name it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(**extra: str) -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", **extra}


def build_site(site: Path, site_url: str, search_api: str = "") -> None:
    """`SITE_URL=... KB_SEARCH_API=... scripts/build_site.py --site DIR`, as the README says."""
    result = subprocess.run([sys.executable, "scripts/build_site.py", "--site", str(site), "-q"], cwd=REPO,
                            env=env(SITE_URL=site_url, KB_SEARCH_API=search_api), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def build_index(index: Path) -> None:
    result = subprocess.run([sys.executable, "scripts/build_index.py", "--index", str(index)], cwd=REPO, env=env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """One request that never follows a redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Service:
    """A server process in its own session, ready once `ready_url` answers; killed (with its children) on exit."""

    def __init__(self, command: list[str], ready_url: str, log: Path, extra_env: dict | None = None,
                 timeout: float = 60):
        self.log = log
        self.out = open(log, "w", encoding="utf-8")
        self.process = subprocess.Popen(command, cwd=REPO, env=env(**(extra_env or {})), stdout=self.out,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{command[0]} exited:\n{log.read_text()}")
            try:
                get(ready_url, timeout=2)
                return
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{ready_url} did not answer in {timeout} s:\n{log.read_text()}")
                time.sleep(0.2)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # this process's own group, started above
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.out.close()


def serve(port: int, site: Path | None, index: Path, log: Path, *flags: str, extra_env: dict | None = None,
          ready_path: str = "health") -> Service:
    """scripts/serve.py with one worker on 127.0.0.1:port."""
    command = [sys.executable, "scripts/serve.py", "--port", str(port), "--workers", "1", "--index", str(index),
               *(["--site", str(site)] if site else ["--no-site"]), *flags]
    return Service(command, f"http://127.0.0.1:{port}/{ready_path}", log, extra_env)


def readme_block(language: str, marker: str) -> str:
    """The README's fenced `language` block whose text contains `marker`."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"one ```{language} block with {marker!r} in the README, found {len(found)}"
    return found[0]


def static_host(port: int, folder: Path, log: Path) -> Service:
    """Any static host: Python's own file server over `folder` on 127.0.0.1:port (no API behind it)."""
    return Service([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)],
                   f"http://127.0.0.1:{port}/", log)


def publish(site: Path, www: Path, prefix: str = "kb") -> Path:
    """The build copied under www/<prefix>/ as an upload would (the site link followed), like GitHub Pages' /<repo>/."""
    import shutil

    shutil.copytree(site, www / prefix, symlinks=False)
    return www
