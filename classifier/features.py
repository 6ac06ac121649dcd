"""Paragraph sequence → feature matrix: text shape, DOM context, language, position, neighbours.

Input is a flat list of paragraphs holding one or more whole pages in order; a page
starts wherever `index == 0`. Output is a CSR matrix whose first `N_DENSE` columns are
numeric features (column 0 marks page starts, which the model uses to find pages) and
whose remaining columns are hashed sparse tokens (words, word pairs, class/id tokens,
tag paths) that work in any script.
"""
from __future__ import annotations

import math
import re
import unicodedata
from itertools import chain, compress
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Iterator, NamedTuple, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from .align import META_MAX_WORDS, SIGNAL_WORDS, is_byline_or_date
from .concepts import COLUMNS as CONCEPT_COLUMNS, concept_columns
from .pagetext import CharClasses, PageChars, hash_tokens

if TYPE_CHECKING:  # classifier sees only Paragraph data, never cleaner's pipeline
    from cleaner.paragraph import DomContext, Paragraph

FEATURE_VERSION = 10

KINDS = ("p", "h1", "h2", "h3", "hx", "li", "td", "div", "pre", "blockquote", "caption",
         "button", "option", "dt", "text", "other")
_KIND_ALIAS = {"h4": "hx", "h5": "hx", "h6": "hx", "th": "td", "tr": "td", "figcaption": "caption",
               "dd": "dt", "section": "div", "article": "div", "main": "div", "center": "div",
               "body": "div", "html": "div", "summary": "dt", "legend": "caption", "address": "other"}


def _combining_marks() -> str:
    """The BMP's combining marks (Unicode categories Mn, Mc, Me) as a regex class body of ranges."""
    marks = [cp for cp in range(0x10000) if unicodedata.category(chr(cp))[0] == "M"]
    ranges, start = [], marks[0]
    for prev, cp in zip(marks, marks[1:] + [-1]):
        if cp != prev + 1:
            ranges.append(f"\\u{start:04x}-\\u{prev:04x}" if prev > start else f"\\u{start:04x}")
            start = cp
    return "".join(ranges)


# A word character: what re's \w matches, and combining marks. \w alone leaves out the vowel signs and
# viramas of Indic scripts (Mn/Mc), so "हिस्सा" (Hindi: part) split into "ह", "स", "स", and a Hindi or
# Bengali page's words were consonant fragments shared by every text.
WORD_CHAR = f"[\\w{_combining_marks()}]"
_WORD = re.compile(WORD_CHAR + "+")
# Sentence ends in many scripts: Urdu ۔, Armenian ։, Ethiopic ።, Devanagari । ॥, Greek ; (question mark).
_SENT_END = frozenset(".!?。！？؟।॥۔։።;…\"”»'")
_SENT_PUNCT = re.compile(r"[.!?。！？؟।॥۔։።]")
_COMMA = re.compile(r"[,;:،、，；]")
_DIGIT = re.compile(r"\d")
_URLISH = re.compile(r"https?://|www\.|\.com\b|@\w+\.\w+")
# A match of _DATE holds at least 3 digits, one of _YEAR 4: only texts with as many are searched.
# Both start with a digit and check the \b before it behind it: re then skips ahead to the digits
# instead of trying the pattern at every position.
# _DATE: \b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2})\b
_DATE = re.compile(r"\d(?<=\b\d)(?:\d{3}[-/.]\d{1,2}[-/.]\d{1,2}|\d?[-/.]\d{1,2}[-/.]\d{2,4}|\d?:\d{2})\b")
_YEAR = re.compile(r"(?:1(?<=\b1)9|2(?<=\b2)0)\d{2}\b")  # \b(19|20)\d{2}\b
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.I)
# Lower-cased, every match of _COPYRIGHT holds one of these: under re.I, c, o, p, y and r match only
# themselves and their upper case (of its letters only i matches more: İ, ı). Other texts are not searched.
_COPYRIGHT_HINT = re.compile(r"©|\(c\)|copyr")
_SEPARATORS = re.compile(r"[|»·•›/]")
_BULLET = re.compile(r"[\-–—•·*►▶>|]")  # a text starting with one is a list item

DENSE_NAMES = [
    "page_start",
    "log_chars", "log_words", "mean_word_len", "letter_share", "digit_share", "punct_share",
    "upper_share", "space_share", "ends_sentence", "sentences_per_word", "commas_per_word",
    "starts_bullet", "separators", "has_url", "has_date", "has_year", "has_copyright", "looks_byline",
    "link_share", "log_depth", "in_nav", "in_header", "in_footer", "in_aside", "in_form",
    "in_article", "has_dom", "n_tokens",
    *[f"kind_{k}" for k in KINDS],
    "rel_index", "rel_chars_before", "log_page_paras", "log_page_chars", "chars_vs_max",
    "is_longest", "group_share", "group_size", "group_link_share",
    "lang_none", "lang_is_page", "lang_conf", "lang_page_share", "lang_same_prev", "lang_same_next",
    "lang_window_same",
    "prev_log_chars", "next_log_chars", "prev_link", "next_link", "prev_ends_sentence",
    "next_ends_sentence", "same_group_prev", "same_group_next", "same_kind_prev", "same_kind_next",
    "win3_log_chars", "win3_link", "win3_ends_sentence", "win7_log_chars", "win7_link",
    "dist_longest", "mass_before", "mass_after", "run_long",
    "in_core50", "in_core80", "in_best", "in_best_parent",
    "article_words",
    *CONCEPT_COLUMNS,
    "lang_key",  # an id of the paragraph's language for grouping in the model, not a feature itself
]
N_DENSE = len(DENSE_NAMES)
N_HASHED = 2 ** 18


