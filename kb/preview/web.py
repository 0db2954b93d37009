"""The preview's WSGI wrapper around the site-and-API app: live reload and the rebuild's problems in the page.

Every HTML page gets a small script that asks `/__dev/status` twice a second and reloads
when a rebuild has finished (its generation moved), and, while the last rebuild failed,
a banner listing its problems (file, line, message) over the last good build. Before
any build has succeeded, every page is that list. Problems come from files and the
build's output, so they reach the page as text only.
"""

from __future__ import annotations

import html
import json

from kb.preview.builder import State

STATUS_PATH = "/__dev/status"
BANNER_ID = "kb-dev-problems"
_RELOAD = """<script id="kb-dev-reload">(function () {
  // Once per document, whatever instant navigation does: reload after the next rebuild.
  if (window.kbDevReload) return;
  window.kbDevReload = true;
  var seen = %d;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.generation !== seen && !s.building) return location.reload();
      setTimeout(poll, 500);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 500);
})();</script>"""
_BANNER_STYLE = ("position:fixed;left:0;right:0;bottom:0;z-index:10000;max-height:45vh;overflow:auto;margin:0;"
                 "padding:.8em 1.2em;background:#b00020;color:#fff;font:14px/1.45 ui-monospace,monospace")


def problems_html(state: dict, heading: str) -> str:
    items = "".join(
        f"<li>[{html.escape(p['step'])}] "
        + (f"<strong>{html.escape(p['file'])}" + (f":{p['line']}" if p["line"] else "") + "</strong>: " if p["file"] else "")
        + f"{html.escape(p['message'])}</li>"
        for p in state["problems"])
    return (f'<div id="{BANNER_ID}" role="alert" style="{_BANNER_STYLE}"><strong>{html.escape(heading)}</strong>'
            f'<ul style="margin:.4em 0 0;padding-left:1.2em">{items}</ul></div>')


def inject(page: bytes, state: dict) -> bytes:
    """The page with the reload script and, after a failed rebuild, the problems banner, before </body>."""
    extra = _RELOAD % (state["generation"], STATUS_PATH)
    if state["problems"]:
        extra = problems_html(state, "The last rebuild failed: this is the last good build. Fix the file and save; "
                                     "the page reloads by itself.") + extra
    at = page.rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + extra.encode("utf-8") + page[at:]


def waiting_page(state: dict) -> bytes:
    """Every page before a first good build: building, or the first build's problems."""
    heading = "The first build failed; nothing to show yet." if state["problems"] else "Building the preview…"
    body = problems_html(state, heading) if state["problems"] else f"<p>{heading}</p>"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview: {html.escape(heading)}'
            f"</title></head><body>{body}{_RELOAD % (state['generation'], STATUS_PATH)}</body></html>").encode("utf-8")


class Preview:
    """WSGI middleware: `/__dev/status`, then the wrapped app with its HTML pages injected."""

    def __init__(self, app, state: State):
        self.app, self.state = app, state

    def __call__(self, environ, start_response):
        state = self.state.as_json()
        if environ.get("PATH_INFO") == STATUS_PATH:
            return self._answer(start_response, "200 OK", "application/json", json.dumps(state).encode())
        if not state["built"]:
            return self._answer(start_response, "503 Service Unavailable", "text/html; charset=utf-8",
                                waiting_page(state))
        # The banner changes while the file does not: never answer "304 Not Modified" to a page.
        environ.pop("HTTP_IF_NONE_MATCH", None)
        environ.pop("HTTP_IF_MODIFIED_SINCE", None)
        captured = {}

        def start(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None  # the app writes through its iterable (Flask never uses write())

        body = self.app(environ, start)
        headers = captured.get("headers", [])
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if not content_type.startswith("text/html") or environ.get("REQUEST_METHOD") == "HEAD":
            start_response(captured["status"], headers)
            return body
        try:
            page = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        return self._answer(start_response, captured["status"], content_type, inject(page, state),
                            [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-type",
                                                                            "etag", "last-modified", "cache-control")])

    @staticmethod
    def _answer(start_response, status: str, content_type: str, data: bytes, headers=()):
        start_response(status, [*headers, ("Content-Type", content_type), ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store")])
        return [data]
