"""Language identification per paragraph and per page, behind one small backend interface."""
from __future__ import annotations

import functools
import gc
import json
import os
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import Any, NamedTuple, Optional, Protocol, Sequence

from .errors import ConfigError
from .paragraph import Paragraph

# A paragraph's own detection is trusted when it has at least this many letters and this confidence.
MIN_RELIABLE_LETTERS = 40
MIN_RELIABLE_CONF = 0.9
# Backends see at most this much of a text (as langdetect itself does): enough evidence, bounded time.
MAX_DETECT_CHARS = 10_000
# An inherited language disagreeing with the paragraph's own guess gets this share of its source's confidence.
INHERITED_CONF_FACTOR = 0.5

# Stripped before detection: they carry no language and would mislead n-gram models.
# Each pattern may only start where its run of characters starts: linear time even on 100 kB without spaces.
_NOISE_RE = re.compile(
    r"(?<![a-z0-9+.\-])(?:[a-z][a-z0-9+.\-]*://|www\.)\S+"     # URLs
    r"|(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"          # e-mail addresses
    r"|(?<!\w)@\w+"                                 # @handles
    r"|\d+"                                         # digits (any script)
    r"|[\ud800-\udfff]",                            # lone surrogates (cannot be encoded)
    re.IGNORECASE,
)

# Labels that name a variety of a language with an ISO 639-1 code; "zxx"/"und" mean "no language".
_ALIASES = {"arz": "ar", "ary": "ar", "wuu": "zh", "yue": "zh", "uzs": "uz", "sdh": "ku",
            "gug": "gn", "kik": "ki", "fuv": "ff", "zxx": "", "und": "", "unknown": ""}


def _normalise(code: Optional[str]) -> Optional[str]:
    """Map a backend's label to an ISO 639-1 code where one exists ("zh-cn" → "zh"), else None/the label."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(base, base) or None


def _strip_noise(text: str) -> str:
    return _NOISE_RE.sub(" ", text)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)   # str.isalpha() is exactly Unicode category L*


def _languages_key(languages: Optional[Sequence[str]]) -> Optional[tuple[str, ...]]:
    if languages is None:
        return None
    if isinstance(languages, str):
        languages = [languages]
    codes = tuple(sorted({_normalise(str(code)) or "" for code in languages} - {""}))
    if not codes:
        raise ConfigError("languages= is empty; give ISO 639-1 codes such as ['en', 'tr'] or None for all")
    return codes


class LanguageBackend(Protocol):
    """Anything that guesses one text's language."""

    name: str

    def detect(self, text: str) -> tuple[Optional[str], float]:
        """Return (ISO 639-1 code, confidence in [0, 1]), or (None, 0.0) when there is nothing to detect."""
        ...


class _LazyBackend:
    """Shared plumbing: noise stripping, the no-letters rule and a thread-safe lazy model load."""

    name = ""

    def __init__(self, languages: Optional[Sequence[str]] = None) -> None:
        self.languages: Optional[tuple[str, ...]] = _languages_key(languages)
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

    def _detect(self, model: Any, text: str) -> tuple[Optional[str], float]:
        raise NotImplementedError

    def detect(self, text: str) -> tuple[Optional[str], float]:
        """Return (ISO 639-1 code, confidence), or (None, 0.0) when the text has no letters."""
        if not isinstance(text, str):
            return None, 0.0
        cleaned = _strip_noise(text)
        if not _has_letters(cleaned):
            return None, 0.0
        lang, conf = self._detect(self._get_model(), cleaned[:MAX_DETECT_CHARS])
        if lang is None:
            return None, 0.0
        return lang, min(1.0, max(0.0, float(conf)))

    def __getstate__(self) -> dict[str, Any]:
        # Pickle the configuration, not the model (workers reload it lazily) nor the lock.
        state = dict(self.__dict__, _model=None)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(languages={self.languages!r})"


class LangdetectBackend(_LazyBackend):
    """langdetect with a private, seeded profile factory: same text, same answer, in every process."""

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

    def _detect(self, factory: Any, text: str) -> tuple[Optional[str], float]:
        from langdetect.lang_detect_exception import LangDetectException

        try:
            detector = factory.create()
            detector.append(text)
            ranked = detector.get_probabilities()
        except LangDetectException:
            return None, 0.0
        merged: Counter[str] = Counter()    # zh-cn + zh-tw → zh
        for item in ranked:
            code = _normalise(item.lang)
            if code:
                merged[code] += item.prob
        if not merged:
            return None, 0.0
        return merged.most_common(1)[0]


