"""The corpus format (corpus/README.md): what one labelled page record must hold, checked field by field."""
from __future__ import annotations

import re
from typing import Any

import lxml.html

from .segment_html import REMOVED_TAGS

LABELS = ("body", "title", "meta", "boilerplate")
SUBTYPES = ("consent", "navigation", "share", "newsletter", "paywall", "related", "advert",
            "comments", "legal", "caption", "close", "tags", "other")
PAGE_KEYS = frozenset({"id", "lang", "kind", "page", "paragraphs"})
PAGE_OPTIONAL_KEYS = frozenset({"notes"})
PARA_KEYS = frozenset({"text", "label", "subtype"})
PARA_OPTIONAL_KEYS = frozenset({"lang"})
ID_RE = re.compile(r"^(?P<lang>[a-z]{2})-(?P<kind>text|html)-(?P<nn>\d{2,})$")
LANG_RE = re.compile(r"^[a-z]{2}$")
LONE_LINE_MAX = 20  # a first line this short, directly above more text, is its own block
# What corpus/README.md calls "not page text"; pages from the wild also hide form selects, SVG, frames...
NOT_TEXT_TAGS = ("script", "style", "noscript", "template")
_WS = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n\s*\n")


def collapse(text: str) -> str:
    """Collapse every whitespace run to one space and strip."""
    return _WS.sub(" ", text).strip()


def text_blocks(page: str) -> list[str]:
    """Blocks of a plain-text page: blank-line separated; a lone short first line stands alone."""
    blocks: list[str] = []
    for chunk in _BLANK_LINE.split(page.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) > 1 and len(lines[0].strip()) <= LONE_LINE_MAX:
            blocks.append(collapse(lines[0]))
            lines = lines[1:]
        blocks.append(collapse(" ".join(lines)))
    return blocks


def visible_text(page: str, not_text: tuple[str, ...] = NOT_TEXT_TAGS) -> str:
    """Whitespace-collapsed text of an HTML page's body, without the elements that hold no page text."""
    # The page is text already: parse it as UTF-8 whatever its <meta charset> says.
    doc = lxml.html.document_fromstring(page.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    for el in doc.xpath(" | ".join(f"//{tag}" for tag in not_text)):
        el.drop_tree()
    body = doc.find("body")
    return collapse((body if body is not None else doc).text_content())


def record_problems(record: Any) -> list[str]:
    """What is wrong with one page record's fields (empty when it follows the format)."""
    if not isinstance(record, dict):
        return [f"a page is a JSON object, not a {type(record).__name__}"]
    keys = set(record)
    problems = [f"missing keys: {sorted(PAGE_KEYS - keys)}"] if not PAGE_KEYS <= keys else []
    if keys - PAGE_KEYS - PAGE_OPTIONAL_KEYS:
        problems.append(f"unknown keys: {sorted(keys - PAGE_KEYS - PAGE_OPTIONAL_KEYS)}")
    if problems:
        return problems
    m = ID_RE.match(str(record["id"]))
    if not m:
        problems.append(f"bad id {record['id']!r}: expected <lang>-<kind>-<nn>")
    if not isinstance(record["lang"], str) or not LANG_RE.match(record["lang"]):
        problems.append(f"bad lang {record['lang']!r}")
    if record["kind"] not in ("text", "html"):
        problems.append(f"bad kind {record['kind']!r}: text or html")
    if m and (m["lang"] != record["lang"] or m["kind"] != record["kind"]):
        problems.append("id must agree with lang and kind")
    if not isinstance(record["page"], str) or not record["page"].strip():
        problems.append("page must be a non-empty string")
    if "notes" in record and not isinstance(record["notes"], str):
        problems.append("notes must be a string")
    paras = record["paragraphs"]
    if not isinstance(paras, list) or not paras:
        return problems + ["paragraphs must be a non-empty list"]
    for i, para in enumerate(paras):
        problems += [f"paragraph {i}: {p}" for p in _paragraph_problems(para, record["lang"])]
    return problems


def _paragraph_problems(para: Any, page_lang: str) -> list[str]:
    if not isinstance(para, dict):
        return ["not a JSON object"]
    keys = set(para)
    if not PARA_KEYS <= keys:
        return [f"missing {sorted(PARA_KEYS - keys)}"]
    problems = [f"unknown {sorted(keys - PARA_KEYS - PARA_OPTIONAL_KEYS)}"] if keys - PARA_KEYS - PARA_OPTIONAL_KEYS else []
    text = para["text"]
    if not isinstance(text, str) or not text:
        problems.append("empty text")
    elif text != collapse(text):
        problems.append(f"text must be whitespace-collapsed and stripped: {text!r}")
    if para["label"] not in LABELS:
        problems.append(f"bad label {para['label']!r}")
    elif para["label"] == "boilerplate" and para["subtype"] not in SUBTYPES:
        problems.append(f"boilerplate needs a subtype, got {para['subtype']!r}")
    elif para["label"] != "boilerplate" and para["subtype"] is not None:
        problems.append("only boilerplate has a subtype")
    if "lang" in para:
        if not isinstance(para["lang"], str) or not LANG_RE.match(para["lang"]):
            problems.append(f"bad lang {para['lang']!r}")
        elif para["lang"] == page_lang:
            problems.append("give a paragraph lang only when it differs from the page's")
    return problems


def block_problems(record: dict, *, exact_spacing: bool = True) -> list[str]:
    """Where a page's labelled paragraphs are not its blocks, in order.

    Text pages: the paragraphs are exactly the page's blocks. HTML pages: each paragraph occurs in the
    visible text after the previous one. exact_spacing=False is for pages from the wild (what `newsbody
    review` writes): spacing is ignored (a <br> or two adjacent blocks separate words for the segmenter,
    not for lxml's text_content) and elements the segmenter never reads (select, svg, iframe...) are left out.
    """
    texts = [p["text"] for p in record["paragraphs"]]
    if record["kind"] == "text":
        blocks = text_blocks(record["page"])
        problems = [f"block {i} differs:\n page:  {b!r}\n label: {t!r}"
                    for i, (b, t) in enumerate(zip(blocks, texts)) if b != t]
        if len(blocks) != len(texts):
            problems.append(f"{len(blocks)} blocks in the page but {len(texts)} labelled paragraphs")
        return problems
    if exact_spacing:
        visible, squeeze = visible_text(record["page"]), (lambda s: s)
    else:
        squeeze = (lambda s: _WS.sub("", s))
        visible = squeeze(visible_text(record["page"], tuple(t for t in REMOVED_TAGS if t != "head")))
    pos = 0
    for i, text in enumerate(texts):
        found = visible.find(squeeze(text), pos)
        if found < 0:
            where = " after the previous paragraph" if squeeze(text) in visible else ""
            return [f"paragraph {i} not found in the visible text{where}: {text!r}"]
        pos = found + len(squeeze(text))
    return []
