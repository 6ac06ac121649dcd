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
from typing import TYPE_CHECKING, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher

from .align import is_byline_or_date

if TYPE_CHECKING:  # classifier sees only Paragraph data, never cleaner's pipeline
    from cleaner.paragraph import Paragraph

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
_DATE = re.compile(
    r"\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2})\b")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.I)
_SEPARATORS = re.compile(r"[|»·•›/]")
_BULLET = re.compile(r"^[\-–—•·*►▶>|]")

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
_N_SHAPE = DENSE_NAMES.index("link_share") - 1  # columns filled by _shape()
N_HASHED = 2 ** 18


# Han, kana and Thai/Lao/Khmer/Myanmar write without spaces; Han and kana pack about a word into
# one character. Lengths count such a character as 3 so a Chinese paragraph is not "short".
_DENSE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def text_length(text: str) -> int:
    """Length in characters, a CJK character counting as 3 (about one word of Latin text)."""
    return len(text) + 2 * len(_DENSE_SCRIPT.findall(text)) if not text.isascii() else len(text)


def _shape(text: str) -> list[float]:
    n = len(text)
    words = _WORD.findall(text)
    dense = len(_DENSE_SCRIPT.findall(text)) if not text.isascii() else 0
    if dense:  # a run of Han characters is one \w+ token; count its characters as words instead
        words = [w for w in words if not _DENSE_SCRIPT.match(w)] + ["xxx"] * dense
    nw = len(words)
    # Counted by C loops (map over str methods): a Python loop per character was a tenth of the page's time.
    letters = sum(map(str.isalpha, text))
    upper = min(letters, sum(map(str.isupper, text)))  # Ⅳ and Ⓐ are upper case but not letters
    digits = sum(map(str.isdigit, text))
    spaces = sum(map(str.isspace, text))
    punct = n - letters - digits - spaces
    last = text[-1] if text else ""
    return [
        math.log1p(n + 2 * dense), math.log1p(nw), (sum(map(len, words)) / nw) if nw else 0.0,
        letters / n if n else 0.0, digits / n if n else 0.0, punct / n if n else 0.0,
        upper / letters if letters else 0.0, spaces / n if n else 0.0,
        1.0 if last in _SENT_END else 0.0,
        len(_SENT_PUNCT.findall(text)) / (nw or 1), len(_COMMA.findall(text)) / (nw or 1),
        1.0 if _BULLET.match(text) else 0.0, min(5, len(_SEPARATORS.findall(text))) / 5.0,
        1.0 if _URLISH.search(text) else 0.0, 1.0 if _DATE.search(text) else 0.0,
        1.0 if _YEAR.search(text) else 0.0, 1.0 if _COPYRIGHT.search(text) else 0.0,
        1.0 if n < 200 and is_byline_or_date(text) else 0.0,
    ]


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
    n = len(paras)
    rows = np.zeros((n, N_DENSE), dtype=np.float64)
    rows[0, 0] = 1.0
    chars = np.array([text_length(p.text) for p in paras], dtype=np.float64)
    total = chars.sum() or 1.0
    longest = int(chars.argmax()) if n else 0
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(paras):
        groups.setdefault(p.dom.group, []).append(i)
    group_chars = {g: chars[ix].sum() for g, ix in groups.items()}
    group_link = {g: sum(paras[i].dom.link_share * chars[i] for i in ix) / (group_chars[g] or 1.0)
                  for g, ix in groups.items()}
    lang_chars: dict = {}  # effective length per language
    for p, c in zip(paras, chars):
        lang_chars[p.lang] = lang_chars.get(p.lang, 0.0) + c
    before = np.concatenate([[0.0], np.cumsum(chars)[:-1]])
    # Columns 1 … lang_page_share, one Python list per row, written into the matrix in one call
    # (a numpy assignment per field and row cost more than computing the fields).
    one_hot = {kind: [0.0] * len(KINDS) for kind in KINDS}
    for kind, hot in one_hot.items():
        hot[KINDS.index(kind)] = 1.0
    log_n, log_total, top = math.log1p(n), math.log1p(total), chars[longest] or 1.0
    per_row = []
    for i, p in enumerate(paras):
        d = p.dom
        g = d.group
        per_row.append(
            _shape(p.text)
            + [d.link_share, math.log1p(d.depth), d.in_nav, d.in_header, d.in_footer, d.in_aside, d.in_form,
               d.in_article, 1.0 if d.tag_path else 0.0, math.log1p(len(d.tokens))]
            + one_hot[_kind(p.kind)]
            + [i / max(1, n - 1), before[i] / total, log_n, log_total, chars[i] / top, 1.0 if i == longest else 0.0,
               group_chars[g] / total if g >= 0 else 0.0, math.log1p(len(groups[g])) if g >= 0 else 0.0,
               group_link[g] if g >= 0 else 0.0]
            + [p.lang is None, p.lang is not None and p.lang == page_lang, p.lang_conf,
               lang_chars.get(p.lang, 0.0) / total])
    rows[:, 1:DENSE_NAMES.index("lang_same_prev")] = per_row
    langs = [p.lang for p in paras]
    same_prev = np.array([0.0] + [float(a == b and a is not None) for a, b in zip(langs[1:], langs[:-1])])
    same_next = np.array([float(a == b and a is not None) for a, b in zip(langs[:-1], langs[1:])] + [0.0])
    j = DENSE_NAMES.index("lang_same_prev")
    rows[:, j] = same_prev
    rows[:, j + 1] = same_next
    # Share of the nearby paragraphs (±3) that are in the page's language: a foreign block stands out.
    rows[:, j + 2] = _window(np.array([float(l is not None and l == page_lang) for l in langs]), 3)
    base = DENSE_NAMES.index("prev_log_chars")
    logc = rows[:, DENSE_NAMES.index("log_chars")]
    link = rows[:, DENSE_NAMES.index("link_share")]
    ends = rows[:, DENSE_NAMES.index("ends_sentence")]
    prev = np.r_[0.0, logc[:-1]]
    nxt = np.r_[logc[1:], 0.0]
    rows[:, base] = prev
    rows[:, base + 1] = nxt
    rows[:, base + 2] = np.r_[0.0, link[:-1]]
    rows[:, base + 3] = np.r_[link[1:], 0.0]
    rows[:, base + 4] = np.r_[0.0, ends[:-1]]
    rows[:, base + 5] = np.r_[ends[1:], 0.0]
    grp = np.array([p.dom.group for p in paras])
    kinds = [p.kind for p in paras]
    rows[1:, base + 6] = grp[1:] == grp[:-1]
    rows[:-1, base + 7] = grp[:-1] == grp[1:]
    rows[1:, base + 8] = [a == b for a, b in zip(kinds[1:], kinds[:-1])]
    rows[:-1, base + 9] = [a == b for a, b in zip(kinds[:-1], kinds[1:])]
    rows[:, base + 10] = _window(logc, 1)
    rows[:, base + 11] = _window(link, 1)
    rows[:, base + 12] = _window(ends, 1)
    rows[:, base + 13] = _window(logc, 3)
    rows[:, base + 14] = _window(link, 3)
    idx = np.arange(n)
    rows[:, base + 15] = np.abs(idx - longest) / max(1, n - 1)
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
    rows[:, DENSE_NAMES.index("lang_key")] = [lang_key(p.lang) for p in paras]
    return rows