class Py3LangidBackend(_LazyBackend):
    """py3langid with normalised probabilities; one model per backend instance."""

    name = "py3langid"

    def __init__(self, languages: Optional[Sequence[str]] = None) -> None:
        super().__init__(languages)
        if self.languages is not None:      # the label set lives in the model: load now so bad codes fail early
            self._get_model()

    def _load(self) -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        loader = getattr(LanguageIdentifier, "from_pickled_model", None) or LanguageIdentifier.from_model_file
        identifier = loader(MODEL_FILE, norm_probs=True)
        if self.languages is not None:
            labels = list(dict.fromkeys(identifier.nb_classes))
            wanted = [label for label in labels if _normalise(label) in self.languages]
            missing = sorted(set(self.languages) - {_normalise(label) for label in wanted})
            if missing:
                raise ConfigError(f"py3langid has no model for {missing}; it supports: "
                                  f"{', '.join(sorted({str(_normalise(x)) for x in labels if _normalise(x)}))}")
            identifier.set_languages(wanted)
        # Label → ISO code ("zxx" → "": no language), and the codes several labels share (ar: ar, ary, arz).
        codes = {label: _normalise(label) or "" for label in identifier.nb_classes}
        shared = {code for code, n in Counter(codes.values()).items() if n > 1}
        return identifier, codes, shared

    def _detect(self, model: Any, text: str) -> tuple[Optional[str], float]:
        identifier, codes, shared = model
        label, conf = identifier.classify(text)
        code = codes.get(label, "")
        # Fast path: a label without varieties holding ≥ 0.5 cannot be outvoted by any merged group.
        if conf < 0.5 or code in shared:
            merged: Counter[str] = Counter()    # ar + ary + arz → ar, zh + wuu + yue → zh
            for other, prob in identifier.rank(text):
                merged[codes.get(other, "")] += prob
            code, conf = merged.most_common(1)[0]
        return (code, float(conf)) if code else (None, 0.0)


BACKENDS: dict[str, type[_LazyBackend]] = {"py3langid": Py3LangidBackend, "langdetect": LangdetectBackend}
DEFAULT_BACKEND = "py3langid"


@functools.lru_cache(maxsize=None)
def _cached_backend(name: str, languages: Optional[tuple[str, ...]]) -> LanguageBackend:
    return BACKENDS[name](languages)


def get_backend(name: str = DEFAULT_BACKEND, languages: Optional[Sequence[str]] = None) -> LanguageBackend:
    """Return the shared backend instance for this name and language restriction."""
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
_SCRIPT_STARTS = [start for start, _, _ in _SCRIPT_RANGES]


def _letters_and_script(text: str) -> tuple[int, int, Optional[str], float]:
    """Count letters and Han letters; name the language whose unique script writes at least half of them."""
    if text.isascii():
        return sum(map(str.isalpha, text)), 0, None, 0.0
    letters = 0
    scripts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            letters += 1
            if ch >= "\u0370":
                i = bisect_right(_SCRIPT_STARTS, ord(ch)) - 1
                if i >= 0 and ord(ch) <= _SCRIPT_RANGES[i][1]:
                    scripts[_SCRIPT_RANGES[i][2]] += 1
    if not letters:
        return 0, 0, None, 0.0
    kana, han = scripts.pop("kana", 0), scripts.pop("han", 0)
    if kana and kana + han >= letters / 2:     # Chinese never uses kana; Japanese mixes it with Han
        return letters, han, "ja", (kana + han) / letters
    if scripts:
        lang, count = scripts.most_common(1)[0]
        if count >= letters / 2:
            return letters, han, lang, count / letters
    return letters, han, None, 0.0


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


def _detect_paragraph(text: str, backend: LanguageBackend) -> _Detection:
    letters, han, script_lang, share = _letters_and_script(_strip_noise(text))
    if not letters:
        return _Detection(None, 0.0, 0, False)
    allowed = getattr(backend, "languages", None)
    if script_lang and (allowed is None or script_lang in allowed):
        # A unique script is decisive even for one word, and saves a model call; some backends lack these languages.
        return _Detection(script_lang, share, letters, True)
    lang, conf = backend.detect(text)
    # Short texts get confident but random answers (langdetect says "X" is Somali at 0.99999): length matters too.
    # A Han character carries about a word's worth of evidence, so it counts twice towards the minimum.
    reliable = lang is not None and letters + han >= MIN_RELIABLE_LETTERS and conf >= MIN_RELIABLE_CONF
    return _Detection(lang, conf, letters, reliable, han)


def detect_language(text: str, backend: str = DEFAULT_BACKEND) -> Optional[str]:
    """Return one text's language (ISO 639-1) or None when it has no letters."""
    return _detect_paragraph(text, get_backend(backend)).lang


def assign_languages(paragraphs: Sequence[Paragraph],
                     backend: LanguageBackend) -> tuple[list[Paragraph], Optional[str]]:
    """Return the paragraphs with lang/lang_conf set, and the page language."""
    found = [_detect_paragraph(p.text, backend) for p in paragraphs]

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
