"""Language identification per paragraph and per page, behind one small backend interface."""
from __future__ import annotations

import functools
import gc
import json
import os
import re
import threading
from bisect import bisect_left
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any, NamedTuple, Optional, Protocol, Sequence

import numpy as np

from classifier.pagetext import CharClasses, PageChars

from . import lang_words
from .array_cache import cached_arrays, entry_key
from .errors import ConfigError
from .ngram_scores import NgramScorer
from .paragraph import Paragraph

# A paragraph's own detection is trusted when it has at least this many letters and this confidence.
MIN_RELIABLE_LETTERS = 40
MIN_RELIABLE_CONF = 0.9
# Backends see at most this much of a text (as langdetect itself does): enough evidence, bounded time.
MAX_DETECT_CHARS = 10_000
# A guess for a long text yields to another alphabet only when this share of the letters is foreign to its
# own, and at least FOREIGN_LETTERS_MIN of them: a quoted name brings one or two.
FOREIGN_LETTER_SHARE = 0.02
FOREIGN_LETTERS_MIN = 3
# An inherited language disagreeing with the paragraph's own guess gets this share of its source's confidence.
INHERITED_CONF_FACTOR = 0.5

# Stripped before detection: they carry no language and would mislead n-gram models.
# Each pattern may only start where its run of characters starts: linear time even on 100 kB without spaces.
_LINKS_RE = re.compile(
    r"(?<![a-z0-9+.\-])(?:[a-z][a-z0-9+.\-]*://|www\.)\S+"     # URLs
    r"|(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"          # e-mail addresses
    r"|(?<!\w)@\w+",                               # @handles
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+|[\ud800-\udfff]")   # digits (any script), lone surrogates (cannot be encoded)
_WWW_RE = re.compile(r"www\.", re.IGNORECASE)

# Labels that name a variety of a language with an ISO 639-1 code; "zxx"/"und" mean "no language".
# "no" is Norwegian Bokmål in both models (py3langid has Nynorsk apart as "nn"; langdetect's profile is
# Bokmål Wikipedia), so callers see Bokmål's own code, "nb", beside "nn".
_ALIASES = {"arz": "ar", "ary": "ar", "wuu": "zh", "yue": "zh", "uzs": "uz", "sdh": "ku",
            "gug": "gn", "kik": "ki", "fuv": "ff", "no": "nb", "zxx": "", "und": "", "unknown": ""}

# --- candidate languages --------------------------------------------------------------------------
# The languages bench/langid.py measures (../shared/datasets/langid/dev.jsonl.gz): the news languages
# the project is asked to serve, Azerbaijan, Turkey, Russia and the Caucasus among them.
MEASURED_LANGUAGES = (
    "ar", "az", "bg", "bn", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi",
    "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt",
    "ro", "ru", "sk", "sr", "sv", "sw", "th", "tl", "tr", "uk", "ur", "vi", "zh")
# Written in a script none of the measured languages uses: no text of theirs can be mistaken for these.
_OWN_SCRIPT_LANGUAGES = ("am", "gu", "km", "kn", "lo", "ml", "my", "or", "pa", "si", "ta", "te")
# Further languages with a national or regional press of their own. On texts too short to separate
# close relatives (Galician from Portuguese, Marathi or Nepali from Hindi, Slovene from Croatian)
# offering them only adds wrong answers, so short texts choose among the core set only.
_OTHER_NEWS_LANGUAGES = (
    "af", "ba", "be", "ca", "cy", "eu", "ga", "gl", "ha", "ig", "is", "jv", "ku", "ky", "lb",
    "mg", "mk", "mn", "mr", "mt", "ne", "nn", "om", "ps", "rw", "so", "sq", "sl", "tg", "tk", "tt",
    "ug", "uz", "xh", "yo", "zu")
CORE_LANGUAGES = tuple(sorted(MEASURED_LANGUAGES + _OWN_SCRIPT_LANGUAGES))
DEFAULT_LANGUAGES = tuple(sorted(CORE_LANGUAGES + _OTHER_NEWS_LANGUAGES))
# languages="all" (or ["all"]): every language the backend knows, one tier, no default restriction.
ALL_LANGUAGES = "all"


def _normalise(code: Optional[str]) -> Optional[str]:
    """Map a backend's label to an ISO 639-1 code where one exists ("zh-cn" → "zh"), else None/the label."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(base, base) or None


def _strip_noise(text: str) -> str:
    # Links first, then digits: no link can start inside a run of digits, so this equals one pass of
    # the union. Most paragraphs have no link; the union pattern cost a tenth of detection time.
    return _DIGITS_RE.sub(" ", _strip_links(text))


def _strip_links(text: str) -> str:
    if "@" in text or "://" in text or _WWW_RE.search(text):
        return _LINKS_RE.sub(" ", text)
    return text


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)   # str.isalpha() is exactly Unicode category L*


def _languages_key(languages: Optional[Sequence[str]]) -> Optional[tuple[str, ...]]:
    """None (the default candidates), ("all",) or the sorted normalised codes."""
    if languages is None:
        return None
    if isinstance(languages, str):
        languages = [languages]
    codes = tuple(sorted({_normalise(str(code)) or "" for code in languages} - {""}))
    if not codes:
        raise ConfigError("languages= is empty; give ISO 639-1 codes such as ['en', 'tr'], 'all' for every "
                          "language the backend knows, or None for the default set")
    if ALL_LANGUAGES in codes and len(codes) > 1:
        raise ConfigError(f"languages={list(languages)!r}: 'all' stands alone")
    return codes


class LanguageBackend(Protocol):
    """Anything that guesses one text's language."""

    name: str

    def detect(self, text: str) -> tuple[Optional[str], float]:
        """Return (ISO 639-1 code, confidence in [0, 1]), or (None, 0.0) when there is nothing to detect."""
        ...


class _LazyBackend:
    """Shared plumbing: candidate sets, noise stripping, the no-letters rule and a thread-safe lazy load.

    languages=None: the default candidates (DEFAULT_LANGUAGES); "all": whatever the model knows;
    a list: exactly those. `choices` is what a decision may answer (None: anything), `short_choices` what
    it may answer for a text with fewer than MIN_RELIABLE_LETTERS letters.
    """

    name = ""

    def __init__(self, languages: Optional[Sequence[str]] = None) -> None:
        key = _languages_key(languages)
        self.everything = key == (ALL_LANGUAGES,)
        self.languages: Optional[tuple[str, ...]] = None if self.everything else key
        self.choices: Optional[frozenset[str]] = (None if self.everything else
                                                  frozenset(key) if key is not None else _DEFAULT_CHOICES)
        # What a text too short to separate close relatives may answer: the core languages by default.
        self.short_choices = self.choices if key is not None else _DEFAULT_CHOICES - set(_OTHER_NEWS_LANGUAGES)
        self._model: Any = None
        self._lock = threading.Lock()

    def _get_model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # Loading builds ~10^6 small objects; pausing the cyclic GC makes it ~3x faster.
                    was_enabled = gc.isenabled()
                    gc.disable()
                    try:
                        self._model = self._load()
                    finally:
                        if was_enabled:
                            gc.enable()
        return self._model

    def _load(self) -> Any:
        raise NotImplementedError

    def _rank(self, model: Any, text: str) -> list[tuple[str, float]]:
        raise NotImplementedError

    def _detect(self, model: Any, text: str) -> tuple[Optional[str], float]:
        ranked = self._rank(model, text)
        return (ranked[0][0] or None, ranked[0][1]) if ranked else (None, 0.0)

    def _detect_many(self, model: Any, texts: Sequence[str]) -> list[tuple[Optional[str], float]]:
        return [self._detect(model, text) for text in texts]

    def _cleaned(self, text: str) -> Optional[str]:
        if not isinstance(text, str):
            return None
        cleaned = _strip_noise(text)
        return cleaned[:MAX_DETECT_CHARS] if _has_letters(cleaned) else None

    def detect(self, text: str) -> tuple[Optional[str], float]:
        """Return (ISO 639-1 code, confidence), or (None, 0.0) when the text has no letters."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str], clean: bool = True) -> list[tuple[Optional[str], float]]:
        """detect() for each text, in one model call where the backend can score many at once.

        clean=False: the texts are already without links and digits (as a page's paragraphs are when
        assign_languages detects them), so only their length is bounded here."""
        cleaned = [self._cleaned(text) for text in texts] if clean else [text[:MAX_DETECT_CHARS] for text in texts]
        todo = [i for i, text in enumerate(cleaned) if text is not None]
        found = self._detect_many(self._get_model(), [cleaned[i] for i in todo]) if todo else []
        out: list[tuple[Optional[str], float]] = [(None, 0.0)] * len(texts)
        for i, (lang, conf) in zip(todo, found):
            if lang is not None:
                out[i] = (lang, min(1.0, max(0.0, float(conf))))
        return out

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Languages by probability, best first (a model may leave out the unlikely ones)."""
        cleaned = self._cleaned(text)
        return [] if cleaned is None else self._rank(self._get_model(), cleaned)

    def __getstate__(self) -> dict[str, Any]:
        # Pickle the configuration, not the model (workers reload it lazily) nor the lock.
        state = dict(self.__dict__, _model=None)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        shown = ALL_LANGUAGES if self.everything else self.languages
        return f"{type(self).__name__}(languages={shown!r})"


def _merged(pairs: Any) -> list[tuple[str, float]]:
    """Sum probabilities of codes named twice (zh-cn + zh-tw → zh, ar + ary + arz → ar), best first.

    pairs hold ISO codes already ("": no language, py3langid's zxx)."""
    merged: Counter[str] = Counter()
    for code, prob in pairs:
        merged[code] += prob
    return merged.most_common()


class LangdetectBackend(_LazyBackend):
    """langdetect with a private, seeded profile factory: same text, same answer, in every process.

    Its 55 profiles are all news languages, so its default candidates are all of them.
    """

    name = "langdetect"

    def __init__(self, languages: Optional[Sequence[str]] = None) -> None:
        super().__init__(languages)
        self._profiles: Optional[list[str]] = None
        if self.languages is not None:      # listing the profile files is cheap: fail early on bad codes
            from langdetect.detector_factory import PROFILES_DIRECTORY

            names = sorted(f for f in os.listdir(PROFILES_DIRECTORY) if not f.startswith("."))
            self._profiles = [f for f in names if _normalise(f) in self.languages]
            missing = sorted(set(self.languages) - {_normalise(f) for f in self._profiles})
            if missing:
                raise ConfigError(f"langdetect has no profile for {missing}; it supports: "
                                  f"{', '.join(sorted({str(_normalise(f)) for f in names}))}")

    def _load(self) -> Any:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
        from langdetect.utils.lang_profile import LangProfile

        factory = DetectorFactory()     # our own instance: langdetect's global factory and seed stay untouched
        factory.seed = 0                # instance attribute: a class-level DetectorFactory.seed cannot change it
        # Our own loop, in sorted order: load_profile() follows os.listdir() order, which varies by file system,
        # and load_json_profile() refuses a single profile.
        profiles = self._profiles
        if profiles is None:
            profiles = sorted(f for f in os.listdir(PROFILES_DIRECTORY) if not f.startswith("."))
        for index, filename in enumerate(profiles):
            with open(os.path.join(PROFILES_DIRECTORY, filename), encoding="utf-8") as f:
                factory.add_profile(LangProfile(**json.load(f)), index, len(profiles))
        return factory

    def _rank(self, factory: Any, text: str) -> list[tuple[str, float]]:
        from langdetect.lang_detect_exception import LangDetectException

        try:
            detector = factory.create()
            detector.append(text)
            ranked = detector.get_probabilities()   # only languages above 0.1
        except LangDetectException:
            return []
        return _merged((_normalise(item.lang) or "", item.prob) for item in ranked)


class Py3LangidBackend(_LazyBackend):
    """py3langid with normalised probabilities; one model per backend instance.

    With the default candidates it answers from DEFAULT_LANGUAGES, except on texts with fewer than
    MIN_RELIABLE_LETTERS letters, which choose among CORE_LANGUAGES only (see bench/RESULTS.md).
    """

    name = "py3langid"
    CACHE_NAME = "py3langid"

    def __init__(self, languages: Optional[Sequence[str]] = None) -> None:
        super().__init__(languages)
        if self.languages is not None:      # the label set lives in the model: load now so bad codes fail early
            self._get_model()

    def _load(self) -> Any:
        arrays, meta = cached_arrays(self.CACHE_NAME, self.cache_key(), self._build)
        scorer = NgramScorer.from_arrays(arrays, meta["depth"], meta["classes"])
        if self.everything or self.languages:
            return [self._tier(scorer)]
        # The core languages' columns come first, so the short-text tier is a view of the default tier's.
        n_core = sum(1 for label in scorer.classes if _normalise(label) in CORE_LANGUAGES)
        return [self._tier(scorer), self._tier(scorer.restricted(slice(0, n_core)))]

    def cache_key(self) -> str:
        """The key of this backend's tables in the on-disk cache (cleaner.array_cache)."""
        from py3langid.langid import MODEL_DIR, MODEL_FILE

        # The request decides which columns are kept and in what order; a new py3langid model, a new entry.
        request = {"all": self.everything, "languages": self.languages, "default": DEFAULT_LANGUAGES,
                   "core": CORE_LANGUAGES}
        return entry_key((Path(MODEL_DIR) / MODEL_FILE).read_bytes(), request)

    def _build(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The scorer this backend answers from, as arrays (array_cache stores them)."""
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        # Our scorer keeps the arrays; the identifier's Python lists of 10^5 numbers go with it.
        full = NgramScorer.from_identifier(identifier)
        del identifier
        labels = list(dict.fromkeys(full.classes))
        if self.everything:
            scorer = full
        else:
            wanted = self.languages or DEFAULT_LANGUAGES
            missing = sorted(set(wanted) - {_normalise(label) for label in labels})
            if missing:
                raise ConfigError(f"py3langid has no model for {missing}; it supports: "
                                  f"{', '.join(sorted({str(_normalise(x)) for x in labels if _normalise(x)}))}")
            if self.languages:
                scorer = self._restricted(full, [lab for lab in labels if _normalise(lab) in wanted])
            else:
                # One copy of the tables for both tiers (the full tables are freed, ~40 MB).
                core = [lab for lab in labels if _normalise(lab) in CORE_LANGUAGES]
                scorer = self._restricted(full, core + [lab for lab in labels if _normalise(lab) in wanted
                                                        and _normalise(lab) not in CORE_LANGUAGES])
        request = "all" if self.everything else ",".join(self.languages) if self.languages else "default"
        return scorer.arrays(), {"depth": scorer.depth, "classes": scorer.classes, "languages": request}

    @staticmethod
    def _restricted(scorer: NgramScorer, labels: list[str]) -> NgramScorer:
        """The scorer answering only `labels`, in that order (every column of a label py3langid holds
        twice, e.g. sr in two scripts)."""
        return scorer.restricted([i for label in labels for i, c in enumerate(scorer.classes) if c == label])

    @staticmethod
    def _tier(scorer: NgramScorer) -> tuple[NgramScorer, dict[str, str], set[str]]:
        # Label → ISO code ("zxx" → "": no language), and the codes several labels share (ar: ar, ary, arz).
        codes = {label: _normalise(label) or "" for label in scorer.classes}
        shared = {code for code, n in Counter(codes.values()).items() if n > 1}
        return scorer, codes, shared

    @staticmethod
    def _pick(tiers: list[Any], text: str) -> Any:
        """The short-text tier for texts too short to separate close relatives, else the first."""
        if len(tiers) > 1 and sum(map(str.isalpha, text)) < MIN_RELIABLE_LETTERS:
            return tiers[1]
        return tiers[0]

    def _rank(self, tiers: Any, text: str) -> list[tuple[str, float]]:
        scorer, codes, _ = self._pick(tiers, text)
        ranked = scorer.ranking(scorer.probabilities([text])[0])
        return _merged((codes.get(label, ""), prob) for label, prob in ranked)

    def _detect(self, tiers: Any, text: str) -> tuple[Optional[str], float]:
        return self._detect_many(tiers, [text])[0]

    def _detect_many(self, tiers: Any, texts: Sequence[str]) -> list[tuple[Optional[str], float]]:
        # One scoring per tier for all its texts: the n-gram walk and the sums run as array operations.
        by_tier: dict[int, list[int]] = {}
        for i, text in enumerate(texts):
            by_tier.setdefault(id(self._pick(tiers, text)), []).append(i)
        out: list[tuple[Optional[str], float]] = [(None, 0.0)] * len(texts)
        for tier in tiers:
            positions = by_tier.get(id(tier))
            if positions:
                rows = tier[0].probabilities([texts[i] for i in positions])
                for i, row in zip(positions, rows):
                    out[i] = self._answer(tier, row)
        return out

    @staticmethod
    def _answer(tier: Any, row: np.ndarray) -> tuple[Optional[str], float]:
        scorer, codes, shared = tier
        label, conf = scorer.best(row)
        if conf * len(scorer.classes) < 1.001:
            # Uniform: none of the model's n-grams is in the text. The first label (ar, which merges
            # three) would "win"; the honest answer is none.
            return None, 0.0
        code = codes.get(label, "")
        # A label without varieties holding ≥ 0.5 cannot be outvoted by any merged group.
        if conf < 0.5 or code in shared:
            merged = _merged((codes.get(lab, ""), prob) for lab, prob in scorer.ranking(row))
            code, conf = merged[0] if merged else ("", 0.0)
        return (code, float(conf)) if code else (None, 0.0)


BACKENDS: dict[str, type[_LazyBackend]] = {"py3langid": Py3LangidBackend, "langdetect": LangdetectBackend}
DEFAULT_BACKEND = "py3langid"


@functools.lru_cache(maxsize=None)
def _cached_backend(name: str, languages: Optional[tuple[str, ...]]) -> LanguageBackend:
    return BACKENDS[name](languages)


def get_backend(name: str = DEFAULT_BACKEND, languages: Optional[Sequence[str]] = None) -> LanguageBackend:
    """Return the shared backend instance for this name and language restriction.

    languages: None for the default candidates, "all" for every language the backend knows, or a list of
    ISO 639-1 codes to choose among.
    """
    if name not in BACKENDS:
        raise ConfigError(f"unknown language backend {name!r}; valid names: {', '.join(sorted(BACKENDS))}")
    return _cached_backend(name, _languages_key(languages))


# Scripts that (in our scope) one language alone writes: the script decides, whatever the model says.
_SCRIPT_RANGES = sorted([
    (0x0370, 0x03FF, "el"), (0x1F00, 0x1FFF, "el"), (0x0530, 0x058F, "hy"), (0xFB13, 0xFB17, "hy"),
    (0x0590, 0x05FF, "he"), (0xFB1D, 0xFB4F, "he"), (0x0980, 0x09FF, "bn"), (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"), (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"), (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"),
    (0x0F00, 0x0FFF, "bo"), (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"), (0x1C90, 0x1CBF, "ka"),
    (0x2D00, 0x2D2F, "ka"), (0x1100, 0x11FF, "ko"), (0x3130, 0x318F, "ko"), (0xA960, 0xA97F, "ko"),
    (0xAC00, 0xD7FF, "ko"), (0x1200, 0x139F, "am"), (0x2D80, 0x2DDF, "am"), (0x1780, 0x17FF, "km"),
    (0x19E0, 0x19FF, "km"), (0x3040, 0x30FF, "kana"), (0x31F0, 0x31FF, "kana"), (0xFF66, 0xFF9F, "kana"),
    (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"), (0xF900, 0xFAFF, "han"), (0x20000, 0x3134F, "han"),
])
# What the default candidates may answer: the default languages and every script-decided one.
_DEFAULT_CHOICES = frozenset(DEFAULT_LANGUAGES).union(
    lang for _, _, lang in _SCRIPT_RANGES if lang not in ("kana", "han")).union({"ja", "zh"})


# Script of every code point of the Basic Multilingual Plane (0: none of _SCRIPT_RANGES), as an index
# into _SCRIPT_NAMES plus one; beyond it only Han has ranges.
_SCRIPT_NAMES = sorted({name for _, _, name in _SCRIPT_RANGES})
_SCRIPT_OF = np.zeros(0x10000, dtype=np.uint8)
for _start, _end, _name in _SCRIPT_RANGES:
    _SCRIPT_OF[_start:min(_end, 0xFFFF) + 1] = _SCRIPT_NAMES.index(_name) + 1
_KANA, _HAN = _SCRIPT_NAMES.index("kana"), _SCRIPT_NAMES.index("han")
_HAN_BEYOND_BMP = [(start, end) for start, end, name in _SCRIPT_RANGES if name == "han" and start >= 0x10000]
_LETTER = CharClasses({"letter": str.isalpha})


def _letters_and_scripts(texts: Sequence[str]) -> list[tuple[int, int, Optional[str], float]]:
    """Per text: letters, Han letters, and the language whose unique script writes at least half of the
    letters (with that share), else None; Japanese when kana and Han make at least half. Ties between
    scripts go to the one met first."""
    page = PageChars(texts, _LETTER)
    letters = page.count("letter").tolist()
    if page.text.isascii():
        return [(n, 0, None, 0.0) for n in letters]
    codes = np.frombuffer(page.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    script = _SCRIPT_OF[np.minimum(codes, 0xFFFF)]
    script[codes > 0xFFFF] = 0
    for start, end in _HAN_BEYOND_BMP:
        script[(codes >= start) & (codes <= end)] = _HAN + 1
    at = np.flatnonzero((script > 0) & page.has("letter")[:-1])
    if not len(at):
        return [(n, 0, None, 0.0) for n in letters]
    n_scripts = len(_SCRIPT_NAMES)
    cell = page.paragraph_of(at) * n_scripts + script[at].astype(np.int64) - 1     # (text, script)
    counts = np.bincount(cell, minlength=len(texts) * n_scripts).reshape(len(texts), n_scripts)
    cells, first = np.unique(cell, return_index=True)
    met = np.full((len(texts), n_scripts), len(codes), dtype=np.int64)    # where each script is met first
    met.flat[cells] = at[first]
    kana, han = counts[:, _KANA].tolist(), counts[:, _HAN].tolist()
    counts[:, [_KANA, _HAN]] = 0
    best = np.argmax(counts * (len(codes) + 1) - met, axis=1).tolist()
    out = []
    for i, n in enumerate(letters):
        top = int(counts[i, best[i]])
        if kana[i] and 2 * (kana[i] + han[i]) >= n:     # Chinese never uses kana; Japanese mixes it with Han
            out.append((n, han[i], "ja", (kana[i] + han[i]) / n))
        elif top and 2 * top >= n:
            out.append((n, han[i], _SCRIPT_NAMES[best[i]], top / n))
        else:
            out.append((n, han[i], None, 0.0))
    return out


# --- letters and words that settle what models confuse ----------------------------------------------
# Alphabets of languages that models confuse on short text, grouped by script. Each lists the letters its
# language writes among those its group's members differ in (Cyrillic: whole alphabets; Latin and
# Arabic: the letters beyond the basic set). A guess whose alphabet lacks letters the text uses
# (Bulgarian with Serbian ђ, Turkish with Azerbaijani ə, Slovak with Czech ř, Arabic with Urdu ے)
# gives way to the best-ranked language whose alphabet has them all; on a long text only when such
# letters are common, as one or two of them there are a quoted name, not the text's language.
_ALPHABETS: tuple[dict[str, str], ...] = (
    {   # Cyrillic, most used first (the order breaks ties)
        "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
        "bg": "абвгдежзийклмнопрстуфхцчшщъьюя", "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
        "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя", "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
        "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш", "uz": "абвгдеёжзийклмнопрстуўфхцчшъэюяқғҳ",
        "ky": "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя", "tg": "абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшъэюя",
        "tt": "аәбвгдеёжҗзийклмнңоөпрстуүфхһцчшщъыьэюя", "mn": "абвгдеёжзийклмноөпрстуүфхцчшщъыьэюя",
        "ba": "аәбвгғдҙеёжзийкҡлмнңоөпрсҫтуүфхһцчшщъыьэюя",
    },
    {"cs": "áčďéěíňóřšťúůýž", "sk": "áäčďéíĺľňóôŕšťúýž", "pl": "ąćęłńóśźż"},
    {"hr": "čćđšž", "sr": "čćđšž", "bs": "čćđšž", "sl": "čšž"},
    {"es": "áéíñóúü", "pt": "àáâãçéêíóôõú", "it": "àèéìíîòóùú", "fr": "àâæçéèêëîïôœùûüÿ",
     "ca": "àçèéíïòóúüŀ", "gl": "áéíñóúü"},
    {"tr": "âçğıîöşûü", "az": "çğıöşüəqx", "tk": "äçňöşüýž", "uz": "ʻqx"},     # Turkish writes no q, x
    {"sv": "åäöé", "da": "åæøé", "nb": "åæøéèêóòô", "nn": "åæøéèêóòô"},
    {"lt": "ąčęėįšųūž", "lv": "āčēģīķļņšūž"},
    # Arabic writes ك ي and ه where Persian and Urdu write ک ی, and Urdu ہ (heh goal)
    {"ar": "", "fa": "پچژگکی", "ur": "پچژگکیٹڈڑںےھہۓ", "ps": "پچژټډړږښګڼېۍکی", "ku": "پچژگڤڕڵۆێکی"},
)
_ALPHABET_SETS = tuple(({lang: frozenset(letters) for lang, letters in group.items()},
                        frozenset("".join(group.values()))) for group in _ALPHABETS)


def _rank(backend: LanguageBackend, text: str) -> list[tuple[str, float]]:
    """The backend's ranking where it has one (LanguageBackend only promises detect())."""
    rank = getattr(backend, "rank", None)
    return rank(text) if rank is not None else []


def _alphabet_choice(text: str, guess: str, backend: LanguageBackend, long_text: bool) -> Optional[str]:
    """A language whose alphabet fits the text better than the guess's, or None to keep the guess.

    On a long text the guess yields only when letters outside its alphabet are common
    (FOREIGN_LETTER_SHARE of the letters, FOREIGN_LETTERS_MIN at least): then the text is not a quoted
    name but the other language.
    """
    for alphabets, group_letters in _ALPHABET_SETS:
        if guess not in alphabets:
            continue
        lower = text.lower()
        used = group_letters.intersection(lower)
        if used <= alphabets[guess]:
            return None
        if long_text:
            foreign = used - alphabets[guess]
            n_letters = sum(map(str.isalpha, lower))
            if sum(ch in foreign for ch in lower) < max(FOREIGN_LETTERS_MIN, FOREIGN_LETTER_SHARE * n_letters):
                return None
        choices = getattr(backend, "choices" if long_text else "short_choices", getattr(backend, "choices", None))
        fitting = [lang for lang, alphabet in alphabets.items()
                   if used <= alphabet and (choices is None or lang in choices)]
        if not fitting:
            return None
        scores = dict(_rank(backend, text)) if len(fitting) > 1 else {}
        return max(fitting, key=lambda lang: scores.get(lang, 0.0))    # max() keeps the first of equals
    return None


# Serbian, Croatian and Bosnian share most words; models trained on Cyrillic Serbian call Latin Serbian
# Croatian. Standard Serbian is ekavian and standard Croatian and Bosnian are ijekavian (Proto-Slavic
# jat: vreme / vrijeme, reč / riječ, gde / gdje, video / vidio), and each standard has words of its own
# (Croatian tko, tisuća, tjedan, kruh, suradnja, sudjelovati, vanjski, utjecaj, Europa, sustav, milijun,
# uhićenje, months siječanj…, loan verbs in -irati: organizirati; Serbian and Bosnian ko, šta, hiljada,
# saradnja, učestvovati, spoljni, uticaj, Evropa, sistem, milion, hapšenje, januar…, loan verbs in
# -ovati/-isati: organizovati, informisati; Bosnian historija beside Serbian istorija), after the
# published comparisons of the standards (jat words include čovek / čovjek, rešenje / rješenje, vek / vijek).
def _words(spec: str) -> "re.Pattern[str]":
    """Words written "stem*" (any ending) or "word" (exactly), one pattern matching any of them."""
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) + r"\b" for w in spec.split()]
    return re.compile(r"\b(?:" + "|".join(parts) + ")")


