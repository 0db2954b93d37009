"""The one Whoosh schema, imported by the indexer that writes it and the searcher that reads it."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, SchemaClass

from search_api.analysis import text_analyzer

# How much a word counts in each part of a record. All of them go into one field, `text`, with
# these token boosts: a query then reads one posting list per word instead of one per part.
BOOSTS = {"title": 3.0, "aliases": 3.0, "headings": 2.0, "body": 1.0, "listing": 0.5}
MATH_BOOST = 0.5  # a formula's words (in `math`) add this to their weight in `text`
RECORD_TYPES = ("question", "part", "concept")


class RecordSchema(SchemaClass):
    """One record per question, per part and per concept page (DocSearch-style levels)."""

    id = ID(stored=True, unique=True)  # "collection/q6", "collection/q6#part-b", "concept:slug"
    type = ID(stored=True)  # question | part | concept
    collection = ID(stored=True)  # "" for concepts
    question = NUMERIC(stored=True)  # 6; 0 for concepts
    part = STORED()  # "b" or None
    url = STORED()  # site-relative URL with the part's anchor
    page_title = STORED()  # the question's (or concept's) title, for grouping parts
    concepts = KEYWORD(stored=True, commas=True, lowercase=False)  # slugs mentioned, first-mention order
    mentions = KEYWORD(scorable=True, lowercase=False)  # one slug per mention: scores alias expansion

    # Title, concept names and aliases, headings and body, as boosted segments (analysis.boosted).
    text = TEXT(analyzer=text_analyzer())
    title = TEXT(analyzer=text_analyzer(), stored=True)  # also alone: stop words rank "What is X?" titles
    headings = TEXT(analyzer=text_analyzer())  # the section headings (and "Q6", "Q6 (b)")
    math = TEXT(analyzer=text_analyzer())  # the LaTeX of every formula, as tokens: QK^T, O(n^2 d), \sqrt{d}
    body = STORED()  # Markdown reduced to text, math kept as $...$: what snippets are cut from


def make_schema() -> RecordSchema:
    return RecordSchema()
