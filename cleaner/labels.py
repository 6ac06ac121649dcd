"""Reviewed pages as corpus-format records (corpus/README.md), and the labels file that holds them.

The file holds whole pages, one a line. Every change rewrites it whole: a temporary file beside it,
flushed to disk, then renamed over it (os.replace), so a killed process leaves either the old file or
the new one, never half a line. A page's record is found again by its page text, not by its id.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .corpus_format import ID_RE, SUBTYPES, collapse, record_problems
from .errors import ConfigError
from .paragraph import Paragraph

UNKNOWN_LANG = "xx"  # a page whose language newsbody could not tell (no trusted paragraph)
FLIPPED_TO_DROP = ("boilerplate", "other")  # what a kept paragraph becomes when the user drops it


@dataclass(frozen=True)
class Label:
    """One paragraph's label in the corpus format."""

    label: str
    subtype: Optional[str] = None

    @property
    def keep(self) -> bool:
        """A paragraph labelled body is the article's."""
        return self.label == "body"


def model_label(p: Paragraph) -> Label:
    """The label the model's decision stands for: body when kept, else its title/meta/boilerplate kind."""
    if p.keep:
        return Label("body")
    if p.label in ("title", "meta"):
        return Label(p.label)
    kind = (p.reason or "").partition(":")[2].strip()
    return Label("boilerplate", kind if kind in SUBTYPES else "other")


def flipped(p: Paragraph, keep: bool) -> Label:
    """The label for a paragraph the user sets to keep or drop (the model's own when it agrees)."""
    if keep == bool(p.keep):
        return model_label(p)
    return Label("body") if keep else Label(*FLIPPED_TO_DROP)


def saved_labels(paragraphs: Sequence[Paragraph], record: Optional[dict]) -> list[Optional[Label]]:
    """The saved label of each paragraph, matched by text in page order; None where nothing was saved."""
    if record is None:
        return [None] * len(paragraphs)
    queues: dict[str, list[Label]] = {}
    for item in record.get("paragraphs", []):
        queues.setdefault(collapse(item["text"]), []).append(Label(item["label"], item.get("subtype")))
    return [queues[key].pop(0) if queues.get(key) else None for key in (collapse(p.text) for p in paragraphs)]


def page_record(page: str, kind: str, language: Optional[str], paragraphs: Sequence[Paragraph],
                labels: Sequence[Label], record_id: str, notes: Optional[str] = None) -> dict[str, Any]:
    """One page and a label for every paragraph, as a corpus-format record."""
    lang = language or UNKNOWN_LANG
    items = []
    for p, lab in zip(paragraphs, labels, strict=True):
        text = collapse(p.text)
        if not text:
            continue
        item: dict[str, Any] = {"text": text, "label": lab.label,
                                "subtype": lab.subtype if lab.label == "boilerplate" else None}
        if p.lang and p.lang != lang:
            item["lang"] = p.lang
        items.append(item)
    record: dict[str, Any] = {"id": record_id, "lang": lang, "kind": kind, "page": page, "paragraphs": items}
    if notes:
        record["notes"] = notes
    return record


def next_id(records: Iterable[dict], lang: Optional[str], kind: str) -> str:
    """A new <lang>-<kind>-<nn> id, numbered after every id already in the file."""
    numbers = [int(m["nn"]) for m in (ID_RE.match(str(r.get("id", ""))) for r in records) if m]
    return f"{lang or UNKNOWN_LANG}-{kind}-{max(numbers, default=0) + 1:02d}"


def find_record(records: Sequence[dict], page: str) -> Optional[int]:
    """Index of the record holding this page text, the last one if several."""
    return next((i for i in range(len(records) - 1, -1, -1) if records[i].get("page") == page), None)


def read_labels(path: Path) -> list[dict]:
    """The records of a labels file ([] when it does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return []
    records = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as e:
                raise ConfigError(f"{path}, line {n}, is not JSON ({e}); fix or remove that line, "
                                  "or review into a new labels file") from None
            problems = record_problems(record)
            if problems:
                raise ConfigError(f"{path}, line {n}, is not a corpus-format page ({problems[0]}); fix or remove "
                                  "that line (the format is in corpus/README.md), or review into a new labels file")
            records.append(record)
    return records


def write_labels(path: Path, records: Sequence[dict]) -> None:
    """Replace the labels file with these records, atomically (a temporary file renamed over it)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