_IJEKAVIAN = _words(
    "vrijem* vrijedn* vrijeđ* rijek* riječ* rječ* cijel* cijen* cjelin* lijep* lijek* liječ* lijev* svijet* "
    "svjet* svjedo* bijel* vijest* vijeć* vjer* mlijek* tijel* tijek* mjest* mjesec* mjer* mijenj* promjen* "
    "razmjen* zamjen* namjer* smjer* usmjer* premjest* djel* djec* djevoj* sjever* sjedn* sjedišt* "
    "sjeć* predsjed* susjed* posjet* nasljed* sljed* posljed* snijeg* pjesm* pjev* odjel* njemač* dijel* "
    "podjel* raspodjel* zvijezd* svijest* svjes* obavijest* izvješ* primjer* primjen* uvjer* ocjen* procjen* "
    "cvijet* vjetr* vjež* uspje* vidjet* željet* živjet* voljet* htje* prijedlog* savjet* bezbjedn* "
    "prije poslije dvije dio dijete djeteta gdje ovdje ondje negdje nigdje svugdje uvijek zauvijek "
    "htio vidio želio živio smio volio letio sjedio umio razumio "
    "čovjek* čovječ* pobjed* vijek vijeka vijeku stoljeć* nedjelj* rješen* rješav* riješ* pjesni* "
    "obje naprijed primijet* primjet* cvijeć* porijekl* obezbijed* srijeda srijedu srijede jučer")
