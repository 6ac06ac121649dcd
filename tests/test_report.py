"""The HTML report: every paragraph in order, dropped ones struck through and coloured by reason, text
escaped, counts per reason, nothing loaded from the network; `newsbody clean --output-format html`."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cleaner.cli import main
from cleaner.report import reason_group, reason_kind, render

from conftest import EXAMPLE

TRICKY = ("<html><head><title>Fish &amp; chips</title></head><body>"
          "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
          "<h1>Fish &amp; chips &lt;script&gt;alert(1)&lt;/script&gt; \"quoted\"</h1>"
          "<p>Fish &amp; chips shops in the town say the price of cod has doubled since spring, and some "
          "owners now warn that they will close for good before the winter unless &lt;b&gt;prices&lt;/b&gt; fall.</p>"
          "<p>The council said it would meet the owners next week to talk about rents and energy bills, "
          "which have risen by a third in two years, according to the owners' association.</p>"
          "<p>We use cookies to personalise content and ads. By clicking Accept you agree to our cookie policy.</p>"
          "<footer><p>© 2024 The Gazette. All rights reserved.</p></footer></body></html>")


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def result(cleaner_default):
    return cleaner_default.clean(TRICKY, url="https://example.org/a?x=1&y=2")


@pytest.fixture(scope="module")
def report(result):
    return render([result])


def test_every_paragraph_in_order_with_its_decision(result, report):
    paras = [attrs for tag, attrs in _parse(report).tags if "para" in attrs.get("class", "").split()]
    assert len(paras) == len(result.paragraphs)
    for attrs, p in zip(paras, result.paragraphs):
        classes = attrs["class"].split()
        assert ("keep" in classes) == p.keep and ("drop" in classes) == (not p.keep)
        if not p.keep:
            assert f"r-{reason_kind(p.reason)}" in classes
        assert f"reason: {p.reason}" in attrs["title"] and f"P(body): {p.p_body:.3f}" in attrs["title"]
        assert f"language: {p.lang}" in attrs["title"]


def test_dropped_paragraphs_are_struck_through_and_coloured(report):
    assert re.search(r"\.para\.drop\{[^}]*text-decoration:line-through", report)
    assert re.search(r"\.para\.r-consent\{border-left-color:#[0-9a-f]{6};color:#[0-9a-f]{6}\}", report)


def test_text_is_escaped(result, report):
    assert any("<script>alert(1)</script>" in p.text for p in result.paragraphs)  # the page's text, decoded
    assert "<script>alert(1)" not in report and "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "&lt;b&gt;prices&lt;/b&gt;" in report
    assert "<script" not in report  # a report runs no script at all
    assert "https://example.org/a?x=1&amp;y=2" in report


def test_page_facts_and_counts_at_the_top(result, report):
    section = report[report.index('<section class="page"'):]
    head = section[:section.index('<p class="para')]
    assert f"<dt>language</dt><dd>{result.language}</dd>" in head
    assert "Fish &amp; chips" in head
    kept = len(result.kept)
    assert f'<span class="chip kept">kept: {kept}</span> dropped: {len(result.dropped)}' in head
    groups = {}
    for p in result.dropped:
        groups[reason_group(p.reason)] = groups.get(reason_group(p.reason), 0) + 1
    for group, n in groups.items():
        assert f">{group}: {n}</span>" in head


def test_self_contained(report):
    for tag, attrs in _parse(report).tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not re.match(r"(https?:)?//", value), f"<{tag} {name}={value}> loads from the network"
        assert tag not in ("link", "img", "iframe", "script", "object", "embed"), f"<{tag}> in a report"
    assert not re.search(r"url\(|@import", report), "the CSS loads nothing"


def test_reason_groups_and_kinds():
    assert reason_group("boilerplate: other language (tr, article en)") == "boilerplate: other language"
    assert reason_kind("boilerplate: other language (tr, article en)") == "other-language"
    assert reason_kind("meta: byline/date") == "meta" and reason_kind("title") == "title"
    assert reason_kind(None) == "unknown"


def test_clean_command_writes_one_report_for_many_pages_with_workers(tmp_path):
    page = tmp_path / "tricky.html"
    page.write_text(TRICKY, encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["clean", "--output-format", "html", "--workers", "2", "--quiet",
                 str(EXAMPLE), str(page), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count('<section class="page"') == 2
    assert "Sleeper train returns to the northern line" in html and "&lt;script&gt;alert(1)" in html
    # Dropped paragraphs come back from the worker processes too (the batch path explains every paragraph).
    assert html.count('class="para drop') > 10 and "Wir verwenden Cookies" in html
