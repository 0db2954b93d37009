"""Concepts: concept pages, their mentions in question pages, and the derived link graph."""
