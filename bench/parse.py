"""Parsing cost per page: lxml directly vs building a BeautifulSoup tree (lxml and html.parser builders).

Usage: python bench/parse.py [--pages N] [DATASET_FILES...]
Prints CPU milliseconds per page for each way of parsing, and for our whole segmentation.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402
from lxml import etree  # noqa: E402

from cleaner.segment_html import parse_html, segment_html, segment_root  # noqa: E402

DEFAULT = sorted((ROOT.parent / "shared" / "datasets").glob("*/dev.jsonl.gz"))


def pages(files, limit):
    out = []
    for f in files:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                if "html" in (r := json.loads(line)):
                    out.append(r["html"])
    return out[:limit]


def cpu_ms(fn, docs) -> float:
    start = time.process_time()
    for d in docs:
        fn(d)
    return (time.process_time() - start) * 1000 / len(docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    if not args.files:
        sys.exit("no data sets given and ../shared/datasets not found")
    docs = pages(args.files, args.pages)
    kb = sum(len(d) for d in docs) / len(docs) / 1000
    rows = [
        ("lxml parse (etree.HTMLParser)", lambda d: parse_html(d)),
        ("bs4 tree, lxml builder", lambda d: BeautifulSoup(d, "lxml")),
        ("bs4 tree, html.parser builder", lambda d: BeautifulSoup(d, "html.parser")),
        ("newsbody segmentation (lxml parse + one walk)", lambda d: segment_html(d)),
        ("newsbody segmentation of a bs4 soup (str(soup) + lxml)",
         lambda d, s=None: segment_html(str(BeautifulSoup(d, "lxml")))),
    ]
    print(f"{len(docs)} pages, {kb:.0f} KB of HTML on average, CPU ms per page (one core)")
    base = None
    for name, fn in rows:
        ms = cpu_ms(fn, docs)
        base = base or ms
        print(f"  {name:<58} {ms:8.2f} ms   ×{ms / base:5.1f}")


if __name__ == "__main__":
    main()
