"""Multilingual training pages built from real boilerplate strings and real news paragraphs.

The labelled web pages we have are almost all English, yet users scrape every language and
boilerplate often comes in another language than the article. So at training time we:
  * inject blocks of real boilerplate strings (consent, newsletter, share, comments, paywall,
    related, reading time…; ../shared/resources/boilerplate_strings.jsonl, 71 languages) into
    labelled pages, at the top, the bottom or in between, in the page's language or another;
  * build synthetic pages whose body is news paragraphs of one language (the `paragraph`
    bucket of ../shared/datasets/langid/dev.jsonl.gz, plus joined sentences for languages
    without paragraphs), as plain text and as HTML-like blocks, with boilerplate around them.
Strings are split by source repository (HELD_OUT_SOURCES are used only for evaluation) and
body texts by a stable hash, so evaluation never sees a string the model trained on.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Sequence

from classifier.features import NO_SPACE_RUN
from classifier.model import fold_of
from classifier.train import LabelledPage

from .language import LanguageBackend, assign_languages
from .paragraph import DomContext, Paragraph

# Source repositories kept out of training: every category stays covered on both sides.
HELD_OUT_SOURCES = frozenset({"kiprotect/klaro", "giscus/giscus", "jpanther/congo", "TryGhost/Source",
                              "theNewDynamic/gohugo-theme-ananke"})
# The source of the strings and paragraphs this project wrote (corpus/): training data only.
OUR_SOURCE = "newsbody/corpus"
# Resource categories → the label our model learns.
_CATEGORY_LABEL = {"reading_time": "meta"}
_CLOSE = ("X", "×", "✕", "Close", "OK")
# Element ids of inserted blocks' containers: far above any real page's element count.
_INSERTED_ID_BASE = 10_000_000
_GROUP_BASE = 1_000_000  # group ids of inserted blocks, far from any segmenter's ids
# Synthetic HTML pages may be laid out with an <article> (`article_layout`, the share of them): real
# pages mostly have one nowadays, but among the labelled pages only the few recent English ones do, so
# without these the trees learn what <article> means from those alone, and one training draw in three
# dropped short body paragraphs inside an <article> with P(body) 0.00 (bench/RESULTS.md, "Synthetic
# pages with an article"). Off by default: the shipped model was trained without it.
_ARTICLE_ID = 5_000_001  # element id of a synthetic page's <article> (its <main>: one less)
# Synthetic pages may carry subheadings (`subheadings`, the share of them): a short line of a few of the
# next paragraph's words between two body paragraphs, labelled body. Without them every short line
# between body paragraphs a synthetic page shows is injected boilerplate, and the neighbour pass learns
# that such a line is never body. Off by default: the shipped model was trained without them.
_SUBHEADING_KINDS = ("h2", "h3", "p")


@dataclass(frozen=True)
class Snippet:
    """One real boilerplate string."""

    text: str
    lang: str
    category: str
    source: str


def in_training_half(text: str) -> bool:
    """Stable 50/50 split of body texts between training and evaluation."""
    return hashlib.sha1(text.encode("utf-8")).digest()[0] % 2 == 0


def load_snippets(path: Path, held_out: bool) -> list[Snippet]:
    """Boilerplate strings of the training sources (held_out=False) or the held-out ones."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if (r["source"] in HELD_OUT_SOURCES) == held_out and r["text"].strip() and "{" not in r["text"]:
                out.append(Snippet(" ".join(r["text"].split()), r["lang"], r["category"], r["source"]))
    return out


def load_bodies(path: Path, training: bool) -> dict[str, list[str]]:
    """News paragraphs per language: the paragraph bucket, plus 3 joined sentences where it is thin.

    Texts we wrote ourselves (source OUR_SOURCE, e.g. corpus/news_paragraphs.jsonl) are all training
    texts; the others are split in half by in_training_half."""
    paragraphs: dict[str, list[str]] = defaultdict(list)
    sentences: dict[str, list[str]] = defaultdict(list)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            ours = r.get("source") == OUR_SOURCE
            if (ours or in_training_half(r["text"])) != training:
                continue
            if r["len_bucket"] == "paragraph":
                paragraphs[r["lang"]].append(r["text"])
            elif r["len_bucket"] == "sentence":
                sentences[r["lang"]].append(r["text"])
    for lang, sents in sentences.items():
        joiner = "" if lang in ("zh", "ja", "th") else " "
        for i in range(0, len(sents) - 2, 3):
            paragraphs[lang].append(joiner.join(sents[i:i + 3]))
    return dict(paragraphs)


class BoilerplatePool:
    """Snippets grouped for drawing realistic blocks: same source, language and category."""

    def __init__(self, snippets: Sequence[Snippet]):
        self.by_key: dict[tuple[str, str, str], list[Snippet]] = defaultdict(list)
        for s in snippets:
            self.by_key[(s.lang, s.source, s.category)].append(s)
        self.keys = sorted(self.by_key)
        self.langs = sorted({k[0] for k in self.keys})

    def block(self, rng: random.Random, lang: Optional[str] = None) -> list[tuple[str, str]]:
        """A block of 1–5 (text, label) items of one language and category."""
        keys = [k for k in self.keys if k[0] == lang] if lang else self.keys
        keys = keys or self.keys
        consent = [k for k in keys if k[2] == "consent"]
        # Long consent notices are the hardest boilerplate (they read like prose): draw them often.
        key = rng.choice(consent if consent and rng.random() < 0.35 else keys)
        items = self.by_key[key]
        label = _CATEGORY_LABEL.get(key[2], "boilerplate")
        n = rng.randint(1, min(5, len(items)))
        picked = rng.sample(items, n)
        texts = [s.text for s in picked]
        if key[2] == "consent" and len(items) >= 2 and rng.random() < 0.8:
            # Real consent notices are long: several sentences in one paragraph.
            k = rng.randint(2, min(5, len(items)))
            texts = [" ".join(s.text for s in rng.sample(items, k))] + texts[:2]
        block = [(t, label) for t in texts]
        if key[2].startswith("consent") and rng.random() < 0.5:
            block.insert(0, (rng.choice(_CLOSE), "boilerplate"))
        return block


def _html_dom(text: str, group: int, rng: random.Random) -> tuple[str, DomContext]:
    """A plausible DOM context for an inserted block, with no helpful class names."""
    kind = "button" if len(text) < 25 and rng.random() < 0.5 else rng.choice(("p", "div", "li"))
    # html > body > div > the block's own container: every block of a synthetic page sits in the
    # same place, so where a block sits tells nothing about it
    return kind, DomContext(tag_path=("html", "body", "div", kind), depth=3, group=group,
                            ancestors=(0, 1, 2, 3 + group))


def _paragraphs(items: Sequence[tuple[str, str, int]], html: bool, rng: random.Random) -> list[Paragraph]:
    out = []
    for i, (text, _label, group) in enumerate(items):
        if html:
            kind, dom = _html_dom(text, group, rng)
        else:
            # as segment_text gives a plain-text dump: every line between blank lines is a block
            kind, dom = "text", DomContext(group=i)
        out.append(Paragraph(text=text, index=i, kind=kind, dom=dom))
    return out


def inject(page: LabelledPage, pool: BoilerplatePool, rng: random.Random,
           backend: LanguageBackend) -> LabelledPage:
    """A copy of a page with 1–2 boilerplate blocks inserted at the top, bottom or middle."""
    html = bool(page.paragraphs) and page.paragraphs[0].kind != "text"
    items: list[tuple[Paragraph | None, str, str, int]] = [(p, p.text, l, p.dom.group)
                                                            for p, l in zip(page.paragraphs, page.labels)]
    body_idx = [i for i, (_, _, l, _) in enumerate(items) if l == "body"]
    for b in range(rng.randint(1, 2)):
        where = rng.random()
        if where < 0.4 or not body_idx:
            pos = len(items) if rng.random() < 0.5 else (body_idx[-1] + 1 if body_idx else len(items))
        elif where < 0.7:
            pos = body_idx[0] if rng.random() < 0.5 else 0
        else:
            pos = rng.choice(body_idx)
        group = _GROUP_BASE + b
        block = [(None, t, l, group) for t, l in pool.block(rng)]
        items[pos:pos] = block
        body_idx = [i for i, (_, _, l, _) in enumerate(items) if l == "body"]
    paragraphs = []
    for i, (p, text, _label, group) in enumerate(items):
        if p is None:
            # in plain text every inserted line is a block of its own, as segment_text gives it
            kind, dom = _html_dom(text, group, rng) if html else ("text", DomContext(group=_GROUP_BASE + i))
            if html:
                dom = replace(dom, ancestors=_inserted_ancestors(items, i, group, rng))
            p = Paragraph(text=text, index=i, kind=kind, dom=dom)
        paragraphs.append(p.with_(index=i))
    paragraphs, _ = assign_languages(paragraphs, backend)
    return LabelledPage(page.id + "#inject", page.source + "#inject", paragraphs,
                        [l for _, _, l, _ in items], page.weight, group=page.fold_group)


def _inserted_ancestors(items: Sequence[tuple], i: int, group: int, rng: random.Random) -> tuple[int, ...]:
    """Where an inserted block sits in a real page's tree: under some ancestor of a real neighbour
    (inside the article's container or far outside it), in a container of its own."""
    real = [p for p, *_ in items[i + 1:] if p is not None][:1] or [p for p, *_ in items[:i] if p is not None][-1:]
    anc = real[0].dom.ancestors if real else ()
    return anc[:rng.randint(1, len(anc))] + (_INSERTED_ID_BASE + group,) if anc else ()


def _in_article(paragraphs: Sequence[Paragraph], labels: Sequence[str], rng: random.Random) -> list[Paragraph]:
    """The page laid out as HTML5 news pages are: title and body as <p>s of one <article> (in <main> or not),
    the blocks between them in <div>s inside it, the blocks before it outside, the blocks after it outside
    or, under a <main>, half the time inside that."""
    # Tried: each block before or after the article inside it half the time, as share bars and related
    # links often are on real pages. One seed in two then dropped short body paragraphs inside an
    # <article> again (bench/RESULTS.md, "Synthetic pages with an article").
    inside = [i for i, label in enumerate(labels) if label in ("body", "title")]
    first, last = inside[0], inside[-1]
    in_main = rng.random() < 0.5
    article = (0, 1, _ARTICLE_ID - 1, _ARTICLE_ID) if in_main else (0, 1, _ARTICLE_ID)
    article_path = ("html", "body", "main", "article") if in_main else ("html", "body", "article")
    after_in_main = in_main and rng.random() < 0.5
    out = []
    for i, (p, label) in enumerate(zip(paragraphs, labels)):
        if first <= i <= last and label in ("body", "title"):
            kind = "h1" if label == "title" else p.kind if p.kind in _SUBHEADING_KINDS[:2] else "p"
            dom = DomContext(tag_path=article_path + (kind,), depth=len(article_path), group=_ARTICLE_ID,
                             ancestors=article, in_article=True)
            p = replace(p, kind=kind, dom=dom)
        elif first <= i <= last or (i > last and after_in_main):
            within = article if first <= i <= last else article[:-1]
            path = (article_path if first <= i <= last else article_path[:-1]) + ("div", p.kind)
            dom = replace(p.dom, tag_path=path, depth=len(path) - 1, in_article=True,
                          ancestors=within + p.dom.ancestors[-1:])
            p = replace(p, dom=dom)
        out.append(p)
    return out


def subheading_of(text: str, rng: random.Random) -> str:
    """A subheading-like line from a paragraph: one to four of its words from a word of five letters or more on, or in
    scripts written without spaces, a run of 4–10 of its characters; '' when it has none."""
    runs = [run for run in NO_SPACE_RUN.findall(text) if len(run) >= 4]
    if runs:
        run = rng.choice(runs)
        size = rng.randint(4, min(10, len(run)))
        start = rng.randint(0, len(run) - size)
        return run[start:start + size]
    words = [w.strip(_EDGE_PUNCTUATION) for w in text.split()]
    starts = [i for i, w in enumerate(words) if sum(ch.isalpha() for ch in w) >= 5]
    if not starts:
        return ""
    i = rng.choice(starts)
    picked = [w for w in words[i:i + rng.randint(1, 4)] if w]
    while len(picked) > 1 and len(picked[-1]) < 3:
        picked.pop()
    line = " ".join(picked)[:60].strip()
    return line[:1].upper() + line[1:]


_EDGE_PUNCTUATION = ".,;:!?\"'()[]«»“”„‘’—–-…。、，！？؟،۔।"


def _with_subheadings(body: list[str], rng: random.Random) -> list[tuple[str, bool]]:
    """The body paragraphs with one or two subheadings before paragraphs after the first: (text, is subheading)."""
    out = [(t, False) for t in body]
    if len(body) < 3:
        return out
    for k in sorted(rng.sample(range(1, len(body)), min(rng.randint(1, 2), len(body) - 1)), reverse=True):
        line = subheading_of(body[k], rng)
        if line:
            out.insert(k, (line, True))
    return out


def _as_subheading(p: Paragraph, rng: random.Random) -> Paragraph:
    """An HTML synthetic page's subheading laid out as one: a heading or a paragraph, never a button."""
    kind = rng.choice(_SUBHEADING_KINDS)
    return replace(p, kind=kind, dom=replace(p.dom, tag_path=p.dom.tag_path[:-1] + (kind,)))


def synthetic_page(lang: str, bodies: Sequence[str], titles: Sequence[str], pool: BoilerplatePool,
                   rng: random.Random, backend: LanguageBackend, html: bool, n: int,
                   article_layout: float = 0.0, subheadings: float = 0.0, between_body: float = 0.0) -> LabelledPage:
    """A page of one language's news paragraphs with boilerplate of this or another language around."""
    body = rng.sample(list(bodies), min(len(bodies), rng.randint(3, 8)))
    items: list[tuple[str, str, int]] = []
    group = 0
    if titles and rng.random() < 0.3:
        items.append((rng.choice(titles), "title", group))
        group += 1
    # With no share at all, no random number is drawn: the draw is the one made before the option existed.
    lines = _with_subheadings(body, rng) if subheadings > 0 and rng.random() < subheadings else [(t, False) for t in body]
    heading_texts = {t for t, is_heading in lines if is_heading}
    for t, _ in lines:
        items.append((t, "body", group))
        group += 1
    for _ in range(rng.randint(1, 3)):
        other = lang if rng.random() < 0.35 else None
        block = [(t, l, _GROUP_BASE + group) for t, l in pool.block(rng, other)]
        group += 1
        body_at = [i for i, (_, label, _) in enumerate(items) if label == "body"][1:]
        if between_body > 0 and body_at and rng.random() < between_body:
            # in a gap between two body paragraphs, as ads and related links split real articles (the
            # draw below lands there seldom: it counts every item, blocks and the title included)
            pos = rng.choice(body_at)
        else:
            pos = rng.choice((0, len(items), rng.randint(0, len(items))))
        items[pos:pos] = block
    paragraphs = _paragraphs(items, html, rng)
    if html and heading_texts:
        paragraphs = [_as_subheading(p, rng) if label == "body" and p.text in heading_texts else p
                      for p, (_, label, _) in zip(paragraphs, items)]
    if html and article_layout > 0 and rng.random() < article_layout:
        paragraphs = _in_article(paragraphs, [label for _, label, _ in items], rng)
    paragraphs, _ = assign_languages(paragraphs, backend)
    return LabelledPage(synthetic_id(lang, n), "synthetic#html" if html else "synthetic#text",
                        paragraphs, [l for _, l, _ in items])


_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟।۔])\s*")


