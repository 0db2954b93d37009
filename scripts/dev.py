#!/usr/bin/env python3
"""Live preview with search (`make dev`): the site and the search API on 127.0.0.1, rebuilt on every save.

Watches docs/, sources/, overrides/ and mkdocs.yml. After each burst of saves: re-import when a
source or its meta file changed, `build_site.py` (strict, aside, then switched in),
`build_index.py` (incremental). Pages reload by themselves when a rebuild finishes.
A failed rebuild leaves the last good build served, with its problems (file, line,
message) in a banner on every page; the terminal says the same. Builds go to
--work (default build/dev/), never to site/ or .index/. The design is in kb/preview/.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.preview.builder import Project, Rebuilder, State, watch  # noqa: E402
from kb.preview.web import Preview  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def watched_dirs(config: Path) -> tuple[Path, Path | None]:
    """docs_dir and the theme's custom_dir of a MkDocs config, relative to its folder (MkDocs' loader: !ENV works)."""
    from mkdocs.utils.yaml import yaml_load

    with open(config, encoding="utf-8") as f:
        data = yaml_load(f) or {}
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    custom = (config.parent / theme["custom_dir"]).resolve() if theme.get("custom_dir") else None
    return (config.parent / data.get("docs_dir", "docs")).resolve(), custom


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 = any free)")
    parser.add_argument("-f", "--config-file", type=Path, default=PROJECT_ROOT / "mkdocs.yml",
                        help="MkDocs configuration (default: mkdocs.yml); its docs_dir is watched")
    parser.add_argument("--sources", type=Path, default=PROJECT_ROOT / "sources",
                        help="answer sheets, re-imported when one changes (default: sources/)")
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "dev",
                        help="the preview's builds and index (default: build/dev/)")
    parser.add_argument("--no-import", action="store_true", help="do not import the sources before the first build")
    args = parser.parse_args(argv)

    from waitress.server import create_server

    from search_api import create_app

    config = args.config_file.resolve()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    state = State()
    app = create_app({"INDEX_DIR": work / "index", "SITE_DIR": work / "site"})
    # Bound first, so the site is built for the port it is served on (instant navigation needs the match).
    server = create_server(Preview(app, state), host="127.0.0.1", port=args.port, threads=4, ident="dl-exam-kb-dev")
    url = f"http://127.0.0.1:{server.effective_port}/"
    docs, theme = watched_dirs(config)
    project = Project(PROJECT_ROOT, config, docs, args.sources.resolve(), work, url, theme)
    rebuilder = Rebuilder(project, state, dict(os.environ), say=lambda m: print(m, flush=True))
    rebuilder.start(first_import=not args.no_import)
    observer = watch(project, rebuilder)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    print(f"Preview with search at {url} (search: {url}search?q=...); watching {project.docs}, {project.sources} "
          "- press Ctrl-C to stop", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        rebuilder.stop()
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
