"""How far each stage of newsbody's pipeline gets within a speed target set against trafilatura.

    python bench/speed_budget.py [--pages N] [--page-set dev|small] [--rounds 2] [--target 2.0] [--cpu 0]

bench/speed.py says where newsbody's time goes as shares; this says which stages fit a target at all.
On one core, for every page in turn: trafilatura.extract, then newsbody's pipeline cut after each stage
(lxml's parse alone; segmentation; + language; + features; + model; the whole `Cleaner.clean`), each
cut run from the page's HTML. The language stage remembers recent texts' detections (pages of a site
repeat their notices); that memory is emptied before every call, so every cut pays for the detections
it needs and none inherits them from the cut before. Prints CPU ms a page for each, trafilatura's time
over it, and the budget: trafilatura's time over the target.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speed  # noqa: E402  (bench/ is the script's directory; speed.py puts the repository on sys.path)


def cuts(lang_backend: str) -> dict:
    """Name → function of one page's HTML that runs the pipeline up to that stage."""
    from cleaner import Cleaner
    from cleaner.language import assign_languages, get_backend
    from cleaner.segment_html import parse_html, segment_html

    cleaner = Cleaner(lang_backend=lang_backend)
    backend = get_backend(lang_backend)
    features, model = cleaner.model.named_steps["features"], cleaner.model.named_steps["model"]

    def languages(html: str):
        return assign_languages(segment_html(html).paragraphs, backend)[0]

    return {
        "lxml parse only": parse_html,
        "segment": segment_html,
        "segment + language": languages,
        "segment + language + features": lambda html: features.transform(languages(html)),
        "segment + language + features + model": lambda html: model.predict_proba(features.transform(languages(html))),
        "newsbody, all of `clean`": cleaner.clean,
    }


def measure(pages: list[str], lang_backend: str, rounds: int) -> dict[str, float]:
    """CPU seconds a page of trafilatura and of each cut, alternating page by page."""
    import trafilatura
    from cleaner import language

    steps = {"trafilatura": trafilatura.extract, **cuts(lang_backend)}
    for fn in steps.values():   # warm up outside the measurement
        fn(pages[0])
    cpu = dict.fromkeys(steps, 0.0)
    for _ in range(rounds):
        for html in pages:
            for name, fn in steps.items():
                language._remembered.clear()
                t0 = time.process_time()
                fn(html)
                cpu[name] += time.process_time() - t0
    return {name: seconds / (rounds * len(pages)) for name, seconds in cpu.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=None, help="at most N pages (default: every dev page)")
    ap.add_argument("--page-set", choices=("dev", "small"), default="dev", help="as for bench/speed.py")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the pages (default 2)")
    ap.add_argument("--target", type=float, default=2.0,
                    help="newsbody's pages per CPU second over trafilatura's to reach (default 2.0, issue 5)")
    ap.add_argument("--lang-backend", default="py3langid")
    ap.add_argument("--cpu", type=int, default=0, help="the CPU to pin this process to")
    args = ap.parse_args()
    if args.rounds < 1 or args.target <= 0:
        ap.error("--rounds must be at least 1 and --target above 0")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    pages = speed.dev_pages(args.pages) if args.page_set == "dev" else speed.small_pages()[:args.pages]
    per_page = measure(pages, args.lang_backend, args.rounds)
    traf = per_page["trafilatura"]
    budget = traf / args.target
    print(f"{len(pages)} {args.page_set} pages × {args.rounds} rounds, one core, lang_backend={args.lang_backend}, "
          f"language memory emptied before every call\n")
    print("| step | CPU ms/page | trafilatura's time / this | within the budget |")
    print("|---|---|---|---|")
    for name, seconds in per_page.items():
        fits = "" if name == "trafilatura" else ("yes" if seconds <= budget else "no")
        print(f"| {name} | {seconds * 1000:.2f} | {traf / seconds:.2f}x | {fits} |")
    print(f"\n- budget for {args.target:g}x trafilatura: {budget * 1000:.2f} ms a page")


if __name__ == "__main__":
    main()
