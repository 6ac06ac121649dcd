"""The pages `newsbody train` learns from: the base files (with text copies and augmentation, as the
recipe says) followed by the user's own labelled pages, weighted."""
from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional, Sequence

from classifier.train import LabelledPage

from .api import Settings
from .datasets import is_corpus_record, labelled_page, read_records, with_text_copies
from .errors import ConfigError


def read_pages(path: Path, settings: Settings, limit: Optional[int], weight: Optional[float],
               corpus_weight: float, comment_sections: str = "dataset") -> list[LabelledPage]:
    """The labelled pages of one file; weight (if given) for every page, else corpus_weight for corpus pages."""
    pages = []
    for rec in read_records(Path(path), limit):
        page = labelled_page(rec, settings, comment_sections)
        if not page.paragraphs:
            continue
        w = weight if weight is not None else (corpus_weight if is_corpus_record(rec.record) else page.weight)
        if w != page.weight:
            page = replace(page, weight=w)
        pages.append(page)
    return pages


def training_pages(base_files: Sequence[Path], user_files: Sequence[Path], options: dict[str, Any],
                   settings: Settings, limit: Optional[int] = None) -> list[LabelledPage]:
    """Base pages, their text copies and augmentation, then the user's pages (weighted) and their text copies.

    The user's pages come last and are never augmented, so the base part is exactly what the base recipe
    alone would train on (same seeded choices)."""
    t0 = time.time()
    seed, share = options["seed"], options["text_copies"]

    def read(files: Sequence[Path], weight: Optional[float]) -> list[LabelledPage]:
        pages: list[LabelledPage] = []
        for path in files:
            pages += read_pages(path, settings, limit, weight, options["corpus_weight"], options["comment_sections"])
            print(f"read {path}: {len(pages)} pages ({time.time() - t0:.0f} s)", file=sys.stderr)
        return pages

    base = with_text_copies(read(base_files, None), share, seed=seed)
    if options["boilerplate"]:
        from .augment import augmented_pages, load_bodies, load_snippets
        from .language import get_backend
        snippets = load_snippets(Path(options["boilerplate"]), held_out=False)
        phrases = corpus_file("--phrases", options.get("phrases"), "boilerplate strings", "corpus/boilerplate_phrases.jsonl")
        if phrases is not None:
            snippets += load_snippets(phrases, held_out=False)
        bodies = load_bodies(Path(options["body_paragraphs"]), training=True) if options["body_paragraphs"] else {}
        news = corpus_file("--news", options.get("news"), "news paragraphs", "corpus/news_paragraphs.jsonl")
        for lang, texts in (load_bodies(news, training=True) if news is not None else {}).items():
            bodies.setdefault(lang, []).extend(texts)
        extra = augmented_pages(base, snippets, bodies, get_backend(settings.lang_backend),
                                inject_share=options["inject_share"], pages_per_lang=options["pages_per_lang"],
                                synthetic_weight=options["synthetic_weight"], article_layout=options["article_layout"],
                                subheadings=options["subheadings"], between_body=options["between_body"],
                                seed=seed, n_folds=options["folds"])
        print(f"augmented: {len(extra)} pages from {len(snippets)} boilerplate strings and "
              f"{sum(map(len, bodies.values()))} news paragraphs in {len(bodies)} languages", file=sys.stderr)
        base += extra
    user = read(user_files, options["user_weight"]) if user_files else []
    return base + with_text_copies(user, share, seed=seed)


def corpus_file(option: str, name: Optional[str], holding: str, example: str) -> Optional[Path]:
    """The file an option such as `--phrases` names: as named, else in this checkout; None for '' or None."""
    if not name:
        return None
    path = Path(name)
    if path.is_file():
        return path
    here = Path(__file__).resolve().parent.parent / name
    if not path.is_absolute() and here.is_file():
        return here
    raise ConfigError(f"{option} {name}: no such file; give a JSON Lines file of {holding} "
                      f"such as {example}, or leave {option} out")
