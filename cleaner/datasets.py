"""Labelled page files → LabelledPages for training and evaluation.

Two formats, told apart by their fields:
  * external sets (../shared/datasets/*/{train,dev}.jsonl.gz): {"id", "html", "body", ...},
    labelled by aligning each paragraph with the true body (classifier.align);
  * the project's corpus (corpus/pages.jsonl): {"id", "kind", "page", "paragraphs": [{"text", "label"}]}.
"""
from __future__ import annotations

import gzip
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlsplit

from classifier.align import label_paragraphs
from classifier.train import LabelledPage

from .api import Settings, segment
from .errors import ConfigError
from .paragraph import DomContext, Paragraph, in_comment_sections
from .recipe import COMMENT_SECTIONS


@dataclass(frozen=True)
class PageRecord:
    """One page read from a labelled file, before segmentation."""

    id: str
    source: str
    record: dict


def source_name(path: Path) -> str:
    """A data set's name from its path: ../shared/datasets/dragnet/dev.jsonl.gz → dragnet/dev."""
    path = Path(path)
    stem = path.name.split(".")[0]
    return f"{path.parent.name}/{stem}" if path.parent.name else stem


def read_records(path: Path, limit: Optional[int] = None) -> Iterator[PageRecord]:
    """Pages of a JSON Lines file (gzip or not), in file order."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no such data file: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    source = source_name(path)
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                break
            if not line.strip():
                continue
            rec = json.loads(line)
            yield PageRecord(str(rec.get("id", n)), source, rec)


def is_corpus_record(rec: dict) -> bool:
    """True for the project's own corpus format (labels given per paragraph)."""
    return "paragraphs" in rec and "page" in rec


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def corpus_labels(paragraphs: list[Paragraph], labelled: list[dict]) -> list[str]:
    """Labels for segmented paragraphs from a hand-labelled list, matched by text in order."""
    by_text: dict[str, list[str]] = {}
    for item in labelled:
        by_text.setdefault(_norm(item["text"]), []).append(item["label"])
    labels = []
    for p in paragraphs:
        key = _norm(p.text)
        queue = by_text.get(key)
        if queue:
            labels.append(queue.pop(0) if len(queue) > 1 else queue[0])
            continue
        # A block the labeller split or joined differently: take the label of the text it is part of.
        owner = next((item["label"] for item in labelled
                      if key and (key in _norm(item["text"]) or _norm(item["text"]) in key)), "boilerplate")
        labels.append(owner)
    return labels


def labelled_page(rec: PageRecord, settings: Settings = Settings(), comment_sections: str = "dataset") -> LabelledPage:
    """Segment one labelled page and attach a label to every paragraph.

    comment_sections="boilerplate" labels an external set's paragraphs inside a readers' comment section
    boilerplate, as corpus/README.md's guide does, whatever the set's true body says."""
    if comment_sections not in COMMENT_SECTIONS:
        raise ConfigError(f"comment_sections must be one of {', '.join(COMMENT_SECTIONS)}, not {comment_sections!r}")
    r = rec.record
    if is_corpus_record(r):
        seg = segment(r["page"], kind=r.get("kind", "auto"), settings=settings)
        labels = corpus_labels(seg.paragraphs, r["paragraphs"])
    elif "html" in r and "body" in r:
        seg = segment(r["html"], kind="html", settings=settings)
        labels = label_paragraphs([p.text for p in seg.paragraphs], r["body"] or "", title=seg.title_hint)
        if comment_sections == "boilerplate":
            body = [label == "body" for label in labels]
            labels = ["boilerplate" if is_body and in_section else label for label, is_body, in_section
                      in zip(labels, body, in_comment_sections(seg.paragraphs, body))]
    else:
        raise ConfigError(f"{rec.source} page {rec.id}: expected fields html+body or page+paragraphs")
    return LabelledPage(id=f"{rec.source}:{rec.id}", source=rec.source, paragraphs=seg.paragraphs,
                        labels=labels, group=site_of(r.get("url")))


def site_of(url: Optional[str]) -> str:
    """The site a page came from (host without "www."), "" when unknown: a site's pages share boilerplate."""
    if not url or not isinstance(url, str):
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:      # not a URL (an unclosed IPv6 bracket, say): the page stands alone
        return ""
    return "site:" + host.removeprefix("www.") if host else ""


def as_plain_text(page: LabelledPage) -> LabelledPage:
    """The same page as a scraper's plain-text dump would give it: no DOM, one block per paragraph."""
    paragraphs = [p.with_(kind="text", dom=DomContext(group=i)) for i, p in enumerate(page.paragraphs)]
    return LabelledPage(id=page.id + "#text", source=page.source + "#text", paragraphs=paragraphs,
                        labels=page.labels, weight=page.weight, group=page.fold_group)


def with_text_copies(pages: list[LabelledPage], share: float, seed: int = 0) -> list[LabelledPage]:
    """Add a plain-text copy of a seeded random share of the HTML pages."""
    rng = random.Random(seed)
    out = list(pages)
    for page in pages:
        if page.paragraphs and page.paragraphs[0].kind != "text" and rng.random() < share:
            out.append(as_plain_text(page))
    return out
