"""The built MkDocs site at /, beside the API, so the site's search page calls /search on its own origin."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

bp = Blueprint("site", __name__)


def _site_dir() -> Path:
    return Path(current_app.config["SITE_DIR"])


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str):
    """A file of the built site; directory URLs serve their index.html, as MkDocs lays them out."""
    site = _site_dir()
    target = safe_join(str(site), path) if path else str(site)
    if target is None:
        raise NotFound()
    if Path(target).is_dir():
        if path and not path.endswith("/"):
            query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
            return redirect(f"/{path}/{query}", code=301)
        path = f"{path}index.html"
    # Pages and our own scripts change with every build (revalidated by ETag); Material's bundles are hashed.
    return send_from_directory(site, path, max_age=3600 if path.startswith("assets/") else 0)


def not_found_page(site: str):
    """The site's 404.html with status 404, or None when the site has none."""
    page_404 = Path(site) / "404.html"
    if not page_404.is_file():
        return None
    response = send_from_directory(site, "404.html", max_age=0)
    response.status_code = 404
    return response
