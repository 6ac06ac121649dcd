"""Segmentation: one paragraph per block, DOM context, verbatim text, plain-text rules."""
from __future__ import annotations

from cleaner.segment_html import segment_html
from cleaner.segment_text import segment_text

PAGE = """<!doctype html><html lang="en"><head><title>Title - Site</title>
<style>p{color:red}</style><script>document.write("</p><p>not text</p>")</script></head><body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<div id="cookie-consent">X<p>We use <a href="/c">cookies</a>.</p><button>Accept</button></div>
<article><h1>A  headline\n here</h1><p class="byline">By <span>Jane Doe</span></p>
<p>First   paragraph with <b>bold</b> and <i>italic</i> text.</p>
<p>Line one<br>line two<br><br>after a double break</p>
<blockquote>A quote.</blockquote><ul><li>item one</li><li>item <a href="#">two</a></li></ul>
<table><tr><td>cell text</td></tr></table><pre>code   here</pre>
<noscript>enable js</noscript><template><p>hidden</p></template><svg><text>svg</text></svg>
<iframe>frame</iframe>tail text of article</article>
<footer><p>&copy; 2024 Site</p></footer></body></html>"""


def test_one_paragraph_per_block_with_text_verbatim_and_whitespace_normalised():
    page = segment_html(PAGE)
    texts = [p.text for p in page.paragraphs]
    assert texts == ["Home", "World", "X", "We use cookies.", "Accept", "A headline here", "By Jane Doe",
                     "First paragraph with bold and italic text.", "Line one line two", "after a double break",
                     "A quote.", "item one", "item two", "cell text", "code here", "tail text of article",
                     "© 2024 Site"]
    assert page.title == "Title - Site"
    assert page.declared_lang == "en"
    assert [p.index for p in page.paragraphs] == list(range(len(texts)))


def test_scripts_styles_and_hidden_containers_are_removed():
    texts = " ".join(p.text for p in segment_html(PAGE).paragraphs)
    for gone in ("not text", "color:red", "enable js", "hidden", "svg", "frame"):
        assert gone not in texts


def test_dom_context_is_recorded():
    by_text = {p.text: p for p in segment_html(PAGE).paragraphs}
    home = by_text["Home"]
    assert home.kind == "li" and home.dom.in_nav and home.dom.link_share == 1.0
    assert "menu" in home.dom.tokens
    assert by_text["We use cookies."].dom.tokens[:2] == ("cookie", "consent")
    assert 0.3 < by_text["We use cookies."].dom.link_share < 0.7
    assert by_text["X"].dom.group == by_text["We use cookies."].dom.group == by_text["Accept"].dom.group
    assert by_text["A headline here"].kind == "h1" and by_text["A headline here"].dom.in_article
    assert "byline" in by_text["By Jane Doe"].dom.tokens
    assert by_text["© 2024 Site"].dom.in_footer
    assert by_text["item two"].dom.link_share == 3 / 8  # "two" of "item two"
    assert by_text["cell text"].kind == "td"


def test_deep_nesting_does_not_overflow():
    html = "<div>" * 100_000 + "<p>deep text here</p>" + "</div>" * 100_000
    assert [p.text for p in segment_html(html).paragraphs] == ["deep text here"]


def test_plain_text_splits_on_blank_lines_and_a_lone_short_line_stands_alone():
    text = ("Title line\n\nA first paragraph that was hard-wrapped by the\nscraper continues here.\n\n"
            "X\nCookie notice text that is long enough.\n\n\n  \nLast.")
    paras = segment_text(text)
    assert [p.text for p in paras] == ["Title line", "A first paragraph that was hard-wrapped by the scraper continues here.", "X",
                                       "Cookie notice text that is long enough.", "Last."]
    assert paras[2].dom.group == paras[3].dom.group != paras[1].dom.group
    assert all(p.kind == "text" for p in paras)


def test_plain_text_handles_windows_newlines():
    assert [p.text for p in segment_text("a b\r\n\r\nc d\r\n")] == ["a b", "c d"]
