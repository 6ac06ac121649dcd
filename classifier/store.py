"""Save and load a trained model next to its JSON model card; loading verifies before unpickling."""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import joblib
import sklearn
from sklearn.exceptions import InconsistentVersionWarning

CARD_SUFFIX = ".json"


class ModelLoadError(RuntimeError):
    """The model file cannot be used; the message says why and how to fix it."""


RETRAIN_HINT = ("retrain it with `newsbody train --data ../shared/datasets/*/train.jsonl.gz -o {path}` "
                "or reinstall newsbody to get the shipped model")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def card_path(model_path: Path) -> Path:
    """Where a model's card lives: same name, .json."""
    return Path(model_path).with_suffix(CARD_SUFFIX)


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def save(model: Any, path: Path, card: dict) -> dict:
    """Write model weights and the card (with sha256 and versions); return the card."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    card = dict(card)
    card["sklearn_version"] = sklearn.__version__
    card["sha256"] = sha256_of(path)
    card["weights_file"] = path.name
    card_path(path).write_text(json.dumps(card, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
                               encoding="utf-8")
    return card


def update_card(path: Path, **fields: Any) -> dict:
    """Add or replace card fields (e.g. scores measured later) without touching the weights."""
    card = read_card(path)
    card.update(fields)
    card_path(Path(path)).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return card


def read_card(path: Path) -> dict:
    """The model card of a model file, or a ModelLoadError saying what is missing."""
    cp = card_path(Path(path))
    if not cp.is_file():
        raise ModelLoadError(f"model card {cp} is missing; a model is loaded only with its card. "
                             + RETRAIN_HINT.format(path=path))
    try:
        card = json.loads(cp.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"model card {cp} is unreadable ({e}). " + RETRAIN_HINT.format(path=path)) from e
    if not isinstance(card, dict):  # valid JSON, but a list or a string has no fields to check
        raise ModelLoadError(f"model card {cp} is not a JSON object. " + RETRAIN_HINT.format(path=path))
    return card


def load(path: Path, *, trusted: bool) -> tuple[Any, dict]:
    """Unpickle a model after checking trust, its sha256 and the scikit-learn version."""
    path = Path(path)
    if not trusted:
        raise ModelLoadError(
            f"refusing to unpickle {path}: unpickling runs code, and this path was not marked as trusted. "
            "Pass the path explicitly (Cleaner(model=PATH)) or load_model(PATH, trusted=True) if you trust it")
    if not path.is_file():
        raise ModelLoadError(f"model file {path} does not exist. " + RETRAIN_HINT.format(path=path))
    card = read_card(path)
    digest = sha256_of(path)
    if card.get("sha256") != digest:
        raise ModelLoadError(
            f"model file {path} does not match its card (sha256 {digest[:12]}… ≠ {str(card.get('sha256'))[:12]}…): "
            "it was changed, truncated or replaced. " + RETRAIN_HINT.format(path=path))
    trained_with = str(card.get("sklearn_version", "unknown"))
    if _minor(trained_with) != _minor(sklearn.__version__):
        raise ModelLoadError(
            f"model {path} was trained with scikit-learn {trained_with}, but {sklearn.__version__} is installed; "
            f"install scikit-learn=={trained_with} or " + RETRAIN_HINT.format(path=path))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InconsistentVersionWarning)
            model = joblib.load(path)
    except Exception as e:  # a corrupt pickle can raise almost anything
        raise ModelLoadError(f"model file {path} could not be read ({type(e).__name__}: {e}). "
                             + RETRAIN_HINT.format(path=path)) from e
    # The card can be wrong (edited, or copied from another model): trust the versions the pickle records.
    for w in caught:
        pickled = str(getattr(w.message, "original_sklearn_version", sklearn.__version__))
        if isinstance(w.message, InconsistentVersionWarning) and _minor(pickled) != _minor(sklearn.__version__):
            raise ModelLoadError(
                f"model {path} holds estimators pickled with scikit-learn {pickled} (its card says "
                f"{trained_with}), but {sklearn.__version__} is installed; install scikit-learn=={pickled} or "
                + RETRAIN_HINT.format(path=path))
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not (hasattr(model, "predict_proba") and hasattr(model, "classes_")):
        raise ModelLoadError(f"model file {path} holds a {type(model).__name__}, not a trained classifier. "
                             + RETRAIN_HINT.format(path=path))
    return model, card
