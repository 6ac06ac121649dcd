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
from itertools import chain, compress
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from .align import is_byline_or_date
from .pagetext import CharClasses, PageChars, hash_tokens

if TYPE_CHECKING:  # classifier sees only Paragraph data, never cleaner's pipeline
    from cleaner.paragraph import DomContext, Paragraph

FEATURE_VERSION = 7

KINDS = ("p", "h1", "h2", "h3", "hx", "li", "td", "div", "pre", "blockquote", "caption",
         "button", "option", "dt", "text", "other")
_KIND_ALIAS = {"h4": "hx", "h5": "hx", "h6": "hx", "th": "td", "tr": "td", "figcaption": "caption",
               "dd": "dt", "section": "div", "article": "div", "main": "div", "center": "div",
               "body": "div", "html": "div", "summary": "dt", "legend": "caption", "address": "other"}
_WORD = re.compile(r"\w+")
# Sentence ends in many scripts: Urdu ۔, Armenian ։, Ethiopic ።, Devanagari । ॥, Greek ; (question mark).
_SENT_END = frozenset(".!?。！？؟।॥۔։።;…\"”»'")
_SENT_PUNCT = re.compile(r"[.!?。！？؟।॥۔։።]")
_COMMA = re.compile(r"[,;:،、，；]")
_DIGIT = re.compile(r"\d")
_URLISH = re.compile(r"https?://|www\.|\.com\b|@\w+\.\w+")
# A match of _DATE holds at least 3 digits, one of _YEAR 4: only texts with as many are searched.
_DATE = re.compile(
    r"\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2})\b")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
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
    "lang_key",  # an id of the paragraph's language for grouping in the model, not a feature itself
]
N_DENSE = len(DENSE_NAMES)
N_HASHED = 2 ** 18


# Han, kana and Thai/Lao/Khmer/Myanmar write without spaces; Han and kana pack about a word into
# one character. Lengths count such a character as 3 so a Chinese paragraph is not "short".
_DENSE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def text_length(text: str) -> int:
    """Length in characters, a CJK character counting as 3 (about one word of Latin text)."""
    return len(text) + 2 * len(_DENSE_SCRIPT.findall(text)) if not text.isascii() else len(text)


# Every character class the text-shape columns count, as bits of one table (\w as re sees it).
_CHARS = CharClasses({
    "letter": str.isalpha, "upper": str.isupper, "digit": str.isdigit, "space": str.isspace,
    "word": re.compile(r"\w"), "dense": _DENSE_SCRIPT, "sentence_punct": _SENT_PUNCT, "comma": _COMMA,
    "separator": _SEPARATORS, "bullet": _BULLET, "sentence_end": _SENT_END,
})


