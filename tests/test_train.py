"""Training: labels from the corpus, a seeded and reproducible model, a complete card."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import cleaner
from classifier.train import LabelledPage, fit
from cleaner.cli import main
from cleaner.datasets import corpus_labels, labelled_page, read_records

from conftest import ROOT

CORPUS = ROOT / "corpus" / "pages.jsonl"


def _pages(limit=None):
    return [labelled_page(r) for r in read_records(CORPUS, limit)]


def test_corpus_pages_get_every_label_from_the_guide():
    labels = {label for page in _pages() for label in page.labels}
    assert labels == {"body", "title", "meta", "boilerplate"}


def test_corpus_labels_follow_the_hand_labels_by_text():
    paragraphs = cleaner.api.segment("Head line\n\nBody text one. More.\n\nX\nCookie text here.").paragraphs
    labelled = [{"text": "Head line", "label": "title"}, {"text": "Body text one. More.", "label": "body"},
                {"text": "X", "label": "boilerplate"}, {"text": "Cookie text here.", "label": "boilerplate"}]
    assert corpus_labels(paragraphs, labelled) == ["title", "body", "boilerplate", "boilerplate"]


def test_training_is_seeded_and_reproducible():
    pages = _pages(20)
    a, _ = fit(pages, random_state=3, max_iter=10, n_folds=2)
    b, _ = fit(pages, random_state=3, max_iter=10, n_folds=2)
    rows = [p for page in pages for p in page.paragraphs]
    assert np.array_equal(a.predict_proba(rows), b.predict_proba(rows))


def test_sklearn_estimator_contract():
    from sklearn.base import clone
    from classifier.model import BodyClassifier
    model = BodyClassifier(max_iter=7)
    assert clone(model).get_params()["max_iter"] == 7
    assert not hasattr(model, "classes_")


def test_train_command_writes_a_model_and_card_that_load(tmp_path):
    out = tmp_path / "tiny.joblib"
    assert main(["train", "--corpus", str(CORPUS), "--max-iter", "10", "--limit", "20", "-o", str(out)]) == 0
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["training_data"]["sources"]["corpus/pages"]["pages"] == 20
    assert card["sha256"] and card["labels"]
    result = cleaner.Cleaner(out).clean(ROOT.joinpath("examples", "sample_article.html").read_text())
    assert result.paragraphs
