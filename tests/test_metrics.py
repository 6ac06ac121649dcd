"""Page-level shingle metric (article-extraction-benchmark) and paragraph-level scores."""
import math

import pytest

from classifier.metrics import Scores, corpus_scores, page_scores, paragraph_scores, shingles


def words(prefix: str, n: int) -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


ARTICLE = words("w", 400)


def test_identical_text_scores_one():
    assert page_scores(ARTICLE, ARTICLE) == (1.0, 1.0)
    assert corpus_scores([(ARTICLE, ARTICLE)]) == Scores(1.0, 1.0, 1.0, 1)


def test_disjoint_text_scores_zero():
    assert page_scores(words("x", 50), words("y", 50)) == (0.0, 0.0)
    s = corpus_scores([(words("x", 50), words("y", 50))])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_prediction_with_half_the_truth():
    half = words("w", 200)
    p, r = page_scores(half, ARTICLE)
    assert p == 1.0
    assert r == pytest.approx(0.5, abs=0.01)          # 197 of 397 shingles


def test_punctuation_and_spacing_do_not_matter_but_case_does():
    assert page_scores("Hello, world -- this is\n\nit!", "Hello world this is it") == (1.0, 1.0)
    # The benchmark keeps case: "The" and "the" are different tokens.
    p, r = page_scores("the cat sat on the mat", "The cat sat on the mat")
    assert (p, r) == (pytest.approx(2 / 3), pytest.approx(2 / 3))   # 2 of 3 shingles agree


def test_shingles_are_a_multiset_of_4_grams():
    s = shingles("a b c d e a b c d")
    assert s[("a", "b", "c", "d")] == 2
    assert sum(s.values()) == 6
    # A repeated passage must be predicted twice to be fully recalled.
    p, r = page_scores("a b c d e", "a b c d e a b c d e")
    assert p == 1.0 and r == pytest.approx(2 / 7)


def test_short_and_empty_texts():
    assert shingles("two words") == {("two", "words"): 1}
    assert shingles("") == {} and shingles("  ... ") == {}
    assert page_scores("two words", "two words") == (1.0, 1.0)


def test_empty_prediction_as_in_the_benchmark():
    # Page level: nothing predicted against a real body scores 0 / 0 ...
    assert page_scores("", ARTICLE) == (0.0, 0.0)
    # ... but in the corpus the page is left out of the precision mean, kept in recall.
    s = corpus_scores([("", ARTICLE), (ARTICLE, ARTICLE)])
    assert s.precision == 1.0
    assert s.recall == 0.5
    assert s.f1 == pytest.approx(2 / 3)
    assert s.n == 2


def test_empty_truth_as_in_the_benchmark():
    # Text predicted on a page with no body: precision 0, left out of the recall mean.
    assert page_scores("some menu text here", "") == (0.0, 0.0)
    s = corpus_scores([("some menu text here", ""), (ARTICLE, ARTICLE)])
    assert (s.precision, s.recall) == (0.5, 1.0)
    # Both empty: perfect on the page, and counted in neither mean.
    assert page_scores("", "") == (1.0, 1.0)
    s = corpus_scores([("", ""), (words("w", 7), ARTICLE)])
    assert s.precision == 1.0 and s.recall == pytest.approx(4 / 397)


def test_macro_average_over_two_pages_computed_by_hand():
    # Page 1: truth 7 tokens (4 shingles), prediction its first 5 tokens (2 shingles).
    page1 = (words("a", 5), words("a", 7))                  # P = 1,   R = 2/4
    # Page 2: truth 5 tokens (2 shingles); prediction adds 5 more tokens (7 shingles).
    page2 = (words("b", 5) + " " + words("c", 5), words("b", 5))   # P = 2/7, R = 1
    assert page_scores(*page1) == (1.0, 0.5)
    assert page_scores(*page2) == (pytest.approx(2 / 7), 1.0)
    s = corpus_scores([page1, page2])
    p, r = (1 + 2 / 7) / 2, (0.5 + 1) / 2
    assert s.precision == pytest.approx(p)
    assert s.recall == pytest.approx(r)
    assert s.f1 == pytest.approx(2 * p * r / (p + r))        # F1 of the means ...
    assert not math.isclose(s.f1, (2 / 3 + 4 / 9) / 2)       # ... not the mean of page F1s
    assert s.n == 2


def test_corpus_scores_needs_pages_and_accepts_generators():
    with pytest.raises(ValueError):
        corpus_scores([])
    s = corpus_scores((ARTICLE, ARTICLE) for _ in range(3))
    assert s.n == 3 and s.f1 == 1.0


def test_paragraph_scores_pool_over_paragraphs():
    y_true = [True, True, True, False, False, False]
    y_pred = [True, True, False, True, False, False]
    s = paragraph_scores(y_true, y_pred)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    assert s.n == 6


def test_paragraph_scores_edge_cases():
    assert paragraph_scores([True, False], [False, False]) == Scores(0.0, 0.0, 0.0, 2)
    assert paragraph_scores([False, False], [False, False]) == Scores(1.0, 1.0, 1.0, 2)
    assert paragraph_scores([False], [True]) == Scores(0.0, 0.0, 0.0, 1)
    with pytest.raises(ValueError):
        paragraph_scores([True], [True, False])
