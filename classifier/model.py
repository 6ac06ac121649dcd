"""The scikit-learn estimator: P(label) per paragraph, then a pass that sees the neighbours' P.

Three stages, stacked with out-of-fold predictions grouped by site, page copy and string so that no stage
learns from predictions made on its own training rows:
  1. a linear model over the hashed tokens (words, word pairs, class/id tokens) → P(label);
  2. gradient-boosted trees over the numeric features + stage 1 → P(body) (body against the rest);
  3. the same trees again, also seeing stage 2's P(body) of the neighbours (previous, next,
     windows of 3/7/21, page mean, the page's body mass before and after) → final P(label).
"""
from __future__ import annotations

import hashlib

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from .features import DENSE_NAMES, N_DENSE, page_slices
from .ranked_trees import ranked_trees

try:    # the compiled tree walk behind HistGradientBoostingClassifier.predict_proba
    from sklearn.ensemble._hist_gradient_boosting._predictor import _predict_from_raw_data
except ImportError:     # another scikit-learn layout: the public method does the same, slower
    _predict_from_raw_data = None

LABELS = ("body", "title", "meta", "boilerplate")
N_NEIGHBOUR = 13
_LANG_KEY = DENSE_NAMES.index("lang_key")


def _window_mean(v: np.ndarray, r: int) -> np.ndarray:
    c = np.concatenate([[0.0], np.cumsum(v)])
    idx = np.arange(len(v))
    lo = np.maximum(0, idx - r)
    hi = np.minimum(len(v), idx + r + 1)
    return (c[hi] - c[lo]) / (hi - lo)


def neighbour_features(p_body: np.ndarray, chars: np.ndarray, slices: list[slice],
                       lang_keys: np.ndarray | None = None) -> np.ndarray:
    """Features of each paragraph's neighbours' P(body), computed page by page."""
    out = np.zeros((len(p_body), N_NEIGHBOUR))
    for s in slices:
        p = p_body[s]
        c = chars[s]
        n = len(p)
        o = out[s]
        o[:, 0] = np.r_[0.0, p[:-1]]
        o[:, 1] = np.r_[p[1:], 0.0]
        o[:, 2] = _window_mean(p, 1)
        o[:, 3] = _window_mean(p, 3)
        o[:, 4] = _window_mean(p, 10)
        o[:, 5] = p.mean()
        o[:, 6] = p.max()
        mass = p * c
        cum = np.cumsum(mass)
        total = cum[-1] or 1.0
        o[:, 7] = (cum - mass) / total
        o[:, 8] = (cum[-1] - cum) / total
        o[:, 9] = (np.argsort(np.argsort(p)) / max(1, n - 1)) if n > 1 else 1.0
        # distance (in paragraphs) to the nearest confident body paragraph
        body_idx = np.flatnonzero(p > 0.5)
        if len(body_idx):
            pos = np.arange(n)
            nearest = np.abs(pos[:, None] - body_idx[None, :]).min(axis=1) if n * len(body_idx) < 4_000_000 \
                else np.zeros(n)
            o[:, 10] = np.log1p(nearest)
        else:
            o[:, 10] = np.log1p(n)
        o[:, 11] = (p > 0.5).mean()
        if lang_keys is not None:
            # Share of the page's likely body text written in this paragraph's language: an article
            # is written in one language, so a long notice in another stands out whatever it says.
            keys = lang_keys[s]
            mass_by_lang: dict[float, float] = {}
            for k, m in zip(keys, mass):
                mass_by_lang[k] = mass_by_lang.get(k, 0.0) + m
            o[:, 12] = [mass_by_lang[k] / total if k else 0.5 for k in keys]
    return out


def fold_of(group: str, n_folds: int) -> int:
    """The cross-fitting fold of a group of pages: a stable hash, the same in every run and process."""
    return int.from_bytes(hashlib.sha1(group.encode("utf-8")).digest()[:4], "big") % n_folds


