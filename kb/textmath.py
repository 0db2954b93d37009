"""Math as plain text, for the places that show text and never typeset: API titles, sidebar labels,
the fallback search index.

`tex_text("D_{KL}(q \\,\\|\\, p)")` is "D_KL(q ‖ p)": Greek letters and common symbols in Unicode,
font and size commands dropped, fractions as a/b, groups of sub- and superscripts in parentheses
when they need them. Words stay words, so the built-in search still finds "softmax" in
`\\text{softmax}` and "QK" in `QK^T` (its separator splits at "^" and "_").
"""

from __future__ import annotations

import re

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho "
          "sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega").split()
SYMBOLS = {
    **dict(zip(_GREEK, "αβγδεεζηθϑικλμνξπρστυφφχψωΓΔΘΛΞΠΣΦΨΩ")),
    "times": "×", "cdot": "·", "ll": "≪", "gg": "≫", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "approx": "≈", "sim": "~", "mid": "|", "in": "∈", "to": "→", "infty": "∞", "sum": "Σ",
    "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖",
    "ldots": "…", "cdots": "⋯", "dots": "…", "top": "T",
}
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼"}
_FONT = re.compile(r"\\(?:text\w*|math(?:rm|bf|it|cal|sf)|operatorname|boldsymbol|bm)\s*\{([^{}]*)\}")
_BB = re.compile(r"\\mathbb\s*\{([^{}]*)\}")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_SCRIPT = re.compile(r"([_^])\{([^{}]*)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|\|)\s?")
_SPACE = re.compile(r"\\[,;:! ]|\\q?quad\b|&")
_SIZE = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)\b\s*")
# Math in Markdown: $...$ (and $$...$$).
MARKDOWN_MATH = re.compile(r"\$\$?([^$]+)\$\$?")
# Math as arithmatex leaves it in HTML and text: \( \), \[ \], $$ $$ and $ $.
HTML_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)\$", re.S)


def _group(text: str) -> str:
    return text if len(text) <= 1 or re.fullmatch(r"[^\W_]+", text) else f"({text})"


def tex_text(tex: str) -> str:
    """A formula as plain text (see the module docstring)."""
    text = _SPACE.sub(" ", _SIZE.sub("", tex))
    for _ in range(3):  # nested groups, innermost first
        text = _FONT.sub(r"\1", text)
        text = _BB.sub(lambda m: _BLACKBOARD.get(m.group(1), m.group(1)), text)
        text = _FRAC.sub(lambda m: f"{_group(m.group(1))}/{_group(m.group(2))}", text)
        text = _SQRT.sub(lambda m: f"√{_group(m.group(1))}", text)
        text = _SCRIPT.sub(lambda m: m.group(1) + _group(m.group(2)), text)
    text = _COMMAND.sub(lambda m: SYMBOLS.get(m.group(1), m.group(1)) + (" " if m.group(0)[-1] == " " else ""), text)
    return " ".join(text.replace("{", "").replace("}", "").replace("\\", " ").split())


def html_text(text: str) -> str:
    """Text with its math, in any of arithmatex's delimiters, as plain text."""
    if "\\" not in text and "$" not in text:
        return text
    return HTML_MATH.sub(lambda m: tex_text(next(g for g in m.groups() if g is not None)), text)
