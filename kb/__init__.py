"""Core of the knowledge base: parse answer sheets, model pages, derive links."""
