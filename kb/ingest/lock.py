"""One import at a time: an exclusive lock on a file beside docs/, held for the whole run.

Two runs at once would both plan against the same docs/ and one result would be
lost. The second caller says whom it waits for, waits up to a timeout, then
gives up with a clear error. The kernel drops the lock when a process dies, so
a killed run never leaves it held.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

LOCK_NAME = ".import.lock"


class LockBusy(RuntimeError):
    """Another import held the lock for longer than we were willing to wait."""


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    pid = os.read(fd, 32).decode("ascii", "replace").strip()
    return f"process {pid}" if pid.isdigit() else "another process"


@contextmanager
def run_lock(root: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the import lock in `root` for the duration of the block."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, told = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"{path}: another import ({_holder(fd)}) is still running after {timeout:g} s; "
                                   "run again when it has finished") from None
                if not told:
                    say(f"waiting for another import ({_holder(fd)}) to finish...")
                    told = True
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
