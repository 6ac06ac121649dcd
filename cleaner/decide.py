"""Probabilities → keep/drop decisions, each with a short reason a user can read."""
from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from typing import Mapping, Optional, Sequence

from classifier.align import is_byline_or_date, matches_title
from classifier.features import NO_SPACE_RUN, WORD_CHAR, text_length

from .errors import ConfigError, ModelError
from .language import are_siblings
from .paragraph import COMMENT_SECTION_TOKENS, Paragraph, in_comment_sections

PRESETS = ("precision", "balanced", "recall")
# Thresholds on P(body) per preset when the model card does not carry its own.
DEFAULT_THRESHOLDS = {"precision": 0.65, "balanced": 0.5, "recall": 0.35}

# Why a dropped paragraph is boilerplate: class/id tokens first (the page author's own words),
# then a few words in many languages. They explain drops, and stop keep_subheadings from
# rescuing a line such as "Advertisement"; the model's decision never sees them.
_TOKEN_HINTS = (
    ("consent", ("cookie", "cookies", "consent", "gdpr", "cmp", "privacy", "onetrust", "didomi")),
    ("navigation", ("nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "pagination", "topbar")),
    ("share", ("share", "sharing", "social", "sharebar", "addthis", "shariff")),
    ("newsletter", ("newsletter", "subscribe", "signup", "subscription")),
    ("paywall", ("paywall", "premium", "piano")),
    ("related", ("related", "recommended", "recirculation", "more", "popular", "trending", "teaser")),
    ("advert", ("ad", "ads", "advert", "advertisement", "sponsor", "sponsored", "banner", "promo")),
    ("comments", tuple(sorted(COMMENT_SECTION_TOKENS))),
    ("caption", ("caption", "credit", "figcaption", "photo")),
    ("legal", ("copyright", "legal", "imprint", "terms")),
    ("footer", ("footer",)),
)
_TEXT_HINTS = (
    ("consent", re.compile(
        r"cookie|çerez|куки|файл(?:ы|ов) cookie|ملفات تعريف الارتباط|کوکی|קובצי ?cookie|쿠키|クッキー|"
        r"数据保护|隐私|datenschutz|consentement|consentimiento|privacy|gizlilik|konfidensial", re.I)),
    ("share", re.compile(r"^(share|tweet|paylaş|поделиться|partager|teilen|compartir|condividi|分享|共有|شارك)\b", re.I)),
    ("newsletter", re.compile(r"newsletter|subscribe|abone ol|подпиш|abonnez|abonnieren|suscríb|订阅|購読|اشترك", re.I)),
    ("legal", re.compile(r"©|all rights reserved|tüm hakları|все права|tous droits|alle rechte|版权所有", re.I)),
    ("advert", re.compile(r"^(advertisement|advertising|sponsored|anzeige|werbung|reklam|реклама|publicité|"
                          r"publicidad|pubblicità|publicidade|advertentie|reklama|广告|広告|광고|إعلان|تبلیغات)\b", re.I)),
    ("related", re.compile(r"^(read more|related|see also|more on this|lees ook|weiterlesen|lire aussi|leer más|"
                           r"leggi anche|daha fazla|читайте также|ещё по теме|相关|関連)\b", re.I)),
    ("close", re.compile(r"^(x|×|✕|close|kapat|закрыть|fermer|schließen|cerrar|关闭|閉じる|닫기|إغلاق)$", re.I)),
)


def thresholds_for(card: Optional[Mapping]) -> dict[str, float]:
    """Per-preset thresholds from a model card, falling back to defaults."""
    found = dict(DEFAULT_THRESHOLDS)
    if card and isinstance(card.get("thresholds"), Mapping):
        for preset, value in card["thresholds"].items():
            if preset not in PRESETS:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ModelError(f"the model card's threshold for {preset!r} is {value!r}, not a probability "
                                 "between 0 and 1; fix the card (the .json beside the model) or retrain")
            found[preset] = float(value)
    return found


def check_preset(preset: str) -> str:
    """Return the preset or raise ConfigError naming the valid ones."""
    if preset not in PRESETS:
        raise ConfigError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    return preset


# Any of the text hints at all: most dropped paragraphs ("News", "Sport") match none, and one search
# then replaces seven.
_ANY_TEXT_HINT = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _TEXT_HINTS), re.I)


