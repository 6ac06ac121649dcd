"""Fuzz the segmenters and clean() with hypothesis for a fixed time; exit 1 on the first crash.

    python fuzz/fuzz_clean.py --minutes 20            # prints the number of inputs tried

A crash is any exception that is not one of cleaner.errors (a NewsbodyError with a message),
an input that takes longer than --max-seconds, or a broken invariant of the Result: its text is
its kept paragraphs joined by a blank line, paragraphs are numbered in page order, every
paragraph's text is whitespace-normalised and free of C0 controls and lone surrogates,
and (for plain text, and HTML built without raw "<" or "&" in its text) every paragraph's text
occurs in the input, in page order. Every 10th input is cleaned twice and must give the same
Result. Inputs: grammar-built HTML (misnested, unclosed, deep, with comments, scripts,
entities, RTL and CJK text, controls, surrogates), plain text, the same pages as bytes in eight
encodings with right, wrong or no declared charset, random bytes, magic numbers, and byte-level
mutations of examples/sample_article.html.

This is not part of the pytest run (tests/test_properties.py holds the short property tests).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cleaner  # noqa: E402
from cleaner.errors import NewsbodyError  # noqa: E402
from cleaner.segment_html import REMOVED_TAGS, segment_html  # noqa: E402
from cleaner.segment_text import segment_text, strip_non_text  # noqa: E402

SEED_PAGE = (ROOT / "examples" / "sample_article.html").read_bytes()
TAGS = ["p", "div", "span", "a", "b", "i", "em", "li", "ul", "ol", "h1", "h2", "h3", "br", "td", "tr", "table",
        "blockquote", "pre", "nav", "footer", "header", "aside", "article", "main", "section", "form", "button",
        "script", "style", "noscript", "template", "svg", "iframe", "select", "option", "title", "head", "body",
        "html", "meta", "img", "hr", "font", "center", "q", "dl", "dt", "dd", "figure", "figcaption", "caption",
        "textarea", "math", "object", "x-widget", "my:tag", "P", "DIV"]
VOID = {"br", "meta", "img", "hr"}
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "cp1254", "shift_jis", "gb18030", "big5",
             "latin-1"]
# Letters of many scripts, RTL and bidi controls, combining marks, emoji, odd whitespace, controls,
# noncharacters and surrogates: everything a scraped page has been seen to contain.
ODD_CHARS = ("\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\x80\x85\x9f\xa0\xad\u200b\u200e\u200f\u202a\u202e\u2066\u2069"
             "\u2028\u2029\u3000\ufeff\ufffd\ufffe\uffff\ud800\udbff\udc00\udfff\U0010ffff\U0001f600\u0301")
SCRIPTS = ["The council voted on Tuesday", "Городской совет проголосовал", "Belediye meclisi salı günü oy kullandı",
           "市議会は火曜日に決定した", "市议会周二投票决定", "المجلس البلدي صوت يوم الثلاثاء",
           "המועצה הצביעה ביום שלישי", "नगर परिषद ने मंगलवार को मतदान किया", "Η δημοτική επιτροπή ψήφισε",
           "시의회는 화요일에 투표했다"]

words = st.one_of(
    st.sampled_from(SCRIPTS),
    st.text(alphabet=st.sampled_from(ODD_CHARS + "ab  \n\t\r"), max_size=12),
    st.text(max_size=30),  # any code point, surrogates included
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
)
plain_words = st.one_of(st.sampled_from(SCRIPTS), st.text(alphabet=st.characters(
    codec="utf-8", exclude_characters="<>&"), max_size=30))
entities = st.sampled_from(["&amp;", "&lt;", "&gt;", "&nbsp;", "&#65;", "&#x41;", "&#0;", "&#xD800;", "&#1114112;",
                            "&#x110000;", "&bogus;", "&", "&#", "&#x;", "&amp", "&#128;", "&#x85;", "&#9999999999;"])
raw_markup = st.sampled_from(["<", ">", "</", "<!--", "-->", "<!", "<?xml version='1.0'?>", "<![CDATA[x]]>",
                              "<!DOCTYPE html>", "</p></p>", "<p/>", "<<p>>", "<p <p>", "<a href='x>y'>", "<!-->",
                              "<script>", "</script>", "<style>", "<title>", "</body>", "</html>", "<html>"])
attrs = st.lists(st.tuples(st.sampled_from(["class", "id", "role", "lang", "href", "style", "x", "data-a", "CLASS"]),
                           st.one_of(st.sampled_from(["nav", "main", "footer", "article content", "navigation",
                                                      "share-bar", "", "a\"b", "x'y", "ar", "he"]),
                                     st.text(max_size=10))), max_size=3)


# Left out of the HTML whose paragraphs are checked against the input: raw-text elements (a "<" in
# them is text) and the elements whose content the segmenter drops (the input minus its tags would
# then hold text the paragraphs skip).
NOT_CHECKED = {"script", "style", "title", "textarea"} | set(REMOVED_TAGS)


@st.composite
def element(draw, children, clean_text: bool):
    tag = draw(st.sampled_from([t for t in TAGS if t not in NOT_CHECKED] if clean_text else TAGS))
    a = "".join(f' {k}="{v.replace(chr(34), "")}"' if clean_text else f" {k}={v!r}" for k, v in draw(attrs))
    if clean_text:
        a = a.replace(">", "").replace("<", "")
    if tag in VOID:
        return f"<{tag}{a}>"
    inner = "".join(draw(st.lists(children, max_size=4)))
    end = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>", f"</{tag.upper()}>"]))
    return f"<{tag}{a}>{inner}{end}"


def html_docs(clean_text: bool = False):
    text = plain_words if clean_text else st.one_of(words, entities, raw_markup)
    if clean_text:
        text = text.map(lambda s: s.replace("<", " ").replace(">", " ").replace("&", " "))
    tree = st.recursive(text, lambda children: element(children, clean_text), max_leaves=40)
    return st.builds(lambda head, parts, deep: head + "".join(parts) + deep,
                     st.sampled_from(["", "<html><body>", "<!DOCTYPE html><html lang='en'><head><title>T</title>"
                                      "<meta charset='utf-8'></head><body>", "<?xml version='1.0'?><html>"]),
                     st.lists(tree, max_size=8),
                     deep_nesting(clean_text))


@st.composite
def deep_nesting(draw, clean_text: bool):
    if not draw(st.integers(0, 9)) == 0:
        return ""
    tags = draw(st.lists(st.sampled_from(["div", "ul", "li", "span", "blockquote", "table", "td", "x-a", "b", "q"]
                                         + ([] if clean_text else ["svg", "object"])), min_size=1, max_size=3))
    depth = draw(st.integers(1, 4000))
    mid = draw(plain_words if clean_text else words)
    if clean_text:
        mid = mid.replace("<", " ").replace(">", " ").replace("&", " ")
    close = draw(st.booleans())
    return "".join(f"<{t}>" for t in tags) * depth + mid + ("".join(f"</{t}>" for t in reversed(tags)) * depth
                                                           if close else "")


text_docs = st.lists(st.one_of(words, st.sampled_from(["\n", "\n\n", "\r\n\r\n", "\r", " \n \n", "\u3000\n\n"])),
                     max_size=30).map("".join)


@st.composite
def encoded_docs(draw):
    html = draw(html_docs())
    enc = draw(st.sampled_from(ENCODINGS))
    declared = draw(st.sampled_from([None, enc, "utf-8", "cp1251", "shift_jis", "utf-16", "nonsense"]))
    if declared:
        html = f'<meta charset="{declared}">' + html
    return html.encode(enc, errors=draw(st.sampled_from(["replace", "ignore", "xmlcharrefreplace"])))


@st.composite
def mutated_seed(draw):
    data = bytearray(SEED_PAGE)
    for _ in range(draw(st.integers(1, 20))):
        op = draw(st.integers(0, 4))
        pos = draw(st.integers(0, len(data)))
        if op == 0 and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == 1:
            data[pos:pos] = draw(st.binary(max_size=16))
        elif op == 2:
            del data[pos:pos + draw(st.integers(1, 200))]
        elif op == 3:
            end = draw(st.integers(pos, len(data)))
            data[pos:pos] = data[pos:end][:2000]  # duplicate a stretch
        else:
            del data[pos:]
    return bytes(data)


magic = st.builds(lambda m, rest: m + rest,
                  st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\x1f\x8b", b"%PDF-", b"PK\x03\x04", b"\xff\xfe", b"\xfe\xff",
                                   b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b""]),
                  st.binary(max_size=300))

cases = st.one_of(
    st.tuples(st.just("clean-str"), html_docs(), st.sampled_from(["auto", "html", "text"])),
    st.tuples(st.just("clean-str-checked"), html_docs(clean_text=True), st.just("html")),
    st.tuples(st.just("clean-text"), text_docs, st.just("text")),
    st.tuples(st.just("clean-bytes"), encoded_docs(), st.just("auto")),
    st.tuples(st.just("clean-bytes"), st.one_of(st.binary(max_size=500), magic, mutated_seed()), st.just("auto")),
    st.tuples(st.just("segment-html"), st.one_of(html_docs(), text_docs), st.just("html")),
    st.tuples(st.just("segment-text"), st.one_of(text_docs, html_docs()), st.just("text")),
)


def _nospace(text: str) -> str:
    return "".join(text.split())


def _check_in_order(texts: list[str], source: str) -> None:
    """Every text (whitespace removed) occurs in source (whitespace removed), in this order."""
    hay, pos = _nospace(source), 0
    for t in texts:
        i = hay.find(_nospace(t), pos)
        assert i >= 0, f"paragraph not in the input (or out of order): {t[:80]!r}"
        pos = i + len(_nospace(t))


def _check_paragraphs(paragraphs) -> None:
    assert [p.index for p in paragraphs] == list(range(len(paragraphs))), "paragraphs not numbered in order"
    for p in paragraphs:
        assert p.text and p.text == " ".join(p.text.split()), f"paragraph not whitespace-normalised: {p.text[:80]!r}"
        assert strip_non_text(p.text) == p.text, f"C0 control or lone surrogate kept: {p.text[:80]!r}"


class Stats:
    inputs = 0
    by_kind: dict[str, int] = {}
    errors: dict[str, int] = {}
    slowest = (0.0, "")


def check(case, c: cleaner.Cleaner, max_seconds: float) -> None:
    what, page, kind = case
    Stats.inputs += 1
    Stats.by_kind[what] = Stats.by_kind.get(what, 0) + 1
    t0 = time.perf_counter()
    try:
        if what == "segment-html":
            _check_paragraphs(segment_html(page).paragraphs)
        elif what == "segment-text":
            paragraphs = segment_text(page)
            _check_paragraphs(paragraphs)
            _check_in_order([p.text for p in paragraphs], strip_non_text(page))
        else:
            result = c.clean(page, kind=kind)
            _check_paragraphs(result.paragraphs)
            assert result.text == "\n\n".join(p.text for p in result.paragraphs if p.keep), "text != kept paragraphs"
            if what == "clean-text":
                _check_in_order([p.text for p in result.paragraphs], strip_non_text(page))
            elif what == "clean-str-checked":
                visible = re.sub(r"<[^>]*>", "", strip_non_text(page))
                _check_in_order([p.text for p in result.paragraphs], visible)
            if Stats.inputs % 10 == 0:
                assert c.clean(page, kind=kind) == result, "a second call gave another Result"
    except NewsbodyError as e:
        assert str(e).strip(), f"{type(e).__name__} without a message"
        Stats.errors[type(e).__name__] = Stats.errors.get(type(e).__name__, 0) + 1
    took = time.perf_counter() - t0
    if took > Stats.slowest[0]:
        Stats.slowest = (took, f"{what} of {len(page):,} {'bytes' if isinstance(page, bytes) else 'chars'}: "
                               f"{page[:120]!r}")
    assert took < max_seconds, f"{what} took {took:.1f} s (> {max_seconds} s) on an input of {len(page):,}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=20.0, help="how long to fuzz (default 20)")
    ap.add_argument("--max-seconds", type=float, default=20.0, help="an input taking longer is a failure")
    ap.add_argument("--round", type=int, default=2000, help="inputs per hypothesis run (runs repeat until time)")
    args = ap.parse_args(argv)
    c = cleaner.Cleaner()
    start = time.monotonic()
    deadline = start + args.minutes * 60

    @settings(max_examples=args.round, deadline=None, database=None, derandomize=False,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False)
    @given(cases)
    def fuzz_round(case):
        check(case, c, args.max_seconds)

    rounds = 0
    status = 0
    while time.monotonic() < deadline:
        rounds += 1
        try:
            fuzz_round()
        except Exception:  # hypothesis has shrunk the failing input and printed it
            traceback.print_exc()
            status = 1
            break
        print(f"round {rounds}: {Stats.inputs:,} inputs in {(time.monotonic() - start) / 60:.1f} min", flush=True)
    minutes = (time.monotonic() - start) / 60
    print(f"\n{'CRASH' if status else 'OK'}: {Stats.inputs:,} inputs tried in {minutes:.1f} min "
          f"({rounds} hypothesis runs); by kind: {Stats.by_kind}; named errors: {Stats.errors}; "
          f"slowest input: {Stats.slowest[0]:.2f} s ({Stats.slowest[1]})")
    return status


if __name__ == "__main__":
    sys.exit(main())
