"""Properties of the whole import, over random documents built from the pieces real Q&A documents are made of.

Two grammars. `documents()` mixes everything people write (question lines of many shapes, answers, parts,
code fences holding `## Q1` lines, `$...$` and `$$` blocks, headings at random levels, lists, `<details>`,
blank lines, random Unicode) and checks what must hold for any document: it imports or is refused with a
file and line, every line lands on a page, a second import changes nothing, pages are numbered 1..N.
`pure_documents()` writes one layout per document, with answers that hold nothing question-like outside
code, and checks that the import finds exactly the questions written: their count, labels, titles,
parts and groups.

The grammar's shapes come from the layout corpus (fixtures/layouts/, see test_layouts.py).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.ingest.importer import load_source, plan, run
from kb.ingest.lines import DocumentError
from kb.ingest.render import question_title

# derandomize: CI sees the same examples every run; report_multiple_bugs=False: one shrunk failure, not minutes
# of shrinking every distinct one while the importer's core is being rewritten.
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, report_multiple_bugs=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TERMS = ["gradient", "softmax", "attention", "dropout", "layer", "tensor", "loss", "batch", "kernel", "embedding",
         "encoder", "decoder", "token", "weight", "bias", "variance", "overfitting", "regularization", "convolution",
         "transformer", "LoRA", "Adam", "SGD", "ReLU", "sigmoid", "entropy", "norm", "momentum", "epoch", "neuron",
         "backpropagation", "autoencoder", "GAN", "LSTM", "BERT", "k-NN", "PCA", "logit", "prior", "KL", "ELBO",
         "Transformer-XL", "U-Net", "ResNet-50", "word2vec", "β-VAE", "naïve", "Schrödinger", "注意力", "градиент"]
GLUE = ["what", "is", "the", "a", "of", "why", "does", "how", "do", "we", "use", "explain", "compare", "and",
        "in", "with", "when", "for", "to", "vs", "between", "difference", "it", "help"]
EMOJI = ["👶", "⭐️", "🔥", "⭐", "⭐⭐", "⭐⭐⭐", "💡", "🤔", "✅"]
TAGS = ["[E]", "[M]", "[H]"]
# Characters that real exports carry and that break naive line handling.
AWKWARD = ["\u00a0", "\u200b", "\u200d", "\u2028", "\x85", "\u0301", "\ufeff", "\t", "…", "–", "—", "“", "”"]

plain_word = st.sampled_from(TERMS + GLUE)
unicode_word = st.text(st.characters(categories=("L", "M", "N", "So", "Pd")), min_size=1, max_size=6)
word = st.one_of(*[plain_word] * 8, unicode_word, unicode_word,
                 st.builds(lambda w, c: w + c, plain_word, st.sampled_from(AWKWARD)))
inline = st.one_of(word, word, word, word,
                   st.builds("${}^2$".format, st.sampled_from("xyzw")),
                   st.builds("**{}**".format, plain_word),
                   st.builds("_{}_".format, plain_word),
                   st.builds("`{}()`".format, plain_word),
                   st.builds("[{}](https://example.org/{})".format, plain_word, plain_word))


def joined(items: list[str]) -> str:
    return " ".join(items)


words = st.lists(word, min_size=1, max_size=8).map(joined)
sentence = st.lists(inline, min_size=2, max_size=14).map(lambda ws: joined(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=3).map(
    lambda ss: "\n".join(ss) if len(ss) > 2 else " ".join(ss))

# --- answers: the blocks that follow a question line -------------------------------------------------------

FAKE_QUESTIONS = ["## Q1: this line is code", "**Q2.** also code", "### 3. What is code?", "Question 4 (5 marks)",
                  "(a) not a part", "# comment"]


@st.composite
def code_block(draw) -> str:
    fence = draw(st.sampled_from(["```", "````", "~~~"]))
    lang = draw(st.sampled_from(["", "python", "text", "bash"]))
    body = draw(st.lists(st.one_of(st.sampled_from(FAKE_QUESTIONS), st.builds("x = {}".format, plain_word)),
                         min_size=0, max_size=4))
    return "\n".join([fence + lang, *body, fence])


@st.composite
def display_math(draw) -> str:
    symbol = draw(st.sampled_from([r"\sum_i x_i", r"\frac{e^{z_i}}{\sum_j e^{z_j}}", r"\|w\|^2", r"p_\theta(x)"]))
    return draw(st.sampled_from([f"$${symbol}$$", f"$$\n{symbol}\n$$", f"$$\n{symbol} =\n{symbol}\n$$"]))


@st.composite
def bullet_list(draw) -> str:
    marker = draw(st.sampled_from(["-", "*", "•", "1.", "- [ ]", "- [x]"]))
    items = draw(st.lists(sentence, min_size=1, max_size=4))
    lines = []
    for k, item in enumerate(items, start=1):
        lines.append(f"{marker if marker != '1.' else f'{k}.'} {item}")
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(f"   - {draw(sentence)}")
    return "\n".join(lines)


@st.composite
def details(draw) -> str:
    summary = draw(st.sampled_from(["<b>💡 Show Answer</b>", "Answer", "Click to expand"]))
    return f"<details><summary>{summary}</summary>\n\n{draw(paragraph)}\n\n</details>"


@st.composite
def parts(draw) -> str:
    count = draw(st.integers(1, 4))
    out = []
    for k in range(count):
        label = "abcd"[k]
        style = draw(st.sampled_from(["({}) {}", "**({}) {}**", "### ({}) {}", "{}) {}"]))
        out.append(style.format(label, draw(words)))
        out.append(draw(st.one_of(paragraph, st.builds("#### Answer:\n\n{}".format, paragraph))))
    return "\n\n".join(out)


heading = st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 6), words)
answer_block = st.one_of(
    paragraph, paragraph, paragraph,
    st.builds("**Answer:** {}".format, paragraph),
    st.builds("A: {}".format, sentence),
    st.builds("Answer: {}".format, sentence),
    st.builds("Solution: {}".format, sentence),
    st.builds("**Your Answer:** {}".format, sentence),
    bullet_list(), code_block(), display_math(), details(), parts(), heading,
    st.builds("{}\n{}".format, sentence, display_math()),  # a `$$` line right under a text line
    st.sampled_from(["---", "<br/>", "⬆ back to top", "[Back to Main Index](./README.md)",
                     "| a | b |\n|---|---|\n| 1 | 2 |", "\f", "Page 2 of 3"]),
    unicode_word,
)

# --- question lines ----------------------------------------------------------------------------------------

QUESTION_SHAPES = [
    "## Q{n}: {t}", "## Q{n}:", "### Q{n}: {t} ###", "**Q{n}. {t}**", "Q{n}. {t}", "Q{n}) {t}", "Q{n}:",
    "Question {n} ({m} marks)", "## Question {n} ({m} marks): {t}", "## {n}. {t}", "#### {n}) {t}", "##  {n} {t}",
    "**{t} {e}**", "**{t}**", "### Q: {t}", "Q: {t}", "{n}. {g} {t}", "{n}) {t}", "**{n}.** {t}",
    "**Question:** {t}", "### Inline Question {n}:", "#### Q{n}. {t} [[src]](https://example.org/{n})",
    "\nQuestion {n}\n==========", "## {t}", "### {t}", "#### {t}",
]


@st.composite
def question_line(draw, n: int) -> str:
    shape = draw(st.sampled_from(QUESTION_SHAPES))
    title = draw(words) + draw(st.sampled_from(["?", "?", "", "."]))
    return shape.format(n=n, t=title, m=draw(st.integers(1, 20)), e=draw(st.sampled_from(EMOJI)),
                        g=draw(st.sampled_from(TAGS)))


@dataclass(frozen=True)
class Doc:
    text: str
    suffix: str
    broken: bool  # an unclosed code fence or `$$` block: the one thing that may be refused


@st.composite
def documents(draw, may_break: bool = True) -> Doc:
    blocks: list[str] = []
    if draw(st.booleans()):
        blocks.append("# " + draw(words))
    if draw(st.booleans()):
        blocks.append(draw(paragraph))
    if draw(st.booleans()) and draw(st.booleans()):
        blocks.append("\n".join(f"- [{w}](#{w.lower()})" for w in draw(st.lists(plain_word, min_size=1, max_size=4))))
    n = draw(st.integers(0, 60))
    for _ in range(draw(st.integers(1, 4))):  # sections
        if draw(st.booleans()):
            blocks.append("#" * draw(st.integers(2, 3)) + " " + draw(st.sampled_from(["Week 1", "Part B", "Chapter 2:"]))
                          + " " + draw(words))
        if draw(st.booleans()):
            n = 0  # numbering restarts in this section
        for _ in range(draw(st.integers(1, 5))):
            n = max(1, n + draw(st.sampled_from([1, 1, 1, 1, 2, 0, -1])))  # mostly in order; gaps and repeats
            blocks.append(draw(question_line(n)))
            blocks += draw(st.lists(answer_block, min_size=0, max_size=4))
    broken = may_break and draw(st.integers(0, 9)) == 0
    if broken:
        at = draw(st.integers(0, len(blocks)))
        blocks.insert(at, draw(st.sampled_from(["```python\nx = 1", "~~~\n## Q9: inside", "$$\n\\sum_i x_i"])))
        if at < len(blocks) - 1:
            blocks = blocks[: at + 1] + [b.replace("```", "").replace("~~~", "").replace("$$", "")
                                         for b in blocks[at + 1:]]  # nothing later may close it
    separator = draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n"]))
    text = separator.join(blocks) + draw(st.sampled_from(["\n", "", "\n\n"]))
    return Doc(text, draw(st.sampled_from([".md", ".txt"])), broken)


def in_project(doc: Doc, folder: Path) -> tuple[Path, Path]:
    """(project, source path): the document inside a fresh project, as `run` wants it."""
    project = folder / "project"
    (project / "sources").mkdir(parents=True)
    source = project / "sources" / f"doc{doc.suffix}"
    source.write_text(doc.text, encoding="utf-8")
    return project, source


def imported(source: Path, project: Path):
    """The loaded source; refusing a readable document is a failure of the property, not an error of the test."""
    try:
        return load_source(source, project)
    except DocumentError as error:
        pytest.fail(f"refused a readable document: {error}")


# --- properties of any document ----------------------------------------------------------------------------


@SETTINGS
@given(documents())
def test_a_document_imports_or_is_refused_with_its_file_and_line(doc):
    with tempfile.TemporaryDirectory() as folder:
        project, source = in_project(doc, Path(folder))
        try:
            plan(load_source(source, project))
        except DocumentError as error:
            assert doc.broken, f"refused a readable document: {error}"
            m = re.match(rf"{re.escape(str(source))}:(\d+): \S", str(error))
            assert m, f"the refusal names no file and line: {error}"
            assert 1 <= int(m[1]) <= doc.text.count("\n") + 1
        else:
            assert not doc.broken, "an unclosed code fence or $$ block was imported"


@SETTINGS
@given(documents(may_break=False))
def test_every_line_of_a_document_lands_on_a_page(doc):
    with tempfile.TemporaryDirectory() as folder:
        project, source = in_project(doc, Path(folder))
        _, warnings = plan(imported(source, project))
        assert not [w for w in warnings if w.startswith("round trip:")], warnings


@SETTINGS
@given(documents(may_break=False))
def test_importing_a_document_twice_changes_nothing(doc):
    with tempfile.TemporaryDirectory() as folder:
        project, source = in_project(doc, Path(folder))
        docs = project / "docs"
        imported(source, project)
        first = run([source], docs, say=lambda message: None)
        assert {d.status for d in first.decisions} == {"new"}
        files = {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file()}
        second = run([source], docs, say=lambda message: None)
        assert [d.status for d in second.decisions] == ["unchanged"] * len(first.decisions)
        assert second.stale == []
        assert {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file()} == files


@SETTINGS
@given(documents(may_break=False))
def test_pages_are_numbered_in_document_order(doc):
    with tempfile.TemporaryDirectory() as folder:
        project, source = in_project(doc, Path(folder))
        loaded = imported(source, project)
        questions = loaded.document.questions
        assert questions, "a document with question lines gave no question"
        assert [q.marker.number for q in questions] == list(range(1, len(questions) + 1))
        assert [q.first_line for q in questions] == sorted(q.first_line for q in questions)
        files, _ = plan(loaded)
        pages = [f.path for f in files if f.page is not None]
        assert pages == [f"questions/{loaded.collection}/q{n}.md" for n in range(1, len(questions) + 1)]


# --- one layout per document: the import finds exactly the questions written ---------------------------------

title_word = st.one_of(*[st.sampled_from(TERMS + GLUE)] * 6,
                       st.text(st.characters(categories=("Ll", "Lu", "Lo")), min_size=2, max_size=6))
title_words = st.lists(title_word, min_size=1, max_size=7).map(lambda ws: joined(ws)[:1].upper() + joined(ws)[1:])
safe_sentence = st.lists(st.one_of(*[plain_word] * 5, st.builds("${}^2$".format, st.sampled_from("xyz"))),
                         min_size=3, max_size=12).map(lambda ws: joined(ws).capitalize() + ".")
safe_answer = st.one_of(
    safe_sentence, safe_sentence,
    st.lists(safe_sentence, min_size=2, max_size=3).map(" ".join),
    st.lists(safe_sentence, min_size=1, max_size=3).map(lambda ss: "\n".join(f"- {s}" for s in ss)),
    st.lists(safe_sentence, min_size=1, max_size=3).map(lambda ss: "\n".join(f"• {s}" for s in ss)),
    code_block(), display_math(),
)


@dataclass(frozen=True)
class Layout:
    line: str  # the question's lines; {n} number, {t} title, {e} emoji, {m} marks, {g} tag
    label: str  # the label the import keeps ("" for none)
    numbered: bool
    parts: bool = False  # may have (a), (b) ... parts
    asks: bool = False  # the title must end with "?" for the line to be a question
    heading: int = 0  # the line's heading level, 0 for none
    prefix: str = ""  # written before the answer's first sentence ("A: ", "**Answer:** ")
    wrap: str = "{}"  # around the whole answer (a `<details>` block)
    indent: str = ""  # before every line of the answer
    open: bool = False  # written with no answer at all


DETAILS = "<details><summary><b>💡 Show Answer</b></summary>\n\n{}\n\n</details>"
LAYOUTS = [
    Layout("## Q{n}: {t}", "Q{n}", True, parts=True, heading=2),
    Layout("**Q{n}. {t}**", "Q{n}", True, parts=True),
    Layout("Q{n}. {t}", "Q{n}", True, parts=True),
    Layout("### Q{n}: {t} ###", "Q{n}", True, parts=True, heading=3),
    Layout("#### Q{n}. {t} [[src]](https://example.org/q{n})", "Q{n}", True, heading=4),
    Layout("## Question {n} ({m} marks): {t}", "Question {n}", True, parts=True, heading=2),
    Layout("### {n}. {t}", "{n}", True, parts=True, heading=3),
    Layout("#### {n}) {t}", "{n}", True, heading=4),
    Layout("**{n}.** {t}", "{n}", True, parts=True),
    Layout("**Q{n}.** {t}", "Q{n}", True, parts=True),
    Layout("{n}. {g} {t}", "{n}", True, asks=True, open=True),
    Layout("Question {n}\n==========\n\n{t}", "Question {n}", True, asks=True, heading=1),
    Layout("### Inline Question {n}:\n\n{t}", "Inline Question {n}", True, asks=True, heading=3,
           prefix="**Your Answer:** "),
    Layout("## Question {n}\n\n**{t}**", "Question {n}", True, asks=True, heading=2, prefix="**Answer:** "),
    Layout("{n}) {t}", "{n}", True, indent="   "),
    Layout("**{t} {e}**", "", False, asks=True),
    Layout("## {t}", "", False, asks=True, heading=2),
    Layout("### Q: {t}", "", False, heading=3, wrap=DETAILS),
    Layout("Q: {t}", "", False, asks=True, prefix="A: "),
    Layout("**Question:** {t}", "", False, asks=True, prefix="**Answer:** "),
]


@st.composite
def pure_answer(draw, layout: Layout) -> str:
    blocks = draw(st.lists(safe_answer, min_size=1, max_size=3))
    if layout.prefix:
        blocks[0] = layout.prefix + draw(safe_sentence)
    text = "\n\n".join(blocks)
    if layout.indent:
        text = "\n".join(layout.indent + line if line else line for line in text.split("\n"))
    return layout.wrap.format(text)


@dataclass(frozen=True)
class Written:
    doc: Doc
    expected: list[tuple]  # (label, title, [part labels], group, open) per question, in order


@st.composite
def pure_documents(draw) -> Written:
    layout = draw(st.sampled_from(LAYOUTS))
    count = draw(st.integers(1, 14))
    start = draw(st.integers(1, 80)) if layout.numbered and draw(st.booleans()) else 1
    # `## Section` headings, where they sit above the questions' own level
    above = layout.heading == 0 or layout.heading > 2
    sections = draw(st.integers(2, min(3, count))) if count >= 2 and above and draw(st.booleans()) else 0
    names = draw(st.lists(st.sampled_from(["Optimisation", "Regularisation", "Attention", "Evaluation",
                                           "Generative models", "Convolutions"]),
                          min_size=sections, max_size=sections, unique=True))
    # the first section starts before question 0, the others before the questions in `cuts`
    cuts = sorted(draw(st.lists(st.integers(1, count - 1), min_size=sections - 1, max_size=sections - 1,
                                unique=True))) if sections else []
    starts = dict(zip([0, *cuts], names))
    blocks, expected, group = [], [], ""
    if draw(st.booleans()):
        blocks += ["# " + draw(title_words).rstrip("?"), draw(safe_sentence)]
    for k in range(count):
        if k in starts:
            group = starts[k]
            blocks.append(f"## {group}")
        n = start + k
        title = draw(title_words) + ("?" if layout.asks or draw(st.booleans()) else "")
        blocks.append(layout.line.format(n=n, t=title, e=draw(st.sampled_from(EMOJI)), m=draw(st.integers(1, 20)),
                                         g=draw(st.sampled_from(TAGS))))
        labels = []
        if layout.open:
            pass
        elif layout.parts and draw(st.integers(0, 3)) == 0:
            labels = list("abcd"[: draw(st.integers(1, 4))])
            for label in labels:
                blocks += [f"({label}) {draw(title_words)}?", draw(safe_sentence)]
        else:
            blocks.append(draw(pure_answer(layout)))
        expected.append((layout.label.format(n=n), title, labels, group, layout.open))
    text = "\n\n".join(blocks) + "\n"
    return Written(Doc(text, draw(st.sampled_from([".md", ".txt"])), False), expected)


@SETTINGS
@given(pure_documents())
def test_a_document_in_one_layout_imports_as_the_questions_written(written_doc):
    with tempfile.TemporaryDirectory() as folder:
        project, source = in_project(written_doc.doc, Path(folder))
        loaded = imported(source, project)
        got = [(q.label, question_title(loaded, q), [s.part.label for s in q.parts], q.group, q.open)
               for q in loaded.document.questions]
        assert got == written_doc.expected