def boilerplate_kind(p: Paragraph, page_lang: Optional[str], page_wide: frozenset[str] = frozenset()) -> str:
    """Best explanation of what a dropped paragraph is (consent, navigation, share, …).

    `page_wide`: class/id tokens every paragraph of the page carries (a <body> class such as
    "comments-open"), which say nothing about any one paragraph."""
    hint = _text_hint(p.text) if len(p.text) <= _REMEMBERED_TEXT_CHARS else _find_text_hint(p.text)
    if hint is not None:
        return hint
    tokens = p.dom.tokens
    hint = _token_hint(tuple(t for t in tokens if t not in page_wide) if page_wide else tokens)
    if hint is not None:
        return hint
    d = p.dom
    if d.in_nav:
        return "navigation"
    if d.in_footer:
        return "footer"
    if d.in_aside:
        return "sidebar"
    if d.in_form:
        return "form"
    if d.link_share >= 0.6:
        return "links"
    if page_lang and p.lang and p.lang != page_lang and p.lang_conf >= 0.5:
        return "other language"
    return "other"


def _find_text_hint(text: str) -> Optional[str]:
    """The first text hint whose words the text holds, or None."""
    if _ANY_TEXT_HINT.search(text):
        for hint, pattern in _TEXT_HINTS:
            if pattern.search(text):
                return hint
    return None


# Dropped lines repeat within a page and across a site's pages (menus, share bars, footers), and a
# block's class/id tokens are shared by all its lines: their hints are remembered.
_REMEMBERED_TEXT_CHARS = 200
_text_hint = functools.lru_cache(maxsize=4096)(_find_text_hint)
_HINT_OF_TOKEN = {}
for _hint, _words in reversed(_TOKEN_HINTS):     # the first group naming a token wins
    _HINT_OF_TOKEN.update(dict.fromkeys(_words, _hint))
_HINT_RANK = {hint: i for i, (hint, _) in enumerate(_TOKEN_HINTS)}


@functools.lru_cache(maxsize=4096)
def _token_hint(tokens: tuple[str, ...]) -> Optional[str]:
    """The first token hint (in _TOKEN_HINTS order) any of a block's class/id tokens names, or None."""
    hints = {_HINT_OF_TOKEN[t] for t in tokens if t in _HINT_OF_TOKEN}
    return min(hints, key=_HINT_RANK.__getitem__) if hints else None


