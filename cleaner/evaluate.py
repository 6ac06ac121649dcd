"""Score a Cleaner on labelled pages: page-level shingle P/R/F1 and paragraph-level body P/R/F1."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from classifier.align import label_paragraphs
from classifier.metrics import Scores, corpus_scores, paragraph_scores

from .api import Cleaner
from .datasets import is_corpus_record, read_records
from .errors import NewsbodyError


@dataclass
class Evaluation:
    """Scores of one data set."""

    source: str
    pages: int
    page_scores: Scores
    paragraph_scores: Scores
    errors: int
    empty_with_body: int          # pages returning no text although the true body has > 50 words
    seconds: float
    error_messages: list[str] = field(default_factory=list)

    def row(self) -> dict:
        """A flat dict for tables and JSON."""
        return {"dataset": self.source, "pages": self.pages,
                "P": round(self.page_scores.precision, 4), "R": round(self.page_scores.recall, 4),
                "F1": round(self.page_scores.f1, 4),
                "para_P": round(self.paragraph_scores.precision, 4),
                "para_R": round(self.paragraph_scores.recall, 4),
                "para_F1": round(self.paragraph_scores.f1, 4),
                "errors": self.errors, "empty": self.empty_with_body,
                "pages_per_s": round(self.pages / self.seconds, 1) if self.seconds else None}


def _truth(rec: dict) -> tuple[object, str, str]:
    if is_corpus_record(rec):
        body = "\n".join(p["text"] for p in rec["paragraphs"] if p["label"] == "body")
        return rec["page"], rec.get("kind", "auto"), body
    return rec["html"], "html", rec.get("body") or ""


def evaluate_file(cleaner: Cleaner, path: Path, limit: Optional[int] = None) -> Evaluation:
    """Clean every page of a labelled file and score the kept text against the true body."""
    pairs = []
    y_true: list[bool] = []
    y_pred: list[bool] = []
    errors = empty = 0
    messages = []
    source = None
    start = time.process_time()
    for rec in read_records(path, limit):
        source = rec.source
        page, kind, body = _truth(rec.record)
        try:
            result = cleaner.clean(page, kind=kind)
        except NewsbodyError as e:
            errors += 1
            messages.append(f"{rec.id}: {e}")
            pairs.append(("", body))
            continue
        pairs.append((result.text, body))
        if not result.text and len(body.split()) > 50:
            empty += 1
        texts = [p.text for p in result.paragraphs]
        truth = label_paragraphs(texts, body, title=result.title)
        y_true += [t == "body" for t in truth]
        y_pred += [bool(p.keep) for p in result.paragraphs]
    seconds = time.process_time() - start
    return Evaluation(source or str(path), len(pairs), corpus_scores(pairs) if pairs else Scores(0, 0, 0, 0),
                      paragraph_scores(y_true, y_pred) if y_true else Scores(0, 0, 0, 0),
                      errors, empty, seconds, messages)


def format_table(rows: Iterable[dict]) -> str:
    """A Markdown table of evaluation rows."""
    rows = list(rows)
    if not rows:
        return "(no data sets)"
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        lines.append("| " + " | ".join("" if r[c] is None else str(r[c]) for c in cols) + " |")
    return "\n".join(lines)
