"""The public entry points: Cleaner (a loaded model serving many pages) and clean()."""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

import numpy as np

from classifier.features import FEATURE_VERSION
from classifier.store import ModelLoadError, load as load_model_file

from .decide import (article_language, check_preset, decide, drop_comments, keep_subheadings, no_article, one_article_language,
                     thresholds_for, title_index)
from .errors import ConfigError, ModelError
from .metadata import Meta, from_paragraphs, merged
from .language import DEFAULT_BACKEND, assign_languages, get_backend
from .page_input import DEFAULT_MAX_BYTES, read_page
from .paragraph import Paragraph
from .result import Result
from .segment_html import segment_html
from .segment_text import segment_text

DEFAULT_MODEL_NAME = "default.joblib"


def default_model_path() -> Path:
    """The shipped model: cleaner/models when installed, models/ in a checkout."""
    installed = Path(__file__).resolve().parent / "models" / DEFAULT_MODEL_NAME
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL_NAME


@dataclass(frozen=True)
class Settings:
    """Every option of a Cleaner in one typed object."""

    preset: str = "balanced"
    lang_backend: str = DEFAULT_BACKEND
    languages: Optional[tuple[str, ...]] = None
    max_bytes: int = DEFAULT_MAX_BYTES
    single_language: bool = True  # an article is in one language; False keeps confident other-language body
    subheadings: bool = True      # keep short heading-like lines between two body paragraphs
    # Readers' comments are not the article (corpus/README.md's guide), so comment sections are dropped;
    # True keeps the comments the model keeps, as dragnet's and cleaneval's true bodies do.
    comments: bool = False


def load_model(path: Optional[Path | str] = None, *, trusted: bool = False) -> tuple[Any, dict]:
    """Load a model and its card; the shipped model is trusted, another path only when told."""
    if path is None:
        path, trusted = default_model_path(), True
    try:
        model, card = load_model_file(Path(path), trusted=trusted)
    except ModelLoadError as e:
        raise ModelError(str(e)) from None
    if card.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"model {path} was trained on features of version {card.get('feature_version')}, but this newsbody "
            f"computes version {FEATURE_VERSION}; retrain it with `newsbody train` or install the newsbody "
            f"version it was trained with ({card.get('newsbody_version', 'unknown')})")
    return model, card


@dataclass(frozen=True)
class Segmented:
    """A page split into paragraphs with their languages, before classification."""

    paragraphs: list[Paragraph]
    kind: str
    title_hint: Optional[str]
    language: Optional[str]
    markup_meta: Meta = Meta()


def segment(page: Any, *, kind: str = "auto", settings: Settings = Settings(),
            charset: Optional[str] = None) -> Segmented:
    """Page → paragraphs → languages (the part of the pipeline before the model)."""
    text, kind = read_page(page, kind, settings.max_bytes, charset)
    if kind == "html":
        html = segment_html(text)
        paragraphs, title_hint = html.paragraphs, html.title
    else:
        paragraphs, title_hint = segment_text(text), None
    backend = get_backend(settings.lang_backend, settings.languages)
    paragraphs, language = assign_languages(paragraphs, backend)
    return Segmented(paragraphs, kind, title_hint, language)


