"""The dev splits' pages (langid excepted) that the benches run on, read from ../shared/datasets."""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


def dev_pages_by_split() -> dict[str, list[dict]]:
    """{split name: [{"id", "url", "html"}, ...]} in file order; exits with a message when the data is absent."""
    files = sorted(p for p in DATASETS.glob("*/dev.jsonl.gz") if p.parent.name != "langid")
    if not files:
        sys.exit(f"no dev splits under {DATASETS}: this bench needs ../shared/datasets")
    splits = {}
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            records = (json.loads(line) for line in f)
            splits[path.parent.name] = [{"id": f"{path.parent.name}/{rec['id']}", "url": rec.get("url"),
                                         "html": rec["html"]} for rec in records]
    return splits


def dev_pages() -> list[dict]:
    """Every dev page, split after split."""
    return [page for pages in dev_pages_by_split().values() for page in pages]
