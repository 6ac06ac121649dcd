"""newsbody against the other extractors on the held-out multilingual pages, as HTML.

Usage: python bench/multilingual_peers.py [--pages-per-lang N] [--seed S] [--tools newsbody,trafilatura,...]

The pages are bench/multilingual.py's (held-out boilerplate strings around held-out news paragraphs, in
45 body languages; cleaner/multilingual.py builds them), in their HTML form only: the other tools take
HTML. Every tool is scored the same way, from the text it returns: a body paragraph is kept when its
text is in the output (both in Unicode NFC, without control and format characters, whitespace
collapsed); a boilerplate string is kept when it is in what is left of the output once the
page's body paragraphs are cut out of it (so "Share" inside a story sentence does not count against a
tool). Titles are not scored (newsbody returns them apart). jusText gets the stoplist of the page's
language where it ships one (the page's language is known here, which a real crawl would have to
detect) and its language-independent mode otherwise. Prints recall per required language and tool,
the macro average over all body languages, and CPU seconds per page.
"""
from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleaner.augment import load_bodies, load_snippets  # noqa: E402
from cleaner.multilingual import (BODY_RECALL_BAR, BOILERPLATE_RECALL_BAR, DEFAULT_PAGES_PER_LANG,  # noqa: E402
                                  REQUIRED_LANGUAGES, HeldOutPage, build_pages)
from multilingual import BODIES, BOILERPLATE, shared_data_problem  # noqa: E402  (bench/multilingual.py)
from quality import MAKERS, TOOLS, version  # noqa: E402

# jusText's stoplist names for the body languages it ships one for.
JUSTEXT_STOPLISTS = {
    "ar": "Arabic", "az": "Azerbaijani", "bg": "Bulgarian", "bn": "Bengali", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "hy": "Armenian", "id": "Indonesian", "it": "Italian", "ka": "Georgian", "kk": "Kazakh", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay", "nb": "Norwegian_Bokmal", "nl": "Dutch", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sr": "Serbian", "sv": "Swedish",
    "sw": "Swahili", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese"}


def _norm(text: str) -> str:
    # Some tools normalise what they return (trafilatura gives NFC and deletes control and format characters:
    # a stray \x92, and Persian's zero-width non-joiner); the langid file's texts keep them. Compared
    # without them, a paragraph such a tool returns counts as kept.
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(text.split())


def make_justext_for(lang: str) -> Callable[[str], str]:
    """jusText with the stoplist of `lang`, or in its language-independent mode without one."""
    import justext

    name = JUSTEXT_STOPLISTS.get(lang)
    if name:
        stoplist = justext.get_stoplist(name)
        return lambda html: "\n".join(p.text for p in justext.justext(html, stoplist) if not p.is_boilerplate)
    return lambda html: "\n".join(p.text for p in justext.justext(html, frozenset(), stopwords_low=0,
                                                                  stopwords_high=0) if not p.is_boilerplate)


def score_page(page: HeldOutPage, output: str) -> tuple[list[bool], list[bool]]:
    """(kept? for each body paragraph, dropped? for each boilerplate string) judged from the output text."""
    text = _norm(output)
    bodies = [_norm(p.text) for p in page.planted if p.role == "body"]
    body_kept = [b in text for b in bodies]
    rest = text
    for b in sorted(set(bodies), key=len, reverse=True):
        rest = rest.replace(b, "\n")
    dropped = [_norm(p.text) not in rest for p in page.planted if p.role == "boilerplate"]
    return body_kept, dropped


def run(tool: str, built: dict[str, list], counts: dict) -> float:
    """Run one tool over every page; add its per-language counts; return CPU seconds per page."""
    fixed = None if tool == "justext" else MAKERS[tool]()
    cpu, n = 0.0, 0
    for lang, pages in built.items():
        fn = make_justext_for(lang) if tool == "justext" else fixed
        for page, forms in pages:
            start = time.process_time()
            try:
                output = fn(forms["html"]) or ""
            except Exception:  # noqa: BLE001 - a page a tool cannot handle counts as an empty output
                output = ""
            cpu += time.process_time() - start
            n += 1
            body_kept, dropped = score_page(page, output)
            c = counts[(tool, lang)]
            c["body"] += len(body_kept)
            c["body_ok"] += sum(body_kept)
            c["bp"] += len(dropped)
            c["bp_ok"] += sum(dropped)
    return cpu / max(n, 1)


def _pct(ok: int, n: int, bar: Optional[float] = None) -> str:
    if not n:
        return "–"
    s = f"{100 * ok / n:.1f}"
    return f"**{s}**" if bar is not None and ok / n < bar else s


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages-per-lang", type=int, default=DEFAULT_PAGES_PER_LANG)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    args = ap.parse_args(argv)
    problem = shared_data_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in MAKERS]
    if unknown:
        print(f"error: unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}", file=sys.stderr)
        return 2
    built = build_pages(load_snippets(BOILERPLATE, held_out=True), load_bodies(BODIES, training=False),
                        pages_per_lang=args.pages_per_lang, seed=args.seed)
    counts: dict = defaultdict(lambda: defaultdict(int))
    cpu: dict[str, Optional[float]] = {}
    for tool in tools:
        try:
            cpu[tool] = run(tool, built, counts)
        except ImportError:
            cpu[tool] = None
    ran = [t for t in tools if cpu[t] is not None]
    langs = sorted(built)
    print(f"## Held-out multilingual pages as HTML: {len(langs)} body languages × {args.pages_per_lang} pages, "
          f"seed {args.seed}\n")
    print(", ".join(f"{t} {version(t)}" if cpu[t] is not None else f"{t} not installed" for t in tools) + "\n")
    print("Body recall / boilerplate recall (%), from each tool's output text; bold: below the issue's bars "
          f"({BODY_RECALL_BAR:.0%} / {BOILERPLATE_RECALL_BAR:.0%}).\n")
    print("| body lang | " + " | ".join(ran) + " |")
    print("|---|" + "---|" * len(ran))
    macro: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for lang in langs:
        cells = []
        for t in ran:
            c = counts[(t, lang)]
            cells.append(f"{_pct(c['body_ok'], c['body'], BODY_RECALL_BAR)} / "
                         f"{_pct(c['bp_ok'], c['bp'], BOILERPLATE_RECALL_BAR)}")
            if c["body"] and c["bp"]:
                macro[t].append((c["body_ok"] / c["body"], c["bp_ok"] / c["bp"]))
        if lang in REQUIRED_LANGUAGES:
            print(f"| {lang}* | " + " | ".join(cells) + " |")
    mean_cells = []
    for t in ran:
        pairs = macro[t]
        mean_cells.append(f"{100 * sum(b for b, _ in pairs) / len(pairs):.1f} / "
                          f"{100 * sum(p for _, p in pairs) / len(pairs):.1f}" if pairs else "–")
    print(f"| **macro, all {len(langs)} body languages** | " + " | ".join(mean_cells) + " |")
    print("| CPU s/page | " + " | ".join(f"{cpu[t]:.4f}" for t in ran) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
