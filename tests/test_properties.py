"""Property tests: clean() never raises on str or bytes, returns only page text, keeps page order,
and gives the same Result on a second call and in a fresh process.

"Page text" is compared after whitespace normalisation and after the segmenters' documented
treatment of characters that are not text (cleaner.segment_text.strip_non_text: C0 controls and
lone surrogates removed, VT and FF read as spaces). The long fuzz run is fuzz/fuzz_clean.py.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.errors import DecodeError, NewsbodyError, PageNotFoundError
from cleaner.page_input import _PATHLIKE
from cleaner.segment_html import segment_html
from cleaner.segment_text import segment_text, strip_non_text

ROOT = Path(__file__).resolve().parent.parent
_TAGS = ["p", "div", "span", "a", "li", "ul", "h1", "h2", "br", "td", "script", "style", "nav", "footer", "b",
         "blockquote", "table", "tr", "pre", "section", "article", "em", "x-widget", "button", "form"]
_VISIBLE_TAGS = tuple(t for t in _TAGS if t not in ("script", "style"))
# Any code point (lone surrogates, NUL, C1 controls, RTL, emoji included) but markup characters.
words = st.text(alphabet=st.characters(exclude_characters="<>&"), min_size=0, max_size=40)
prose = st.sampled_from(["The council voted on Tuesday.", "Городской совет проголосовал.", "市議会は決定した。",
                         "صوت المجلس يوم الثلاثاء", "Belediye meclisi oy kullandı.", "a\x00b\x85c\ud800d"])
texts = st.one_of(words, prose)


@st.composite
def html_pages(draw, tags=tuple(_TAGS), max_depth=3):
    def fragment(depth: int) -> str:
        parts = []
        for _ in range(draw(st.integers(0, 6 if depth else 10))):
            if depth < max_depth and draw(st.integers(0, 2)) == 0:
                tag = draw(st.sampled_from(tags))
                inner = fragment(depth + 1)
                parts.append(f"<{tag} class='c{depth}'>{inner}" + (f"</{tag}>" if draw(st.booleans()) else ""))
            else:
                parts.append(draw(texts))
        return "".join(parts)
    return "<html><body>" + fragment(0) + "</body></html>"


def _nospace(text: str) -> str:
    return "".join(text.split())


def _visible(html: str) -> str:
    """The page's text as the segmenters see it: documented character treatment, scripts, styles and tags removed."""
    html = re.sub(r"<(script|style)\b[^>]*>.*?(?:</\1>|$)", " ", strip_non_text(html), flags=re.S)
    return re.sub(r"<[^>]*>", "", html)


def _in_order(paragraphs: list[str], source: str) -> bool:
    """Every paragraph (whitespace removed) occurs in source (whitespace removed), in this order."""
    hay, pos = _nospace(source), 0
    for p in paragraphs:
        i = hay.find(_nospace(p), pos)
        if i < 0:
            return False
        pos = i + len(_nospace(p))
    return True


def _clean_str(page: str, **kw):
    """clean() a str: a Result, or PageNotFoundError for a str that reads as a file path."""
    try:
        return cleaner.clean(page, **kw)
    except PageNotFoundError:
        assert _PATHLIKE.match(page.strip())
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_pages())
def test_clean_returns_only_page_text_in_page_order(html):
    result = cleaner.clean(html)
    texts = [p.text for p in segment_html(html).paragraphs]
    assert [p.text for p in result.paragraphs] == texts
    assert [p.index for p in result.paragraphs] == list(range(len(texts)))
    for p in result.paragraphs:
        assert p.text == " ".join(p.text.split()) and strip_non_text(p.text) == p.text
    assert result.text == "\n\n".join(p.text for p in result.kept)
    assert _in_order([p.text for p in result.kept], _visible(html))
    assert cleaner.clean(html) == result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_pages(tags=_VISIBLE_TAGS))
def test_html_segmentation_loses_no_text_and_adds_none(html):
    # Without scripts and styles every character of the page's text is in exactly one paragraph, in order.
    paragraphs = [p.text for p in segment_html(html).paragraphs]
    assert _nospace("".join(paragraphs)) == _nospace(_visible(html))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_pages(), st.text(alphabet="qxz", min_size=6, max_size=12))
