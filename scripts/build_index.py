#!/usr/bin/env python3
"""Build the search index from the Markdown in docs/ (question, part and concept records).

The index is written to a new build directory under --index and swapped in
atomically by replacing the version file INDEX/CURRENT; a running server picks
it up on its next request. A failed build leaves the current index serving.
Only the three newest builds are kept.

Exit status: 0 on success, 1 when a page is invalid or there is nothing to index.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.pages import PageError  # noqa: E402
from search_api.indexer import build  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    parser.add_argument("--procs", metavar="N", type=int, default=None,
                        help="processes reading pages and writing the index (default: 2 from 2,000 pages, else 1)")
    args = parser.parse_args(argv)
    try:
        report = build(args.docs, args.index, procs=args.procs)
    except (PageError, ValueError, OSError) as exc:
        print(f"build_index: {exc}; the current index (if any) is unchanged", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in report.counts.items())
    print(f"Indexed {report.documents} records ({kinds}) in {report.seconds:.2f} s: "
          f"{report.path} ({report.bytes / 1e6:.1f} MB), now current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
