"""ODT formulas: pandoc's ODT reader drops them (they are MathML objects inside the zip), so each
formula frame becomes a placeholder word, and its MathML goes through pandoc's HTML reader,
which turns MathML into TeX.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from kb.ingest.convert.limits import MAX_BYTES, Deadline
from kb.ingest.convert.nodes import _map_lists
from kb.ingest.convert.pandoc import _pandoc
from kb.ingest.lines import DocumentError

# One frame, no frame inside it (a text box's frames are matched on their own), holding an object.
_FRAME = re.compile(rb"<draw:frame\b(?:(?!</draw:frame>|<draw:frame\b).)*?<draw:object\b[^>]*?xlink:href=\"(?:\./)?([^\"]+?)/?\""
                    rb"(?:(?!</draw:frame>|<draw:frame\b).)*?</draw:frame>", re.S)
_UNPACKED = 8 * MAX_BYTES  # an ODT unpacking to more than this is refused (we rewrite it whole)
_PLACEHOLDER = "KBFORMULA{}X"


def _odt_formulas(data: bytes, name: str) -> tuple[bytes, list[str]]:
    """The ODT with every formula frame replaced by a placeholder, and the formulas' MathML in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: info for info in archive.infolist()}
        if "content.xml" not in members:
            raise DocumentError(name, 1, "is an OpenDocument file without its content.xml; save it again")
        if sum(info.file_size for info in members.values()) > _UNPACKED:
            raise DocumentError(name, 1, f"unpacks to more than {_UNPACKED // 2**20} MB; refused")
        content = archive.read("content.xml")
        formulas: list[str] = []

        def placeholder(m: re.Match) -> bytes:
            member = m[1].decode("utf-8", "replace") + "/content.xml"
            if member not in members or b"MathML" not in archive.read(member)[:4096]:
                return m[0]  # a chart or other object: left to pandoc
            formulas.append(archive.read(member).decode("utf-8", "replace"))
            return _PLACEHOLDER.format(len(formulas) - 1).encode()

        content = _FRAME.sub(placeholder, content)
        if not formulas:
            return data, []
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as copy:
            for info in archive.infolist():
                copy.writestr(info, content if info.filename == "content.xml" else archive.read(info))
    return out.getvalue(), formulas


def _mathml_to_tex(formulas: list[str], name: str, deadline: Deadline, tmp: str) -> list[tuple[str, str]] | None:
    """(kind, tex) per formula, kind "InlineMath" or "DisplayMath", in one pandoc run; None if they don't pair up."""
    bodies = [re.sub(r"^\s*<\?xml[^>]*\?>", "", f) for f in formulas]
    html = "".join(f"<p>{body}</p>" for body in bodies)
    raw, _ = _pandoc(["-f", "html", "-t", "json"], html.encode("utf-8"), name, deadline, tmp)
    maths = [m for p in json.loads(raw)["blocks"] for m in p.get("c", []) if isinstance(m, dict) and m.get("t") == "Math"]
    if len(maths) != len(formulas):
        return None
    return [("DisplayMath" if 'display="block"' in f else m["c"][0]["t"], m["c"][1]) for f, m in zip(formulas, maths)]


def _put_formulas(ast: dict, tex: list[tuple[str, str]]) -> dict:
    """Placeholder words back to math; a paragraph holding nothing but one formula shows it displayed."""
    word = re.compile(_PLACEHOLDER.format(r"(\d+)"))

    def inlines(items: list) -> list:
        out = []
        for item in items:
            if item.get("t") == "Str" and word.search(item["c"]):
                for k, piece in enumerate(word.split(item["c"])):
                    if k % 2:
                        kind, source = tex[int(piece)]
                        out.append({"t": "Math", "c": [{"t": kind}, source]} if kind else {"t": "Str", "c": source})
                    elif piece:
                        out.append({"t": "Str", "c": piece})
            else:
                out.append(item)
        if len(out) == 1 and out[0].get("t") == "Math" and len(items) == 1:
            out[0]["c"][0] = {"t": "DisplayMath"}
        return out

    blocks = _map_lists(ast["blocks"], lambda items: inlines(items) if any(i.get("t") == "Str" for i in items) else items)
    return {**ast, "blocks": blocks}