def _page_shape(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Text-shape columns (log_chars … looks_byline) of a page's paragraphs, and their text_length."""
    page = PageChars(texts, _CHARS)
    n = page.lengths
    dense = page.count("dense")
    words, word_chars = _word_counts(page, dense)
    letters = page.count("letter")
    upper = np.minimum(letters, page.count("upper"))  # Ⅳ and Ⓐ are upper case but not letters
    digits = page.count("digit")
    spaces = page.count("space")
    punct = n - letters - digits - spaces
    some_words = np.maximum(words, 1)
    columns = [
        _log1p(n + 2 * dense), _log1p(words), _ratio(word_chars, words),
        _ratio(letters, n), _ratio(digits, n), _ratio(punct, n), _ratio(upper, letters), _ratio(spaces, n),
        page.last_in("sentence_end"),
        page.count("sentence_punct") / some_words, page.count("comma") / some_words,
        page.first_in("bullet"), np.minimum(5, page.count("separator")) / 5.0,
        page.matching(_URLISH), page.matching(_DATE, among=digits >= 3), page.matching(_YEAR, among=digits >= 4),
        _has_copyright(page),
        [len(text) < 200 and is_byline_or_date(text) for text in texts],
    ]
    return np.column_stack(columns).astype(np.float64, copy=False), n + 2 * dense


def _has_copyright(page: PageChars) -> np.ndarray:
    """Per paragraph: does _COPYRIGHT match its text?"""
    lowered = page.text.lower()
    if len(lowered) != len(page.text):  # an İ lowers to two characters: the texts no longer line up
        return page.matching(_COPYRIGHT)
    return page.matching(_COPYRIGHT, among=page.matching(_COPYRIGHT_HINT, text=lowered))


def _word_counts(page: PageChars, dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paragraph: number of words and their total length, a CJK character counting as a 3-letter word."""
    run_starts, run_lengths = page.runs("word")
    words = np.bincount(page.paragraph_of(run_starts), minlength=len(dense))
    word_chars = page.count("word")
    if dense.any():  # a run of Han characters is one \w+ token; count its characters as words instead
        starts_dense = page.has("dense")[run_starts]
        of_dense = page.paragraph_of(run_starts[starts_dense])
        dense_run_chars = np.bincount(of_dense, weights=run_lengths[starts_dense], minlength=len(dense))
        words = words - np.bincount(of_dense, minlength=len(dense)) + dense
        word_chars = word_chars - dense_run_chars.astype(np.int64) + 3 * dense
    return words, word_chars


def _log1p(counts: np.ndarray) -> np.ndarray:
    """math.log1p of integer counts (those in 0 … 4095 looked up)."""
    # math.log1p, not np.log1p: numpy's vectorised log1p may round differently in the last bit.
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
    """Mean of values over [i - radius, i + radius] clipped to the page."""
    c = np.concatenate([[0.0], np.cumsum(values)])
    n = len(values)
    idx = np.arange(n)
    lo = np.maximum(0, idx - radius)
    hi = np.minimum(n, idx + radius + 1)
    return (c[hi] - c[lo]) / (hi - lo)


def page_slices(starts: np.ndarray) -> list[slice]:
    """Page boundaries from a page-start indicator column."""
    idx = list(np.flatnonzero(starts)) + [len(starts)]
    if not idx or idx[0] != 0:
        idx = [0] + idx
    return [slice(a, b) for a, b in zip(idx[:-1], idx[1:]) if b > a]


def _page_dense(paras: Sequence["Paragraph"], page_lang: str | None) -> np.ndarray:
    """The N_DENSE numeric columns of one page's paragraphs."""
    n = len(paras)
    rows = np.zeros((n, N_DENSE), dtype=np.float64)
    rows[0, 0] = 1.0
    shape, lengths = _page_shape([p.text for p in paras])
    rows[:, 1:_FIRST_DOM] = shape
    chars = lengths.astype(np.float64)
    doms = [p.dom for p in paras]
    rows[:, _FIRST_DOM:_FIRST_KIND] = _dom_columns(doms)
    kinds = [p.kind for p in paras]
    rows[np.arange(n), _FIRST_KIND + _kind_indices(kinds)] = 1.0
    grp = np.fromiter(map(_GROUP, doms), dtype=np.int64, count=n)
    link = rows[:, _FIRST_DOM]  # link_share
    rows[:, _FIRST_POSITION:_FIRST_LANG] = _position_columns(chars, grp, link)
    langs = [p.lang for p in paras]
    confs = [p.lang_conf for p in paras]
    rows[:, _FIRST_LANG:_FIRST_NEIGHBOUR] = _language_columns(langs, confs, chars, page_lang)
    base = _FIRST_NEIGHBOUR
    logc = rows[:, DENSE_NAMES.index("log_chars")]
    ends = rows[:, DENSE_NAMES.index("ends_sentence")]
    for j, column in enumerate((logc, link, ends)):  # the previous and the next paragraph's (0.0 at the ends)
        rows[1:, base + 2 * j] = column[:-1]
        rows[:-1, base + 2 * j + 1] = column[1:]
    rows[1:, base + 6] = grp[1:] == grp[:-1]
    rows[:-1, base + 7] = grp[:-1] == grp[1:]
    rows[1:, base + 8] = [a == b for a, b in zip(kinds[1:], kinds[:-1])]
    rows[:-1, base + 9] = [a == b for a, b in zip(kinds[:-1], kinds[1:])]
    rows[:, base + 10] = _window(logc, 1)
    rows[:, base + 11] = _window(link, 1)
    rows[:, base + 12] = _window(ends, 1)
    rows[:, base + 13] = _window(logc, 3)
    rows[:, base + 14] = _window(link, 3)
    rows[:, base + 15] = np.abs(np.arange(n) - int(chars.argmax())) / max(1, n - 1)
    # "Body-like" mass: long, sentence-ending, few links; where it lies tells body from chrome.
    bodyish = chars * ends * (1.0 - link) * (chars > 80)
    cum = np.cumsum(bodyish)
    mass = cum[-1] or 1.0
    rows[:, base + 16] = (cum - bodyish) / mass
    rows[:, base + 17] = (cum[-1] - cum) / mass
    rows[:, base + 18] = _window((chars > 80).astype(float) * (1.0 - link), 2)
    words = np.expm1(rows[:, DENSE_NAMES.index("log_words")])
    commas = rows[:, DENSE_NAMES.index("commas_per_word")] * np.maximum(words, 1.0)
    j = DENSE_NAMES.index("in_core50")
    rows[:, j:j + 4] = _containers(paras, chars, bodyish, link, commas)
    keys = {lang: lang_key(lang) for lang in set(langs)}
    rows[:, DENSE_NAMES.index("lang_key")] = [keys[lang] for lang in langs]
    return rows


_FIRST_DOM = DENSE_NAMES.index("link_share")
_FIRST_KIND = DENSE_NAMES.index(f"kind_{KINDS[0]}")
_FIRST_POSITION = DENSE_NAMES.index("rel_index")
_FIRST_LANG = DENSE_NAMES.index("lang_none")
_FIRST_NEIGHBOUR = DENSE_NAMES.index("prev_log_chars")
_DOM_FIELDS = attrgetter("link_share", "depth", "in_nav", "in_header", "in_footer", "in_aside", "in_form",
                         "in_article")
_DEPTH = attrgetter("depth")
_GROUP = attrgetter("group")
_TAG_PATH = attrgetter("tag_path")
_TOKENS = attrgetter("tokens")


def _dom_columns(doms: Sequence["DomContext"]) -> np.ndarray:
    """link_share … n_tokens: where each paragraph sat in the DOM."""
    n = len(doms)
    fields = np.fromiter(chain.from_iterable(map(_DOM_FIELDS, doms)), dtype=np.float64, count=n * 8).reshape(n, 8)
    fields[:, 1] = _log1p(np.fromiter(map(_DEPTH, doms), dtype=np.int64, count=n))
    has_dom = np.fromiter(map(bool, map(_TAG_PATH, doms)), dtype=np.float64, count=n)
    n_tokens = np.fromiter(map(len, map(_TOKENS, doms)), dtype=np.int64, count=n)
    return np.column_stack([fields, has_dom, _log1p(n_tokens)])


def _kind_indices(kinds: Sequence[str]) -> np.ndarray:
    """Position of each paragraph's kind in KINDS (after aliasing)."""
    index = {kind: KINDS.index(_kind(kind)) for kind in set(kinds)}
    return np.array([index[kind] for kind in kinds])


def _position_columns(chars: np.ndarray, groups: np.ndarray, link: np.ndarray) -> np.ndarray:
    """rel_index … group_link_share: where a paragraph lies in the page and what its group holds."""
    n = len(chars)
    total = chars.sum() or 1.0
    longest = int(chars.argmax())
    top = chars[longest] or 1.0
    before = np.concatenate([[0.0], np.cumsum(chars)[:-1]])
    is_longest = np.zeros(n)
    is_longest[longest] = 1.0
    # Sums per group in page order (bincount adds in index order, as the loop it replaced did).
    _, group_of = np.unique(groups, return_inverse=True)
    group_chars = np.bincount(group_of, weights=chars)
    group_size = np.bincount(group_of)
    group_link = np.bincount(group_of, weights=link * chars) / np.where(group_chars == 0, 1.0, group_chars)
    grouped = groups >= 0
    return np.column_stack([
        np.arange(n) / max(1, n - 1), before / total, np.full(n, math.log1p(n)), np.full(n, math.log1p(total)),
        chars / top, is_longest,
        np.where(grouped, group_chars[group_of] / total, 0.0),
        np.where(grouped, _log1p(group_size)[group_of], 0.0),
        np.where(grouped, group_link[group_of], 0.0),
    ])


def _language_columns(langs: Sequence[str | None], confs: Sequence[float], chars: np.ndarray,
                      page_lang: str | None) -> np.ndarray:
    """lang_none … lang_window_same: each paragraph's language against the page's and its neighbours'."""
    n = len(langs)
    ids: dict[str | None, int] = {}
    lang_of = np.array([ids.setdefault(lang, len(ids)) for lang in langs])
    known = np.array([lang is not None for lang in langs])
    is_page = known & np.array([lang == page_lang for lang in langs])
    lang_chars = np.bincount(lang_of, weights=chars)
    same_prev = np.zeros(n)
    same_prev[1:] = (lang_of[1:] == lang_of[:-1]) & known[1:]
    same_next = np.zeros(n)
    same_next[:-1] = same_prev[1:]
    # Share of the nearby paragraphs (±3) that are in the page's language: a foreign block stands out.
    return np.column_stack([
        ~known, is_page, np.array(confs, dtype=np.float64), lang_chars[lang_of] / (chars.sum() or 1.0),
        same_prev, same_next, _window(is_page.astype(np.float64), 3),
    ])


def _containers(paras: Sequence["Paragraph"], chars: np.ndarray, bodyish: np.ndarray, link: np.ndarray,
                commas: np.ndarray) -> np.ndarray:
    """Is each paragraph inside the page's main content element? Four views of "main".

    in_core50/in_core80: the deepest element holding half / four fifths of the page's body-like text;
    in_best: the element a readability-like vote picks (a paragraph's content score goes to its
    parent, half of it to its grandparent, damped by links); in_best_parent: that element's parent,
    where a story's other parts (lead, subheads, lists) often sit beside the text block.
    Element ids grow in document order, so among nested candidates the largest id is the deepest.
    """
    n = len(paras)
    out = np.zeros((n, 4))
    ancestors = [p.dom.ancestors for p in paras]
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


# Scripts written without spaces between words: a run of them is one \w+ token, unique to its
# sentence, so the linear model sees their character pairs instead (a Han or kana pair is often a word).
_NO_SPACE_RUN = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                           r"\u4e00-\u9fff\uf900-\ufaff]{2,}")
# Words longer than this also count by their start: an inflected or compounded word (çerezlerimizi,
# Datenschutzerklärung) then shares a token with its other forms.
_STEM_CHARS = 5
_STEM = itemgetter(slice(None, _STEM_CHARS))
_PAIR = "_".join
_HASH_SLICE = 4096  # paragraphs hashed together
DomKey = tuple[tuple[str, ...], tuple[str, ...], str]  # a paragraph's class/id tokens, tag path and kind
# Hashed tokens by kind: (prefix, what follows the prefix in each token, the row of each token).
TokenPieces = list[tuple[str, list[str], np.ndarray]]


def _hashed_part(paras: Sequence["Paragraph"], n_hashed: int) -> tuple[np.ndarray, np.ndarray]:
    """_hashed_rows of all paragraphs, in slices: a training set's tokens at once would take
    several times the memory of its matrix."""
    rows, columns = [], []
    for start in range(0, len(paras), _HASH_SLICE):
        slice_rows, slice_columns = _hashed_rows(paras[start:start + _HASH_SLICE], n_hashed)
        rows.append(slice_rows + start)
        columns.append(slice_columns)
    return np.concatenate(rows), np.concatenate(columns)


def _hashed_rows(paras: Sequence["Paragraph"], n_hashed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every hashed token column set to 1.0, ordered by row, then column."""
    dom_ids: dict[DomKey, int] = {}  # a page repeats its containers' class tokens: each DomKey is hashed once
    dom_of_row = np.array([dom_ids.setdefault((p.dom.tokens, p.dom.tag_path, p.kind), len(dom_ids))
                           for p in paras])
    text_pieces = _text_token_pieces([p.text for p in paras])
    dom_pieces = _dom_token_pieces(list(dom_ids))
    hashes = hash_tokens([(prefix, items) for prefix, items, _ in text_pieces + dom_pieces])
    # abs() in int64: for -2**31 it gives FeatureHasher's special case, modulo n_hashed.
    columns = np.abs(hashes.astype(np.int64)) % n_hashed
    # A cell is row * n_hashed + column.
    text_rows = np.concatenate([rows for _, _, rows in text_pieces])
    dom_rows = np.concatenate([rows for _, _, rows in dom_pieces])
    dom_cells = _distinct(dom_rows * n_hashed + columns[len(text_rows):])
    cells = np.concatenate([text_rows * n_hashed + columns[:len(text_rows)],
                            _copy_to_rows(dom_cells, dom_of_row, len(dom_ids), n_hashed)])
    # A column hashed to more than once in a row is set once (FeatureHasher's sum, clipped to 1.0).
    return np.divmod(_distinct(cells), n_hashed)


def _text_token_pieces(texts: Sequence[str]) -> TokenPieces:
    """Tokens of the lower-cased texts: words (the first 64), stems of the long ones among them,
    pairs of the first 33 words, character pairs of space-less scripts, the first and the last word,
    and the whole text when it has at most 6 words. Rows are indices into texts."""
    n = len(texts)
    lowered = list(map(str.lower, texts))
    words = list(map(_WORD.findall, lowered))
    n_words = np.fromiter(map(len, words), dtype=np.int64, count=n)
    n_kept = np.minimum(n_words, 64)
    kept = list(chain.from_iterable([w[:64] for w in words]))
    row = np.repeat(np.arange(n), n_kept)
    position = np.arange(len(kept)) - np.repeat(np.cumsum(n_kept) - n_kept, n_kept)
    is_long = np.fromiter(map(len, kept), dtype=np.int64, count=len(kept)) > _STEM_CHARS
    starts_pair = (position < 32) & (position + 1 < n_kept[row])  # and the next word of its text
    pieces = [
        ("w:", kept, row),
        ("s:", list(map(_STEM, compress(kept, is_long.tolist()))), row[is_long]),
        ("b:", list(map(_PAIR, compress(zip(kept, kept[1:]), starts_pair.tolist()))), row[starts_pair]),
    ]
    cjk = [(i, pairs) for i, text in enumerate(lowered) if not text.isascii() and (pairs := _cjk_pairs(text))]
    if cjk:
        pieces.append(("h:", list(chain.from_iterable([pairs for _, pairs in cjk])),
                       np.repeat([i for i, _ in cjk], [len(pairs) for _, pairs in cjk])))
    with_words = np.flatnonzero(n_words)
    few_words = np.flatnonzero(n_words <= 6)
    pieces += [
        ("first:", [words[i][0] for i in with_words.tolist()], with_words),
        ("last:", [words[i][-1] for i in with_words.tolist()], with_words),
        ("whole:", [" ".join(words[i]) for i in few_words.tolist()], few_words),
    ]
    return pieces


def _cjk_pairs(lowered: str) -> list[str]:
    """Character pairs of the runs of space-less scripts (at most 96, from the first 400 characters)."""
    pairs = [run[i:i + 2] for run in _NO_SPACE_RUN.findall(lowered[:400]) for i in range(len(run) - 1)]
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
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _to_csr(dense: np.ndarray, hashed_rows: np.ndarray, hashed_columns: np.ndarray,
            n_hashed: int) -> sparse.csr_matrix:
    """The feature matrix: the dense part's non-zeros, then the hashed columns (value 1.0), row by row."""
    n = len(dense)
    nonzero = np.flatnonzero(dense)
    dense_rows, dense_columns = np.divmod(nonzero, N_DENSE)
    dense_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(dense_rows, minlength=n), out=dense_ptr[1:])
    hashed_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(hashed_rows, minlength=n), out=hashed_ptr[1:])
    indptr = dense_ptr + hashed_ptr
    indices = np.empty(indptr[-1], dtype=np.int64)
    values = np.ones(indptr[-1], dtype=np.float64)
    at_dense = np.arange(len(nonzero)) + hashed_ptr[dense_rows]
    indices[at_dense] = dense_columns
    values[at_dense] = dense.ravel()[nonzero]
    at_hashed = np.arange(len(hashed_rows)) + dense_ptr[hashed_rows + 1]
    indices[at_hashed] = hashed_columns + N_DENSE
    if indptr[-1] <= np.iinfo(np.int32).max:
        indices, indptr = indices.astype(np.int32), indptr.astype(np.int32)
    return sparse.csr_matrix((values, indices, indptr), shape=(n, N_DENSE + n_hashed))


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
        langs = list(page_langs) if page_langs is not None else [_vote(pg) for pg in pages]
        dense = np.vstack([_page_dense(pg, lang) for pg, lang in zip(pages, langs)])
        return _to_csr(dense, *_hashed_part(X, self.n_hashed), self.n_hashed)


def split_pages(paragraphs: Sequence["Paragraph"]) -> list[Sequence["Paragraph"]]:
    """Split a flat paragraph list into pages (a page starts where index == 0)."""
    starts = [i for i, p in enumerate(paragraphs) if p.index == 0 or i == 0]
    starts.append(len(paragraphs))
    return [paragraphs[a:b] for a, b in zip(starts[:-1], starts[1:]) if b > a]


def _vote(paras: Sequence["Paragraph"]) -> str | None:
    """Page language when the caller did not give one: length-weighted vote."""
    votes: dict[str, int] = {}
    for p in paras:
        if p.lang:
            votes[p.lang] = votes.get(p.lang, 0) + len(p.text)
    return max(votes, key=votes.get) if votes else None