_EKAVIAN = _words(
    "vremen* vredn* vređ* reč rečnik* celin* cenovn* lepot* lečen* lekar* levic* svetsk* svetl* "
    "svedo* verovat* mlek* mesec* meseč* mest* menj* promen* razmen* zamen* namer* smer* usmer* premest* "
    "delovanj* delatnost* delimičn* devojk* sever* sedn* sedišt* predsedn* sused* poset* nasled* sled* "
    "posled* sneg* pesm* pevač* odeljen* nemač* podel* raspodel* zvezd* svesn* obaveš* izveš* primer* "
    "primen* uveren* ocen* procen* cvet* vetr* vežb* uspe* videt* želet* živet* volet* htel* predlog* "
    "savet* bezbedn* pre posle dve dvesta gde ovde onde negde nigde svugde uvek zauvek ceo cela celo cele celu celog "
    "celom celi cena cene cenu lepo lepa lepe vest vesti vreme telo tela telu hteo želeo živeo smeo voleo "
    "leteo sedeo umeo razumeo deo delo dela delu deca dece deci dete deteta reči rečima "
    "čovek* čoveč* pobed* vek veka veku vekova stoleć* nedelj* rešen* rešav* reši* pesni* obe napred "
    "primet* cveć* porekl* obezbed* sreda sredu lek leka leku lekovi lekova lekove vera vere veri veru "
    "verom versk* vernik* mera mere meri meru merama merenj* delovi delova delove delovima beo bela belo "
    "bele belog beli reka reke reku rekama seća*")
