"""Model files: the shipped model loads; tampered, truncated, foreign or untrusted ones are refused clearly."""
from __future__ import annotations

import json
import shutil

import pytest

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
