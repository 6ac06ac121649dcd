"""Pathological pages: each returns a Result or a named cleaner.errors exception that says what happened.

The inputs are built here from bench/robustness.py's CASES (nothing big is stored in the
repository); bench/robustness.py measures their time and memory in fresh processes, and the
README states those bounds. Only the bench cleans paragraphs_100k and the 5 MB encoded pages
(tens of seconds each); this suite checks 1 MB versions of the latter and the paragraph limit with
a lowered limit, and runs in well under 3 minutes on 2 cores.
"""
from __future__ import annotations

import re

import pytest

import cleaner
from bench.robustness import ARTICLE, CASES, MB, PARAGRAPH, RU_PARAGRAPH
from cleaner import errors
from cleaner import segment_text as segment_text_module
from cleaner.segment_html import segment_html
from cleaner.segment_text import segment_text, strip_non_text

_cleaners: dict = {}


@pytest.fixture(scope="session")
def cleaner_for():
    """A Cleaner per set of options, loaded once for the whole session."""
    def get(options: dict) -> cleaner.Cleaner:
        key = tuple(sorted(options.items()))
        if key not in _cleaners:
            _cleaners[key] = cleaner.default_cleaner() if not options else cleaner.Cleaner(**options)
        return _cleaners[key]
    return get


def outcome(cleaner_for, name: str):
    """Clean one case: its Result, or the named error it raised (anything else fails the test)."""
    case = CASES[name]
    page = case.build()
    try:
        return page, cleaner_for(case.options).clean(page)
    except errors.NewsbodyError as e:
        assert str(e).strip()
        return page, e


_P = re.compile(r"<p[^>]*>(.*?)</p>", re.S)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _texts(result) -> list[str]:
    return [p.text for p in result.paragraphs]


def test_20mb_page_over_the_default_limit_says_how_to_raise_it(cleaner_for):
    page, r = outcome(cleaner_for, "20mb_default_limit")
    assert isinstance(r, errors.PageTooLargeError)
    assert f"{len(page):,} bytes" in str(r) and "Cleaner(max_bytes=" in str(r)
    with pytest.raises(errors.PageTooLargeError, match=r"characters.*Cleaner\(max_bytes="):
        cleaner_for({}).clean(page.decode())


def test_20mb_page_of_scripts_styles_and_images_is_cleaned_when_allowed(cleaner_for):
    _, r = outcome(cleaner_for, "20mb_heavy")
    assert isinstance(r, cleaner.Result)
    assert _texts(r) == ["Library to stay open late"] + ARTICLE
    assert all(p in r.text for p in ARTICLE)


def test_20mb_page_of_paragraphs_stops_at_the_paragraph_limit(cleaner_for):
    _, r = outcome(cleaner_for, "20mb_dense")
    assert isinstance(r, errors.PageTooLargeError) and "more than 100,000 paragraphs" in str(r)


@pytest.mark.parametrize("name", ["nested_divs_100k", "nested_lists_100k"])
def test_100k_nested_elements_lose_no_text(cleaner_for, name):
    _, r = outcome(cleaner_for, name)
    assert isinstance(r, cleaner.Result)
    assert _texts(r) == ARTICLE
    assert r.text == "\n\n".join(ARTICLE)


@pytest.mark.parametrize("tag", ["blockquote", "table", "q", "x-widget", "object"])
def test_deep_nesting_of_any_element_keeps_the_text_around_it(tag):
    html = "<body><p>before</p>" + f"<{tag}>" * 5000 + "deep" + f"</{tag}>" * 5000 + "<p>after</p>"
    texts = _texts(segment_html(html))
    assert texts[0] == "before" and texts[-1] == "after"
    assert ("deep" in texts) == (tag != "object")  # an <object>'s content is never page text


@pytest.mark.parametrize("name", ["paragraphs_200k", "tiny_paragraphs_10mb", "text_paragraphs_10mb"])
def test_too_many_paragraphs_is_a_named_error_that_says_what_to_do(cleaner_for, name):
    _, r = outcome(cleaner_for, name)
    assert isinstance(r, errors.PageTooLargeError)
    assert "more than 100,000 paragraphs" in str(r) and "MAX_PARAGRAPHS" in str(r)


