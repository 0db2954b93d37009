#!/usr/bin/env python3
"""Build the search index from the Markdown in docs/ (question, part and concept records).

The index is written to a new build directory under --index and swapped in
atomically by replacing the version file INDEX/CURRENT; a running server picks
it up on its next request. When a build by the same engine exists, only the pages
whose content changed since are read again and their records replaced (in a
copy of the current build); --full reads every page and writes a new index. A current build that
does not answer (a damaged file, a failed canary search: search_api.check) is rebuilt in full by
itself. Every new build is opened and searched before it is published. A failed or killed build
leaves the current index serving; its leftovers are deleted by the next run. Only the three newest
builds are kept.

One build at a time per index: a second run says which run holds the index and
waits for it, then indexes the pages as they are by then. Killing a run kills
its helper processes with it (nothing is left behind, even after kill -9).

Exit status: 0 on success, 1 when a page is invalid or there is nothing to index.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.pages import PageError  # noqa: E402
from search_api.engines import DEFAULT, ENGINES  # noqa: E402
from search_api.indexer import build  # noqa: E402
from search_api.store import IndexUnavailable  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def children_die_with_their_parent() -> None:
    """Every process forked from now on gets SIGKILL when the process that forked it dies.

    Whoosh's multi-process writer and the page readers are forked children; after a
    kill -9 of this script nothing runs our cleanup, and the writer children stayed
    blocked on their queue for ever (80-95 MB each). Only the kernel can end them:
    prctl(PR_SET_PDEATHSIG) asks it to. Linux only; elsewhere a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    forking = [os.getpid()]

    def before() -> None:
        forking[0] = os.getpid()

    def in_child() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != forking[0]:  # the parent died before the prctl took effect
            os._exit(1)

    os.register_at_fork(before=before, after_in_child=in_child)


def _say_waiting(pid: str) -> None:
    print(f"build_index: another build of this index is running (pid {pid}); waiting for it to finish, "
          "then indexing the pages as they are then", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_index.py",
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--docs", metavar="DIR", type=Path, default=PROJECT_ROOT / "docs",
                        help="docs directory to index (default: docs/)")
    parser.add_argument("--index", metavar="DIR", type=Path, default=PROJECT_ROOT / ".index",
                        help="index directory (default: .index/)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default=os.environ.get("KB_ENGINE") or DEFAULT,
                        help="search engine to build for: whoosh (pure Python, the default) or tantivy (for "
                             "large collections); default: $KB_ENGINE, else whoosh")
    parser.add_argument("--full", action="store_true",
                        help="read every page and write a new index, even when only some pages changed")
    parser.add_argument("--procs", metavar="N", type=int, default=None,
                        help="processes reading pages and writing the index (default: 2 from 2,000 pages, else 1)")
    args = parser.parse_args(argv)
    children_die_with_their_parent()
    try:
        report = build(args.docs, args.index, procs=args.procs, on_wait=_say_waiting, engine_name=args.engine,
                       full=args.full)
    except (PageError, ValueError, OSError) as exc:
        print(f"build_index: {exc}; the current index (if any) is unchanged", file=sys.stderr)
        return 1
    except IndexUnavailable as exc:  # the new build failed its check: it is deleted, never published
        print(f"build_index: the new build does not answer, so it was not published: {exc}", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in report.counts.items())
    how = (f"{report.changed_pages} changed page{'s' if report.changed_pages != 1 else ''} re-read"
           if report.incremental else "full build")
    print(f"Indexed {report.documents} records ({kinds}) with {report.engine} in {report.seconds:.2f} s ({how}): "
          f"{report.path} ({report.bytes / 1e6:.1f} MB), now current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