def test_script_and_style_content_is_never_text(html, marker):
    assume(marker not in html)
    html = html.replace("<body>", f"<body><script>var a = '</p><p>{marker}';</script><style>p:after{{content:"
                                  f"'{marker}'}}</style>", 1)
    assert marker not in cleaner.clean(html).text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(texts, st.sampled_from(["\n", "\n\n", "\r\n\r\n", " \n\t\n", "\x0c"])), max_size=20)
       .map("".join))
def test_any_text_gives_its_own_text_back_in_order(text):
    result = _clean_str(text, kind="text")
    if result is None:
        return
    paragraphs = [p.text for p in result.paragraphs]
    assert paragraphs == [p.text for p in segment_text(text)]
    assert _nospace("".join(paragraphs)) == _nospace(strip_non_text(text))  # nothing lost, nothing added
    assert result.text == "\n\n".join(p.text for p in result.kept)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["auto", "html", "text"]))
def test_any_string_gives_a_result(text, kind):
    result = _clean_str(text, kind=kind)
    if result is not None:
        assert _in_order([p.text for p in result.paragraphs], _visible(text) if result.kind == "html"
                         else strip_non_text(text)) or "&" in text or "<" in text


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 html_pages().map(lambda h: h.encode("utf-8", "surrogatepass")),
                 html_pages().map(lambda h: h.encode("utf-16", "surrogatepass")),
                 html_pages().map(lambda h: h.encode("cp1251", "replace"))))
def test_any_bytes_give_a_result_or_a_decode_error(data):
    try:
        result = cleaner.clean(data)
    except DecodeError as e:
        assert str(e)
        return
    assert result.text == "\n\n".join(p.text for p in result.kept)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_pages())
def test_utf8_bytes_clean_as_their_str(html):
    assume(not re.search(r"[\ud800-\udfff]", html))
    assert cleaner.clean(html.encode("utf-8")) == cleaner.clean(html)


FIXED_PAGES = [
    (ROOT / "examples" / "sample_article.html").read_text(encoding="utf-8"),
    "<html><body><nav>Home | News</nav><h1>Vote</h1><p>The city council voted on Tuesday to keep the library "
    "open late.</p><p>Городской совет проголосовал во вторник.</p><footer>© 2026</footer></body></html>",
    "Close\nThe council voted on Tuesday to keep the central library open until nine.\n\nShare this article",
]
_FRESH = """
import json, sys
import cleaner
pages = json.loads(sys.stdin.read())
print(json.dumps([cleaner.clean(p).to_dict() for p in pages], ensure_ascii=False, sort_keys=True))
"""


def test_same_result_in_a_fresh_process():
    here = json.dumps([cleaner.clean(p).to_dict() for p in FIXED_PAGES], ensure_ascii=False, sort_keys=True)
    for hash_seed in ("1", "2"):  # str hashes differ between the two processes and this one
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
        out = subprocess.run([sys.executable, "-c", _FRESH], input=json.dumps(FIXED_PAGES), capture_output=True,
                             text=True, cwd=ROOT, check=True, env=env)
        assert out.stdout.strip() == here


def test_no_exception_but_named_ones_escape_clean():
    for page in ["", " ", "\x00", "\ud800", "<", "<!--", "<p", "&#", b"", b"\xff\xfe", b"\xfe\xff\x00", b"\x00" * 9,
                 b"\xef\xbb\xbf", b"<meta charset='utf-16'>", b"<meta charset='nonsense'><p>x</p>"]:
        try:
            cleaner.clean(page)
        except NewsbodyError:
            pass


def _alone(page) -> dict:
    """What clean_many must give for one page: clean's Result, or the error clean raises, or EmptyPage."""
    try:
        result = cleaner.clean(page)
    except NewsbodyError as e:
        return {"error": type(e).__name__}
    if not any(ch.isalpha() for p in result.paragraphs for ch in p.text):
        return {"error": "EmptyPage"}
    return result.to_dict()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(html_pages(), texts, st.binary(max_size=60), st.sampled_from(FIXED_PAGES)),
                min_size=1, max_size=20))
def test_clean_many_gives_each_page_what_clean_gives_it(pages):
    """Pages cleaned in chunks (the model run once per chunk) lose none, mix none and crash on none."""
    results = list(cleaner.default_cleaner().clean_many(pages))
    assert len(results) == len(pages)
    for page, result in zip(pages, results):
        expected = _alone(page)
        if "error" in expected and len(expected) == 1:
            assert result.error and result.error.startswith(expected["error"]), (page, result.error)
        else:
            assert result.ok and dict(result.to_dict(), id=None) == dict(expected, id=None)
