"""Fit the paragraph classifier on labelled pages and describe it in a model card."""
from __future__ import annotations

import hashlib
import platform
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import sklearn
from sklearn.pipeline import Pipeline

from .features import FEATURE_VERSION, ParagraphFeaturizer
from .model import LABELS, BodyClassifier

if TYPE_CHECKING:
    from cleaner.paragraph import Paragraph


@dataclass(frozen=True)
class LabelledPage:
    """One page's paragraphs (with languages) and a label for each, from one source."""

    id: str
    source: str
    paragraphs: Sequence["Paragraph"]
    labels: Sequence[str]
    weight: float = 1.0
    # Pages that share text (a site's pages, a page and its copies) share a group: the model's
    # cross-fitting keeps a group in one fold, so no stage is fitted on text it is then scored on.
    group: str = ""

    @property
    def fold_group(self) -> str:
        """The group the model's cross-fitting keeps together (the page itself when none is given)."""
        return self.group or self.id


def make_pipeline(random_state: int = 0, **model_params) -> Pipeline:
    """Featurizer + classifier as one scikit-learn Pipeline."""
    return Pipeline([("features", ParagraphFeaturizer()),
                     ("model", BodyClassifier(random_state=random_state, **model_params))])


def training_rows(pages: Sequence[LabelledPage]) -> tuple[list, np.ndarray, np.ndarray]:
    """Flatten pages into paragraphs, labels and sample weights (longer paragraphs weigh more)."""
    paragraphs: list = []
    labels: list[str] = []
    weights: list[float] = []
    for page in pages:
        if not page.paragraphs:
            continue
        if len(page.paragraphs) != len(page.labels):
            raise ValueError(f"page {page.id}: {len(page.paragraphs)} paragraphs but {len(page.labels)} labels")
        for i, (p, label) in enumerate(zip(page.paragraphs, page.labels)):
            if label not in LABELS:
                raise ValueError(f"page {page.id}: unknown label {label!r}; labels are {', '.join(LABELS)}")
            # The featurizer finds pages by index == 0, so indices are renumbered per page.
            paragraphs.append(p if p.index == i else p.with_(index=i))
            labels.append(label)
            weights.append(page.weight * np.log1p(len(p.text)))
    return paragraphs, np.array(labels), np.array(weights)


def fit(pages: Sequence[LabelledPage], random_state: int = 0, **model_params) -> tuple[Pipeline, dict]:
    """Train the pipeline on labelled pages; return it with the training part of its card."""
    paragraphs, labels, weights = training_rows(pages)
    if not paragraphs:
        raise ValueError("no labelled paragraphs to train on")
    groups = [page.fold_group for page in pages if page.paragraphs for _ in page.paragraphs]
    pipe = make_pipeline(random_state=random_state, **model_params)
    pipe.fit(paragraphs, labels, model__sample_weight=weights, model__groups=groups)
    return pipe, training_summary(pages, labels, pipe)


def training_summary(pages: Sequence[LabelledPage], labels: np.ndarray, pipe: Pipeline) -> dict:
    """What the model was trained on, for the model card."""
    per_source: dict[str, dict[str, int]] = {}
    digest = hashlib.sha256()
    for page in pages:
        s = per_source.setdefault(page.source, {"pages": 0, "paragraphs": 0})
        s["pages"] += 1
        s["paragraphs"] += len(page.paragraphs)
        digest.update(page.id.encode())
        digest.update("\x1f".join(page.labels).encode())
        digest.update("\x1e".join(p.text for p in page.paragraphs).encode("utf-8", "replace"))
    model = pipe.named_steps["model"]
    return {
        "labels": [str(c) for c in model.classes_],
        "feature_version": FEATURE_VERSION,
        "model_params": {k: v for k, v in model.get_params().items()},
        "training_data": {"sources": per_source, "label_counts": dict(Counter(labels.tolist())),
                          "sha256": digest.hexdigest()},
        "python": platform.python_version(),
        "numpy_version": np.__version__,
        "sklearn_version": sklearn.__version__,
    }
