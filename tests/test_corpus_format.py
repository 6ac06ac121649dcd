"""Format checks for the project's own labelled pages, corpus/pages.jsonl.

The format is described in corpus/README.md. These tests keep every page
consistent with it, so that training and evaluation code can rely on it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pages.jsonl"

LABELS = {"body", "title", "meta", "boilerplate"}
SUBTYPES = {
    "consent", "navigation", "share", "newsletter", "paywall", "related", "advert",
    "comments", "legal", "caption", "close", "tags", "other",
}
PAGE_KEYS = {"id", "lang", "kind", "page", "paragraphs"}
PAGE_OPTIONAL_KEYS = {"notes"}
PARA_KEYS = {"text", "label", "subtype"}
PARA_OPTIONAL_KEYS = {"lang"}
REQUIRED_LANGS = {
    "en", "tr", "az", "ru", "uk", "kk", "hy", "ka", "ar", "fa", "ur", "he", "hi", "bn", "zh",
    "ja", "ko", "th", "vi", "id", "de", "fr", "es", "pt", "it", "pl", "nl", "el", "sv", "sw",
}
MIN_CROSS_LANGUAGE_PAGES = 8
LONE_LINE_MAX = 20  # a first line this short, directly above more text, is its own block

ID_RE = re.compile(r"^(?P<lang>[a-z]{2})-(?P<kind>text|html)-(?P<nn>\d{2,})$")
LANG_RE = re.compile(r"^[a-z]{2}$")
WS_RE = re.compile(r"\s+")
BLANK_LINE_RE = re.compile(r"\n\s*\n")


def collapse(text: str) -> str:
    """Collapse every whitespace run to one space and strip."""
    return WS_RE.sub(" ", text).strip()


def text_blocks(page: str) -> list[str]:
    """Blocks of a plain-text page, as corpus/README.md defines them.

    Blocks are separated by blank lines; a lone short first line (such as "X"
    or "Close") directly above the rest of a block is a block of its own.
    """
    blocks: list[str] = []
    for chunk in BLANK_LINE_RE.split(page.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) > 1 and len(lines[0].strip()) <= LONE_LINE_MAX:
            blocks.append(collapse(lines[0]))
            lines = lines[1:]
        blocks.append(collapse(" ".join(lines)))
    return blocks


def visible_text(page: str) -> str:
    """Whitespace-collapsed text of an HTML page's body, without script/style."""
    doc = lxml.html.document_fromstring(page.encode("utf-8"))
    for el in doc.xpath("//script | //style | //noscript | //template"):
        el.drop_tree()
    body = doc.find("body")
    root = body if body is not None else doc
    return collapse(root.text_content())


