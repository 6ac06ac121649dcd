"""Extraction quality of newsbody against other extractors on the same dev pages.

Usage: python bench/quality.py [--pages N] [--tools newsbody,trafilatura,readability,justext,boilerpy3,resiliparse]

Runs every tool on the pages of every dev split under ../shared/datasets (*/dev.jsonl.gz, langid skipped),
or the first N pages of each, and prints one Markdown table: dataset × tool → shingle P, R, F1
(classifier.metrics.corpus_scores over (prediction, true body) pairs, as `newsbody evaluate` does),
failures (pages where the tool raised; scored as an empty prediction) and CPU seconds per page
(time.process_time around each tool call). A macro-average row covers the splits with ≥ 40 pages.
"""
from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.metrics import corpus_scores  # noqa: E402
from cleaner.datasets import read_records  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
MACRO_MIN_PAGES = 40
TOOLS = ["newsbody", "trafilatura", "readability", "justext", "boilerpy3", "resiliparse"]
DISTRIBUTIONS = {"newsbody": "newsbody", "trafilatura": "trafilatura", "readability": "readability-lxml",
                 "justext": "jusText", "boilerpy3": "boilerpy3", "resiliparse": "resiliparse"}
BLOCK_TAGS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
              "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
              "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}


def version(tool: str) -> str:
    try:
        return metadata.version(DISTRIBUTIONS[tool])
    except metadata.PackageNotFoundError:
        return "?"


# --- tools: each maker returns a function html -> text, or raises ImportError when not installed ---

def make_newsbody() -> Callable[[str], str]:
    from cleaner import Cleaner

    c = Cleaner()
    return lambda html: c.clean(html, kind="html").text


def make_trafilatura() -> Callable[[str], str]:
    import trafilatura

    def run(html: str) -> str:
        return trafilatura.extract(html, favor_precision=False, include_comments=False,
                                   include_tables=True) or ""
    return run


def make_readability() -> Callable[[str], str]:
    import lxml.html
    import readability

    def run(html: str) -> str:
        summary = readability.Document(html).summary()
        if not summary.strip():
            return ""
        root = lxml.html.fromstring(summary)
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
                el.text = "\n" + (el.text or "")
                el.tail = "\n" + (el.tail or "")
        lines = (" ".join(line.split()) for line in root.text_content().splitlines())
        return "\n".join(line for line in lines if line)
    return run


def make_justext() -> Callable[[str], str]:
    import justext

    stoplist = justext.get_stoplist("English")

    def run(html: str) -> str:
        return "\n".join(p.text for p in justext.justext(html, stoplist) if not p.is_boilerplate)
    return run


def make_boilerpy3() -> Callable[[str], str]:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()
    return lambda html: extractor.get_content(html) or ""


def make_resiliparse() -> Callable[[str], str]:
    from resiliparse.extract.html2text import extract_plain_text

    # Its main-content mode, set as the others are: no readers' comments (newsbody's and trafilatura's
    # default too), and no image alt texts or list bullets, which no true body here contains.
    return lambda html: extract_plain_text(html, main_content=True, comments=False, alt_texts=False,
                                           list_bullets=False)


MAKERS = {"newsbody": make_newsbody, "trafilatura": make_trafilatura, "readability": make_readability,
          "justext": make_justext, "boilerpy3": make_boilerpy3, "resiliparse": make_resiliparse}


def load_split(path: Path, limit: Optional[int]) -> list[tuple[str, str]]:
    """(html, true body) of the pages of one split that carry HTML."""
    out = []
    for rec in read_records(path, limit):
        r = rec.record
        if "html" in r:
            out.append((r["html"], r.get("body") or ""))
    return out


def run_tool(fn: Callable[[str], str], pages: list[tuple[str, str]]) -> dict:
    pairs, failures, cpu = [], 0, 0.0
    for html, body in pages:
        start = time.process_time()
        try:
            text = fn(html) or ""
        except Exception:  # noqa: BLE001 - one page must never stop the run
            text = ""
            failures += 1
        cpu += time.process_time() - start
        pairs.append((text, body))
    s = corpus_scores(pairs)
    return {"P": s.precision, "R": s.recall, "F1": s.f1, "failures": failures, "cpu": cpu / len(pages)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=None, help="first N pages of each split (default: all)")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    args = ap.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in MAKERS]
    if unknown:
        sys.exit(f"unknown tool(s): {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    if not DATASETS.is_dir():
        sys.exit(f"shared data sets not found at {DATASETS}: this benchmark needs ../shared/datasets "
                 f"(*/dev.jsonl.gz) next to the repository")
    files = [f for f in sorted(DATASETS.glob("*/dev.jsonl.gz")) if f.parent.name != "langid"]
    if not files:
        sys.exit(f"no */dev.jsonl.gz under {DATASETS}")

    runners: dict[str, Optional[Callable[[str], str]]] = {}
    for t in tools:
        try:
            runners[t] = MAKERS[t]()
        except ImportError:
            runners[t] = None

    versions = ", ".join(f"{t} {version(t) if runners[t] else 'not installed'}" for t in tools)
    scope = f"first {args.pages} pages per split" if args.pages else "all pages"
    print(f"# Extraction quality on dev splits — {datetime.date.today().isoformat()}")
    print()
    print(f"Python {platform.python_version()}; {versions}; {scope}. "
          f"Shingle P/R/F1 (classifier.metrics.corpus_scores); CPU s = process time per page.")
    print()
    print("| dataset | pages | tool | P | R | F1 | failures | CPU s/page |")
    print("|---|---|---|---|---|---|---|---|")
    macro: dict[str, list[dict]] = {t: [] for t in tools}
    for f in files:
        name = f.parent.name
        pages = load_split(f, args.pages)
        if not pages:
            continue
        for t in tools:
            fn = runners[t]
            if fn is None:
                print(f"| {name} | {len(pages)} | {t} | not installed | | | | |")
                continue
            r = run_tool(fn, pages)
            if len(pages) >= MACRO_MIN_PAGES:
                macro[t].append(r)
            print(f"| {name} | {len(pages)} | {t} | {r['P']:.4f} | {r['R']:.4f} | {r['F1']:.4f} | "
                  f"{r['failures']} | {r['cpu']:.4f} |", flush=True)
    for t in tools:
        rows = macro[t]
        if runners[t] is None:
            print(f"| **macro (splits ≥ {MACRO_MIN_PAGES} pages)** | | {t} | not installed | | | | |")
            continue
        if not rows:
            continue
        n = len(rows)
        avg = {k: sum(r[k] for r in rows) / n for k in ("P", "R", "F1", "cpu")}
        print(f"| **macro ({n} splits ≥ {MACRO_MIN_PAGES} pages)** | | {t} | {avg['P']:.4f} | {avg['R']:.4f} | "
              f"{avg['F1']:.4f} | {sum(r['failures'] for r in rows)} | {avg['cpu']:.4f} |")


if __name__ == "__main__":
    main()
