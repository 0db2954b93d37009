"""Ingest: source documents -> classified lines -> questions and parts -> question pages in docs/."""