def _load() -> list[tuple[int, str]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [(n, line) for n, line in enumerate(f, start=1) if line.strip()]


LINES = _load()
PAGES = [json.loads(line) for _, line in LINES]
PAGE_IDS = [p.get("id", f"line-{n}") for p, (n, _) in zip(PAGES, LINES)]


def test_corpus_file_exists_and_is_not_empty():
    assert CORPUS.is_file()
    assert len(LINES) >= 30


@pytest.mark.parametrize("lineno,line", LINES, ids=[f"line-{n}" for n, _ in LINES])
def test_line_is_one_json_object(lineno, line):
    assert line.endswith("\n"), f"line {lineno}: every line must end with a newline"
    record = json.loads(line)
    assert isinstance(record, dict), f"line {lineno}: not a JSON object"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_page_schema(page):
    keys = set(page)
    assert PAGE_KEYS <= keys, f"missing keys: {sorted(PAGE_KEYS - keys)}"
    assert keys <= PAGE_KEYS | PAGE_OPTIONAL_KEYS, f"unknown keys: {sorted(keys - PAGE_KEYS - PAGE_OPTIONAL_KEYS)}"
    m = ID_RE.match(page["id"])
    assert m, f"bad id {page['id']!r}: expected <lang>-<kind>-<nn>"
    assert LANG_RE.match(page["lang"]), f"bad lang {page['lang']!r}"
    assert page["kind"] in ("text", "html")
    assert m["lang"] == page["lang"] and m["kind"] == page["kind"], "id must agree with lang and kind"
    assert isinstance(page["page"], str) and page["page"].strip()
    if "notes" in page:
        assert isinstance(page["notes"], str)
    paras = page["paragraphs"]
    assert isinstance(paras, list) and paras
    for i, para in enumerate(paras):
        where = f"paragraph {i}"
        assert isinstance(para, dict), where
        pkeys = set(para)
        assert PARA_KEYS <= pkeys, f"{where}: missing {sorted(PARA_KEYS - pkeys)}"
        assert pkeys <= PARA_KEYS | PARA_OPTIONAL_KEYS, f"{where}: unknown {sorted(pkeys - PARA_KEYS - PARA_OPTIONAL_KEYS)}"
        text = para["text"]
        assert isinstance(text, str) and text, f"{where}: empty text"
        assert text == collapse(text), f"{where}: text must be whitespace-collapsed and stripped: {text!r}"
        assert para["label"] in LABELS, f"{where}: bad label {para['label']!r}"
        if para["label"] == "boilerplate":
            assert para["subtype"] in SUBTYPES, f"{where}: boilerplate needs a subtype, got {para['subtype']!r}"
        else:
            assert para["subtype"] is None, f"{where}: only boilerplate has a subtype"
        if "lang" in para:
            assert LANG_RE.match(para["lang"]), f"{where}: bad lang {para['lang']!r}"
            assert para["lang"] != page["lang"], f"{where}: give a paragraph lang only when it differs from the page's"


def test_ids_are_unique():
    dupes = [i for i, n in Counter(p["id"] for p in PAGES).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_label_counts(page):
    labels = Counter(p["label"] for p in page["paragraphs"])
    assert labels["title"] == 1, f"expected exactly one title, got {labels['title']}"
    assert labels["body"] >= 3, f"expected at least 3 body paragraphs, got {labels['body']}"
    assert labels["boilerplate"] + labels["meta"] >= 1, "expected at least one boilerplate or meta paragraph"


@pytest.mark.parametrize("page", [p for p in PAGES if p["kind"] == "text"],
                         ids=[p["id"] for p in PAGES if p["kind"] == "text"])
def test_text_page_paragraphs_are_its_blocks(page):
    blocks = text_blocks(page["page"])
    texts = [p["text"] for p in page["paragraphs"]]
    for i, (block, text) in enumerate(zip(blocks, texts)):
        assert block == text, f"block {i} differs:\n page:  {block!r}\n label: {text!r}"
    assert len(blocks) == len(texts), f"{len(blocks)} blocks in the page but {len(texts)} labelled paragraphs"


@pytest.mark.parametrize("page", [p for p in PAGES if p["kind"] == "html"],
                         ids=[p["id"] for p in PAGES if p["kind"] == "html"])
def test_html_page_paragraphs_are_visible_text_in_order(page):
    assert re.search(r"<meta\s+charset=[\"']?utf-8", page["page"], re.I), "HTML pages declare <meta charset=\"utf-8\">"
    visible = visible_text(page["page"])
    pos = 0
    for i, para in enumerate(page["paragraphs"]):
        found = visible.find(para["text"], pos)
        assert found >= 0, (
            f"paragraph {i} not found in the visible text"
            + (" after the previous paragraph" if para["text"] in visible else "")
            + f": {para['text']!r}"
        )
        pos = found + len(para["text"])


def test_text_block_rule_examples():
    page = (" date 2024-01-01 By A. Writer\n\nX\nCookie notice text goes here.\n \n"
            "A body paragraph  that was\nhard-wrapped here.\n\n\nClose\n")
    assert text_blocks(page) == [
        "date 2024-01-01 By A. Writer", "X", "Cookie notice text goes here.",
        "A body paragraph that was hard-wrapped here.", "Close",
    ]


def test_required_languages_are_covered():
    missing = REQUIRED_LANGS - {p["lang"] for p in PAGES}
    assert not missing, f"no page for: {sorted(missing)}"


def test_both_kinds_are_well_represented():
    kinds = Counter(p["kind"] for p in PAGES)
    assert kinds["text"] >= len(PAGES) // 3 and kinds["html"] >= len(PAGES) // 3, dict(kinds)


def test_boilerplate_in_other_languages():
    cross = [
        p["id"] for p in PAGES
        if any(q["label"] == "boilerplate" and q.get("lang", p["lang"]) != p["lang"] for q in p["paragraphs"])
    ]
    assert len(cross) >= MIN_CROSS_LANGUAGE_PAGES, f"only {len(cross)} pages with cross-language boilerplate: {cross}"