def test_the_paragraph_limit_is_exact(monkeypatch, cleaner_for):
    monkeypatch.setattr(segment_text_module, "MAX_PARAGRAPHS", 50)
    c = cleaner_for({})
    assert len(c.clean("<body>" + PARAGRAPH * 50).paragraphs) == 50
    assert len(c.clean("Some words.\n\n" * 50, kind="text").paragraphs) == 50
    with pytest.raises(errors.PageTooLargeError, match="more than 50 paragraphs"):
        c.clean("<body>" + PARAGRAPH * 51)
    with pytest.raises(errors.PageTooLargeError, match="more than 50 paragraphs"):
        c.clean("Some words.\n\n" * 51, kind="text")
    assert len(segment_html("<body>" + PARAGRAPH * 51, max_paragraphs=60).paragraphs) == 51
    assert len(segment_text("a\n\n" * 51, max_paragraphs=60)) == 51


def test_a_5mb_paragraph_without_spaces_comes_back_whole(cleaner_for):
    page, r = outcome(cleaner_for, "one_paragraph_5mb")
    assert isinstance(r, cleaner.Result)
    assert _texts(r) == ["abcdefghij" * (5 * MB // 10)]


def test_a_10mb_text_without_spaces_comes_back_whole(cleaner_for):
    page, r = outcome(cleaner_for, "one_paragraph_10mb_text")
    assert isinstance(r, cleaner.Result) and _texts(r) == [page]


def test_nul_bytes_lone_surrogates_and_c1_controls_are_removed_not_fatal(cleaner_for):
    page, r = outcome(cleaner_for, "controls")
    assert isinstance(r, cleaner.Result)
    # Documented (cleaner/segment_text.py): C0 controls and lone surrogates are removed; C1 controls
    # are characters and stay (U+0085 is whitespace to str.split, so it separates words).
    assert _texts(r) == [_norm(strip_non_text(p)) for p in _P.findall(page) if _norm(strip_non_text(p))]
    assert _texts(r) == [_norm(p[:120] + "\x85\x9f\x80" + p[120:]) for p in ARTICLE]
    assert r.text == "\n\n".join(p.text for p in r.kept)
    assert strip_non_text(r.text) == r.text


def test_nul_bytes_in_utf8_bytes(cleaner_for):
    _, r = outcome(cleaner_for, "nul_bytes")
    assert isinstance(r, cleaner.Result)
    assert _texts(r)[1:] == ARTICLE


@pytest.mark.parametrize("page", ["\x00" * 1000, "\ud800\udfff" * 500, "\x01\x1b\x7f" * 500, "<p>\x00\ud800\x7f</p>",
                                  "<p>&#1;&#x1f;</p>"])
def test_a_page_of_nothing_but_controls_is_an_empty_result(cleaner_for, page):
    r = cleaner_for({}).clean(page)
    assert r.text == "" and r.paragraphs == ()


def test_unclosed_tags_and_comments(cleaner_for):
    _, r = outcome(cleaner_for, "unclosed")
    assert isinstance(r, cleaner.Result)
    assert _texts(r) == ARTICLE[:3]  # an unclosed comment runs to the end of the page, as in browsers


def test_script_containing_a_closing_p_is_not_text(cleaner_for):
    _, r = outcome(cleaner_for, "script_with_p")
    assert isinstance(r, cleaner.Result)
    assert _texts(r) == ["Library to stay open late"] + ARTICLE
    assert "not text" not in r.text and "</p>" not in r.text


def test_rtl_and_ltr_scripts_mixed(cleaner_for):
    page, r = outcome(cleaner_for, "rtl_ltr")
    assert isinstance(r, cleaner.Result)
    assert _texts(r) == [_norm(p) for p in _P.findall(page)]  # bidi controls included: they are text
    assert r.language in ("ar", "he", "en")


@pytest.mark.parametrize("name,what", [("png", "a PNG image"), ("gzip", "gzip stream"),
                                       ("random_bytes_1mb", "binary data")])
def test_binary_data_is_a_decode_error_naming_it(cleaner_for, name, what):
    _, r = outcome(cleaner_for, name)
    assert isinstance(r, errors.DecodeError) and what in str(r)


def test_big_pages_in_legacy_and_utf16_encodings(cleaner_for):
    # bench/robustness.py measures 5 MB versions; 1 MB keeps this suite fast.
    ru = RU_PARAGRAPH
    for data, sample in [(("<html><body>" + ru * (MB // len(ru)) + "</body></html>").encode("cp1251"), ru[3:-4]),
                         (("<html><body>" + PARAGRAPH * (MB // 2 // len(PARAGRAPH))).encode("utf-16-le"),
                          PARAGRAPH[3:-4])]:
        r = cleaner_for({}).clean(data)
        assert r.paragraphs and all(p.text == sample for p in r.paragraphs)
