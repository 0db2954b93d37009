"""What a record holds for every engine: its types and how much a word counts in each part of it.

Each engine defines its own schema once, in its module (`search_api.engines.*`), used both by
the code that writes the index and by the code that reads it. Every engine has the same
fields: `id`, `type`, `collection`, `concepts` (filters); `text` (every word of the record, each
part's words counting BOOSTS times), `title`, `headings`, `math` (word fields); `mentions` (one
concept slug per mention: scores alias expansion); and the stored record (`Record.stored()`).
"""

# How much a word counts in each part of a record. All of them go into one field, `text`, with
# these weights: a query then reads one posting list per word instead of one per part.
BOOSTS = {"title": 3.0, "aliases": 3.0, "headings": 2.0, "body": 1.0, "listing": 0.5}
RECORD_TYPES = ("question", "part", "concept")
