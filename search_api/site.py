"""The built MkDocs site at /, beside the API, so the site's search page calls /search on its own origin.

SITE_DIR is either a built site or, as `scripts/build_site.py` lays it out, a symlink
`site -> site.<build>` that a new build replaces atomically. It is resolved on every
request, so each request reads one whole build and a rebuild is served without a restart.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, request, send_file
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

bp = Blueprint("site", __name__)


def site_root(site: str | Path) -> Path:
    """The build being served now: SITE_DIR with its symlink (if any) followed."""
    return Path(site).resolve()


def contained_file(root: Path, path: str) -> Path | None:
    """The regular file at `path` inside `root`, or None: never a file a symlink leads out of the site to,
    nor a path no file can have (a NUL, a name over the system's limit: a 404, not the OS's error)."""
    joined = safe_join(str(root), path) if path else str(root)
    if joined is None or "\x00" in joined:
        return None
    try:
        target = Path(joined).resolve()
        target.is_file()  # a name too long fails here, with the path in the message; the caller asks again
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
        return None
    # A symlink in the build (`assets/p.css -> /etc/passwd`) resolves outside the root: refused.
    if target != root and root not in target.parents:
        return None
    return target


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str):
    """A file of the built site; directory URLs serve their index.html, as MkDocs lays them out."""
    root = site_root(current_app.config["SITE_DIR"])
    target = contained_file(root, path)
    if target is None:
        raise NotFound()
    if target.is_dir():
        if path and not path.endswith("/"):
            query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
            # Under the prefix the app is mounted at (SCRIPT_NAME=/kb behind a proxy), or the client leaves the site.
            return redirect(f"{request.script_root}/{path}/{query}", code=301)
        target = contained_file(root, f"{path}index.html")
    if target is None or not target.is_file():
        raise NotFound()
    # Pages and our own scripts change with every build (revalidated by ETag); Material's bundles are hashed.
    return send_file(target, max_age=3600 if path.startswith("assets/") else 0)


def not_found_page(site: str):
    """The site's 404.html with status 404, or None when the site has none."""
    page_404 = contained_file(site_root(site), "404.html")
    if page_404 is None or not page_404.is_file():
        return None
    response = send_file(page_404, max_age=0)
    response.status_code = 404
    return response
