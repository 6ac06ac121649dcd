"""Alignment of a page's paragraphs with its true body, and the labels derived from it."""
from __future__ import annotations

import gzip
import json
import random
import re
import time
from pathlib import Path

import pytest

import classifier.align as align
from classifier.align import is_byline_or_date, label_paragraphs, overlap_shares
from classifier.metrics import page_scores

TITLE = "Storm floods coastal towns as river bursts its banks"
BYLINE = "By Jane Doe, Staff Writer | January 7, 2008"
BODY = [
    "Heavy rain overnight pushed the river over its banks, flooding hundreds of homes "
    "in three coastal towns and forcing the evacuation of a hospital.",
    "Emergency crews worked through the night to move residents to higher ground, "
    "while volunteers filled sandbags outside the town hall.",
    "The meeting on January 7, 2008 decided to fund new flood defences, but work on "
    "the embankment had not yet begun when the storm arrived.",
    "Mayor Alan Brooks said the council would review its flood plans and promised "
    "help for every family whose home was damaged.",
    "Forecasters expect the river to stay high until the weekend, and residents have "
    "been told not to return until the water has gone down.",
]
MENU = ["Home", "World", "Politics", "Weather", "Subscribe"]
RELATED = [
    "Related",
    "Coastal towns flood again as river rises",
    "Mayor promises flood defences for residents",
    "Storm crews evacuate hospital overnight",
    "Volunteers fill sandbags at the town hall",
]
FOOTER = ["© 2008 Example News. All rights reserved.", "Privacy policy | Terms of use"]
PAGE = MENU + [TITLE, BYLINE] + BODY + RELATED + FOOTER
TRUE_BODY = "\n".join([TITLE, BYLINE] + BODY)
PAGE_TITLE = f"{TITLE} - Example News"


def test_synthetic_page_labels():
    labels = label_paragraphs(PAGE, TRUE_BODY, title=PAGE_TITLE)
    expected = (["boilerplate"] * len(MENU) + ["title", "meta"] + ["body"] * len(BODY)
                + ["boilerplate"] * (len(RELATED) + len(FOOTER)))
    assert labels == expected


def test_words_repeated_in_related_list_are_not_body():
    shares = overlap_shares(PAGE, TRUE_BODY)
    start = len(MENU) + 2 + len(BODY)
    related = shares[start:start + len(RELATED)]
    assert all(s == 0.0 for s in related), related
    body = shares[len(MENU) + 2:start]
    assert all(s == 1.0 for s in body)


def test_body_paragraph_with_a_date_stays_body():
    labels = label_paragraphs(PAGE, TRUE_BODY, title=PAGE_TITLE)
    i = PAGE.index(BODY[2])
    assert "January 7, 2008" in PAGE[i]
    assert labels[i] == "body"


def test_title_without_page_title_is_body_and_site_prefix_is_removed():
    labels = label_paragraphs(PAGE, TRUE_BODY)
    assert labels[len(MENU)] == "body"
    labels = label_paragraphs(PAGE, TRUE_BODY, title=f"Example News | {TITLE.upper()}  ")
    assert labels[len(MENU)] == "title"


def test_partial_overlap_and_threshold():
    texts = ["alpha beta gamma delta", "alpha beta other words here", ""]
    shares = overlap_shares(texts, "alpha beta gamma delta")
    assert shares == [1.0, 0.0, 0.0]
    shares = overlap_shares(["one two three four", "five six"], "one two six")
    assert shares == [0.5, 0.5]
    assert label_paragraphs(["one two three four"], "one two", threshold=0.5) == ["body"]
    assert label_paragraphs(["one two three four"], "one two", threshold=0.6) == ["boilerplate"]


def test_empty_inputs():
    assert overlap_shares([], "anything") == []
    assert overlap_shares(["a b", "c"], "") == [0.0, 0.0]
    assert label_paragraphs(["a b"], "") == ["boilerplate"]


@pytest.mark.parametrize("text", [
    "By John Smith",
    "By THE ASSOCIATED PRESS",
    "Posted: January 7, 2008 10:32 AM",
    "Published 10:32 GMT",
    "Updated 3 hours ago",
    "Written by Jane Doe",
    "Author: Jane Doe",
    "2021-01-19",
    "19.01.2021",
    "1/19/2021",
    "January 7, 2008",
    "7 January 2008",
    "Jan. 7, 2008",
    "Monday, January 7, 2008",
    "10:32 AM",
    "3 min read",
    "date 2021-01-19 By Ruslan Rehimov",
    "WASHINGTON, Jan. 7, 2008",
    "By Jane Doe and John Roe, Reuters",
    "Last updated: 19 January 2021, 10:32 GMT",
])
def test_bylines_and_datelines_are_recognised(text):
    assert is_byline_or_date(text)


