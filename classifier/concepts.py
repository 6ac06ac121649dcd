"""The words web boilerplate is made of, in 45 languages, grouped by concept (cookie, consent, newsletter…).

The text model learns words only from the boilerplate strings it trains on, and those come from a few
consent managers and themes; a notice worded by another one, in the article's own language, shares few
of their words. This lexicon (`concepts.json`, written for this project, not drawn from any training or
evaluation source) names what such texts talk about in every language, so the trees can see that a
paragraph speaks of cookies, partners, settings and consent at once whatever words it uses for them.
"""
from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

LEXICON_FILE = Path(__file__).with_name("concepts.json")
CONSENT_CONCEPTS = ("cookie", "consent", "privacy", "personal_data", "partners", "advertising", "analytics",
                    "settings", "accept", "reject", "necessary", "device", "policy", "withdraw")
# Newsletter and paywall prompts. Concepts for share bars, related links, comments, ads and copyright
# lines were written too and left out: with them every training seed scored lower on the cleanportaleval
# dev split (0.9357-0.9430 over four seeds, against 0.9441-0.9459 without; bench/RESULTS.md, fourteenth
# session). Their words (share, print, link, popular, reply) are common in articles too, and links and
# markup already give such lines away.
PROMPT_CONCEPTS = ("newsletter", "subscribe", "email", "unsubscribe", "login", "paywall")
CONCEPTS = CONSENT_CONCEPTS + PROMPT_CONCEPTS
# The feature columns concept_columns writes, in order.
COLUMNS = ("consent_concepts", "prompt_concepts", "concept_words")
# Written without spaces: their entries are matched anywhere in a text, not as words.
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th"})
MEMO_WORDS = 200_000


class ConceptLexicon:
    """Which concept each word (or, in scripts without spaces, each substring) of the lexicon stands for."""

    def __init__(self, lexicon: dict[str, dict[str, list[str]]]):
        self.exact: dict[str, int] = {}
        self.stems: dict[str, int] = {}
        substrings: dict[str, int] = {}
        # Sorted so that a word two languages put in different concepts always gets the same one.
        for lang in sorted(lexicon):
            for concept, entries in sorted(lexicon[lang].items()):
                if concept not in CONCEPTS:
                    raise ValueError(f"{LEXICON_FILE.name}: unknown concept {concept!r} in {lang!r}")
                number = CONCEPTS.index(concept)
                for entry in entries:
                    if lang in NO_SPACE_LANGUAGES:
                        substrings.setdefault(entry, number)
                    elif entry.endswith("*"):
                        self.stems.setdefault(entry[:-1], number)
                    else:
                        self.exact.setdefault(entry, number)
        # Stems by their first three characters (two-character stems, Korean, by those two), longest
        # first so that the longest matching stem wins: most words start like no stem at all.
        self.by_start: dict[str, list[tuple[str, int]]] = {}
        for stem, number in sorted(self.stems.items(), key=lambda item: (-len(item[0]), item[0])):
            self.by_start.setdefault(stem[:3], []).append((stem, number))
        self.substrings = substrings
        self._hits: dict[str, int] = {}
        self._misses: set[str] = set()
        self._memo_lock = threading.Lock()
        self.substring_re = re.compile("|".join(map(re.escape, sorted(substrings, key=len, reverse=True)))) \
            if substrings else None

    def word_concepts(self, words: Iterable[str]) -> dict[str, int]:
        """The concept number of each of the distinct words that the lexicon holds (exactly or by a stem)."""
        distinct = words if isinstance(words, (set, frozenset)) else set(words)
        # Pages repeat their language's words: each word is looked up once, then remembered (a hit with its
        # concept, a miss in a set), up to MEMO_WORDS words.
        with self._memo_lock:
            return self._looked_up(distinct)

    def _looked_up(self, distinct: set[str]) -> dict[str, int]:
        hits, misses = self._hits, self._misses
        unknown = distinct - hits.keys() - misses
        if unknown:
            if len(hits) + len(misses) + len(unknown) > MEMO_WORDS:
                hits.clear()
                misses.clear()
            found = {word: self.exact[word] for word in self.exact.keys() & unknown}
            by_start = self.by_start
            for word in unknown:
                stems = by_start.get(word[:3]) or by_start.get(word[:2])
                if stems and word not in found:
                    for stem, number in stems:
                        if word.startswith(stem):
                            found[word] = number
                            break
            hits.update(found)
            misses.update(unknown - found.keys())
        return {word: hits[word] for word in hits.keys() & distinct}

    def substring_concepts(self, lowered: str) -> list[int]:
        """The concept numbers of the lexicon's no-space-script entries found in a lower-cased text."""
        if self.substring_re is None:
            return []
        return [self.substrings[m.group()] for m in self.substring_re.finditer(lowered)]


@lru_cache(maxsize=1)
def default_lexicon() -> ConceptLexicon:
    """The lexicon shipped with newsbody, read once."""
    with open(LEXICON_FILE, encoding="utf-8") as f:
        return ConceptLexicon(json.load(f))


_IS_CONSENT = np.array([c in CONSENT_CONCEPTS for c in CONCEPTS])


def concept_columns(words: Sequence[str], word_counts: np.ndarray, no_space: dict[int, str],
                    lexicon: ConceptLexicon | None = None) -> np.ndarray:
    """Per paragraph: distinct consent concepts, distinct prompt concepts (newsletter, paywall, log-in…), and
    concept words per word. words: every paragraph's lower-cased words in order, word_counts: how many each
    has; no_space: the lower-cased texts of the paragraphs holding scripts written without spaces, by row."""
    lexicon = lexicon or default_lexicon()
    n = len(word_counts)
    out = np.zeros((n, len(COLUMNS)))
    found = lexicon.word_concepts(words)
    rows: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    if found:
        number = np.fromiter(map(found.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        hit = number >= 0
        rows.append(np.repeat(np.arange(n), word_counts)[hit])
        numbers.append(number[hit])
    extra_words = np.zeros(n)
    for row, lowered in no_space.items():
        hits = lexicon.substring_concepts(lowered)
        if hits:
            rows.append(np.full(len(hits), row, dtype=np.int64))
            numbers.append(np.array(hits, dtype=np.int64))
        # About two characters of Han or kana, or four of Thai, make a word; the \w runs count one word each.
        extra_words[row] = len(lowered) / 3.0
    if not rows:
        return out
    row = np.concatenate(rows)
    number = np.concatenate(numbers)
    cells = np.unique(row * len(CONCEPTS) + number)
    cell_row, cell_number = np.divmod(cells, len(CONCEPTS))
    consent = _IS_CONSENT[cell_number]
    out[:, 0] = np.bincount(cell_row[consent], minlength=n)
    out[:, 1] = np.bincount(cell_row[~consent], minlength=n)
    out[:, 2] = np.bincount(row, minlength=n) / np.maximum(word_counts + extra_words, 1.0)
    return out