def _containers(paras: Sequence["Paragraph"], chars: np.ndarray, bodyish: np.ndarray, link: np.ndarray,
                commas: np.ndarray) -> np.ndarray:
    """Is each paragraph inside the page's main content element? Four views of "main".

    in_core50/in_core80: the deepest element holding half / four fifths of the page's body-like text;
    in_best: the element a readability-like vote picks (a paragraph's content score goes to its
    parent, half of it to its grandparent, damped by links); in_best_parent: that element's parent,
    where a story's other parts (lead, subheads, lists) often sit beside the text block.
    Element ids grow in document order, so among nested candidates the largest id is the deepest.
    """
    out = np.zeros((len(paras), 4))
    mass: dict[int, float] = {}
    score: dict[int, float] = {}
    for i, p in enumerate(paras):
        anc = p.dom.ancestors
        if not anc:
            continue
        if bodyish[i]:
            for a in anc:
                mass[a] = mass.get(a, 0.0) + bodyish[i]
        if chars[i] >= 25:
            s = (1.0 + commas[i] + min(chars[i] / 100.0, 3.0)) * (1.0 - link[i])
            score[anc[-1]] = score.get(anc[-1], 0.0) + s
            if len(anc) > 1:
                score[anc[-2]] = score.get(anc[-2], 0.0) + s / 2
    total = bodyish.sum()
    core50 = max((a for a, m in mass.items() if m >= 0.5 * total), default=None) if total else None
    core80 = max((a for a, m in mass.items() if m >= 0.8 * total), default=None) if total else None
    best = max(score, key=lambda a: (score[a], a)) if score else None
    best_parent = None
    if best is not None:
        for p in paras:
            anc = p.dom.ancestors
            if best in anc:
                k = anc.index(best)
                best_parent = anc[k - 1] if k else None
                break
    for i, p in enumerate(paras):
        anc = p.dom.ancestors
        if anc:
            out[i] = (core50 in anc, core80 in anc, best in anc, best_parent is not None and best_parent in anc)
    return out


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


def _tokens(p: "Paragraph") -> list[str]:
    text = p.text.lower()
    words = _WORD.findall(text)
    feats = ["w:" + w for w in words[:64]]
    feats += ["s:" + w[:_STEM_CHARS] for w in words[:64] if len(w) > _STEM_CHARS]
    feats += ["b:" + a + "_" + b for a, b in zip(words[:32], words[1:33])]
    if not text.isascii():
        pairs = [run[i:i + 2] for run in _NO_SPACE_RUN.findall(text[:400]) for i in range(len(run) - 1)]
        feats += ["h:" + pair for pair in pairs[:96]]
    if words:
        feats.append("first:" + words[0])
        feats.append("last:" + words[-1])
    if len(words) <= 6:
        feats.append("whole:" + " ".join(words))
    d = p.dom
    feats += ["c:" + t for t in d.tokens[:20]]
    feats += ["c1:" + t for t in d.tokens[:4]]
    if d.tag_path:
        feats.append("t:" + ">".join(d.tag_path[-3:]))
    feats.append("k:" + p.kind)
    return feats


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
        pages = split_pages(X)
        langs = list(page_langs) if page_langs is not None else [_vote(pg) for pg in pages]
        dense = np.vstack([_page_dense(pg, lang) for pg, lang in zip(pages, langs)]) if pages \
            else np.zeros((0, N_DENSE))
        hasher = FeatureHasher(n_features=self.n_hashed, input_type="string", alternate_sign=False)
        hashed = hasher.transform(_tokens(p) for p in X)
        hashed.data = np.minimum(hashed.data, 1.0)
        return sparse.hstack([sparse.csr_matrix(dense), hashed], format="csr")


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
