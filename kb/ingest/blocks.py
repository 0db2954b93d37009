"""A document's block structure with source lines: what markdown-it-py (CommonMark) sees.

The outline chooser asks one question of a line: does a block start here, and what kind?
Headings (ATX and setext, closing hashes dropped), paragraphs, and the items of lists at
the top level; code, math and dropped lines were classified before (`kb.ingest.lines`)
and reach the parser as blank lines, so nothing inside them can start a block.
Indented code is switched off: plain-text answer sheets indent their answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt

from kb.ingest.lines import CODE, MATH, Line

HEADING, PARAGRAPH, ITEM, QUOTE = "heading", "paragraph", "item", "quote"
OPAQUE = (CODE, MATH, "dropped", "fold-open", "fold-close")  # line kinds whose content is no Markdown structure

# Blocks only: a heading's inline token keeps its source text, and inline parsing would cost as much again.
# Fences reach the parser as blank lines and link definitions start no question, so neither rule is tried.
_PARSER = MarkdownIt("commonmark").disable(["code", "html_block", "inline", "fence", "reference"])


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING, PARAGRAPH, ITEM (an item of a list, at any depth) or QUOTE (a blockquote at the top level)
    start: int  # index of its first line in the document's lines
    end: int  # index past its last line
    level: int = 0  # heading level (1-6)
    text: str = ""  # a heading's inline text (closing hashes dropped); "" for the others
    ordinal: int | None = None  # an ordered list item's number ("41." -> 41)
    ordered: bool = False  # an item of an ordered list
    parent: int = -1  # an item's list: the index of the list's first line
    depth: int = 0  # an item's nesting: 1 for the top level
    up: int = -1  # a nested item's enclosing item (its first line); -1 at the top level


def parse_blocks(lines: list[Line]) -> list[Block]:
    """The blocks that may start a question, in document order; `lines` are the classified document."""
    text = "\n".join("" if line.kind in OPAQUE else line.text for line in lines)
    tokens = _PARSER.parse(text)
    blocks: list[Block] = []
    depth, ordered, lists, items = 0, [], [], []  # list nesting: ordered or not, first lines of lists and items
    for k, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            ordered.append(tok.type == "ordered_list_open")
            lists.append(tok.map[0] if tok.map else -1)
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            ordered.pop()
            lists.pop()
        elif tok.type == "list_item_close":
            items.pop()
        elif tok.type == "list_item_open":
            info = tok.info if ordered[-1] else ""
            start, end = tok.map or (-1, -1)
            if start >= 0:
                blocks.append(Block(ITEM, start, end, ordinal=int(info) if info.isdigit() else None,
                                    ordered=ordered[-1], parent=lists[-1], depth=depth, up=items[-1] if items else -1))
            items.append(start)
        elif tok.type == "blockquote_open" and not depth and not tok.level and tok.map:
            blocks.append(Block(QUOTE, tok.map[0], tok.map[1]))  # "> What is overfitting? 👶"
        elif depth or tok.level:
            continue  # inside a list item or a blockquote: part of something else
        elif tok.type == "heading_open" and tok.map:
            blocks.append(Block(HEADING, tok.map[0], tok.map[1], int(tok.tag[1]), tokens[k + 1].content.strip()))
        elif tok.type == "paragraph_open" and tok.map:
            blocks.append(Block(PARAGRAPH, tok.map[0], tok.map[1]))
    return blocks