# Han, kana and Thai/Lao/Khmer/Myanmar write without spaces; Han and kana pack about a word into
# one character. Lengths count such a character as 3 so a Chinese paragraph is not "short".
_DENSE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Scripts written without spaces between words: a run of them is one \w+ token, unique to its
# sentence, so the linear model sees their character pairs instead (a Han or kana pair is often a word).
_NO_SPACE_SCRIPT = r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


def text_length(text: str) -> int:
    """Length in characters, a CJK character counting as 3 (about one word of Latin text)."""
    return len(text) + 2 * len(_DENSE_SCRIPT.findall(text)) if not text.isascii() else len(text)


# Every character class the text-shape columns count, as bits of one table (\w as re sees it).
_CHARS = CharClasses({
    "letter": str.isalpha, "upper": str.isupper, "digit": str.isdigit, "space": str.isspace,
    "word": re.compile(WORD_CHAR), "dense": _DENSE_SCRIPT, "sentence_punct": _SENT_PUNCT, "comma": _COMMA,
    "separator": _SEPARATORS, "bullet": _BULLET, "sentence_end": _SENT_END,
    "no_space": re.compile(_NO_SPACE_SCRIPT),
})


class _WordRuns(NamedTuple):
    """A page's \\w+ tokens as runs of word characters in its joined texts."""

    starts: np.ndarray     # position of each run
    lengths: np.ndarray    # its length
    paragraph: np.ndarray  # its paragraph
    counts: np.ndarray     # runs per paragraph: len(_WORD.findall(text))


def _word_runs(chars: PageChars) -> _WordRuns:
    """The runs of word characters of a page and the paragraphs they lie in."""
    starts, lengths = chars.runs("word")
    paragraph = chars.paragraph_of(starts)
    return _WordRuns(starts, lengths, paragraph, np.bincount(paragraph, minlength=len(chars.lengths)))


class _Distinct:
    """A sequence's distinct values in order of first appearance, and the index of each item's value."""

    def __init__(self, items: Sequence):
        index: dict = {}
        self.of = np.array([index.setdefault(item, len(index)) for item in items], dtype=np.int64)
        self.names = list(index)


class _Page(NamedTuple):
    """Consecutive paragraphs (of one page or more) and what several feature groups read from them."""

    paras: Sequence["Paragraph"]
    texts: list[str]
    doms: list["DomContext"]
    kinds: list[str]
    chars: PageChars   # the texts' characters
    runs: _WordRuns    # and words


# Armenian ends a sentence with ։, which looks like a colon, and on the web it is often typed as one: in prose
# (ARMENIAN_PROSE_CHARS and more) a colon right after an Armenian letter is read as a full stop. A short
# line ending in one ("Կարդացեք նաև:", read also:) stays a label.
_ARMENIAN_COLON = re.compile(r"(?<=[\u0531-\u0556\u0561-\u0587]):")
ARMENIAN_PROSE_CHARS = 80
# Ukrainian and Belarusian write an apostrophe inside words (суб'єкт, п’ять), typed as ' or ’, which re's \w
# does not match: the word would become two tokens that are not words. Between Cyrillic letters it is read as
# U+02BC, the letter Unicode gives that apostrophe, so the word stays one token.
_CYRILLIC_APOSTROPHE = re.compile(r"(?<=[\u0400-\u04ff])['’](?=[\u0400-\u04ff])")


def _read_page(paras: Sequence["Paragraph"]) -> _Page:
    """Paragraphs' texts, DOM contexts and kinds, and the character classes and words of their texts."""
    texts = [p.text for p in paras]
    shaped = [_ARMENIAN_COLON.sub("։", t) if len(t) >= ARMENIAN_PROSE_CHARS and ":" in t and not t.isascii() else t
              for t in texts]
    shaped = [_CYRILLIC_APOSTROPHE.sub("\u02bc", t) if not t.isascii() and ("'" in t or "’" in t) else t
              for t in shaped]
    chars = PageChars(shaped, _CHARS)
    return _Page(paras, texts, [p.dom for p in paras], [p.kind for p in paras], chars, _word_runs(chars))


def _page_shape(page: _Page, out: np.ndarray) -> np.ndarray:
    """Write the text-shape columns (log_chars … looks_byline) of a page's paragraphs into out;
    returns their text_length."""
    chars = page.chars
    n = chars.lengths
    dense = chars.count("dense")
    words, word_chars = _word_counts(chars, page.runs, dense)
    letters = chars.count("letter")
    upper = np.minimum(letters, chars.count("upper"))  # Ⅳ and Ⓐ are upper case but not letters
    digits = chars.count("digit")
    spaces = chars.count("space")
    punct = n - letters - digits - spaces
    some_words = np.maximum(words, 1)
    lengths = n + 2 * dense
    columns = (
        _log1p(lengths), _log1p(words), _ratio(word_chars, words),
        _ratio(letters, n), _ratio(digits, n), _ratio(punct, n), _ratio(upper, letters), _ratio(spaces, n),
        chars.last_in("sentence_end"),
        chars.count("sentence_punct") / some_words, chars.count("comma") / some_words,
        chars.first_in("bullet"), np.minimum(5, chars.count("separator")) / 5.0,
        chars.matching(_URLISH), chars.matching(_DATE, among=digits >= 3), chars.matching(_YEAR, among=digits >= 4),
        _has_copyright(chars),
        _looks_byline(page, digits),
    )
    for j, column in enumerate(columns):
        out[:, j] = column
    return lengths