def title_index(paragraphs: Sequence[Paragraph], probabilities: Sequence[Mapping[str, float]],
                threshold: float, title_hint: Optional[str] = None) -> Optional[int]:
    """The headline: the not-kept paragraph most likely a title in the page's first half, never a
    byline or dateline, unless the page's <title> names another: then the longest paragraph there
    repeating it.

    A paragraph repeating the <title> is the headline even when the model would keep it: the
    headline goes to Result.title, not into the body. The longest, because "Headline | Site"
    also matches the site's name in the masthead, which the model may also find title-like."""
    best, best_p = None, 0.5
    limit = max(5, len(paragraphs) // 2)
    for i, (p, pr) in enumerate(zip(paragraphs[:limit], probabilities[:limit])):
        # A line that reads as a byline or dateline is meta, however title-like the model finds it
        # (one training draw in three called seed 003's "date 2021-01-19 By Ruslan Rehimov" a title).
        if pr.get("body", 0.0) < threshold and pr.get("title", 0.0) > best_p and not is_byline_or_date(p.text):
            best, best_p = i, pr["title"]
    if title_hint:
        matching = [i for i, p in enumerate(paragraphs[:limit]) if matches_title(p.text, title_hint)]
        longest = max(matching, key=lambda i: (len(paragraphs[i].text), -i), default=None)
        if best is None or (longest is not None and best in matching
                            and len(paragraphs[longest].text) > len(paragraphs[best].text)):
            best = longest
    return best


def body_given_not_title(probs: Mapping[str, float]) -> float:
    """P(body) of a paragraph known not to be the headline: P(body) / (1 − P(title)).

    A page has one headline, so the model's title mass on any other paragraph is impossible; left in,
    it counted against the body (a story paragraph the trees scored title 1.0 had P(body) 0.000)."""
    body = float(probs.get("body", 0.0))
    rest = sum(float(v) for k, v in probs.items() if k != "title")
    return body / rest if rest > 0.0 else 0.0


def page_wide_hint_tokens(paragraphs: Sequence[Paragraph]) -> frozenset[str]:
    """The hint-naming class/id tokens that every paragraph of the page carries (none on most pages)."""
    if not paragraphs:
        return frozenset()
    candidates = [t for t in paragraphs[0].dom.tokens if t in _HINT_OF_TOKEN]
    return frozenset(t for t in candidates if all(t in p.dom.tokens for p in paragraphs))


def decide(paragraphs: Sequence[Paragraph], probabilities: Sequence[Mapping[str, float]],
           threshold: float, page_lang: Optional[str], title: Optional[int] = None) -> list[Paragraph]:
    """Keep paragraphs whose P(body) reaches the threshold; explain every decision.

    A page has one headline (`title`, an index); other title-like paragraphs get their
    next most likely label, so a reason never calls a cookie notice a title, and their P(body) is
    taken given that they are not the headline (body_given_not_title)."""
    out = []
    page_wide = page_wide_hint_tokens(paragraphs)
    for i, (p, probs) in enumerate(zip(paragraphs, probabilities)):
        p_body = float(probs.get("body", 0.0)) if i == title else body_given_not_title(probs)
        if i == title:
            out.append(p.with_(p_body=p_body, keep=False, label="title", reason="title"))
            continue
        if p_body >= threshold:
            out.append(p.with_(p_body=p_body, keep=True, label="body", reason="body"))
            continue
        label = max((k for k in probs if k != "body" and k != "title"), key=probs.__getitem__, default="boilerplate")
        if label == "boilerplate" and "meta" in probs and len(p.text) < 200 and is_byline_or_date(p.text):
            label = "meta"  # the explanation only: a dropped byline/dateline is reported as such
        if label == "boilerplate":
            reason = f"boilerplate: {boilerplate_kind(p, page_lang, page_wide)}"
        elif label == "meta":
            reason = "meta: byline/date"
        else:
            reason = label
        out.append(p.with_(p_body=p_body, keep=False, label=label, reason=reason))
    return out


# A paragraph's own language counts as evidence when its detection was confident (not inherited).
RELIABLE_LANG_CONF = 0.9
# The article's language must hold this share of the likely body text before others are dropped.
ARTICLE_LANG_SHARE = 2 / 3


def article_language(paragraphs: Sequence[Paragraph]) -> tuple[Optional[str], float]:
    """The language of the likely body: a vote weighted by P(body) × length (CJK counted as words)."""
    mass: dict[str, float] = {}
    for p in paragraphs:
        if p.lang and p.p_body:
            mass[p.lang] = mass.get(p.lang, 0.0) + p.p_body * text_length(p.text)
    total = sum(mass.values())
    if not total:
        return None, 0.0
    lang = max(mass, key=mass.get)
    return lang, mass[lang] / total


def one_article_language(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Drop kept paragraphs confidently written in another language than the article.

    A news article is written in one language; a long notice in another one (a Turkish cookie
    text under an English story) reads like prose, and the model alone can be unsure of it."""
    lang, share = article_language(paragraphs)
    if lang is None or share < ARTICLE_LANG_SHARE:
        return list(paragraphs)
    out = []
    for p in paragraphs:
        # A close relative of the article's language (Malay in an Indonesian story) is the detector
        # splitting hairs, not a notice: sites do not switch to a sibling standard mid-page.
        if p.keep and p.lang and p.lang != lang and p.lang_conf >= RELIABLE_LANG_CONF and not are_siblings(p.lang, lang):
            p = p.with_(keep=False, label="boilerplate", reason=f"boilerplate: other language ({p.lang}, article {lang})")
        out.append(p)
    return out


# Readers' comments are not the article (corpus/README.md's label guide), but they read like prose and some
# labelled sets count them as body (dragnet's, cleaneval's), so the model may keep them: this rule drops them.
def drop_comments(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Drop kept paragraphs inside a readers' comments section (an element whose class or id names one)."""
    kept = [p.keep is True for p in paragraphs]
    if all(not keep or COMMENT_SECTION_TOKENS.isdisjoint(p.dom.tokens) for p, keep in zip(paragraphs, kept)):
        return list(paragraphs)     # most pages: no kept paragraph has a comment class at all
    return [p.with_(keep=False, label="boilerplate", reason="boilerplate: comments (comments=False)")
            if keep and in_section else p
            for p, keep, in_section in zip(paragraphs, kept, in_comment_sections(paragraphs, kept))]


# An in-article subheading: short, not a sentence, no links, between two kept body paragraphs of a
# confidently found article.
SUBHEADING_MAX_CHARS = 80
# The median P(body) of the page's kept paragraphs. It was the lower of the two neighbours' P(body): one
# paragraph's P moves by a few hundredths from one training run to the next, and a subheading between
# paragraphs at 0.89 and 0.91 was dropped by one model and kept by another.
SUBHEADING_ARTICLE_P = 0.9
SUBHEADING_MIN_P = 0.1  # the model's own doubt: lines it is sure about ("Advertisement") stay dropped
# "Read also: …", "Lesen Sie auch: …", "Photo: …", "延伸阅读：…": a label of a few words and a colon opens
# the teasers and credits set between an article's paragraphs, in every language; a subheading names
# what follows and has no label.
_LABEL_LEAD = re.compile(f"[^\\w:：]*(?:{WORD_CHAR}+[\\s'’-]*){{1,3}}[:：]\\s*\\S")
_SENTENCE_END = tuple(".!?。！？؟।۔:;,")


def keep_subheadings(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Keep short heading-like lines that sit between two kept body paragraphs of a confidently found
    article (median P(body) of what is kept ≥ SUBHEADING_ARTICLE_P) and name
    something the article talks about, in its script.

    Like jusText's context pass: a short block inside a run of good blocks belongs to it. The
    model alone drops them, since most short lines between paragraphs on the web are ads. A short
    line inherits its language from the page, so "साझा करें" (share) or "Compartir" between two
    English paragraphs looked like an English subheading: a subheading also shares a script and a
    word with the article's kept text ("-Nagorno-Karabakh" over a story about Nagorno-Karabakh), and does not
    open with a label and a colon ("Read also: …", a teaser)."""
    out = list(paragraphs)
    kept = [p.p_body or 0.0 for p in paragraphs if p.keep]
    if not kept or statistics.median(kept) < SUBHEADING_ARTICLE_P:
        return out
    article_words: Optional[set[str]] = None
    for i in range(1, len(out) - 1):
        p, before, after = out[i], out[i - 1], out[i + 1]
        if (not p.keep and p.label in ("boilerplate", None) and before.keep and after.keep
                and (p.p_body or 0.0) >= SUBHEADING_MIN_P
                and len(p.text) <= SUBHEADING_MAX_CHARS and not p.text.endswith(_SENTENCE_END)
                and p.dom.link_share == 0.0 and not (p.dom.in_nav or p.dom.in_footer or p.dom.in_aside)
                and (p.lang is None or p.lang == before.lang == after.lang)
                and any(ch.isalpha() for ch in p.text)
                and not _LABEL_LEAD.match(p.text)
                and not any(pattern.search(p.text) for _, pattern in _TEXT_HINTS)
                and _scripts(p.text) & (_scripts(before.text[:200]) | _scripts(after.text[:200]))):
            if article_words is None:
                article_words = set().union(*(_content_words(q.text) for q in paragraphs if q.keep))
            if not _content_words(p.text) & article_words:
                continue
            out[i] = p.with_(keep=True, label="body", reason="body: subheading between body paragraphs")
    return out


_WORD_RE = re.compile(WORD_CHAR + "{3,}")  # with combining marks: Hindi words whole


def _content_words(text: str) -> set[str]:
    """A text's words of three or more characters, case-folded; in scripts written without spaces, its character pairs."""
    folded = text.casefold()
    words = set(_WORD_RE.findall(folded))
    for run in NO_SPACE_RUN.findall(folded):
        words.update(run[k:k + 2] for k in range(len(run) - 1))
    return words


def _scripts(text: str) -> set[str]:
    """The scripts of a text's letters, by Unicode name (LATIN, CYRILLIC, DEVANAGARI, CJK…)."""
    return {unicodedata.name(ch, "?").split(" ", 1)[0] for ch in text if ch.isalpha()}


# A page without an article (an index, a tag page, a 404) still has lines the model finds the most body-like
# of it ("bbc.co.uk navigation", "404 : Page Not Found"). When what is kept is this short and holds no
# sentence, the page has no article. 150 characters (a CJK character counting 3): chosen on the training
# splits, where 12 pages changed, 9 of them pages with no article or a junk result.
NO_ARTICLE_MAX_CHARS = 150
_SENTENCE_IN = re.compile(r"[.!?。！？؟।॥۔։።…](?:\s|$)")


def no_article(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Drop what is kept when it is a few words and not one sentence: the page holds no article."""
    kept = [p for p in paragraphs if p.keep]
    if (not kept or sum(text_length(p.text) for p in kept) > NO_ARTICLE_MAX_CHARS
            or any(_SENTENCE_IN.search(p.text) for p in kept)):
        return list(paragraphs)
    reason = f"boilerplate: no article (only {len(kept)} short line{'s' if len(kept) > 1 else ''} without a sentence kept)"
    return [p.with_(keep=False, label="boilerplate", reason=reason) if p.keep else p for p in paragraphs]