_CROATIAN = _words(
    "tisuć* kruh* tjed* sveučilišt* glazb* povijes* zrakoplov* opć* obitelj* točn* točk* kazališt* "
    "tvornic* priopć* suradnj* surađ* europ* financ* kemij* nogomet* siječ* veljač* ožuj* travanj* "
    "travnj* svibanj* svibnj* lipanj* lipnj* srpanj* srpnj* kolovoz* rujan* rujn* listopad* prosin* "
    "sudjelova* vanjsk* znanstven* utjecaj* obran* gospodarstv* glasnogovorni* veleposlanstv* provedb* "
    "tko također tijekom vlak vlaka vlakom tisak tiska uvjet* zračn* pozornost* ravnatelj* "
    "ljekarn* računal* zastupni* milijun* eura euro eurima postot* uopće znanost* ured ureda uredom "
    "poduze* mirovin* umirovljen* sustav* momčad* ubojstv* ubojic* uhić* uhit* odvjetni* kaznen* projekt "
    "kirur* kava kave kavu kavom podrijetl*")
_SERBIAN_BOSNIAN = _words(
    "hiljad* hleb* istorij* historij* evrop* finansij* hemij* porodic* opšt* tačn* tačk* pozorišt* fabrik* "
    "univerzitet* saradnj* sarađ* fudbal* vazduh* štamp* januar* februar* avgust* septemb* oktob* novemb* "
    "decemb* sedmic* učestvova* spoljn* naučn* uticaj* odbran* zvaničn* portparol* ambasad* sprovo* "
    "sprove* ko šta takođe tokom mart marta april aprila jun juna jul jula voz voza vozom uslov* "
    "vazdušn* apotek* računar* poslani* saobraća* milion* evra evro evrima odsto uopšte saopšt* preduze* "
    "privred* penzi* sistem* ubistv* ubica ubice ubici ubicu hapš* uhapš* uhaps* advokat* tužila* krivičn* "
    "projekat efekat hirur* haos* kafa kafu kafom bioskop* muzičk* veoma juče dešava* desio desila desilo "
    "desili organizova* organizuj* informisa* definisa* kritikova* kritikuj* reagova* reaguj* diskutova* "
    "regulisa* kontrolisa* registrova* realizova* realizuj* garantova* garantuj* identifikova* "
    "stabilizova* komentarisa* koordinisa* kancelarij* plata platu platom nauka nauke nauci nauku")
