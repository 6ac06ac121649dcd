"""bench/multilingual_peers.py: every tool is judged from its output text, and judged fairly."""
from __future__ import annotations

import importlib.util

from conftest import ROOT

from cleaner.multilingual import Block, HeldOutPage, Planted

_spec = importlib.util.spec_from_file_location("bench_multilingual_peers", ROOT / "bench" / "multilingual_peers.py")
peers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peers)

STORY = "Ministers will share the plan with regional councils before the vote on Friday."
PERSIAN = "کارشناسان می\u200cگویند سال\u200cهای آینده سخت خواهد بود."
PAGE = HeldOutPage("en", 0, (
    Block("title", (Planted("Councils get the plan", "title", "en", "title"),)),
    Block("body", (Planted(STORY, "body", "en"),)),
    Block("body", (Planted(PERSIAN, "body", "fa"),)),
    Block("share", (Planted("share", "boilerplate", "en", "share"),)),
    Block("consent", (Planted("We use cookies to measure reading.", "boilerplate", "en", "consent"),)),
))


def test_a_boilerplate_word_inside_a_story_sentence_is_not_counted_as_kept():
    body, dropped = peers.score_page(PAGE, STORY + "\n" + PERSIAN)
    assert body == [True, True]
    assert dropped == [True, True]


def test_kept_boilerplate_and_lost_body_are_counted():
    body, dropped = peers.score_page(PAGE, STORY + "\nshare\nWe use  cookies to measure reading.")
    assert body == [True, False]
    assert dropped == [False, False]


def test_a_tool_that_drops_format_characters_or_recomposes_keeps_the_paragraph():
    without_zwnj = PERSIAN.replace("\u200c", "")
    decomposed = "Cafe\u0301 owners share the plan."
    page = HeldOutPage("fr", 0, (Block("body", (Planted("Café owners share the plan.", "body", "fr"),)),
                                 Block("body", (Planted(PERSIAN, "body", "fa"),))))
    assert peers.score_page(page, decomposed + "\n" + without_zwnj)[0] == [True, True]