class _Loading:
    """work() in a thread of its own; wait() joins it and raises what it raised."""

    def __init__(self, work: Any):
        self._error: Optional[BaseException] = None

        def run() -> None:
            try:
                work()
            except BaseException as e:  # noqa: BLE001 - handed to the caller by wait()
                self._error = e

        self._thread = threading.Thread(target=run, name="newsbody-load", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Block until the work is done; raise its exception, if any."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class Cleaner:
    """Loads the model once and cleans many pages with the same settings."""

    def __init__(self, model: Optional[Path | str] = None, *, preset: str = "balanced",
                 lang_backend: str = DEFAULT_BACKEND, languages: Optional[Sequence[str]] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, single_language: bool = True, subheadings: bool = True,
                 comments: bool = False):
        if not isinstance(comments, bool):
            raise ConfigError(f"comments must be True (keep readers' comments) or False (drop comment sections), "
                              f"not {comments!r}")
        self.settings = Settings(check_preset(preset), lang_backend,
                                 ((languages,) if isinstance(languages, str) else tuple(languages)) if languages is not None else None, max_bytes, single_language,
                                 subheadings, comments)
        # Fail now on a bad backend or language, and load the language model now: the first page
        # must not pay for it (nor run over a per-page time limit because of it). It loads beside the
        # classifier: the first process on a machine unpacks py3langid's lzma-compressed model, and
        # lzma lets go of the GIL meanwhile.
        language = _Loading(lambda: get_backend(lang_backend, self.settings.languages).detect(
            "newsbody loads its language model"))
        try:
            # A path the caller names explicitly is trusted: they chose to run it.
            self.model, self.card = load_model(model, trusted=model is not None)
        finally:
            language.wait()     # a language error is raised first, as when the two loaded in turn
        self.classes = [str(c) for c in self.model.classes_]
        self.threshold = thresholds_for(self.card)[self.settings.preset]
        # What a worker process needs to build the same Cleaner (clean_many with workers > 1).
        self.spec = (model, {"preset": preset, "lang_backend": lang_backend, "languages": languages,
                             "max_bytes": max_bytes, "single_language": single_language,
                             "subheadings": subheadings, "comments": comments})

    def probabilities(self, paragraphs: Sequence[Paragraph]) -> list[dict[str, float]]:
        """P(label) for each paragraph of one page."""
        return self.probabilities_of_pages([paragraphs])[0]

    def probabilities_of_pages(self, pages: Sequence[Sequence[Paragraph]]) -> list[list[dict[str, float]]]:
        """P(label) for each paragraph of several pages, the model run once over all of them.

        The features and the model see each page apart (a page starts at its paragraph of index 0), so
        a page's numbers are the same alone or among others; one call saves the model's fixed cost per
        call (hundreds of trees walked), most of the model's time on a small page.
        """
        pages = [list(page) for page in pages]
        flat = [p for page in pages for p in page]
        if not flat:
            return [[] for _ in pages]
        if len(pages) > 1 and not all(_one_page(page) for page in pages):
            # Not pages as segment() makes them: where one ends and the next starts cannot be told.
            return [self.probabilities_of_pages([page])[0] for page in pages]
        rows = self._rows(self._predict(flat))
        out, start = [], 0
        for page in pages:
            out.append(rows[start:start + len(page)])
            start += len(page)
        return out

    def _predict(self, paragraphs: list[Paragraph]) -> np.ndarray:
        # A page is a few hundred rows: OpenMP threads cost more than they save (and spin on a busy
        # machine, 50x slower seen); parallelism belongs across pages (clean_many workers).
        with _threadpools().limit(limits=1, user_api="openmp"):
            return np.asarray(self.model.predict_proba(paragraphs))

    def _rows(self, proba: np.ndarray) -> list[dict[str, float]]:
        return [dict(zip(self.classes, map(float, row))) for row in proba]

    def segment(self, page: Any, *, kind: str = "auto", charset: Optional[str] = None) -> Segmented:
        """Page → paragraphs with their languages: the steps before the model."""
        return segment(page, kind=kind, settings=self.settings, charset=charset)

    def clean(self, page: Any, *, url: Optional[str] = None, kind: str = "auto",
              charset: Optional[str] = None) -> Result:
        """Clean one page (HTML or text as str/bytes, a BeautifulSoup, or a path).

        charset is the encoding the server declared (HTTP Content-Type) for a bytes page.
        """
        seg = self.segment(page, kind=kind, charset=charset)
        return self.finish(seg, self.probabilities(seg.paragraphs) if readable(seg) else None, url=url)

    def finish(self, seg: Segmented, probs: Optional[Sequence[dict[str, float]]], *,
               url: Optional[str] = None) -> Result:
        """A segmented page and its paragraphs' P(label) → the keep/drop decisions and the Result.

        probs is None for a page without letters (`readable` is False): every paragraph is dropped.
        """
        if probs is None:
            # Nothing to read: every paragraph is still reported, none kept.
            dropped = tuple(p.with_(p_body=0.0, keep=False, label="boilerplate", reason="no letters")
                            for p in seg.paragraphs)
            return Result(text="", title=seg.title_hint, language=None, paragraphs=dropped, kind=seg.kind, url=url)
        title = title_index(seg.paragraphs, probs, self.threshold, seg.title_hint)
        decided = decide(seg.paragraphs, probs, self.threshold, seg.language, title)
        if self.settings.single_language:
            decided = one_article_language(decided)
        if self.settings.subheadings:
            decided = keep_subheadings(decided)
        if not self.settings.comments:
            decided = drop_comments(decided)
        decided = no_article(decided)
        text = "\n\n".join(p.text for p in decided if p.keep)
        meta = merged(seg.markup_meta, from_paragraphs(decided))
        # The page's language is the article's: a long notice in another language must not decide it.
        language = article_language(decided)[0] or seg.language
        return Result(text=text, title=decided[title].text if title is not None else seg.title_hint,
                      language=language, paragraphs=tuple(decided), kind=seg.kind, url=url, meta=meta)

    def clean_many(self, records: Iterable[Any], *, workers: int = 1, timeout: Optional[float] = None,
                   field: Optional[str] = None, explain: bool = True) -> Iterator[Result]:
        """Clean many pages, yielding one Result per record in input order; a failed record yields
        a Result whose .error says why, and the run goes on.

        A record is a page (str, bytes, Path) or a dict with "html" or "text" (or `field`), and
        optionally "id" and "url". Pages go through the model in chunks of a few (cleaner/batch.py),
        which gives each page what clean() gives it for less CPU. workers > 1 cleans in that many
        processes, each loading the model once; at most two chunks per worker are held in memory at a
        time. timeout (seconds of CPU
        per page) turns a page that takes longer into an error record. explain=False returns only
        the kept paragraphs in Result.paragraphs (cheaper from worker processes).
        """
        from .batch import clean_records
        from .sources import as_records
        if not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"workers must be a whole number of processes, at least 1, not {workers!r}")
        if timeout is not None and not timeout > 0:
            raise ConfigError(f"timeout must be a positive number of seconds or None, not {timeout!r}")
        return clean_records(self, as_records(records, field), workers=workers, timeout=timeout, explain=explain)


@functools.lru_cache(maxsize=1)
def _threadpools():
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _one_page(paragraphs: Sequence[Paragraph]) -> bool:
    """Whether the paragraphs are one page as segment() makes it: index 0 first, and only first."""
    return not paragraphs or (paragraphs[0].index == 0 and all(p.index != 0 for p in paragraphs[1:]))


def readable(seg: Segmented) -> bool:
    """Whether the page has a letter to read: one without goes to the model not at all."""
    return any(_has_letters(p.text) for p in seg.paragraphs)


_default: Optional[Cleaner] = None
_default_lock = threading.Lock()


def default_cleaner() -> Cleaner:
    """The shared Cleaner with default settings, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Cleaner()
        return _default


def clean(page: Any, *, url: Optional[str] = None, kind: str = "auto") -> Result:
    """Keep the article body of one page and explain every paragraph's fate."""
    return default_cleaner().clean(page, url=url, kind=kind)