# Serbian (and Bosnian) put "da" + present where Croatian has the infinitive: treba da ide / treba ići.
_DA_PRESENT = re.compile(r"\b(?:treba|trebalo|trebao|trebala|trebali|mora|moraju|moramo|može|mogu|možemo|mogao|"
                         r"mogla|mogli|želi|žele|želimo|hoće|neće|počeo|počela|počeli|pokušava|pokušao|"
                         r"odlučio|odlučila|odlučili|nastavio|nastavila|nastavili) da\b")
_BOSNIAN = _words("historij* sedmic*")
_SERBO_CROATIAN = ("hr", "sr", "bs")


def _is_name(text: str, start: int) -> bool:
    """Whether the word at `start` is capitalised inside a sentence: a name (Cvetković is no ekavian
    word), while a sentence's first word counts."""
    if not text[start].isupper():
        return False
    before = text[max(0, start - 20):start].rstrip()
    return bool(before) and before[-1] not in ".!?:;\"'„“”«»(–—-"


def _count_words(pattern: "re.Pattern[str]", text: str, lower: str) -> int:
    """Matches of a lower-case word pattern, less names (_is_name)."""
    if len(text) != len(lower):     # lower() lengthened a letter (İ → i̇): positions differ, count all
        return len(pattern.findall(lower))
    return sum(not _is_name(text, m.start()) for m in pattern.finditer(lower))