def tree_proba(trees: HistGradientBoostingClassifier, X: np.ndarray) -> np.ndarray:
    """trees.predict_proba(X), the same numbers, without scikit-learn's per-tree overhead.

    A page is a few hundred rows and the model has hundreds of trees: one call into compiled code
    per tree costs more than walking it, so the trees are walked by one compiled loop
    (classifier/ranked_trees.py). Rows with missing values, and scikit-learn layouts that loop does
    not fit, take the per-tree walk. One thread: parallelism belongs across pages.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != trees.n_features_in_:
        return trees.predict_proba(X)      # let scikit-learn raise its own error
    ranked = ranked_trees(trees)
    if ranked is not None and not np.isnan(X).any():
        return trees._loss.predict_proba(ranked.raw(X))
    if _predict_from_raw_data is None or getattr(trees, "is_categorical_", None) is not None:
        return trees.predict_proba(X)
    known_cat_bitsets, f_idx_map = trees._bin_mapper.make_known_categories_bitsets()
    raw = np.zeros((X.shape[0], trees.n_trees_per_iteration_), dtype=trees._baseline_prediction.dtype, order="F")
    raw += trees._baseline_prediction
    out = np.empty(X.shape[0], dtype=raw.dtype)
    for per_iteration in trees._predictors:
        for k, predictor in enumerate(per_iteration):
            _predict_from_raw_data(predictor.nodes, X, predictor.raw_left_cat_bitsets, known_cat_bitsets,
                                   f_idx_map, 1, out)
            raw[:, k] += out
    return trees._loss.predict_proba(raw)


def _without_sgd_buffers(model: SGDClassifier) -> SGDClassifier:
    """The model without the copies averaged SGD keeps for partial_fit (2 × 8 MB here): predicting uses coef_."""
    for name in ("_standard_coef", "_standard_intercept", "_average_coef", "_average_intercept"):
        model.__dict__.pop(name, None)
    return model


class BodyClassifier(BaseEstimator, ClassifierMixin):
    """Paragraph classifier (body / title / meta / boilerplate) with a neighbour pass.

    X is the CSR matrix from ParagraphFeaturizer: the first `n_dense` columns are numeric
    (column 0 marks page starts), the rest hashed tokens.
    """

    def __init__(self, n_dense: int = N_DENSE, text_alpha: float = 2e-6, max_iter: int = 200,
                 learning_rate: float = 0.1, max_leaf_nodes: int = 31, min_samples_leaf: int = 40,
                 n_folds: int = 4, neighbour_pass: bool = True, binary_first: bool = True,
                 text_average: bool = True, l2_regularization: float = 0.0, random_state: int = 0):
        self.n_dense = n_dense
        self.text_alpha = text_alpha
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.n_folds = n_folds
        self.neighbour_pass = neighbour_pass
        self.binary_first = binary_first
        self.text_average = text_average
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    # -- building blocks -------------------------------------------------
    def _text_model(self) -> SGDClassifier:
        # Averaged SGD: the last iterate of plain SGD at this little regularisation moved with the
        # shuffling order, and the trees stacked on it moved with it from seed to seed (bench/RESULTS.md,
        # "A steadier text model").
        return SGDClassifier(loss="log_loss", alpha=self.text_alpha, max_iter=15, tol=None,
                             average=self.text_average, random_state=self.random_state)

    def _trees(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
            early_stopping=False, random_state=self.random_state)

    def _split(self, X):
        X = sparse.csr_matrix(X)
        dense = X[:, :self.n_dense].toarray()
        return dense, X[:, self.n_dense:]

    def _tree_input(self, dense: np.ndarray) -> np.ndarray:
        """Dense features the trees see (the language id column is for grouping only)."""
        if self.n_dense > _LANG_KEY:
            return np.delete(dense, _LANG_KEY, axis=1)
        return dense

    @staticmethod
    def _oof(model, X, y, w, folds) -> np.ndarray:
        classes = np.unique(y)
        out = np.zeros((X.shape[0], len(classes)))
        for tr, te in folds:
            m = clone(model).fit(X[tr], y[tr], sample_weight=None if w is None else w[tr])
            out[np.ix_(te, np.searchsorted(classes, m.classes_))] = m.predict_proba(X[te])
        return out

    def _first_labels(self, y: np.ndarray) -> np.ndarray:
        # Before the neighbour pass, stage 1 only hands on P(body): body against the rest needs
        # one tree per iteration instead of one per label, and the trees are most of a page's time.
        if self.binary_first and self.neighbour_pass:
            return np.where(y == "body", "body", "other")
        return y

    @staticmethod
    def _body_of(p: np.ndarray, classes) -> np.ndarray:
        classes = list(classes)
        if "body" not in classes:
            raise ValueError("the training labels have no 'body' paragraph; a model needs some")
        return p[:, classes.index("body")]

    def _stack(self, dense, p_text, p_body_first, slices):
        parts = [self._tree_input(dense), p_text]
        if p_body_first is not None:
            chars = np.expm1(dense[:, 1])
            keys = dense[:, _LANG_KEY] if self.n_dense > _LANG_KEY else None
            parts.append(neighbour_features(p_body_first, chars, slices, keys))
        return np.hstack(parts)

    # -- estimator contract ----------------------------------------------
    def _folds(self, dense: np.ndarray, y: np.ndarray, slices: list[slice], groups) -> list:
        """Cross-fitting folds: by `groups` (one name per row) when given, else page by page."""
        n_folds = max(2, min(self.n_folds, len(slices)))
        if groups is not None:
            if len(groups) != len(y):
                raise ValueError(f"groups has {len(groups)} entries for {len(y)} rows")
            names, inverse = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
            if len(names) >= 2:
                fold = np.array([fold_of(name, n_folds) for name in names], dtype=int)[inverse]
                folds = [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(n_folds)]
                folds = [(tr, te) for tr, te in folds if len(te) and len(tr)]
                if len(folds) >= 2:
                    return folds
                # too few groups for the hash to spread them: balance them over the folds instead
                return list(GroupKFold(n_splits=min(n_folds, len(names))).split(dense, y, inverse))
        page = np.zeros(len(y), dtype=int)
        for i, s in enumerate(slices):
            page[s] = i
        # Pages are shuffled into folds by a seeded permutation so training is reproducible.
        perm = np.random.RandomState(self.random_state).permutation(len(slices))
        return list(GroupKFold(n_splits=n_folds).split(dense, y, perm[page]))

    def fit(self, X, y, sample_weight=None, groups=None) -> "BodyClassifier":
        """Learn all stages from a page-ordered feature matrix and labels.

        `groups` names, per row, what must stay in one cross-fitting fold (a site, a page and its
        copies, pages built from the same strings); without it each page is its own group."""
        dense, hashed = self._split(X)
        y = np.asarray(y)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        self.classes_ = np.unique(y)
        slices = page_slices(dense[:, 0])
        folds = self._folds(dense, y, slices, groups)
        p_text = self._oof(self._text_model(), hashed, y, w, folds)
        self.text_model_ = _without_sgd_buffers(self._text_model().fit(hashed, y, sample_weight=w))
        first_X = self._stack(dense, p_text, None, slices)
        y_first = self._first_labels(y)
        self.first_ = self._trees().fit(first_X, y_first, sample_weight=w)
        if self.neighbour_pass:
            p_first = self._body_of(self._oof(self._trees(), first_X, y_first, w, folds), np.unique(y_first))
            self.second_ = self._trees().fit(self._stack(dense, p_text, p_first, slices), y, sample_weight=w)
        self.n_features_in_ = X.shape[1]
        self._lay_out_text_model()
        return self

    def __setstate__(self, state):
        # Models saved before these parameters existed used plain SGD and unregularised trees.
        state = {"text_average": False, "l2_regularization": 0.0, **state}
        super().__setstate__(state)
        self._lay_out_text_model()
        for trees in (getattr(self, "first_", None), getattr(self, "second_", None)):
            if trees is not None:
                ranked_trees(trees)     # laid out now, not on the first page

    def _lay_out_text_model(self) -> None:
        # The text model's weights, one row per label over 2**18 hashed columns, stored column-major:
        # X @ coef_.T then reads them in place. Row-major, scipy copied all 8 MB on every page
        # (2.6 ms and an 8 MB transient on a large page; 0.65 ms without the copy, same numbers).
        model = getattr(self, "text_model_", None)
        if model is not None and hasattr(model, "coef_"):
            model.coef_ = np.asfortranarray(model.coef_)

    def predict_proba(self, X) -> np.ndarray:
        """P(label) per paragraph, columns in `classes_` order."""
        check_is_fitted(self, "first_")
        dense, hashed = self._split(X)
        slices = page_slices(dense[:, 0])
        p_text = self._text_proba(hashed)
        first_X = self._stack(dense, p_text, None, slices)
        p = tree_proba(self.first_, first_X)
        if self.neighbour_pass:
            p_body = self._body_of(p, self.first_.classes_)
            p = tree_proba(self.second_, self._stack(dense, p_text, p_body, slices))
        return p

    def _text_proba(self, hashed) -> np.ndarray:
        """text_model_.predict_proba(hashed), the same numbers, without scikit-learn's input checks
        (a fifth of a millisecond a page: four times the product itself)."""
        model = self.text_model_
        if type(model) is not SGDClassifier or model.loss != "log_loss" or model.coef_.shape[0] < 2:
            return model.predict_proba(hashed)
        # LinearClassifierMixin._predict_proba_lr: one-vs-rest logistic scores, normalised.
        p = hashed @ model.coef_.T + model.intercept_
        expit(p, out=p)
        p /= p.sum(axis=1).reshape((p.shape[0], -1))
        return p

    def predict(self, X) -> np.ndarray:
        """Most probable label per paragraph."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
