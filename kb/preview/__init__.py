"""`make dev`: a live preview of the site with the search API, rebuilt on every save.

    problems.py   a failed step's output -> problems with file, line and message (pure)
    builder.py    one rebuild (import if a source changed, site, index) and the watcher that calls it
    web.py        the WSGI wrapper: live reload, the error banner on the last good build

scripts/dev.py wires them together.
"""
