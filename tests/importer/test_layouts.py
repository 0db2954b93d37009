"""A corpus of the layouts people really write Q&A documents in, each with the outline a careful reader sees.

Every fixture in fixtures/layouts/ is our own text written in a layout seen in public interview-question
collections, course answer sheets and question banks (the layout is named in the comment above its pin).
An entry is (page number, label, title, [part labels], group, open):

- the page number is 1..N in document order, whatever the source's own numbering;
- the label is the source's own label, normalised ("Q1", "Question 3", "41"), prefixed by the group's label
  when the numbering restarts in every section ("Week 2 · Q1"), "" when the source gives none;
- the title carries no tag, difficulty emoji, "Q:" prefix, closing hashes, marks or Markdown markup;
- the group is the section heading above the question ("" when there is none);
- open is True when the source gives no answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kb.ingest.importer import load_source, plan
from kb.ingest.lines import DocumentError
from kb.ingest.render import question_title
from kb.slugs import is_question_path

LAYOUTS_DIR = Path(__file__).parent / "fixtures" / "layouts"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Long:
    """A long fixture pinned by its question count and some of its entries (page number -> entry)."""

    count: int
    entries: dict[int, tuple]


LAYOUTS = {
    # Bold questions with a difficulty emoji after the "?" and one topic with no "?" at all, under h2 sections,
    # `<br/>` between answers (a popular "theory questions" list of a data-science interviews repository).
    "emoji-difficulty.md": [
        (1, "", "What is supervised learning?", [], "Supervised learning", False),
        (2, "", "What is regularization? Why do we need it?", [], "Supervised learning", False),
        (3, "", "What is the difference between a parameter and a hyper-parameter?", [], "Supervised learning", False),
        (4, "", "What is a confusion matrix?", [], "Evaluation", False),
        (5, "", "Precision-recall trade-off", [], "Evaluation", False),
        (6, "", "When is accuracy a misleading metric?", [], "Evaluation", False),
        (7, "", "How would you evaluate a model whose positives are 0.1% of the data?", [], "Evaluation", False),
    ],
    # Numbering that restarts in every week's section (course quiz answer collections, "Week 1 Quiz").
    "weekly-restart.md": [
        (1, "Week 1 · Q1", 'What does "deep" refer to in deep learning?', [], "Week 1", False),
        (2, "Week 1 · Q2", "Why has deep learning taken off in the last decade?", [], "Week 1", False),
        (3, "Week 2 · Q1", "What does a neuron compute?", [], "Week 2: Neural Network Basics", False),
        (4, "Week 2 · Q2", "Which loss is used to train logistic regression?", [], "Week 2: Neural Network Basics", False),
        (5, "Week 2 · Q3", "What shape does broadcasting give a (2, 3) array plus a (2, 1) array?", [],
         "Week 2: Neural Network Basics", False),
        (6, "Week 3 · Q1", "Why do hidden layers need a non-linear activation?", [], "Week 3: Shallow Neural Networks", False),
        (7, "Week 3 · Q2", "Why not initialise all the weights to zero?", [], "Week 3: Shallow Neural Networks", False),
    ],
    # Numbered h2 questions whose answers have numbered h3 sub-headings that restart (LLM interview READMEs).
    "llm-numbered-subheadings.md": [
        (1, "1", "What are LLMs?", [], "", False),
        (2, "2", "How are LLMs trained?", [], "", False),
        (3, "3", "What is a context window?", [], "", False),
        (4, "4", "What does the sampling temperature control?", [], "", False),
    ],
    # `##  1 Softmax`: a number without a dot, parts (a), (b) ... and every answer under its own
    # `#### Answer:` heading (an NLP course's assignment answers written in Markdown).
    "assignment-parts-answer-headings.md": [
        (1, "1", "Softmax", ["a", "b"], "", False),
        (2, "2", "Neural Network Basics", ["a", "b", "c"], "", False),
        (3, "3", "word2vec", ["a", "b"], "", False),
    ],
    # An ordered list of tagged questions, [E]/[M]/[H], with nested items and no answers at all (an ML
    # interviews book's question lists). An untagged topic item ("43. Cross-validation.") holds numbered
    # sub-questions: it is their group, and their numbering restarts under it.
    "tagged-open-list.md": [
        (1, "41", "Should a new network first be made to overfit a tiny batch, or to generalise?", [], "", True),
        (2, "42", "Your training loss becomes NaN after a few hundred steps. List three things to check.", [], "", True),
        (3, "43 · 1", "Why is k-fold cross-validation rarely used to train large networks?", [], "Cross-validation", True),
        (4, "43 · 2", "How would you choose k for a small tabular dataset?", [], "Cross-validation", True),
        (5, "44", "Why do we shuffle the training data between epochs?", [], "", True),
        (6, "45", "Why can Adam generalise worse than SGD with momentum on image classification?", [], "", True),
    ],
    # Topic headings with neither a number nor a "?" under section headings (ML interview cheat sheets).
    "topic-headings.md": [
        (1, "", "Cross Validation", [], "Supervised learning", False),
        (2, "", "L1 vs L2 regularization", [], "Supervised learning", False),
        (3, "", "Bias-variance trade-off", [], "Supervised learning", False),
        (4, "", "Batch normalization", [], "Deep learning", False),
        (5, "", "Dropout", [], "Deep learning", False),
        (6, "", "Vanishing gradients", [], "Deep learning", False),
    ],
    # `### Q: ...` titles, one without "?", each answer folded in `<details><summary>💡 Show Answer</summary>`
    # (LLM and generative-AI interview question repositories).
    "llm-details-show-answer.md": [
        (1, "", "What is parameter-efficient fine-tuning?", [], "Fine-tuning", False),
        (2, "", "Explain Low-Rank Adaptation (LoRA) and why it saves memory", [], "Fine-tuning", False),
        (3, "", "What is catastrophic forgetting?", [], "Fine-tuning", False),
        (4, "", "What is a KV cache?", [], "Inference", False),
        (5, "", "Why does quantisation speed up decoding?", [], "Inference", False),
    ],
    # `### Q1: What are autoencoders? ###` with closing hashes; a list a) b) c) d) on consecutive lines
    # inside an answer is a list of reasons, not parts (deep-learning interview notes).
    "closing-hashes-reasons.md": [
        (1, "Q1", "What are autoencoders?", [], "", False),
        (2, "Q2", "Why would you use an autoencoder?", [], "", False),
        (3, "Q3", "What is a variational autoencoder?", [], "", False),
        (4, "Q4", "What is the reparameterisation trick?", [], "", False),
    ],
    # `### 66)` after `#### 65)`: one numbering, written at two heading levels by mistake (long numbered
    # "deep learning interview questions" lists, split over several files, so numbering starts at 63).
    "mixed-heading-levels.md": [
        (1, "63", "What is transfer learning?", [], "", False),
        (2, "64", "What is fine-tuning?", [], "", False),
        (3, "65", "What is a learning-rate schedule?", [], "", False),
        (4, "66", "What is warm-up and why does it help transformers?", [], "", False),
        (5, "67", "What is gradient clipping?", [], "", False),
    ],
    # `Q:` / `A:` pairs in plain text, one answer wrapped onto an indented line (flash-card exports).
    "qa-pairs.txt": [
        (1, "", "What is an epoch?", [], "", False),
        (2, "", "What is a mini-batch?", [], "", False),
        (3, "", "Why do we keep a validation set?", [], "", False),
        (4, "", "What does a learning rate that is too high do?", [], "", False),
        (5, "", "What is early stopping?", [], "", False),
    ],
    # `## Question 1 (10 marks): Topic` with (a)/(b)/(c) parts and `**Answer:**` / `Solution:` paragraphs;
    # a question with no topic takes its one-sentence prompt as title (exam model answers).
    "exam-marks.md": [
        (1, "Question 1", "Backpropagation", ["a", "b"], "", False),
        (2, "Question 2", "Convolutional networks", ["a", "b", "c"], "", False),
        (3, "Question 3", "Why does batch normalisation allow larger learning rates?", [], "", False),
    ],
    # An answer sheet that only says `## Q1:`, `## Q2:` ... with no question text (like the seed).
    "answer-sheet-q-only.md": [
        (1, "Q1", "Question 1", [], "", False),
        (2, "Q2", "Question 2", [], "", False),
        (3, "Q3", "Question 3", ["a", "b"], "", False),
    ],
    # A FAQ: `#` title, a table of contents of in-page links, `## Why ...?` headings (blog-style FAQs).
    "faq-toc.md": [
        (1, "", "Why do deeper networks generalise?", [], "", False),
        (2, "", "Why does SGD find good minima?", [], "", False),
        (3, "", "Why does the batch size matter?", [], "", False),
        (4, "", "Why are transformers so data-hungry?", [], "", False),
    ],
    # A plain-text numbered list `1) What is ...?` with indented answers or `Answer:` lines (text notes).
    "numbered-plain.txt": [
        (1, "1", "What is a receptive field?", [], "", False),
        (2, "2", "Why do modern networks use 3x3 kernels?", [], "", False),
        (3, "3", "What does a 1x1 convolution do?", [], "", False),
        (4, "4", "What is global average pooling?", [], "", False),
        (5, "5", "Why does data augmentation help?", [], "", False),
    ],
    # Questions as h4 under h3 topics under h2 chapters; the group is the nearest section, the topic
    # (book-chapter revision notes).
    "three-levels.md": [
        (1, "", "What is the learning rate?", [], "Gradient descent", False),
        (2, "", "Why does a learning rate that is too large diverge?", [], "Gradient descent", False),
        (3, "", "What does momentum accumulate?", [], "Momentum", False),
        (4, "", "Is weight decay the same as L2 regularisation?", [], "Weight decay", False),
        (5, "", "Why are activations scaled during training with inverted dropout?", [], "Dropout", False),
    ],
    # `**1.** What is ...?` bold numbers with the answer on the following lines; twelve questions.
    "bold-number-marker.md": [
        (1, "1", "What is a recurrent neural network?", [], "", False),
        (2, "2", "What is backpropagation through time?", [], "", False),
        (3, "3", "What is a vanishing gradient?", [], "", False),
        (4, "4", "How do LSTMs reduce it?", [], "", False),
        (5, "5", "What does the forget gate do?", [], "", False),
        (6, "6", "What is a GRU?", [], "", False),
        (7, "7", "What is teacher forcing?", [], "", False),
        (8, "8", "What is exposure bias?", [], "", False),
        (9, "9", "What is truncated backpropagation through time?", [], "", False),
        (10, "10", "Why clip gradients in RNNs?", [], "", False),
        (11, "11", "What is a bidirectional RNN?", [], "", False),
        (12, "12", "Why did transformers replace RNNs for most language tasks?", [], "", False),
    ],
    # Setext headings `Question 1` / `==========`, the prompt in the next paragraph (exported review notes).
    "setext-headings.md": [
        (1, "Question 1", "What is the difference between a parameter and a hyper-parameter?", [], "", False),
        (2, "Question 2", "Why is the cross-entropy preferred to the squared error for classification?", [], "", False),
        (3, "Question 3", "What does an embedding layer compute?", [], "", False),
    ],
    # `#### Q12. ...` with `[[src]](https://...)` after the title, `[Back to Main Index](./README.md)` and
    # `⬆ back to top` lines (a split-up ML questions collection that starts at Q12 in this file).
    "src-links-back-to-top.md": [
        (1, "Q12", "What is the difference between semantic and instance segmentation?", [], "", False),
        (2, "Q13", "What is non-maximum suppression?", [], "", False),
        (3, "Q14", "What is an anchor box?", [], "", False),
        (4, "Q15", "Why is mean average precision used for detection?", [], "", False),
    ],
    # A `.txt` answer sheet exported from a PDF: running headers, page numbers, a form feed, `•` bullets,
    # and a title wrapped onto the next line (copy-paste from exam PDFs).
    "pdf-export.txt": [
        (1, "Q1", "What is the purpose of an activation function?", [], "", False),
        (2, "Q2", "Explain the exploding gradient problem.", [], "", False),
        (3, "Q3", "Why do residual connections help very deep networks train?", [], "", False),
        (4, "Q4", "What is label smoothing?", [], "", False),
        (5, "Q5", "What is knowledge distillation?", [], "", False),
    ],
    # Notebook-converted Markdown: `### Inline Question 1:`, the prompt, then `**Your Answer:**`; the last is
    # still the template's "*fill this in.*" (a computer-vision course's assignment notebooks).
    "cs231n-inline.md": [
        (1, "Inline Question 1", "What in the data causes a distinctly bright row in the distance matrix?", [], "", False),
        (2, "Inline Question 2", "Which of these preprocessing steps leave the predictions of a kNN classifier with "
                                 "L1 distance unchanged?", [], "", False),
        (3, "Inline Question 3", "Why is the kNN classifier slow at test time?", [], "", True),
    ],
    # A question bank Q1 ... Q30 where Q17 is missing and Q22 is written twice: tolerated, every page written.
    "bank-gap-repeat.txt": Long(30, {
        1: (1, "Q1", "What is a tensor?", [], "", False),
        2: (2, "Q2", "What is a gradient?", [], "", False),
        16: (16, "Q16", "What is dropout?", [], "", False),
        17: (17, "Q18", "What is batch normalisation?", [], "", False),
        21: (21, "Q22", "What is padding?", [], "", False),
        22: (22, "Q22", "What is a receptive field?", [], "", False),
        23: (23, "Q23", "What is an embedding?", [], "", False),
        30: (30, "Q30", "What is early stopping?", [], "", False),
    }),
    # A `$$...$$` line right under a text line; `_emphasis_`, `**bold**`, `*italics*` and a link in titles.
    "markup-in-titles.md": [
        (1, "1", "What does weight decay do to the loss?", [], "", False),
        (2, "2", "Why is Adam the default optimiser?", [], "", False),
        (3, "3", "What is the temperature of a softmax?", [], "", False),
        (4, "4", "When is label smoothing harmful?", [], "", False),
    ],
    # `**Question:** What is X?` followed by `**Answer:** ...` paragraphs (study-guide Markdown).
    "question-answer-labels.md": [
        (1, "", "What is self-attention?", [], "", False),
        (2, "", "Why are the scores divided by the square root of $d_k$?", [], "", False),
        (3, "", "What do positional encodings add?", [], "", False),
        (4, "", "Why use several attention heads?", [], "", False),
    ],
    # Other layout: topic sections whose headings carry a back-to-TOC link and an HTML anchor, `#### Q1: ... ⭐`
    # star ratings, `**Answer:**`, and Q1, Q2 ... restarting in every topic (a full-stack interview
    # questions collection). The group's label is its whole title, since it has no number of its own.
    "topic-sections-restart.md": [
        (1, "CNN Interview Questions · Q1", "What is a convolutional layer?", [], "CNN Interview Questions", False),
        (2, "CNN Interview Questions · Q2", "Why is pooling used?", [], "CNN Interview Questions", False),
        (3, "RNN Interview Questions · Q1", "What is a hidden state?", [], "RNN Interview Questions", False),
        (4, "RNN Interview Questions · Q2", "Why do plain RNNs struggle with long sequences?", [],
         "RNN Interview Questions", False),
    ],
    # Other layout: `## Question 1` with the question as a bold paragraph under it, `**Answer:**`, `---`
    # between questions; the last two have no answer yet (generated "theory questions" files).
    "heading-then-bold-question.md": [
        (1, "Question 1", "What is an artificial neural network?", [], "", False),
        (2, "Question 2", "Explain the concept of depth in deep learning.", [], "", False),
        (3, "Question 3", "What is the universal approximation theorem?", [], "", False),
        (4, "Question 4", "What is the role of the bias term in a neuron?", [], "", True),
        (5, "Question 5", "Describe how a U-Net works for image segmentation.", [], "", True),
    ],
    # Other layout: a multiple-choice quiz as a numbered list with `- [x]` / `- [ ]` options; the ticked
    # option is the answer (course quiz answer repositories).
    "quiz-checkboxes.md": [
        (1, "1", "What does a neuron compute?", [], "", False),
        (2, "2", "Which of these is the logistic loss?", [], "", False),
        (3, "3", "An image of shape (32, 32, 3) must become a column vector. Which call does it?", [], "", False),
    ],
    # Other layout: `**1)** **Topic:** ..., **Level:** ...` then `**Q:** question`, answered twice under
    # `**Simple:**` and `**Technical:**` (an interview-questions README written for two audiences).
    # Questions as blockquotes with difficulty emoji, and "Answer here" left as a placeholder (interview repos).
    "quoted-questions.md": [
        (1, "", "What does the learning rate control?", [], "Optimisation", False),
        (2, "", "Why can a large batch hurt generalisation?", [], "Optimisation", True),
        (3, "", "What does weight decay add to the loss?", [], "Regularisation", False),
    ],
    # "1." alone on its line, the question on the next, bullet answers and an Obsidian wikilink (vault exports).
    "number-alone.md": [
        (1, "1", "Why do we scale features before k-nearest neighbours?", [], "", False),
        (2, "2", "Explain one-hot encoding.", [], "", False),
        (3, "3", "What is target leakage?", [], "", False),
    ],
    # `## Question N`, the question in bold, an answer still "_[To be filled]_" (generated interview sheets).
    "to-be-filled.md": [
        (1, "Question 1", "What is a convolutional neural network?", [], "", True),
        (2, "Question 2", "Why do we use pooling layers?", [], "", False),
    ],
    "topic-level-q.md": [
        (1, "1", "How do you tell whether a model is overfitting or underfitting?", [], "", False),
        (2, "2", "Why does the Adam optimiser need bias correction?", [], "", False),
        (3, "3", "What is a skip connection?", [], "", False),
    ],
}


def load(name: str):
    return load_source(LAYOUTS_DIR / name, ROOT)


def outline(source) -> list[tuple]:
    return [(q.marker.number, q.label, question_title(source, q), [s.part.label for s in q.parts], q.group, q.open)
            for q in source.document.questions]


def question_files(source) -> dict[str, str]:
    files, _ = plan(source)
    return {f.path: f.text for f in files if is_question_path(f.path)}


def test_the_corpus_and_its_pins_agree():
    on_disk = {p.name for p in LAYOUTS_DIR.iterdir() if p.suffix in (".md", ".txt")}
    assert on_disk == set(LAYOUTS)
    assert len(on_disk) >= 24


@pytest.mark.parametrize("name", sorted(n for n, v in LAYOUTS.items() if not isinstance(v, Long)))
def test_outline_is_what_a_reader_sees(name):
    assert outline(load(name)) == LAYOUTS[name]


@pytest.mark.parametrize("name", sorted(n for n, v in LAYOUTS.items() if isinstance(v, Long)))
def test_long_outline_has_its_count_and_pinned_entries(name):
    got = outline(load(name))
    pinned = LAYOUTS[name]
    assert len(got) == pinned.count
    assert [entry[0] for entry in got] == list(range(1, pinned.count + 1))
    assert {n: got[n - 1] for n in pinned.entries} == pinned.entries


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_no_layout_is_refused(name):
    try:
        load(name)
    except DocumentError as error:
        pytest.fail(f"refused: {error}")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_line_lands_on_a_page(name):
    _, warnings = plan(load(name))
    assert not [w for w in warnings if w.startswith("round trip:")], warnings


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_question_gets_its_own_page(name):
    source = load(name)
    pages = question_files(source)
    count = len(source.document.questions)
    assert sorted(pages) == sorted(f"questions/{source.collection}/q{n}.md" for n in range(1, count + 1))


def test_gaps_and_repeats_are_reported_at_their_lines():
    source = load("bank-gap-repeat.txt")
    lines = (LAYOUTS_DIR / "bank-gap-repeat.txt").read_text().split("\n")
    gap = lines.index("Q18. What is batch normalisation?") + 1
    repeat = lines.index("Q22. What is a receptive field?") + 1
    at = {w.split(": ", 1)[0] for w in source.warnings}
    assert f"{source.document.source}:{gap}" in at
    assert f"{source.document.source}:{repeat}" in at


def page(name: str, number: int) -> str:
    source = load(name)
    return question_files(source)[f"questions/{source.collection}/q{number}.md"]


def test_a_lettered_list_inside_an_answer_stays_in_the_answer():
    text = page("closing-hashes-reasons.md", 2)
    assert "a) to reduce the dimension of the data before another model;\nb) to remove noise" in text
    assert "part-a" not in text


def test_source_links_and_back_to_top_lines_stay_out_of_titles():
    source = load("src-links-back-to-top.md")
    assert all("src" not in question_title(source, q) and "⬆" not in question_title(source, q)
               for q in source.document.questions)
    assert "https://example.org/nms" in page("src-links-back-to-top.md", 2)


def test_an_in_page_table_of_contents_is_dropped_and_accounted_for():
    source = load("faq-toc.md")
    files, warnings = plan(source)
    assert "#why-does-sgd" not in files[0].text  # its links would break once the document is split into pages
    assert all("#why-does-sgd" not in text for text in question_files(source).values())
    assert source.document.dropped and all(why == "in-page table of contents" for _, why in source.document.dropped)
    assert not [w for w in warnings if w.startswith("round trip")]


def test_numbered_sub_headings_and_lists_inside_answers_start_no_question():
    assert "Advanced Linguistic Processing" in page("llm-numbered-subheadings.md", 1)
    assert "Subtracting the per-pixel mean." in page("cs231n-inline.md", 2)
    assert "- [x] A linear function followed by an activation function" in page("quiz-checkboxes.md", 1)


def test_an_answer_folded_in_details_stays_with_its_question():
    text = page("llm-details-show-answer.md", 2)
    assert "h = W @ x + (B @ (A @ x)) * (alpha / r)" in text and "Show Answer" in text


def test_a_wikilink_to_no_concept_page_becomes_its_words_and_is_said(tmp_path):
    import shutil

    from kb.ingest.importer import run

    (tmp_path / "sources").mkdir()
    shutil.copy(LAYOUTS_DIR / "number-alone.md", tmp_path / "sources" / "notes.md")
    report = run([tmp_path / "sources" / "notes.md"], tmp_path / "docs")
    q1 = (tmp_path / "docs" / "questions" / "notes" / "q1.md").read_text()
    assert "- Feature scaling fixes that." in q1 and "[[" not in q1
    assert any(w.endswith("notes.md:6: [[Feature scaling]] names no concept page; shown as text on questions/notes/q1.md")
               for w in report.sources[0].warnings)


def test_check_lists_the_lines_it_leaves_out(import_cli, tmp_path):
    import shutil

    shutil.copy(LAYOUTS_DIR / "faq-toc.md", tmp_path / "faq.md")
    result = import_cli("--docs", "docs", "--check", "faq.md")
    left = [line.strip() for line in result.stdout.splitlines() if "left out" in line]
    assert left and all(line.endswith("left out (in-page table of contents)") for line in left)
