"""The batch n-gram scorer gives py3langid's own probabilities, whatever the batch."""
from __future__ import annotations

import numpy as np
import pytest

from cleaner import ngram_scores
from cleaner.ngram_scores import KNOWN_DEPTHS, NgramScorer, PackedTransitions, automaton_depth

TEXTS = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Bu web sitesi, deneyiminizi geliştirmek için çerezler kullanmaktadır.",
    "Sayt təcrübənizi yaxşılaşdırmaq üçün kukilərdən istifadə edir.",
    "Правительство одобрило новый бюджет после долгих обсуждений.",
    "وافقت الحكومة على الميزانية الجديدة بعد نقاش طويل",
    "政府在长时间辩论后批准了新预算。",
    "ÇOK ÖNEMLİ BİR DUYURU",          # all upper case: py3langid lower-cases it first
    "x",
    "",                               # no features: uniform
    "1234 5678",
]


@pytest.fixture(scope="module")
def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture(scope="module")
def scorer(identifier):
    return NgramScorer.from_identifier(identifier)


def test_probabilities_are_py3langids_to_the_last_bit(identifier, scorer) -> None:
    ours = scorer.probabilities(TEXTS)
    theirs = np.array([identifier._decide(text) for text in TEXTS])
    assert np.array_equal(ours, theirs)     # features summed in py3langid's order: retraining reproduces models
    assert [scorer.ranking(row)[0][0] for row in ours] == [identifier.rank(text)[0][0] for text in TEXTS]


def test_a_text_scores_the_same_alone_and_in_any_batch(scorer, monkeypatch) -> None:
    together = scorer.probabilities(TEXTS)
    alone = np.vstack([scorer.probabilities([text]) for text in TEXTS])
    assert np.array_equal(together, alone)
    monkeypatch.setattr(ngram_scores, "CHUNK_BYTES", 40)      # many small batches
    assert np.array_equal(scorer.probabilities(TEXTS), together)


def test_the_known_depth_is_the_installed_models_depth(identifier, scorer) -> None:
    table = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
    measured = automaton_depth(table.reshape(-1, 256), scorer.row_base >> 8)
    assert KNOWN_DEPTHS.get((len(scorer.row_base), scorer.ptc.shape[0]), measured) == measured


def test_the_packed_table_holds_every_transition(identifier, scorer) -> None:
    table = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
    assert isinstance(scorer.transitions, PackedTransitions)
    everything = np.arange(len(table))
    assert np.array_equal(scorer.transitions[everything], table)


def test_restricted_columns_answer_only_those_labels(scorer) -> None:
    columns = [scorer.classes.index(code) for code in ("en", "tr", "az")]
    small = scorer.restricted(columns)
    rows = small.probabilities(TEXTS[:3])
    assert [small.best(row)[0] for row in rows] == ["en", "tr", "az"]
    assert np.allclose(rows.sum(axis=1), 1.0)