@pytest.mark.parametrize("text", [
    "The meeting on January 7, 2008 decided to raise taxes.",
    "It happened on Jan. 7, 2008.",
    "At 10:32 AM the alarm went off.",
    "By the time we arrived it was over.",
    "Updated guidelines were issued",
    "Stand By Me",
    "Monday Night Football",
    "Elections 2008: What Happened on January 7",
    "Share this article",
    "By John Smith, who has covered the city council for twenty years and knows every one of its members",
])
def test_prose_and_headings_are_not_bylines(text):
    assert not is_byline_or_date(text)


# --------------------------------------------------------------------------- big pages

def _big_page(seed: int = 7):
    """A ~20,000-token page: menus, a long body, related lists reusing body words, comments."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]              # Zipf-like, like prose

    def sentence(n):
        return " ".join(rng.choices(vocab, weights, k=n))

    body = [sentence(rng.randint(30, 90)) for _ in range(250)]      # ~15,000 tokens
    texts = [sentence(rng.randint(1, 4)) for _ in range(300)]       # menu
    texts += body[:120]
    texts += [" ".join(rng.sample(p.split(), 6)) for p in rng.sample(body, 40)]   # related
    texts += body[120:]
    texts += [sentence(rng.randint(10, 40)) for _ in range(200)]    # comments, footer
    return texts, "\n".join(body), body


def test_big_page_finishes_and_finds_the_body():
    texts, true_body, body = _big_page()
    n_tokens = sum(len(t.split()) for t in texts)
    assert n_tokens >= 20_000
    t0 = time.perf_counter()
    labels = label_paragraphs(texts, true_body)
    elapsed = time.perf_counter() - t0
    print(f"\nlabel_paragraphs on a {n_tokens}-token page: {elapsed:.3f} s")
    body_set = set(body)
    got = [t in body_set for t in texts]
    assert [lab == "body" for lab in labels] == got


def test_anchor_path_agrees_with_plain_sequencematcher(monkeypatch):
    texts, true_body, _ = _big_page(seed=11)
    fast = overlap_shares(texts, true_body)
    monkeypatch.setattr(align, "_DIRECT_BUDGET", float("inf"))     # force plain SequenceMatcher
    t0 = time.perf_counter()
    plain = overlap_shares(texts, true_body)
    print(f"\nplain SequenceMatcher on the same page: {time.perf_counter() - t0:.3f} s")
    assert [s >= 0.5 for s in fast] == [s >= 0.5 for s in plain]


# --------------------------------------------------------------------------- real data

DRAGNET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "dragnet" / "train.jsonl.gz"
_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li td th div tr table ul ol dl dt dd section article "
                    "header footer nav aside main blockquote pre form body br".split())
_SKIP = frozenset("script style noscript head title template".split())


def crude_segment(html: str) -> list[str]:
    """Text of each p/h1-h6/li/td/div...: a block's own text, split where nested blocks start."""
    import lxml.html
    from lxml import etree

    root = lxml.html.fromstring(html.encode("utf-8", "replace"),
                                parser=lxml.html.HTMLParser(encoding="utf-8"))
    out: list[str] = []
    buf: list[str] = []

    def flush():
        text = " ".join(" ".join(buf).split())
        if text:
            out.append(text)
        buf.clear()

    skipping = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skipping or tag in _SKIP:
                skipping += 1
                continue
            if tag in _BLOCKS:
                flush()
            if tag and el.text:
                buf.append(el.text)
        else:
            if skipping:
                skipping -= 1
                if skipping:
                    continue
            elif tag in _BLOCKS:
                flush()
            if el.tail:
                buf.append(el.tail)
    flush()
    return out


def _page_title(html: str) -> str | None:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
    return " ".join(m.group(1).split()) if m else None


@pytest.mark.skipif(not DRAGNET.exists(), reason=f"dragnet data set not found at {DRAGNET}")
def test_alignment_recovers_the_dragnet_body():
    recalls, recalls_kept, seconds = [], [], 0.0
    with gzip.open(DRAGNET, "rt", encoding="utf-8") as f:
        for _, line in zip(range(20), f):
            page = json.loads(line)
            texts = crude_segment(page["html"])
            t0 = time.perf_counter()
            labels = label_paragraphs(texts, page["body"], title=_page_title(page["html"]))
            seconds += time.perf_counter() - t0
            body = "\n".join(t for t, lab in zip(texts, labels) if lab == "body")
            kept = "\n".join(t for t, lab in zip(texts, labels) if lab != "boilerplate")
            recalls.append(page_scores(body, page["body"])[1])
            recalls_kept.append(page_scores(kept, page["body"])[1])
    mean = sum(recalls) / len(recalls)
    mean_kept = sum(recalls_kept) / len(recalls_kept)
    print(f"\ndragnet first {len(recalls)} pages: shingle recall of 'body' paragraphs "
          f"{mean:.3f}, of body+title+meta {mean_kept:.3f}; alignment {seconds:.2f} s")
    assert mean >= 0.8
