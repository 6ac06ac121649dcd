"""Per-language body and boilerplate recall on held-out multilingual pages (issue "Multilingual").

Usage: python bench/multilingual.py [--model PATH] [--pages-per-lang N] [--seed S] [--markdown FILE]
Builds pages from held-out boilerplate strings (../shared/resources/boilerplate_strings.jsonl) and
the evaluation half of the news paragraphs (../shared/datasets/langid/dev.jsonl.gz), cleans each as
plain text and as HTML, and prints two Markdown tables: recall by the body's language and by the
boilerplate string's language. Required languages are marked with *; the last line names every
required language that misses a bar.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.multilingual import (BODY_RECALL_BAR, BOILERPLATE_RECALL_BAR, DEFAULT_PAGES_PER_LANG, NO_BODY_TEXT,  # noqa: E402
                                  REQUIRED_LANGUAGES, MultilingualReport, row_misses, run_multilingual)

SHARED = ROOT.parent / "shared"
BOILERPLATE = SHARED / "resources" / "boilerplate_strings.jsonl"
BODIES = SHARED / "datasets" / "langid" / "dev.jsonl.gz"


def _pct(x: Optional[float], bar: Optional[float] = None) -> str:
    if x is None:
        return "–"
    s = f"{100 * x:.1f}"
    return f"**{s}**" if bar is not None and x < bar else s


def _lang(row: dict) -> str:
    return f"{row['lang']}*" if row["lang"] in REQUIRED_LANGUAGES else row["lang"]


def _row(first: str, cells: list[str], last: str) -> str:
    return "| " + " | ".join([first, *cells, last]) + " |"


def _body_cells(r: dict) -> list[str]:
    """The cells a language row and the ALL row share."""
    return [str(r["pages"]), f"{r['body_planted']} ({r['body_distinct']} / {r['body_distinct_lost']})",
            _pct(r["body_recall"], BODY_RECALL_BAR),
            f"{_pct(r['body_recall_text'])} / {_pct(r['body_recall_html'])}", str(r["boilerplate_planted"]),
            _pct(r["boilerplate_recall"], BOILERPLATE_RECALL_BAR),
            f"{_pct(r['boilerplate_recall_text'])} / {_pct(r['boilerplate_recall_html'])}",
            f"{_pct(r['boilerplate_same_lang_recall'])} ({r['boilerplate_same_lang_planted']})"]


def body_table(rows: list[dict]) -> list[str]:
    out = ["| body lang | pages | body planted (distinct / lost) | body recall | (text / html) | boilerplate planted "
           "| boilerplate recall | (text / html) | same-lang bp recall (n) | bars missed |",
           "|---|---:|---:|---:|---|---:|---:|---|---|---|"]
    for r in rows[:-1]:
        if r.get("note") == NO_BODY_TEXT:
            out.append(f"| {_lang(r)} | 0 | 0 | – | | 0 | – | | | {NO_BODY_TEXT} |")
            continue
        out.append(_row(_lang(r), _body_cells(r), "; ".join(row_misses(r)) if r["required"] else ""))
    a = rows[-1]
    out.append(_row(f"**ALL** (macro, {a['languages']} langs)", _body_cells(a),
                    f"micro: body {_pct(a['body_recall_micro'])}, boilerplate {_pct(a['boilerplate_recall_micro'])}"))
    return out


def _boilerplate_cells(r: dict) -> list[str]:
    """The cells a language row and the ALL row share."""
    return [str(r["boilerplate_planted"]), _pct(r["boilerplate_recall"], BOILERPLATE_RECALL_BAR),
            f"{_pct(r['same_lang_recall'])} ({r['same_lang_planted']})",
            f"{_pct(r['other_lang_recall'])} ({r['other_lang_planted']})",
            f"{_pct(r['recall_text'])} / {_pct(r['recall_html'])}",
            f"{_pct(r['consent_recall'])} ({r['consent_planted']})"]


def boilerplate_table(rows: list[dict]) -> list[str]:
    out = ["| boilerplate lang | planted | recall | under same-lang body (n) | under other-lang body (n) "
           "| text / html | consent recall (n) | note |",
           "|---|---:|---:|---|---|---|---|---|"]
    for r in rows[:-1]:
        if not r["boilerplate_planted"]:
            out.append(f"| {_lang(r)} | 0 | – | | | | | {r['note']} |")
            continue
        out.append(_row(_lang(r), _boilerplate_cells(r), str(r["note"])))
    a = rows[-1]
    out.append(_row(f"**ALL** (macro, {a['languages']} langs)", _boilerplate_cells(a),
                    f"micro {_pct(a['boilerplate_recall_micro'])}"))
    return out


def category_table(rows: list[dict]) -> list[str]:
    out = ["| category | planted | recall |", "|---|---:|---:|"]
    for r in rows:
        out.append(f"| {r['category']} | {r['boilerplate_planted']} "
                   f"| {_pct(r['boilerplate_recall'], BOILERPLATE_RECALL_BAR)} |")
    return out


def verdict(report: MultilingualReport) -> str:
    """One line: every required language that misses a bar, and which, plus the average."""
    misses = report.bar_misses()
    parts = [f"{lang}: {', '.join(m)}" for lang in REQUIRED_LANGUAGES for m in [misses.get(lang)] if m]
    a = report.by_body_lang[-1]
    avg = []
    if a["body_recall"] is None or a["body_recall"] < BODY_RECALL_BAR:
        avg.append(f"average body recall {100 * a['body_recall']:.2f}% < {100 * BODY_RECALL_BAR:.0f}%" if a["body_recall"] is not None else "no average body recall")
    if a["boilerplate_recall"] is None or a["boilerplate_recall"] < BOILERPLATE_RECALL_BAR:
        avg.append(f"average boilerplate recall {100 * a['boilerplate_recall']:.2f}% < {100 * BOILERPLATE_RECALL_BAR:.0f}%" if a["boilerplate_recall"] is not None else "no average boilerplate recall")
    if not parts and not avg:
        return "All 30 required languages and the average meet both bars."
    return (f"Missing bars: {len(parts)} of {len(REQUIRED_LANGUAGES)} required languages — "
            + ("; ".join(parts) if parts else "none") + (" | " + "; ".join(avg) if avg else ""))


def render(report: MultilingualReport, header: str) -> str:
    lines = [header, "",
             f"Bars: body recall ≥ {100 * BODY_RECALL_BAR:.0f}% and boilerplate recall ≥ "
             f"{100 * BOILERPLATE_RECALL_BAR:.0f}% in each required language (marked *) and on average. "
             "Recalls in %, below a bar in bold.", "",
             "### By body language", "", *body_table(report.by_body_lang), "",
             "### By boilerplate language", "", *boilerplate_table(report.by_boilerplate_lang), "",
             "### By boilerplate category (all languages)", "", *category_table(report.by_category()), "",
             verdict(report)]
    return "\n".join(lines) + "\n"


def shared_data_problem() -> Optional[str]:
    """The error to print when the held-out pages' sources under ../shared are missing, else None."""
    missing = [p for p in (BOILERPLATE, BODIES) if not p.is_file()]
    if not missing:
        return None
    return (f"error: ../shared is not available ({', '.join(map(str, missing))} missing); this benchmark "
            "needs the project's shared data next to the repository")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="model file (default: the shipped model)")
    ap.add_argument("--pages-per-lang", type=int, default=DEFAULT_PAGES_PER_LANG,
                    help=f"pages per language (default {DEFAULT_PAGES_PER_LANG}: see cleaner/multilingual.py)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown", type=Path, default=None, help="also write the tables to this file")
    ap.add_argument("--misses", type=int, default=0, help="also list up to N misclassified paragraphs")
    args = ap.parse_args(argv)
    problem = shared_data_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from cleaner import Cleaner
    from cleaner.errors import ModelError

    try:
        cleaner = Cleaner(args.model)
    except ModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    report = run_multilingual(cleaner, BOILERPLATE, BODIES, pages_per_lang=args.pages_per_lang, seed=args.seed)
    seconds = time.perf_counter() - start
    model = args.model or "the shipped model"
    header = (f"## Multilingual held-out recall — model {model}, {args.pages_per_lang} pages per language "
              f"(each cleaned as text and as HTML), seed {args.seed}, {seconds:.0f} s")
    text = render(report, header)
    if args.misses:
        lines = ["", f"### Misses (first {args.misses})", "",
                 "| body lang | form | role | category | text lang | p_body | text |", "|---|---|---|---|---|---:|---|"]
        for o in report.misses()[:args.misses]:
            p = "–" if o.p_body is None else f"{o.p_body:.2f}"
            snippet = o.planted.text[:90].replace("|", "\\|")
            lines.append(f"| {o.body_lang} | {o.form} | {o.planted.role} | {o.planted.category} | {o.planted.lang} "
                         f"| {p} | {snippet} |")
        text += "\n".join(lines) + "\n"
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
