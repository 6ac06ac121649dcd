"""Author and date are reported in Result.meta, not mixed into the body."""
from __future__ import annotations

import json

import pytest

from cleaner.metadata import Meta, byline_author, from_markup, iso_date
from conftest import EXAMPLE


@pytest.mark.parametrize("text, expected", [
    ("Published 2024-03-05T10:00:00Z", "2024-03-05"),
    ("Port Alder, 27 February 2024, 07:30", "2024-02-27"),
    ("March 3rd, 2023 at 4pm", "2023-03-03"),
    ("Updated: Sept. 12, 2022", "2022-09-12"),
    ("12.06.2021 | 14:02", "2021-06-12"),
    ("Comments (12)", None),
    ("Call 555-12-34", None),
])
def test_dates_are_read_in_common_formats_and_reported_as_iso(text, expected):
    assert iso_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("By Rosalind Achebe, Transport Correspondent", "Rosalind Achebe"),
    ("By Jane Doe | 3 May 2024", "Jane Doe"),
    ("Von Anna Müller", "Anna Müller"),
    ("Автор: Иван Петров", "Иван Петров"),
    ("By the time the train left, everyone had gone home and the station was dark and empty.", None),
    ("Share this article", None),
])
def test_bylines_give_the_name_only(text, expected):
    assert byline_author(text) == expected


def test_json_ld_article_wins_and_urls_are_not_authors():
    ld = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Daily Example"},
        {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Ana Silva"},
                                            {"@type": "Person", "name": "Bo Li"}],
         "datePublished": "2025-01-09T08:00:00+01:00"}]})
    meta = from_markup([("article:author", "https://example.org/ana"), ("author", "Somebody Else")], [ld])
    assert meta == Meta(author="Ana Silva, Bo Li", date="2025-01-09")


def test_meta_tags_and_broken_json_ld():
    meta = from_markup([("Author", "  Kemal  Yılmaz "), ("article:published_time", "2023-11-30T06:00:00Z")],
                       ["{not json"])
    assert meta == Meta(author="Kemal Yılmaz", date="2023-11-30")


def test_clean_reports_byline_and_date_beside_the_body(cleaner_default):
    result = cleaner_default.clean(EXAMPLE.read_text(encoding="utf-8"))
    assert result.meta == Meta(author="Rosalind Achebe", date="2024-02-27")
    assert "Rosalind Achebe" not in result.text
    assert result.to_dict(paragraphs=False)["author"] == "Rosalind Achebe"
