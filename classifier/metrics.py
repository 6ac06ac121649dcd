"""Evaluation metrics: the page-level shingle metric and paragraph-level P/R/F1.

Page level
----------
Re-implements the metric of scrapinghub/article-extraction-benchmark
(``evaluate.py``: ``string_shingle_matching`` and ``metrics_from_tp_fp_fns``)
so that our figures can be put beside its published table. Choices followed:

* Tokens are the ``\\w+`` matches of the text (Unicode), **case kept**: the
  benchmark compiles its regex with IGNORECASE, which has no effect on what
  ``findall`` returns, so "The" and "the" are different tokens.
* Shingles are the 4-grams of consecutive tokens, counted as a **multiset**
  (a ``Counter``): a shingle that occurs twice in the truth must be predicted
  twice to be fully recalled. A text with 1 to n-1 tokens has one (shorter)
  shingle made of all its tokens; a text without tokens has no shingles.
* Per page: tp = sum of min(true, pred) counts, fp = surplus of predicted
  counts, fn = surplus of true counts; precision = tp / (tp + fp),
  recall = tp / (tp + fn). (The benchmark also divides tp/fp/fn by their sum;
  that does not change P or R.) When fp == fn == 0 (identical, or both empty)
  P = R = 1; an empty prediction against a non-empty truth has P = R = 0; a
  non-empty prediction against an empty truth has P = 0, R = 0.
* Corpus: P is the plain mean of the per-page precisions over the pages whose
  prediction has at least one shingle (tp + fp > 0), R the mean of the
  per-page recalls over the pages whose truth has at least one shingle
  (tp + fn > 0) -- so an empty prediction lowers recall but is left out of
  precision, exactly as in the benchmark; a page where both are empty counts
  in neither mean. F1 is the harmonic mean of the two means (not a mean of
  per-page F1s). Where the benchmark would crash (no page qualifies for a
  mean, or P + R == 0) we report 0.0.

Paragraph level
---------------
Precision, recall and F1 of the positive class ("body"), pooled over all the
paragraphs given. If there are neither false positives nor false negatives
(e.g. nothing to find and nothing claimed) all three are 1.0, following the
benchmark's convention; otherwise an undefined ratio is 0.0.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["Scores", "shingles", "page_scores", "corpus_scores", "paragraph_scores"]

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Scores:
    """Precision, recall, F1 and the number of items (pages or paragraphs) they cover."""

    precision: float
    recall: float
    f1: float
    n: int


def _tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter:
    """Multiset of the n-grams (tuples) of ``\\w+`` tokens of ``text``.

    A text with fewer than ``n`` tokens (but at least one) yields a single
    shorter shingle; an empty text yields an empty Counter.
    """
    if n < 1:
        raise ValueError("n must be >= 1")
    toks = _tokens(text)
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def _tp_fp_fn(predicted: str, true: str) -> tuple[int, int, int]:
    pred = shingles(predicted)
    gold = shingles(true)
    tp = sum((pred & gold).values())            # min of the two counts
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp + fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp + fn == 0:
        return 0.0
    return tp / (tp + fn)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def page_scores(predicted: str, true: str) -> tuple[float, float]:
    """(precision, recall) of ``predicted`` against ``true`` for one page (see module doc)."""
    tp, fp, fn = _tp_fp_fn(predicted, true)
    return _precision(tp, fp, fn), _recall(tp, fp, fn)


def corpus_scores(pairs: Iterable[tuple[str, str]]) -> Scores:
    """Macro-averaged shingle scores over ``(predicted, true)`` pairs, one per page.

    ``n`` is the number of pages given. Raises ``ValueError`` when there are none.
    """
    precisions: list[float] = []
    recalls: list[float] = []
    n = 0
    for predicted, true in pairs:
        n += 1
        tp, fp, fn = _tp_fp_fn(predicted, true)
        if tp + fp > 0:
            precisions.append(_precision(tp, fp, fn))
        if tp + fn > 0:
            recalls.append(_recall(tp, fp, fn))
    if n == 0:
        raise ValueError("corpus_scores() needs at least one page")
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return Scores(precision=p, recall=r, f1=_f1(p, r), n=n)


def paragraph_scores(y_true: Sequence[bool], y_pred: Sequence[bool]) -> Scores:
    """Pooled precision/recall/F1 of the positive ("body") class over paragraphs."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    tp = fp = fn = 0
    for t, p in zip(y_true, y_pred):
        t, p = bool(t), bool(p)
        tp += t and p
        fp += p and not t
        fn += t and not p
    prec, rec = _precision(tp, fp, fn), _recall(tp, fp, fn)
    return Scores(precision=prec, recall=rec, f1=_f1(prec, rec), n=len(y_true))
