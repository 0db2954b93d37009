"""Site: MkDocs hooks and what they derive (nav, listings, MathJax assets) and guard (untrusted text, built markup)."""