def _first_sentence(text: str) -> str:
    """A headline-like first sentence, without its final punctuation."""
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    return first.rstrip(".!?。！？؟।۔ ")


def augmented_pages(pages: Sequence[LabelledPage], snippets: Sequence[Snippet], bodies: dict[str, list[str]],
                    backend: LanguageBackend, *, inject_share: float = 0.3, pages_per_lang: int = 40,
                    seed: int = 0, n_folds: int = 3, synthetic_weight: float = 1.0,
                    article_layout: float = 0.0, subheadings: float = 0.0,
                    between_body: float = 0.0) -> list[LabelledPage]:
    """New training pages: injected copies of a share of `pages` plus synthetic pages per language.

    Strings are split into the model's `n_folds` cross-fitting folds (`fold_of`), and a page only
    draws strings of its own fold: otherwise the stacked stages would learn how far to trust a
    text model that had already seen, on other pages, every string it is asked about, which on
    new sources and new articles it never has."""
    rng = random.Random(seed)
    pools = [BoilerplatePool([s for s in snippets if fold_of(s.text, n_folds) == k]) for k in range(n_folds)]
    out = [inject(p, pools[fold_of(p.fold_group, n_folds)], rng, backend)
           for p in pages if p.paragraphs and rng.random() < inject_share]
    for lang in sorted(bodies):
        parts = [[t for t in bodies[lang] if fold_of(t, n_folds) == k] for k in range(n_folds)]
        titles = [[first for t in texts if (first := _first_sentence(t)) and len(first) <= 110
                   and len(first) < 0.7 * len(t)] for texts in parts]
        for n in range(pages_per_lang):
            k = fold_of(synthetic_id(lang, n), n_folds)
            if len(parts[k]) >= 3 and pools[k].keys:
                page = synthetic_page(lang, parts[k], titles[k], pools[k], rng, backend, html=n % 2 == 0, n=n,
                                      article_layout=article_layout, subheadings=subheadings,
                                      between_body=between_body)
                out.append(replace(page, weight=synthetic_weight) if synthetic_weight != 1.0 else page)
    return out


def synthetic_id(lang: str, n: int) -> str:
    """The id (and cross-fitting group) of the n-th synthetic page of a language."""
    return f"synthetic:{lang}:{n}"