def _serbo_croatian_choice(text: str, guess: str, backend: LanguageBackend) -> Optional[str]:
    """Serbian, Croatian or Bosnian for Latin text a model called one of them, by jat reflex and words;
    None when the text has no such evidence."""
    lower = text.lower()
    if sum(ch.isalpha() and ch < "\u0250" for ch in lower) < sum("\u0400" <= ch <= "\u04ff" for ch in lower):
        return None     # Cyrillic: only Serbian writes it, and the models know Cyrillic Serbian well
    east, west = _count_words(_EKAVIAN, text, lower), _count_words(_IJEKAVIAN, text, lower)
    croatian = _count_words(_CROATIAN, text, lower)
    other = _count_words(_SERBIAN_BOSNIAN, text, lower) + len(_DA_PRESENT.findall(lower))
    choices = getattr(backend, "choices", None)
    if west > east and other > croatian and (choices is None or "bs" in choices):
        choice = "bs"       # ijekavian with Serbian/Bosnian words
    elif east + other > west + croatian:
        choice = "sr"
    elif west + croatian > east + other:
        choice = "hr"
    elif guess == "bs" and _BOSNIAN.search(lower):
        choice = "bs"
    else:
        return None
    return choice if choices is None or choice in choices else None


# Malay and Indonesian share most words; models call most Malay Indonesian. The words and spellings in
# which the two standards differ (kerana / karena, bahawa / bahwa, wang / uang, kerajaan / pemerintah,
# universiti / universitas, Ogos / Agustus…) are listed, with their sources, in cleaner/lang_words.py.
_MALAY_INDONESIAN = ("ms", "id")
_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*")
# Enclitics and particles written onto a word (kerajaannya, bisakah, sahajalah) leave it the same word.
_CLITICS = ("", "nya", "lah", "kah", "pun", "ku", "mu")


