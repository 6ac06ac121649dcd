"""A HistGradientBoostingClassifier's trees walked by one compiled loop instead of one call per tree.

scikit-learn walks a histogram-gradient-boosting model with one call into compiled code per tree;
a page is a few hundred rows and our model has hundreds of trees, so those calls cost more than the
walks. scikit-learn's older gradient-boosting module has a compiled loop over many trees
(`predict_stages`), but it takes float32 input and `sklearn.tree` Trees. Each tree is re-laid here
as such a Tree whose thresholds are ranks: a feature value becomes the number of the model's
thresholds on that feature lying below it, so `rank(x) <= j` exactly when `x <= threshold_j`, and
ranks are small integers that float32 holds exactly. Same leaves, added in the same order: the same
raw scores, bit for bit.
"""
from __future__ import annotations

import threading
import weakref
from typing import Optional

import numpy as np

try:
    from sklearn.ensemble._gradient_boosting import predict_stages
    from sklearn.tree._tree import NODE_DTYPE, TREE_LEAF, TREE_UNDEFINED, Tree
except ImportError:     # another scikit-learn layout: callers fall back to scikit-learn's own walk
    predict_stages = None


class _Holder:
    """What predict_stages reads per tree: an object with a `tree_`."""

    __slots__ = ("tree_",)

    def __init__(self, tree: "Tree"):
        self.tree_ = tree


class RankedTrees:
    """One fitted HistGradientBoostingClassifier's trees, as rank-threshold Trees for predict_stages."""

    def __init__(self, model):
        predictors = self.source = model._predictors     # a refit model gets new ones
        n_features = model.n_features_in_
        nodes = [p.nodes for per_iteration in predictors for p in per_iteration]
        every = np.concatenate(nodes)
        inner = every["is_leaf"] == 0
        feature = every["feature_idx"].astype(np.int64)
        threshold = every["num_threshold"]
        # Every threshold the model uses, per feature, sorted: a value's rank is its position among them.
        self.cuts = [np.unique(threshold[inner & (feature == f)]) for f in range(n_features)]
        self.used = [f for f in range(n_features) if len(self.cuts[f])]
        self._used_cuts = [(f, self.cuts[f]) for f in self.used]
        rank = np.full(len(every), float(TREE_UNDEFINED))
        for f in self.used:
            at = inner & (feature == f)
            rank[at] = np.searchsorted(self.cuts[f], threshold[at])
        laid = np.zeros(len(every), dtype=NODE_DTYPE)
        laid["left_child"] = np.where(inner, every["left"].astype(np.int64), TREE_LEAF)
        laid["right_child"] = np.where(inner, every["right"].astype(np.int64), TREE_LEAF)
        laid["feature"] = np.where(inner, feature, TREE_UNDEFINED)
        laid["threshold"] = rank
        laid["n_node_samples"] = every["count"]
        laid["weighted_n_node_samples"] = every["count"]
        values = every["value"].astype(np.float64).reshape(-1, 1, 1)
        self.baseline = model._baseline_prediction
        self.n_outputs = model.n_trees_per_iteration_
        self.stages = np.empty((len(predictors), self.n_outputs), dtype=object)
        start = 0
        for i, src in enumerate(nodes):
            end = start + len(src)
            tree = Tree(n_features, np.array([1], dtype=np.intp), 1)
            tree.__setstate__({"max_depth": int(src["depth"].max()), "node_count": len(src),
                               "nodes": laid[start:end], "values": values[start:end]})
            self.stages[divmod(i, self.n_outputs)] = _Holder(tree)
            start = end

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The model's raw scores (before the link function) for rows of X without missing values."""
        ranks = np.zeros(X.shape, dtype=np.float32)
        for f, cuts in self._used_cuts:    # the array's own method: np.searchsorted's dispatch costs as much
            ranks[:, f] = cuts.searchsorted(X[:, f], side="left")
        out = np.empty((X.shape[0], self.n_outputs), dtype=np.float64)
        out[:] = self.baseline
        predict_stages(self.stages, ranks, 1.0, out)
        return out


_built: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def ranked_trees(model) -> Optional[RankedTrees]:
    """The model's RankedTrees, built once per fitted model; None where they cannot stand in for it."""
    if predict_stages is None or getattr(model, "is_categorical_", None) is not None:
        return None
    with _lock:
        found = _built.get(model)
        if found is None or found.source is not model._predictors:
            found = _built[model] = RankedTrees(model)
        return found