def _has_copyright(chars: PageChars) -> np.ndarray:
    """Per paragraph: does _COPYRIGHT match its text?"""
    if chars.lowered is None:  # an İ lowers to two characters: the texts no longer line up
        return chars.matching(_COPYRIGHT)
    return chars.matching(_COPYRIGHT, among=chars.matching(_COPYRIGHT_HINT, text=chars.lowered))


# is_byline_or_date answers False at once for a text of over META_MAX_WORDS words, or holding neither a
# digit nor one of SIGNAL_WORDS (case-insensitively): the page's texts are searched for those at once,
# in the lower-cased text, where re.IGNORECASE's other matches of s and i (ſ, ı) are written s and i.
_SIGNAL_WORDS = re.compile("|".join(SIGNAL_WORDS))


def _looks_byline(page: _Page, digits: np.ndarray) -> np.ndarray:
    """Per paragraph: is its text shorter than 200 characters and a byline or date (is_byline_or_date)?"""
    chars = page.chars
    asked = (chars.lengths < 200) & (page.runs.counts <= META_MAX_WORDS)
    if chars.lowered is not None:
        lowered = chars.lowered
        folded = lowered if lowered.isascii() else lowered.replace("ſ", "s").replace("ı", "i")
        # str.isdigit holds for every \d (and more): a superset is enough, is_byline_or_date decides.
        has_digit = digits > 0
        asked &= has_digit | chars.matching(_SIGNAL_WORDS, among=asked & ~has_digit, text=folded)
    looks = np.zeros(len(asked), dtype=bool)
    at = np.flatnonzero(asked)
    looks[at] = [is_byline_or_date(page.texts[i]) for i in at.tolist()]
    return looks


