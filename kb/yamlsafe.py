"""Reading YAML we did not write: plain data only, no aliases, no anchors, no tags, bounded size.

Meta files and front matter come from outside. YAML aliases let 1 KB expand to
gigabytes ("billion laughs") and tags name constructors, so a file that uses
either is refused with its file and line instead of being honoured. The check
walks the parser's events (no data is built), and only runs when the text holds
one of the characters these features need, so well-formed pages pay nothing.
"""

from __future__ import annotations

import yaml

# libyaml when PyYAML was built with it: ~10x faster, and every build reads every page.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARSER = getattr(yaml, "CParser", None)
MAX_BYTES = 256 * 1024  # far above any real meta file or front matter


class YAMLRefused(ValueError):
    """YAML that is not plain data (or too large); `line` is 1-based within the text."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _events(text: str):
    if _PARSER is not None:
        parser = _PARSER(text)
        try:
            while (event := parser.get_event()) is not None:
                yield event
        finally:
            parser.dispose()
    else:  # pragma: no cover - PyYAML without libyaml
        yield from yaml.parse(text, Loader=yaml.SafeLoader)


def check_plain(text: str) -> None:
    """Raise YAMLRefused at the first alias, anchor or explicit tag in `text`."""
    if not any(c in text for c in "&*!"):
        return
    for event in _events(text):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise YAMLRefused(line, f"uses the YAML alias '*{event.anchor}'; aliases are not accepted, write the value out")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YAMLRefused(line, f"defines the YAML anchor '&{anchor}'; anchors are not accepted")
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag is not None and (not all(implicit) if isinstance(implicit, tuple) else not implicit)
        if explicit:
            raise YAMLRefused(line, f"uses the YAML tag '{tag}'; tags are not accepted")


def load(text: str, max_bytes: int = MAX_BYTES):
    """Plain YAML data from `text`; raises YAMLRefused (too large, alias, anchor, tag) or yaml.YAMLError."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise YAMLRefused(1, f"is {size} bytes; YAML files we read are limited to {max_bytes} bytes")
    check_plain(text)
    return yaml.load(text, Loader=_LOADER)
