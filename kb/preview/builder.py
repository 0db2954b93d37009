"""One preview rebuild, and the watcher that runs one after each burst of saves.

A rebuild runs the project's own commands, each in a subprocess with a time limit, so
nothing can hang the server (`mkdocs serve --strict` stops answering when a strict
build fails): `import_documents.py` when a source changed, `build_site.py` (a strict
build aside, then an atomic switch: a failed build leaves the last good one served)
and `build_index.py` (incremental: only the changed pages' records). The outcome is
`State`, which the web layer shows: a generation number that moves on every rebuild
(the browser reloads when it moves) and the problems of the last one.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.ingest.convert import EXTENSIONS
from kb.preview.problems import Problem, parse

STEP_TIMEOUT = 300  # seconds; a step that takes longer is a problem, never a hang
QUIET = 0.25  # seconds without a save before rebuilding: an editor's save is often several events


@dataclass(frozen=True)
class Project:
    root: Path  # where scripts/ is
    config: Path  # mkdocs.yml
    docs: Path
    sources: Path
    work: Path  # the preview's own builds: work/site -> site.<build>, work/index
    site_url: str
    theme: Path | None = None  # the theme's custom_dir (overrides/): its templates are part of every page

    @property
    def site(self) -> Path:
        return self.work / "site"

    @property
    def index(self) -> Path:
        return self.work / "index"

    def source_files(self) -> list[Path]:
        return sorted(p for p in self.sources.glob("*") if p.suffix.lower() in EXTENSIONS and p.is_file())


@dataclass
class State:
    generation: int = 0  # finished rebuilds, failed ones included
    problems: list[Problem] = field(default_factory=list)  # of the last rebuild; empty when it succeeded
    built: bool = False  # a good site exists (the first rebuild may fail)
    building: bool = False
    timings: dict = field(default_factory=dict)  # step -> seconds, of the last rebuild
    finished_at: float = 0.0  # time.time() when the last rebuild finished
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_json(self) -> dict:
        with self.lock:
            return {"generation": self.generation, "building": self.building, "built": self.built,
                    "problems": [p.as_json() for p in self.problems], "timings": dict(self.timings),
                    "finished_at": self.finished_at}


def _die_with_parent() -> None:
    """In a step's process: SIGKILL when the preview dies, so stopping it stops its build too (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _run(step: str, command: list[str], project: Project, env: dict | None = None) -> tuple[float, list[Problem]]:
    started = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, timeout=STEP_TIMEOUT,
                                env=env, preexec_fn=_die_with_parent)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, [Problem(step, f"took longer than {STEP_TIMEOUT} s; stopped")]
    seconds = time.perf_counter() - started
    return seconds, [] if result.returncode == 0 else parse(step, result.stdout + "\n" + result.stderr)


def rebuild(project: Project, imported: bool, environ: dict) -> tuple[dict, list[Problem]]:
    """Import (when `imported`), build the site, update the index; stops at the first failing step."""
    python, scripts = sys.executable, project.root / "scripts"
    steps = []
    if imported and project.source_files():
        steps.append(("import", [python, str(scripts / "import_documents.py"), "--docs", str(project.docs),
                                 *map(str, project.source_files())]))
    steps.append(("site", [python, str(scripts / "build_site.py"), "-q", "--site", str(project.site),
                           "-f", str(project.config)]))
    steps.append(("index", [python, str(scripts / "build_index.py"), "--docs", str(project.docs),
                            "--index", str(project.index)]))
    timings: dict = {}
    env = {**environ, "SITE_URL": project.site_url, "NO_MKDOCS_2_WARNING": "1"}
    for step, command in steps:
        timings[step], problems = _run(step, command, project, env)
        if problems:
            return timings, problems
    return timings, []


class Rebuilder:
    """Runs rebuilds one at a time on its own thread, after each burst of changes (`changed`)."""

    def __init__(self, project: Project, state: State, environ: dict, say=print):
        self.project, self.state, self.environ, self.say = project, state, environ, say
        self._changes: set[Path] = set()
        self._last_change = 0.0
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="preview-rebuilder", daemon=True)

    def start(self, first_import: bool = True) -> None:
        """The first rebuild (importing the sources when asked), then one after each burst of changes."""
        with self._wake:
            self._changes.add(self.project.sources if first_import else self.project.docs)
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def changed(self, path: Path) -> None:
        with self._wake:
            self._changes.add(path)
            self._last_change = time.monotonic()
            self._wake.notify()

    def _next_burst(self) -> set[Path] | None:
        with self._wake:
            while not self._stopped:
                if self._changes and time.monotonic() - self._last_change >= QUIET:
                    changes, self._changes = self._changes, set()
                    return changes
                self._wake.wait(QUIET if self._changes else None)
            return None

    def _loop(self) -> None:
        while (changes := self._next_burst()) is not None:
            imported = any(p == self.project.sources or self.project.sources in p.parents for p in changes)
            with self.state.lock:
                self.state.building = True
            timings, problems = rebuild(self.project, imported, self.environ)
            if imported:
                self._forget_own_writes()
            with self.state.lock:
                self.state.generation += 1
                self.state.problems, self.state.timings = problems, timings
                self.state.built = self.state.built or not problems
                self.state.building = False
                self.state.finished_at = time.time()
            total = sum(timings.values())
            if problems:
                self.say(f"preview: rebuild failed in {total:.1f} s; still serving the last good build:")
                for problem in problems:
                    self.say(f"  {problem.step}: {problem}")
            else:
                self.say(f"preview: rebuilt in {total:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
                         + ")")

    def _forget_own_writes(self) -> None:
        """The import just wrote docs/ and this rebuild already built from it: those saves need no second rebuild."""
        with self._wake:
            self._changes = {p for p in self._changes if self.project.docs not in p.parents}


WRITES = ("created", "modified", "deleted", "moved")


def _ignored(path: Path) -> bool:
    """Editors' swap and backup files, and hidden ones (the importer's staging), are not saves of a page."""
    name = path.name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def _watched(project: Project, path: Path) -> bool:
    if _ignored(path) or project.work in path.parents:
        return False
    folders = (project.docs, project.sources, project.theme)
    return path == project.config or any(folder in path.parents for folder in folders if folder)


def watch(project: Project, rebuilder: Rebuilder):
    """A watchdog observer reporting saves in docs/, sources/, the theme's overrides and the MkDocs config to
    `rebuilder` (started)."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Saves(FileSystemEventHandler):
        def on_any_event(self, event):
            # Writes only: watchdog also reports files opened and closed unwritten, and every build reads them all.
            if event.event_type not in WRITES or (event.is_directory and event.event_type == "modified"):
                return  # (a directory's own mtime: its files' events follow)
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                if raw:
                    path = Path(raw.decode() if isinstance(raw, bytes) else raw)
                    if _watched(project, path):
                        rebuilder.changed(path)

    observer = Observer()
    handler = Saves()
    for folder in (project.docs, project.sources, project.theme):
        if folder and folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.schedule(handler, str(project.config.parent), recursive=False)  # mkdocs.yml itself
    observer.daemon = True
    observer.start()
    return observer
