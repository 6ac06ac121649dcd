"""Recall per kind of block on the project's evaluation pages (corpus/eval_pages.jsonl), which no model trains on.

    python bench/own_pages.py [--model M] [--misses]

The 30 pages (one a language, half plain text, half HTML) carry a consent notice in the article's own
language, worded unlike any training page, after the story's last paragraph. For each kind of block
the table gives how many the model got right: body kept, everything else dropped (the headline counts as
dropped: it goes to Result.title). They ship with the repository, so this runs from a bare clone.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.datasets import corpus_labels  # noqa: E402

EVAL_PAGES = ROOT / "corpus" / "eval_pages.jsonl"
NOTICE_CHARS = 80   # a consent block longer than this is the notice itself, shorter ones are its buttons


def kind_of(block: dict) -> str:
    """The row a labelled block is counted in: its label, or its boilerplate subtype (notices apart from buttons)."""
    if block["label"] != "boilerplate":
        return block["label"]
    if block.get("subtype") == "consent":
        return "consent notice" if len(block["text"]) > NOTICE_CHARS else "consent button"
    return block.get("subtype") or "other"


def score(cleaner: Cleaner, pages: list[dict]) -> tuple[Counter, Counter, list[tuple]]:
    """(blocks, right, misses) per (kind, form); a miss is (page id, kind, P(body), text)."""
    total, right, misses = Counter(), Counter(), []
    for page in pages:
        result = cleaner.clean(page["page"])
        labels = corpus_labels(list(result.paragraphs), page["paragraphs"])
        kinds = {" ".join(b["text"].split()): kind_of(b) for b in page["paragraphs"]}
        for p, label in zip(result.paragraphs, labels):
            kind = kinds.get(" ".join(p.text.split()), label)
            ok = p.keep if label == "body" else not p.keep
            total[kind, page["kind"]] += 1
            right[kind, page["kind"]] += ok
            if not ok:
                misses.append((page["id"], kind, round(p.p_body or 0.0, 3), p.text))
    return total, right, misses


def table(total: Counter, right: Counter) -> str:
    """Markdown table: kind × (text, html, both) → right / blocks and %."""
    def cell(n: int, k: int) -> str:
        return f"{k}/{n} ({100 * k / n:.1f} %)" if n else "–"
    rows = ["| block | plain text | HTML | both |", "|---|---|---|---|"]
    for kind in sorted({k for k, _ in total}, key=lambda k: (k != "body", k)):
        t, h = (total[kind, "text"], right[kind, "text"]), (total[kind, "html"], right[kind, "html"])
        rows.append(f"| {kind} | {cell(*t)} | {cell(*h)} | {cell(t[0] + h[0], t[1] + h[1])} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model file (default: the shipped model)")
    ap.add_argument("--pages", default=str(EVAL_PAGES), help="evaluation pages in the corpus format")
    ap.add_argument("--misses", action="store_true", help="also list every block the model got wrong")
    args = ap.parse_args(argv)
    pages = [json.loads(line) for line in Path(args.pages).read_text(encoding="utf-8").splitlines() if line.strip()]
    total, right, misses = score(Cleaner(args.model), pages)
    print(f"{len(pages)} pages from {args.pages}; model {args.model or 'default'}\n")
    print(table(total, right))
    if args.misses:
        print()
        for page_id, kind, p_body, text in misses:
            print(f"- {page_id} {kind} P(body) {p_body}: {text[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
