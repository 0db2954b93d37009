"""Revising with the site: revision cards cut from the built pages, the practice page's data and Anki decks."""
