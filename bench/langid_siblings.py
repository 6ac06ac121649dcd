"""Can any backend tell Malay from Indonesian, and Serbian from Croatian, on the langid dev file?

Each backend is restricted to the sibling languages only (so every other confusion is ruled out)
and run over the texts labelled with one of them; prints accuracy per language and length bucket.
Backends: py3langid (always) and lingua (high and low accuracy mode) when `lingua-language-detector`
is installed; then plain py3langid over the whole file, for scale. This bounds what the default
backend can reach on issue 6's all-languages bars.

    python bench/langid_siblings.py [--data ../shared/datasets/langid/dev.jsonl.gz]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Optional

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "langid" / "dev.jsonl.gz"
PAIRS = {"Malay / Indonesian": ("ms", "id"), "Serbian / Croatian / Bosnian": ("sr", "hr", "bs")}
BUCKETS = ("short", "sentence", "paragraph")
Detector = Callable[[str], Optional[str]]


def py3langid_detector(codes: tuple[str, ...]) -> Detector:
    """py3langid restricted to the given languages."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    loader = getattr(LanguageIdentifier, "from_pickled_model", None) or LanguageIdentifier.from_model_file
    ident = loader(MODEL_FILE)
    ident.set_languages(list(codes))
    return lambda text: ident.classify(text)[0]


def lingua_detector(codes: tuple[str, ...], low: bool) -> Optional[Detector]:
    """lingua restricted to the given languages, or None when lingua is not installed."""
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:
        return None
    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    builder = LanguageDetectorBuilder.from_languages(*langs)
    if low:
        builder = builder.with_low_accuracy_mode()
    det = builder.build()

    def detect(text: str) -> Optional[str]:
        found = det.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None
    return detect


def accuracy(rows: list[dict], detect: Detector) -> dict[tuple[str, str], tuple[int, int]]:
    """(language, bucket) → (right, total)."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        cell = out[(r["lang"], r["len_bucket"])]
        cell[1] += 1
        cell[0] += detect(r["text"]) == r["lang"]
    return {k: (v[0], v[1]) for k, v in out.items()}


def main(argv: Optional[list[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DATA, help=f"langid JSON Lines (default {DATA})")
    args = p.parse_args(argv)
    if not args.data.exists():
        sys.exit(f"no langid data at {args.data}: pass --data (the file is in ../shared/datasets/langid/)")
    with gzip.open(args.data, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    for title, codes in PAIRS.items():
        mine = [r for r in rows if r["lang"] in codes and r["len_bucket"] in BUCKETS]
        present = [c for c in codes if any(r["lang"] == c for r in mine)]
        print(f"\n### {title}: {len(mine)} texts, each backend restricted to {', '.join(codes)}\n")
        print("| backend | " + " | ".join(f"{c} {b} %" for c in present for b in BUCKETS) + " | CPU s |")
        print("|---|" + "---:|" * (len(present) * len(BUCKETS) + 1))
        backends = {"py3langid": py3langid_detector(codes), "lingua (high accuracy)": lingua_detector(codes, False),
                    "lingua (low accuracy)": lingua_detector(codes, True)}
        for name, detect in backends.items():
            if detect is None:
                print(f"| {name} | not installed |")
                continue
            start = time.process_time()
            acc = accuracy(mine, detect)
            cells = [f"{100 * acc[(c, b)][0] / acc[(c, b)][1]:.2f}" if acc.get((c, b), (0, 0))[1] else "–"
                     for c in present for b in BUCKETS]
            print(f"| {name} | " + " | ".join(cells) + f" | {time.process_time() - start:.1f} |")
    # For scale: plain py3langid over every text, restricted to the file's languages, no rules.
    codes = sorted({r["lang"] for r in rows})
    plain = py3langid_detector(tuple("no" if c == "nb" else c for c in codes))   # py3langid calls Bokmål "no"
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        found = plain(r["text"])
        acc[r["len_bucket"]][1] += 1
        acc[r["len_bucket"]][0] += ("nb" if found == "no" else found) == r["lang"]
    print(f"\nplain py3langid restricted to the file's {len(codes)} languages, no rules, all counted: "
          + ", ".join(f"{b} {100 * acc[b][0] / acc[b][1]:.2f} %" for b in BUCKETS if acc[b][1]))


if __name__ == "__main__":
    main()
