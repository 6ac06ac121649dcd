"""The article's author and publication date, reported beside the body (Result.meta), never in it.

Two sources, the first that answers wins: what the page declares in its markup (JSON-LD
NewsArticle, <meta> tags, <time datetime>), then the paragraphs the model labelled as byline or
date ("By Jane Doe", "12 March 2024"). Dates are reported as ISO 8601 (YYYY-MM-DD) or not at all.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from .paragraph import Paragraph

_AUTHOR_META = ("author", "article:author", "byl", "dc.creator", "dcterms.creator", "parsely-author",
                "sailthru.author", "twitter:creator:name")
_DATE_META = ("article:published_time", "datepublished", "pubdate", "publishdate", "publish-date",
              "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
              "og:published_time", "article.published", "published_time")
_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "report", "webpage"}
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), 1) for m in names}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
_DOTTED = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d\d)\b")  # day-first, as everywhere dots are used
# "By Jane Doe", in the languages of our corpus; the name runs to the first separator.
_BYLINE = re.compile(r"^\s*(?:by|written by|von|par|por|di|door|av|af|przez|autor(?:in)?:?|author:?|yazar:?|"
                     r"автор:?|от|tác giả:?|oleh)\s+(.+)$", re.I)
_NAME_PARTICLES = {"de", "da", "do", "dos", "van", "von", "der", "den", "di", "del", "la", "le", "bin", "ibn", "al",
                   "el", "and", "und", "et", "y", "e", "i", "og", "och", "en"}
_NAME_END = re.compile(r"\s*(?:[|,·•–—(]|\s-\s|\bon\b|\bupdated\b|\bpublished\b|\d).*$", re.I)


@dataclass(frozen=True)
class Meta:
    """Author and publication date of the article, when the page says them."""

    author: Optional[str] = None
    date: Optional[str] = None  # ISO 8601, YYYY-MM-DD

    def to_dict(self) -> dict[str, Optional[str]]:
        """A JSON-ready dict."""
        return {"author": self.author, "date": self.date}


def iso_date(text: str) -> Optional[str]:
    """The first calendar date in a text as YYYY-MM-DD, or None."""
    m = _ISO_DATE.search(text)
    if m:
        return m.group(0)
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_DOTTED, "dmy")):
        m = pattern.search(text)
        if m:
            parts = dict(zip(order, m.groups()))
            month = _MONTHS.get(parts["m"].lower().rstrip("."), None) if not parts["m"].isdigit() else int(parts["m"])
            day, year = int(parts["d"]), int(parts["y"])
            if month and 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def byline_author(text: str) -> Optional[str]:
    """The name in a byline such as "By Jane Doe | 3 May 2024", or None."""
    m = _BYLINE.match(text)
    if not m:
        return None
    name = _NAME_END.sub("", m.group(1)).strip(" .:;")
    words = name.split()
    return name if 1 <= len(words) <= 6 and len(name) <= 80 and all(map(_name_word, words)) else None


def _name_word(word: str) -> bool:
    """A word of a name: capitalised in scripts with case ("By the time…" is not a byline)."""
    first = word[0]
    return first.upper() == first or word.lower() in _NAME_PARTICLES


def from_markup(meta_tags: Iterable[tuple[str, str]], json_ld: Iterable[str],
                time_datetimes: Sequence[str] = ()) -> Meta:
    """Author and date declared in the page's markup."""
    author = date = None
    for obj in _json_ld_articles(json_ld):
        author = author or _ld_author(obj.get("author"))
        date = date or (iso_date(str(obj.get("datePublished", ""))) if obj.get("datePublished") else None)
    tags: dict[str, str] = {}
    for key, value in meta_tags:
        tags.setdefault(key.lower(), value.strip())
    for key in _AUTHOR_META:
        value = tags.get(key, "")
        if value and not value.startswith(("http://", "https://", "@")):
            author = author or (byline_author(value) or value)
            break
    for key in _DATE_META:
        if tags.get(key):
            date = date or iso_date(tags[key])
            if date:
                break
    for value in time_datetimes:
        date = date or iso_date(value)
    return Meta(author=_clean_name(author), date=date)


def from_paragraphs(paragraphs: Sequence[Paragraph]) -> Meta:
    """Author and date from the paragraphs labelled as byline or date."""
    author = date = None
    for p in paragraphs:
        if p.label != "meta" or len(p.text) > 200:
            continue
        author = author or byline_author(p.text)
        date = date or iso_date(p.text)
    return Meta(author=author, date=date)


def merged(first: Meta, second: Meta) -> Meta:
    """Each field from the first source that has it."""
    return Meta(author=first.author or second.author, date=first.date or second.date)


def _json_ld_articles(blocks: Iterable[str]) -> Iterable[dict]:
    for block in blocks:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                types = item.get("@type", [])
                types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
                if any(str(t).lower() in _ARTICLE_TYPES for t in types):
                    yield item


def _ld_author(value: Any) -> Optional[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("name") if isinstance(value.get("name"), str) else None
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return ", ".join(names) or None
    return None


def _clean_name(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    name = " ".join(name.split())
    return name if len(name) <= 120 else None