def _lexicon(pairs: Sequence[tuple[str, str]], fold: bool) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(language, spec) pairs → word → language, and (first word, second word) → language for phrases.

    Lower-case lists (fold) also take each word with a clitic attached, unless that spells another entry."""
    words: dict[str, str] = {}
    phrases: dict[tuple[str, str], str] = {}
    for clitic in _CLITICS if fold else ("",):     # bare words first: they win over a clitic form
        for lang, spec in pairs:
            for entry in spec.split():
                *first, last = entry.split("_")
                if first:
                    phrases.setdefault((first[0], last + clitic), lang)
                else:
                    words.setdefault(last + clitic, lang)
    return words, phrases


_MS_ID_WORDS, _MS_ID_PHRASES = _lexicon([("ms", lang_words.MALAY), ("id", lang_words.INDONESIAN)], fold=True)
_MS_ID_NAMES, _MS_ID_NAME_PHRASES = _lexicon(
    [("ms", lang_words.MALAY_NAMES), ("id", lang_words.INDONESIAN_NAMES)], fold=False)


def _malay_indonesian_choice(text: str, guess: str, backend: LanguageBackend) -> Optional[str]:
    """Malay or Indonesian for text a model called one of them, by the words that differ; None when the
    words do not lean either way."""
    votes: Counter[str] = Counter()
    previous, previous_lower, previous_counts = "", "", False
    for m in _TOKEN_RE.finditer(text):
        word = m.group()
        lower = word.lower()
        counts = not _is_name(text, m.start())      # a lower-case list's word, not a name
        found = _MS_ID_NAMES.get(word) or _MS_ID_NAME_PHRASES.get((previous, word))
        if found is None and counts:
            found = _MS_ID_WORDS.get(lower)
            if found is None and previous_counts:
                found = _MS_ID_PHRASES.get((previous_lower, lower))
        if found is not None:
            votes[found] += 1
        previous, previous_lower, previous_counts = word, lower, counts
    if votes["ms"] == votes["id"]:
        return None
    choice = "ms" if votes["ms"] > votes["id"] else "id"
    choices = getattr(backend, "choices", None)
    return choice if choices is None or choice in choices else None


# Close relatives a model confuses, and the rule that settles them by words: language → (group, rule).
_SIBLING_RULES = {lang: (group, rule) for group, rule in ((_SERBO_CROATIAN, _serbo_croatian_choice),
                                                          (_MALAY_INDONESIAN, _malay_indonesian_choice))
                  for lang in group}


def are_siblings(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two different codes are close relatives a language model confuses (sr/hr/bs, ms/id)."""
    return a != b and a in _SIBLING_RULES and b in _SIBLING_RULES.get(a, ((), None))[0]


class _Detection(NamedTuple):
    lang: Optional[str]
    conf: float
    letters: int
    reliable: bool
    han: int = 0

    @property
    def weight(self) -> int:
        """Vote weight: a Han character carries about a word's worth of text, so it counts twice."""
        return self.letters + self.han


def _script_detections(texts: Sequence[str], backend: LanguageBackend) -> list[tuple[Optional[_Detection], tuple]]:
    """What letters and script alone settle for each text: no letters, or a script one language writes;
    else None. Also returns each text without noise and its letter counts, for _model_detections."""
    joined = "\n".join(texts)
    if joined.count("\n") == len(texts) - 1:    # digits in one pass over the page (none spans a line break)
        if "@" in joined or "://" in joined or _WWW_RE.search(joined):
            joined = "\n".join(map(_strip_links, texts))
        cleaned = _DIGITS_RE.sub(" ", joined).split("\n")
    else:
        cleaned = [_strip_noise(text) for text in texts]
    allowed = getattr(backend, "choices", getattr(backend, "languages", None))
    out: list[tuple[Optional[_Detection], tuple]] = []
    for text, (letters, han, script_lang, share) in zip(cleaned, _letters_and_scripts(cleaned)):
        if not letters:
            settled = _Detection(None, 0.0, 0, False)
        elif script_lang and (allowed is None or script_lang in allowed):
            # A unique script is decisive even for one word, and saves a model call; some backends lack these languages.
            settled = _Detection(script_lang, share, letters, True)
        else:
            settled = None
        out.append((settled, (text, letters, han)))
    return out


def _detect_paragraph(text: str, backend: LanguageBackend) -> _Detection:
    settled, shaped = _script_detections([text], backend)[0]
    return settled if settled is not None else _model_detections([shaped], backend, remember=False)[0]


# Pages of one site repeat their notices, footers and teasers: their detections are remembered.
DETECTION_CACHE_SIZE = 4096
_remembered: OrderedDict[tuple, _Detection] = OrderedDict()
_remembered_lock = threading.Lock()


def _model_detections(shaped: Sequence[tuple], backend: LanguageBackend, remember: bool = True) -> list[_Detection]:
    """_detection for each (text, letters, han) from _script_detections: the texts not detected lately
    go to the backend in one call; our own backends' answers are remembered (pages, not single texts)."""
    remember = remember and isinstance(backend, _LazyBackend)
    out: list[Optional[_Detection]] = [None] * len(shaped)
    todo = list(range(len(shaped)))
    if remember:
        with _remembered_lock:
            for i, key in enumerate(shaped):
                out[i] = _remembered.get((key, backend))
                if out[i] is not None:
                    _remembered.move_to_end((key, backend))
        todo = [i for i, d in enumerate(out) if d is None]
    texts = [shaped[i][0] for i in todo]
    if isinstance(backend, _LazyBackend):
        guesses = backend.detect_many(texts, clean=False)     # _script_detections stripped them
    elif hasattr(backend, "detect_many"):
        guesses = backend.detect_many(texts)
    else:
        guesses = [backend.detect(text) for text in texts]
    for i, guess in zip(todo, guesses):
        out[i] = _detection(*shaped[i], backend, guess)
    if remember and todo:
        with _remembered_lock:
            for i in todo:
                _remembered[(shaped[i], backend)] = out[i]
            while len(_remembered) > DETECTION_CACHE_SIZE:
                _remembered.popitem(last=False)
    return out


