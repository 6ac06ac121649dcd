"""The two pages the product was specified from: acceptance tests of the shipped model."""
from __future__ import annotations

import cleaner

from conftest import shared_file

SEED_000_BODY_STARTS = (
    "The number of Azerbaijani soldiers who lost their lives",
    "The ministry shared on its website a list",
    "Efforts are underway to find and identify",
    "Relations between the former Soviet republics have been tense since 1991",
    "New clashes erupted on Sept. 27, 2020",
    "Azerbaijan liberated several strategic cities",
    "A joint Turkish-Russian center was established",
    "The cease-fire, seen as a victory for Azerbaijan",
)


def _blocks(path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [" ".join(b.split()) for b in text.split("\n\n") if b.strip()]


def test_seed_000_keeps_the_8_body_paragraphs_verbatim_and_drops_the_turkish_notice():
    path = shared_file("seeds/000_ad562e1129fabbdd.txt")
    raw = path.read_text(encoding="utf-8")
    result = cleaner.clean(raw)
    kept = result.text.split("\n\n")
    assert len(kept) == 8
    for start, para in zip(SEED_000_BODY_STARTS, kept):
        assert para.startswith(start)
        assert para in raw  # verbatim: exactly as on the page
    assert result.language == "en"
    assert result.title == "Azerbaijan lost 2,900 soldiers in Karabakh war: Defense Ministry"
    dropped = [p for p in result.paragraphs if not p.keep]
    by_text = {p.text: p for p in result.paragraphs}
    assert not by_text["X"].keep and by_text["X"].reason
    turkish = [p for p in result.paragraphs if p.text.startswith(("Sitelerimizde", "Bu çerezler", "İnternet", "Bu çerezlere"))]
    assert len(turkish) == 4
    for p in turkish + [by_text["X"]]:
        assert not p.keep, p.text
        assert p.lang == "tr", (p.text, p.lang)
        assert p.reason and p.reason != "body"
        assert "çerez" not in result.text and "Sitelerimizde" not in result.text
    assert len(dropped) == 6  # title + X + 4 Turkish paragraphs


def test_seed_003_keeps_every_body_paragraph_and_drops_the_dateline_as_meta():
    path = shared_file("seeds/003_73d4d126403eb5d5.txt")
    result = cleaner.clean(path.read_text(encoding="utf-8"))
    byline = next(p for p in result.paragraphs if "Ruslan Rehimov" in p.text)
    assert not byline.keep
    assert byline.label == "meta" and byline.reason.startswith("meta")
    assert "Ruslan Rehimov" not in result.text
    body = [b for b in _blocks(path) if len(b) > 60]
    assert len(body) == 11
    for para in body:
        assert para in result.text, para[:60]
    subheading = next(p for p in result.paragraphs if p.text == "-Nagorno-Karabakh")
    assert subheading.keep, subheading.reason  # an in-article subheading is body
    assert result.language == "en"
