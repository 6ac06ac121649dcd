"""The model's fast paths (trees walked by one compiled loop, the text model without input checks, tokens hashed
for the whole page in one pass) give scikit-learn's own numbers, bit for bit."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils import murmurhash3_32

from classifier.model import tree_proba
from classifier.pagetext import hash_tokens
from classifier.ranked_trees import ranked_trees


def _data(n_classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    X = np.column_stack([
        rng.rand(600),                                  # continuous
        rng.randint(0, 5, 600) / 4.0,                   # few values: thresholds fall on them
        np.log1p(rng.randint(0, 300, 600)),
        1.0 - 10.0 ** -rng.uniform(3, 13, 600),         # probabilities near 1, beyond float32's reach
    ])
    y = (X[:, 0] + X[:, 1] + (X[:, 3] > 1 - 1e-8) + rng.rand(600) * 0.5) * n_classes // 3.5
    return X, np.clip(y, 0, n_classes - 1).astype(int)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_same_probabilities_as_scikit_learn(n_classes: int) -> None:
    X, y = _data(n_classes)
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y)
    test, _ = _data(n_classes, seed=1)
    test = np.vstack([test, X[:50]])     # rows equal to training values, where thresholds sit
    assert ranked_trees(model) is not None
    assert np.array_equal(tree_proba(model, test), model.predict_proba(test))


def test_rows_with_missing_values_take_scikit_learns_walk() -> None:
    X, y = _data(2)
    X[::7, 2] = np.nan
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    assert np.array_equal(tree_proba(model, X), model.predict_proba(X))


def test_a_refit_model_is_walked_with_its_new_trees() -> None:
    X, y = _data(2)
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)
    first = ranked_trees(model)
    model.set_params(max_iter=25).fit(X, 1 - y)
    assert ranked_trees(model) is not first
    assert np.array_equal(tree_proba(model, X), model.predict_proba(X))


def test_the_text_models_probabilities_are_scikit_learns() -> None:
    from scipy import sparse
    from sklearn.linear_model import SGDClassifier

    from classifier.model import BodyClassifier

    rng = np.random.RandomState(0)
    hashed = sparse.random(300, 50, density=0.1, format="csr", random_state=rng)
    y = np.array(["body", "meta", "boilerplate", "title"])[rng.randint(0, 4, 300)]
    model = BodyClassifier()
    model.text_model_ = SGDClassifier(loss="log_loss", random_state=0).fit(hashed, y)
    assert np.array_equal(model._text_proba(hashed), model.text_model_.predict_proba(hashed))


def _reference_hashes(pieces: list[tuple[str, list[str]]]) -> list[int]:
    return [murmurhash3_32(prefix + item, 0) for prefix, items in pieces for item in items]


def test_page_tokens_hash_as_scikit_learn_hashes_them() -> None:
    # Lengths 0–40 bytes cross every tail size and the one-at-a-time path for long tokens (36 bytes or more).
    words = ["", "a", "ab", "abc", "abcd", "çerez", "куки", "隐私政策", "😀x", "w" * 35, "w" * 36, "ü" * 20]
    pieces = [("", words), ("t:", words[::-1]), ("cls:", []), ("lang:", ["tr", "en"])]
    assert hash_tokens(pieces).tolist() == _reference_hashes(pieces)


def test_a_token_holding_the_separator_still_hashes_right() -> None:
    pieces = [("", ["two\nlines", "one"]), ("p:", ["\n"])]
    assert hash_tokens(pieces).tolist() == _reference_hashes(pieces)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=4), st.lists(st.text(max_size=50), max_size=8)), max_size=6))
def test_any_tokens_hash_as_scikit_learn_hashes_them(pieces: list[tuple[str, list[str]]]) -> None:
    assert hash_tokens(pieces).tolist() == _reference_hashes(pieces)