def _detection(text: str, letters: int, han: int, backend: LanguageBackend,
               guess: tuple[Optional[str], float]) -> _Detection:
    """A paragraph's language from the backend's guess for its text, the script and the rules for relatives."""
    allowed = getattr(backend, "choices", getattr(backend, "languages", None))
    lang, conf = guess
    # Short texts get confident but random answers (langdetect says "X" is Somali at 0.99999): length matters too.
    # A Han character carries about a word's worth of evidence, so it counts twice towards the minimum.
    reliable = lang is not None and letters + han >= MIN_RELIABLE_LETTERS and conf >= MIN_RELIABLE_CONF
    if han * 2 >= letters and lang not in ("zh", "ja") and (allowed is None or "zh" in allowed):
        # Mostly Han, and neither kana nor mostly Hangul (the script rule said ja or ko otherwise): only
        # Chinese writes that, whatever the model made of one or two characters (langdetect: Korean).
        return _Detection("zh", conf, letters, False, han)
    if lang is None:
        return _Detection(None, 0.0, letters, False, han)
    # Words and letters the model weighs too little settle close relatives.
    group, rule = _SIBLING_RULES.get(lang, ((), None))
    settled = rule(text, lang, backend) if rule is not None else None
    if settled is not None:
        # The model split its belief among the group; the evidence picked one, so the group's share is the
        # confidence (a Serbian paragraph the model gives 0.6 Croatian, 0.4 Serbian is surely one of them).
        lang, conf = settled, sum(p for code, p in _rank(backend, text) if code in group) or conf
        reliable = letters + han >= MIN_RELIABLE_LETTERS and conf >= MIN_RELIABLE_CONF
    else:
        # The confidence stays the model's: a short text stays unreliable and still inherits on a page.
        lang = _alphabet_choice(text, lang, backend, long_text=letters + han >= MIN_RELIABLE_LETTERS) or lang
    return _Detection(lang, conf, letters, reliable, han)




def detect_language(text: str, backend: str = DEFAULT_BACKEND,
                    languages: Optional[Sequence[str]] = None) -> Optional[str]:
    """Return one text's language (ISO 639-1), or None when it has no letters (or none a model knows).

    languages: None for the default candidates, "all" or a list of codes, as for get_backend().
    """
    return _detect_paragraph(text, get_backend(backend, languages)).lang


def assign_languages(paragraphs: Sequence[Paragraph],
                     backend: LanguageBackend) -> tuple[list[Paragraph], Optional[str]]:
    """Return the paragraphs with lang/lang_conf set, and the page language."""
    # The model runs only where its answer can count: on texts long enough to be reliable. A shorter
    # one takes the language of its block or page whatever its own guess, so its guess is needed only
    # on a page where nothing is reliable.
    settled = _script_detections([p.text for p in paragraphs], backend)
    found: list[_Detection] = [d if d is not None else _Detection(None, 0.0, letters, False, han)
                               for d, (_, letters, han) in settled]
    _detect_where(found, settled, backend,
                  lambda d, shaped: d.lang is None and shaped[1] + shaped[2] >= MIN_RELIABLE_LETTERS)
    if not any(d.reliable for d in found):
        _detect_where(found, settled, backend, lambda d, shaped: d.lang is None and d.letters > 0)

    # Page language: letter-weighted vote of the trustworthy detections, so a long article outvotes
    # a cookie notice and many short menu items; with no trustworthy one, every detection votes.
    votes: Counter[str] = Counter()
    for d in found:
        if d.reliable and d.lang:
            votes[d.lang] += d.weight
    if not votes:
        for d in found:
            if d.lang:
                votes[d.lang] += d.weight
    page_lang, page_conf = None, 0.0
    if votes:
        page_lang, weight = votes.most_common(1)[0]
        page_conf = weight / sum(votes.values())

    # Reliable paragraphs' positions per group: a short line ("X", a caption, a heading) belongs
    # with the text of its own container/block, which may differ from the page's language.
    reliable_in_group: dict[int, list[int]] = {}
    for i, (p, d) in enumerate(zip(paragraphs, found)):
        if d.reliable and p.dom.group >= 0:
            reliable_in_group.setdefault(p.dom.group, []).append(i)

    out: list[Paragraph] = []
    for i, (p, d) in enumerate(zip(paragraphs, found)):
        if not d.letters:
            lang, conf = None, 0.0
        elif d.reliable:
            lang, conf = d.lang, d.conf
        else:
            source = _nearest(reliable_in_group.get(p.dom.group, []), i) if p.dom.group >= 0 else None
            src_lang, src_conf = (found[source].lang, found[source].conf) if source is not None \
                else (page_lang, page_conf)
            if src_lang is None:
                lang, conf = d.lang, d.conf
            elif src_lang == d.lang:
                lang, conf = d.lang, d.conf
            else:   # inherited against its own guess: a low confidence tells callers it was not measured
                lang, conf = src_lang, INHERITED_CONF_FACTOR * src_conf
        out.append(p.with_(lang=lang, lang_conf=conf))
    return out, page_lang


def _detect_where(found: list[_Detection], settled: list, backend: LanguageBackend, wanted) -> None:
    """Replace found[i] by the model's detection where wanted(found[i], shaped text) holds, in one batch."""
    todo = [i for i, (d, (_, shaped)) in enumerate(zip(found, settled)) if wanted(d, shaped)]
    for i, d in zip(todo, _model_detections([settled[i][1] for i in todo], backend)):
        found[i] = d


def _nearest(positions: list[int], i: int) -> Optional[int]:
    """Closest position to i; on a tie the following one (a short line usually introduces what follows)."""
    if not positions:
        return None
    k = bisect_left(positions, i)
    after = positions[k] if k < len(positions) else None
    before = positions[k - 1] if k > 0 else None
    if before is None or (after is not None and after - i <= i - before):
        return after
    return before
