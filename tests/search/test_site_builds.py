"""`scripts/build_site.py` without a full build: one run at a time, leftovers cleaned, a failure changes nothing."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(site: Path, config: Path, **kwargs):
    return subprocess.Popen([sys.executable, str(REPO / "scripts" / "build_site.py"), "--site", str(site), "-f",
                             str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def served_site(tmp_path: Path) -> Path:
    build = tmp_path / "site.20000101T000000000000Z-1"
    build.mkdir()
    (build / "index.html").write_text("last good build")
    (tmp_path / "site").symlink_to(build.name)
    return tmp_path / "site"


def test_a_second_build_waits_and_says_who_holds_the_site(tmp_path):
    site = served_site(tmp_path)
    with open(tmp_path / ".site.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write("4242\n")
        lock.flush()
        second = run(site, tmp_path / "missing.yml")
        line = []
        reader = threading.Thread(target=lambda: line.append(second.stderr.readline()), daemon=True)
        reader.start()
        reader.join(20)
        assert line and "another build of site/ is running (pid 4242)" in line[0] and second.poll() is None
    second.communicate(timeout=60)  # then it runs (and fails: there is no such configuration)
    assert second.returncode != 0


def test_a_failed_build_changes_nothing_served_and_leftovers_go(tmp_path):
    site = served_site(tmp_path)
    leftover = tmp_path / "site.build-999999"
    (leftover / "assets").mkdir(parents=True)
    (tmp_path / ".site.link-999999").symlink_to("nowhere")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\ndocs_dir: no-such-docs\n")
    failed = run(site, config)
    _, err = failed.communicate(timeout=120)
    assert failed.returncode != 0 and "still serves the last good build" in err
    assert (site / "index.html").read_text() == "last good build"
    assert not leftover.exists() and not (tmp_path / ".site.link-999999").is_symlink()
    assert not list(tmp_path.glob("site.build-*"))


def load_build_site():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_site", REPO / "scripts" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_switching_replaces_a_site_built_in_place_and_prunes_old_builds(tmp_path):
    build_site = load_build_site()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("built in place by an older make build")
    for n in range(1, 5):
        build = tmp_path / f"site.2026010{n}T000000000000Z-1"
        build.mkdir()
        (build / "index.html").write_text(f"build {n}")
        build_site.switch(site, build)
        assert site.is_symlink() and (site / "index.html").read_text() == f"build {n}"
    build_site.prune(site)
    kept = sorted(p.name for p in tmp_path.glob("site.[0-9]*"))
    assert len(kept) == 3 and kept[-1] == "site.20260104T000000000000Z-1"
    assert "legacy" not in " ".join(kept)  # the in-place site was moved aside, then pruned as the oldest
