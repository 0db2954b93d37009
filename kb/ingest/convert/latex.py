"""LaTeX, before pandoc: what pandoc drops or misreads in answer sheets.

`prepare_latex` rewrites the `exam` class's questions as sections, opens framed boxes, and keeps
list labels where pandoc would lose them.
"""

from __future__ import annotations

import re

_BOXES = {"fbox": 1, "framebox": 1, "fcolorbox": 3, "makebox": 1, "parbox": 2}  # mandatory arguments; the last is the text
_COUNTERS = {r"\alph*": "a", r"\Alph*": "A", r"\roman*": "i", r"\Roman*": "I", r"\arabic*": "1"}


def _group_end(tex: str, start: int, open_: str = "{", close: str = "}") -> int:
    """Index just past the group opened at tex[start]; braces escaped as \\{ \\} don't count."""
    depth, i = 0, start
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(tex)  # unbalanced: take the rest, pandoc will say what is wrong


def _arguments(tex: str, i: int, count: int) -> tuple[list[str], int]:
    """Skip [optional] arguments and read `count` {mandatory} ones from tex[i:]; ([], i) if they aren't there."""
    args = []
    while len(args) < count:
        while i < len(tex) and tex[i] in " \t\n":
            i += 1
        if i < len(tex) and tex[i] == "[" and not args:
            i = _group_end(tex, i, "[", "]")
        elif i < len(tex) and tex[i] == "{":
            end = _group_end(tex, i)
            args.append(tex[i + 1:end - 1])
            i = end
        else:
            return [], i
    return args, i


def _unbox(tex: str) -> str:
    """`\\fbox{\\parbox{w}{(a) ...}}` -> `(a) ...`: pandoc drops a framed box and the text in it."""
    pattern = re.compile(r"\\(" + "|".join(_BOXES) + r")(?![A-Za-z])")
    out, pos = [], 0
    for m in pattern.finditer(tex):
        if m.start() < pos:
            continue  # inside a box already taken apart: the recursion below handles it
        args, end = _arguments(tex, m.end(), _BOXES[m[1]])
        if not args:
            continue
        # Bare, not in braces: pandoc takes a group after `\noindent` for its argument and drops it.
        out += [tex[pos:m.start()], _unbox(args[-1])]
        pos = end
    return "".join(out) + tex[pos:]


def _enumitem_label(options: str) -> str:
    """enumitem's `[label=(\\alph*)]` -> the `[(a)]` of the enumerate package, which pandoc reads."""
    m = re.search(r"label\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[^,\]]+)", options)
    if not m:
        return options
    label = m[1]
    for counter, sample in _COUNTERS.items():
        label = label.replace(counter, sample)
    label = re.sub(r"\\[A-Za-z]+\*?|[{}\s]", "", label)  # \textbf{(a)} -> (a)
    return label if re.fullmatch(r"\(?[aAiI1][.)]?", label) else options


def _lists(tex: str) -> str:
    """Enumerate labels pandoc can read, and `\\item[(a)]` labels kept as the item's first words.

    pandoc ignores enumitem's `label=` and drops the optional label of `\\item` in enumerate and
    itemize (a description list keeps it as the term, so that one is left alone).
    """
    token = re.compile(r"\\(begin|end)\{(enumerate|itemize|description)\}|\\item(?![A-Za-z])")
    out, pos, stack = [], 0, []
    for m in token.finditer(tex):
        if m.start() < pos:
            continue
        if m[1] == "begin":
            stack.append(m[2])
            i = m.end()
            while i < len(tex) and tex[i] in " \t":
                i += 1
            if m[2] == "enumerate" and tex.startswith("[", i):
                end = _group_end(tex, i, "[", "]")
                out += [tex[pos:i], "[", _enumitem_label(tex[i + 1:end - 1]), "]"]
                pos = end
        elif m[1] == "end":
            if stack:
                stack.pop()
        elif stack and stack[-1] != "description":
            i = m.end()
            while i < len(tex) and tex[i] in " \t":
                i += 1
            if tex.startswith("[", i):
                end = _group_end(tex, i, "[", "]")
                out += [tex[pos:m.end()], " {", tex[i + 1:end - 1], "} "]
                pos = end
    return "".join(out) + tex[pos:]


# The `exam` document class (\question, \part, solution environments), which pandoc does not know: it drops
# \question and \part, and with them every part's text. Rewritten to sections and labelled paragraphs.
_EXAM = re.compile(r"\\(?:(?P<q>question|titledquestion|bonusquestion)|(?P<p>part|subpart|subsubpart))(?![A-Za-z])"
                   r"|\\(?P<env>begin|end)\{(?P<name>questions|parts|subparts|subsubparts|solution|solutionorbox|"
                   r"solutionorlines|solutionordottedlines|choices|checkboxes|oneparchoices)\}")
_EXAM_LABELS = {"part": "abcdefghijklmnopqrstuvwxyz", "subpart": ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]}


def _exam_class(tex: str) -> str:
    r"""`\question[10] Why ...?` -> `\section*{Question 1 (10 points)} Why ...?`; `\part[2] ...` -> `(a) ...`;
    a solution environment -> `\textbf{Solution:} ...`. Only documents that use the class's environment."""
    if "\\begin{questions}" not in tex:
        return tex
    out, pos, question, counters = [], 0, 0, {"part": 0, "subpart": 0}
    for m in _EXAM.finditer(tex):
        if m.start() < pos:
            continue
        out.append(tex[pos:m.start()])
        pos = m.end()
        if m["q"]:
            title = ""
            if m["q"] == "titledquestion" and tex.startswith("{", pos):
                end = _group_end(tex, pos)
                title, pos = tex[pos + 1:end - 1], end
            points = ""
            if tex.startswith("[", pos):
                end = _group_end(tex, pos, "[", "]")
                points, pos = tex[pos + 1:end - 1].strip(), end
            question += 1
            counters = {"part": 0, "subpart": 0}
            head = f"Question {question}" + (f": {title}" if title else "") + (f" ({points} points)" if points else "")
            out.append(f"\n\n\\section*{{{head}}}\n\n")
        elif m["p"]:
            kind = "subpart" if m["p"] != "part" else "part"
            if kind == "part":
                counters["subpart"] = 0
            labels = _EXAM_LABELS[kind]
            label = labels[counters[kind]] if counters[kind] < len(labels) else str(counters[kind] + 1)
            counters[kind] += 1
            points = ""
            if tex.startswith("[", pos):
                end = _group_end(tex, pos, "[", "]")
                points, pos = f" ({tex[pos + 1:end - 1].strip()} points)", end
            out.append(f"\n\n({label}){points} ")
        elif m["name"].startswith("solution"):
            if m["env"] == "begin":
                if tex.startswith("[", pos):  # the box height
                    pos = _group_end(tex, pos, "[", "]")
                out.append("\n\n\\textbf{Solution:} ")
            else:
                out.append("\n\n")
        elif m["name"] in ("choices", "checkboxes", "oneparchoices"):
            out.append("\\begin{itemize}" if m["env"] == "begin" else "\\end{itemize}")
        else:
            out.append("\n\n")  # questions, parts: their items are now paragraphs
    out.append(tex[pos:])
    text = re.sub(r"\\CorrectChoice(?![A-Za-z])", r"\\item \\textbf{(correct)} ", "".join(out))
    return re.sub(r"\\choice(?![A-Za-z])", r"\\item ", text)


def prepare_latex(tex: str) -> str:
    """The LaTeX pandoc reads best: the exam class's questions as sections, framed boxes opened, list labels kept."""
    return _lists(_unbox(_exam_class(tex)))
