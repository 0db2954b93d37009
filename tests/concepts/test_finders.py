"""The finders (kb.concepts.finders) and how their findings become derived concepts (kb.concepts.derived)."""

from __future__ import annotations

import pytest

from kb.concepts.concept import concept_from_text
from kb.concepts.derived import (COMMON_SHARE, REJECTED_FILE, derive, derived_body, load_rejections,
                                 parse_rejections)
from kb.concepts.finders import asked_term, defines, find_terms, is_name, opening
from kb.pages import PageError, Part, QuestionPage


def page(collection: str, number: int, title: str, body: str, parts: tuple[Part, ...] = ()) -> QuestionPage:
    return QuestionPage(f"{collection}/q{number}", collection, number, title, parts, f"sources/{collection}.md",
                        (1, 2), f"# Q{number}. {title}\n\n{body}\n")


def pages(*items: QuestionPage) -> list[tuple[str, QuestionPage]]:
    return [(f"questions/{q.collection}/q{q.question}.md", q) for q in items]


@pytest.mark.parametrize("title, expected", [
    ("What is regularization?", ("regularization", "")),
    ("What are autoencoders?", ("autoencoders", "")),
    ("What is the curse of dimensionality?", ("curse of dimensionality", "")),
    ("Define self-attention.", ("self-attention", "")),
    ("Explain batch normalization", ("batch normalization", "")),
    ("What is Principal Component Analysis (PCA)?", ("Principal Component Analysis", "PCA")),
    ("What are Convolutional Neural Networks (CNNs)?", ("Convolutional Neural Networks", "CNN")),
    ("What is meant by inductive bias?", ("inductive bias", "")),
    ("What is the concept of a latent space?", ("latent space", "")),
    ("What is overfitting in neural networks?", ("overfitting", "")),
    ("What is a p-value?", ("p-value", "")),
    ("What is the difference between L1 and L2?", None),
    ("Explain why deeper networks generalise", None),
    ("What is the role of the learning rate?", None),
    ("What are the advantages of dropout?", None),
    ("What is the meaning of having rows with only one non-zero pixel?", None),
    ("What is Alice's claim?", None),
    ("Why use more than one hidden layer?", None),
    ("What is <script>alert(1)</script>?", None),
    ("What is cheaper?", None),
])
def test_asked_term(title, expected):
    assert asked_term(title) == expected


def test_is_name_refuses_clauses_and_markup():
    assert is_name("Non-maximum suppression") and is_name("F1 score") and is_name("Bayes' theorem")
    assert not is_name("how it works") and not is_name("a b c d e f") and not is_name("x*y") and not is_name("")


def test_opening_skips_the_question_restated_headings_and_math():
    body = ("**What is variance?**\n\n## Answer\n\n$$x^2$$\n\nVariance is the expected squared distance from the mean. "
            "Its root is the standard deviation. A third sentence is left out.\n")
    assert opening(body) == "Variance is the expected squared distance from the mean. Its root is the standard deviation."


@pytest.mark.parametrize("sentence, term, expected", [
    ("Dropout is a regularization technique.", "Dropout", True),
    ("An autoencoder is a network.", "autoencoders", True),
    ("Skip connections are paths past layers.", "Skip connection", True),
    ("**PCA** refers to a projection.", "PCA", True),
    ("Principal component analysis (PCA) is linear.", "PCA", True),
    ("We use dropout here.", "Dropout", False),
    ("Dropout rates are tuned.", "Dropout", False),
])
def test_defines(sentence, term, expected):
    assert defines(sentence, term) is expected


def test_each_finder_on_one_page():
    body = ("Stemming is cutting words to a root. We also use Term Frequency (TF) weights.\n\n"
            "### Lemmatization\n\nLemmatization is reducing a word to its lemma.\n\n"
            "Class imbalance means one class is much rarer than the others.\n\n"
            "The model is a network.\n\nNeural networks are trained by descent.\n")
    found = {(f.kind, f.term, f.acronym) for f in find_terms(page("nlp", 1, "What is stemming?", body))}
    assert found == {
        ("definition", "stemming", ""),
        ("topic", "Lemmatization", ""),
        ("acronym", "Term Frequency", "TF"),  # spelled out, but its sentence does not define it
        ("sentence", "Class imbalance", ""),
    }
    definitions = {f.term: f.definition for f in find_terms(page("nlp", 1, "What is stemming?", body))}
    assert definitions["stemming"].startswith("Stemming is cutting words to a root.")
    assert definitions["Term Frequency"] == ""


def test_a_part_that_asks_is_defined_by_its_own_section():
    parts = (Part("a", "What is a conditional probability?", "part-a"), Part("b", "Prove it.", "part-b"))
    body = ("Intro text here for the question.\n\n## (a) What is a conditional probability? {#part-a}\n\n"
            "A conditional probability is the chance of one event given another.\n\n"
            "## (b) Prove it. {#part-b}\n\nBy counting, as usual.\n")
    found = [f for f in find_terms(page("p", 2, "Probability", body, parts)) if f.kind == "definition"]
    assert [(f.term, f.anchor, f.definition) for f in found] == [
        ("conditional probability", "part-a", "A conditional probability is the chance of one event given another.")]


def _kb() -> list[tuple[str, QuestionPage]]:
    return pages(
        page("ml", 1, "What are skip connections?", "Skip connections are paths that carry a layer's input past it."),
        page("ml", 2, "Residual networks", "A residual network adds a skip connection around each block."),
        page("ds", 1, "What is Principal Component Analysis (PCA)?",
             "Principal component analysis (PCA) is a linear projection onto the directions of largest variance."),
        page("ds", 2, "Reducing features", "Run PCA after scaling the features."),
        page("ds", 3, "What is a lonely term?", "A lonely term is named in one question only."),
        page("ds", 4, "What is inductive bias?", "Inductive bias is what a learner assumes."),
    )


