"""Model files: the shipped model loads; tampered, truncated, foreign or untrusted ones are refused clearly,
before anything is unpickled (a pickle runs code: the payload below would create a file)."""
from __future__ import annotations

import json
import shutil

import joblib
import pytest
import sklearn

import cleaner
from cleaner import errors
from cleaner.api import default_model_path


@pytest.fixture()
def model_copy(tmp_path):
    src = default_model_path()
    dst = tmp_path / "copy.joblib"
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".json"), dst.with_suffix(".json"))
    return dst


def test_shipped_model_has_a_complete_card():
    card = json.loads(default_model_path().with_suffix(".json").read_text())
    for key in ("sha256", "sklearn_version", "labels", "feature_version", "training_data", "thresholds",
                "newsbody_version"):
        assert key in card
    assert set(card["labels"]) == {"body", "title", "meta", "boilerplate"}


def test_an_explicit_copy_loads(model_copy):
    assert cleaner.Cleaner(model_copy).clean("<p>Hello there, this is a sentence of text.</p>") is not None


def test_tampered_model_is_refused_with_how_to_retrain(model_copy):
    data = bytearray(model_copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_copy.write_bytes(bytes(data))
    with pytest.raises(errors.ModelError) as e:
        cleaner.Cleaner(model_copy)
    assert "does not match its card" in str(e.value) and "newsbody train" in str(e.value)


def test_truncated_model_is_refused(model_copy):
    model_copy.write_bytes(model_copy.read_bytes()[:1000])
    with pytest.raises(errors.ModelError):
        cleaner.Cleaner(model_copy)



def test_with_a_bad_language_and_a_bad_model_the_language_error_comes_first(model_copy):
    # The two load side by side; the error is the one a user met when they loaded in turn.
    model_copy.write_bytes(model_copy.read_bytes()[:1000])
    with pytest.raises(errors.ConfigError, match="xx"):
        cleaner.Cleaner(model_copy, languages=["en", "xx"])
    with pytest.raises(errors.ModelError):
        cleaner.Cleaner(model_copy, languages=["en", "de"])

def test_model_from_another_sklearn_version_is_refused(model_copy):
    card_path = model_copy.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["sklearn_version"] = "0.24.2"
    card_path.write_text(json.dumps(card))
    with pytest.raises(errors.ModelError) as e:
        cleaner.Cleaner(model_copy)
    assert "0.24.2" in str(e.value)


def test_missing_card_is_refused(model_copy):
    model_copy.with_suffix(".json").unlink()
    with pytest.raises(errors.ModelError) as e:
        cleaner.Cleaner(model_copy)
    assert "card" in str(e.value)


def test_untrusted_path_is_never_unpickled(model_copy):
    with pytest.raises(errors.ModelError) as e:
        cleaner.load_model(model_copy)
    assert "not marked as trusted" in str(e.value)
    model, card = cleaner.load_model(model_copy, trusted=True)
    assert card["sha256"]


def test_model_trained_on_other_features_is_refused(model_copy):
    from classifier.store import save
    import joblib
    card = json.loads(model_copy.with_suffix(".json").read_text())
    card["feature_version"] = -1
    save(joblib.load(model_copy), model_copy, card)
    with pytest.raises(errors.ModelError) as e:
        cleaner.Cleaner(model_copy)
    assert "features of version -1" in str(e.value)


class _Payload:
    """Unpickling this creates the file `marker`: proof that a refused model was never unpickled."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture()
def payload(tmp_path, model_copy):
    """A model file that runs code when unpickled, with a valid card (right sha256 and versions)."""
    from classifier.store import save
    marker = tmp_path / "unpickled"
    card = json.loads(model_copy.with_suffix(".json").read_text())
    path = tmp_path / "evil.joblib"
    save(_Payload(marker), path, card)
    return path, marker


def test_the_payload_does_run_when_unpickled(payload):
    path, marker = payload
    joblib.load(path)
    assert marker.exists()


def test_tampered_model_is_never_unpickled(model_copy, payload):
    path, marker = payload
    shutil.copy(path, model_copy)  # new weights, the old card
    with pytest.raises(errors.ModelError, match="does not match its card"):
        cleaner.Cleaner(model_copy)
    assert not marker.exists()


def test_truncated_model_is_never_unpickled(model_copy):
    model_copy.write_bytes(model_copy.read_bytes()[:-100])
    with pytest.raises(errors.ModelError, match="changed, truncated or replaced"):
        cleaner.Cleaner(model_copy)


@pytest.mark.parametrize("version", ["0.24.2", "1.5.2", "2.0.0"])
def test_model_from_another_sklearn_version_is_never_unpickled(payload, version):
    path, marker = payload
    card_path = path.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["sklearn_version"] = version
    card_path.write_text(json.dumps(card))
    with pytest.raises(errors.ModelError) as e:
        cleaner.Cleaner(path)
    assert version in str(e.value) and sklearn.__version__ in str(e.value) and "newsbody train" in str(e.value)
    assert not marker.exists()


def test_model_pickled_by_another_sklearn_is_refused_even_if_its_card_says_otherwise(model_copy, monkeypatch):
    import sklearn.base
    from classifier.store import save
    card = json.loads(model_copy.with_suffix(".json").read_text())
    model = joblib.load(model_copy)
    monkeypatch.setattr(sklearn.base, "__version__", "1.5.2")  # estimators record this version when pickled
    save(model, model_copy, card)                               # the card records the installed one
    monkeypatch.undo()
    assert json.loads(model_copy.with_suffix(".json").read_text())["sklearn_version"] == sklearn.__version__
    with pytest.raises(errors.ModelError, match=r"pickled with scikit-learn 1\.5\.2"):
        cleaner.Cleaner(model_copy)


def test_untrusted_path_with_a_valid_card_is_never_unpickled(payload):
    path, marker = payload
    for load in (cleaner.load_model, lambda p: cleaner.load_model(str(p), trusted=False)):
        with pytest.raises(errors.ModelError) as e:
            load(path)
        assert "not marked as trusted" in str(e.value) and "trusted=True" in str(e.value)
    assert not marker.exists()


@pytest.mark.parametrize("text", ["[]", '"a string"', "null", "{", ""])
def test_a_card_that_is_not_a_json_object_is_refused(model_copy, text):
    model_copy.with_suffix(".json").write_text(text)
    with pytest.raises(errors.ModelError, match="card"):
        cleaner.Cleaner(model_copy)


def test_a_pickle_that_is_not_a_classifier_is_refused(tmp_path, model_copy):
    from classifier.store import save
    card = json.loads(model_copy.with_suffix(".json").read_text())
    path = tmp_path / "dict.joblib"
    save({"not": "a model"}, path, card)
    with pytest.raises(errors.ModelError, match="holds a dict, not a trained classifier"):
        cleaner.Cleaner(path)


def test_a_card_with_a_threshold_that_is_not_a_probability_is_a_model_error():
    from cleaner.decide import thresholds_for
    from cleaner.errors import ModelError
    with pytest.raises(ModelError, match="not a probability"):
        thresholds_for({"thresholds": {"balanced": "high"}})
    assert thresholds_for({"thresholds": {"balanced": 0.4}})["balanced"] == 0.4


def test_cleaning_a_page_does_not_copy_the_text_models_weights():
    """The 8 MB weight matrix is read in place: a page costs well under a megabyte there (peak RSS)."""
    import tracemalloc
    from pathlib import Path
    c = cleaner.Cleaner()
    page = Path(__file__).resolve().parents[1].joinpath("examples", "sample_article.html").read_text()
    paragraphs = list(cleaner.api.segment(page, kind="html", settings=c.settings).paragraphs)
    pipe = c.model
    hashed = pipe.named_steps["model"]._split(pipe.named_steps["features"].transform(paragraphs))[1]
    text_model = pipe.named_steps["model"].text_model_
    tracemalloc.start()
    try:
        text_model.predict_proba(hashed)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, f"predicting one page allocated {peak:,} bytes (the weights were copied?)"
