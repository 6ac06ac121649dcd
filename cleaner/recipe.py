"""A base model's training recipe, read from its card: the files it was trained on (which of them are
here), the augmentation, text copies, seed and model parameters — so `newsbody train --base` can redo it."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .errors import ConfigError

# The project's own labelled training pages `newsbody train` reads by default (corpus/README.md).
CORPUS_FILES = ("corpus/pages.jsonl", "corpus/notice_pages.jsonl")
# How the external sets' paragraphs inside readers' comment sections are labelled for training.
COMMENT_SECTIONS = ("dataset", "boilerplate")
# Options of `newsbody train` and their values when neither the command line nor a base recipe sets them.
TRAIN_DEFAULTS: dict[str, Any] = {
    "text_copies": 0.4, "seed": 0, "max_iter": 100, "learning_rate": 0.15, "folds": 3, "corpus_weight": 3.0,
    "boilerplate": None, "body_paragraphs": None, "phrases": "", "news": "",
    "inject_share": 0.2, "pages_per_lang": 40, "synthetic_weight": 1.0, "article_layout": 0.0, "subheadings": 0.0,
    "between_body": 0.0, "user_weight": 5.0, "l2": 0.0, "comment_sections": "dataset",
}
# Model parameters the command line names differently (the card records the estimator's own names).
_PARAM_OPTIONS = {"max_iter": "max_iter", "learning_rate": "learning_rate", "n_folds": "folds",
                  "l2_regularization": "l2"}
# Not taken from a recipe: the seed is its own option, and the dense feature count belongs to the features.
_NOT_FROM_RECIPE = ("random_state", "n_dense")


@dataclass(frozen=True)
class Recipe:
    """How a model was trained, as far as its card says."""

    name: str
    files: tuple[Path, ...]                  # training files found here, in the card's order
    missing: tuple[str, ...]                 # training files the card names that are not here
    options: dict[str, Any] = field(default_factory=dict)       # train options: text_copies, seed, boilerplate…
    model_params: dict[str, Any] = field(default_factory=dict)  # other estimator parameters (max_leaf_nodes…)


def card_of(base: str) -> tuple[str, dict]:
    """The card a --base names: 'default' (the shipped model), a model file, or its .json card."""
    from .api import default_model_path
    path = default_model_path() if base == "default" else Path(base)
    card_file = path.with_suffix(".json")
    if not card_file.is_file():
        raise ConfigError(f"--base {base}: no model card at {card_file}; name 'default', a model trained with "
                          "`newsbody train`, or its .json card")
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"--base {base}: the card {card_file} is unreadable ({e})") from None
    if not isinstance(card, dict) or not isinstance(card.get("training_files"), list):
        raise ConfigError(f"--base {base}: the card {card_file} lists no training_files, so its recipe "
                          "cannot be redone; train with --data instead")
    return str(card_file), card


def find_file(name: str, roots: tuple[Path, ...]) -> Optional[Path]:
    """A training file the card names: as named (from the current folder), else below one of the roots."""
    path = Path(name)
    if path.is_file():
        return path
    if path.is_absolute():
        return None
    return next((Path(os.path.normpath(root / path)) for root in roots if (root / path).is_file()), None)


def base_recipe(base: str) -> Recipe:
    """The recipe of the base model's card, with its training files looked up here."""
    card_file, card = card_of(base)
    # Paths in a card are relative to where it was trained: the checkout (models/..) or the card's folder.
    roots = (Path(__file__).resolve().parent.parent, Path(card_file).resolve().parent)
    files, missing = [], []
    for name in card["training_files"]:
        found = find_file(str(name), roots)
        (files if found else missing).append(found or str(name))
    options: dict[str, Any] = {}
    for key in ("text_copies", "seed", "corpus_weight", "comment_sections"):
        if key in card:
            options[key] = card[key]
    augmentation = card.get("augmentation") or {}
    for key in ("boilerplate", "body_paragraphs", "phrases", "news"):
        if augmentation.get(key):
            found = find_file(str(augmentation[key]), roots)
            options[key] = str(found) if found else None
            if not found:
                missing.append(str(augmentation[key]))
    for key in ("inject_share", "pages_per_lang", "synthetic_weight", "article_layout", "subheadings", "between_body"):
        if key in augmentation:
            options[key] = augmentation[key]
    params = dict(card.get("model_params") or {})
    for param, option in _PARAM_OPTIONS.items():
        if param in params:
            options[option] = params.pop(param)
    for key in _NOT_FROM_RECIPE:
        params.pop(key, None)
    return Recipe(card.get("name", base), tuple(files), tuple(missing), options, params)


def train_options(given: dict[str, Any], recipe: Optional[Recipe]) -> dict[str, Any]:
    """Each train option: from the command line when given, else from the recipe, else the default."""
    from_recipe = recipe.options if recipe else {}
    return {k: given[k] if given.get(k) is not None else from_recipe.get(k, default)
            for k, default in TRAIN_DEFAULTS.items()}
