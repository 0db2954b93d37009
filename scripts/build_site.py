#!/usr/bin/env python3
"""Build the site with `mkdocs build --strict` into a fresh directory, then switch site/ to it atomically.

    site -> site.20261130T221500123456Z-4242    a relative symlink, replaced in one rename
    site.20261130T221500123456Z-4242/           the build being served
    site.<older>/                               the two builds before it, for requests still reading them
    site.build-<pid>/                           a build in progress (deleted if it fails)

`mkdocs build` empties its output directory first, so building in place took the
live site down for the whole build, and for good after a failed or killed build.
Here the server (scripts/serve.py follows the symlink on every request) always
answers from the last good build; a failed or killed build changes nothing served,
and the next run deletes what it left. One build at a time: a second run waits.

Exit status: mkdocs's (non-zero when a page fails the strict build).
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEEP_BUILDS = 3  # the current build and two before it
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> None:
    """In the mkdocs child: SIGKILL when this script dies, so a killed build leaves no mkdocs running."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _lock(site: Path):
    """Hold `.site.lock` beside the site for the run (the kernel drops it if we die); wait for another holder."""
    lock = open(site.parent / f".{site.name}.lock", "a+", encoding="ascii")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        print(f"build_site: another build of {site.name}/ is running (pid {lock.read().strip() or '?'}); "
              "waiting for it to finish", file=sys.stderr, flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def _builds(site: Path) -> list[Path]:
    """Finished builds, oldest first (their names sort by time)."""
    return sorted(p for p in site.parent.glob(f"{site.name}.[0-9]*") if p.is_dir() and not p.is_symlink())


def clean_leftovers(site: Path) -> None:
    """Delete what killed builds left: half-built directories and unswapped links (we hold the lock)."""
    for path in site.parent.glob(f"{site.name}.build-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in site.parent.glob(f".{site.name}.link-*"):
        path.unlink(missing_ok=True)


def switch(site: Path, build: Path) -> None:
    """Point `site` at `build` in one atomic rename (a symlink replacing a symlink)."""
    if site.is_dir() and not site.is_symlink():
        # A site/ built in place by an older version: move it aside once, named to sort (and be pruned) first.
        legacy = site.parent / f"{site.name}.00000000T000000000000Z-legacy"
        shutil.rmtree(legacy, ignore_errors=True)
        site.rename(legacy)
    link = site.parent / f".{site.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(build.name)  # relative: the project can move
    os.replace(link, site)


def prune(site: Path, keep: int = KEEP_BUILDS) -> None:
    """Delete all but the newest `keep` builds, never the one being served."""
    current = site.resolve()
    for old in _builds(site)[:-keep]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_site.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=PROJECT_ROOT / "site",
                        help="the link the server serves (default: site)")
    parser.add_argument("-f", "--config-file", type=Path, default=PROJECT_ROOT / "mkdocs.yml",
                        help="MkDocs configuration (default: mkdocs.yml)")
    parser.add_argument("-q", "--quiet", action="store_true", help="MkDocs's log only if the build fails")
    args = parser.parse_args(argv)
    site = args.site.absolute()
    started = time.perf_counter()
    with _lock(site):
        clean_leftovers(site)
        staging = site.parent / f"{site.name}.build-{os.getpid()}"
        # Never MkDocs's own -q: it hides warnings from --strict too, and a page that should fail would pass.
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(args.config_file.absolute()),
                   "-d", str(staging)]
        try:
            result = subprocess.run(command, preexec_fn=_die_with_parent, text=True,
                                    stdout=subprocess.PIPE if args.quiet else None,
                                    stderr=subprocess.STDOUT if args.quiet else None)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        status = result.returncode
        if status != 0 and args.quiet:
            print(result.stdout, end="", file=sys.stderr)
        if status != 0 or not (staging / "index.html").is_file():
            shutil.rmtree(staging, ignore_errors=True)
            print(f"build_site: the build failed; {site.name}/ still serves the last good build",
                  file=sys.stderr)
            return status or 1
        build = staging.rename(site.parent / f"{site.name}.{_stamp()}-{os.getpid()}")
        switch(site, build)
        prune(site)
    print(f"Built the site in {time.perf_counter() - started:.1f} s: {site.name} -> {build.name}, now served")
    return 0


if __name__ == "__main__":
    sys.exit(main())