def test_spellings_plurals_and_acronyms_fold_into_one_concept(concepts):
    outcomes = {o.slug: o for o in derive(_kb(), concepts)}
    skip = outcomes["skip-connection"]
    assert (skip.status, skip.title, skip.aliases) == ("derived", "Skip connection", ())
    assert skip.questions == ("ml/q1", "ml/q2")
    pca = outcomes["principal-component-analysis"]
    assert (pca.status, pca.title, pca.aliases, pca.questions) == (
        "derived", "Principal component analysis", ("PCA",), ("ds/q1", "ds/q2"))
    definition = pca.concept.definition
    assert definition.text.startswith("Principal component analysis (PCA) is a linear projection")
    assert (definition.question, definition.anchor, definition.label) == (
        "questions/ds/q1.md", None, "Q1. What is Principal Component Analysis (PCA)?")
    assert outcomes["lonely-term"].status == "too few questions"


def test_an_existing_page_or_alias_is_never_proposed(concepts):
    # "inductive bias" is a fixture concept's title: the candidate is that page's, not a new one.
    outcomes = {o.slug: o for o in derive(_kb(), concepts)}
    assert outcomes["inductive-bias"].status == "adopted"
    assert outcomes["inductive-bias"].concept is None
    written = concept_from_text("---\ntitle: Residual link\naliases: [skip connections]\n---\nMine.\n",
                                "concepts/residual-link.md")
    again = {o.slug: o for o in derive(_kb(), [*concepts, written])}
    assert again["skip-connection"].status == "adopted"
    assert "docs/concepts/residual-link.md" in again["skip-connection"].reason


def test_a_rejected_candidate_is_left_out_with_its_reason(concepts):
    rejected = parse_rejections("Skip connections: an architecture detail, covered by residual networks\n")
    outcome = next(o for o in derive(_kb(), concepts, rejected) if o.slug == "skip-connection")
    assert outcome.status == "rejected" and outcome.concept is None
    assert outcome.reason == f"{REJECTED_FILE}: Skip connections: an architecture detail, covered by residual networks"


@pytest.mark.parametrize("text", ["- a list\n", "Skip connections: \n", "? [a]\n: b\n", "a: [1, 2]\n", "x: {\n"])
def test_a_bad_rejection_list_is_a_clear_error(text):
    with pytest.raises(PageError, match="rejected.yml"):
        parse_rejections(text)


def test_the_rejection_list_is_read_from_the_docs_folder(tmp_path):
    assert load_rejections(tmp_path) == {}
    (tmp_path / "concepts").mkdir()
    (tmp_path / REJECTED_FILE).write_text("Machine learning: every answer is about it\n", encoding="utf-8")
    assert load_rejections(tmp_path) == {"machine learning": ("Machine learning", "every answer is about it")}


def test_a_defining_sentence_alone_must_recur_across_collections(concepts):
    kb = pages(
        page("a", 1, "Losses", "Label smoothing is a way to soften the targets."),
        page("a", 2, "Targets", "We apply label smoothing to the targets."),
        page("a", 3, "More", "Again label smoothing."),
    )
    assert next(o for o in derive(kb, concepts) if o.slug == "label-smoothing").status == "too few questions"
    kb += pages(page("b", 1, "Elsewhere", "Label smoothing helps calibration."))
    assert next(o for o in derive(kb, concepts) if o.slug == "label-smoothing").status == "derived"


def test_a_phrase_of_words_every_answer_uses_is_chance_not_a_name(concepts):
    defined = [page(c, n, f"Q{n}", "Model data is a thing.") for c in "ab" for n in range(1, 3)]
    apart = [page("c", n, f"Q{n}", "The model fits the data; the data feeds the model.") for n in range(1, 9)]
    assert {o.status for o in derive(pages(*defined, *apart), concepts) if o.slug == "model-data"} == {"chance"}
    assert {o.status for o in derive(pages(*defined), concepts) if o.slug == "model-data"} == {"derived"}


def test_a_common_word_is_not_a_concept(concepts):
    kb = pages(page("a", 1, "What is a network?", "A network is layers of units."),
               *(page("a", n, f"T{n}", "The network learns.") for n in range(2, 14)),
               *(page("b", n, f"T{n}", "Nothing here.") for n in range(1, 10)))
    outcome = next(o for o in derive(kb, concepts) if o.slug == "network")
    assert outcome.status == "too common" and 12 / 22 > COMMON_SHARE


def test_the_derived_page_quotes_its_definition_as_text(concepts):
    kb = pages(page("h", 1, "What is a zebra kernel?", "A zebra kernel is <script>alert('x')</script> a **striped** "
                    "[kernel](javascript:evil) over $x<y$ & more."),
               page("h", 2, "Kernels", "The zebra kernel again."))
    concept = next(o.concept for o in derive(kb, concepts) if o.slug == "zebra-kernel")
    assert concept.definition.text == "A zebra kernel is <script>alert('x')</script> a striped kernel over $x<y$ & more."
    body = derived_body(concept)
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in body and "<script>" not in body
    assert "javascript:" not in body
    assert '<span class="arithmatex">\\(x&lt;y\\)</span> &amp; more.' in body
    assert '<a href="../../questions/h/q1/">Q1. What is a zebra kernel?</a>' in body


def test_a_bold_term_that_opens_a_definition_is_found_even_as_one_word():
    body = "**Dropout** is a way to regularize. **Note** this.\n\nDropout is used.\n\n- **Jitter** refers to noise.\n"
    found = [(f.kind, f.term) for f in find_terms(page("b", 1, "Tricks", body))]
    assert found == [("sentence", "Dropout"), ("sentence", "Jitter")]