def _word_counts(chars: PageChars, runs: _WordRuns, dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paragraph: number of words and their total length, a CJK character counting as a 3-letter word."""
    words = runs.counts
    word_chars = chars.count("word")
    if dense.any():  # a run of Han characters is one \w+ token; count its characters as words instead
        starts_dense = chars.has("dense")[runs.starts]
        of_dense = runs.paragraph[starts_dense]
        dense_run_chars = np.bincount(of_dense, weights=runs.lengths[starts_dense], minlength=len(dense))
        words = words - np.bincount(of_dense, minlength=len(dense)) + dense
        word_chars = word_chars - dense_run_chars.astype(np.int64) + 3 * dense
    return words, word_chars


def _log1p(counts: np.ndarray) -> np.ndarray:
    """math.log1p of integer counts (those in 0 … 4095 looked up)."""
    # math.log1p, not np.log1p: numpy's vectorised log1p may round differently in the last bit.
    if len(counts) and 0 <= counts.min() and counts.max() < len(_LOG1P_OF_SMALL):
        return _LOG1P_OF_SMALL[counts]
    out = _LOG1P_OF_SMALL[np.clip(counts, 0, len(_LOG1P_OF_SMALL) - 1)]
    others = np.flatnonzero((counts < 0) | (counts >= len(_LOG1P_OF_SMALL)))
    if len(others):
        out[others] = list(map(math.log1p, counts[others].tolist()))
    return out


_LOG1P_OF_SMALL = np.fromiter(map(math.log1p, range(4096)), dtype=np.float64, count=4096)


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole, 0.0 where whole is 0."""
    return np.divide(part, whole, out=np.zeros(len(part)), where=whole != 0)


def _kind(kind: str) -> str:
    kind = _KIND_ALIAS.get(kind, kind)
    return kind if kind in KINDS else "other"


def _window(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of values over [i - radius, i + radius] clipped to the page (of each column, for a matrix)."""
    n = len(values)
    c = np.zeros((n + 1,) + values.shape[1:])
    np.cumsum(values, axis=0, out=c[1:])
    idx = np.arange(n)
    lo = np.maximum(0, idx - radius)
    hi = np.minimum(n, idx + radius + 1)
    span = hi - lo
    return (c[hi] - c[lo]) / (span[:, None] if values.ndim == 2 else span)


def page_slices(starts: np.ndarray) -> list[slice]:
    """Page boundaries from a page-start indicator column."""
    idx = list(np.flatnonzero(starts)) + [len(starts)]
    if not idx or idx[0] != 0:
        idx = [0] + idx
    return [slice(a, b) for a, b in zip(idx[:-1], idx[1:]) if b > a]


def _row_columns(text: _Page, rows: np.ndarray) -> np.ndarray:
    """Write the columns that read one paragraph at a time (text shape, DOM, kind) of consecutive
    paragraphs into rows; returns their text_length."""
    lengths = _page_shape(text, rows[:, 1:_FIRST_DOM]).astype(np.float64)
    _dom_columns(text.doms, rows[:, _FIRST_DOM:_FIRST_KIND])
    rows[np.arange(len(rows)), _FIRST_KIND + _kind_indices(_Distinct(text.kinds))] = 1.0
    return lengths


# A subheading names what the paragraphs around it talk about; a short line of chrome ("Reklama",
# "Related", "Close") seldom does. Boilerplate in another language than the article never does.
_LOG_BODYISH_CHARS = math.log1p(80)  # as in _page_dense's body-like mass: over 80 characters…
_ARTICLE_WORD_CHARS = 3


def _article_words(tokens: "_Tokens", bodyish: np.ndarray, page_of_row: np.ndarray) -> np.ndarray:
    """Per paragraph: the share of its words (their first _STEM_CHARS characters; character pairs in
    scripts without spaces) found in its page's other body-like paragraphs (long, ending a sentence,
    not all links); 0.0 for a paragraph without words. page_of_row numbers the pages of consecutive ones."""
    n = len(tokens.word_counts)
    out = np.zeros(n)
    if not bodyish.any():
        return out
    keep = tokens.word_lengths >= _ARTICLE_WORD_CHARS
    stems = list(map(_STEM, compress(tokens.words, keep.tolist())))
    rows = np.repeat(np.arange(n), tokens.word_counts)[keep]
    if tokens.pairs:
        stems += chain.from_iterable(tokens.pairs)
        rows = np.concatenate([rows, np.repeat(tokens.pair_rows, list(map(len, tokens.pairs)))])
    if not stems:
        return out
    # Each distinct (word, paragraph) once, sorted by page and word (words told apart by their 32-bit hash).
    word = (hash_tokens([("", stems)]).astype(np.int64) & 0xFFFFFFFF) | (page_of_row[rows] << 32)
    order = np.lexsort((rows, word))
    word, rows = word[order], rows[order]
    first = np.ones(len(word), dtype=bool)
    first[1:] = (word[1:] != word[:-1]) | (rows[1:] != rows[:-1])
    word, rows = word[first], rows[first]
    same_word = np.cumsum(np.concatenate([[True], word[1:] != word[:-1]])) - 1
    body = bodyish[rows]
    in_body = np.bincount(same_word, weights=body)[same_word] - body  # other body-like paragraphs holding it
    return np.divide(np.bincount(rows, weights=in_body > 0, minlength=n), np.bincount(rows, minlength=n),
                     out=out, where=np.bincount(rows, minlength=n) > 0)


def _page_dense(paras: Sequence["Paragraph"], page_lang: str | None | object, rows: np.ndarray,
                chars: np.ndarray, kind_of: np.ndarray) -> np.ndarray:
    """Write the rest of the N_DENSE numeric columns of one page's paragraphs into rows, whose
    _row_columns are set (page_lang _VOTE: the page's own vote); chars: their text_length, kind_of:
    an id of each one's kind."""
    n = len(paras)
    doms = [p.dom for p in paras]
    rows[0, 0] = 1.0
    grp = np.fromiter(map(_GROUP, doms), dtype=np.int64, count=n)
    link = rows[:, _FIRST_DOM]  # link_share
    _position_columns(chars, grp, link, rows[:, _FIRST_POSITION:_FIRST_LANG])
    langs = _Distinct([p.lang for p in paras])
    if page_lang is _VOTE:
        page_lang = _vote(langs, chars)
    is_page = _language_columns(langs, [p.lang_conf for p in paras], chars, page_lang,
                                rows[:, _FIRST_LANG:_FIRST_NEIGHBOUR])
    logc, ends = rows[:, _LOG_CHARS], rows[:, _ENDS_SENTENCE]
    base = _FIRST_NEIGHBOUR
    for j, column in enumerate((logc, link, ends)):  # the previous and the next paragraph's (0.0 at the ends)
        rows[1:, base + 2 * j] = column[:-1]
        rows[:-1, base + 2 * j + 1] = column[1:]
    rows[1:, base + 6] = grp[1:] == grp[:-1]
    rows[:-1, base + 7] = rows[1:, base + 6]
    rows[1:, base + 8] = kind_of[1:] == kind_of[:-1]
    rows[:-1, base + 9] = rows[1:, base + 8]
    near = np.column_stack([logc, link, ends, is_page])
    rows[:, base + 10:base + 13] = _window(near[:, :3], 1)
    rows[:, [base + 13, base + 14, _LANG_WINDOW]] = _window(near[:, [0, 1, 3]], 3)
    rows[:, base + 15] = np.abs(np.arange(n) - int(chars.argmax())) / max(1, n - 1)
    # "Body-like" mass: long, sentence-ending, few links; where it lies tells body from chrome.
    bodyish = chars * ends * (1.0 - link) * (chars > 80)
    cum = np.cumsum(bodyish)
    mass = cum[-1] or 1.0
    rows[:, base + 16] = (cum - bodyish) / mass
    rows[:, base + 17] = (cum[-1] - cum) / mass
    rows[:, base + 18] = _window((chars > 80).astype(float) * (1.0 - link), 2)
    words = np.expm1(rows[:, _LOG_WORDS])
    commas = rows[:, _COMMAS_PER_WORD] * np.maximum(words, 1.0)
    j = DENSE_NAMES.index("in_core50")
    rows[:, j:j + 4] = _containers(doms, chars, bodyish, link, commas)
    rows[:, DENSE_NAMES.index("lang_key")] = np.array([lang_key(lang) for lang in langs.names])[langs.of]
    return rows


_VOTE = object()  # as a page language: the language most of the page's text is in (_vote)
_FIRST_DOM = DENSE_NAMES.index("link_share")
_FIRST_KIND = DENSE_NAMES.index(f"kind_{KINDS[0]}")
_FIRST_POSITION = DENSE_NAMES.index("rel_index")
_FIRST_LANG = DENSE_NAMES.index("lang_none")
_FIRST_NEIGHBOUR = DENSE_NAMES.index("prev_log_chars")
_LANG_WINDOW = DENSE_NAMES.index("lang_window_same")
_LOG_CHARS = DENSE_NAMES.index("log_chars")
_LOG_WORDS = DENSE_NAMES.index("log_words")
_ENDS_SENTENCE = DENSE_NAMES.index("ends_sentence")
_COMMAS_PER_WORD = DENSE_NAMES.index("commas_per_word")
_ARTICLE_WORDS = DENSE_NAMES.index("article_words")
_CONCEPTS = DENSE_NAMES.index("consent_concepts")
_DOM_FIELDS = attrgetter("link_share", "depth", "in_nav", "in_header", "in_footer", "in_aside", "in_form",
                         "in_article")
_GROUP = attrgetter("group")
_TAG_PATH = attrgetter("tag_path")
_TOKENS = attrgetter("tokens")
_ANCESTORS = attrgetter("ancestors")


def _dom_columns(doms: Sequence["DomContext"], out: np.ndarray) -> None:
    """Write link_share … n_tokens into out: where each paragraph sat in the DOM."""
    n = len(doms)
    fields = np.fromiter(chain.from_iterable(map(_DOM_FIELDS, doms)), dtype=np.float64, count=n * 8).reshape(n, 8)
    fields[:, 1] = _log1p(fields[:, 1].astype(np.int64))  # depth
    out[:, :8] = fields
    out[:, 8] = np.fromiter(map(bool, map(_TAG_PATH, doms)), dtype=np.float64, count=n)
    out[:, 9] = _log1p(np.fromiter(map(len, map(_TOKENS, doms)), dtype=np.int64, count=n))


def _kind_indices(kinds: _Distinct) -> np.ndarray:
    """Position of each paragraph's kind in KINDS (after aliasing)."""
    return np.array([KINDS.index(_kind(kind)) for kind in kinds.names], dtype=np.int64)[kinds.of]


def _position_columns(chars: np.ndarray, groups: np.ndarray, link: np.ndarray, out: np.ndarray) -> None:
    """Write rel_index … group_link_share into out: where a paragraph lies in the page and what its
    group holds."""
    n = len(chars)
    total = chars.sum() or 1.0
    longest = int(chars.argmax())
    top = chars[longest] or 1.0
    out[:, 0] = np.arange(n) / max(1, n - 1)
    np.cumsum(chars[:-1], out=out[1:, 1])  # the characters before
    out[:, 1] /= total
    out[:, 2] = math.log1p(n)
    out[:, 3] = math.log1p(total)
    out[:, 4] = chars / top
    out[longest, 5] = 1.0
    # Sums per group in page order (bincount adds in index order, as the loop it replaced did).
    group_of = np.searchsorted(_distinct(groups.copy()), groups)
    group_chars = np.bincount(group_of, weights=chars)
    group_size = np.bincount(group_of)
    group_link = np.bincount(group_of, weights=link * chars) / np.where(group_chars == 0, 1.0, group_chars)
    grouped = groups >= 0
    out[:, 6] = np.where(grouped, group_chars[group_of] / total, 0.0)
    out[:, 7] = np.where(grouped, _log1p(group_size)[group_of], 0.0)
    out[:, 8] = np.where(grouped, group_link[group_of], 0.0)


def _language_columns(langs: _Distinct, confs: Sequence[float], chars: np.ndarray, page_lang: str | None,
                      out: np.ndarray) -> np.ndarray:
    """Write lang_none … lang_same_next into out: each paragraph's language against the page's and its
    neighbours'. Returns whether each is in the page's language, as 0.0 or 1.0."""
    names = langs.names
    known = langs.of != names.index(None) if None in names else np.ones(len(langs.of), dtype=bool)
    if page_lang is not None and page_lang in names:
        is_page = langs.of == names.index(page_lang)
    else:
        is_page = np.zeros(len(langs.of), dtype=bool)
    out[:, 0] = ~known
    out[:, 1] = is_page
    out[:, 2] = confs
    out[:, 3] = np.bincount(langs.of, weights=chars)[langs.of] / (chars.sum() or 1.0)
    out[1:, 4] = (langs.of[1:] == langs.of[:-1]) & known[1:]
    out[:-1, 5] = out[1:, 4]
    return is_page.astype(np.float64)


def _containers(doms: Sequence["DomContext"], chars: np.ndarray, bodyish: np.ndarray, link: np.ndarray,
                commas: np.ndarray) -> np.ndarray:
    """Is each paragraph inside the page's main content element? Four views of "main".

    in_core50/in_core80: the deepest element holding half / four fifths of the page's body-like text;
    in_best: the element a readability-like vote picks (a paragraph's content score goes to its
    parent, half of it to its grandparent, damped by links); in_best_parent: that element's parent,
    where a story's other parts (lead, subheads, lists) often sit beside the text block.
    Element ids grow in document order, so among nested candidates the largest id is the deepest.
    """
    n = len(doms)
    out = np.zeros((n, 4))
    ancestors = list(map(_ANCESTORS, doms))
    depth = np.fromiter(map(len, ancestors), dtype=np.int64, count=n)
    if not depth.any():
        return out
    # Every (paragraph, ancestor) pair in page order, the ancestor as an index into the sorted distinct ids.
    flat = np.fromiter(chain.from_iterable(ancestors), dtype=np.int64, count=int(depth.sum()))
    row = np.repeat(np.arange(n), depth)
    ids = _distinct(flat.copy())
    element = np.searchsorted(ids, flat)
    # Sums per element in page order (bincount adds in index order, as the loop it replaced did).
    gets_mass = bodyish[row] != 0
    mass = np.bincount(element[gets_mass], weights=bodyish[row][gets_mass], minlength=len(ids))
    has_mass = np.bincount(element[gets_mass], minlength=len(ids)) > 0
    total = bodyish.sum()
    core50 = _deepest(ids[has_mass & (mass >= 0.5 * total)]) if total else None
    core80 = _deepest(ids[has_mass & (mass >= 0.8 * total)]) if total else None
    best = _best_scored(chars, link, commas, depth, element, ids)
    best_parent = None
    if best is not None:
        first = int(np.flatnonzero(flat == best)[0])
        best_parent = int(flat[first - 1]) if first > 0 and row[first - 1] == row[first] else None
    for j, target in enumerate((core50, core80, best, best_parent)):
        if target is not None:
            out[row[flat == target], j] = 1.0
    return out


def _deepest(elements: np.ndarray) -> int | None:
    """The largest element id (the deepest of nested ones), None if there is none."""
    return int(elements.max()) if len(elements) else None


def _best_scored(chars: np.ndarray, link: np.ndarray, commas: np.ndarray, depth: np.ndarray, element: np.ndarray,
                 ids: np.ndarray) -> int | None:
    """The element of the highest readability-like score (ties: the deepest), None if none was scored."""
    voters = np.flatnonzero((depth > 0) & (chars >= 25))
    if not len(voters):
        return None
    score = (1.0 + commas + np.minimum(chars / 100.0, 3.0)) * (1.0 - link)
    last = np.cumsum(depth) - 1  # position in `element` of each paragraph's parent
    # Parent then grandparent of each voter, in page order: the order the scores are added in.
    to = np.column_stack([element[last[voters]], element[last[voters] - 1]]).ravel()
    add = np.column_stack([score[voters], score[voters] / 2]).ravel()
    keep = np.column_stack([np.ones(len(voters), dtype=bool), depth[voters] > 1]).ravel()
    totals = np.bincount(to[keep], weights=add[keep], minlength=len(ids))
    scored = np.bincount(to[keep], minlength=len(ids)) > 0
    top = totals[scored].max()
    return int(ids[scored & (totals == top)].max())


def lang_key(lang: str | None) -> float:
    """A stable number per language code (0 for none), exactly representable as float."""
    if not lang:
        return 0.0
    return float(int.from_bytes(lang.encode("ascii", "replace")[:6].ljust(6, b"\0"), "big"))


# A run of characters of a script written without spaces (its character pairs stand for its words).
NO_SPACE_RUN = re.compile(_NO_SPACE_SCRIPT + "{2,}")
# Words longer than this also count by their start: an inflected or compounded word (çerezlerimizi,
# Datenschutzerklärung) then shares a token with its other forms.
_STEM_CHARS = 5
_STEM = itemgetter(slice(None, _STEM_CHARS))
_PAIR = "_".join
_HASH_SLICE = 4096  # paragraphs hashed together (whole pages: more when a page has more)
DomKey = tuple[tuple[str, ...], tuple[str, ...], str]  # a paragraph's class/id tokens, tag path and kind
# Hashed tokens by kind: (prefix, what follows the prefix in each token, the row of each token).
TokenPieces = list[tuple[str, list[str], np.ndarray]]


class _Tokens(NamedTuple):
    """What the hashed columns of consecutive paragraphs are made of."""

    words: list[str]           # the lower-cased \w+ tokens of every paragraph, in order
    word_lengths: np.ndarray   # characters of each
    word_counts: np.ndarray    # tokens per paragraph
    pairs: list[list[str]]     # _cjk_pairs of each paragraph having some
    pair_rows: list[int]       # those paragraphs
    dom_keys: list[DomKey]     # distinct, a page repeats its containers' class tokens: each is hashed once
    dom_of_row: np.ndarray     # each paragraph's index into dom_keys
    no_space_texts: dict[int, str]  # lower-cased texts of the paragraphs holding scripts written without spaces


def _page_tokens(page: _Page) -> _Tokens:
    """Paragraphs' words (split from their lower-cased joined texts at once), character pairs and DOM keys."""
    chars, runs = page.chars, page.runs
    # str.lower keeps \w characters \w and others not (checked over all code points): the tokens of
    # the lower-cased texts are the runs of word characters of the texts, lower-cased.
    words = chars.lowered_runs("word")
    if words is not None and len(words) == len(runs.starts):
        lengths, counts = runs.lengths, runs.counts
        lowered_texts = None
    else:
        lowered_texts = [chars.text[a:a + n].lower()   # the texts as shaped for the features
                         for a, n in zip(chars.starts.tolist(), chars.lengths.tolist())]
        per_text = list(map(_WORD.findall, lowered_texts))
        words = list(chain.from_iterable(per_text))
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        counts = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    pair_rows, pairs = [], []
    no_space_texts = {}
    for i in np.flatnonzero(chars.count("no_space")).tolist():  # the others have no pairs
        lowered = no_space_texts[i] = chars.lowered_text(i) if lowered_texts is None else lowered_texts[i]
        if paragraph_pairs := _cjk_pairs(lowered):
            pair_rows.append(i)
            pairs.append(paragraph_pairs)
    dom_keys = _Distinct(list(zip(map(_TOKENS, page.doms), map(_TAG_PATH, page.doms), page.kinds)))
    return _Tokens(words, lengths, counts, pairs, pair_rows, dom_keys.names, dom_keys.of, no_space_texts)


def _hashed_rows(tokens: _Tokens, n_hashed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every hashed token column set to 1.0, ordered by row, then column."""
    text_pieces = _text_token_pieces(tokens)
    dom_pieces = _dom_token_pieces(tokens.dom_keys)
    hashes = hash_tokens([(prefix, items) for prefix, items, _ in text_pieces + dom_pieces])
    # abs() in int64: for -2**31 it gives FeatureHasher's special case, modulo n_hashed.
    columns = np.abs(hashes.astype(np.int64)) % n_hashed
    # A cell is row * n_hashed + column.
    text_rows = np.concatenate([rows for _, _, rows in text_pieces])
    dom_rows = np.concatenate([rows for _, _, rows in dom_pieces])
    dom_cells = _distinct(dom_rows * n_hashed + columns[len(text_rows):])
    cells = np.concatenate([text_rows * n_hashed + columns[:len(text_rows)],
                            _copy_to_rows(dom_cells, tokens.dom_of_row, len(tokens.dom_keys), n_hashed)])
    # A column hashed to more than once in a row is set once (FeatureHasher's sum, clipped to 1.0).
    return np.divmod(_distinct(cells), n_hashed)


def _text_token_pieces(tokens: _Tokens) -> TokenPieces:
    """Tokens of the lower-cased texts: words (the first 64), stems of the long ones among them,
    pairs of the first 33 words, character pairs of space-less scripts, the first and the last word,
    and the whole text when it has at most 6 words. Rows are indices of paragraphs."""
    words, n_words = tokens.words, tokens.word_counts
    n = len(n_words)
    first = np.cumsum(n_words) - n_words  # each paragraph's first word
    position = np.arange(len(words)) - np.repeat(first, n_words)  # of each word in its paragraph
    kept, lengths, n_kept = words, tokens.word_lengths, n_words
    if len(words) and n_words.max() > 64:
        is_kept = position < 64
        kept, lengths, position = list(compress(words, is_kept.tolist())), lengths[is_kept], position[is_kept]
        n_kept = np.minimum(n_words, 64)
    row = np.repeat(np.arange(n), n_kept)
    is_long = lengths > _STEM_CHARS
    starts_pair = (position < 32) & (position + 1 < n_kept[row])  # and the next word of its text
    pieces = [
        ("w:", kept, row),
        ("s:", list(map(_STEM, compress(kept, is_long.tolist()))), row[is_long]),
        ("b:", list(map(_PAIR, compress(zip(kept, kept[1:]), starts_pair.tolist()))), row[starts_pair]),
    ]
    if tokens.pair_rows:
        pieces.append(("h:", list(chain.from_iterable(tokens.pairs)),
                       np.repeat(tokens.pair_rows, [len(pairs) for pairs in tokens.pairs])))
    with_words = np.flatnonzero(n_words)
    few_words = np.flatnonzero(n_words <= 6)
    pieces += [
        ("first:", list(map(words.__getitem__, first[with_words].tolist())), with_words),
        ("last:", list(map(words.__getitem__, (first + n_words - 1)[with_words].tolist())), with_words),
        ("whole:", [" ".join(words[a:a + k]) for a, k in zip(first[few_words].tolist(),
                                                             n_words[few_words].tolist())], few_words),
    ]
    return pieces


def _cjk_pairs(lowered: str) -> list[str]:
    """Character pairs of the runs of space-less scripts (at most 96, from the first 400 characters)."""
    pairs = [run[i:i + 2] for run in NO_SPACE_RUN.findall(lowered[:400]) for i in range(len(run) - 1)]
    return pairs[:96]


def _dom_token_pieces(keys: Sequence[DomKey]) -> TokenPieces:
    """Tokens of where paragraphs sat: class/id tokens (the first 20, and the first 4 once more as
    c1:), the last 3 tags of the tag path, the paragraph's kind. Rows are indices into keys."""
    n = len(keys)
    tokens = [key[0] for key in keys]
    n_tokens = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    with_path = [i for i, key in enumerate(keys) if key[1]]
    index = np.arange(n)
    return [
        ("c:", list(chain.from_iterable([t[:20] for t in tokens])), np.repeat(index, np.minimum(n_tokens, 20))),
        ("c1:", list(chain.from_iterable([t[:4] for t in tokens])), np.repeat(index, np.minimum(n_tokens, 4))),
        ("t:", [">".join(keys[i][1][-3:]) for i in with_path], np.array(with_path, dtype=np.int64)),
        ("k:", [kind for _, _, kind in keys], index),
    ]


def _copy_to_rows(key_cells: np.ndarray, key_of_row: np.ndarray, n_keys: int, n_hashed: int) -> np.ndarray:
    """Cells of the rows, each row getting the columns of its key (key_cells: sorted key * n_hashed + column)."""
    key_start = np.searchsorted(key_cells, np.arange(n_keys + 1) * n_hashed)
    sizes = np.diff(key_start)[key_of_row]
    source = np.arange(sizes.sum()) + np.repeat(key_start[key_of_row] - (np.cumsum(sizes) - sizes), sizes)
    return np.repeat(np.arange(len(key_of_row)) * n_hashed, sizes) + key_cells[source] % n_hashed


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, sorting in place (np.unique hashes first: slower at these sizes)."""
    values.sort()
    if not len(values):
        return values
    first = np.empty(len(values), dtype=bool)  # of its run of equal values
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def _to_csr(dense: np.ndarray, hashed_rows: np.ndarray, hashed_columns: np.ndarray,
            n_hashed: int) -> sparse.csr_matrix:
    """The feature matrix: the dense part's non-zeros, then the hashed columns (value 1.0), row by row
    (hashed_rows sorted)."""
    n = len(dense)
    is_set = dense != 0
    nonzero = np.flatnonzero(is_set)
    dense_count = np.count_nonzero(is_set, axis=1)
    hashed_count = np.bincount(hashed_rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(dense_count + hashed_count, out=indptr[1:])
    index_type = np.int32 if indptr[-1] <= np.iinfo(np.int32).max else np.int64
    indices = np.empty(indptr[-1], dtype=index_type)
    values = np.ones(indptr[-1], dtype=np.float64)
    # A row's dense entries go first, then its hashed ones.
    dense_before = np.cumsum(dense_count) - dense_count
    hashed_before = np.cumsum(hashed_count) - hashed_count
    at_dense = np.arange(len(nonzero)) + np.repeat(indptr[:-1] - dense_before, dense_count)
    indices[at_dense] = nonzero - np.repeat(np.arange(0, n * N_DENSE, N_DENSE), dense_count)
    values[at_dense] = dense.ravel()[nonzero]
    at_hashed = np.arange(len(hashed_rows)) + np.repeat(indptr[:-1] + dense_count - hashed_before, hashed_count)
    indices[at_hashed] = hashed_columns + N_DENSE
    return sparse.csr_matrix((values, indices, indptr.astype(index_type)), shape=(n, N_DENSE + n_hashed))


class ParagraphFeaturizer(BaseEstimator, TransformerMixin):
    """Turn a flat, page-ordered list of Paragraphs into the model's feature matrix."""

    def __init__(self, n_hashed: int = N_HASHED):
        self.n_hashed = n_hashed

    def fit(self, X: Sequence["Paragraph"], y=None) -> "ParagraphFeaturizer":
        """Stateless: nothing is learned (features are hashed)."""
        self.n_features_out_ = N_DENSE + self.n_hashed
        return self

    def transform(self, X: Sequence["Paragraph"], page_langs: Sequence[str | None] | None = None) -> sparse.csr_matrix:
        """Feature matrix for page-ordered paragraphs (a page starts at index 0)."""
        if not len(X):
            return sparse.csr_matrix((0, N_DENSE + self.n_hashed))
        pages = split_pages(X)
        langs = list(page_langs) if page_langs is not None else [_VOTE] * len(pages)
        if len(langs) != len(pages):
            raise ValueError(f"{len(langs)} page languages for {len(pages)} pages")
        return _to_csr(*_stacked_features(list(zip(pages, langs)), self.n_hashed), self.n_hashed)


_PageAndLanguage = tuple[Sequence["Paragraph"], "str | None | object"]


def _stacked_features(pages: Sequence[_PageAndLanguage],
                      n_hashed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dense columns of all pages, stacked, and the row and column of every hashed column set to 1.0."""
    dense, rows, columns = [], [], []
    first_row = 0
    # Pages are read some at a time: a training set's at once would take several times the memory of
    # its matrix.
    for group in _page_groups(pages, _HASH_SLICE):
        group_dense, (group_rows, group_columns) = _group_features(group, n_hashed)
        group_rows += first_row
        dense.append(group_dense)
        rows.append(group_rows)
        columns.append(group_columns)
        first_row += len(group_dense)
    return np.vstack(dense), np.concatenate(rows), np.concatenate(columns)


def _group_features(group: Sequence[_PageAndLanguage],
                    n_hashed: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The dense columns of consecutive pages, and the rows and columns of their hashed columns set to 1.0.

    What reads one paragraph at a time (text shape, DOM, kind, tokens) runs over all of the pages'
    paragraphs at once, which saves its fixed cost per call on small pages; what reads a page
    (positions, languages, neighbours, containers, article words) sees each page apart.
    """
    paras = [p for page, _ in group for p in page]
    text = _read_page(paras)
    dense = np.zeros((len(paras), N_DENSE), dtype=np.float64)
    chars = _row_columns(text, dense)
    kind_of = _Distinct(text.kinds).of
    bounds = np.cumsum([0] + [len(page) for page, _ in group]).tolist()
    for (page, lang), a, b in zip(group, bounds[:-1], bounds[1:]):
        _page_dense(page, lang, dense[a:b], chars[a:b], kind_of[a:b])
    tokens = _page_tokens(text)
    bodyish = ((dense[:, _LOG_CHARS] > _LOG_BODYISH_CHARS) & (dense[:, _ENDS_SENTENCE] > 0)
               & (dense[:, _FIRST_DOM] < 1.0))
    page_of_row = np.repeat(np.arange(len(group), dtype=np.int64), np.diff(bounds))
    dense[:, _ARTICLE_WORDS] = _article_words(tokens, bodyish, page_of_row)
    dense[:, _CONCEPTS:_CONCEPTS + len(CONCEPT_COLUMNS)] = concept_columns(tokens.words, tokens.word_counts, tokens.no_space_texts)
    return dense, _hashed_rows(tokens, n_hashed)


def _page_groups(pages: Sequence[_PageAndLanguage], size: int) -> Iterator[list[_PageAndLanguage]]:
    """Consecutive pages in groups of about `size` paragraphs (a larger page makes a group of its own)."""
    group: list[_PageAndLanguage] = []
    group_size = 0
    for page in pages:
        if group and group_size + len(page[0]) > size:
            yield group
            group, group_size = [], 0
        group.append(page)
        group_size += len(page[0])
    if group:
        yield group


def split_pages(paragraphs: Sequence["Paragraph"]) -> list[Sequence["Paragraph"]]:
    """Split a flat paragraph list into pages (a page starts where index == 0)."""
    starts = [i for i, p in enumerate(paragraphs) if p.index == 0 or i == 0]
    starts.append(len(paragraphs))
    return [paragraphs[a:b] for a, b in zip(starts[:-1], starts[1:]) if b > a]


def _vote(langs: _Distinct, lengths: np.ndarray) -> str | None:
    """Page language when the caller did not give one: the one of most text (text_length: a CJK character counts
    as 3, as in lang_page_share), the first of ties."""
    votes = np.bincount(langs.of, weights=lengths, minlength=len(langs.names))
    voting = np.array([bool(lang) for lang in langs.names])
    if not voting.any():
        return None
    votes[~voting] = -1.0
    return langs.names[int(np.argmax(votes))]
