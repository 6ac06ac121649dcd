"""Format checks for the project's own labelled pages: corpus/pages.jsonl (training),
corpus/notice_pages.jsonl (training) and corpus/eval_pages.jsonl
(evaluation only).

The format is described in corpus/README.md. These tests keep every page
consistent with it, so that training and evaluation code can rely on it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from cleaner.corpus_format import block_problems, record_problems, text_blocks

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pages.jsonl"
NOTICE_CORPUS = CORPUS.with_name("notice_pages.jsonl")
EVAL_CORPUS = CORPUS.with_name("eval_pages.jsonl")

REQUIRED_LANGS = {
    "en", "tr", "az", "ru", "uk", "kk", "hy", "ka", "ar", "fa", "ur", "he", "hi", "bn", "zh",
    "ja", "ko", "th", "vi", "id", "de", "fr", "es", "pt", "it", "pl", "nl", "el", "sv", "sw",
}
MIN_CROSS_LANGUAGE_PAGES = 8


def _load(path: Path = CORPUS) -> list[tuple[int, str]]:
    with path.open(encoding="utf-8") as f:
        return [(n, line) for n, line in enumerate(f, start=1) if line.strip()]


LINES = _load()
PAGES = [json.loads(line) for _, line in LINES]
NOTICE_PAGES = [json.loads(line) for _, line in _load(NOTICE_CORPUS)]
EVAL_PAGES = [json.loads(line) for _, line in _load(EVAL_CORPUS)]
ALL_PAGES = PAGES + NOTICE_PAGES + EVAL_PAGES     # the format checks hold for every file
PAGE_IDS = ([p.get("id", f"line-{n}") for p, (n, _) in zip(PAGES, LINES)]
            + [p.get("id", "?") for p in NOTICE_PAGES + EVAL_PAGES])


def test_corpus_file_exists_and_is_not_empty():
    assert CORPUS.is_file()
    assert len(LINES) >= 30


@pytest.mark.parametrize("lineno,line", LINES, ids=[f"line-{n}" for n, _ in LINES])
def test_line_is_one_json_object(lineno, line):
    assert line.endswith("\n"), f"line {lineno}: every line must end with a newline"
    record = json.loads(line)
    assert isinstance(record, dict), f"line {lineno}: not a JSON object"


@pytest.mark.parametrize("page", ALL_PAGES, ids=PAGE_IDS)
def test_page_schema(page):
    problems = record_problems(page)
    assert not problems, "\n".join(problems)


def test_ids_are_unique():
    dupes = [i for i, n in Counter(p["id"] for p in ALL_PAGES).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


@pytest.mark.parametrize("page", ALL_PAGES, ids=PAGE_IDS)
def test_label_counts(page):
    labels = Counter(p["label"] for p in page["paragraphs"])
    assert labels["title"] == 1, f"expected exactly one title, got {labels['title']}"
    assert labels["body"] >= 3, f"expected at least 3 body paragraphs, got {labels['body']}"
    assert labels["boilerplate"] + labels["meta"] >= 1, "expected at least one boilerplate or meta paragraph"


@pytest.mark.parametrize("page", [p for p in ALL_PAGES if p["kind"] == "text"],
                         ids=[p["id"] for p in ALL_PAGES if p["kind"] == "text"])
def test_text_page_paragraphs_are_its_blocks(page):
    problems = block_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", [p for p in ALL_PAGES if p["kind"] == "html"],
                         ids=[p["id"] for p in ALL_PAGES if p["kind"] == "html"])
def test_html_page_paragraphs_are_visible_text_in_order(page):
    assert re.search(r"<meta\s+charset=[\"']?utf-8", page["page"], re.I), "HTML pages declare <meta charset=\"utf-8\">"
    problems = block_problems(page)
    assert not problems, "\n".join(problems)


def test_evaluation_pages_cover_every_required_language_and_share_no_text_with_training_pages():
    assert {p["lang"] for p in EVAL_PAGES} == {p["lang"] for p in NOTICE_PAGES} == REQUIRED_LANGS
    trained = {" ".join(q["text"].split()) for p in PAGES + NOTICE_PAGES for q in p["paragraphs"]}
    shared = [q["text"] for p in EVAL_PAGES for q in p["paragraphs"]
              if len(q["text"]) > 20 and " ".join(q["text"].split()) in trained]
    assert not shared
    from cleaner.cli import build_parser
    assert build_parser().parse_args(["train", "-o", "m.joblib"]).corpus == ["corpus/pages.jsonl",
                                                                          "corpus/notice_pages.jsonl"]


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


def test_the_checker_names_what_is_wrong():
    from cleaner.corpus_format import block_problems, record_problems
    good = {"id": "en-text-01", "lang": "en", "kind": "text", "page": "Title\n\nBody text.",
            "paragraphs": [{"text": "Title", "label": "title", "subtype": None},
                           {"text": "Body text.", "label": "body", "subtype": None}]}
    assert record_problems(good) == [] and block_problems(good) == []
    assert record_problems({**good, "id": "en-html-01"}) == ["id must agree with lang and kind"]
    bad = {**good, "paragraphs": [{"text": "Title ", "label": "boilerplate", "subtype": None, "lang": "en"}]}
    assert record_problems(bad) == [
        "paragraph 0: text must be whitespace-collapsed and stripped: 'Title '",
        "paragraph 0: boilerplate needs a subtype, got None",
        "paragraph 0: give a paragraph lang only when it differs from the page's"]
    assert block_problems({**good, "paragraphs": good["paragraphs"][:1]}) == [
        "2 blocks in the page but 1 labelled paragraphs"]
    html = {**good, "kind": "html", "page": "<p>Title</p><p>Body<br>text.</p><select><option>x</option></select>"}
    assert block_problems(html) == ["paragraph 1 not found in the visible text: 'Body text.'"]
    assert block_problems(html, exact_spacing=False) == []
    assert record_problems(["not", "a", "page"]) == ["a page is a JSON object, not a list"]


PHRASES = CORPUS.with_name("boilerplate_phrases.jsonl")
PHRASE_CATEGORIES = {"consent", "consent_button", "paywall", "newsletter"}


def test_our_boilerplate_phrases_follow_the_shared_strings_format_in_every_required_language():
    rows = [json.loads(line) for line in PHRASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(set(r) == {"text", "lang", "category", "source"} for r in rows)
    assert {r["source"] for r in rows} == {"newsbody/corpus"}
    assert {r["category"] for r in rows} == PHRASE_CATEGORIES
    assert all(r["text"] and r["text"] == r["text"].strip() and "\n" not in r["text"] for r in rows)
    assert len({(r["lang"], r["text"]) for r in rows}) == len(rows), "a string is listed twice"
    per_lang = Counter(r["lang"] for r in rows if r["category"] == "consent")
    assert REQUIRED_LANGS <= set(per_lang) and min(per_lang.values()) >= 10


def test_our_boilerplate_phrases_are_training_strings_never_held_out():
    from cleaner.augment import HELD_OUT_SOURCES, load_snippets
    assert "newsbody/corpus" not in HELD_OUT_SOURCES
    assert len(load_snippets(PHRASES, held_out=False)) == len(PHRASES.read_text(encoding="utf-8").splitlines())
    assert load_snippets(PHRASES, held_out=True) == []


NEWS = CORPUS.with_name("news_paragraphs.jsonl")
NEWS_LANGS = {r["lang"] for r in map(json.loads, PHRASES.read_text(encoding="utf-8").splitlines())}


def _news_rows() -> list[dict]:
    return [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_our_news_paragraphs_are_paragraphs_in_each_of_the_45_languages():
    rows = _news_rows()
    assert all(set(r) == {"text", "lang", "len_bucket", "source"} for r in rows)
    assert {r["source"] for r in rows} == {"newsbody/corpus"} and {r["len_bucket"] for r in rows} == {"paragraph"}
    assert all(r["text"] == r["text"].strip() and "\n" not in r["text"] and "  " not in r["text"] for r in rows)
    assert len({r["text"] for r in rows}) == len(rows), "a paragraph is listed twice"
    per_lang = Counter(r["lang"] for r in rows)
    assert set(per_lang) == NEWS_LANGS and min(per_lang.values()) >= 30
    dense = {"zh", "ja", "ko"}
    assert all((60 if r["lang"] in dense else 140) <= len(r["text"]) <= 650 for r in rows)


def test_our_news_paragraphs_read_as_their_language():
    from cleaner.language import detect_language
    rows = _news_rows()
    wrong = [(r["lang"], detect_language(r["text"]), r["text"][:60]) for r in rows
             if detect_language(r["text"]) != r["lang"]]
    assert len(wrong) <= 0.02 * len(rows), wrong[:20]


def test_our_news_paragraphs_are_all_training_texts_never_evaluated():
    from cleaner.augment import load_bodies
    learned = load_bodies(NEWS, training=True)
    assert sum(map(len, learned.values())) == len(_news_rows())
    assert load_bodies(NEWS, training=False) == {}
